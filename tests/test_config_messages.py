"""Every problem of a value in minyi.yaml has its own catalogue entry (pyxform / frictionless style).

Before, the readers of the settings (waves, ledger, owners, serve and quotas, margins, weighting, the thresholds,
exclusions, the design columns, limits) all raised ``config-key`` — "{key}: {reason}" with a hint "{hint}" — and
wrote the sentence and the hint at each raise site.  Now each kind of problem is an entry of its own
(``config-not-share``, ``config-quota-cell-twice``, ``config-wave-dates-reversed`` …), filled with the key and the
value, and :func:`survey.config_marks.locate` marks the value's line and column for every one of them.  What is
left of ``config-key`` was said by the design's own checks (the design keys of minyi.yaml), which have entries of their
own now too (tests/test_design_messages.py)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from cli_capture import run_main
from survey.config_marks import KEY_CODES, VALUE_CODES
from survey.messages import CATALOGUE, said_value
from survey.store import Project

ROOT = Path(__file__).parent.parent
QY = Path(__file__).parent / "data" / "wjx_questionnaire.yaml"


def _literal_codes(node) -> list[str]:
    """The literal codes an argument can be: a constant, or both branches of a conditional."""
    parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else [node]
    return [c.value for c in parts if isinstance(c, ast.Constant) and isinstance(c.value, str)]


def _raised(code_prefix: str):
    """(file, line, code) of every ``MinyiError.of(code, ...)`` / ``problem(code, ...)`` (and survey/collect/
    settings.py's ``_err(path, code, key, ...)``) whose literal code starts with ``code_prefix``, in the library
    and the CLI."""
    for folder in ("survey", "cli", "report", "engines"):
        for f in sorted((ROOT / folder).rglob("*.py")):
            for n in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
                if not (isinstance(n, ast.Call) and n.args):
                    continue
                name = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", None)
                arg = n.args[1] if name == "_err" and len(n.args) > 1 else n.args[0] if name in ("of", "problem") \
                    else None
                for code in _literal_codes(arg) if arg is not None else []:
                    if code.startswith(code_prefix):
                        yield f.relative_to(ROOT).as_posix(), n.lineno, code


def test_every_settings_code_is_located_and_in_the_catalogue():
    raised = {code for _, _, code in _raised("config-")} - {"config-empty"}
    assert len(raised) >= 25, sorted(raised)
    assert raised <= set(CATALOGUE), sorted(raised - set(CATALOGUE))
    # named at their line and column in minyi.yaml (a code missing here was printed without a line)
    assert raised <= set(VALUE_CODES) | set(KEY_CODES) | {"config-root-not-mapping"}, \
        sorted(raised - set(VALUE_CODES))
    assert set(VALUE_CODES) <= set(CATALOGUE)


def test_config_key_is_gone():
    """The design's own checks, the last raise sites of config-key, say their entries too (config-design-choice,
    config-design-one-column, config-na-policy …; tests/test_design_messages.py)."""
    assert not list(_raised("config-key")) and "config-key" not in CATALOGUE


def test_said_value_is_python_spelling_cut_short():
    assert said_value("abc") == "'abc'" and said_value(2) == "2" and said_value(True) == "True"
    long = said_value([{"site": "社区", "target": 120}] * 10)
    assert len(long) == 60 and long.endswith("…") and long.startswith("[{'site': '社区'")


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cfgmsg") / "p"
    Project.create(root, QY)
    return root


@pytest.fixture
def proj(clean, tmp_path) -> Path:
    p = tmp_path / "p"
    shutil.copytree(clean, p)
    return p


def _with(proj: Path, extra: str, replace: tuple[str, ...] = ()) -> list[str]:
    """minyi.yaml with the lines starting with ``replace`` (keys survey init wrote) taken out and ``extra``
    added."""
    cfg = proj / "minyi.yaml"
    kept = [ln for ln in cfg.read_text(encoding="utf-8").splitlines() if not ln.startswith(replace)]
    text = "\n".join(kept) + "\n" + extra
    cfg.write_text(text, encoding="utf-8")
    return text.splitlines()


def _line(lines: list[str], fragment: str) -> int:
    return next(i for i, ln in enumerate(lines, start=1) if fragment in ln)


def test_status_says_each_value_problem_in_its_own_words_at_its_line(proj, capsys):
    lines = _with(proj, "speeder_fraction: 1.5\n"
                        "ledger: {alpha: 0, adjust: bonferroni, deadline: 明天}\n"
                        "waves:\n"
                        "  2026Q1: [a, b]\n"
                        "  2026Q2: {start: 2026-07-01, end: 2026-04-01}\n", replace=("speeder_fraction:", "waves:"))
    rc, out = run_main(capsys, "status", str(proj))
    assert rc == 1 and "Traceback" not in out and "internal error" not in out, out
    sf, led = _line(lines, "speeder_fraction:"), _line(lines, "ledger:")
    q1, q2 = _line(lines, "2026Q1:"), _line(lines, "2026Q2:")
    expected = [
        (sf, "speeder_fraction must be a number greater than 0 and less than 1, not 1.5"),
        (q1, "waves.2026Q1 must be a label or a mapping, not ['a', 'b']"),
        (q2, "waves.2026Q2 starts (2026-07-01) after it ends (2026-04-01) (swap start and end)"),
    ]
    for line, words in expected:
        assert any(f"minyi.yaml:{line}:" in ln and words in ln for ln in out.splitlines()), (words, out)
    del led  # the ledger's settings are read by survey ledger, below


def test_ledger_settings_each_in_its_own_words(proj, capsys):
    from survey.errors import MinyiError
    from survey.ledger import ledger_settings

    with pytest.raises(MinyiError) as e:
        ledger_settings({"ledger": {"alpha": 0, "adjust": "bonferroni", "deadline": "明天", "deadline_days": -1}},
                        str(proj / "minyi.yaml"))
    said = [str(p) for p in e.value.problems]
    assert [p.code for p in e.value.problems] == ["config-not-share", "config-ledger-adjust",
                                                  "config-not-whole-number", "config-not-date"]
    assert "ledger.alpha must be a number greater than 0 and less than 1, not 0 (e.g. 0.05, the chance" in said[0]
    assert "ledger.adjust must be holm or none, not 'bonferroni' (holm keeps the chance" in said[1]
    assert "ledger.deadline_days must be a whole number of at least 0, not -1" in said[2]
    assert "ledger.deadline: '明天' is not a date written YYYY-MM-DD (write dates as YYYY-MM-DD" in said[3]


def test_weighting_in_its_own_words(proj):
    from report.project import _weighting_method
    from survey.errors import MinyiError

    project = Project.open(proj)
    said = []
    for weighting, population in (("rake", {"x": 1}), ({"method": "raking"}, {"x": 1}), ({"method": "rake"}, {})):
        with pytest.raises(MinyiError) as e:
            _weighting_method(project, {"weighting": weighting}, population)
        said.append(str(e.value))
    assert "weighting must be a mapping of keys and values, not 'rake' (e.g. weighting: {method: rake})" in said[0]
    assert "weighting.method must be rake or poststratify, not 'raking' (e.g. weighting: {method: rake})" in said[1]
    assert ("weighting needs population margins, and the settings have no margins: (add margins: {district: "
            "pop_district.csv") in said[2]


@pytest.mark.parametrize("key", ["ci_method", "na_policy"])
def test_a_setting_left_empty_is_not_set(tmp_path, capsys, key):
    """``ci_method:`` with nothing after it (YAML null) said "unknown interval method 'None'"; it is read as not set
    (the default), as every other setting of minyi.yaml is.  The JSON equals that of the default written out."""
    from cli_capture import init_project

    proj = Path(init_project(tmp_path, capsys, QY))
    rc, out = run_main(capsys, "import", str(proj), str(QY.parent / "wjx_by_code.csv"), "--wave", "2026Q1")
    assert rc == 0, out
    cfg = proj / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    default = {"ci_method": "logit", "na_policy": "exclude"}[key]
    assert f"{key}: {default}\n" in text
    rc, with_default = run_main(capsys, "analyze", str(proj), "--json")
    assert rc == 0, with_default
    cfg.write_text(text.replace(f"{key}: {default}\n", f"{key}:\n"), encoding="utf-8")
    shutil.rmtree(proj / ".minyi-cache", ignore_errors=True)
    rc, left_empty = run_main(capsys, "analyze", str(proj), "--json")
    assert rc == 0 and "None" not in left_empty, left_empty
    import json

    a, b = json.loads(with_default), json.loads(left_empty)
    assert a["meta"][key] == b["meta"][key] == default
    for part in ("indicators", "items", "questions"):
        assert a[part] == b[part], part
