"""The shortcuts for unweighted samples and for columns the analysis has coded already give the same
results as the general computation:

* DomainEngine.tabulate with every weight 1: the sums of w and w² are the row counts (one pass, or
  counted code by code over rows put in cell order once) — checked against the weighted sums computed
  directly from the rows;
* question_tables, the battery alphas and the satisfaction drivers given the items' coded columns equal
  the same sections reading every column themselves, for an unweighted and a weighted design;
* analyze handing its frame over (consume=True: the coded matrix rows leave the frame) equals analyze
  keeping it, and float32 codes (as read from a project) give the results of float64 ones.
"""

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.domains import DomainEngine, code_values
from report.batteries import battery_alphas
from report.drivers import satisfaction_drivers
from report.pipeline import build_design, item_specs
from survey.columns import float_column
from report.question_tables import question_tables
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate


@pytest.mark.parametrize("k", [6, 20])  # counted code by code (a few codes), or by bincount
@pytest.mark.parametrize("clustered", [False, True])
def test_tabulate_with_unit_weights_equals_the_weighted_sums(clustered, k):
    rng = np.random.default_rng(7)
    n = 400
    st = rng.integers(0, 3, n)
    psu = st * 100 + rng.integers(0, 8, n)
    frame = pd.DataFrame({"st": st, "psu": psu, "w": 1.0, "w2": 2.0})
    d = Design.from_frame(frame, weights="w", strata="st", psu="psu" if clustered else None)
    g = rng.integers(-1, 4, n)
    eng = DomainEngine(d, [(g, 4)])
    assert eng.unit_weights
    codes = rng.integers(0, k, n).astype(np.int16)  # as code_values makes them
    tab = eng.tabulate(codes, k)
    key = eng.key_cu * k + codes
    size = eng.n_cells_all * eng.n_units * k
    shape = (eng.n_cells_all, eng.n_units, k)
    np.testing.assert_array_equal(tab.Sw, np.bincount(key, weights=d.weights, minlength=size).reshape(shape))
    np.testing.assert_array_equal(tab.Cn, np.bincount(key, minlength=size).reshape(shape))
    if d.has_psu:
        assert tab.Sw2 is None
    else:
        np.testing.assert_array_equal(tab.Sw2, np.bincount(key, weights=d.weights ** 2, minlength=size).reshape(shape))
    # a table reusing another's row counts keeps them, with its own weighted sums
    other = eng.tabulate((codes + 1) % k, k, counts_like=tab)
    assert other.Cn is tab.Cn
    np.testing.assert_array_equal(other.Sw, np.bincount(eng.key_cu * k + (codes + 1) % k, minlength=size).reshape(shape))
    assert not DomainEngine(Design.from_frame(frame, weights="w2", strata="st", psu="psu"), [(g, 4)]).unit_weights


@pytest.mark.parametrize("weights", [None, "w"])
def test_sections_from_coded_items_equal_reading_every_column(weights):
    q = load_questionnaire(bundled_path())
    frame = simulate(q, 600, seed=3)
    frame["w"] = np.random.default_rng(1).uniform(0.5, 2.0, len(frame))
    des = build_design(frame, {"weights": weights} if weights else None)
    coded = {it.key: code_values(float_column(frame, it.key)) for it in item_specs(q) if it.key in frame}
    assert len(coded) > 50
    assert question_tables(q, frame, des, coded=coded) == question_tables(q, frame, des)
    alphas = battery_alphas(q, frame, coded)
    assert alphas and alphas == battery_alphas(q, frame)
    drivers = satisfaction_drivers(q, frame, des, coded=coded)
    assert drivers and drivers["terms"] and drivers == satisfaction_drivers(q, frame, des)


