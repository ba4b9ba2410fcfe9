"""The documented Python API (docs/python-api.md) as a methodologist used to R's `survey` package uses it in a
notebook: bad arguments give one clear DesignError (a ValueError) naming the argument, never a numpy/pandas
error or a silent NaN; results print readably; a name given to an estimator labels its result; public
functions carry type hints and docstrings.  Expected values are computed here from the data (pandas), not
copied from minyi's output."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

import minyi
from analysis.design import DesignError


def _data(seed: int = 5) -> pd.DataFrame:
    """A stratified cluster sample: 4 strata, 4–7 PSUs each, 3–8 rows per PSU; PSU ids repeat across strata."""
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(1, 5):
        for p in range(1, 4 + h):
            for _ in range(int(rng.integers(3, 9))):
                rows.append(dict(h=h, psu=p, w=rng.uniform(1, 6) * h, y=rng.normal(10 + h, 3) + p * 0.3,
                                 x=rng.uniform(1, 3), b=int(rng.random() < 0.3 + 0.05 * h),
                                 g=str(rng.choice(["a", "b", "c"]))))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return _data()


@pytest.fixture(scope="module")
def des(data):
    return minyi.design(data, weights="w", strata="h", psu="psu")


# ----------------------------------------------------------------------------- confidence levels
def test_a_percentage_as_confidence_is_refused_by_name(des):
    """confidence=95 printed "9500% CI [nan, nan]" from svymean (svyprop refused it); confint(95) said
    "confidence" for an argument called level."""
    for fn, arg in ((minyi.svymean, "y"), (minyi.svytotal, "y"), (minyi.svyprop, "b")):
        with pytest.raises(DesignError, match=r"confidence must be between 0 and 1 \(0\.95 for a 95 % interval\), "
                                              r"not 95"):
            fn(des, arg, confidence=95)
    with pytest.raises(DesignError, match="confidence must be between"):
        minyi.svyratio(des, "y", "x", confidence=95)
    with pytest.raises(DesignError, match="confidence must be between"):
        minyi.svyquantile(des, "y", 0.5, confidence=95)
    with pytest.raises(DesignError, match=r"^level must be between 0 and 1 .* not 95$"):
        minyi.svymean(des, "y").confint(95)
    with pytest.raises(DesignError, match="level must be between"):
        minyi.svymean(des, "y").confint("95%")
    assert minyi.svymean(des, "y", confidence=0.9).confidence == 0.9


# ----------------------------------------------------------------------------- values that are not numbers
def test_text_in_a_numeric_column_is_named_not_dropped(data):
    """'n/a' in a column of numbers was coerced to missing: the mean silently left that row out."""
    d = data.assign(ymix=data["y"].astype(object))
    d.loc[5, "ymix"] = "n/a"
    des = minyi.design(d, weights="w", strata="h", psu="psu")
    with pytest.raises(DesignError, match=r"column 'ymix' row 5 \(0-based\): value 'n/a' is not a number "
                                          r"\(1 row like it\)"):
        minyi.svymean(des, "ymix")
    with pytest.raises(DesignError, match="column 'g' row 0 .* is not a number"):
        minyi.svymean(des, "g")
    # blank text and None are empty cells: they leave the base, as NaN does
    d.loc[5, "ymix"] = " "
    d.loc[6, "ymix"] = None
    des = minyi.design(d, weights="w", strata="h", psu="psu")
    e = minyi.svymean(des, "ymix")
    keep = ~d.index.isin([5, 6])
    assert e.n == int(keep.sum())
    assert e.estimate == pytest.approx(float(np.average(d.loc[keep, "y"], weights=d.loc[keep, "w"])), rel=1e-12)


def test_svyprop_refuses_a_variable_that_is_not_0_1(des, data):
    """svyprop of a numeric variable returned its mean (about 14) as a "share" with the interval [nan, 1]."""
    with pytest.raises(DesignError, match=r"svyprop needs a 0/1 \(True/False\) indicator, but 'y' row 0"):
        minyi.svyprop(des, "y")
    p = minyi.svyprop(des, data["g"] == "a")
    w = data["w"]
    assert p.estimate == pytest.approx(float(w[data["g"] == "a"].sum() / w.sum()), rel=1e-12)


@pytest.mark.parametrize("bad", ["median", None, float("nan"), 50, []])
def test_quantiles_that_are_not_probabilities_are_refused(des, bad):
    """None gave a quantile labelled "qnan" with a NaN interval bound; "median" a numpy conversion error."""
    with pytest.raises(DesignError, match=r"quantiles must be probabilities between 0 and 1 \(0\.5 for the median\)"):
        minyi.svyquantile(des, "y", bad)


def test_several_column_names_ask_for_one(des):
    with pytest.raises(DesignError, match=r"one variable at a time: give one column name, not 2 \(y, x\)"):
        minyi.svymean(des, ["y", "x"])


def test_an_empty_domain_names_the_variable(des, data):
    with pytest.raises(DesignError, match="no valid rows to estimate 'y' from: every row of the domain"):
        minyi.svymean(des, "y", valid=(data["g"] == "zzz").to_numpy())
    with pytest.raises(DesignError, match="no valid rows to estimate 'y' from"):
        minyi.svyquantile(des.subset(np.zeros(len(data), dtype=bool)), "y", 0.5)


# ----------------------------------------------------------------------------- design arguments
@pytest.mark.parametrize("key", ["weights", "strata", "psu", "fpc"])
def test_values_given_for_a_design_column_are_refused_by_name(data, key):
    """weights=df["w"] (a Series) raised numpy's "truth value of an array is ambiguous"; a list of weights
    printed all 106 numbers; psu=Series looked each value up as a column name."""
    col = {"weights": "w", "strata": "h", "psu": "psu", "fpc": "w"}[key]
    for values in (data[col], data[col].to_numpy(), list(data[col])):
        with pytest.raises(DesignError, match=f"^{key} names column\\(s\\) of the data, not values \\(got a "
                                              f"{type(values).__name__} of {len(data)}\\)"):
            minyi.design(data, **{key: values})


def test_an_unknown_design_argument_suggests_the_name(data):
    with pytest.raises(DesignError, match=r"unknown design argument 'stratum' \(did you mean 'strata'\?\)"):
        minyi.design(data, stratum="h")


def test_design_messages_print_plain_numbers(data):
    """numpy 2 printed "value np.float64(-1.0)" and "population size np.int64(2)" in messages."""
    d = data.copy()
    d.loc[3, "w"] = -1.0
    with pytest.raises(DesignError, match=r"weight column 'w' line 5: -1 is negative; a weight must be 0 or more") as e:
        minyi.design(d, weights="w")
    assert "np." not in str(e.value)
    with pytest.raises(DesignError, match=r"population size 2 is smaller than the \d+ PSUs") as e:
        minyi.design(data.assign(N=2), strata="h", psu="psu", fpc="N")
    assert "np." not in str(e.value)


def test_replicate_scales_of_the_wrong_length_are_named(data):
    d = data.assign(**{f"rw{k}": data["w"] * (1 + 0.1 * k) for k in range(1, 6)})
    with pytest.raises(DesignError, match="rscales has 2 values for 5 replicate weight columns"):
        minyi.design(d, weights="w", repweights="rw[0-9]+", rep_type="JK1", rscales=[1, 2])


# ----------------------------------------------------------------------------- comparisons
def test_domain_estimates_name_a_missing_group_column_and_take_column_names(des, data):
    with pytest.raises(DesignError, match="group column 'gg' is not in the data"):
        minyi.domain_estimates(des, "y", "gg")
    by_name = minyi.domain_estimates(des, "y", "g")
    by_value = minyi.domain_estimates(des, data["y"].to_numpy(), "g")
    assert np.array_equal(by_name.coef(), by_value.coef())
    diff = minyi.domain_difference(des, "y", data["g"] == "a", data["g"] == "b")
    assert diff.estimate == pytest.approx(by_value.coef()[0] - by_value.coef()[1], abs=1e-12)


def test_contrast_coefficients_of_the_wrong_length_are_named(des, data):
    shares = minyi.domain_estimates(des, data["y"].to_numpy(), "g")
    with pytest.raises(DesignError, match=r"contrast coef has 2 values for 3 estimates \(a, b, c\)"):
        minyi.contrast(shares, coef=[1, -1])


def _degf(frame: pd.DataFrame) -> int:
    """R degf of a domain: distinct (stratum, PSU) pairs minus distinct strata among its rows."""
    return len(frame[["h", "psu"]].drop_duplicates()) - frame["h"].nunique()


def test_a_contrast_takes_its_df_from_the_domains_it_compares():
    """contrast(shares, coef=[1, -1, 0]) took the smallest df of every domain, also of one whose coefficient
    is 0 (here domain c, in one stratum only)."""
    d = _data(11)
    d.loc[d["h"] > 1, "g"] = np.where(d.loc[d["h"] > 1, "g"] == "c", "a", d.loc[d["h"] > 1, "g"])
    des = minyi.design(d, weights="w", strata="h", psu="psu")
    shares = minyi.domain_estimates(des, d["y"].to_numpy(), "g")
    assert shares.labels == ["a", "b", "c"]
    dfs = {g: _degf(d[d["g"] == g]) for g in "abc"}
    assert dfs["c"] < min(dfs["a"], dfs["b"])
    ab = minyi.contrast(shares, coef=[1, -1, 0])
    assert ab.df == min(dfs["a"], dfs["b"])
    assert minyi.contrast(shares, coef=[1, 0, -1]).df == min(dfs["a"], dfs["c"])
    assert minyi.contrast(shares, coef=[1, -1, 0], df=7).df == 7


# ----------------------------------------------------------------------------- results print readably
def test_a_vector_estimate_prints_every_element_with_se_and_interval(des, data):
    """A vector printed "Estimate(vector of 3: [14.86 14.64 14.62])": no labels, SEs or intervals."""
    shares = minyi.domain_estimates(des, data["y"].to_numpy(), "g")
    text = repr(shares)
    lines = text.splitlines()
    assert lines[0] == "Estimate(y: vector of 3)" and "95% CI" in lines[1] and len(lines) == 5
    for line, label, e in zip(lines[2:], "abc", shares):
        assert line.split()[0] == label
        assert f"{e.se:.4g}" in line and f"[{e.ci_low:.6g}, {e.ci_high:.6g}]" in line and f" {e.n} " in line
    long = minyi.svyquantile(des, "y", np.linspace(0.02, 0.98, 49))
    text = repr(long)
    assert "9 rows not shown" in text.splitlines()[0] and "..." in text and len(text.splitlines()) == 2 + 40 + 1


def test_a_crosstab_prints_its_shares_and_test_not_its_covariance(des, data):
    """print(crosstab) dumped every cell field and two covariance matrices (about 200 lines)."""
    ct = minyi.crosstab(des, "g", "b")
    text = repr(ct)
    assert len(text.splitlines()) <= 8 and "covariance" not in text
    assert f"p = {ct.test.p:.4g}" in text and "Rao-Scott F" in text
    share = float(data.loc[(data.g == "a") & (data.b == 1), "w"].sum() / data.loc[data.g == "a", "w"].sum())
    assert f"{100 * share:.1f}" in text


def test_an_estimate_is_labelled_with_the_column_it_estimates(des):
    """svymean(des, "x") was labelled "y" in its print and in tidy()."""
    assert minyi.svymean(des, "x").var == "x"
    assert minyi.svytotal(des, "x").var == "x"
    assert minyi.svyratio(des, "y", "x").var == "y/x" and minyi.svyratio(des, "x", "y").var == "x/y"
    assert minyi.svyquantile(des, "x", 0.5).var == "x"
    assert repr(minyi.svymean(des, "x")).startswith("Estimate(x: ")
    assert set(minyi.tidy(minyi.svyby(des, "g", minyi.svymean, "x"))["var"]) == {"x"}
    assert minyi.svymean(des, "x", var="income").var == "income"


# ----------------------------------------------------------------------------- weighting
def test_calibration_says_when_weights_turn_negative(des, data):
    """Linear calibration to a total far from the sample's gave weights down to about -100 without a word."""
    n_pop = 1000.0
    far = minyi.calibrate(des, {"(Intercept)": n_pop, "x": n_pop * 0.8})
    new, rep = far
    k = int(np.sum(new.weights < 0))
    assert k > 0 and len(rep.warnings) == 1 and rep.warnings[0].startswith(f"{k} row(s) have negative weights")
    near, rep2 = minyi.calibrate(des, {"(Intercept)": n_pop, "x": n_pop * float(np.average(data.x, weights=data.w))})
    assert np.all(near.weights > 0) and rep2.warnings == []


