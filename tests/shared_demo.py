"""One ``survey demo`` (every format) for the test modules that read its files, built once per test run.

Five modules read the demo's report files and project (tests/test_report_files.py, test_report_content.py,
test_report_english.py, test_output_format_redteam.py, test_office_details29.py).  Each ran ``survey demo`` itself
(45 s alone, 60–90 s on the loaded CI machine), about five minutes of the CI's half hour.  Now the first module to
ask builds it once, under an exclusive lock in the folder every pytest-xdist worker's temporary folder sits in,
and every module gets a copy of its own (``shutil.copytree`` keeps the files' modes), so what one module writes
(a cache in the project, a report in another language) cannot change another's files.

The demo is the real command, run as its ``--help`` example says (``survey demo --out demo_out``: ``python -W always
-m cli`` in a child process, under umask 022), so the one run is also tests/test_help_examples.py's run of that
example and tests/test_demo.py's (which reads its stderr for warnings: every warning is shown).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_ARGV = ("demo", "--out", "demo_out")  # the demo's --help example (checked in tests/test_help_examples.py)


@dataclass(frozen=True)
class DemoRun:
    out: Path     # the demo's output folder (read it; copy it to change anything: demo_copy)
    stdout: str
    stderr: str


def _build(shared: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    old = os.umask(0o022)
    try:
        r = subprocess.run([sys.executable, "-W", "always", "-m", "cli", *DEMO_ARGV], cwd=str(shared), env=env,
                           capture_output=True, text=True, timeout=900)
    finally:
        os.umask(old)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout[-2000:] + r.stderr[-3000:]
    (shared / "stdout.txt").write_text(r.stdout, encoding="utf-8")
    (shared / "stderr.txt").write_text(r.stderr, encoding="utf-8")


def _english(shared: Path) -> None:
    out = shared / ENGLISH_OUT
    r = subprocess.run([sys.executable, "-m", "cli", "report", str(shared / DEMO_ARGV[-1] / "project"), *ENGLISH_ARGS,
                        "--out", str(out)], cwd=str(shared), env=dict(os.environ, PYTHONPATH=str(ROOT)),
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout[-2000:] + r.stderr[-3000:]


ENGLISH_ARGS = ("--compare", "2026Q2", "--lang", "en", "--format", "html,docx")
ENGLISH_OUT = "report_en"


def _shared(tmp_path_factory, step: str, build) -> Path:
    """The test run's shared folder once ``build(folder)`` has run there (by the first caller, under a lock)."""
    base = tmp_path_factory.getbasetemp()  # an xdist worker's is <run>/popen-gwN: the run's folder is its parent
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared_demo"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds; the others wait for it, then read it
        try:
            if not (shared / f"{step}.done").is_file():
                build(shared)
                (shared / f"{step}.done").write_text("ok", encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return shared


def demo_run(tmp_path_factory) -> DemoRun:
    """The one run of ``survey demo`` (built by the first caller of the test run)."""
    def build(shared: Path) -> None:
        shutil.rmtree(shared / DEMO_ARGV[-1], ignore_errors=True)  # a build cut short by a failure is made again
        _build(shared)

    shared = _shared(tmp_path_factory, "demo", build)
    return DemoRun(shared / DEMO_ARGV[-1], (shared / "stdout.txt").read_text(encoding="utf-8"),
                   (shared / "stderr.txt").read_text(encoding="utf-8"))


def demo_english(tmp_path_factory) -> Path:
    """The demo project's English report, ``survey report PROJECT --compare 2026Q2 --lang en --format html,docx``
    (the previous wave, as the demo's own report compares): the folder holding its report.html and report.docx, to
    read only."""
    demo_run(tmp_path_factory)

    def build(shared: Path) -> None:
        shutil.rmtree(shared / ENGLISH_OUT, ignore_errors=True)
        _english(shared)

    return _shared(tmp_path_factory, "english", build) / ENGLISH_OUT


def demo_copy(tmp_path_factory, name: str, folder: str = "demo") -> Path:
    """A copy of the one demo output (``report.html``, ``report.docx`` …, ``project/``) in a new folder of the
    calling module: ``<its tmp>/<folder>``."""
    out = tmp_path_factory.mktemp(name) / folder
    shutil.copytree(demo_run(tmp_path_factory).out, out)
    return out