def _same(a, b, path="") -> None:
    """Nested results equal, numbers to 1e-12 (relative)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            if k != "generated_at":
                _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and not isinstance(a, bool):
        assert b == pytest.approx(a, rel=1e-12, abs=1e-15, nan_ok=True), path
    else:
        assert a == b, path


@pytest.mark.parametrize("weights", [None, "w"])
def test_analysis_handing_its_frame_over_equals_keeping_it(weights):
    """analyze(consume=True), as the project path calls it, deletes the coded matrix rows' answer columns
    from the caller's frame (their memory is freed) and gives the same result as analyze keeping them;
    without consume the caller's frame is untouched.  The codes are float32, as read from a project."""
    from report.pipeline import analyze

    q = load_questionnaire(bundled_path())
    frame = simulate(q, 800, seed=5)
    frame["w"] = np.random.default_rng(2).uniform(0.5, 2.0, len(frame))
    rows = [f"{m.id}_{r.id}" for m in q.questions if m.type == "matrix" for r in m.rows]
    for c in frame.columns:
        if c in rows or (q.get(c) is not None and q.get(c).type in ("single", "multiple", "yesno")):
            frame[c] = frame[c].astype(np.float32)
    design = {"weights": weights} if weights else None
    kept, given = frame.copy(), frame.copy()
    a = analyze(q, kept, by=["site"], design=design)
    b = analyze(q, given, by=["site"], design=design, consume=True)
    _same(a, b)
    pd.testing.assert_frame_equal(kept, frame)
    gone = [c for c in rows if c in frame.columns]
    assert len(gone) > 50 and not set(gone) & set(given.columns)
    assert list(given.columns) == [c for c in frame.columns if c not in gone]
    assert a["drivers"]["terms"] and a["reliability"] and a["group_tests"]["by"]["site"]
    float64 = analyze(q, frame.astype({c: float for c in frame.columns if frame[c].dtype == np.float32}),
                      by=["site"], design=design)
    _same(a, float64)


@pytest.mark.parametrize("k", [1, 6, 16, 17, 40])
def test_stretch_counts_equal_bincount(k):
    """Counting a few codes code by code (and more by bincount) gives np.bincount's counts, per
    stretch of rows, empty stretches included."""
    from analysis.domains import stretch_counts

    rng = np.random.default_rng(k)
    codes = rng.integers(0, k, 5000).astype(np.int16)
    bounds = np.array([0, 0, 1200, 1200, 3100, 5000])
    got = stretch_counts(codes, k, bounds)
    want = np.array([np.bincount(codes[a:b], minlength=k) for a, b in zip(bounds[:-1], bounds[1:])])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(stretch_counts(codes, k)[0], np.bincount(codes, minlength=k))


@pytest.mark.parametrize("bad", [[], [0], [0, 4], [0, 2, 4], [0, 4, 5, 6, 7, 8], [0, 1, 2, 6, 7, 8], [5, 6, 7, 8],
                                 [0, 1, 2, 3, 4, 5, 6, 7, 8]])
def test_code_mask_equals_the_lookup(bad):
    """Rows whose code counts: comparing with one or two codes that do not count, or with the ends of one run
    of codes that count (1–3 of 0–8, say), equals the lookup."""
    from analysis.domains import code_mask

    codes = np.random.default_rng(len(bad)).integers(0, 9, 3000).astype(np.int16)
    ok = np.ones(9, dtype=bool)
    ok[bad] = False
    np.testing.assert_array_equal(code_mask(codes, ok), ok[codes])
    out, scratch = np.empty(len(codes), dtype=bool), np.empty(len(codes), dtype=bool)
    assert code_mask(codes, ok, out, scratch) is out
    np.testing.assert_array_equal(out, ok[codes])


