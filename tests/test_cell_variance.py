"""The aggregated linearisation variance (analysis.cell_variance) equals the row-level one (Design.variance).

Seeded random designs: strata, clusters or none, fpc as counts, fractions or certainty strata, PPS
(Brewer), zero weights, domains (``Design.subset``), lonely PSUs under every ``lonely_psu`` option,
one or several features per row.  Reference: :meth:`Design.variance` of the row-level influence
values :func:`analysis.cell_variance.row_influence` — the computation the aggregated one replaced.
"""

import zlib

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.cell_variance import CellTotals, one_row_psus, row_influence
from analysis.design import DesignError
from analysis.estimators import design_df


def seed_of(*case) -> int:
    """A seed for the case, the same in every run (``hash`` of a string changes with PYTHONHASHSEED)."""
    return zlib.crc32(repr(case).encode())


def random_design(rng, *, clustered: bool, fpc: str, lonely: str, pps: bool = False, equal_weights: bool = False,
                  one_stratum: bool = False):
    n_strata = 1 if one_stratum else int(rng.integers(1, 5))
    strata, psus = [], []
    pid = 0
    for h in range(n_strata):
        n_psu = 1 if (lonely != "none" and h == n_strata - 1 and n_strata > 1) else int(rng.integers(2, 7))
        for _ in range(n_psu):
            size = int(rng.integers(1, 5)) if clustered else 1
            strata += [h] * size
            psus += [pid] * size
            pid += 1
    n = len(strata)
    w = rng.uniform(0.5, 5.0, n)
    w[rng.random(n) < 0.1] = 0.0
    if equal_weights:  # an unweighted sample (1) or equal weights N/n: one factor per stratum
        w = np.full(n, float(rng.choice([1.0, 2.5])))
    df = pd.DataFrame({"st": strata, "psu": psus, "w": w})
    kw = {"weights": "w", "strata": "st", "psu": "psu" if (clustered or pps) else None,
          "lonely_psu": "fail" if lonely == "none" else lonely}
    if pps:
        pi = rng.uniform(0.05, 0.9, pid)
        pi[rng.random(pid) < 0.1] = 1.0
        df["pi"] = pi[df.psu]
        kw.update(fpc="pi", pps="brewer")
    elif fpc == "counts":
        n_h = df.groupby("st").psu.nunique()
        N_h = {h: int(c + rng.integers(0, 3 * c + 1)) for h, c in n_h.items()}
        df["N"] = df.st.map(N_h)
        kw["fpc"] = "N"
    elif fpc == "fraction":
        f_h = {h: float(rng.choice([rng.uniform(0.01, 0.5), 1.0], p=[0.8, 0.2])) for h in range(n_strata)}
        df["f"] = df.st.map(f_h)
        kw["fpc"] = "f"
    return Design.from_frame(df, **kw)


CASES = [(c, f, l, p) for c in (False, True) for f in ("none", "counts", "fraction")
         for l in ("none", "adjust", "average", "certainty", "remove", "fail") for p in (False,)]
CASES += [(c, "none", l, True) for c in (False, True) for l in ("none", "adjust", "average")]


@pytest.mark.parametrize("clustered,fpc,lonely,pps", CASES)
@pytest.mark.parametrize("n_features", [1, 4, 7])
def test_aggregated_equals_row_level(clustered, fpc, lonely, pps, n_features):
    rng = np.random.default_rng(seed_of(clustered, fpc, lonely, pps, n_features))
    for _ in range(15):
        d = random_design(rng, clustered=clustered, fpc=fpc, lonely=lonely, pps=pps)
        if rng.random() < 0.5:  # a domain: weights zero outside it, every row kept (R subset)
            d = d.subset(rng.random(d.n) < 0.7)
        if not clustered:
            assert one_row_psus(d)
        _check_aggregated(rng, d, n_features)


@pytest.mark.parametrize("fpc", ["none", "counts"])
@pytest.mark.parametrize("lonely", ["none", "adjust"])
@pytest.mark.parametrize("n_features", [1, 4, 7])
def test_equal_weights_equal_row_level(fpc, lonely, n_features):
    """Unclustered designs with one weight for every row: the blocks whose rows share one factor take
    the shortcut of CellTotals (the factor times XᵀX)."""
    rng = np.random.default_rng(seed_of("equal", fpc, lonely, n_features))
    for _ in range(15):
        d = random_design(rng, clustered=False, fpc=fpc, lonely=lonely, equal_weights=True)
        _check_aggregated(rng, d, n_features)


