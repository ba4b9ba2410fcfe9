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


def test_duckdb_engine_describes_repeated_psu_ids_and_lonely_strata_as_in_memory(tmp_path):
    """The SQL engine's design sentence said nothing of PSU ids repeated across strata (nested) nor of a stratum
    with one PSU; it now reads as the in-memory one (strata A5, PSUs A6 whose ids repeat in every stratum, and
    stratum 3 holding one PSU)."""
    import json
    import subprocess
    import sys

    import yaml

    from survey.qload import bundled_path

    def survey(*args):
        r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout

    csv, proj = tmp_path / "r.csv", tmp_path / "p"
    survey("simulate", str(bundled_path()), "--n", "400", "--seed", "3", "--out", str(csv))
    d = pd.read_csv(csv, dtype=str)
    d.loc[d["A5"] == "3", "A6"] = "1"
    d.to_csv(csv, index=False)
    survey("init", str(proj), "--questionnaire", str(bundled_path()))
    survey("import", str(proj), str(csv), "--wave", "w1")
    cfg = yaml.safe_load((proj / "minyi.yaml").read_text(encoding="utf-8"))
    cfg["design"] = {"weights": None, "strata": "A5", "psu": "A6", "fpc": None}
    (proj / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    mem = json.loads(survey("analyze", str(proj), "--json"))["meta"]["design"]
    sql = json.loads(survey("analyze", str(proj), "--engine", "duckdb", "--json"))["meta"]["design"]
    assert "各层初级抽样单元编号重复" in mem["description"] and "1 个层仅有 1 个初级抽样单元" in mem["description"]
    assert sql["description"] == mem["description"] and sql["description_en"] == mem["description_en"]


def test_a_weight_column_written_as_a_list_of_one_is_that_column():
    """minyi.yaml may write `weights: [w]`; it crashed the in-memory engine ("unhashable type: 'list'")."""
    frame = _frame(False).assign(w=2.0)
    a = DesignSpec.from_mapping({"weights": ["w"], "strata": ["h"], "psu": "c"}).build(frame)
    b = DesignSpec.from_mapping({"weights": "w", "strata": "h", "psu": "c"}).build(frame)
    assert a.spec["weights"] == "w" and a.spec["strata"] == "h" and np.array_equal(a.weights, b.weights)


def test_a_design_block_that_cannot_be_read_is_named_with_its_file(tmp_path):
    """Two weight columns, or an unknown design key, gave "error: ..." without the minyi.yaml it came from."""
    from survey.design_columns import check_design_columns
    from survey.errors import MinyiError

    for design, words in (({"weights": ["w", "v"]}, "weights names one column, not 2"),
                          ({"weights": "w", "bogus": 1}, "unknown key 'bogus' in design")):
        with pytest.raises(MinyiError) as e:
            check_design_columns(design, ["w", "v"], config=str(tmp_path / "minyi.yaml"), source="the responses",
                                 fallback="")
        assert str(tmp_path / "minyi.yaml") in str(e.value) and words in str(e.value)
