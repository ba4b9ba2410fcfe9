"""Load benchmark of `survey serve`: concurrent phones posting complete answers (not a timed test).

Runs the real command (`python -m cli serve`) on a fresh project of the bundled questionnaire
(120 items) and, from this process, ``--clients`` concurrent clients (default 100, asyncio +
aiohttp, keep-alive connections) that each post complete answers — simulated by `survey simulate`,
each with a new UUID, through a collector's link — for ``--seconds`` (default 60).  Reported:

* back to back (each client posts its next answer as soon as the last is acknowledged): sustained
  submissions per second (acknowledged with HTTP 200) — target ≥ 200/s on 2 cores — and latency;
* paced (the clients together post ``--rate``/s, default 200): acknowledgement latency p50 / p99 —
  target p99 < 300 ms.  (Back to back, latency is clients ÷ throughput by Little's law — 100 clients
  at 200/s wait 500 ms on average whatever the server does — so latency is judged at the target rate);
* the final count in the project store after Ctrl-C (the server merges its journal on the way
  out) against the acknowledged count: 0 lost, 0 duplicated;
* the floor, measured in the same run: the same clients against the server's trivial
  ``/healthz`` endpoint for 10 s — what this machine's HTTP stack and client allow at all.

The clients share the machine with the server, so on 2 cores both compete for the CPU; the figure is
what one modest machine does, client included.

Usage: ``python benchmarks/bench_serve.py [--clients 100] [--seconds 60] [--rate 200] [--port 18650]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _bodies(n: int) -> tuple[list[str], str, object]:
    """``n`` JSON bodies (with a UUID placeholder) of complete simulated answers, and the project."""
    import numpy as np

    from survey.collect.answers import fields_from_row
    from survey.collect.links import make_links, project_secret
    from survey.simulate import simulate
    from survey.store import Project

    tmp = Path(tempfile.mkdtemp(prefix="minyi-bench-serve-"))
    p = Project.create(tmp / "proj", ROOT / "questionnaires" / "civic_hot_issues.yaml")
    q = p.questionnaire
    link = make_links(q, collectors=["BENCH"])[0].query(project_secret(p.root))
    df = simulate(q, n=n, seed=7)
    bodies = []
    for rec in df[q.columns(meta=False)].to_dict("records"):
        row = {k: v for k, v in rec.items()
               if v is not None and not (isinstance(v, float) and np.isnan(v)) and not (isinstance(v, str) and not v)}
        body = {"uuid": "@UUID@", "answers": fields_from_row(q, row), "link": link, "duration_sec": 480,
                "finished_at": int(time.time() * 1000)}
        bodies.append(json.dumps(body, ensure_ascii=False))
    return bodies, str(p.root), p


async def _run(base: str, clients: int, seconds: float, bodies: list[str] | None, rate: float | None = None) -> dict:
    """``clients`` concurrent clients for ``seconds``: back to back (``rate`` None), or together ``rate``/s.

    The clients use aiohttp (its C HTTP parser keeps the load generator's own CPU small: it shares the
    machine with the server)."""
    import random

    import aiohttp

    latencies: list[float] = []
    acked: list[str] = []
    errors: dict = {}
    start = time.perf_counter()
    deadline = start + seconds
    salt = random.SystemRandom().getrandbits(64)
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(base_url=base, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=60)) as http:
        async def one(k: int) -> None:
            rng = random.Random(salt + k)  # UUIDs without a urandom call each (slow on some VMs)
            i = k
            interval = clients / rate if rate else 0.0
            due = start + random.Random(k).random() * interval
            while True:
                if interval:
                    now = time.perf_counter()
                    if due > now:
                        await asyncio.sleep(due - now)
                    due += interval
                if time.perf_counter() >= deadline:
                    return
                t0 = time.perf_counter()
                uid = None
                try:
                    if bodies is None:
                        async with http.get("/healthz") as r:
                            await r.read()
                            ok = r.status == 200
                    else:
                        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                        async with http.post("/api/submit", data=bodies[i % len(bodies)].replace("@UUID@", uid).encode(),
                                             headers={"Content-Type": "application/json"}) as r:
                            body = await r.json()
                            ok = r.status == 200 and body.get("uuid") == uid and not body.get("duplicate")
                except (aiohttp.ClientError, asyncio.TimeoutError) as e:
                    errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if ok:
                    if uid:
                        acked.append(uid)
                else:
                    errors[r.status] = errors.get(r.status, 0) + 1
                i += clients

        await asyncio.gather(*(one(k) for k in range(clients)))
        elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    return {"requests": len(latencies), "acked": acked, "elapsed": elapsed, "p50": pct(0.50), "p99": pct(0.99),
            "errors": errors}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc (Linux); NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def _phase(base: str, clients: int, seconds: float, bodies, pid: int, rate=None) -> dict:
    """One load phase, with the CPU time the server and this client used during it."""
    s0, c0 = _cpu_seconds(pid), time.process_time()
    res = asyncio.run(_run(base, clients, seconds, bodies, rate=rate))
    res["server_cpu"] = _cpu_seconds(pid) - s0
    res["client_cpu"] = time.process_time() - c0
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--rate", type=float, default=200, help="submissions/s of the paced phase (all clients together)")
    ap.add_argument("--port", type=int, default=18650)
    args = ap.parse_args()
    load_before = os.getloadavg()[0]  # other work on the machine competes for the same cores

    bodies, project_dir, project = _bodies(1000)
    try:
        return _measure(args, bodies, project_dir, project, load_before)
    finally:  # the temporary project (its folder from tempfile.mkdtemp) goes with the run
        shutil.rmtree(Path(project_dir).parent, ignore_errors=True)


def _measure(args, bodies: list[str], project_dir: str, project, load_before: float) -> int:
    """Start the server on the project, run the three phases, stop it and count what the store kept."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, "-m", "cli", "serve", project_dir, "--port", str(args.port),
                               "--admin-token", "bench", "--rate-limit", "0"], cwd=str(ROOT), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{args.port}"
    import urllib.error
    import urllib.request

    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    else:
        server.kill()
        print(server.stderr.read())
        return 1
    try:
        floor = _phase(base, args.clients, 10, None, server.pid)
        full = _phase(base, args.clients, args.seconds, bodies, server.pid)
        paced = _phase(base, args.clients, args.seconds, bodies, server.pid, rate=args.rate)
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=300)
    from survey.store import Project

    data = Project.open(project_dir).raw_responses()
    ids = data["respondent_id"].tolist()
    acked = set(full["acked"]) | set(paced["acked"])
    lost = len(acked - set(ids))
    dup = len(ids) - len(set(ids))
    print(f"survey serve load: {args.clients} concurrent clients, complete answers of "
          f"{project.questionnaire.n_items} items, {os.cpu_count()} cores shared by server and clients, "
          f"load average before the run {load_before:.1f}, after {os.getloadavg()[0]:.1f}")
    print(f"  floor (GET /healthz back to back, 10 s): {floor['requests'] / floor['elapsed']:.0f} requests/s, "
          f"p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms; CPU per request: server "
          f"{1000 * floor['server_cpu'] / max(1, floor['requests']):.2f} ms, "
          f"client {1000 * floor['client_cpu'] / max(1, floor['requests']):.2f} ms")
    for name, res in (("back to back", full), (f"paced at {args.rate:g}/s", paced)):
        n = max(1, len(res["acked"]))
        print(f"  {name} ({args.seconds:g} s): {len(res['acked']):,} acknowledged = "
              f"{len(res['acked']) / res['elapsed']:.0f} submissions/s; latency p50 {res['p50']:.0f} ms, "
              f"p99 {res['p99']:.0f} ms; other answers: {res['errors'] or 'none'}")
        print(f"      CPU per submission: server {1000 * res['server_cpu'] / n:.2f} ms, "
              f"client {1000 * res['client_cpu'] / n:.2f} ms")
    print("  targets: ≥ 200 submissions/s, p99 < 300 ms")
    print(f"  in the project store after Ctrl-C: {len(ids):,} rows; acknowledged {len(acked):,}; "
          f"lost {lost}, duplicated {dup}; server exit code {server.returncode}")
    return 0 if lost == 0 and dup == 0 and len(ids) == len(acked) else 1


if __name__ == "__main__":
    sys.exit(main())