@pytest.mark.parametrize("fpc", ["none", "counts"])
@pytest.mark.parametrize("n_features", [1, 4, 7])
def test_unweighted_srs_every_row_in_a_category_equals_row_level(fpc, n_features):
    """One stratum, one weight and one factor for every row, every row in a category (the report's group
    tests of an unweighted sample): CellTotals sums the features per category once (no weight arrays)."""
    from analysis.cell_variance import _design_parts

    rng = np.random.default_rng(seed_of("uniform", fpc, n_features))
    for _ in range(15):
        d = random_design(rng, clustered=False, fpc=fpc, lonely="none", equal_weights=True, one_stratum=True)
        assert _design_parts(d)["uniform"] is not None
        _check_aggregated(rng, d, n_features, all_in=True)


def _assert_same_tests(ref, got, with_p: bool = False):
    """Group-vs-rest tests equal one by one: group and counts exactly, the figures to 1e-10 relative."""
    fields = ("estimate", "rest", "difference", "se", "t", "df") + (("p",) if with_p else ())
    for a, b in zip(ref, got):
        assert (a.group, a.n, a.n_rest) == (b.group, b.n, b.n_rest)
        for f in fields:
            x, y = getattr(a, f), getattr(b, f)
            assert (x is None) == (y is None), f
            if x is not None:
                assert y == pytest.approx(x, rel=1e-10, abs=1e-14), f


def _assert_same_f(got, want):
    """Rao–Scott F records equal: F, df1, df2 and p to 1e-10 relative (None where the other is None)."""
    for k in ("F", "df1", "df2", "p"):
        assert (got[k] is None) == (want[k] is None)
        if want[k] is not None:
            assert got[k] == pytest.approx(want[k], rel=1e-10)


def _check_aggregated(rng, d, n_features, all_in: bool = False):
    """The covariance of CellTotals against Design.variance of the row-level influence values, for one design."""
    G = int(rng.integers(1, 6))
    m = int(rng.integers(1, 5))
    groups = rng.integers(0 if all_in else -1, G, d.n)
    X = None if n_features == 1 else rng.choice([0.0, 1.0, 2.0, 5.0], size=(d.n, n_features))
    F = 1 if X is None else n_features
    U = rng.normal(size=(G, F, m))
    present = (groups >= 0) & (d.weights > 0)
    if not present.any():
        return
    z = row_influence(d, groups, U, X)
    if rng.random() < 0.5:  # only some rows passed (in any order), the others contribute nothing
        rows = rng.permutation(np.flatnonzero(rng.random(d.n) < 0.8))
        g_all = np.full(d.n, -1)
        g_all[rows] = groups[rows]
        z = row_influence(d, g_all, U, X)
        args = (d, groups[rows], G, None if X is None else X[rows])
        kw = {"rows": rows}
    else:
        args, kw = (d, groups, G, X), {}
    if X is not None and rng.random() < 0.5:  # the features as a function of positions, formed a few rows at a time
        Xd = args[3]
        args = (*args[:3], lambda at: Xd[at])
        kw["chunk_rows"] = int(rng.integers(1, 6))
    try:
        ref = d.variance(z, present=present)
    except DesignError as e:
        with pytest.raises(DesignError, match="only one PSU"):
            CellTotals(*args, **kw).covariance(U, present)
        assert "only one PSU" in str(e)
        return
    got = CellTotals(*args, **kw).covariance(U, present)
    # the aggregated form expands the square, so a variance that is exactly 0 (equal weights, one value per
    # stratum) comes out as rounding of the size of the summed squares: the tolerance is relative to those
    scale = max(np.nanmax(np.abs(ref)) if np.isfinite(ref).any() else 1.0, float((z * z).sum()))
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-10 * scale)
    # the coefficients given up front: the chunked unclustered paths sum x·U_g instead of Q_g (F = 7, m ≤ 3)
    tots = CellTotals(*args, **kw, U=U)
    assert (tots.QU is not None) == (F == 7 and 2 * m < F and one_row_psus(d))
    np.testing.assert_allclose(tots.covariance(U, present), ref, rtol=1e-10, atol=1e-10 * scale)
    if tots.QU is not None:
        with pytest.raises(ValueError, match="other coefficients"):
            tots.covariance(U + 1.0, present)


