"""Replicate-weight designs (analysis.replicates) against R's svrepdesign / as.svrepdesign
(tests/golden/r_replicates.R): every estimator on BRR, Fay, JK1, JKn, bootstrap and "other" designs.
Estimates and SEs to 1e-8 relative, interval bounds to 1e-6."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.by import svyby
from analysis.compare import domain_difference, domain_estimates
from analysis.crosstab import crosstab
from analysis.domains import make_engine
from analysis.estimators import svymean, svyprop, svyratio, svytotal
from analysis.glm import svyglm
from analysis.indicators import Grouping, ItemSpec, compute_indicators
from analysis.quantiles import svyquantile
from analysis.replicates import as_svrepdesign, hadamard, paley, svrepdesign, sylvester

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = pd.read_csv(GOLDEN / "r_replicates_expected.csv", dtype={"value": float})
SCD = pd.read_csv(GOLDEN / "r_replicates_scd.csv")
for k in range(1, 5):
    SCD[f"r{k}"] = 2 * SCD[f"rep{k}"]
C1 = pd.read_csv(GOLDEN / "r_replicates_apiclus1.csv")
ST = pd.read_csv(GOLDEN / "r_replicates_apistrat.csv")
P7 = pd.read_csv(GOLDEN / "r_replicates_pairs7.csv")
C2 = pd.read_csv(GOLDEN / "r_replicates_apiclus2.csv")


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


def boot_scale():
    return expected("boot")["scale_from_as_svrepdesign"]


CASES = {
    "scd_brr": (SCD, lambda: svrepdesign(SCD, ["r1", "r2", "r3", "r4"], type="BRR", combined_weights=False),
                "alive", "arrests", None, None, None),
    "scd_brr_mse": (SCD, lambda: svrepdesign(SCD, "r1,r2,r3,r4", type="BRR", combined_weights=False, mse=True),
                    "alive", "arrests", None, None, None),
    "jk1": (C1, lambda: as_svrepdesign(Design.from_frame(C1, psu="dnum", weights="pw", fpc="fpc")),
            "api00", "api99", "yes", "stype", "api00 ~ ell + meals"),
    "jkn": (ST, lambda: as_svrepdesign(Design.from_frame(ST, strata="stype", weights="pw", fpc="fpc")),
            "api00", "api99", "yes", "sch.wide", "api00 ~ ell + meals"),
    "brr7": (P7, lambda: as_svrepdesign(Design.from_frame(P7, psu="dnum", strata="pair", weights="pw"), "BRR"),
             "api00", "api99", "yes", "stype", None),
    "fay7": (P7, lambda: as_svrepdesign(Design.from_frame(P7, psu="dnum", strata="pair", weights="pw"), "Fay",
                                        fay_rho=0.3), "api00", "api99", "yes", None, None),
    "brr20": (C2, lambda: as_svrepdesign(Design.from_frame(C2, psu="dnum", strata="pair", weights="pw"), "BRR"),
              "api00", "api99", "yes", "stype", "api00 ~ ell + meals"),
    "boot": (C1, lambda: svrepdesign(C1, r"bw[0-9]+", "pw", type="bootstrap", scale=boot_scale()),
             "api00", "api99", "yes", "stype", "api00 ~ ell + meals"),
    "other": (C1, lambda: svrepdesign(C1, r"bw[0-9]+", "pw", type="other", scale=0.05, rscales=0.5),
              "api00", "api99", None, None, None),
}
METHOD = {"logit": "logit", "beta": "clopper-pearson", "asin": "asin"}


def close(a, b, rel):
    assert a == pytest.approx(b, rel=rel, abs=1e-12), (a, b)


@pytest.mark.parametrize("case", list(CASES))
def test_replicate_design_matches_r(case):
    data, make, y, r, b, by, glm = CASES[case]
    ex = expected(case)
    des = make()
    assert des.degf() == ex["degf"]
    assert des.n_replicates == ex["n_replicates"]
    close(des.scale, ex["scale"], 1e-12)
    m = svymean(des, data[y])
    close(m.estimate, ex["mean"], 1e-8)
    close(m.se, ex["mean_se"], 1e-8)
    close(m.ci_low, ex["mean_ci_low"], 1e-6)
    close(m.ci_high, ex["mean_ci_high"], 1e-6)
    t = svytotal(des, data[y])
    close(t.estimate, ex["total"], 1e-8)
    close(t.se, ex["total_se"], 1e-8)
    ra = svyratio(des, data[y], data[r])
    close(ra.estimate, ex["ratio"], 1e-8)
    close(ra.se, ex["ratio_se"], 1e-8)
    if b:
        hit = data[b].to_numpy() == 1
        for rm, mm in METHOD.items():
            p = svyprop(des, hit, ci_method=mm)
            close(p.estimate, ex[f"prop_{rm}"], 1e-8)
            close(p.se, ex[f"prop_{rm}_se"], 1e-8)
            close(p.ci_low, ex[f"prop_{rm}_ci_low"], 1e-6)
            close(p.ci_high, ex[f"prop_{rm}_ci_high"], 1e-6)
    if by:
        levels = sorted(data[by].unique())
        byres = {e.domain[by]: e for e in svyby(des, by, svymean, data[y].to_numpy())}
        codes = pd.Categorical(data[by], categories=levels).codes
        eng = make_engine(des, [(codes, len(levels))]).means(data[y].to_numpy(float), np.ones(len(data), bool))
        de = domain_estimates(des, data[y].to_numpy(float), by)
        for i, g in enumerate(levels):
            for est in (byres[g], eng[i + 1], de[i]):
                close(est.estimate, ex[f"by_{g}_mean"], 1e-8)
                close(est.se, ex[f"by_{g}_se"], 1e-8)
        close(de.cov[0, 1], ex["by_cov_1_2"], 1e-8)
        assert byres[levels[0]].df == ex["sub_degf"] == de.df[0] == eng.df[1]
        # a difference of two domains: the contrast of their replicate estimates
        dd = domain_difference(des, data[y].to_numpy(float), codes == 0, codes == 1)
        close(dd.se ** 2, de.cov[0, 0] + de.cov[1, 1] - 2 * de.cov[0, 1], 1e-8)
    if "q0.5" in ex:
        q = svyquantile(des, data[y], [0.25, 0.5])
        for i, pq in enumerate(("0.25", "0.5")):
            close(q.coef()[i], ex[f"q{pq}"], 1e-8)
            close(q.SE()[i], ex[f"q{pq}_se"], 1e-8)
            lo, hi = q.confint()
            close(lo[i], ex[f"q{pq}_ci_low"], 1e-6)
            close(hi[i], ex[f"q{pq}_ci_high"], 1e-6)
    if glm:
        fit = svyglm(des, glm)
        assert fit.df_residual == ex["glm_df_residual"]
        for i, term in enumerate(fit.names):
            close(fit.coef()[i], ex[f"glm|{term}|estimate"], 1e-8)
            close(fit.SE()[i], ex[f"glm|{term}|se"], 1e-8)
            close(fit.p[i], ex[f"glm|{term}|p"], 1e-6)


def test_indicators_and_crosstab_on_replicate_design():
    """The indicator engine and cross-tabs give the single estimators' answers on a replicate design."""
    des = as_svrepdesign(Design.from_frame(C1, psu="dnum", weights="pw", fpc="fpc"))
    codes = C1.yes.to_numpy(float) + 1  # 1 = No, 2 = Yes
    it = ItemSpec("yes", "sch.wide", "ind", "support", positive=(2.0,))
    levels = sorted(C1.stype.unique())
    g = Grouping("stype", pd.Categorical(C1.stype, categories=levels).codes, levels)
    res = compute_indicators(des, {"yes": codes, "yes2": codes}, [it, ItemSpec("yes2", "x", "ind", "support",
                                                                                positive=(2.0,))], groupings=[g])
    overall = svyprop(des, C1.yes.to_numpy() == 1)
    assert res.items["yes"]["rate"][0].se == pytest.approx(overall.se, rel=1e-10)
    # the two-item indicator of two identical items is the item itself, with the same SE
    assert res.indicators["ind"]["rate"][0].se == pytest.approx(overall.se, rel=1e-10)
    for i, lev in enumerate(levels):
        dom = svyprop(des.subset(C1.stype.to_numpy() == lev), C1.yes.to_numpy() == 1)
        assert res.items["yes"]["rate"][1 + i].se == pytest.approx(dom.se, rel=1e-10)
        assert res.items["yes"]["rate"][1 + i].df == dom.df
    ct = crosstab(des, "stype", "yes")
    cell = ct.cells.set_index(["row", "col"]).loc[("E", "1")]
    e = svyprop(des, (C1.stype.to_numpy() == "E") & (C1.yes.to_numpy() == 1))
    assert cell.se == pytest.approx(e.se, rel=1e-10)
    rs = svyprop(des.subset(C1.stype.to_numpy() == "E"), C1.yes.to_numpy() == 1)
    assert cell.row_share_se == pytest.approx(rs.se, rel=1e-10)


