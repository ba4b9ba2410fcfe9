"""Every catalogue entry has its own words (pyxform / frictionless style): no catch-all whose template is only a
placeholder ("{reason}") that each raise site fills with a sentence of its own.  The catch-alls ``usage`` and
``bad-option`` were replaced by one entry per problem (no-responses-yet, unknown-report-format, wave-name-spaces,
…); which of them is a wrong command line (exit status 2) is :data:`survey.messages.USAGE_CODES`.  The last
ones, ``xlsform``, ``weight-margin``, ``weight-calibration``, ``weight-project-margin`` and the ``{detail}`` of
``weight-missing-values``, by one entry per problem too (xlsform-not-xlsform, weight-margin-shares-sum,
calibration-collinear, …; every kind of the weighting errors is checked in test_weighting_messages.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cli_capture import run_main
from xlsform_files import workbook
from survey.design_messages import DESIGN_CODES, PLANNING_CODES
from survey.messages import CATALOGUE, OPTION_OR_FILE_CODES, USAGE_CODES, problem

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"

# the one entry that is a bare placeholder:
PLACEHOLDER_ALLOWED = {
    "internal",               # an unexpected exception's own text: a bug to report, no fixed words to give
}


def test_no_entry_is_only_a_placeholder():
    bare = {code for code, (msg, _) in CATALOGUE.items() if re.fullmatch(r"\s*\{\w+\}\s*", msg)}
    assert bare <= PLACEHOLDER_ALLOWED, sorted(bare - PLACEHOLDER_ALLOWED)
    assert "usage" not in CATALOGUE and "bad-option" not in CATALOGUE


def test_no_entry_is_a_sentence_after_a_prefix():
    """Nor a catch-all in effect: a fixed prefix and then a placeholder the raise site fills with its sentence, as
    weight-project-margin was ("weighting wave '{wave}': {detail}")."""
    gone = {"xlsform", "weight-margin", "weight-calibration", "weight-project-margin", "bad-value", "selection-limits",
            "mapping-invalid", "design-data", "analysis-option-value", "plan-options", "plan-strata", "config-key"}
    assert not gone & set(CATALOGUE), sorted(gone & set(CATALOGUE))
    tail = {code for code, (msg, _) in CATALOGUE.items() if re.search(r":\s*\{(detail|reason)\}\s*$", msg)}
    assert {c for c in tail if c.startswith(("weight", "calibration"))} == set(), sorted(tail)


def _raised_codes():
    """(file, line, code, keyword names) of every ``MinyiError.of("code", ...)`` / ``problem("code", ...)`` /
    ``option_problem("code", option, ...)`` / ``names_nothing("code", option, values)`` with a literal code in the
    library and the CLI (those two fill ``{option}``, and names_nothing ``{value}``, themselves)."""
    for folder in ("survey", "cli", "report", "analysis", "engines"):
        for f in sorted((ROOT / folder).rglob("*.py")):
            for n in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
                if not (isinstance(n, ast.Call) and n.args):
                    continue
                name = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", None)
                if name not in ("of", "problem", "option_problem", "names_nothing"):
                    continue
                first = n.args[0]
                codes = [first] if isinstance(first, ast.Constant) else (
                    [first.body, first.orelse] if isinstance(first, ast.IfExp) else [])
                for c in codes:
                    if isinstance(c, ast.Constant) and isinstance(c.value, str):
                        given = {k.arg for k in n.keywords} | {"option_problem": {"option"},
                                                               "names_nothing": {"option", "value"}}.get(name, set())
                        yield f.relative_to(ROOT), n.lineno, c.value, given


def test_every_raised_code_is_in_the_catalogue():
    """A raise of a removed entry (``usage``) would be a KeyError: an internal error instead of the message."""
    missing = [(str(f), line, code) for f, line, code, _ in _raised_codes() if code not in CATALOGUE]
    assert not missing, missing


@pytest.mark.parametrize("code", sorted(USAGE_CODES))
def test_usage_codes_render_with_the_params_their_raise_sites_give(code):
    """Each entry of USAGE_CODES is raised somewhere, and every raise gives every {param} of its template (a
    missing one would print the template's braces).  The entries of the library's option values are raised through
    survey/design_messages.py's table, filled by each kind's params (test_design_messages.py triggers every kind)."""
    if code in set(DESIGN_CODES.values()) | set(PLANNING_CODES.values()):
        return
    sites = [(f, line, kws) for f, line, c, kws in _raised_codes() if c == code]
    assert sites, f"{code} is raised nowhere"
    wanted = set(re.findall(r"\{(\w+)", " ".join(CATALOGUE[code]))) - {"suggestion"}
    for f, line, kws in sites:
        assert None in kws or wanted <= kws, (str(f), line, wanted - kws)


def test_every_option_problem_is_a_usage_code():
    """A wrong option value said by cli/ is a wrong command line (exit 2): its entry is one of USAGE_CODES.  So is one
    the library finds as it works on a data file (``survey.errors.option_problem``, raised in survey/ and report/ and
    said by the CLI as its own: a design option's choice, --df, a --margin given twice)."""
    option = set()
    for f in sorted(p for folder in ("cli", "survey", "report") for p in (ROOT / folder).rglob("*.py")):
        for n in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if (isinstance(n, ast.Call) and getattr(n.func, "id", None) in ("option_problem", "names_nothing")
                    and n.args and isinstance(n.args[0], ast.Constant)):
                option.add(n.args[0].value)
    assert len(option) > 40 and option <= USAGE_CODES, sorted(option - USAGE_CODES)


def test_the_command_line_says_no_sentence_of_its_own():
    """Every wrong option value of cli/ is said from the catalogue through ``cli._common.option_problem``: no
    ``typer.BadParameter("…")`` with a sentence written at the raise site (there were 46, each its own wording)."""
    sites = []
    for f in sorted((ROOT / "cli").rglob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef) or fn.name == "option_problem":
                continue
            for n in ast.walk(fn):
                if isinstance(n, ast.Call) and getattr(n.func, "attr", None) == "BadParameter":
                    sites.append(f"{f.relative_to(ROOT)}:{n.lineno} in {fn.name}")
    assert not sites, sites


def test_usage_codes_are_catalogue_entries():
    assert USAGE_CODES <= set(CATALOGUE) and not set(OPTION_OR_FILE_CODES) & USAGE_CODES


def test_a_state_of_the_project_reads_as_one_message():
    p = problem("no-responses-yet", file="proj")
    assert str(p) == "proj: error: the project has no responses yet (survey import first)"


# --- exit status: a wrong option value is a wrong command line (2); the state of the project is bad input (1) ---

def _cli(*args: str) -> int:
    import cli

    try:
        return cli.main(list(args))
    except SystemExit as e:  # main() exits when run as the console script
        return e.code


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    root = tmp_path_factory.mktemp("codes")
    for name in ("empty", "one"):
        assert _cli("init", str(root / name), "--questionnaire", str(QFILE)) == 0
    assert _cli("import", str(root / "one"), str(DATA / "wjx_by_code.csv"), "--wave", "W1") == 0
    return root


@pytest.mark.parametrize("argv, status, words", [
    # reclassified 1 -> 2: these were the catch-all "usage", exit 1
    (["form", str(QFILE), "--out", "{d}/form.docx"], 2, "the paper form is written as HTML or PDF"),
    (["import", "{d}/empty", str(DATA / "wjx_by_code.csv"), "--site", "X"], 2,
     "--site: the questionnaire has no site_question"),
    (["analyze", "{d}/one", "--wave", "W9"], 2, "the project has no wave 'W9' (did you mean 'W1'?)"),
    (["export", "{d}/one", "--wave", "W9", "--out", "{d}/x.csv"], 2, "the project has no wave 'W9'"),
    # the state of the project stays bad input
    (["analyze", "{d}/empty"], 1, "the project has no responses yet (survey import first)"),
], ids=["form-out-suffix", "site-without-question", "analyze-unknown-wave", "export-unknown-wave",
        "no-responses-yet"])
def test_exit_status(projects, capsys, argv, status, words):
    rc, out = run_main(capsys, *[a.format(d=projects) for a in argv])
    assert rc == status and words in out and "Traceback" not in out, (rc, out)
    assert len(out.strip().splitlines()) == 1, out


# --- the XLSForm problems that were the catch-all "xlsform" ({reason}): each its own entry ---


@pytest.mark.parametrize("sheets, words", [
    # a workbook that is no XLSForm: pyxform's words after minyi's
    ({"data": [["a", "b"], [1, 2]]}, "error: not a valid XLSForm: Invalid headers provided for sheet: 'survey'"),
    # an XLSForm with only a note
    ({"survey": [["type", "name", "label"], ["note", "n1", "Hello"]], "choices": [["list_name", "name", "label"]]},
     "error: the form has no question minyi can use (add select_one / select_multiple / integer / text questions "
     "to the survey sheet)"),
], ids=["not-xlsform", "no-usable-question"])
def test_xlsform_problems_say_their_own_words(tmp_path, capsys, sheets, words):
    book = workbook(tmp_path / "form.xlsx", sheets)
    rc, out = run_main(capsys, "convert", str(book), "--to", "yaml", "--out", str(tmp_path / "q.yaml"))
    assert rc == 1 and f"{book}: {words}" in out and "Traceback" not in out, out
    assert len(out.strip().splitlines()) == 1 and not (tmp_path / "q.yaml").exists(), out
