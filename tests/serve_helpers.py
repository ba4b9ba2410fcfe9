"""Shared pieces of the `survey serve` tests: projects, answers to post, free ports, a server process, and the
in-process tests' fixtures ``project`` and ``rows`` (bound in a test module as
``project, rows = serve_helpers.project_fixture, serve_helpers.rows_fixture``)."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid as _uuid
from pathlib import Path
from typing import Optional

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "questionnaires" / "civic_hot_issues.yaml"
PORTS = (18000, 18999)


def make_project(tmp: Path, *, config: Optional[dict] = None, questionnaire: Path = BUNDLED):
    from survey.store import Project

    p = Project.create(tmp / "proj", questionnaire)
    if config:
        cfg = yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))
        cfg.update(config)
        (p.root / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
        p = Project.open(p.root)
    return p


def native_rows(q, n: int, seed: int = 1) -> list[dict]:
    """``n`` simulated complete answers (native layout, blanks dropped)."""
    from survey.simulate import simulate

    df = simulate(q, n=n, seed=seed)
    out = []
    for rec in df[q.columns(meta=False)].to_dict("records"):
        out.append({k: v for k, v in rec.items()
                    if v is not None and not (isinstance(v, float) and np.isnan(v)) and not (isinstance(v, str) and not v)})
    return out


def payload(q, row: dict, *, link: Optional[dict] = None, uid: Optional[str] = None, **extra) -> dict:
    from survey.collect.answers import fields_from_row

    body = {"uuid": uid or str(_uuid.uuid4()), "answers": fields_from_row(q, row), "link": link or {},
            "finished_at": int(time.time() * 1000), "duration_sec": 600}
    body.update(extra)
    return body


@pytest.fixture(name="project")
def project_fixture(tmp_path):
    """A new project of the bundled questionnaire in the test's folder, minyi.yaml as created."""
    return make_project(tmp_path)


@pytest.fixture(name="rows", scope="module")
def rows_fixture():
    """40 simulated complete answers of the bundled questionnaire (seed 7), made once per test module."""
    from survey.qload import load_questionnaire

    return native_rows(load_questionnaire(BUNDLED), 40, seed=7)


def free_port() -> int:
    for _ in range(200):
        port = random.randint(*PORTS)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18000-18999")


class ServerProcess:
    """`survey serve` as a real process (the command users run)."""

    def __init__(self, project_dir: Path, *args: str, port: Optional[int] = None, token: str = "test-admin-token"):
        self.port = port or free_port()
        self.token = token
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", str(project_dir), "--port", str(self.port),
                                      "--admin-token", token, *args], cwd=str(ROOT), env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"survey serve exited: {self.proc.stderr.read()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.proc.kill()
        raise RuntimeError("survey serve did not start within 60 s")

    def post(self, body: dict, timeout: float = 30) -> tuple[int, dict]:
        req = urllib.request.Request(self.base + "/api/submit", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def interrupt(self, timeout: float = 60) -> tuple[int, str, str]:
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=30)


class Relay:
    """A TCP relay in front of the server: the phone's "signal".  ``down()`` closes every open connection and
    answers new ones by closing them at once, so nothing the browser sends reaches the server (Chromium's
    offline emulation alone has let a request through under load); ``up()`` forwards again."""

    def __init__(self, port: int):
        import threading

        self.target = ("127.0.0.1", port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.online = True
        self.open: set = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if not self.online:
                    client.close()
                    continue
                try:
                    server = socket.create_connection(self.target, timeout=10)
                except OSError:
                    client.close()
                    continue
                server.settimeout(None)
                self.open.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self.lock:
            self.open.discard(src)
        src.close()

    def down(self) -> None:
        with self.lock:
            self.online = False
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.open.clear()

    def up(self) -> None:
        with self.lock:
            self.online = True

    def close(self) -> None:
        self.down()
        self.listener.close()


def journal_count(project) -> int:
    """Answers in the project's journal (acknowledged, not yet merged or merged)."""
    from survey.collect.journal import Journal, journal_path

    j = Journal(journal_path(project.root))
    try:
        return j.count()
    finally:
        j.close()