def test_weighting_reports_print_a_summary_and_their_margins(des, data):
    """The reports printed as one line of thousands of characters (every margin's full-precision floats)."""
    raked, report = minyi.rake(des, {"g": {"a": 300, "b": 300, "c": 400}})
    lines = repr(report).splitlines()
    kish = data["w"].sum() ** 2 / (data["w"] ** 2).sum()
    assert lines[0].startswith("WeightingReport(rake: converged in ") and "sum of weights 1,000" in lines[0]
    assert len(lines) == 1 + 1 + 3 and lines[2].split()[:3] == ["g", "a", "300"]
    assert f"{minyi.kish_n_eff(raked):,.1f}" in lines[0] and abs(minyi.kish_n_eff(raked) - kish) > 0.1
    _, crep = minyi.calibrate(des, {"(Intercept)": 1000.0, "x": 1000.0 * 0.8})
    text = repr(crep)
    assert text.startswith("CalibrationReport(linear: converged") and "\nwarning: " in text
    assert [ln.split()[0] for ln in text.splitlines()[2:4]] == ["(Intercept)", "x"]


def test_trimming_to_a_non_positive_bound_is_refused(des):
    """trim_weights(des, upper=-1) made every weight negative: a design with df 0 that no estimate can use."""
    with pytest.raises(DesignError, match="trim_weights needs 0 < upper and lower < upper"):
        minyi.trim_weights(des, upper=-1)
    with pytest.raises(DesignError, match="trim_weights needs"):
        minyi.trim_weights(des, upper=5, lower=6)
    assert minyi.trim_weights(des, upper=float(np.quantile(des.weights, 0.9))).weights.max() > 0