@pytest.mark.parametrize("cells", [4, 300])  # counted stretch by stretch (few cells), or by bincount
@pytest.mark.parametrize("clustered", [False, True])
def test_row_counts_per_cell_and_stratum_equal_the_sums_of_the_mask(clustered, cells):
    """DomainEngine.count_by (one byte a row gathered, counted per stretch) gives the numbers of the sums
    of the mask as floats, and the domain df and lonely-stratum presence built on it are unchanged."""
    rng = np.random.default_rng(11)
    n = 3000
    st = rng.integers(0, 3, n)
    psu = st * 100 + rng.integers(0, 8, n)
    w = rng.uniform(0.5, 3.0, n)
    w[rng.random(n) < 0.05] = 0.0  # rows of zero weight: not in the df
    frame = pd.DataFrame({"st": st, "psu": psu, "w": w})
    d = Design.from_frame(frame, weights="w", strata="st", psu="psu" if clustered else None)
    eng = DomainEngine(d, [(rng.integers(-1, cells, n), cells)])
    assert (eng.clustered or eng.n_cells_all * eng.n_units > 256) == (clustered or cells > 4)
    for p in (0.02, 0.5, 1.0):
        mask = rng.random(n) < p
        got = eng.count_by(mask)
        want = eng._by_cs(mask.astype(float))
        np.testing.assert_array_equal(got, want)
        assert got[0].sum() == mask.sum()  # the first group: every row
        pos = mask & (w > 0)
        np.testing.assert_array_equal(eng.degf(mask), eng._df(pos, eng._by_cs(pos.astype(float))).astype(float))
        np.testing.assert_array_equal(eng._present(mask), eng._by_cs(pos.astype(float)) > 0)


@pytest.mark.parametrize("weights", [None, "w"])
def test_blocks_of_rows_give_the_results_of_whole_columns(monkeypatch, weights):
    """The indicators' aggregates (per-row influence of unclustered designs) and the drivers' area scores
    are formed a block of rows at a time (analysis.design.BLOCK_ROWS): blocks of 128 rows, the last one
    partial, give exactly the results of one block of every row."""
    import analysis.indicators as indicators_mod
    import report.drivers as drivers_mod
    from report.pipeline import analyze

    q = load_questionnaire(bundled_path())
    frame = simulate(q, 601, seed=5)
    frame["w"] = np.random.default_rng(3).uniform(0.5, 2.0, len(frame))
    design = {"weights": weights} if weights else None
    got = {}
    for rows in (10**6, 128):
        for mod in (indicators_mod, drivers_mod):
            monkeypatch.setattr(mod, "BLOCK_ROWS", rows)
        r = analyze(q, frame.copy(), by=["site"], design=design)
        got[rows] = (r["indicators"], r["areas"], r["composite"], r["drivers"])
    assert got[128] == got[10**6]
    assert got[128][3]["terms"] and got[128][2]["se"] > 0


@pytest.mark.parametrize("weighted", [False, True])
def test_group_tests_sharing_rows_equal_tests_on_their_own(weighted):
    """group_vs_rest_coded given a dict kept across tests (shared): the rate's rows and gathered codes serve
    the index of the same items, and a test with other rows or codes starts afresh — every test equal to
    the same test without sharing."""
    from analysis.group_tests import CodedItem, group_order, group_vs_rest_coded

    rng = np.random.default_rng(11)
    n = 900
    frame = pd.DataFrame({"w": rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)})
    d = Design.from_frame(frame, weights="w")
    g = rng.integers(-1, 3, n)
    order = group_order(g)
    codes = [rng.integers(0, 7, n).astype(np.int16) for _ in range(3)]
    valid = np.array([False, True, True, True, True, True, False])
    rate = [CodedItem(c, np.array([0, 1, 1, 0, 0, 0, 0.0]), valid) for c in codes]
    index = [CodedItem(c, np.array([0, 100, 80, 60, 40, 20, 0.0]), valid) for c in codes]
    other_valid = valid.copy()
    other_valid[5] = False  # other valid answers: other rows
    other = [CodedItem(c, np.array([0, 100, 80, 60, 40, 20, 0.0]), other_valid) for c in codes[:2]]
    shared: dict = {}
    for items in (rate, index, other, [rate[2]], index):
        got = group_vs_rest_coded(d, items, g, ["a", "b", "c"], order, shared=shared)
        ref = group_vs_rest_coded(d, items, g, ["a", "b", "c"], order)
        assert [t.to_dict() for t in got] == [t.to_dict() for t in ref]
        assert all(t.se is not None for t in got)


