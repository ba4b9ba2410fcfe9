"""Design types against R: weights derived from the fpc, multistage designs, PPS (Brewer).

Golden values from tests/golden/r_design_types.R (each row records its R call); CI does not run R.
Estimates and SEs to 1e-8 relative, interval bounds to 1e-6.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.by import svyby
from analysis.compare import domain_estimates
from analysis.domains import make_engine
from analysis.estimators import svymean, svyprop, svyratio, svytotal

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = pd.read_csv(GOLDEN / "r_design_types_expected.csv", dtype={"value": float})


def _data(name):
    d = pd.read_csv(GOLDEN / f"r_design_types_{name}.csv")
    if name == "mu284":
        d["w1s"] = d.n1 * d.n2 / 15
    if name == "election_pps":
        d["w_wr"] = 1 / d.p
    return d


CASES = {
    "fpc_counts": ("fpc", dict(strata="stratid", psu="psuid", fpc="Nh"), "x", "nh", "big", None),
    "fpc_fractions": ("fpc", dict(strata="stratid", psu="psuid", fpc="fh"), "x", "nh", "big", None),
    "fpc_weights": ("fpc", dict(strata="stratid", psu="psuid", fpc="Nh", weights="weight"), "x", "nh", "big", None),
    "fpc_unclustered": ("fpc", dict(strata="stratid", fpc="Nh"), "x", "nh", "big", None),
    "mu284": ("mu284", dict(psu=["id1", "id2"], fpc=["n1", "n2"]), "y1", "n2", "big", None),
    "mu284_onestage": ("mu284", dict(psu=["id1", "id2"], weights="w1s"), "y1", "n2", "big", None),
    "apiclus2": ("apiclus2", dict(psu="dnum,snum", fpc="fpc1,fpc2"), "api00", "api99", "yes", "stype"),
    "apiclus2_weights": ("apiclus2", dict(psu=["dnum", "snum"], fpc=["fpc1", "fpc2"], weights="pw"), "api00", "api99",
                         "yes", "stype"),
    "apiclus2_onestage": ("apiclus2", dict(psu=["dnum", "snum"], weights="pw"), "api00", "api99", "yes", "stype"),
    "election_brewer": ("election_pps", dict(fpc="p", pps="brewer"), "Kerry", "votes", "kerry_won", "big"),
    "election_brewer_ppswr": ("election_pps", dict(weights="w_wr"), "Kerry", "votes", "kerry_won", "big"),
}


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


def close(a, b, rel):
    assert a == pytest.approx(b, rel=rel, abs=rel * 1e-6 * max(1.0, abs(b))), (a, b)


@pytest.mark.parametrize("case", list(CASES))
def test_design_types_match_r(case):
    name, kw, y, r, b, by = CASES[case]
    d = _data(name)
    ex = expected(case)
    des = Design.from_frame(d, **kw)
    assert des.degf() == ex["degf"]
    close(des.weights.sum(), ex["sum_weights"], 1e-12)
    close(des.weights[0], ex["weight_1"], 1e-12)
    m = svymean(des, d[y])
    close(m.estimate, ex["mean"], 1e-8)
    close(m.se, ex["mean_se"], 1e-8)
    close(m.deff, ex["mean_deff"], 1e-8)
    close(m.ci_low, ex["mean_ci_low"], 1e-6)
    close(m.ci_high, ex["mean_ci_high"], 1e-6)
    t = svytotal(des, d[y])
    close(t.estimate, ex["total"], 1e-8)
    close(t.se, ex["total_se"], 1e-8)
    ra = svyratio(des, d[y], d[r])
    close(ra.estimate, ex["ratio"], 1e-8)
    close(ra.se, ex["ratio_se"], 1e-8)
    hit = d[b].to_numpy() == 1
    for method, rname in (("logit", "logit"), ("clopper-pearson", "beta")):
        p = svyprop(des, hit, ci_method=method)
        close(p.estimate, ex[f"prop_{rname}"], 1e-8)
        close(p.se, ex["prop_se"], 1e-8)
        close(p.ci_low, ex[f"prop_{rname}_ci_low"], 1e-6)
        close(p.ci_high, ex[f"prop_{rname}_ci_high"], 1e-6)
    if by:
        levels = sorted(d[by].unique())
        # svyby through domain designs, the domain engine (indicators) and domain_estimates (covariance)
        byres = {e.domain[by]: e for e in svyby(des, by, svymean, d[y].to_numpy())}
        codes = pd.Categorical(d[by], categories=levels).codes
        eng = make_engine(des, [(codes, len(levels))]).means(d[y].to_numpy(), np.ones(len(d), bool))
        de = domain_estimates(des, d[y].to_numpy(), by)
        for i, g in enumerate(levels):
            for est in (byres[g], eng[i + 1], de[i]):
                close(est.estimate, ex[f"by_{g}_mean"], 1e-8)
                close(est.se, ex[f"by_{g}_se"], 1e-8)
        if "by_cov_1_2" in ex:
            close(de.cov[0, 1], ex["by_cov_1_2"], 1e-8)