def test_margins_that_are_not_a_mapping_are_named(des):
    for bad in ([("g", {"a": 1})], pd.DataFrame({"g": ["a", "b", "c"], "Freq": [1, 2, 3]})):
        with pytest.raises(DesignError, match="margins map each variable to its population"):
            minyi.rake(des, bad)


def test_kish_effective_n_of_a_design(des, data):
    w = data["w"].to_numpy()
    assert minyi.kish_n_eff(des) == pytest.approx(w.sum() ** 2 / (w ** 2).sum(), rel=1e-12)


def test_describe_names_every_labelled_design_column_by_its_label(data):
    """describe() used the labels for strata and PSUs but printed the weight and fpc columns' raw ids."""
    des = minyi.design(data.assign(N=40), weights="w", strata="h", psu="psu", fpc="N")
    labels = {"w": ("最终权重", "final weight"), "N": ("各层总体单元数", "PSUs in the stratum"), "h": ("区县", "district")}
    words = minyi.describe(des, labels)
    assert "权重变量：最终权重" in words["description"] and "有限总体校正：各层总体单元数" in words["description"]
    assert "weights: final weight" in words["description_en"]
    assert "finite population correction: PSUs in the stratum" in words["description_en"]
    pps = minyi.design(data.assign(p=0.3), psu="psu", fpc="p", pps="brewer")
    assert "入样概率：入样概率列" in minyi.describe(pps, {"p": ("入样概率列", "inclusion probability")})["description"]