def test_tabulate_of_counts_given_by_the_caller_equals_counting_them():
    """An unweighted engine without groupings and one unit (an unclustered one-stratum sample): the rows per
    code the caller counted are the table (every row in cell 0, the cell of rows missing a grouping code
    empty) — equal to the table counted from the codes; other engines count the codes themselves."""
    from analysis.domains import stretch_counts

    rng = np.random.default_rng(3)
    n = 500
    codes = rng.integers(0, 6, n).astype(np.int16)
    counts = stretch_counts(codes, 6)[0]
    frame = pd.DataFrame({"w": np.ones(n), "st": rng.integers(0, 2, n)})
    for design, groupings in ((Design.from_frame(frame, weights="w"), []),
                              (Design.from_frame(frame, weights="w"), [(rng.integers(-1, 3, n), 3)]),
                              (Design.from_frame(frame, weights="w", strata="st"), [])):
        eng = DomainEngine(design, groupings)
        a, b = eng.tabulate(codes, 6, counts=counts), eng.tabulate(codes, 6)
        np.testing.assert_array_equal(a.Sw, b.Sw)
        np.testing.assert_array_equal(a.Cn, b.Cn)
        assert a.Sw.sum() == n


def test_valid_rows_made_once_equal_the_items_masks():
    """ValidRows (shared by the group tests and the indicators): the rows valid for some item, the same
    array for the same items in any order, read-only, from many threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    from analysis.domains import ValidRows, code_mask

    rng = np.random.default_rng(2)
    n = 1000
    codes = [rng.integers(0, 5, n).astype(np.int16) for _ in range(3)]
    oks = [np.array([False, True, True, True, False]), np.array([False, True, False, True, True]),
           np.array([False, False, True, True, True])]
    vr = ValidRows(n)
    a = vr.of(list(zip(codes, oks)))
    want = code_mask(codes[0], oks[0]) | code_mask(codes[1], oks[1]) | code_mask(codes[2], oks[2])
    np.testing.assert_array_equal(a, want)
    assert vr.of(list(zip(codes, oks))[::-1]) is a  # any order: made once
    assert not a.flags.writeable
    other = vr.of([(codes[0], oks[1])])  # other valid codes: other rows
    np.testing.assert_array_equal(other, code_mask(codes[0], oks[1]))
    with ThreadPoolExecutor(4) as ex:
        got = list(ex.map(lambda i: vr.of([(codes[i % 3], oks[i % 2])]), range(40)))
    for i, g in enumerate(got):
        np.testing.assert_array_equal(g, code_mask(codes[i % 3], oks[i % 2]))
        assert g is vr.of([(codes[i % 3], oks[i % 2])])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_code_values_in_blocks_equal_one_block(monkeypatch, dtype):
    """code_values codes answer columns a block of rows at a time: blocks of 7 rows (the last partial)
    give the codes of one block of every row — integer answers with blanks, a fraction found in a late
    block (then coded by sorting), negative and large values."""
    import analysis.domains as dom

    rng = np.random.default_rng(8)
    cols = [rng.choice([1.0, 2.0, 5.0, 9.0, np.nan], 100),
            np.r_[rng.choice([1.0, 2.0], 90), [2.5], rng.choice([1.0, 2.0], 9)],
            rng.choice([-3.0, 0.0, 7.0, np.nan], 50),
            np.r_[rng.choice([1.0, 3.0], 20), [300.0]],
            np.full(10, np.nan)]
    for col in cols:
        x = col.astype(dtype)
        monkeypatch.setattr(dom, "BLOCK_ROWS", 10**6)
        c1, v1 = dom.code_values(x)
        monkeypatch.setattr(dom, "BLOCK_ROWS", 7)
        c2, v2 = dom.code_values(x)
        np.testing.assert_array_equal(c1, c2)
        np.testing.assert_array_equal(v1, v2)
        assert c1.dtype == c2.dtype
        ok = np.isfinite(x)  # each row's code gives its value back
        np.testing.assert_array_equal(v2[c2][ok], x[ok].astype(float))
        assert (c2[~ok] == 0).all()


@pytest.mark.parametrize("block", [7, 10**6])
def test_code_raw_equals_code_values_of_the_floats(monkeypatch, block):
    """code_raw (int16 codes as stored, RAW_MISSING = no answer) gives the codes and values code_values
    gives the same column as floats (NaN for RAW_MISSING): blanks, zero and negative codes, the smallest
    and largest answers in any block, a range of 256 values or more (coded by sorting), every row blank,
    no rows; in blocks of 7 rows and in one."""
    import analysis.domains as dom
    from survey.columns import MISSING_CODE

    assert dom.RAW_MISSING == MISSING_CODE
    monkeypatch.setattr(dom, "BLOCK_ROWS", block)
    rng = np.random.default_rng(11)
    m = dom.RAW_MISSING
    cols = [rng.choice([1, 2, 5, 9, m], 100), rng.choice([-3, 0, 7, m], 50), np.r_[rng.choice([1, 3], 20), [300]],
            np.r_[[m] * 15, [-32767], rng.choice([-32700, m], 10)], np.r_[rng.choice([4, 5], 30), [31999], [m]],
            np.full(10, m), np.array([], dtype=int), np.r_[[2] * 9, [1]]]
    for col in cols:
        x = col.astype(np.int16)
        f = x.astype(np.float64)
        f[x == m] = np.nan
        c1, v1 = dom.code_raw(x)
        c2, v2 = dom.code_values(f)
        np.testing.assert_array_equal(c1, c2)
        np.testing.assert_array_equal(v1, v2)
        assert c1.dtype == c2.dtype
        np.testing.assert_array_equal(v1[c1][x != m], f[x != m])


def test_code_counts_counted_once_equal_the_counts():
    """CodeCounts (shared by the question tables and the answer distributions): the rows per code of a
    coded column, the same read-only array for the same column, from many threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    from analysis.domains import CodeCounts

    rng = np.random.default_rng(6)
    cols = [rng.integers(0, 6, 700).astype(np.int16) for _ in range(4)]
    cc = CodeCounts()
    with ThreadPoolExecutor(4) as ex:
        got = list(ex.map(lambda i: cc.of(cols[i % 4], 6), range(32)))
    for i, g in enumerate(got):
        np.testing.assert_array_equal(g, np.bincount(cols[i % 4], minlength=6).astype(float))
        assert g is cc.of(cols[i % 4], 6) and not g.flags.writeable


