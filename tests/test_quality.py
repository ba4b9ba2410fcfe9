"""Data-quality flags and exclusions on hand-made data where every flag is known in advance."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from survey.errors import MinyiError
from survey.qload import load_questionnaire
from survey.quality import apply_exclusions, item_nonresponse, quality_flags
from survey.store import Project

from test_rowcheck import HEADER, write_csv, write_tiny

# id, duration, S1, Q1, Q2_1..Q2_9, Q3, Q5, M1_r1..r5, ip          expected flag
DATA = [
    ("A01", 600, 1, 1, "1,0,0,0", 3, "", "1,2,1,2,3", "1.1.1.1"),    # first of its IP, kept
    ("A02", 620, 1, 1, "0,1,0,0", 5, "", "2,2,3,1,1", "2.2.2.2"),
    ("A03", 580, 1, 2, ",,,", 0, "多种树", "3,1,2,2,1", "3.3.3.3"),
    ("A01", 610, 1, 1, "0,0,1,0", 7, "", "1,1,2,3,2", "4.4.4.4"),    # duplicate_id
    ("A05", 640, 1, 1, "0,1,0,0", 5, "", "2,2,3,1,1", "5.5.5.5"),    # identical_answers (= A02)
    ("A06", 600, 1, 1, "1,0,0,0", 4, "", "1,2,1,2,3", "1.1.1.1"),    # same_ip: 11 of 12 answers = A01
    ("A07", 600, 1, 1, "1,0,0,0", 8, "", "1,2,1,2,1", "1.1.1.1"),    # same IP but only 10 of 12 equal: kept
    ("A08", 199, 1, 2, ",,,", 1, "", "3,3,2,1,1", "8.8.8.8"),        # speeder: 199 < 600 / 3
    ("A09", 201, 1, 1, "0,0,1,0", 2, "路灯", "1,3,3,2,2", "9.9.9.9"),  # 201 >= 200: kept
    ("A10", 600, 1, 1, "1,0,1,0", 6, "", "2,2,2,2,2", "10.0.0.1"),   # straightliner
    ("A11", 600, 1, 1, "1,1,0,0", 9, "", "2,2,2,2,1", "10.0.0.2"),
    ("A12", 600, 2, 1, "0,1,1,0", 10, "", ",,,,", "10.0.0.3"),       # 企业: matrix not asked
]
EXPECTED = {("duplicate_id", 5), ("identical_answers", 6), ("same_ip", 7), ("speeder", 9), ("straightliner", 11)}


def _rows() -> list[str]:
    return [f"{i},2026-03-01 09:00:00,{d},{s},{q1},{q2},{q3},{q5},{m},{ip}" for i, d, s, q1, q2, q3, q5, m, ip in DATA]


@pytest.fixture()
def project(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    s = p.import_file(write_csv(tmp_path / "q.csv", _rows(), HEADER + ",ip"), wave="W1")
    assert (s.accepted, s.quarantined) == (12, 0)
    return p


def test_each_flag_on_the_known_row(project):
    fl = project.check("W1")
    assert {(k, int(r)) for k, r in zip(fl["kind"], fl["row"])} == EXPECTED
    stored = project.flags("W1")
    assert len(stored) == len(EXPECTED)
    assert stored.loc[stored["kind"] == "duplicate_id", "respondent_id"].item() == "A01"
    assert "A02" in stored.loc[stored["kind"] == "identical_answers", "detail"].item()
    assert "A01" in stored.loc[stored["kind"] == "same_ip", "detail"].item()


def test_item_nonresponse_per_question(project):
    project.check("W1")
    nr = project.nonresponse("W1").set_index("question")
    assert (nr.loc["Q5", "asked"], nr.loc["Q5", "missing"]) == (12, 10)
    assert nr.loc["Q5", "rate"] == pytest.approx(10 / 12)
    assert (nr.loc["Q2", "asked"], nr.loc["Q2", "missing"]) == (10, 0)  # asked only when Q1 == 知道
    assert nr.loc["M1", "asked"] == 11  # not asked of the 企业 respondent


def test_exclusions_apply_without_an_explicit_check_and_follow_the_config(project):
    data, excl = project.responses("W1")  # no check run yet: it runs by itself
    assert excl == {"重复的受访者编号": 1, "答案完全相同": 1, "答题时间过短": 1}
    assert len(data) == 9
    assert set(data["_row"]) == set(range(2, 14)) - {5, 6, 9}
    raw = project.raw_responses("W1")
    assert len(raw) == 12
    w = project.status()["waves"][0]  # status reads the same counts from the stored flags
    assert (w["excluded"], w["exclusions"], w["checks_stale"]) == (3, excl, False)
    project.config["exclusions"].update({"speeder": False, "same_ip": True})
    project.save_config()
    p2 = Project.open(project.root)
    data, excl = p2.responses("W1")
    assert excl == {"重复的受访者编号": 1, "答案完全相同": 1, "同一IP且答案高度相似": 1}
    assert set(data["_row"]) == set(range(2, 14)) - {5, 6, 7}


def test_speeder_fraction_from_config(project):
    project.config["speeder_fraction"] = 0.5  # threshold 300 s: both 199 and 201 are speeders
    project.save_config()
    p2 = Project.open(project.root)
    data, excl = p2.responses("W1")
    assert excl["答题时间过短"] == 2
    fl = p2.flags("W1")
    assert sorted(fl.loc[fl["kind"] == "speeder", "row"].astype(int)) == [9, 10]


def test_bad_config_is_one_clear_error(project):
    cfg = yaml.safe_load((project.root / "minyi.yaml").read_text(encoding="utf-8"))
    cfg["exclusions"]["speeders"] = True
    (project.root / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MinyiError, match="did you mean 'speeder'"):
        Project.open(project.root)


def test_cli_check_reports_flags_exclusions_and_nonresponse(project):
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "check", str(project.root)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "speeder (答题时间过短): 1 flagged — excluded by rule" in out
    assert "same_ip (同一IP且答案高度相似): 1 flagged — kept (rule off)" in out
    assert "straightliner (矩阵题直线作答): 1 flagged" in out
    assert "excluded from analysis: 3 row(s)" in out and "analysed: 9" in out
    assert "Q5 83.3% (10/12)" in out


def test_cli_check_json_keys_the_exclusions_by_rule_name_and_by_code(project):
    """``survey check --json``: ``exclusions`` by the rule's Chinese name and ``exclusion_codes`` by flag kind (as
    ``analyze --json``'s quality block), the same counts; docs/project-config.md."""
    import json

    from survey.quality import FLAG_NAMES

    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "check", str(project.root), "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    w = json.loads(r.stdout)["waves"][0]
    assert w["exclusion_codes"] and {FLAG_NAMES[k]: v for k, v in w["exclusion_codes"].items()} == w["exclusions"]
    assert sum(w["exclusion_codes"].values()) == w["responses"] - w["analysed"] == 3
    assert set(w["exclusion_codes"]) <= {k for k, on in json.loads(r.stdout)["rules"].items() if on}