# ----------------------------------------------------------------------------- models
def test_model_formulas_with_an_empty_term_or_text_response_are_refused(des):
    """"y ~ x +" was fitted as "y ~ x"; a text response said "no rows with a positive weight"; no formula said
    "the response 'None'"."""
    with pytest.raises(DesignError, match=r"model formula 'y ~ x \+' has an empty response or term"):
        minyi.svyglm(des, "y ~ x +")
    with pytest.raises(DesignError, match="has an empty response or term"):
        minyi.svyglm(des, " ~ x")
    with pytest.raises(DesignError, match="column 'g' row 0 .* is not a number"):
        minyi.svyglm(des, "g ~ x")
    with pytest.raises(DesignError, match=r"give a model formula \('y ~ x1 \+ x2'\) or the response y="):
        minyi.svyglm(des)
    assert list(minyi.svyglm(des, "y ~ 1 + x").coefficients.labels) == ["(Intercept)", "x"]


# ----------------------------------------------------------------------------- projects
def test_analyze_by_one_name_is_that_grouping(tmp_path):
    """minyi.analyze(project, by="A6") iterated over the letters: "unknown grouping 'A'"."""
    root = tmp_path / "p"
    project = minyi.create_project(root, minyi.bundled_questionnaire())
    minyi.write_csv(minyi.simulate(project.questionnaire, 300, seed=3), tmp_path / "w.csv")
    project.import_file(tmp_path / "w.csv", wave="W1")
    one = minyi.analyze(minyi.open_project(root), by="A6")
    listed = minyi.analyze(minyi.open_project(root), by=["A6"])
    for res in (one, listed):  # each run's own time: a minute may turn between the two
        res["meta"].pop("generated_at")
    assert one["meta"] == listed["meta"] and one["league"] == listed["league"]


# ----------------------------------------------------------------------------- type hints and docstrings
def test_every_public_function_has_type_hints_and_a_docstring():
    missing = []
    for name in minyi.__all__:
        obj = getattr(minyi, name)
        if not inspect.isfunction(obj):
            continue
        sig = inspect.signature(obj)
        for p, v in sig.parameters.items():
            if v.kind not in (v.VAR_KEYWORD, v.VAR_POSITIONAL) and v.annotation is inspect.Parameter.empty:
                missing.append(f"{name}({p})")
        if sig.return_annotation is inspect.Signature.empty:
            missing.append(f"{name} -> ?")
        if len(inspect.getdoc(obj) or "") < 40:
            missing.append(f"{name}: docstring")
    assert missing == []


def test_df_that_is_not_a_number_is_refused_by_name(des):
    with pytest.raises(DesignError, match="df must be a number"):
        minyi.svymean(des, "y", df="x")
    with pytest.raises(DesignError, match="df must be a number"):
        minyi.svymean(des, "y").confint(0.9, df="x")
    assert np.isfinite(minyi.svymean(des, "y", df=float("inf")).ci_low)


@pytest.mark.parametrize("replicates", ["50", 1, 2.5, True])
def test_bootstrap_replicates_must_be_a_whole_number(des, replicates):
    with pytest.raises(DesignError, match="replicates must be a whole number"):
        minyi.as_svrepdesign(des, "bootstrap", replicates=replicates, seed=1)