@pytest.mark.parametrize("clustered", [False, True])
@pytest.mark.parametrize("fpc", ["none", "counts"])
@pytest.mark.parametrize("lonely", ["none", "adjust", "average"])
def test_group_vs_rest_equals_row_level(clustered, fpc, lonely):
    """group_vs_rest (aggregated) against its row-level computation, one group at a time (_from_rows)."""
    from analysis import group_tests as gt

    rng = np.random.default_rng([clustered, len(fpc), len(lonely)])
    for _ in range(8):
        d = random_design(rng, clustered=clustered, fpc=fpc, lonely=lonely)
        if rng.random() < 0.5:
            d = d.subset(rng.random(d.n) < 0.8)
        G = int(rng.integers(2, 5))
        codes = rng.integers(-1, G, d.n)
        J = int(rng.integers(1, 5))
        ys = [rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], d.n) for _ in range(J)]
        vs = [rng.random(d.n) < 0.8 for _ in range(J)]
        labels = [f"g{i}" for i in range(G)]
        w = d.weights
        vv = [v & (w > 0) for v in vs]
        any_valid = np.logical_or.reduce(vv)
        present = any_valid & (codes >= 0)
        dfv = float(design_df(d, np.where(present, w, 0.0)) - 1)
        try:
            ref = gt._from_rows(d, ys, vv, codes, labels, any_valid, present, dfv)
        except DesignError:
            with pytest.raises(DesignError):
                gt.group_vs_rest(d, ys, vs, codes, labels)
            continue
        got = gt.group_vs_rest(d, ys, vs, codes, labels)
        _assert_same_tests(ref, got)


@pytest.mark.parametrize("clustered", [False, True])
@pytest.mark.parametrize("equal_weights", [False, True])
def test_group_vs_rest_coded_equals_row_arrays(clustered, equal_weights):
    """The test of items given by answer codes (group_vs_rest_coded) equals the one of the same items
    as per-row arrays (group_vs_rest), for rates and scores with invalid codes, groups in any row order;
    with the grouping's rows sorted once (group_order) it is the same."""
    from analysis import group_tests as gt
    from analysis.domains import code_values

    rng = np.random.default_rng(seed_of("coded", clustered, equal_weights))
    for _ in range(8):
        d = random_design(rng, clustered=clustered, fpc="counts", lonely="adjust", equal_weights=equal_weights)
        G = int(rng.integers(2, 5))
        codes = rng.integers(-1, G, d.n)
        items, ys, vs = [], [], []
        for _ in range(int(rng.integers(1, 5))):
            answers = rng.choice([1.0, 2.0, 3.0, 4.0, 9.0, np.nan], d.n)
            c, vals = code_values(answers)
            y = np.where(vals == 9.0, np.nan, vals * 10.0)  # a score per answer; 9 (说不清) has none
            valid = np.isfinite(vals) & (vals != 9.0)
            items.append(gt.CodedItem(c, y, valid))
            ys.append(np.nan_to_num(y[c]))
            vs.append(valid[c])
        labels = [f"g{i}" for i in range(G)]
        try:
            ref = gt.group_vs_rest(d, ys, vs, codes, labels)
        except DesignError:
            with pytest.raises(DesignError):
                gt.group_vs_rest_coded(d, items, codes, labels)
            continue
        got = gt.group_vs_rest_coded(d, items, codes, labels)
        # the rows put in group order once for the grouping (group_order): the same tests, number for number
        assert gt.group_vs_rest_coded(d, items, codes, labels, gt.group_order(codes)) == got
        # ... and with the valid rows computed by the caller (valid_for_some), as the report passes them
        assert gt.group_vs_rest_coded(d, items, codes, labels, gt.group_order(codes), gt.valid_for_some(items)) == got
        assert len(got) == G
        _assert_same_tests(ref, got, with_p=True)


