"""Every problem of a survey design or an estimate has its own catalogue entry (pyxform / frictionless style).

analysis.design.DesignError and analysis.planning.PlanningError carry a ``kind`` and the problem's values
(``params``); survey/design_messages.py is the one table of which entry of survey/messages.py says each kind, used
by the commands that estimate from a data file (survey/datafile.py ``data_errors``), by the project's analysis
(report/project.py) and by the last resort of cli/_app.py.  Before, all of them were said by the catch-alls
design-data ("the data do not make a survey design: {detail}"), analysis-option-value ("{option}: {detail}"),
plan-options and plan-strata, or printed as ``error: {e}`` outside the catalogue.

Each kind raised in analysis/ is triggered here by a call of the library (the table below must list them all,
checked against the raise sites by ast), so a kind added without an entry fails."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.design import Design, DesignError
from analysis.planning import PlanningError
from catalogue_checks import one_filled, raised
from cli_capture import run_main
from survey.design_messages import DESIGN_CODES, PLANNING_CODES, design_problem, planning_problem
from survey.errors import MinyiError
from survey.messages import CATALOGUE, USAGE_CODES, is_usage_error

ROOT = Path(__file__).parent.parent

FRAME = pd.DataFrame({"h": ["a", "a", "b", "b", "c", "c"], "p": [1, 2, 3, 4, 5, 6], "y": [1.0, 2, 3, 4, 5, 6],
                      "b": [0, 1, 1, 0, 1, 0], "g": ["x", "x", "y", "y", "x", "y"], "w": [1.0, 2, 1, 2, 1, 2],
                      "t": ["1", "2", "n/a", "4", "5", "6"], "N": [10, 10, 10, 10, 10, 10]})


def _des(**kw):
    return Design.from_frame(FRAME, **kw)


def _frame(**cols):
    return FRAME.assign(**cols)


def _spec_build(frame=FRAME, **kw):
    from analysis.design_spec import DesignSpec

    return DesignSpec.of(**kw).build(frame)


def _estimate(frame=FRAME, var="y", **kw):
    from analysis.column import estimate_column

    return estimate_column(frame, var, **kw)


def _glm(formula=None, des=None, **kw):
    from analysis.glm import svyglm

    return svyglm(des or _des(weights="w"), formula, **kw)


def _reps(**kw):
    from analysis.replicates import svrepdesign

    frame = _frame(r1=[1.0, 2, 1, 2, 1, 2], r2=[2.0, 1, 2, 1, 2, 1])
    return svrepdesign(frame, kw.pop("repweights", ["r1", "r2"]), "w", **kw)


def _as_rep(des=None, **kw):
    from analysis.replicates import as_svrepdesign

    return as_svrepdesign(des or _des(weights="w"), **kw)


def _calibrated():
    from analysis.weighting import poststratify

    return poststratify(_des(weights="w"), {"g": {"x": 10, "y": 10}})[0]


def _rowwise_cells():
    from analysis.domains import make_engine

    frame = _frame(pi=[0.5] * 6)
    eng = make_engine(Design.from_frame(frame, psu="p", fpc="pi", pps="brewer"))
    return eng.variance_of_cells([np.zeros((1, 1))])


def _totals_engine():
    from analysis.sufficient import TotalsEngine

    return TotalsEngine.__new__(TotalsEngine)._present(None)


def _indicators():
    from analysis.indicators import ItemSpec, compute_indicators

    item = ItemSpec(key="q9", label="Q9", indicator="满意率", kind="single", positive=(1,))
    return compute_indicators(_des(weights="w"), {}, [item])


def _totals_indicators():
    from analysis.indicators import ItemSpec
    from analysis.sufficient import indicators_from_totals

    item = ItemSpec(key="q9", label="Q9", indicator="满意率", kind="single", positive=(1,))
    return indicators_from_totals(None, {}, [item])


def _lonely_unit():
    from analysis.estimators import svymean

    frame = _frame(s1=["A", "A", "A", "B", "B", "B"], s2=[1, 1, 1, 3, 4, 5], N1=[10] * 6, N2=[5] * 6)
    return svymean(Design.from_frame(frame, psu=["s1", "s2"], fpc=["N1", "N2"]), "y")


def _league(**kw):
    from analysis.compare import league

    return league(["a", "b"], [0.5, 0.6], **kw)


def _contrast(coef):
    from analysis.compare import contrast

    return contrast([0.5, 0.6], np.eye(2), coef)


def _units(**cols):
    """A per-unit table as the SQL engines build it (engines/analyze.py): two strata of 3 and 2 rows."""
    base = {"_st": ["A", "B"], "_psu": [None, None], "n": [3, 2], "badw": [0, 0], "fnull": [0, 0], "fmin": [10, 5],
            "fmax": [10, 5]}
    return pd.DataFrame({**base, **cols})


def _engine(units, **design):
    from engines.analyze import _engine as engine

    return engine(units, {"strata": "h", "fpc": "N", **design}, 1, [])


# kind -> a library call raising it
DESIGN_TRIGGERS = {
    "empty-id": lambda: _spec_build(_frame(h=["a", None, "b", "b", "c", "c"]), strata="h"),
    "negative": lambda: _spec_build(_frame(w=[1.0, -2, 1, 1, 1, 1]), weights="w"),
    "not-a-number": lambda: _spec_build(_frame(w=["1", "x", "1", "1", "1", "1"]), weights="w"),
    "zero-weights": lambda: _spec_build(_frame(w=[0.0] * 6), weights="w"),
    "fpc-too-small": lambda: _spec_build(_frame(N=[10, 10, 10, 10, 1, 1]), strata="h", fpc="N"),
    "fpc-mixed": lambda: Design.from_frame(_frame(f=[0.5, 10, 10, 10, 10, 10]), fpc="f"),
    "fpc-varies": lambda: Design.from_frame(_frame(N=[10, 11, 10, 10, 10, 10]), strata="h", fpc="N"),
    "fpc-zero": lambda: Design.from_frame(_frame(f=[0.0, 0.0, 0.5, 0.5, 0.5, 0.5]), strata="h", fpc="f"),
    "pps-counts": lambda: Design.from_frame(FRAME, psu="p", fpc="N", pps="brewer"),
    "pps-varies": lambda: Design.from_frame(_frame(pi=[0.1, 0.2, 0.1, 0.1, 0.1, 0.1], p=[1, 1, 2, 3, 4, 5]),
                                            psu="p", fpc="pi", pps="brewer"),
    "pps-zero": lambda: Design.from_frame(_frame(pi=[0.0, 0.2, 0.1, 0.1, 0.1, 0.1]), psu="p", fpc="pi",
                                          pps="brewer"),
    "psu-in-strata": lambda: Design.from_frame(_frame(p=[1, 2, 1, 2, 3, 4]), strata="h", psu="p", nest=False),
    "lonely-psu": lambda: _estimate(strata="h", psu="g"),
    "lonely-unit": _lonely_unit,
    "brr-two-psus": lambda: _as_rep(_des(strata="g", psu="p"), type="BRR"),
    "census": lambda: _as_rep(Design.from_frame(_frame(f=[1.0] * 6), strata="h", fpc="f"), type="JKn"),
    "no-rows": lambda: Design.from_frame(FRAME.iloc[:0]),
    "missing-column": lambda: _estimate(var="yy"),
    "no-score": lambda: _estimate(var="g", scores={"x": 1}),
    "value-not-number": lambda: _estimate(var="t"),
    "value-too-large": lambda: _estimate(FRAME.assign(y=[1.0, 2, 3e200, 4, -5e151, 6])),
    "no-valid-values": lambda: _estimate(var="y", missing=["1", "2", "3", "4", "5", "6"]),
    "value-absent": lambda: _estimate(var="g", levels=["z"]),
    "no-rows-both": lambda: __import__("analysis.crosstab", fromlist=["crosstab"]).crosstab(
        _des(), "g", "h", missing=["x", "y"]),
    "no-group-rows": lambda: __import__("analysis.compare", fromlist=["x"]).domain_estimates(
        _des(), "y", "g", valid=np.zeros(6, dtype=bool)),
    "no-valid-rows": lambda: __import__("analysis.estimators", fromlist=["x"]).svymean(
        _des(), "y", valid=np.zeros(6, dtype=bool)),
    "not-numbers": lambda: __import__("analysis.estimators", fromlist=["x"]).svymean(_des(), "t"),
    "not-indicator": lambda: __import__("analysis.estimators", fromlist=["x"]).svyprop(_des(), "y"),
    "indicator-column": _indicators,
    "no-repweights": lambda: _reps(repweights="^zz"),
    "model-collinear": lambda: _glm("y ~ b + c", Design.from_frame(_frame(c=[0, 1, 1, 0, 1, 0]), weights="w")),
    "model-diverged": lambda: __import__("analysis.glm", fromlist=["x"]).glm_fit(
        np.array([[1.0, 0], [1, 1], [1, 2]]), np.array([1e300, -1e300, 1e300]), np.ones(3), "gaussian"),
    "model-empty": lambda: __import__("analysis.glm", fromlist=["x"]).glm_fit(np.zeros((3, 0)), np.ones(3),
                                                                              np.ones(3)),
    "model-too-few-rows": lambda: __import__("analysis.glm", fromlist=["x"]).glm_fit(np.ones((3, 2)), np.ones(3),
                                                                                     np.array([1.0, 0, 0])),
    "model-formula": lambda: _glm("y = b"),
    "model-no-response": lambda: _glm(),
    "model-response-01": lambda: _glm("y ~ b", family="binomial"),
    "model-no-rows": lambda: _glm("y ~ b", valid=np.zeros(6, dtype=bool)),
    "one-column": lambda: _spec_build(weights=["w", "N"]),
    "unknown-argument": lambda: _spec_build(lonely="adjust"),
    "values-not-names": lambda: _spec_build(weights=np.ones(6)),
    "several-columns": lambda: __import__("analysis.estimators", fromlist=["x"]).svymean(_des(), ["y", "b"]),
    "replicate-unsupported": lambda: _reps(type="JK1").with_weights(np.ones(6)),
    "replicates-calibrated": lambda: _as_rep(_calibrated()),
    "length": lambda: _des().subset(np.ones(3, dtype=bool)),
    "shape": lambda: _contrast([1.0, -1, 0]),
    "weights-array": lambda: _des(weights=np.array([1.0, -1, 1, 1, 1, 1])),
    "zero-denominator": lambda: __import__("analysis.estimators", fromlist=["x"]).svyratio(_des(), "y",
                                                                                         np.zeros(6)),
    "contrast-coef": lambda: _contrast(None),
    "league-se": lambda: _league(),
    "ranks": lambda: __import__("analysis.multiple", fromlist=["x"]).ranking_scores(
        _des(), np.array([[1.0, 5], [2, 1], [1, 2], [2, 1], [1, 2], [2, 1]]), [1, 2], ["A", "B"], k=2),
    "engine-presence": _totals_engine,
    "engine-rowwise": _rowwise_cells,
    "engine-weights": lambda: _engine(_units(badw=[0, 1]), weights="w"),
    "engine-fpc-cells": lambda: _engine(_units(fnull=[1, 0])),
    "engine-fpc-varies": lambda: _engine(_units(fmax=[10, 6])),
    "engine-fpc-fractions": lambda: _engine(_units(fmin=[-0.1, 0.5], fmax=[-0.1, 0.5])),
    "engine-fpc-zero": lambda: _engine(_units(fmin=[0.0, 0.5], fmax=[0.0, 0.5])),
    "engine-units": lambda: __import__("engines.analyze", fromlist=["x"])._cell_unit(
        pd.DataFrame({"_cell": [0], "_st": ["A"], "_psu": ["9"]}),
        {"unit_keys": pd.MultiIndex.from_arrays([["A"], ["1"]])}, {"psu": "p"}, 1),
    "lonely-psu-choice": lambda: _des(lonely_psu="adjusted"),
    "pps-choice": lambda: _des(pps="sampford"),
    "ci-method-choice": lambda: __import__("analysis.ci", fromlist=["x"]).check_method("wilsen"),
    "na-policy-choice": lambda: __import__("analysis.indicators", fromlist=["x"]).normalize_na_policy("exlude"),
    "df-value": lambda: __import__("analysis.ci", fromlist=["x"]).check_df("many"),
    "level": lambda: _estimate(confidence=95),
    "statistic-choice": lambda: _estimate(statistic="median"),
    "test-choice": lambda: __import__("analysis.crosstab", fromlist=["x"]).crosstab(_des(), "g", "h").test_record("G"),
    "qrule-choice": lambda: _estimate(statistic="quantile", quantiles=[0.5], qrule="r7"),
    "interval-type-choice": lambda: _estimate(statistic="quantile", quantiles=[0.5], interval_type="exact"),
    "quantile-ci-method": lambda: __import__("analysis.quantiles", fromlist=["x"]).quantile_interval_type("wilson"),
    "quantile-value": lambda: _estimate(statistic="quantile", quantiles=[50]),
    "rep-type-choice": lambda: _reps(type="JK3"),
    "replicates-count": lambda: _as_rep(type="bootstrap", replicates=1),
    "family-choice": lambda: _glm("y ~ b", family="poisson"),
    "league-choice": lambda: _league(se=[0.1, 0.1], method="tukey"),
    "ratio-columns": lambda: _estimate(statistic="ratio", ratio=("y",)),
    "quantile-of-levels": lambda: _estimate(var="g", levels=["x"], statistic="quantile", quantiles=[0.5]),
    "no-quantiles": lambda: _estimate(statistic="quantile"),
    "likelihood-groups": lambda: __import__("analysis.ci", fromlist=["x"]).proportion_ci(
        np.array([0.5]), np.array([0.01]), 10, np.inf, method="likelihood"),
    "likelihood-replicates": lambda: __import__("analysis.estimators", fromlist=["x"]).svyprop(
        _reps(type="JK1"), "b", ci_method="likelihood"),
    "fpc-stages": lambda: Design.from_frame(_frame(s2=range(6), N2=[5] * 6), psu=["h", "s2"],
                                            fpc=["N", "N2", "N"]),
    "fpc-no-stages": lambda: Design.from_frame(_frame(N2=[5] * 6), fpc=["N", "N2"]),
    "pps-needs-fpc": lambda: Design.from_frame(FRAME, psu="p", pps="brewer"),
    "replicates-twice": lambda: _spec_build(repweights=["w"], replicates="JK1"),
    "replicate-with-strata": lambda: _spec_build(repweights=["w"], strata="h"),
    "fay-rho": lambda: _reps(type="Fay"),
    "jkn-rscales": lambda: _reps(type="JKn"),
    "rscales-length": lambda: _reps(type="other", rscales=[1, 1, 1]),
    "jk1-strata": lambda: _as_rep(_des(strata="h"), type="JK1"),
    "replicates-need-strata": lambda: _as_rep(type="JKn"),
}
PLANNING_TRIGGERS = {
    "margin": lambda: _plan(3),
    "margin-too-small": lambda: _plan(1e-9),
    "confidence": lambda: _plan(0.03, confidence=95),
    "p": lambda: _plan(0.03, p=0),
    "deff": lambda: _plan(0.03, deff=0),
    "population": lambda: _plan(0.03, population=0.5),
    "min-per-stratum": lambda: _plan(0.03, min_per_stratum=-1),
    "allocation-choice": lambda: _plan(0.03, strata=["A"], strata_population=[100], allocation="optimal"),
    "no-strata": lambda: _plan(0.03, strata=[], strata_population=[], population=100),
    "stratum-population": lambda: _plan(0.03, strata=["A", "B"], strata_population=[100, 0]),
    "neyman-needs-sd": lambda: _plan(0.03, strata=["A"], strata_population=[100], allocation="neyman"),
    "neyman-sd": lambda: _plan(0.03, strata=["A"], strata_population=[100], allocation="neyman", strata_sd=[0]),
    "stratum-p": lambda: _plan(0.03, strata=["A"], strata_population=[100], allocation="neyman", strata_p=[2]),
}


def _plan(margin, **kw):
    from analysis.planning import plan

    return plan(margin, **kw)


def _raised_kinds(exc: str) -> set:
    """The ``kind=`` of every ``exc(...)`` in analysis/ and engines/ (both branches of a conditional); every one
    names one."""
    kinds = set()
    for path in sorted((ROOT / "analysis").glob("*.py")) + sorted((ROOT / "engines").glob("*.py")):
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Call) and getattr(n.func, "id", None) == exc:
                kw = {k.arg: k.value for k in n.keywords}
                assert "kind" in kw, f"{path.name}:{n.lineno}: {exc} without a kind"
                v = kw["kind"]
                for c in ([v.body, v.orelse] if isinstance(v, ast.IfExp) else [v]):
                    assert isinstance(c, ast.Constant) and c.value, f"{path.name}:{n.lineno}: no literal kind"
                    kinds.add(c.value)
    return kinds


def test_every_kind_raised_in_analysis_has_a_trigger_and_an_entry():
    design, planning = _raised_kinds("DesignError"), _raised_kinds("PlanningError")
    assert set(DESIGN_TRIGGERS) == design, (design ^ set(DESIGN_TRIGGERS))
    assert set(PLANNING_TRIGGERS) == planning, (planning ^ set(PLANNING_TRIGGERS))
    assert set(DESIGN_CODES) == design and set(PLANNING_CODES) == planning
    for codes in (DESIGN_CODES, PLANNING_CODES):  # one entry per kind, each in the catalogue
        assert len(set(codes.values())) == len(codes) and set(codes.values()) <= set(CATALOGUE)
    assert not {"design-data", "analysis-option-value", "plan-options", "plan-strata"} & set(CATALOGUE)


@pytest.mark.parametrize("kind", sorted(DESIGN_TRIGGERS))
def test_design_kind_says_its_own_entry(kind):
    e = raised(DESIGN_TRIGGERS[kind], DesignError, exact=True)
    assert e.kind == kind and str(e), (e.kind, str(e))
    with_file = one_filled(design_problem(e, "/d/data.csv", columns=list(FRAME.columns)), no_braces=True)
    without = one_filled(design_problem(e), no_braces=True)
    assert with_file.code == without.code == DESIGN_CODES[kind]
    assert without.file is None and without.line is None  # no file known (cli/_app.py): no file, no line
    if with_file.code in USAGE_CODES:  # an option's value: the command line, no file, exit status 2
        assert with_file.file is None and is_usage_error(with_file)
    else:
        assert with_file.file == "/d/data.csv" and not is_usage_error(with_file)
        assert with_file.line == e.params.get("line")
    # the kind survives a process boundary (the report's section workers)
    back = pickle.loads(pickle.dumps(e))
    assert (back.kind, back.params, str(back)) == (e.kind, e.params, str(e))


@pytest.mark.parametrize("kind", sorted(PLANNING_TRIGGERS))
def test_planning_kind_says_its_own_entry(kind):
    e = raised(PLANNING_TRIGGERS[kind], PlanningError, exact=True)
    assert e.kind == kind
    p = one_filled(planning_problem(e, "/d/strata.csv"), no_braces=True)
    assert p.code == PLANNING_CODES[kind]
    assert (p.file is None) == (p.code in USAGE_CODES) == is_usage_error(p)


# ----------------------------------------------------------------------------- the final text, end to end
def _data(tmp_path, rows, header="q1,w,s,p,N"):
    path = tmp_path / "d.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


ROWS = ["1,1,a,1,10", "0,1,a,2,10", "1,1,b,3,10", "1,1,b,4,10", "0,1,b,5,10"]


def _with(i, field, value):
    rows = [r.split(",") for r in ROWS]
    rows[i]["q1,w,s,p,N".split(",").index(field)] = value
    return [",".join(r) for r in rows]


@pytest.mark.parametrize("rows, options, status, text", [
    # a negative weight: the line and column, the value, how to fix it
    (_with(1, "w", "-2"), ["--weight", "w"], 1,
     "d.csv:3:w: error: weight column 'w' holds -2: a weight must be 0 or more (correct the weights in 'w', or "
     "leave those rows out of the file)"),
    # two empty stratum cells: the first one's line, and how many
    (_with(2, "s", "")[:4] + [_with(4, "s", "")[4]], ["--strata", "s"], 1,
     "d.csv:4:s: error: stratum column 's' has an empty cell: every row needs a stratum; 2 rows have none (fill in "
     "the stratum of those rows in 's', or leave the rows out of the file)"),
    # a stratum of one PSU: the option that decides what to do
    (_with(0, "s", "c"), ["--strata", "s", "--psu", "p"], 1,
     "d.csv, column s: error: strata a, c of 's' have only one PSU, so the variance there cannot be estimated "
     "(choose how to treat a lonely PSU: --lonely-psu adjust|average|certainty|remove"),
    # an fpc smaller than the rows sampled in the stratum
    (_with(2, "N", "2"), ["--strata", "s", "--fpc", "N"], 1,
     "d.csv:4:N: error: fpc column 'N' (stratum 'b'): the population size 2 is smaller than the 3 rows sampled there "
     "(give 'N' the population size there (at least 3), or the sampling fraction (at most 1))"),
    # an fpc that varies without strata: where it varies, in words ("in no strata" read as "in zero strata")
    (_with(3, "N", "12"), ["--psu", "p", "--fpc", "N"], 1,
     "d.csv:2:N: error: fpc column 'N' of stage 1 ('p') varies in the sample (no strata): 10 here, 12 on line 5"),
    # a number whose square overflows: refused (it printed se=inf, numpy's overflow warnings and a wrong note)
    (_with(1, "q1", "1e200"), [], 1,
     "d.csv:3:q1: error: column 'q1' holds 1e200, too large to estimate with: its square overflows double precision "
     "(numbers up to ±1e150) (rescale the column"),
    # an unknown --var column
    (ROWS, ["--var", "q2"], 1, "d.csv, column q2: error: column 'q2' is not in the data (--var: did you mean 'q1'?)"),
    # a quantile given as a percentage, JK1 replicates of a stratified design: the command line (exit 2), no file
    (ROWS, ["--quantile", "50"], 2,
     "error: quantiles must be probabilities between 0 and 1 (0.5 for the median), not 50.0 (e.g. --quantile 0.5"),
    (ROWS, ["--strata", "s", "--replicates", "JK1"], 2,
     "error: JK1 replicates are for unstratified designs (--replicates JKn (or bootstrap) with --strata)"),
], ids=["negative-weight", "empty-stratum", "lonely-psu", "fpc-smaller", "fpc-varies", "too-large", "unknown-var",
        "quantile", "jk1-strata"])
def test_survey_estimate_says_the_specific_problem(tmp_path, capsys, rows, options, status, text):
    data = _data(tmp_path, rows)
    args = ["estimate", str(data), *options]
    if "--var" not in options:
        args += ["--var", "q1"]
    rc, out = run_main(capsys, *args)
    assert rc == status and "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    assert text in out, out
    assert "make a survey design" not in out and "like it in all" not in out
    control = {"--var": "q2", "--quantile": "50", "--replicates": "JK1"}
    kept = [o for i, o in enumerate(options) if o not in control and (i == 0 or options[i - 1] not in control)]
    rc, out = run_main(capsys, "estimate", str(_data(tmp_path, ROWS)), "--var", "q1", *kept)
    assert rc == 0, out  # the control: the same command estimates from the data without the problem


def test_survey_plan_names_the_option_or_the_strata_file(tmp_path, capsys):
    rc, out = run_main(capsys, "plan", "--margin", "3")
    assert rc == 2 and out.strip() == ("error: --margin is the margin of error as a share between 0 and 1, not 3.0 "
                                       "(e.g. --margin 0.03 for ±3 percentage points)"), out
    strata = tmp_path / "strata.csv"
    strata.write_text("district,population,sd\nA,1000,0\nB,500,0\n", encoding="utf-8")
    rc, out = run_main(capsys, "plan", "--margin", "0.05", "--strata", str(strata), "--allocate", "neyman")
    assert rc == 1 and out.strip() == (f"{strata}: error: Neyman allocation needs standard deviations of 0 or more, "
                                       "not all 0 (correct the sd column of the strata file, or --allocate "
                                       "proportional)"), out


# ----------------------------------------------------------------------------- a project's options and minyi.yaml
def test_project_na_option_and_design_block_values_say_their_own_entries(tmp_path, capsys):
    from survey.design_columns import check_design_columns

    proj = tmp_path / "p"
    rc, out = run_main(capsys, "init", str(proj), "--questionnaire", str(Path(__file__).parent / "data" /
                                                                         "wjx_questionnaire.yaml"))
    assert rc == 0, out
    # the na_policy given to the analysis (survey analyze --na; the CLI checks its choices first): the option's
    # entry, a wrong command line (exit 2), no file
    from report.project import analyze_project
    from survey.store import Project

    with pytest.raises(MinyiError) as e:
        analyze_project(Project.open(proj), na_policy="exlude", cache=False)
    (p,) = e.value.problems
    assert str(p) == ("error: --na 'exlude' is no treatment of 不了解/说不清; choose excluded, unsatisfied (--na "
                      "excluded (leave the base) or --na unsatisfied (count as not satisfied))") and is_usage_error(p)
    # the design: block of minyi.yaml: its file and key, not an option of the command line
    config = str(proj / "minyi.yaml")
    for design, code, words in (
            ({"weights": "w", "lonely_psu": "adjusted"}, "config-design-choice",
             "design.lonely_psu: 'adjusted' is not one of fail, certainty, adjust, average, remove"),
            ({"weights": ["w", "v"]}, "config-design-one-column", "design.weights names one column, not 2 (w, v)")):
        with pytest.raises(MinyiError) as e:
            check_design_columns(design, ["w", "v"], config=config, source="the responses", fallback="")
        (p,) = e.value.problems
        assert p.code == code and p.file == config and words in p.message and not is_usage_error(p), str(p)
