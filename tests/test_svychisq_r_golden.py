"""Cross-tab tests of independence against R's svychisq (tests/golden/r_svychisq.R): Rao–Scott F and
first-order χ², Wald and adjusted Wald, on cluster, stratified, two-stage, post-stratified and
replicate-weight designs.  Statistics to 1e-8 relative, p values to 1e-6."""

from pathlib import Path

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
