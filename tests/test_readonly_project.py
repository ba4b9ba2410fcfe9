"""A project on a read-only disk or folder: one clear line naming the store, never an internal error (issue 9);
the commands that only read it work (survey.store.Project.connect opens it for reading).

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
        mnt.mkdir(exist_ok=True)
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
    data2 = tmp_path / "r2.csv"  # a new file: its import has rows to store (the same file again would store nothing)
    assert survey("simulate", Q, "--n", 20, "--seed", 2, "--out", data2).returncode == 0
    with read_only(proj) as ro:
        probe = ro / "probe"
        try:
            probe.write_text("x")
        except OSError:
            pass
        else:
            raise AssertionError("the project folder is still writable")
        st = survey("status", ro)  # only reads: works (the store opened for reading)
        assert st.returncode == 0 and "wave default: 30 responses" in st.stdout and not st.stderr.strip(), st
        # the rest would store the wave's checks first (never run here), or an import: said read-only
        for args in (["analyze", ro], ["check", ro], ["import", ro, data2, "--wave", "W2"],
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


def test_a_checked_read_only_project_can_be_read(tmp_path):
    """Checked before it became read-only (an archive, a share, ``chmod -R a-w``): status, quarantine, export,
    analyze, trend and report read it as they would a writable one; an import, a removal and the checks say
    read-only.  Before: every one of them said "cannot write the project database" (analyze only when its
    result was not in the cache)."""
    proj = tmp_path / "p"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert survey("simulate", Q, "--n", 60, "--out", a).returncode == 0
    assert survey("simulate", Q, "--n", 50, "--seed", 2, "--out", b).returncode == 0
    assert survey("init", proj, "--questionnaire", Q).returncode == 0
    assert survey("import", proj, a, "--wave", "W1").returncode == 0
    assert survey("import", proj, b, "--wave", "W2").returncode == 0
    assert survey("check", proj).returncode == 0
    want = {args[0]: survey(*args).stdout for args in (["status", proj], ["quarantine", proj],
                                                        ["export", proj, "--wave", "W1"])}
    assert want["export"].count("\n") == 61
    want["analyze"] = survey("analyze", proj, "--wave", "W1", "--json").stdout
    shutil.rmtree(proj / ".minyi-cache")  # computed again from the store, not found in the cache
    with read_only(proj) as ro:
        for name, args in (("status", ["status", ro]), ("quarantine", ["quarantine", ro]),
                           ("export", ["export", ro, "--wave", "W1"]), ("analyze", ["analyze", ro, "--wave", "W1", "--json"])):
            r = survey(*args)
            assert r.returncode == 0 and not r.stderr.strip(), (args, r.stderr)
            got, exp = r.stdout, want[name]
            if name == "status":
                got, exp = got.replace(str(ro), str(proj)), exp
            if name == "analyze":
                got, exp = [__import__("json").loads(x) for x in (got, exp)]
                for d in (got, exp):
                    d["meta"].pop("generated_at")
            assert got == exp, name
        assert survey("trend", ro).returncode == 0
        r = survey("report", ro, "--out", tmp_path / "rep", "--format", "html")
        assert r.returncode == 0 and (tmp_path / "rep" / "report.html").exists(), r.stderr
        c = tmp_path / "c.csv"
        assert survey("simulate", Q, "--n", 20, "--seed", 3, "--out", c).returncode == 0
        for args in (["import", ro, c, "--wave", "W3"], ["remove-import", ro, "1"], ["check", ro]):
            r = survey(*args)
            err = r.stderr.strip()
            assert r.returncode == 1 and len(err.splitlines()) == 1, (args, err)
            assert "minyi.duckdb" in err and "read-only" in err.lower() and "internal error" not in err, (args, err)
        assert not (ro / ".minyi-cache").exists()
    assert "wave W3" not in survey("status", proj).stdout


def test_a_never_checked_read_only_project_says_what_to_do(tmp_path):
    """Never checked, then read-only: analyze, export and report (which read only) say that the wave's quality
    checks are not stored and must be, name the wave and the store, and that survey check where the project can be
    written makes the read-only project readable; done so, analyze works on it.  Before: "cannot write the project
    database …", as if analyze were a command that writes."""
    proj = tmp_path / "p"
    a = tmp_path / "a.csv"
    assert survey("simulate", Q, "--n", 40, "--out", a).returncode == 0
    assert survey("init", proj, "--questionnaire", Q).returncode == 0
    assert survey("import", proj, a, "--wave", "W1").returncode == 0
    with read_only(proj) as ro:
        for args in (["analyze", ro], ["export", ro, "--out", tmp_path / "x.csv"],
                     ["report", ro, "--out", tmp_path / "rep", "--format", "html"]):
            r = survey(*args)
            err = r.stderr.strip()
            assert r.returncode == 1 and len(err.splitlines()) == 1, (args, err)
            assert err.startswith(f"{ro}: error: wave W1 has no stored quality checks for its present imports and "
                                  f"settings, and they are stored before any analysis"), (args, err)
            assert f"the project database {ro / 'minyi.duckdb'} cannot be written: " in err, (args, err)
            assert err.endswith(f"(run survey check {ro} once where the project can be written (its owner, or a "
                                "copy), then this command works on the read-only project)"), (args, err)
        assert not (tmp_path / "x.csv").exists()
    assert survey("check", proj).returncode == 0
    with read_only(proj) as ro:
        r = survey("analyze", ro, "--json")
        assert r.returncode == 0 and not r.stderr.strip(), r.stderr
