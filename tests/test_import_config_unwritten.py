"""An import whose rows are committed but whose minyi.yaml cannot then be written (a full disk): the error says the
rows are stored and that the same import again completes minyi.yaml; the retry does, and imports no row twice.

Before: "cannot write minyi.yaml: … (free some disk space … and run the command again)", exit 1, as if nothing had
been imported.  The disk fills between the commit and the write: the child is paused after its COMMIT and given a
file-size limit there (``prlimit``; writes beyond it fail with EFBIG), then let go."""

from __future__ import annotations

import resource

import duckdb
import yaml

from killed_child import let_go, start_paused, wait_paused
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

STEP = """
import signal
from survey.errors import MinyiError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
try:
    p.import_file(args[0], wave='W2')
except MinyiError as e:
    sys.exit(str(e))
"""


def test_an_import_stored_but_minyi_yaml_not_written_says_so_and_the_retry_completes_it(tmp_path):
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 60, seed=1), tmp_path / "a.csv")
    write_csv(simulate(q, 40, seed=2), tmp_path / "b.csv")
    p = Project.create(tmp_path / "p", bundled_path())
    p.import_file(tmp_path / "a.csv", wave="W1")
    marker = tmp_path / "committed"
    child = start_paused(p.root, "COMMIT", marker, STEP, tmp_path / "b.csv")
    wait_paused(child, marker, "its commit")
    resource.prlimit(child.pid, resource.RLIMIT_FSIZE, (16, resource.RLIM_INFINITY))  # the disk is full now
    rc, err = let_go(child, marker)
    assert rc == 1, err
    assert "Traceback" not in err, err
    assert "the 40 accepted row(s) of" in err and "are stored (import #2, wave W2)" in err, err
    assert "minyi.yaml could not be written to add wave W2" in err and "run the same import again" in err, err
    con = duckdb.connect(str(p.root / "minyi.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT _wave, count(*) FROM responses GROUP BY 1 ORDER BY 1").fetchall() == [("W1", 60), ("W2", 40)]
    finally:
        con.close()
    assert yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))["waves"] == ["W1"]
    again = Project.open(p.root).import_file(tmp_path / "b.csv", wave="W2")
    assert again.already and again.import_id == 2
    assert yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))["waves"] == ["W1", "W2"]
