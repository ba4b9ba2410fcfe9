"""The fast domain engine (analysis/domains.py) under R's lonely-PSU options, and on calibrated designs.

Expected values: tests/golden/r_designs_expected.csv (tests/golden/r_designs.R: R ``svymean``,
``svyby`` and ``subset`` under ``options(survey.lonely.psu=...)``), to 1e-8 relative; where R
has no row for a case, :func:`analysis.estimators.svymean` on ``Design.subset`` (itself checked
against the same R file in tests/test_designs_r_golden.py).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design, DesignError
from analysis.domains import code_values, make_engine
from analysis.estimators import svymean, svyprop
from analysis.indicators import Grouping, ItemSpec, compute_indicators
from analysis.weighting import CalibratedDesign, rake

GOLDEN = Path(__file__).parent / "golden"
DATA = pd.read_csv(GOLDEN / "r_designs_data.csv")
EXPECTED = pd.read_csv(GOLDEN / "r_designs_expected.csv", dtype={"value": str})
LONELY = {
    "L1": dict(psu="psu", strata="st_lonely", weights="w"),
    "L2fpc": dict(psu="psu", strata="st_lonely2", weights="w", fpc="Npsu_l2"),
    "L2": dict(psu="psu", strata="st_lonely2", weights="w"),
    "Lunit": dict(strata="st_unit_lonely", weights="wunit"),
}
OPTS = ["certainty", "adjust", "average", "remove"]
G_CODES, G_LABELS = pd.factorize(DATA.g, sort=True)
Y = DATA.y.to_numpy(float)
B = DATA.b.to_numpy(float)
ALL = np.ones(len(DATA), dtype=bool)


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    assert len(e), case
    return {q: (float(v) if q != "error" else v) for q, v in zip(e.quantity, e.value)}


def close(a, b, rel=1e-8):
    assert a == pytest.approx(b, rel=rel, abs=rel * 1e-3), (a, b)


def engine(des):
    return make_engine(des, [(G_CODES, len(G_LABELS))])


@pytest.mark.parametrize("case", list(LONELY))
@pytest.mark.parametrize("opt", OPTS)
def test_engine_matches_r_for_every_lonely_option(case, opt):
    ex = expected(f"{case}_{opt}")
    des = Design.from_frame(DATA, lonely_psu=opt, **LONELY[case])
    eng = engine(des)
    # row route (means) and coded route (tabulate + estimate) — both must give R's numbers
    m = eng.means(Y, ALL)
    codes, vals = code_values(Y)
    tab = eng.tabulate(codes, len(vals))
    mc, _, _ = eng.estimate(tab, np.isfinite(vals).astype(float), np.nan_to_num(vals))
    for g in (m, mc):
        close(g.estimate[0], ex["mean_y"])
        close(g.se[0], ex["mean_y_se"])
        close(g.deff[0], ex["mean_y_deff"])
        for j, lab in enumerate(G_LABELS):
            close(g.se[1 + j], ex[f"by_{lab}_mean_y_se"])
        close(g.se[1 + list(G_LABELS).index("a")], ex["dom_a_mean_y_se"])
    p = eng.means(B, ALL, proportion=True, ci_method="clopper-pearson")
    close(p.se[0], ex["prop_b_se"])
    close(p.ci_low[0], ex["prop_b_beta_ci_low"], 1e-6)
    close(p.ci_high[0], ex["prop_b_beta_ci_high"], 1e-6)
    bc, bv = code_values(B)
    pc, _, _ = eng.estimate(eng.tabulate(bc, len(bv)), np.isfinite(bv).astype(float), (bv == 1).astype(float),
                            proportion=True, ci_method="clopper-pearson")
    close(pc.se[0], ex["prop_b_se"])
    close(pc.ci_low[0], ex["prop_b_beta_ci_low"], 1e-6)


@pytest.mark.parametrize("case", list(LONELY))
def test_engine_fail_names_the_stratum_r_names(case):
    r_msg = expected(f"{case}_fail")["error"]
    r_stratum = r_msg.split("(")[1].split(")")[0]
    des = Design.from_frame(DATA, **LONELY[case])
    eng = engine(des)  # building the engine never fails; estimating a domain holding the stratum does
    with pytest.raises(DesignError, match="only one PSU") as err:
        eng.means(Y, ALL)
    named = str(err.value).split("stratum ")[1].split(" has")[0].split(", ")
    assert r_stratum in named
    if case == "L2fpc":  # stratum 5 is a certainty stratum (fpc = its 1 PSU): never lonely, as R
        assert named == ["6"]


def test_engine_fail_ignores_a_lonely_stratum_outside_the_domain():
    # R: svymean(~y, subset(des, g == 'b')) under 'fail' (the lonely stratum 9 holds one row of g 'a')
    ex = expected("Lunit_fail")
    eng = make_engine(Design.from_frame(DATA, **LONELY["Lunit"]))
    g = eng.means(Y, (DATA.g == "b").to_numpy())
    close(g.se[0], ex["dom_b_mean_y_se"])


def test_engine_fail_with_only_certainty_strata_gives_an_se():
    # stratum 5 alone is lonely and completely sampled (fpc 1 PSU): no error in R nor in Design
    d = DATA.assign(st5=np.where(DATA.st_lonely2 == 6, 3, DATA.st_lonely2))
    d["N5"] = np.where(d.st5 == 5, 1, d.Npsu)
    des = Design.from_frame(d, psu="psu", strata="st5", weights="w", fpc="N5")
    eng = engine(des)
    m = eng.means(Y, ALL)
    close(m.se[0], svymean(des, Y).se)
    for j, lab in enumerate(G_LABELS):
        close(m.se[1 + j], svymean(des.subset((d.g == lab).to_numpy()), Y).se)


@pytest.mark.parametrize("case", list(LONELY))
@pytest.mark.parametrize("opt", OPTS)
def test_engine_equals_subset_estimators_with_partial_domains(case, opt):
    # two groupings (g, and a split of the PSUs) and items missing for some rows: every group's
    # SE equals svymean/svyprop on Design.subset (which matches R, tests/test_designs_r_golden.py)
    des = Design.from_frame(DATA, lonely_psu=opt, **LONELY[case])
    half = (DATA.psu.to_numpy() % 2).astype(np.int64)
    eng = make_engine(des, [(G_CODES, len(G_LABELS)), (half, 2)])
    valid = (DATA.x > 2.6).to_numpy()
    m = eng.means(Y, valid)
    p = eng.means(B, valid, proportion=True)
    masks = [ALL] + [G_CODES == j for j in range(len(G_LABELS))] + [half == j for j in range(2)]
    for i, mask in enumerate(masks):
        sub = des.subset(mask)
        close(m.se[i], svymean(sub, Y, valid=valid).se)
        close(p.se[i], svyprop(sub, B == 1, valid=valid).se)
        assert m.df[i] == svymean(sub, Y, valid=valid).df


@pytest.mark.parametrize("opt", ["adjust", "average", "certainty"])
def test_indicator_aggregate_uses_the_lonely_rules(opt):
    # a two-item indicator: its SE is the variance of the mean of the two items' influence values
    # over the rows valid for either item (Design.variance with that domain)
    des = Design.from_frame(DATA, lonely_psu=opt, **LONELY["L2fpc"])
    x1 = np.where(DATA.x > 4.4, np.nan, DATA.b.to_numpy(float))
    x2 = DATA.b2.to_numpy(float)
    items = [ItemSpec("i1", "i1", "ind", "support", (1,), (), None),
             ItemSpec("i2", "i2", "ind", "support", (1,), (), None)]
    res = compute_indicators(des, {"i1": x1, "i2": x2}, items, [],
                             [Grouping("g", G_CODES, [str(v) for v in G_LABELS])])
    for i, mask in enumerate([ALL] + [G_CODES == j for j in range(len(G_LABELS))]):
        zs, valids = [], []
        for x in (x1, x2):
            v = np.isfinite(x) & mask
            w = np.where(v, des.weights, 0.0)
            est = (w * np.nan_to_num(x)).sum() / w.sum()
            zs.append(np.where(v, w * (np.nan_to_num(x) - est) / w.sum(), 0.0))
            valids.append(v)
        z = (zs[0] + zs[1]) / 2
        ref = np.sqrt(des.variance(z, present=valids[0] | valids[1])[0, 0])
        close(res.indicators["ind"]["rate"][i].se, ref)


def _raked():
    des = Design.from_frame(DATA, psu="psu", strata="st", weights="w")
    n_g = DATA.g.value_counts()
    margins = {"g": {k: 1000.0 * v / len(DATA) for k, v in n_g.items()},
               "b": {0: 600.0, 1: 400.0}}
    return rake(des, margins, epsilon=1e-10, maxit=100)[0]


def test_engine_refuses_a_calibrated_design():
    cal = _raked()
    assert isinstance(cal, CalibratedDesign) and cal.calibration
    with pytest.raises(DesignError, match="calibrated"):
        engine(cal)


def test_with_weights_drops_the_calibration():
    cal = _raked()
    plain = cal.with_weights(cal.weights * 2)
    assert type(plain) is Design and not getattr(plain, "calibration", ())
    # the plain design's SE is the fixed-weight SE of the same weights (no residual adjustment) ...
    fixed = Design.from_frame(DATA, psu="psu", strata="st", weights=cal.weights * 2)
    close(svymean(plain, Y).se, svymean(fixed, Y).se, 1e-12)
    # ... which differs from the calibrated SE; and the engine accepts it
    assert abs(svymean(cal, Y).se - svymean(plain, Y).se) > 1e-6
    close(engine(plain).means(Y, ALL).se[0], svymean(fixed, Y).se)
