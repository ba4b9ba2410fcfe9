"""A busy project is a limit like the others (docs/limits.md: ``lock_wait``; issue 9: "Every limit gives one
clear message with the limit and how to raise it").

Before: after waiting, ``survey`` printed DuckDB's own text ("IO Error: Could not set lock on file …
Conflicting lock is held in /…/python3.11 (PID 12986). See also https://duckdb.org/…") and "wait for it to
finish and retry", naming neither the limit nor how to wait longer; the writers' lock said "has been writing
for 60 s" without the limit either.  Both ways in (the database file, and the one-writer lock) are checked,
and the hint is run as printed.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Q = "id: t\ntitle: t\nsections:\n  - id: A\n    title: A\n    questions:\n      - {id: Q1, type: single, text: x, options: [a, b]}\n"


def _survey(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "q.yaml").write_text(Q, encoding="utf-8")
    (tmp_path / "a.csv").write_text("respondent_id,Q1\nR1,1\nR2,2\n", encoding="utf-8")
    assert _survey("init", "p", "--questionnaire", "q.yaml", cwd=tmp_path).returncode == 0
    return tmp_path / "p"


def _check_busy(r: subprocess.CompletedProcess) -> str:
    err = r.stderr
    assert r.returncode == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "lock_wait" in err and "duckdb.org" not in err and "IO Error" not in err, err
    return re.search(r"survey --limit (lock_wait=\S+) ", err).group(1)


def test_database_held_by_another_process_names_lock_wait(tmp_path):
    proj = _project(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, time
        con = duckdb.connect({str(proj / 'minyi.duckdb')!r})
        print('locked', flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        raised = _check_busy(_survey("--limit", "lock_wait=0.3", "status", "p", cwd=tmp_path))
        assert float(raised.split("=")[1]) > 0.3
    finally:
        holder.kill()
        holder.wait()
    r = _survey("--limit", raised, "status", "p", cwd=tmp_path)  # the hint, as printed, is accepted
    assert r.returncode == 0, r.stderr


def test_writer_lock_held_names_lock_wait(tmp_path):
    proj = _project(tmp_path)
    fd = os.open(proj / ".minyi.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _check_busy(_survey("--limit", "lock_wait=0.3", "import", "p", "a.csv", cwd=tmp_path))
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert _survey("import", "p", "a.csv", cwd=tmp_path).returncode == 0