@pytest.mark.parametrize("fpc", ["none", "counts"])
def test_of_counts_equals_row_level(fpc):
    """CellTotals.of_counts (an unweighted one-stratum sample: the totals of a feature of ones from the
    rows per category) gives the covariance of the row-level influence values; None for other designs."""
    rng = np.random.default_rng(seed_of("of_counts", fpc))
    for _ in range(15):
        d = random_design(rng, clustered=False, fpc=fpc, lonely="none", equal_weights=True, one_stratum=True)
        G, m = int(rng.integers(1, 6)), int(rng.integers(1, 5))
        groups = rng.integers(-1, G, d.n)
        present = groups >= 0
        if not present.any():
            continue
        U = rng.normal(size=(G, 1, m))
        want = d.variance(row_influence(d, groups, U), present=present)
        got = CellTotals.of_counts(d, np.bincount(groups[present], minlength=G)).covariance(U, present)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    d = random_design(rng, clustered=False, fpc=fpc, lonely="none")  # unequal weights: not from counts
    assert CellTotals.of_counts(d, np.ones(2)) is None


@pytest.mark.parametrize("design", ["unclustered", "clustered", "srs"])
def test_independence_test_equals_crosstab(design):
    """independence_test (cell shares and their covariance only) gives crosstab's Rao–Scott F test
    (``srs``: an unweighted one-stratum sample, whose covariance comes from the cell counts alone)."""
    from analysis.crosstab import crosstab
    from analysis.group_tests import independence_test

    clustered = design == "clustered"
    rng = np.random.default_rng([clustered, 7] if design != "srs" else [2, 7])
    for _ in range(20):
        if design == "srs":
            d = random_design(rng, clustered=False, fpc="counts", lonely="none", equal_weights=True, one_stratum=True)
        else:
            d = random_design(rng, clustered=clustered, fpc="counts", lonely="adjust")
        codes = rng.integers(-1, 3, d.n)
        y = rng.choice([0.0, 1.0, 2.5, np.nan], d.n)
        valid = rng.random(d.n) < 0.9
        ok = valid & (codes >= 0) & (d.weights > 0)
        if len(np.unique(codes[ok])) < 2 or len(np.unique(y[ok])) < 2:  # no test, before any table (as before)
            assert independence_test(d, y, valid, codes) is None
            continue
        try:
            ref = crosstab(d, np.where(codes >= 0, codes.astype(float), np.nan), np.where(ok, y, np.nan), valid=ok)
        except np.linalg.LinAlgError:  # an empty cell makes Rao–Scott's Cᵀ D⁻¹ C singular: both raise
            with pytest.raises(np.linalg.LinAlgError):
                independence_test(d, y, valid, codes)
            continue
        got = independence_test(d, y, valid, codes)
        want = ref.test_record("F")
        assert got["name"] == want["name"]
        _assert_same_f(got, want)


