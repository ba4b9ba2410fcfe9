"""Project store: init, provenance, idempotent and atomic imports (killed for real), waves, status, PII hashing."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from survey.errors import MinyiError
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

from killed_child import kill_when_paused, start_paused
from test_rowcheck import GOOD, HEADER, ROWS, write_csv as write_rows, write_tiny


def _count(project: Project, table: str = "responses") -> int:
    con = duckdb.connect(str(project.root / "minyi.duckdb"))
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    finally:
        con.close()


def test_init_writes_config_questionnaire_and_database(tmp_path):
    qf = write_tiny(tmp_path)
    p = Project.create(tmp_path / "proj", qf)
    cfg = yaml.safe_load((tmp_path / "proj" / "minyi.yaml").read_text(encoding="utf-8"))
    assert cfg["questionnaire"] == "questionnaire.yaml"
    assert cfg["waves"] == []
    assert set(cfg["design"]) == {"weights", "strata", "psu", "fpc"}
    assert cfg["exclusions"] == {"duplicate_id": True, "identical_answers": True, "speeder": True,
                                 "straightliner": False, "same_ip": False}
    assert (tmp_path / "proj" / "questionnaire.yaml").read_text(encoding="utf-8") == qf.read_text(encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "proj" / "minyi.duckdb"))
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'responses' "
                                      "ORDER BY ordinal_position").fetchall()]
    con.close()
    assert {"responses", "imports", "quarantine", "flags", "pii"} <= tables
    assert cols[:5] == ["respondent_id", "submitted_at", "duration_sec", "S1", "Q1"]
    assert {"_wave", "_import_id", "_row", "_source"} <= set(cols)
    with pytest.raises(MinyiError, match="already a minyi project"):
        Project.create(tmp_path / "proj", qf)
    assert p.questionnaire.id == "tiny"


def test_init_rejects_invalid_questionnaire_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\nsections:\n  - id: A\n    questions:\n      - {id: Q1, type: singel, text: t}\n",
                   encoding="utf-8")
    with pytest.raises(MinyiError, match="singel"):
        Project.create(tmp_path / "proj", bad)
    assert not (tmp_path / "proj").exists()
    with pytest.raises(MinyiError, match="not a minyi project"):
        Project.open(tmp_path / "nothing")


def test_reimport_adds_nothing_and_provenance_is_recorded(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    f = write_rows(tmp_path / "a.csv", [r for r, _ in ROWS])
    s1 = p.import_file(f, wave="2025Q4")
    n, nq = _count(p), _count(p, "quarantine")
    s2 = p.import_file(f, wave="2025Q4")
    assert s2.already and "nothing added" in s2.lines()[0]
    s3 = p.import_file(f, wave="2026Q1")  # the same bytes under another wave are still the same file
    assert s3.already and "2025Q4" in s3.lines()[0]
    assert (_count(p), _count(p, "quarantine"), len(p.imports())) == (n, nq, 1)
    imp = p.imports().iloc[0]
    assert imp["file"] == "a.csv"
    assert imp["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
    assert (imp["rows_read"], imp["accepted"], imp["quarantined"]) == (s1.rows_read, s1.accepted, s1.quarantined)
    assert Path(imp["path"]) == f.resolve()


def test_several_waves_and_status(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    p.import_file(write_rows(tmp_path / "w1.csv", [r for r, _ in ROWS]), wave="2025Q4")
    # wave 2: 2 社区 + 1 企业, all good; different ids so the files differ
    w2 = [g.replace("R0", "S0").replace("R1", "S1") for g in GOOD]
    p.import_file(write_rows(tmp_path / "w2.csv", w2), wave="2026Q1")
    assert p.waves() == ["2025Q4", "2026Q1"]
    assert yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))["waves"] == ["2025Q4", "2026Q1"]
    st = p.status()
    w = {x["wave"]: x for x in st["waves"]}
    assert w["2025Q4"]["responses"] == 3 and w["2025Q4"]["quarantined_rows"] == len(ROWS) - 3
    assert w["2025Q4"]["site"] == {"社区": 2, "企业": 1}
    assert w["2026Q1"]["responses"] == 3 and w["2026Q1"]["quarantined_rows"] == 0
    assert [i["file"] for i in st["last_imports"]] == ["w2.csv", "w1.csv"]
    assert len(p.raw_responses()) == 6 and len(p.raw_responses("2026Q1")) == 3
    with pytest.raises(MinyiError, match="no wave '2027'"):
        p.raw_responses("2027")
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "status", str(p.root)], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert "wave 2025Q4: 3 responses, 11 quarantined rows" in r.stdout
    assert "site: 社区 2, 企业 1" in r.stdout
    assert "w1.csv" in r.stdout and hashlib.sha256((tmp_path / "w1.csv").read_bytes()).hexdigest()[:12] in r.stdout


def test_site_option_fills_missing_site(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    rows = ["R01,2026-03-01 09:00:00,600,,2,,,,,4,,,,,,"]  # no site, no matrix: fine for 企业, not for 社区
    f = write_rows(tmp_path / "x.csv", rows)
    s = p.import_file(f, wave="W", site="企业")
    assert (s.accepted, s.quarantined) == (1, 0)
    assert p.raw_responses()["S1"].tolist() == [2.0]
    with pytest.raises(MinyiError, match="not an option of S1"):
        p.import_file(write_rows(tmp_path / "y.csv", rows + [rows[0].replace("R01", "R02")]), site="工厂")


def test_hash_pii_stores_salted_hashes(tmp_path):
    qf = write_tiny(tmp_path)
    head = HEADER + ",ip"
    rows = [GOOD[0] + ",10.1.2.3", GOOD[1] + ",10.9.9.9"]
    plain = Project.create(tmp_path / "plain", qf)
    plain.import_file(write_rows(tmp_path / "a.csv", rows, head))
    con = plain.connect()
    vals = sorted(r[0] for r in con.execute("SELECT value FROM pii").fetchall())
    con.close()
    assert vals == ["10.1.2.3", "10.9.9.9"]
    assert "ip" not in plain.raw_responses().columns  # kept apart from the answers

    hashed = Project.create(tmp_path / "hashed", qf)
    s = hashed.import_file(write_rows(tmp_path / "b.csv", rows, head), hash_pii=True)
    assert s.pii_columns == ["ip"]
    salt = (tmp_path / "hashed" / ".pii_salt").read_text().strip()
    assert len(salt) >= 16
    con = hashed.connect()
    got = sorted(r[0] for r in con.execute("SELECT value FROM pii").fetchall())
    con.close()
    assert got == sorted(hashlib.sha256((salt + v).encode()).hexdigest() for v in ("10.1.2.3", "10.9.9.9"))
    assert "10.1.2.3" not in (tmp_path / "hashed" / "minyi.duckdb").read_bytes().decode("latin-1")


def test_busy_database_is_one_readable_error(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(p.root / 'minyi.duckdb')!r})
        print('locked', flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        p.lock_wait = 1.0  # commands wait for a busy project (limits: lock_wait), then say so
        t0 = time.monotonic()
        with pytest.raises(MinyiError, match="cannot open the project database.*another survey command is using"):
            p.raw_responses()
        assert time.monotonic() - t0 >= 0.9
    finally:
        holder.kill()
        holder.wait()


def test_a_database_closed_on_a_thread_is_whole_for_the_next_open(tmp_path):
    """``Connection.close_later`` (the kept database's checkpoint beside a command's next steps): the next
    open in the process waits for the close and sees every commit, and the file is free for another
    process once it is done."""
    from survey import dbfile

    path = tmp_path / "x.duckdb"
    con = dbfile.open_db(path)
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(300000)")
    con.close_later()
    again = dbfile.open_db(tmp_path / "." / "x.duckdb")  # the same file, written otherwise: waits for the close
    assert dbfile._file_key(path) not in dbfile._closing
    assert again.execute("SELECT count(*), sum(i) FROM t").fetchall()[0] == (300000, 300000 * 299999 // 2)
    again.execute("INSERT INTO t VALUES (-1)")
    again.close_later()
    t = dbfile._closing.get(dbfile._file_key(path))
    if t is not None:
        t.join()
    assert dbfile._file_key(path) not in dbfile._closing  # a finished close leaves no entry
    other = subprocess.run([sys.executable, "-c", f"import duckdb; print(duckdb.connect({str(path)!r}, "
                            "read_only=True).execute('SELECT count(*) FROM t').fetchall()[0][0])"],
                           capture_output=True, text=True, timeout=60)
    assert other.stdout.strip() == "300001", other.stderr


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    q = load_questionnaire(bundled_path())
    d = tmp_path_factory.mktemp("big")
    path = d / "big.csv"
    write_csv(simulate(q, 20000, seed=5), path)
    return path


def _project_with_one_wave(tmp_path) -> Project:
    q = load_questionnaire(bundled_path())
    p = Project.create(tmp_path / "proj", bundled_path())
    small = tmp_path / "small.csv"
    write_csv(simulate(q, 300, seed=9), small)
    p.import_file(small, wave="2025Q4")
    return p


def test_import_killed_mid_transaction_leaves_store_unchanged(tmp_path, big_csv):
    p = _project_with_one_wave(tmp_path)
    before = (_count(p), _count(p, "imports"), _count(p, "quarantine"), _count(p, "pii"))
    marker = tmp_path / "inserted"
    # kill -9 while 20,000 rows sit in the open transaction
    child = start_paused(p.root, "INSERT INTO responses", marker, "p.import_file(args[0], wave='2026Q1')", big_csv)
    kill_when_paused(child, marker, "its insert")
    p2 = Project.open(p.root)
    after = (_count(p2), _count(p2, "imports"), _count(p2, "quarantine"), _count(p2, "pii"))
    assert after == before
    assert p2.waves() == ["2025Q4"]
    # the file was not recorded, so importing it again works and lands whole
    s = p2.import_file(big_csv, wave="2026Q1")
    assert not s.already
    assert _count(p2) == before[0] + s.accepted and s.rows_read == 20000


def test_import_killed_at_any_moment_lands_whole_or_not_at_all(tmp_path, big_csv):
    p = _project_with_one_wave(tmp_path)
    n0 = _count(p)
    code = "import sys; from survey.store import Project; Project.open(sys.argv[1]).import_file(sys.argv[2], wave='W')"
    child = subprocess.Popen([sys.executable, "-c", code, str(p.root), str(big_csv)])
    time.sleep(2.5)  # interpreter start + reading + checking + inserting take longer than this
    child.send_signal(signal.SIGKILL)
    child.wait()
    p2 = Project.open(p.root)
    n = _count(p2)
    imports = _count(p2, "imports")
    assert (n, imports) == (n0, 1) or imports == 2 and n > n0
    if imports == 2:  # it finished before the kill: then all of it is there
        acc = p2.imports().iloc[-1]["accepted"]
        assert n == n0 + acc


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=400),
    st.lists(st.text(alphabet=st.sampled_from(list("0123456789,;\t\n\"'=-+@ .é中文、┋→〖〗RQ_")), max_size=30),
             max_size=12).map(lambda rows: ("\n".join([HEADER] + rows)).encode("utf-8")),
))
def test_garbage_files_never_raise_anything_but_a_readable_error(tmp_path, data):
    proj = tmp_path / "gp"
    p = Project.open(proj) if (proj / "minyi.yaml").exists() else Project.create(proj, write_tiny(tmp_path))
    f = tmp_path / "garbage.csv"
    f.write_bytes(data)
    before = (_count(p), _count(p, "imports"))
    try:
        s = p.import_file(f, wave="G")
    except MinyiError as e:
        assert str(e)
        assert (_count(p), _count(p, "imports")) == before  # nothing stored
    else:
        assert s.rows_read == s.accepted + s.quarantined or s.already


def test_status_lists_waves_by_date_with_their_labels(tmp_path):
    """Issue 13: "every output shows labels".  `survey status` listed waves in import order by id only: a wave
    imported late (2025Q4 after 2026Q1) came second although it was fielded first."""
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    w2 = [g.replace("R0", "S0").replace("R1", "S1") for g in GOOD]
    p.import_file(write_rows(tmp_path / "w2.csv", w2), wave="2026Q1")
    p.import_file(write_rows(tmp_path / "w1.csv", [r for r, _ in ROWS]), wave="2025Q4")
    cfg = yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))
    cfg["waves"] = {"2026Q1": {"label": "2026年春季", "start": "2026-03-01", "end": "2026-03-31"},
                    "2025Q4": {"label": "2025年冬季", "start": "2025-12-01", "end": "2025-12-31"}}
    (p.root / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    st = Project.open(p.root).status()
    assert [(w["wave"], w["label"], w["period"]) for w in st["waves"]] == [
        ("2025Q4", "2025年冬季", ["2025-12-01", "2025-12-31"]), ("2026Q1", "2026年春季", ["2026-03-01", "2026-03-31"])]
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "status", str(p.root)], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.index("wave 2025Q4:") < r.stdout.index("wave 2026Q1:")
    assert "label 2025年冬季, fielded 2025-12-01 to 2025-12-31" in r.stdout


def test_quarantine_export_to_an_unknown_table_format_is_a_usage_error(tmp_path):
    """`survey quarantine P --export q.json` exited 1 with "cannot write .json here", naming no file: it is a
    usage error (exit 2) naming the option and the file, before the project is read."""
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    p.import_file(write_rows(tmp_path / "w1.csv", [r for r, _ in ROWS]), wave="2025Q4")
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "quarantine", str(p.root), "--export",
                        str(tmp_path / "q.json")], capture_output=True, text=True)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "--export" in r.stderr and "q.json" in r.stderr and ".csv or .xlsx" in r.stderr
    assert not (tmp_path / "q.json").exists()
