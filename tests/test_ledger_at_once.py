"""Two survey ledger runs on one project at once (two analysts, or a scheduled run beside a person's).

* Two ``--update`` of copies written from the same store, editing the same cell: the second to store checks its
  sheet against the store as the first left it and meets ``ledger-conflict``; the first's edit stays.  Before: each
  checked its sheet before the other stored, both said they stored their edit, and the last overwrote the other's.
* Two ``--wave W``: each item is stored once.  Before: each read the ledger before the other stored, proposed every
  item, and the ledger held each item twice (ZG-001 … ZG-004 and ZG-005 … ZG-008, the same problems).

The first run is a real process, paused (tests/killed_child.py) after it read the ledger and closed the store,
while the second runs whole."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import tracking_world as W
from killed_child import ROOT, let_go, start_paused, wait_paused
from survey.ledger import LedgerStore
from survey.store import Project
from test_ledger_edits import edit

W5 = W.WAVES[4][0]


def _survey(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _has_open(pid: int, path) -> bool:
    """Whether process ``pid`` has ``path`` open (Linux: /proc/PID/fd)."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.path.realpath(fds / fd) == os.path.realpath(path) for fd in os.listdir(fds))
    except OSError:  # ended meanwhile
        return False


def test_two_updates_at_once_never_overwrite_each_other(tmp_path):
    W.build(tmp_path, waves=5)
    project = tmp_path / "project"
    rc, _, err = W.survey("ledger", project, "--wave", W5, "--out", tmp_path / "w5.xlsx")
    assert rc == 0, err
    mine = edit(tmp_path / "w5.xlsx", tmp_path / "mine.xlsx", {("ZG-001", "unit"): "市民政局"})
    theirs = edit(tmp_path / "w5.xlsx", tmp_path / "theirs.xlsx", {("ZG-001", "unit"): "市城市管理局"})
    marker = tmp_path / "read"
    first = start_paused(project, "close:SELECT id, rule", marker,
                         "from report.ledger import update_ledger\nupdate_ledger(p, args[0])", mine)
    wait_paused(first, marker, "its read of the ledger")
    second = _survey("ledger", project, "--update", theirs)
    t0 = time.time()  # the second done, or waiting at the project's write lock, which the first holds
    while second.poll() is None and not _has_open(second.pid, project / ".minyi.lock"):
        assert time.time() - t0 < 300, "the second update neither ended nor waited"
        time.sleep(0.05)
    rc, err = let_go(first, marker)
    assert rc == 0, err
    out, err = second.communicate(timeout=300)
    assert second.returncode == 1, (out, err)
    assert f"{theirs}" in err and "'市城市管理局' was entered in a copy written when the field was" in err, err
    assert "but the project store has '市民政局' since" in err, err
    assert {it.id: it.unit for it in LedgerStore(Project.open(project)).items()}["ZG-001"] == "市民政局"


def test_two_runs_of_a_wave_at_once_store_each_item_once(tmp_path):
    W.build(tmp_path, waves=5)
    project = tmp_path / "project"
    marker = tmp_path / "read"
    first = start_paused(project, "close:SELECT id, rule", marker,
                         "from report.ledger import project_ledger\nproject_ledger(p, args[0])", W5)
    wait_paused(first, marker, "its read of the ledger")
    second = _survey("ledger", project, "--wave", W5, "--quiet")
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    rc, err = let_go(first, marker)
    assert rc == 0, err
    items = LedgerStore(Project.open(project)).items()
    assert [it.id for it in items] == ["ZG-001", "ZG-002", "ZG-003", "ZG-004"]
    assert len({it.key for it in items}) == 4