def test_hadamard_matrices_are_r_s():
    had = pd.read_csv(GOLDEN / "r_replicates_hadamard.csv", dtype={"entries": str})
    for n, size, entries in had.itertuples(index=False):
        H = np.array([int(c) for c in entries]).reshape(size, size)
        assert np.array_equal(hadamard(int(n)), H), n


def test_hadamard_matrices():
    for n in (1, 3, 7, 8, 11, 12, 19, 20, 23, 30):
        H = hadamard(n)
        assert H.shape[0] > n and H.shape[0] % 4 == 0
        S = 2 * H - 1
        assert np.array_equal(S.T @ S, H.shape[0] * np.eye(H.shape[0]))
    assert np.array_equal(hadamard(7), sylvester(8))
    assert np.array_equal(hadamard(10), paley(11))


def test_bootstrap_replicates_are_reproducible_with_a_seed():
    base = Design.from_frame(ST, strata="stype", weights="pw")
    a = as_svrepdesign(base, "bootstrap", replicates=30, seed=7)
    b = as_svrepdesign(base, "bootstrap", replicates=30, seed=7)
    assert np.array_equal(a.repweights, b.repweights)
    # Rao–Wu: each stratum's PSUs drawn n_h times, so each replicate keeps every stratum's weight total on average
    m = svymean(a, ST.api00)
    lin = svymean(base, ST.api00)
    assert m.se == pytest.approx(lin.se, rel=0.35)
