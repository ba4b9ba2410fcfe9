"""The one result type (analysis.result.Estimate): variance kept, intervals at any level on demand."""

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.compare import contrast, domain_estimates
from analysis.domains import make_engine
from analysis.estimators import svymean, svyprop, svytotal
from analysis.indicators import Grouping, ItemSpec, compute_indicators, stat_record
from analysis.result import JSON_FIELDS, Estimate

RNG = np.random.default_rng(7)
N = 300
DATA = pd.DataFrame({
    "y": RNG.normal(50, 10, N), "b": (RNG.random(N) < 0.3).astype(float),
    "w": RNG.uniform(1, 5, N), "st": np.repeat([1, 2, 3], N // 3), "psu": np.arange(N) // 6,
    "g": RNG.integers(0, 4, N),
})
DES = Design.from_frame(DATA, weights="w", strata="st", psu="psu")


@pytest.mark.parametrize("level", [0.8, 0.9, 0.99])
def test_confint_at_any_level_equals_estimate_made_at_that_level(level):
    for make in (lambda c: svymean(DES, DATA.y, confidence=c), lambda c: svytotal(DES, DATA.y, confidence=c),
                 lambda c: svyprop(DES, DATA.b, ci_method="clopper-pearson", confidence=c),
                 lambda c: svyprop(DES, DATA.b, ci_method="logit", confidence=c)):
        e95, e_lvl = make(0.95), make(level)
        lo, hi = e95.confint(level)
        assert (lo, hi) == pytest.approx((e_lvl.ci_low, e_lvl.ci_high), rel=1e-13)
        assert e95.with_confidence(level).ci_low == pytest.approx(e_lvl.ci_low, rel=1e-13)
        # the default-level interval is unchanged by asking for another
        assert e95.confint() == (e95.ci_low, e95.ci_high)


def test_wald_interval_by_hand_and_df_override():
    from scipy import stats

    e = svymean(DES, DATA.y)
    t = stats.t.ppf(0.95, e.df)
    assert e.confint(0.9) == pytest.approx((e.estimate - t * e.se, e.estimate + t * e.se), rel=1e-14)
    z = stats.norm.ppf(0.975)
    assert e.confint(df=float("inf")) == pytest.approx((e.estimate - z * e.se, e.estimate + z * e.se), rel=1e-14)
    assert e.coef() == pytest.approx([e.estimate]) and e.SE() == pytest.approx([e.se])
    assert e.vcov() == pytest.approx(np.array([[e.se ** 2]]))


def test_json_record_fields_unchanged():
    e = svyprop(DES, DATA.b, var="b", levels=["1"])
    assert list(e.to_dict()) == list(JSON_FIELDS)
    assert e.to_dict()["ci_method"] == "logit"


def test_vector_estimate_slices_and_iterates():
    eng = make_engine(DES, [(DATA.g.to_numpy(), 4)])
    v = eng.means(DATA.y.to_numpy(), np.ones(N, bool), confidence=0.9)
    assert len(v) == 5
    parts = list(v)
    assert all(p.is_scalar for p in parts)
    # element i of the vector = the vector's arrays at i; intervals too (computed once for the vector)
    for i, p in enumerate(parts):
        assert p.estimate == v.estimate[i] and p.se == pytest.approx(v.se[i]) and p.ci_low == v.ci_low[i]
    tail = v[1:]
    assert len(tail) == 4 and tail.estimate == pytest.approx(v.estimate[1:])
    # a domain mean of the vector equals svymean on the domain design
    dom = svymean(DES.subset(DATA.g.to_numpy() == 2), DATA.y, confidence=0.9)
    assert v[3].estimate == pytest.approx(dom.estimate, rel=1e-12)
    assert v[3].ci_high == pytest.approx(dom.ci_high, rel=1e-12)
    assert v[3].confint(0.5) == pytest.approx(dom.confint(0.5), rel=1e-12)
    frame = v.to_frame()
    assert list(frame.columns[:6]) == ["label", "estimate", "se", "ci_low", "ci_high", "n"]


def test_domain_estimates_keep_covariance_and_contrast():
    de = domain_estimates(DES, DATA.y.to_numpy(), DATA.g.to_numpy())
    assert de.vcov().shape == (4, 4) and de.cov[0, 1] != 0
    c1 = contrast(de, coef=[1, -1, 0, 0])
    c2 = contrast(de.estimate, de.cov, [1, -1, 0, 0], df=float(np.min(de.df)))
    assert c1.estimate == pytest.approx(c2.estimate) and c1.se == pytest.approx(c2.se) and c1.p == pytest.approx(c2.p)
    sub = de[[0, 2]]
    assert sub.vcov() == pytest.approx(de.cov[np.ix_([0, 2], [0, 2])])


def test_indicator_records_keep_interval_on_demand():
    codes = DATA.g.to_numpy().astype(float) + 1
    it = ItemSpec("q", "Q", "ind", "satisfaction", positive=(3.0, 4.0), target=0.4)
    res = compute_indicators(DES, {"q": codes}, [it], groupings=[Grouping("st", DATA.st.to_numpy() - 1, ["a", "b", "c"])])
    rate = res.items["q"]["rate"]
    assert isinstance(rate, Estimate) and len(rate) == 4
    rec = stat_record(rate[0])
    assert rec["target"] == 0.4 and rec["verdict"] in ("达标", "未达标", "无显著差异")
    lo, hi = rate[0].confint(0.5)
    assert rate[0].ci_low < lo < rate[0].estimate < hi < rate[0].ci_high