def test_quality_flags_unit_same_ip_groups_and_blank_rows(tmp_path):
    q = load_questionnaire(write_tiny(tmp_path))
    cols = ["S1", "Q1", "Q2_1", "Q2_2", "Q2_3", "Q2_9", "Q3", "M1_r1", "M1_r2", "M1_r3", "M1_r4", "M1_r5"]
    base = np.array([1, 1, 1, 0, 0, 0, 3, 1, 2, 1, 2, 3], dtype=float)
    rows = [base.copy() for _ in range(5)]
    rows[1][6] = 4  # 11/12 equal to row 0
    rows[2][6], rows[2][11] = 8, 1  # 10/12 equal to rows 0 and 1
    rows[3][6], rows[3][11] = 8, 2  # 11/12 equal to row 2 (an earlier row that is not the first of the IP)
    rows[4][:] = np.nan  # blank answers: never "identical"
    frame = pd.DataFrame(rows, columns=cols)
    frame["ip"] = ["1.1.1.1", "1.1.1.1(北京)", "1.1.1.1", "1.1.1.1（上海）", "1.1.1.1"]  # 问卷星 adds the place
    frame["respondent_id"] = ["a", "b", "c", "d", "e"]
    fl = quality_flags(frame, q, near_identical=0.9)
    assert sorted(fl.loc[fl["kind"] == "same_ip", "index"]) == [1, 3]
    assert fl.loc[fl["kind"] == "identical_answers"].empty
    # exclusions count each row once, under the first rule that removes it
    flags = pd.DataFrame({"index": [1, 1, 3], "kind": ["duplicate_id", "speeder", "speeder"]})
    kept, counts = apply_exclusions(frame, flags, {"duplicate_id": True, "speeder": True})
    assert len(kept) == 3 and counts == {"重复的受访者编号": 1, "答题时间过短": 1}
    nr = item_nonresponse(frame, q).set_index("question")
    assert (nr.loc["Q3", "asked"], nr.loc["Q3", "missing"]) == (5, 1)  # the blank row