@pytest.mark.parametrize("weights", ["unit", "varied"])
def test_indicators_hand_their_counts_per_code_to_the_question_tables(weights):
    """compute_indicators given the analysis's CodeCounts: an unweighted sample's tables hold every row's
    count per code, kept there for the question tables and distributions (equal to counting them, and
    then not counted again); a weighted one keeps none (its tables are not plain counts)."""
    from analysis.domains import CodeCounts, stretch_counts
    from analysis.indicators import Grouping, ItemSpec, compute_indicators

    rng = np.random.default_rng(12)
    n = 800
    frame = pd.DataFrame({"w": np.ones(n) if weights == "unit" else rng.uniform(0.5, 2, n)})
    d = Design.from_frame(frame, weights="w")
    cols = {f"Q{j}": code_values(np.where(rng.random(n) < 0.1, np.nan, rng.integers(1, 6, n).astype(float)))
            for j in range(3)}
    items = [ItemSpec(key=k, indicator="S", kind="satisfaction", label=k, positive=(4, 5),
                      scores={1: 0, 2: 25, 3: 50, 4: 75, 5: 100}) for k in cols]
    g = Grouping("site", rng.integers(-1, 3, n), ["a", "b", "c"])
    cc = CodeCounts()
    plain = compute_indicators(d, cols, items, groupings=[g])
    shared = compute_indicators(d, cols, items, groupings=[g], code_counts=cc)
    for k in cols:
        assert shared.items[k]["rate"].estimate.tolist() == plain.items[k]["rate"].estimate.tolist()
    for codes, vals in cols.values():
        held = cc._memo.get((id(codes), len(vals)))
        if weights == "unit":
            np.testing.assert_array_equal(held[1], stretch_counts(codes, len(vals))[0])
            assert cc.of(codes, len(vals)) is held[1]
        else:
            assert held is None
