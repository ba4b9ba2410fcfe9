"""A project on a read-only disk or folder: one clear line naming the store, never an internal error (issue 9).

As root, file permissions do not stop writes, so the project is bind-mounted read-only (what a project
on a write-protected share looks like); as another user the folder is made read-only.  Every command that
opens the project must say that the project database cannot be written, name it, and exit 1; none may
blame another command or print a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Q = ROOT / "questionnaires" / "civic_hot_issues.yaml"


def survey(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


@contextmanager
def read_only(path: Path):
    if os.geteuid() == 0:
        mnt = path.parent / (path.name + "_ro")
        mnt.mkdir()
        subprocess.run(["mount", "--bind", str(path), str(mnt)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,ro,bind", str(mnt)], check=True)
            yield mnt
        finally:
            subprocess.run(["umount", str(mnt)], check=True)
    else:
        for p in [path, *path.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        try:
            yield path
        finally:
            for p in [path, *path.rglob("*")]:
                p.chmod(p.stat().st_mode | 0o200)


def test_commands_on_a_read_only_project_say_so(tmp_path):
    proj = tmp_path / "p"
    data = tmp_path / "r.csv"
    assert survey("simulate", Q, "--n", 30, "--out", data).returncode == 0
    assert survey("init", proj, "--questionnaire", Q).returncode == 0
    assert survey("import", proj, data).returncode == 0
    with read_only(proj) as ro:
        probe = ro / "probe"
        try:
            probe.write_text("x")
        except OSError:
            pass
        else:
            raise AssertionError("the project folder is still writable")
        for args in (["status", ro], ["analyze", ro], ["check", ro], ["import", ro, data, "--wave", "W2"],
                     ["export", ro, "--out", tmp_path / "x.csv"], ["report", ro, "--out", tmp_path / "rep", "--format", "html"]):
            r = survey(*args)
            err = r.stderr.strip()
            assert r.returncode == 1, (args, r.returncode, err)
            assert "Traceback" not in err and "internal error" not in err, (args, err)
            lines = [x for x in err.splitlines() if x.strip()]
            assert len(lines) == 1, (args, err)
            assert "minyi.duckdb" in err and "read-only" in err, (args, err)
            assert "survey " not in err.split("(")[0], (args, err)  # names the cause, not another command
    shutil.rmtree(tmp_path / "rep", ignore_errors=True)
