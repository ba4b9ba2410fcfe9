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
from analysis.weighting import CalibratedDesign, poststratify, rake

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


def test_with_weights_drops_the_calibration():
    cal = _raked()
    assert isinstance(cal, CalibratedDesign) and cal.calibration
    plain = cal.with_weights(cal.weights * 2)
    assert type(plain) is Design and not getattr(plain, "calibration", ())
    # the plain design's SE is the fixed-weight SE of the same weights (no residual adjustment) ...
    fixed = Design.from_frame(DATA, psu="psu", strata="st", weights=cal.weights * 2)
    close(svymean(plain, Y).se, svymean(fixed, Y).se, 1e-12)
    # ... which differs from the calibrated SE; the engine gives each its own
    assert abs(svymean(cal, Y).se - svymean(plain, Y).se) > 1e-6
    close(engine(plain).means(Y, ALL).se[0], svymean(fixed, Y).se)
    close(engine(cal).means(Y, ALL).se[0], svymean(cal, Y).se)


# ----------------------------------------------------------------------------- calibrated designs vs R
WDATA = pd.read_csv(GOLDEN / "r_weighting_data.csv")
CEXP = pd.read_csv(GOLDEN / "r_domains_calibrated_expected.csv", dtype={"value": float})
BASE = {"srs": dict(weights="w"), "strat_clus": dict(weights="w", strata="st", psu="psu"),
        "strat_clus_fpc": dict(weights="w", strata="st", psu="psu", fpc="Npsu")}
POP = {"sex": {"F": 10400, "M": 9600}, "age": {"18-34": 6000, "35-54": 8400, "55+": 5600},
       "region": {"north": 9000, "south": 7000, "west": 4000}}


def _calibrated(base, cal):
    des = Design.from_frame(WDATA, **BASE[base])
    if cal == "rake2":
        return rake(des, {"sex": POP["sex"], "age": POP["age"]}, maxit=200, epsilon=1e-12)[0]
    return poststratify(des, {"region": POP["region"]})[0]


@pytest.mark.parametrize("base", list(BASE))
@pytest.mark.parametrize("cal", ["rake2", "ps_region"])
def test_engine_on_calibrated_designs_matches_r(base, cal):
    ex = {q: v for q, v in zip(CEXP[CEXP.case == f"{base}_{cal}"].quantity, CEXP[CEXP.case == f"{base}_{cal}"].value)}
    assert ex
    des = _calibrated(base, cal)
    assert isinstance(des, CalibratedDesign)
    groupings, labels = [], []
    for g in ("age", "region"):
        codes, labs = pd.factorize(WDATA[g], sort=True)
        groupings.append((codes, len(labs)))
        labels += [f"{g}={lab}" for lab in labs]
    eng = make_engine(des, groupings)
    y, b = WDATA.y.to_numpy(float), WDATA.b.to_numpy(float)
    all_rows = np.ones(len(WDATA), dtype=bool)
    m = eng.means(y, all_rows)
    codes, vals = code_values(y)
    mc, _, _ = eng.estimate(eng.tabulate(codes, len(vals)), np.isfinite(vals).astype(float), np.nan_to_num(vals))
    for g in (m, mc):
        close(g.estimate[0], ex["all_mean_y"])
        close(g.se[0], ex["all_mean_y_se"])
        close(g.deff[0], ex["all_mean_y_deff"])
        for i, lab in enumerate(labels):
            close(g.estimate[1 + i], ex[f"{lab}_mean_y"])
            close(g.se[1 + i], ex[f"{lab}_mean_y_se"])
    # a yes/no item as the indicators compute it (coded table, logit interval)
    items = [ItemSpec("b", "b", "ind", "support", (1,), (), None), ItemSpec("c", "c", "ind", "support", (1,), (), None),
             ItemSpec("bv", "bv", "indv", "support", (1,), (), None)]
    cols = {"b": b, "c": (WDATA.y > 55).to_numpy(float), "bv": np.where(WDATA.y > 45, b, np.nan)}
    res = compute_indicators(des, cols, items, [], [Grouping(g, c, [lab.split("=")[1] for lab in labels if lab.startswith(g)])
                                                    for g, (c, _) in zip(("age", "region"), groupings)],
                             ci_method="logit")
    rb = res.items["b"]["rate"]
    close(rb[0].estimate, ex["all_prop_b"])
    close(rb[0].se, ex["all_prop_b_se"])
    close(rb[0].ci_low, ex["all_prop_b_ci_low"], 1e-6)
    close(rb[0].ci_high, ex["all_prop_b_ci_high"], 1e-6)
    for i, lab in enumerate(labels):
        close(rb[1 + i].estimate, ex[f"{lab}_mean_b"])
        close(rb[1 + i].se, ex[f"{lab}_mean_b_se"])
    # an item answered by some rows only (domain = answered rows), by age
    rv = res.items["bv"]["rate"]
    close(rv[0].se, ex["all_valid_mean_b_se"])
    for i, lab in enumerate(labels[:3]):
        close(rv[1 + i].se, ex[f"{lab}_valid_mean_b_se"])
    # a two-item indicator: R svycontrast(svymean(~b + c, des), c(0.5, 0.5))
    ind = res.indicators["ind"]["rate"]
    close(ind[0].estimate, ex["all_ind_bc"])
    close(ind[0].se, ex["all_ind_bc_se"])
    for i, lab in enumerate(labels[:3]):
        close(ind[1 + i].se, ex[f"{lab}_ind_bc_se"])


def test_multiple_choice_on_a_calibrated_design_equals_subset_estimators():
    # % of respondents (coded tables sharing row counts) on a raked design: each option's share
    # equals svyprop on the calibrated design's domain (R-validated above and in test_weighting_r_golden)
    from analysis.multiple import multiple_choice

    des = _calibrated("strat_clus", "rake2")
    rng = np.random.default_rng(3)
    n = len(WDATA)
    sel = (rng.random((n, 3)) < [0.5, 0.3, 0.2]).astype(float)
    asked = WDATA.y.to_numpy() > 40
    sel[~asked] = np.nan
    codes, labs = pd.factorize(WDATA.age, sort=True)
    res = multiple_choice(des, sel, [1, 2, 3], ["x", "y", "z"], groupings=[Grouping("age", codes, list(labs))],
                          asked=asked)
    masks = [np.ones(n, dtype=bool)] + [codes == j for j in range(len(labs))]
    for j, opt in enumerate(res.options):
        for gi, mask in enumerate(masks):
            ref = svyprop(des.subset(mask), sel[:, j] == 1, valid=asked)
            close(opt.stats["respondents"][gi].se, ref.se)
            close(opt.stats["respondents"][gi].estimate, ref.estimate)


def test_trim_weights_keeps_the_calibration_as_r_trimweights():
    # R trimWeights() only replaces design$prob: postStrata stay (unlike a design on new weights)
    from analysis.weighting import trim_weights

    cal = _calibrated("strat_clus", "rake2")
    trimmed = trim_weights(cal, upper=float(np.quantile(cal.weights, 0.9)))
    assert isinstance(trimmed, CalibratedDesign) and trimmed.calibration == cal.calibration
