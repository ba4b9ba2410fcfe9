"""Cross-tabs against R's survey package (tests/golden/r_crosstab.R), plus properties.

Point estimates, SEs and test statistics: 1e-8 relative; interval bounds: 1e-6.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import Design
from analysis.crosstab import crosstab
from analysis.estimators import svyprop, svyratio

GOLDEN = Path(__file__).parent / "golden"
DATA = pd.read_csv(GOLDEN / "r_crosstab_data.csv", keep_default_na=True)
DATA["N150"] = 150
EXPECTED = pd.read_csv(GOLDEN / "r_crosstab_expected.csv", dtype={"value": float})
DESIGNS = {
    "strat_fpc": dict(strata="st", weights="wunit", fpc="Nunits"),
    "clus1": dict(psu="psu_id", weights="w"),
    "clus1_fpc": dict(psu="psu_id", weights="w", fpc="N150"),
    "strat_clus": dict(psu="psu", strata="st", weights="w"),
    "strat_clus_fpc": dict(psu="psu", strata="st", weights="w", fpc="Npsu"),
    "srs_w": dict(weights="w"),
    "srs_noweights": dict(),
}
METHOD = {"logit": "logit", "xlogit": "logit", "beta": "clopper-pearson", "mean": "wald"}


def expected(case):
    e = EXPECTED[EXPECTED.case == case]
    return dict(zip(e.quantity, e.value))


def close(a, b, rel):
    assert a == pytest.approx(b, rel=rel, abs=rel * 1e-3), (a, b)


def check_test(t, ex, tag):
    close(t.F, ex[f"{tag}_F"], 1e-8)
    close(t.df1, ex[f"{tag}_df1"], 1e-8)
    close(t.df2, ex[f"{tag}_df2"], 1e-8)
    close(t.p, ex[f"{tag}_p"], 1e-8)
    close(t.chisq, ex[f"{tag}_X2"], 1e-8)
    assert t.chisq_df == ex[f"{tag}_chisq_df"]
    close(t.chisq_p, ex[f"{tag}_chisq_p"], 1e-8)


@pytest.mark.parametrize("case", list(DESIGNS))
def test_rao_scott_matches_svychisq(case):
    ex = expected(case)
    des = Design.from_frame(DATA, **DESIGNS[case])
    check_test(crosstab(des, "ra", "cb").test, ex, "rs")
    check_test(crosstab(des, "site", "bin").test, ex, "rs2x2")
    # domain: a subset of the design (zero weights, no rows cut)
    check_test(crosstab(des.subset((DATA.site == "s1").to_numpy()), "ra", "cb").test, ex, "dom_s1_rs")


@pytest.mark.parametrize("case", list(DESIGNS))
def test_cells_row_and_column_shares(case):
    ex = expected(case)
    des = Design.from_frame(DATA, **DESIGNS[case])
    ct = crosstab(des, "ra", "cb")
    assert ct.row_levels == ["east", "north", "west"] and ct.col_levels == ["v1", "v2", "v3", "v4"]
    c = ct.cells
    assert (c.df == ex["valid_degf"]).all()
    for r in c.itertuples():
        key = f"cell_{r.row}_{r.col}"
        close(r.estimate, ex[key], 1e-8)
        close(r.se, ex[f"{key}_se"], 1e-8)
        if f"{key}_deff" in ex:
            close(r.deff, ex[f"{key}_deff"], 1e-8)
        close(r.row_share, ex[f"row_{r.row}_{r.col}"], 1e-8)
        close(r.row_share_se, ex[f"row_{r.row}_{r.col}_se"], 1e-8)
        assert r.row_share_df == ex[f"row_{r.row}_degf"]
        close(r.col_share, ex[f"col_{r.row}_{r.col}"], 1e-8)
        close(r.col_share_se, ex[f"col_{r.row}_{r.col}_se"], 1e-8)


@pytest.mark.parametrize("case", ["strat_fpc", "clus1", "strat_clus_fpc", "srs_noweights"])
@pytest.mark.parametrize("r_method", list(METHOD))
def test_cell_intervals_match_svyciprop(case, r_method):
    ex = expected(case)
    des = Design.from_frame(DATA, **DESIGNS[case])
    c = crosstab(des, "ra", "cb", ci_method=METHOD[r_method]).cells
    for r in c.itertuples():
        key = f"cell_{r.row}_{r.col}_{r_method}"
        close(r.ci_low, ex[f"{key}_ci_low"], 1e-6)
        close(r.ci_high, ex[f"{key}_ci_high"], 1e-6)
        if r_method != "xlogit":
            rk = f"row_{r.row}_{r.col}_{r_method}"
            close(r.row_share_ci_low, ex[f"{rk}_ci_low"], 1e-6)
            close(r.row_share_ci_high, ex[f"{rk}_ci_high"], 1e-6)


@pytest.mark.parametrize("case", ["strat_clus_fpc", "clus1", "strat_fpc"])
def test_row_share_equals_subset_and_ratio_routes(case):
    # R's own consistency check: a domain share by subset(), by svyby and as a ratio has one SE
    des = Design.from_frame(DATA, **DESIGNS[case])
    c = crosstab(des, "ra", "cb").cells.set_index(["row", "col"])
    ok = DATA.cb.notna().to_numpy()
    for r in ["east", "west"]:
        dom = (DATA.ra == r).to_numpy() & ok
        hit = (DATA.cb == "v2").to_numpy()
        p_sub = svyprop(des.subset(dom), hit)
        p_ratio = svyratio(des, (hit & dom).astype(float), dom.astype(float))
        close(c.loc[(r, "v2"), "row_share_se"], p_sub.se, 1e-10)
        close(p_ratio.se, p_sub.se, 1e-10)
        close(c.loc[(r, "v2"), "row_share"], p_ratio.estimate, 1e-12)


def test_missing_values_leave_the_base_and_json_shape():
    des = Design.from_frame(DATA, psu="psu", strata="st", weights="w")
    ct = crosstab(des, "ra", "cb")
    assert ct.n == int(DATA.cb.notna().sum())
    d = ct.to_dict()
    assert set(d) == {"cells", "test"}
    assert list(d["test"]) == ["name", "F", "df1", "df2", "p"] and d["test"]["name"] == "rao-scott-F"
    assert len(d["cells"]) == 12
    cell = d["cells"][0]
    for k in ("row", "col", "n", "estimate", "se", "ci_low", "ci_high", "proportion", "row_share"):
        assert k in cell
    assert sum(c["n"] for c in d["cells"]) == ct.n
    # --missing: a category declared not applicable leaves the base like an empty cell
    ct2 = crosstab(des, "ra", "cb", missing=["v4"])
    assert ct2.col_levels == ["v1", "v2", "v3"]
    assert ct2.n == int(DATA.cb.isin(["v1", "v2", "v3"]).sum())


def test_srs_infinite_df_equals_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    d = DATA[DATA.cb.notna()].reset_index(drop=True)
    des = Design.from_frame(d)
    ct = crosstab(des, "ra", "cb", ci_method="wilson", df=float("inf"))
    n = len(d)
    for r in ct.cells.itertuples():
        count = int(((d.ra == r.row) & (d.cb == r.col)).sum())
        lo, hi = proportion_confint(count, n, 0.05, method="wilson")
        close(r.ci_low, lo, 1e-12)
        close(r.ci_high, hi, 1e-12)
        nr = int((d.ra == r.row).sum())
        lo, hi = proportion_confint(count, nr, 0.05, method="wilson")
        close(r.row_share_ci_low, lo, 1e-12)


# ----------------------------------------------------------------------------- properties
@st.composite
def tables(draw):
    n = draw(st.integers(20, 60))
    rows = draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    cols = draw(st.lists(st.sampled_from("xyz"), min_size=n, max_size=n))
    w = draw(st.lists(st.floats(0.5, 20), min_size=n, max_size=n))
    strata = draw(st.lists(st.sampled_from([1, 2]), min_size=n, max_size=n))
    return pd.DataFrame({"r": rows, "c": cols, "w": w, "s": strata})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.floats(0.01, 1000))
def test_properties_shares_sum_to_one_and_rescaling_invariance(df, k):
    if df.s.nunique() < 2 or df.groupby("s").size().min() < 2:
        df = df.assign(s=np.arange(len(df)) % 2)
    des = Design.from_frame(df, weights="w", strata="s")
    ct = crosstab(des, "r", "c", ci_method="clopper-pearson")
    c = ct.cells
    assert c.estimate.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(c.groupby("row").row_share.sum(), 1.0)
    assert np.allclose(c.groupby("col").col_share.sum(), 1.0)
    assert ((c.ci_low <= c.estimate + 1e-12) & (c.estimate <= c.ci_high + 1e-12)).all()
    assert (c.n.sum() == len(df))
    ct2 = crosstab(des.with_weights(des.weights * k), "r", "c", ci_method="clopper-pearson")
    for col in ("estimate", "se", "ci_low", "ci_high", "row_share", "row_share_se", "col_share_se"):
        assert np.allclose(ct2.cells[col], c[col], rtol=1e-9, atol=1e-12, equal_nan=True)
    for f in ("F", "df1", "df2", "p"):
        a, b = getattr(ct.test, f), getattr(ct2.test, f)
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-7, abs=1e-12)


# ----------------------------------------------------------------------------- command line
def test_cli_json_matches_r(tmp_path):
    import json

    from typer.testing import CliRunner

    import cli

    ex = expected("strat_clus_fpc")
    path = GOLDEN / "r_crosstab_data.csv"
    r = CliRunner().invoke(cli.app, ["crosstab", str(path), "--row", "ra", "--col", "cb", "--weight", "w",
                                     "--strata", "st", "--psu", "psu", "--fpc", "Npsu", "--ci", "clopper-pearson",
                                     "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert list(d) == ["cells", "test"]
    t = d["test"]
    assert t["name"] == "rao-scott-F"
    close(t["F"], ex["rs_F"], 1e-8)
    close(t["df1"], ex["rs_df1"], 1e-8)
    close(t["df2"], ex["rs_df2"], 1e-8)
    close(t["p"], ex["rs_p"], 1e-8)
    for c in d["cells"]:
        key = f"cell_{c['row']}_{c['col']}"
        close(c["estimate"], ex[key], 1e-8)
        close(c["se"], ex[f"{key}_se"], 1e-8)
        close(c["ci_low"], ex[f"{key}_beta_ci_low"], 1e-6)
        close(c["ci_high"], ex[f"{key}_beta_ci_high"], 1e-6)
    # plain text: the row-percent table and the test line
    r = CliRunner().invoke(cli.app, ["crosstab", str(path), "--row", "ra", "--col", "cb", "--weight", "w"])
    assert r.exit_code == 0 and "Rao–Scott F" in r.output and "east" in r.output


def test_cli_says_why_a_singular_table_has_no_test():
    """Where R's svychisq stops (computationally singular), ``survey crosstab`` prints the table, says why
    there is no test and exits 0; the JSON test has null statistics (tests/golden/r_svychisq.R)."""
    import json

    from typer.testing import CliRunner

    import cli

    sparse = str(GOLDEN / "r_svychisq_sparse.csv")
    for test in ("F", "chisq", "wald"):
        r = CliRunner().invoke(cli.app, ["crosstab", sparse, "--row", "a", "--col", "b", "--weight", "w",
                                         "--test", test])
        assert r.exit_code == 0, r.output
        assert "many empty cells" in r.output
        assert "R's svychisq stops" in r.output and "nan" not in r.output
    r = CliRunner().invoke(cli.app, ["crosstab", sparse, "--row", "a", "--col", "b", "--weight", "w", "--json"])
    assert json.loads(r.stdout)["test"] == {"name": "rao-scott-F", "F": None, "df1": None, "df2": None, "p": None}
    fewpsu = str(GOLDEN / "r_svychisq_fewpsu.csv")  # Wald: 10 PSUs for 16 df; Rao–Scott computed (R's value)
    r = CliRunner().invoke(cli.app, ["crosstab", fewpsu, "--row", "a", "--col", "b", "--weight", "w", "--psu", "psu",
                                     "--test", "wald"])
    assert "fewer PSUs than the table's 16 degrees of freedom" in r.output
    r = CliRunner().invoke(cli.app, ["crosstab", fewpsu, "--row", "a", "--col", "b", "--weight", "w", "--psu", "psu"])
    assert "Rao–Scott F = 0.5927" in r.output


def _main(args):
    import cli

    try:
        return cli.main(args)
    except SystemExit as e:  # cli.main exits when run as the console script
        return e.code


def test_cli_errors_are_one_line(tmp_path, capsys):
    path = GOLDEN / "r_crosstab_data.csv"
    assert _main(["crosstab", str(path), "--row", "ra", "--col", "nope"]) == 1
    err = capsys.readouterr().err
    assert "nope" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    lonely = tmp_path / "lonely.csv"
    pd.DataFrame({"a": list("xyxy"), "b": list("ppqq"), "s": ["S1", "S1", "S1", "S2"],
                  "c": [1, 2, 3, 4]}).to_csv(lonely, index=False)
    assert _main(["crosstab", str(lonely), "--row", "a", "--col", "b", "--strata", "s", "--psu", "c"]) == 1
    err = capsys.readouterr().err
    assert "stratum S2" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _main(["crosstab", str(lonely), "--row", "a", "--col", "b", "--strata", "s", "--psu", "c",
                  "--lonely-psu", "certainty"]) == 0


def test_levels_are_normalised_and_sorted_numerically():
    df = pd.DataFrame({"r": ["10", "2", "2.0", " 10 ", "2", None, "10"], "c": ["1", "1.0", "2", "2", "1", "1", ""]})
    ct = crosstab(Design.from_frame(df), "r", "c")
    assert ct.row_levels == ["2", "10"] and ct.col_levels == ["1", "2"]
    assert ct.n == 5
    assert ct.table("n").to_numpy().tolist() == [[2, 1], [1, 1]]


def test_a_table_of_one_row_has_no_test_and_names_it():
    """One row category: no test of independence; each test record keeps its name (the JSON's)."""
    d = pd.DataFrame({"a": ["x"] * 6, "b": list("pqpqpq"), "w": [1.0] * 6})
    ct = crosstab(Design.from_frame(d, weights="w"), "a", "b")
    names = {t: ct.test_record(t)["name"] for t in ("F", "chisq", "wald", "adjwald")}
    assert names == {"F": "rao-scott-F", "chisq": "rao-scott-chisq", "wald": "wald", "adjwald": "adjusted-wald"}
    assert all(ct.test_record(t)["p"] is None for t in names)
