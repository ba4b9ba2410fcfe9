"""Cross-tab tests of independence against R's svychisq (tests/golden/r_svychisq.R): Rao–Scott F and
first-order χ², Wald and adjusted Wald, on cluster, stratified, two-stage, post-stratified and
replicate-weight designs.  Statistics to 1e-8 relative, p values to 1e-6."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.crosstab import crosstab
from analysis.replicates import as_svrepdesign
from analysis.weighting import poststratify

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = pd.read_csv(GOLDEN / "r_svychisq_expected.csv", dtype={"value": float})
C1 = pd.read_csv(GOLDEN / "r_svychisq_apiclus1.csv")
ST = pd.read_csv(GOLDEN / "r_svychisq_apistrat.csv")
C2 = pd.read_csv(GOLDEN / "r_svychisq_apiclus2.csv")


def clus1():
    return Design.from_frame(C1, psu="dnum", weights="pw", fpc="fpc")


CASES = {
    "clus1_stype_awards": (clus1, "stype", "awards"),
    "clus1_stype_compimp": (clus1, "stype", "comp.imp"),
    "clus1_both_schwide": (clus1, "both", "sch.wide"),
    "strat_schwide_compimp": (lambda: Design.from_frame(ST, strata="stype", weights="pw", fpc="fpc"), "sch.wide",
                              "comp.imp"),
    "strat_stype_awards": (lambda: Design.from_frame(ST, strata="stype", weights="pw", fpc="fpc"), "stype", "awards"),
    "clus2_stype_awards": (lambda: Design.from_frame(C2, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"]), "stype",
                           "awards"),
    "poststrat_stype_awards": (lambda: poststratify(clus1(), {"stype": {"E": 4421, "H": 755, "M": 1018}})[0],
                               "stype", "awards"),
    "jk1_stype_awards": (lambda: as_svrepdesign(clus1()), "stype", "awards"),
}


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


@pytest.mark.parametrize("case", list(CASES))
def test_tests_of_independence_match_r(case):
    make, row, col = CASES[case]
    ex = expected(case)
    ct = crosstab(make(), row, col)
    f = ct.test_record("F")
    assert f["F"] == pytest.approx(ex["F|statistic"], rel=1e-8)
    assert f["df1"] == pytest.approx(ex["F|df1"], rel=1e-8)
    assert f["df2"] == pytest.approx(ex["F|df2"], rel=1e-8)
    assert f["p"] == pytest.approx(ex["F|p"], rel=1e-6)
    c = ct.test_record("chisq")
    assert c["chisq"] == pytest.approx(ex["Chisq|statistic"], rel=1e-8)
    assert c["df"] == ex["Chisq|df"]
    assert c["p"] == pytest.approx(ex["Chisq|p"], rel=1e-6)
    for ours, r in (("wald", "Wald"), ("adjwald", "adjWald")):
        t = ct.test_record(ours)
        assert t["F"] == pytest.approx(ex[f"{r}|statistic"], rel=1e-8)
        assert (t["df1"], t["df2"]) == (ex[f"{r}|df1"], ex[f"{r}|df2"])
        assert t["p"] == pytest.approx(ex[f"{r}|p"], rel=1e-6)


SPARSE = {  # R's solve() stops on some of these tables (tests/golden/r_svychisq.R); minyi gives no test there
    "sparse_srs": (lambda: Design.from_frame(pd.read_csv(GOLDEN / "r_svychisq_sparse.csv"), weights="w"), 1e-9),
    "few_srs": (lambda: Design.from_frame(pd.read_csv(GOLDEN / "r_svychisq_few.csv"), weights="w"), 1e-9),
    "fewpsu_clus": (lambda: Design.from_frame(pd.read_csv(GOLDEN / "r_svychisq_fewpsu.csv"), psu="psu", weights="w"),
                    1e-9),
}


@pytest.mark.parametrize("case", list(SPARSE))
@pytest.mark.parametrize("perturb", [False, True])
def test_sparse_tables_are_tested_where_r_tests_them_and_not_elsewhere(case, perturb):
    """Where R's svychisq stops ("system is computationally singular": 30 × 12 cells from 700 rows, or a
    Wald test with fewer PSUs than the table's df) every statistic of that test is NaN (null in JSON), also
    with the weights perturbed by 1e-9 (the number the singular system gave before moved p from 0.08 to
    0.26); where R computes it (3 empty cells of 25) it matches R."""
    make, eps = SPARSE[case]
    des = make()
    if perturb:
        d = des.data.copy()
        d["w"] = 1 + eps * np.random.default_rng(5).random(len(d))
        des = Design.from_frame(d, weights="w", psu="psu" if "psu" in d.columns else None)
    ex = expected(case)
    ct = crosstab(des, "a", "b")
    tol = 1e-6 if perturb else 1e-8
    for ours, r, stat in (("F", "F", "F"), ("chisq", "Chisq", "chisq"), ("wald", "Wald", "F"),
                          ("adjwald", "adjWald", "F")):
        t = ct.test_record(ours)
        if f"{r}|singular" in ex:
            assert t["p"] is None and (ours == "chisq" or t["F"] is None), (ours, t)  # chisq keeps Pearson's X²
            continue
        assert t[stat] == pytest.approx(ex[f"{r}|statistic"], rel=tol)
        assert t["p"] == pytest.approx(ex[f"{r}|p"], rel=tol)
    singular = {k: f"{r}|singular" in ex for k, r in (("F", "F"), ("wald", "Wald"))}
    assert ct.test.singular == singular["F"] and ct.wald["wald"].singular == singular["wald"]


@pytest.mark.parametrize("case", ["sparse_srs", "few_srs"])
def test_the_group_tests_table_test_agrees_on_sparse_tables(case):
    """``independence_test`` (the report's group × answer test, from per-cell totals and the unweighted
    shortcut, not the crosstab) gives no test where R stops, and R's F where R computes it."""
    from analysis.group_tests import independence_test

    make, _ = SPARSE[case]
    des = make()
    a = des.data["a"].to_numpy()
    rs = independence_test(des, des.data["b"].to_numpy(dtype=float), np.ones(des.n, dtype=bool), a - 1)
    ex = expected(case)
    if "F|singular" in ex:
        assert rs["F"] is None and rs["p"] is None
    else:
        assert rs["F"] == pytest.approx(ex["F|statistic"], rel=1e-8)
        assert rs["p"] == pytest.approx(ex["F|p"], rel=1e-6)