@pytest.mark.parametrize("clustered,fpc,lonely,pps", CASES)
def test_variance_of_rows_equals_variance_of_every_row(clustered, fpc, lonely, pps):
    """Design.variance_of_rows (influence values 0 outside some rows, e.g. a model fitted to some rows):
    the one-stratum simple random sample sums only the given rows; every design gives Design.variance of
    the values for every row."""
    rng = np.random.default_rng(seed_of("rows", clustered, fpc, lonely, pps))
    for one in (False, True):
        for _ in range(10):
            d = random_design(rng, clustered=clustered, fpc=fpc, lonely=lonely, pps=pps, one_stratum=one)
            rows = np.flatnonzero(rng.random(d.n) < 0.6)
            zr = rng.normal(size=(len(rows), 3)) + rng.normal(size=3) * 5  # off-centre values
            z = np.zeros((d.n, 3))
            z[rows] = zr
            present = d.weights > 0
            try:
                ref = d.variance(z, present=present)
            except DesignError:
                with pytest.raises(DesignError):
                    d.variance_of_rows(zr, rows, present=present)
                continue
            np.testing.assert_allclose(d.variance_of_rows(zr, rows, present=present), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_groups", [2, 3, 8, 9])
def test_group_vs_rest_coded_of_an_unweighted_sample_equals_row_level(n_groups):
    """An unweighted simple random sample with coded items: the squares of x·U from per-code tables
    (up to PROJECTED_MAX groups; 9 groups take the feature columns) — every test equal to the row-level
    computation (_from_rows), with several items, invalid codes and rows in no group."""
    from analysis import group_tests as gt
    from analysis.domains import code_values

    assert gt.PROJECTED_MAX == 8
    rng = np.random.default_rng(seed_of("srs-coded", n_groups))
    for _ in range(6):
        n = int(rng.integers(40, 3000))
        d = Design.from_frame(pd.DataFrame({"w": np.ones(n)}), weights="w")
        codes = rng.integers(-1, n_groups, n)
        items, ys, vs = [], [], []
        for _ in range(int(rng.integers(1, 7))):
            answers = rng.choice([1.0, 2.0, 3.0, 4.0, 9.0, np.nan], n)
            c, vals = code_values(answers)
            y = np.where(vals == 9.0, np.nan, vals * 10.0 + 1e3)  # off-centre scores; 9 (说不清) has none
            valid = np.isfinite(vals) & (vals != 9.0)
            items.append(gt.CodedItem(c, y, valid))
            ys.append(np.nan_to_num(y[c]))
            vs.append(valid[c])
        labels = [f"g{i}" for i in range(n_groups)]
        any_valid = np.logical_or.reduce(vs)
        present = any_valid & (codes >= 0)
        dfv = float(design_df(d, np.where(present, 1.0, 0.0)) - 1)
        ref = gt._from_rows(d, ys, vs, codes, labels, any_valid, present, dfv)
        got = gt.group_vs_rest_coded(d, items, codes, labels, gt.group_order(codes))
        assert any(t.se is not None for t in got)
        _assert_same_tests(ref, got)


# cells counted by comparison (3 × 4 with the blank), or by bincount (30 × 13): tables whose cells are filled
# (Rao–Scott's generalised inverse is unstable for tables of more cells than rows, in crosstab as here)
@pytest.mark.parametrize("design,n_groups,n_values", [("clustered", 3, 3), ("srs", 3, 3), ("srs", 30, 12),
                                                       ("poststratified", 3, 3)])  # the crosstab itself
def test_independence_test_of_coded_answers_equals_crosstab(design, n_groups, n_values):
    """independence_test given the answers as codes (``coded``: code_values, CodedItem.value_codes, or
    chosen_codes of a multiple-choice option) equals the test of the values and crosstab's."""
    from analysis.crosstab import crosstab
    from analysis.domains import code_values
    from analysis.group_tests import CodedItem, chosen_codes, independence_test

    rng = np.random.default_rng(seed_of("coded-rs", design, n_groups))
    done = 0
    for _ in range(12):
        if design == "srs":
            n = int(rng.integers(300, 2000)) * (1 if n_groups < 10 else 10)
            d = Design.from_frame(pd.DataFrame({"w": np.ones(n)}), weights="w")
        elif design == "poststratified":  # calibrated: row-level influence values (not CellTotals)
            from analysis.weighting import poststratify

            n = int(rng.integers(300, 1000))
            sex = rng.choice(["m", "f"], n)
            d0 = Design.from_frame(pd.DataFrame({"w": rng.uniform(0.5, 2.0, n), "sex": sex}), weights="w")
            d, _ = poststratify(d0, {"sex": {"m": 600.0, "f": 400.0}})
        else:
            d = random_design(rng, clustered=True, fpc="counts", lonely="adjust")
            n = d.n
        codes = rng.integers(-1, n_groups, n)
        answers = rng.integers(1, n_values + 1, n).astype(float)
        answers[rng.random(n) < 0.1] = np.nan
        ac, avals = code_values(answers)
        table = np.where(np.isfinite(avals), avals * 10.0, np.nan)  # a value per answer code
        item = CodedItem(ac, table, np.isfinite(avals))
        y = np.nan_to_num(table[ac])
        valid = np.isfinite(answers)
        ok = valid & (codes >= 0) & (d.weights > 0)
        if len(np.unique(codes[ok])) < 2 or len(np.unique(y[ok])) < 2:
            continue
        try:
            want = crosstab(d, np.where(codes >= 0, codes.astype(float), np.nan), np.where(ok, y, np.nan),
                            valid=ok).test_record("F")
        except np.linalg.LinAlgError:
            continue
        for got in (independence_test(d, y, valid, codes),
                    independence_test(d, None, valid, codes, coded=code_values(y)),
                    independence_test(d, None, valid, codes, coded=item.value_codes())):
            _assert_same_f(got, want)
        hit = np.where(rng.random(n) < 0.3, 1.0, np.where(rng.random(n) < 0.5, 0.0, np.nan))
        asked = rng.random(n) < 0.9
        a = independence_test(d, (np.nan_to_num(hit) > 0).astype(float), asked, codes)
        b = independence_test(d, None, asked, codes, coded=chosen_codes(hit))
        assert a == b
        done += 1
    assert done >= 5