def test_duplicate_ids_name_the_repeated_id_only_for_the_rows_flagged():
    """The detail of a duplicate id is made for the flagged rows only; it names the id as stripped, the
    first occurrence is kept, and blank or missing ids are never duplicates."""
    from survey.qload import bundled_path

    q = load_questionnaire(bundled_path())
    frame = pd.DataFrame({"respondent_id": [" a1", "a2", "a1 ", None, "", "a2", "b", "  ", None]})
    flags = quality_flags(frame, q)
    got = flags[flags["kind"] == "duplicate_id"][["index", "detail"]].to_dict("records")
    assert got == [{"index": 2, "detail": "编号 a1"}, {"index": 5, "detail": "编号 a2"}]


def test_identical_and_same_ip_details_name_the_earlier_respondent():
    """Each flagged row's detail names the first respondent it repeats (identical answers) or resembles
    from the same IP; the rows not flagged get no text."""
    from survey.qload import bundled_path
    from survey.simulate import simulate

    q = load_questionnaire(bundled_path())
    f = simulate(q, 60, seed=2)
    answers = [c for c in f.columns if c != "respondent_id"]
    f.loc[[1, 2], answers] = f.loc[0, answers].values
    f["ip"] = ["1.1.1.1"] * 3 + [f"2.2.2.{i}" for i in range(len(f) - 3)]
    first = f.loc[0, "respondent_id"]
    flags = quality_flags(f, q)
    for kind, text in (("identical_answers", f"与编号 {first}的答卷完全相同"),
                       ("same_ip", f"与编号 {first}的答卷 IP 相同且答案高度相似")):
        got = flags[flags["kind"] == kind][["index", "detail"]].to_dict("records")
        assert got == [{"index": 1, "detail": text}, {"index": 2, "detail": text}]
    # without respondent ids the earlier respondent is named by its row number
    flags = quality_flags(f.drop(columns="respondent_id"), q)
    got = flags[flags["kind"] == "identical_answers"][["index", "detail"]].to_dict("records")
    assert got == [{"index": 1, "detail": "与第 1 行的答卷完全相同"}, {"index": 2, "detail": "与第 1 行的答卷完全相同"}]


def test_the_first_read_that_runs_the_checks_gives_the_rows_a_later_read_gives(project):
    """The read that finds the checks stale converts every column for them and selects the analysis
    columns from that frame; a later read (checks stored) converts only those columns: same frame."""
    cols = ["respondent_id", "_row"]
    first, excl = project.responses("W1", columns=None, codes_float32=True)
    again, excl2 = Project.open(project.root).responses("W1", columns=None, codes_float32=True)
    assert excl == excl2 and len(first) == 9
    assert first.equals(again)
    assert [str(d) for d in first.dtypes] == [str(d) for d in again.dtypes]
    assert (first.dtypes == np.float32).any()
    assert again[cols].equals(first[cols])


