"""Load benchmark of `survey serve`: concurrent phones posting complete answers (not a timed test).

Runs the real command (`python -m cli serve`) on a fresh project of the bundled questionnaire
(120 items) and, from this process, ``--clients`` concurrent clients (default 100, asyncio +
httpx, keep-alive connections) that each post complete answers — simulated by `survey simulate`,
each with a new UUID, through a collector's link — for ``--seconds`` (default 60).  Reported:

* sustained submissions per second (acknowledged with HTTP 200) — target ≥ 200/s on 2 cores;
* acknowledgement latency p50 / p99 — target p99 < 300 ms;
* the final count in the project store after Ctrl-C (the server merges its journal on the way
  out) against the acknowledged count: 0 lost, 0 duplicated;
* the floor, measured in the same run: the same clients against the server's trivial
  ``/healthz`` endpoint for 10 s — what this machine's HTTP stack and client allow at all.

The clients share the machine with the server, so on 2 cores both compete for the CPU; the figure is
what one modest machine does, client included.

Usage: ``python benchmarks/bench_serve.py [--clients 100] [--seconds 60] [--port 18650]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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


async def _run(base: str, clients: int, seconds: float, bodies: list[str] | None) -> dict:
    import httpx

    latencies: list[float] = []
    acked: list[str] = []
    errors: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        async def one(k: int) -> None:
            i = k
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    if bodies is None:
                        r = await http.get("/healthz")
                        ok = r.status_code == 200
                        uid = None
                    else:
                        uid = str(uuid.uuid4())
                        r = await http.post("/api/submit", content=bodies[i % len(bodies)].replace("@UUID@", uid),
                                            headers={"Content-Type": "application/json"})
                        ok = r.status_code == 200 and not r.json().get("duplicate")
                except httpx.HTTPError:
                    errors[-1] = errors.get(-1, 0) + 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if ok:
                    if uid:
                        acked.append(uid)
                else:
                    errors[r.status_code] = errors.get(r.status_code, 0) + 1
                i += clients

        t_start = time.perf_counter()
        await asyncio.gather(*(one(k) for k in range(clients)))
        elapsed = time.perf_counter() - t_start
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    return {"requests": len(latencies), "acked": acked, "elapsed": elapsed, "p50": pct(0.50), "p99": pct(0.99),
            "errors": errors}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--port", type=int, default=18650)
    args = ap.parse_args()

    bodies, project_dir, project = _bodies(1000)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, "-m", "cli", "serve", project_dir, "--port", str(args.port),
                               "--admin-token", "bench", "--rate-limit", "0"], cwd=str(ROOT), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{args.port}"
    import httpx

    for _ in range(300):
        try:
            if httpx.get(base + "/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        server.kill()
        print(server.stderr.read())
        return 1
    try:
        floor = asyncio.run(_run(base, args.clients, 10, None))
        load = asyncio.run(_run(base, args.clients, args.seconds, bodies))
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=300)
    from survey.store import Project

    data = Project.open(project_dir).raw_responses()
    ids = data["respondent_id"].tolist()
    acked = set(load["acked"])
    lost = len(acked - set(ids))
    dup = len(ids) - len(set(ids))
    rate = len(load["acked"]) / load["elapsed"]
    print(f"survey serve load: {args.clients} clients × {args.seconds:g} s, complete answers of "
          f"{project.questionnaire.n_items} items, machine with {os.cpu_count()} cores (clients on the same machine)")
    print(f"  floor (GET /healthz, same clients, 10 s): {floor['requests'] / floor['elapsed']:.0f} requests/s, "
          f"p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms")
    print(f"  submissions acknowledged: {len(load['acked']):,} in {load['elapsed']:.1f} s = {rate:.0f}/s "
          f"(target ≥ 200/s)")
    print(f"  acknowledgement latency: p50 {load['p50']:.0f} ms, p99 {load['p99']:.0f} ms (target p99 < 300 ms)")
    print(f"  other answers: {load['errors'] or 'none'}")
    print(f"  in the project store after Ctrl-C: {len(ids):,} rows; acknowledged {len(acked):,}; "
          f"lost {lost}, duplicated {dup}")
    print(f"  server exit code {server.returncode}")
    return 0 if lost == 0 and dup == 0 and len(ids) == len(acked) else 1


if __name__ == "__main__":
    sys.exit(main())
