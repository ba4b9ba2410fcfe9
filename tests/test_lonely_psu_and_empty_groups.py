"""A stratum with a single PSU is said in the design sentence, with how it enters the variance.

The project path (``survey analyze``/``report``) builds its design with ``lonely_psu: certainty`` by default where
R's default is to fail: the design sentence must say when that choice acted (a stratum adding no variance), so the
difference from R is never silent."""

import numpy as np
import pandas as pd
import pytest

from analysis.design_spec import DesignSpec, describe


def _frame(lonely: bool, complete: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    st = np.repeat([1, 2, 3], 40)
    psu = np.tile(np.repeat([1, 2, 3, 4], 10), 3)
    if lonely:
        psu[st == 3] = 1  # stratum 3: one PSU
    d = pd.DataFrame({"h": st, "c": psu, "y": rng.normal(size=st.size)})
    if complete:
        d["f"] = np.where(st == 3, 1.0, 0.1)  # stratum 3 sampled completely: a certainty stratum, not "lonely"
    return d


@pytest.mark.parametrize("mode,words", [("certainty", "按确定单元处理，不计入方差"), ("adjust", "其方差以全样本均值为中心计算"),
                                        ("average", "其方差取其余各层的平均"), ("remove", "不计入方差")])
def test_a_stratum_with_one_psu_is_said_with_its_rule(mode, words):
    d = DesignSpec.from_mapping({"strata": "h", "psu": "c", "lonely_psu": mode}).build(_frame(True))
    assert d.lonely_strata().tolist() == [2]
    text = describe(d)
    assert f"1 个层仅有 1 个初级抽样单元，{words}（lonely_psu: {mode}" in text["description"]
    assert "1 stratum has a single PSU" in text["description_en"]


def test_the_project_default_certainty_is_said():
    d = DesignSpec.from_mapping({"strata": "h", "psu": "c"}, default_lonely="certainty").build(_frame(True))
    assert "lonely_psu: certainty" in describe(d)["description"]


@pytest.mark.parametrize("frame", [_frame(False), _frame(True, complete=True)], ids=["none", "complete-stratum"])
def test_no_lonely_sentence_without_a_lonely_stratum(frame):
    spec = {"strata": "h", "psu": "c", "lonely_psu": "certainty"}
    if "f" in frame:
        spec["fpc"] = "f"
    d = DesignSpec.from_mapping(spec).build(frame)
    assert d.lonely_strata().size == 0
    assert "初级抽样单元，" not in describe(d)["description"] and "single PSU" not in describe(d)["description_en"]


def test_interval_methods_of_an_empty_group_warn_nothing():
    """A group without answers (n = 0, p and se NaN or 0) gives a NaN interval and no NumPy RuntimeWarning on the
    user's terminal (``survey analyze --ci wilson --df inf --by site --by district`` printed "divide by zero")."""
    import warnings

    from analysis.ci import CI_METHODS, proportion_ci

    p, se, n = np.array([0.0, 0.4]), np.array([0.0, 0.05]), np.array([0.0, 100.0])
    for method in CI_METHODS:
        if method == "likelihood":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            lo, hi = proportion_ci(p, se, n, np.inf, method)
        assert np.isfinite(lo[1]) and np.isfinite(hi[1]), method