def test_identical_answers_found_the_same_on_two_threads_and_one(monkeypatch):
    """Above PARALLEL_ROWS the wave's checks run the non-response counts on a second thread: the same
    rows are flagged, naming the same earlier respondent, as with MINYI_THREADS=1, and the flags and
    counts are those of quality_flags and item_nonresponse alone."""
    from survey import quality
    from survey.qload import bundled_path
    from survey.simulate import simulate

    q = load_questionnaire(bundled_path())
    f = simulate(q, quality.PARALLEL_ROWS + 500, seed=4)
    answers = [c for c in f.columns if c != "respondent_id"]
    rng = np.random.default_rng(4)
    src = rng.choice(len(f) // 2, 40, replace=False)
    dst = rng.choice(np.arange(len(f) // 2, len(f)), 40, replace=False)
    f.loc[dst, answers] = f.loc[src, answers].values  # 40 later rows repeat 40 earlier ones
    f.loc[dst[:5], answers[-1]] = np.nan  # ... 5 of them not quite (a blank where the earlier row answered)
    f.loc[src[:5], answers[-1]] = 1.0
    got = {}
    for n_threads in ("1", "2"):
        monkeypatch.setenv("MINYI_THREADS", n_threads)
        flags = quality_flags(f, q)
        got[n_threads] = flags[flags["kind"] == "identical_answers"][["index", "detail"]].reset_index(drop=True)
        # the wave's checks: the non-response counts on a second thread beside the flags (two threads)
        got["wave" + n_threads] = quality.wave_checks(f, q)
    pd.testing.assert_frame_equal(got["1"], got["2"])
    assert sorted(got["1"]["index"]) == sorted(int(i) for i in dst[5:])
    for one, two in zip(got["wave1"], got["wave2"]):
        pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(got["wave2"][0], quality_flags(f, q))
    pd.testing.assert_frame_equal(got["wave2"][1], quality.item_nonresponse(f, q))
    assert got["wave2"][1]["missing"].sum() > 0


def _identical_by_full_hash(arrays, n):
    """identical_answers' result from one hash of every column of every row (pandas' hash_array)."""
    h = np.zeros(n, dtype=np.uint64)
    nb = np.zeros(n, dtype=bool)
    for x in arrays:
        nb |= ~np.isnan(x)
        h = (h * np.uint64(1000003)) ^ pd.util.hash_array(x if x.dtype == np.float32 else np.round(x, 6))
    later = pd.Series(h).duplicated(keep="first").to_numpy() & nb
    head = pd.Series(np.arange(n)).groupby(h).transform("min").to_numpy()
    return later, np.where(later, head, -1)


@pytest.mark.parametrize("copies", [0.0, 0.01, 0.45])
def test_identical_answers_step_by_step_equal_one_hash_of_every_value(copies):
    """identical_answers hashes the rows further only while their first columns' hash is shared: the
    rows flagged and the earlier rows named are those of one hash of every column (pandas' hash_array),
    with blank rows (never flagged), rows that differ only in the last column hashed, near copies (a
    number different below 6 decimals: equal; a blank against an answer: not), and waves of no, few or
    many copies (45 %: most rows go through every step)."""
    from survey import quality

    rng = np.random.default_rng(int(copies * 100))
    n, m = 20_000, 53
    arrays = []
    for j in range(m):
        x = rng.integers(1, 4, n).astype(np.float32)
        x[rng.random(n) < 0.3] = np.nan
        arrays.append(x)
    y = np.round(rng.normal(size=n), 3)
    arrays.append(y)
    k = int(copies * n)
    src = rng.integers(0, n // 2, k)
    dst = rng.choice(np.arange(n // 2, n), k, replace=False)
    for x in arrays:
        x[dst] = x[src]
    last = [i for j in range(-(-len(arrays) // quality.REFINE_COLUMNS))
            for i in range(j, len(arrays), -(-len(arrays) // quality.REFINE_COLUMNS))][-1]
    for x in arrays:
        x[n // 2 + 1] = x[n // 2]  # the next row equal but in the last column hashed
        x[[n - 1, n - 2]] = x[[5, 6]]  # two near copies
        x[[3, 7, 11]] = np.nan  # three blank rows
    arrays[last][n // 2], arrays[last][n // 2 + 1] = 1, 2
    y[n - 1] = y[5] + 1e-9  # equal to 6 decimals: a copy
    arrays[0][6], arrays[0][n - 2] = 1, np.nan  # a blank where the earlier row answered: not a copy
    want = _identical_by_full_hash(arrays, n)
    ident, first = quality.identical_answers(arrays, n)
    assert np.array_equal(ident, want[0]) and np.array_equal(first, want[1])
    assert not ident[[3, 7, 11, n // 2 + 1, n - 2]].any() and ident[n - 1] and first[n - 1] == 5
    assert ident.sum() >= k * 0.9


@pytest.mark.parametrize("n", [0, 1, 70_000, 131_072])
def test_row_hash_is_pandas_hash_array_combined(n):
    """mix_columns computes in place what pandas' hash_array gives each column (NaN of any payload and
    −0.0 hashed like NaN and 0.0), for float32 codes and float64 numbers rounded to 6 decimals, across
    blocks of rows."""
    from survey.quality import mix_columns

    rng = np.random.default_rng(n)
    cols = []
    for j in range(5):
        x = rng.integers(1, 6, n).astype(np.float32)
        x[rng.random(n) < 0.2] = np.nan
        cols.append(x)
    y = np.round(rng.normal(size=n), 8)
    y[rng.random(n) < 0.1] = -0.0
    y[rng.random(n) < 0.1] = np.nan
    if n:
        y[0] = -np.nan  # another NaN bit pattern
        cols[0][-1] = np.float32(-0.0)
    cols.append(y)
    h = np.zeros(n, dtype=np.uint64)
    for x in cols:
        h = (h * np.uint64(1000003)) ^ pd.util.hash_array(x if x.dtype == np.float32 else np.round(x, 6))
    assert np.array_equal(mix_columns(cols, n), h)


def test_checks_of_a_project_find_what_the_frame_checks_find(tmp_path):
    """Project.check finds the repeated respondent ids where they are stored (DuckDB, a GROUP BY), not in
    the frame: the flags are the same as quality_flags on the frame alone, with numbers equal to 6
    decimals, −0.0 against 0.0, a blank against an answer, ids given twice (one with a trailing space)."""
    from survey import quality
    from survey.qload import bundled_path
    from survey.simulate import simulate
    from survey.simulate import write_csv as write_frame

    q = load_questionnaire(bundled_path())
    f = simulate(q, 3000, seed=5)
    num = next(qq.id for qq in q.questions if qq.type == "number")
    answers = [c for c in quality.answer_columns(f, q) if c != num]
    rng = np.random.default_rng(5)
    src = rng.choice(1500, 30, replace=False)
    dst = rng.choice(np.arange(1500, 3000), 30, replace=False)
    f.loc[dst, answers + [num]] = f.loc[src, answers + [num]].values  # 30 later rows repeat earlier ones ...
    f.loc[src[:3], num] = [12.0, 0.0, 7.0]
    f.loc[dst[:3], num] = [12.0000000001, -0.0, 7.25]  # ... equal to 6 decimals, −0.0 = 0.0, not equal
    f.loc[dst[3], answers[-1]] = np.nan  # a blank where the earlier row answered: not identical
    f.loc[src[3], answers[-1]] = 1.0
    f.loc[dst[10:15], "respondent_id"] = f.loc[src[10:15], "respondent_id"].values  # 5 ids given twice
    f.loc[dst[15], "respondent_id"] = f.loc[src[15], "respondent_id"] + " "  # the same id (imports trim it)
    p = Project.create(tmp_path / "proj", bundled_path())
    csv = tmp_path / "r.csv"
    write_frame(f, csv)
    p.import_file(csv, wave="W1")
    raw = p.raw_responses("W1", codes_float32=True)
    x = raw[num].to_numpy(float)
    assert (x == 12.0000000001).any() and np.signbit(x[x == 0]).any()  # the values reach the store as written
    sums = p._stored_sums("W1", raw)
    assert sums is not None and len(sums.repeated_ids) == 6  # the store's path is the one taken
    stored = p.check("W1")
    frame = quality_flags(raw, q, **p._quality_params())
    got = stored[["row", "kind", "detail"]].sort_values(["kind", "row"]).reset_index(drop=True)
    want = pd.DataFrame({"row": raw["_row"].to_numpy(np.int64)[frame["index"]], "kind": frame["kind"].astype(str),
                         "detail": frame["detail"].astype(str)}).sort_values(["kind", "row"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    ident = set(stored.loc[stored["kind"] == "identical_answers", "respondent_id"].astype(str))
    ids = f["respondent_id"].astype(str).to_numpy()
    assert set(ids[dst[:2]]) <= ident and not set(ids[dst[2:4]]) & ident
    assert len(ident) >= 20
    assert set(stored.loc[stored["kind"] == "duplicate_id", "respondent_id"].astype(str)) == {i.strip() for i in ids[dst[10:16]]}


def test_repeated_ids_from_the_store_only_when_the_ids_are_stored_trimmed():
    """The store's repeated ids (a GROUP BY of the stored values) narrow the duplicate-id search only when
    every id is as trimming leaves it and none is empty; ids with surrounding spaces or empty ones (a
    store written otherwise) are searched in the frame: the same flags either way."""
    from survey import quality

    for raw in (["a", "b", "a", "c", "b", None], ["a", "a ", "b", "", "", None, "b"]):
        frame = pd.DataFrame({"respondent_id": pd.array(raw, dtype="string[pyarrow]")})
        n = len(frame)
        stored_vals = [v for v in raw if v is not None]
        repeated = sorted({v for v in stored_vals if stored_vals.count(v) > 1})  # as the store's GROUP BY
        sums = quality.StoredSums(repeated)
        ids = frame["respondent_id"].str.strip()
        ids = ids.where(ids != "", None)
        want = (ids.notna() & ids.duplicated(keep="first")).to_numpy(dtype=bool)
        got = quality._repeated_rows(frame["respondent_id"], sums)
        assert got.tolist() == want.tolist(), raw
    assert want.tolist() == [False, True, False, False, False, False, True]  # "a " is "a"; empty ids are missing


def test_straightliner_needs_every_row_of_the_matrix_answered_alike(tmp_path):
    """A straightliner answered every row of the matrix with one answer: a blank in any row (the first
    included) or one different answer clears it; float32 codes and float64 columns alike."""
    q = load_questionnaire(write_tiny(tmp_path))
    rows = [[2, 2, 2, 2, 2], [2, 2, np.nan, 2, 2], [np.nan, 2, 2, 2, 2], [2, 2, 2, 2, np.nan], [1, 1, 1, 1, 2],
            [np.nan] * 5, [3, 3, 3, 3, 3]]
    for dtype in (np.float32, np.float64):
        m = np.array(rows, dtype=dtype)
        frame = pd.DataFrame({f"M1_r{j + 1}": m[:, j] for j in range(5)})
        flags = quality_flags(frame, q)
        assert sorted(flags.loc[flags["kind"] == "straightliner", "index"]) == [0, 6], dtype


@pytest.mark.parametrize("block", [7, 10**6])
def test_all_equal_in_blocks_equals_the_rows_compared_whole(monkeypatch, block):
    """The straightliner test a block of rows at a time (blocks of 7, the last partial): a row is flagged when
    every column holds one answer — a blank anywhere, or two answers, is not."""
    import analysis.design as design_mod
    from survey.quality import all_equal

    monkeypatch.setattr(design_mod, "BLOCK_ROWS", block)
    rng = np.random.default_rng(4)
    X = rng.choice([1.0, 2.0], size=(103, 5)).astype(np.float32)
    X[rng.random(103) < 0.4] = 3.0  # whole rows alike
    X[rng.random((103, 5)) < 0.05] = np.nan
    got = all_equal([X[:, j].copy() for j in range(5)])
    want = np.array([bool(np.isfinite(r).all() and (r == r[0]).all()) for r in X])
    np.testing.assert_array_equal(got, want)
    assert want.sum() >= 10


def test_checks_of_raw_codes_equal_the_checks_of_floats():
    """The first ``analyze`` reads the answer columns it only codes as int16 codes as stored
    (survey.columns: MISSING_CODE = no answer): straightliners, identical answers, same IP and item
    non-response (skip conditions on such a column included) are those of the float32 columns."""
    from survey.columns import MISSING_CODE
    from survey.qload import bundled_path
    from survey.simulate import simulate

    q = load_questionnaire(bundled_path())
    f = simulate(q, 4000, seed=9)
    answers = [c for c in f.columns if c != "respondent_id"]
    f.loc[[10, 11, 12], answers] = f.loc[3, answers].values  # identical answers
    m = next(qq for qq in q.questions if qq.type == "matrix" and len(qq.rows) >= 5)
    mcols = [c for c in m.columns() if c in f.columns]
    f.loc[20:60, mcols] = 2.0  # straightliners ...
    f.loc[25, mcols[0]] = np.nan  # ... but one row left a blank
    f.loc[30, mcols] = np.nan  # and one answered no row of the matrix
    f["ip"] = [f"9.9.9.{i % 7}" if i < 200 else f"1.2.{i}.0" for i in range(len(f))]
    f.loc[100:130, answers[:-3]] = f.loc[101, answers[:-3]].values  # near copies from seven IPs
    codes = [c for qq in q.questions if qq.type in ("matrix", "single", "scale") for c in qq.columns()
             if c in f.columns and not c.endswith("_other")]
    raw = f.copy()
    for c in codes:
        x = f[c].to_numpy(dtype=float)
        raw[c] = np.where(np.isnan(x), MISSING_CODE, np.nan_to_num(x)).astype(np.int16)
        f[c] = x.astype(np.float32)
    assert (raw[codes].dtypes == np.int16).all() and (raw[codes] == MISSING_CODE).to_numpy().any()
    want = quality_flags(f, q)
    got = quality_flags(raw, q)
    pd.testing.assert_frame_equal(got, want)
    assert {"straightliner", "identical_answers", "same_ip"} <= set(got["kind"])
    assert 25 not in set(got.loc[got["kind"] == "straightliner", "index"])
    pd.testing.assert_frame_equal(item_nonresponse(raw, q), item_nonresponse(f, q))
