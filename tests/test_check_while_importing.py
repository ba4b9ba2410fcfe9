"""survey check computing a wave's checks while another process imports into that wave: the checks stored are
stale (the next command checks the wave again), never taken as covering the import they did not see.

Before: the checks were stored with the signature of the imports at the moment they were stored, the new import's
among them, so its rows were never checked — a second download of the same answers (the same respondent ids)
stayed in the analysis twice, its duplicate ids unflagged, and status said the checks were current."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from cli_capture import run_main
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv

ROOT = Path(__file__).resolve().parents[1]

# survey check of wave W1 of the project argv[1]; once the checks are computed, before they are stored, it tells
# the test (file argv[2]) and waits for the file argv[3]
CHECK_PAUSED = """
import sys, time
from pathlib import Path
import survey.store as store

real = store.wave_checks


def paused(*args, **kw):
    out = real(*args, **kw)
    Path(sys.argv[2]).write_text("computed")
    while not Path(sys.argv[3]).exists():
        time.sleep(0.05)
    return out


store.wave_checks = paused
store.Project.open(sys.argv[1]).check("W1")
"""


def _analysed(capsys, proj) -> int:
    rc, out = run_main(capsys, "analyze", str(proj), "--wave", "W1", "--json")
    assert rc == 0, out
    return json.loads(out)["sample"]["n"]


def test_an_import_during_the_checks_leaves_them_stale(tmp_path, capsys):
    write_csv(simulate(load_questionnaire(bundled_path()), 100, seed=1), tmp_path / "a.csv")
    text = (tmp_path / "a.csv").read_bytes()
    (tmp_path / "again.csv").write_bytes(text + b"\n")  # the same answers downloaded again (another file)
    proj = tmp_path / "p"
    assert run_main(capsys, "init", str(proj), "--questionnaire", str(bundled_path()))[0] == 0
    assert run_main(capsys, "import", str(proj), str(tmp_path / "a.csv"), "--wave", "W1", "--quiet")[0] == 0
    computed, go = tmp_path / "computed", tmp_path / "go"
    child = subprocess.Popen([sys.executable, "-c", CHECK_PAUSED, str(proj), str(computed), str(go)],
                             stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    t0 = time.time()
    while not computed.exists():
        assert child.poll() is None, child.stderr.read().decode()
        assert time.time() - t0 < 120, "the checks were never computed"
        time.sleep(0.05)
    rc, out = run_main(capsys, "import", str(proj), str(tmp_path / "again.csv"), "--wave", "W1", "--quiet")
    assert rc == 0, out
    go.write_text("go")
    assert child.wait(timeout=120) == 0, child.stderr.read().decode()
    rc, out = run_main(capsys, "status", str(proj), "--json")
    (w1,) = json.loads(out)["waves"]
    assert w1["responses"] == 200 and w1["checks_stale"] is True
    # the next analysis checks the wave again: the second copy of every respondent is left out (duplicate_id)
    assert _analysed(capsys, proj) == 100
    rc, out = run_main(capsys, "status", str(proj), "--json")
    (w1,) = json.loads(out)["waves"]
    assert w1["checks_stale"] is False and w1["exclusions"]
