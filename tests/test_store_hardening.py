"""Store hardening: the same file imported twice at once is stored once; the database (and its journal) is
readable by the owner only while exports follow the umask; an import can be undone and the history says so;
a batch prepared from a DataFrame (survey serve) goes through the same checks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from survey.errors import MinyiError
from survey.export import export_project
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

from test_rowcheck import ROWS, write_csv as write_rows, write_tiny

GOOD = ROWS[0][0]

ROOT = Path(__file__).resolve().parents[1]


def _survey(*args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", "import sys; from cli import main; sys.exit(main())", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT, **kw)


def test_same_file_imported_twice_at_once_is_stored_once(tmp_path):
    q = load_questionnaire(bundled_path())
    f = tmp_path / "big.csv"
    write_csv(simulate(q, 20_000, 5), f)  # big enough that both commands read it before either commits
    proj = tmp_path / "p"
    Project.create(proj, bundled_path())
    procs = [_survey("import", str(proj), str(f), "--wave", "W", "--json") for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    res = [json.loads(out) for out, _ in outs]
    assert sorted(bool(r["already_imported"]) for r in res) == [False, True]
    assert res[0]["import_id"] == res[1]["import_id"]
    con = duckdb.connect(str(proj / "minyi.duckdb"))
    try:
        assert con.execute("SELECT count(*) FROM imports").fetchall()[0][0] == 1
        assert con.execute("SELECT count(*) FROM responses").fetchall()[0][0] + \
            con.execute("SELECT count(DISTINCT \"row\") FROM quarantine").fetchall()[0][0] == 20_000
    finally:
        con.close()


def test_two_different_files_at_once_are_both_stored(tmp_path):
    q = load_questionnaire(bundled_path())
    files = []
    for i in range(2):
        files.append(tmp_path / f"f{i}.csv")
        write_csv(simulate(q, 3_000, 10 + i), files[-1])
    proj = tmp_path / "p"
    Project.create(proj, bundled_path())
    procs = [_survey("import", str(proj), str(f), "--wave", "W") for f in files]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    assert len(Project.open(proj).imports()) == 2


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_database_and_journal_are_owner_only_exports_follow_umask(tmp_path):
    old = os.umask(0o022)
    try:
        p = Project.create(tmp_path / "p", write_tiny(tmp_path))
        db = tmp_path / "p" / "minyi.duckdb"
        assert _mode(db) == 0o600
        con = p.connect()
        try:  # the write-ahead log appears with the first write of a connection
            con.execute("BEGIN TRANSACTION")
            con.execute("INSERT INTO checks VALUES ('w', 's', 't')")
            con.execute("COMMIT")
            con.execute("INSERT INTO checks VALUES ('w2', 's', 't')")
            wal = db.with_name("minyi.duckdb.wal")
            assert wal.exists() and _mode(wal) == 0o600
        finally:
            con.close()
        assert os.umask(0o022) == 0o022  # the connection gave the umask back
        p.import_file(write_rows(tmp_path / "a.csv", [r for r, _ in ROWS]), wave="W")
        assert _mode(db) == 0o600
        out = tmp_path / "clean.csv"
        export_project(p, out=out)
        assert _mode(out) == 0o644  # for readers: the user's umask
    finally:
        os.umask(old)


def test_older_database_readable_by_others_is_narrowed_when_opened(tmp_path):
    p = Project.create(tmp_path / "p", write_tiny(tmp_path))
    db = tmp_path / "p" / "minyi.duckdb"
    os.chmod(db, 0o644)
    Project.open(tmp_path / "p").waves()
    assert _mode(db) == 0o600


def test_remove_import_undoes_it_and_is_recorded(tmp_path):
    from typer.testing import CliRunner

    import cli

    p = Project.create(tmp_path / "p", write_tiny(tmp_path))
    a = write_rows(tmp_path / "a.csv", [r for r, _ in ROWS])
    b = write_rows(tmp_path / "b.csv", [GOOD.replace("R01", "B01"), GOOD.replace("R01", "B02")])
    s1 = p.import_file(a, wave="W")
    s2 = p.import_file(b, wave="W")
    p.check("W")
    assert s1.quarantined > 0 and len(p.quarantine()) > 0
    run = CliRunner()
    res = run.invoke(cli.app, ["remove-import", str(p.root), str(s1.import_id), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["responses_removed"] == s1.accepted and out["quarantined_rows_removed"] == s1.quarantined
    data = p.raw_responses()
    assert sorted(data["respondent_id"]) == ["B01", "B02"] and set(data["_import_id"]) == {s2.import_id}
    assert len(p.quarantine()) == 0 and list(p.imports()["id"]) == [s2.import_id]
    assert set(p.flags()["import_id"]) <= {s2.import_id}
    hist = p.history()
    assert list(hist["action"]) == ["import", "import", "remove-import"]
    assert hist.iloc[-1]["import_id"] == s1.import_id and hist.iloc[-1]["file"] == "a.csv"
    st = run.invoke(cli.app, ["status", str(p.root)])
    assert f"removed import #{s1.import_id} a.csv" in st.output
    again = p.import_file(a, wave="W")  # the file can come back, under a new number
    assert not again.already and again.import_id not in (s1.import_id, s2.import_id)
    res = run.invoke(cli.app, ["remove-import", str(p.root), "99"])
    assert res.exit_code != 0
    with pytest.raises(MinyiError, match="no import #99"):
        p.remove_import(99)


def test_remove_last_import_of_a_wave_drops_the_wave(tmp_path):
    p = Project.create(tmp_path / "p", write_tiny(tmp_path))
    s = p.import_file(write_rows(tmp_path / "a.csv", [GOOD]), wave="W1")
    assert Project.open(p.root).config["waves"] == ["W1"]
    p.remove_import(s.import_id)
    assert Project.open(p.root).config["waves"] == [] and p.waves() == []


def test_prepare_rows_from_a_dataframe_is_checked_like_a_file(tmp_path):
    p = Project.create(tmp_path / "p", write_tiny(tmp_path))
    f = write_rows(tmp_path / "a.csv", [r for r, _ in ROWS])
    from_file = p.prepare_import(f, wave="W")
    frame = pd.read_csv(f, dtype=str, keep_default_na=False)
    batch = p.prepare_rows(frame, source="serve", key="serve:1", wave="W", first_row=2)
    assert (batch.accepted, batch.quarantined, batch.reasons) == (from_file.accepted, from_file.quarantined,
                                                                  from_file.reasons)
    assert batch.rows.equals(from_file.rows)
    s = p.commit_batch(batch)
    assert s.import_id and not s.already
    assert p.commit_batch(p.prepare_rows(frame, source="serve", key="serve:1", wave="W")).already
    assert set(p.raw_responses()["_source"]) == {"serve"}


def test_export_keep_excluded_writes_the_dropped_rows_with_flags(tmp_path):
    """survey export --keep-excluded: exactly the rows the exclusion rules drop, one 0/1 column per flag."""
    import subprocess
    import sys

    import pandas as pd

    from survey.quality import FLAG_NAMES
    from survey.simulate import simulate, write_csv
    from survey.store import Project

    root = Path(__file__).parent.parent
    qy = Path(__file__).parent / "data" / "wjx_questionnaire.yaml"
    env = dict(os.environ, PYTHONPATH=str(root))
    run = lambda *a: subprocess.run([sys.executable, "-m", "cli", *map(str, a)], capture_output=True, text=True,
                                    env=env, timeout=300)
    from survey.qload import load_questionnaire

    f = simulate(load_questionnaire(qy), 400, seed=11, messy=True)
    write_csv(f, tmp_path / "in.csv")
    assert run("init", tmp_path / "p", "--questionnaire", qy).returncode == 0
    assert run("import", tmp_path / "p", tmp_path / "in.csv", "--wave", "W").returncode == 0
    r = run("export", tmp_path / "p", "--keep-excluded", "--out", tmp_path / "ex.csv")
    assert r.returncode == 0, r.stderr
    ex = pd.read_csv(tmp_path / "ex.csv", dtype={"respondent_id": str})
    kept, counts = Project.open(tmp_path / "p").responses("W")
    raw = Project.open(tmp_path / "p").raw_responses("W")
    assert len(ex) == len(raw) - len(kept) == sum(counts.values()) and len(ex) > 0
    assert [c for c in ex.columns if c.startswith("flag_")] == [f"flag_{k}" for k in FLAG_NAMES]
    assert ex[[f"flag_{k}" for k in ("duplicate_id", "identical_answers", "speeder")]].sum(axis=1).min() >= 1
    assert run("export", tmp_path / "p", "--keep-excluded", "--format", "sav", "--out", tmp_path / "ex.sav").returncode == 0
