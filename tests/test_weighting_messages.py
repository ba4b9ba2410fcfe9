"""Every problem of weighting and calibration has its own catalogue entry (pyxform / frictionless style).

analysis.weighting.WeightingError and analysis.calibration.CalibrationError carry a ``kind`` and the problem's
values (``params``); ``survey weight`` (report/datafile_weight.py) says each kind in its own entry of survey/messages.py,
filled with those values, and the weighting of a project's wave to the margins of minyi.yaml
(report/project.py) says the kinds that its margins can meet in entries naming the wave and the margins file.
Before, the entries weight-margin, weight-missing-values, weight-calibration and weight-project-margin were
only a placeholder ("{detail}") that the library's sentence filled.

Each kind raised in analysis/ is triggered here by a call of the library (the table below must list them all,
checked against the raise sites by ast), so a kind added without an entry fails."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design
from analysis.calibration import CalibrationError, calibrate
from analysis.weighting import WeightingError, poststratify, rake, trim_weights
from analysis.weighting import calibrate as weight_to
from report.datafile_weight import CALIBRATION_CODES, WEIGHTING_CODES, calibration_error, weighting_error
from catalogue_checks import one_filled, raised
from cli_capture import run_main
from survey.messages import CATALOGUE, USAGE_CODES, is_usage_error

ROOT = Path(__file__).parent.parent

FRAME = pd.DataFrame({"sex": ["男", "男", "女", "女", "女", "男"], "age": ["1", "2", "3", "1", "2", "3"],
                      "w": [1.0, 1, 2, 1.5, 1, 1], "x": [1.0, 2, 3, 4, 5, 6]}).assign(x2=lambda d: 2 * d["x"])
DES = Design.from_frame(FRAME, weights="w")
SEX = {"男": 1, "女": 1}
ONE_BLANK = ["男", None, "女", "女", "女", "男"]

# kind -> a library call raising it
WEIGHTING_TRIGGERS = {
    "missing-variable": lambda: rake(DES, {"sexx": SEX}),
    "missing-values": lambda: poststratify(Design.from_frame(FRAME.assign(sex=ONE_BLANK), weights="w"), {"sex": SEX}),
    "joint-columns": lambda: rake(DES, {"sex+age": pd.DataFrame({"sex": ["男"], "n": [1]})}),
    "margin-type": lambda: rake(DES, {"sex": 5}),
    "margin-columns": lambda: rake(DES, {"sex": pd.DataFrame({"sex": ["男", "女"]})}),
    "blank-category": lambda: rake(DES, {"sex": {"": 1, "男": 1, "女": 1}}),
    "duplicate": lambda: rake(DES, {"sex": pd.DataFrame({"sex": ["男", "男", "女"], "n": [1, 2, 3]})}),
    "bad-population": lambda: rake(DES, {"sex": {"男": -1, "女": 3}}),
    "empty": lambda: rake(DES, {"sex": {}}),
    "margins-type": lambda: rake(DES, [("sex", SEX)]),
    "no-margins": lambda: rake(DES, {}),
    "not-in-sample": lambda: rake(DES, {"sex": {"男": 1, "女": 1, "其他": 1}}),
    "not-in-margin": lambda: rake(DES, {"age": {"1": 1, "2": 1}}),
    "zero-population": lambda: rake(DES, {"sex": {"男": 0, "女": 1}}),
    "shares": lambda: rake(DES, {"sex": {"男": 0.5, "女": 0.4}}),
    "population-total": lambda: rake(DES, {"sex": {"男": 0.5, "女": 0.5}}, population_total=-1),
    "totals": lambda: rake(DES, {"sex": {"男": 10, "女": 10}, "age": {"1": 5, "2": 5, "3": 5}}),
    "totals-population": lambda: rake(DES, {"sex": {"男": 10, "女": 10}}, population_total=30),
    "trim-bounds": lambda: trim_weights(DES, upper=0),
    "cap": lambda: rake(DES, {"sex": SEX}, cap=0.5),
    "maxit": lambda: rake(DES, {"sex": SEX}, maxit=0),
    "poststratify-margins": lambda: poststratify(DES, {"sex": SEX, "age": {"1": 1, "2": 1, "3": 1}}),
    "unknown-method": lambda: weight_to(DES, {"sex": SEX}, method="ipf"),
}
CALIBRATION_TRIGGERS = {
    "missing-variable": lambda: calibrate(DES, {"zz": 5}),
    "missing-values": lambda: calibrate(Design.from_frame(FRAME.assign(sex=ONE_BLANK), weights="w"),
                                        {"sex": {"男": 3, "女": 3}}),
    "not-in-total": lambda: calibrate(DES, {"sex": {"男": 10}}),
    "not-in-sample": lambda: calibrate(DES, {"sex": {"男": 10, "女": 10, "其他": 5}}),
    "category-totals": lambda: calibrate(DES, {"(Intercept)": 100, "sex": {"男": 10, "女": 10}}),
    "non-numeric": lambda: calibrate(Design.from_frame(FRAME.assign(x=[1, None, 3, 4, 5, 6]), weights="w"), {"x": 30}),
    "no-totals": lambda: calibrate(DES, {}),
    "unknown-calfun": lambda: calibrate(DES, {"x": 30}, calfun="probit"),
    "logit-bounds": lambda: calibrate(DES, {"x": 30}, calfun="logit"),
    "collinear": lambda: calibrate(DES, {"x": 30, "x2": 60}),
    "no-convergence": lambda: calibrate(DES, {"(Intercept)": 10, "x": 60}, bounds=(0.9, 1.1)),
    "breakdown": lambda: calibrate(DES, {"(Intercept)": 400, "x": 60000}, calfun="logit", bounds=(0.5, 2)),
}
FILES = {v: Path(f"/m/{v}.csv") for v in ("sex", "age", "sex+age", "x", "x2")}
DATA = Path("/d/data.csv")


def _raised_kinds(path: Path, exc: str) -> set:
    """The ``kind=`` of every ``exc(...)`` raised in ``path`` (both branches of a conditional); every raise names
    one."""
    kinds = set()
    for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == exc:
            kw = {k.arg: k.value for k in n.keywords}
            assert "kind" in kw, f"{path.name}:{n.lineno}: {exc} without a kind"
            v = kw["kind"]
            for c in ([v.body, v.orelse] if isinstance(v, ast.IfExp) else [v]):
                if isinstance(c, ast.Constant):
                    assert c.value, f"{path.name}:{n.lineno}: empty kind"
                    kinds.add(c.value)
                else:  # a relayed kind (report/pipeline.py re-raises e.kind)
                    assert isinstance(c, ast.Attribute) and c.attr == "kind", f"{path.name}:{n.lineno}"
    return kinds


def test_every_kind_raised_in_analysis_has_a_trigger_and_an_entry():
    weighting = _raised_kinds(ROOT / "analysis" / "weighting.py", "WeightingError")
    calibration = _raised_kinds(ROOT / "analysis" / "calibration.py", "CalibrationError")
    assert _raised_kinds(ROOT / "report" / "pipeline.py", "WeightingError") <= weighting
    assert set(WEIGHTING_TRIGGERS) == weighting and set(CALIBRATION_TRIGGERS) == calibration
    assert set(WEIGHTING_CODES) == weighting and set(CALIBRATION_CODES) == calibration
    for codes in (WEIGHTING_CODES, CALIBRATION_CODES):  # one entry per kind, each in the catalogue
        assert len(set(codes.values())) == len(codes) and set(codes.values()) <= set(CATALOGUE)
    assert not {"weight-margin", "weight-calibration", "weight-project-margin", "xlsform"} & set(CATALOGUE)


@pytest.mark.parametrize("kind", sorted(WEIGHTING_TRIGGERS))
def test_weighting_kind_says_its_own_entry(kind):
    e = raised(WEIGHTING_TRIGGERS[kind], WeightingError)
    assert e.kind == kind
    p = one_filled(weighting_error(e, FILES, DATA))
    assert p.code == WEIGHTING_CODES[kind]
    if e.variable:
        assert f"'{e.variable}'" in p.message, p.message
    if p.code in USAGE_CODES:  # an option's value: the command line, no file
        assert p.file is None and is_usage_error(p)
    elif kind in ("margins-type", "no-margins", "trim-bounds"):  # what the call asked for as a whole
        assert p.file is None and not is_usage_error(p)
    elif e.variable in FILES and kind not in ("missing-values", "missing-variable"):
        assert p.file == str(FILES[e.variable]), p.file
    elif kind in ("missing-values", "missing-variable"):
        assert p.file == str(DATA)


@pytest.mark.parametrize("kind", sorted(CALIBRATION_TRIGGERS))
def test_calibration_kind_says_its_own_entry(kind):
    e = raised(CALIBRATION_TRIGGERS[kind], CalibrationError)
    assert e.kind == kind
    p = one_filled(calibration_error(e, FILES, DATA))
    assert p.code == CALIBRATION_CODES[kind]
    if e.variable:
        assert f"'{e.variable}'" in p.message, p.message
    if p.code in USAGE_CODES or kind == "no-totals":  # an option's value, or the command as a whole: no file
        assert p.file is None
    else:
        assert p.file in (str(DATA), str(FILES.get(e.variable))), p.file


@pytest.mark.parametrize("margin, weights, code, words", [
    # margin categories missing from the sample and sample categories missing from the margin: both named
    ({"age": {"1": 1, "2": 1, "4": 1}}, None, "weight-margin-categories-mismatch",
     ["'4'", "'3' (2 rows)", "'4': did you mean '3'?"]),
    # a category whose rows all weigh 0: said so, without a "did you mean" offering the category itself
    ({"age": {"1": 1, "2": 1, "3": 1}}, [1.0, 1, 0, 1.5, 1, 0], "weight-margin-zero-weight-category",
     ["'3' (2 row(s), all of weight 0)", "merge that category"]),
], ids=["both-sides", "weight-0"])
def test_categories_of_both_sides_and_of_weight_zero(margin, weights, code, words):
    des = DES if weights is None else Design.from_frame(FRAME.assign(w=weights), weights="w")
    e = raised(lambda: rake(des, margin), WeightingError)
    p = one_filled(weighting_error(e, FILES, DATA))
    assert p.code == code and p.file == str(FILES["age"]) and all(w in str(p) for w in words), str(p)
    assert "did you mean '3' or" not in str(p)


# ----------------------------------------------------------------------------- survey weight, end to end
@pytest.fixture
def data(tmp_path):
    rows = [("男", "18-34", 1.0, 3), ("男", "35+", 1.0, 4), ("女", "18-34", 2.0, 5), ("女", "35+", 1.5, 2),
            ("女", "18-34", 1.0, 5), ("男", "35+", 1.0, 1)]
    path = tmp_path / "answers.csv"
    pd.DataFrame(rows, columns=["sex", "age", "w", "y"]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("margins, extra, status, words", [
    # a category of population 0 that the data have rows of
    ({"sex": "sex,N\n男,0\n女,1000\n"}, [], 1,
     ["sex.csv: error: 'sex': categories with population 0 but sample rows: '男'",
      "give those categories their population in the margin file"]),
    # shares that do not add up to 1
    ({"age": "age,share\n18-34,0.5\n35+,0.3\n"}, [], 1,
     ["age.csv: error: 'age': the shares add up to 0.8, not 1", "add up to 1, or 100%"]),
    # two margins of different totals: both files named, with their totals
    ({"sex": "sex,N\n男,500\n女,500\n", "age": "age,N\n18-34,600\n35+,600\n"}, [], 1,
     ["sex.csv, ", "age.csv: error: margins describe different population totals: sex 1,000, age 1,200",
      "give every margin the same total"]),
    # --cap of at most 1: a wrong option value
    ({"sex": "sex,N\n男,500\n女,500\n"}, ["--cap", "0.8"], 2,
     ["error: --cap must be a number greater than 1 (a maximum ratio of a weight to the mean), not 0.8"]),
    # linear calibration to the total of a column with an empty cell: the data file and the column named
    ({"sex": "sex,N\n男,500\n女,500\n"}, ["--method", "linear", "--total", "w=1000"], None, None),
], ids=["zero-population", "shares-sum", "totals-differ", "cap", "calibration-ok"])
def test_survey_weight_says_the_specific_problem(tmp_path, capsys, data, margins, extra, status, words):
    args = ["weight", str(data), "--out", str(tmp_path / "o.csv")]
    for var, text in margins.items():
        (tmp_path / f"{var}.csv").write_text(text, encoding="utf-8")
        args += ["--margin", f"{var}={tmp_path / f'{var}.csv'}"]
    rc, out = run_main(capsys, *args, *extra)
    if status is None:  # the control: the same command weighs when nothing is wrong
        assert rc == 0 and (tmp_path / "o.csv").exists(), out
        return
    assert rc == status and "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    assert all(w in out for w in words), out
    assert not (tmp_path / "o.csv").exists()


def test_survey_weight_calibration_to_a_column_with_an_empty_cell(tmp_path, capsys, data):
    frame = pd.read_csv(data)
    frame.loc[2, "y"] = np.nan
    frame.to_csv(data, index=False)
    (tmp_path / "sex.csv").write_text("sex,N\n男,500\n女,500\n", encoding="utf-8")
    rc, out = run_main(capsys, "weight", str(data), "--margin", f"sex={tmp_path / 'sex.csv'}", "--method", "linear",
                       "--total", "y=3000", "--out", str(tmp_path / "o.csv"))
    assert rc == 1 and "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    assert (f"{data}: error: column 'y' has missing or non-numeric values; every row needs a number to be "
            "calibrated to its total (give every row a number in 'y', or leave out --total y=…)") in out, out


# ----------------------------------------------------------------------------- the margins of minyi.yaml
@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate, write_csv

    root = tmp_path_factory.mktemp("weight_msgs")
    q = load_questionnaire(bundled_path())
    proj = root / "p"
    rc = _cli("init", str(proj), "--questionnaire", str(bundled_path()))
    assert rc == 0
    write_csv(simulate(q, 150, 5, start="2026-03-01"), root / "W1.csv")
    assert _cli("import", str(proj), str(root / "W1.csv"), "--wave", "W1") == 0
    districts = [o.label for o in q.question(q.district_question).options]
    return proj, districts


def _cli(*args: str) -> int:
    import cli

    try:
        return cli.main(list(args))
    except SystemExit as e:
        return e.code


def _configure(proj: Path, **kw) -> None:
    import yaml

    path = proj / "minyi.yaml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    cfg.update(kw)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")


def test_project_margins_name_the_wave_and_the_margins_file(project, tmp_path, capsys):
    import shutil

    src, districts = project
    proj = tmp_path / "p"
    shutil.copytree(src, proj)
    # a sampled district left out of the margins file
    (proj / "pop_district.csv").write_text("区县,人口\n" + "".join(f"{d},{1000 * (i + 1)}\n"
                                                                  for i, d in enumerate(districts[:-1])),
                                           encoding="utf-8")
    _configure(proj, margins={"district": "pop_district.csv"}, weighting={"method": "rake"})
    rc, out = run_main(capsys, "analyze", str(proj))
    assert rc == 1 and "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    assert (f"{proj / 'pop_district.csv'}: error: weighting wave 'W1': district (") in out, out
    assert f"sample categories absent from the margin: '{districts[-1]}' (" in out
    assert "(add those options to the margins file with their population count or share)" in out
    # post-stratification on two margins: minyi.yaml named
    (proj / "pop_gender.csv").write_text("性别,占比\n男,50%\n女,50%\n", encoding="utf-8")
    (proj / "pop_district.csv").write_text("区县,人口\n" + "".join(f"{d},1000\n" for d in districts),
                                           encoding="utf-8")
    _configure(proj, margins={"district": "pop_district.csv", "gender": "pop_gender.csv"},
               weighting={"method": "poststratify"})
    rc, out = run_main(capsys, "analyze", str(proj))
    assert rc == 1 and "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    assert (f"{proj / 'minyi.yaml'}: error: weighting wave 'W1': post-stratification uses one margin, not 2 "
            "(write weighting: {method: rake} in minyi.yaml for several margins, or keep one margin)") in out, out


def test_project_kinds_have_entries_and_library_argument_kinds_stay_the_library_s(project, tmp_path):
    """The kinds the margins of minyi.yaml can meet are said in weight-project-… entries naming the wave; the
    others are arguments minyi passes itself (a bug if met), relayed as the library's error."""
    from report.project import weighting_problem
    from survey.store import Project

    proj = Project.open(project[0])
    said = {}
    for kind, trigger in WEIGHTING_TRIGGERS.items():
        e = raised(trigger, WeightingError)
        out = weighting_problem(proj, e, "W1")
        if out is e:
            continue
        p = one_filled(out)
        assert p.code.startswith("weight-project-") and "weighting wave 'W1'" in p.message, p.message
        said[kind] = p.code
    assert set(said) == {"missing-variable", "missing-values", "not-in-sample", "not-in-margin", "zero-population",
                         "poststratify-margins"}, said
    assert len(set(said.values())) == len(said)
