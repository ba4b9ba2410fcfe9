"""A hand-edited minyi.yaml: every problem at once, each naming the file, the line and the column (session 28).

The rule (issue 2: "errors are one readable message naming the file, line/row and column"; the pyxform /
frictionless style of reporting every problem at once) was kept for questionnaires but not for the project's
settings: a typo named the key but not its line, only the first problem was told, a key written twice was
dropped silently (PyYAML keeps the last), a tab said "while scanning for the next token" with no line, an
empty file was read as "no settings", and a GBK-saved file stopped with an internal UnicodeDecodeError.
Expected lines are found in the text the test wrote, not copied from the output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cli
from survey.store import Project

DATA = Path(__file__).parent / "data"
QY = DATA / "wjx_questionnaire.yaml"


def _run(args, capsys) -> tuple[int, str]:
    cli._exit.called_from_console = False
    try:
        rc = cli.main([str(a) for a in args])
    finally:
        cli._exit.called_from_console = True
    return rc, capsys.readouterr().err


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    """A fresh project made by survey init; each test edits a copy of its minyi.yaml."""
    root = tmp_path_factory.mktemp("cfg") / "p"
    Project.create(root, QY)
    return root


@pytest.fixture
def proj(clean, tmp_path) -> Path:
    import shutil

    p = tmp_path / "p"
    shutil.copytree(clean, p)
    return p


def _line_of(text: str, fragment: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``text`` that contains ``fragment``."""
    hits = [i for i, ln in enumerate(text.splitlines(), start=1) if fragment in ln]
    return hits[nth - 1]


def _edit(proj: Path, old: str, new: str, *, append: str = "") -> str:
    cfg = proj / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1) + append
    cfg.write_text(text, encoding="utf-8")
    return text


def _clean_exit(rc: int, err: str) -> None:
    assert rc == 1, err
    assert "Traceback" not in err and "internal error" not in err, err


def test_duplicate_key_is_an_error_at_its_second_line(proj, capsys):
    text = _edit(proj, "small_base: 30", "small_base: 30\nsmall_base: 40")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    first, second = _line_of(text, "small_base:"), _line_of(text, "small_base:", 2)
    assert f"minyi.yaml:{second}:1: error: key 'small_base' appears twice" in err
    assert f"first on line {first}" in err


def test_duplicate_key_inside_a_section(proj, capsys):
    text = _edit(proj, "  speeder: true", "  speeder: true\n  speeder: false")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    assert f"minyi.yaml:{_line_of(text, 'speeder:', 2)}:3: error: key 'speeder' appears twice" in err


def test_every_problem_at_once_with_line_and_column_in_file_order(proj, capsys):
    text = _edit(proj, "small_base: 30", "smal_base: 30",
                 append="waves:\n  2026Q1: {start: 2026/3/1}\nledger: {hot_issue_share: 30%}\n")
    text = _edit(proj, "waves: []\n", "")
    text = _edit(proj, "  speeder: true", "  speeder: yes please")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    lines = err.strip().splitlines()
    assert len(lines) == 4, err
    want = [
        (_line_of(text, "speeder: yes"), text.splitlines()[_line_of(text, "speeder: yes") - 1].index("yes") + 1,
         "exclusions.speeder must be true or false"),
        (_line_of(text, "smal_base"), 1, "unknown key 'smal_base'"),
        (_line_of(text, "2026/3/1"), text.splitlines()[_line_of(text, "2026/3/1") - 1].index("2026/3/1") + 1,
         "waves.2026Q1.start: '2026/3/1' is not a date written YYYY-MM-DD (write 2026-03-01)"),
        (_line_of(text, "30%"), text.splitlines()[_line_of(text, "30%") - 1].index("30%") + 1,
         "ledger.hot_issue_share"),
    ]
    for got, (line, col, what) in zip(lines, want):
        assert f"minyi.yaml:{line}:{col}: error: " in got and what in got, (got, line, col, what)


def test_unknown_limit_is_named_at_its_line(proj, capsys):
    text = _edit(proj, "min_cell: 10", "min_cell: 10\nlimits:\n  import_colums: 5")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    assert f"minyi.yaml:{_line_of(text, 'import_colums')}:3: error: unknown key 'import_colums'" in err
    assert "import_columns" in err  # did you mean


def test_tab_is_named_at_its_line(proj, capsys):
    text = _edit(proj, "  speeder: true", "\tspeeder: true")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    assert f"minyi.yaml:{_line_of(text, 'speeder')}:1: error: the line is indented with a tab" in err


def test_empty_file_is_said_so(proj, capsys):
    (proj / "minyi.yaml").write_text("", encoding="utf-8")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    assert "minyi.yaml:1:1: error: the project settings file is empty" in err


def test_gbk_settings_are_read_and_kept(proj, capsys, tmp_path):
    """A minyi.yaml saved as GBK (Windows Notepad, WPS) is read; the wave an import adds keeps the org."""
    cfg = proj / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8") + "org: 某市文明办\n"
    cfg.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    rc, err = _run(["status", proj], capsys)
    assert rc == 0, err
    rc, err = _run(["import", proj, DATA / "wjx_by_code.csv", "--wave", "W1"], capsys)
    assert rc == 0, err
    p = Project.open(proj)
    assert p.config["org"] == "某市文明办" and "W1" in p.config["waves"]


def test_serve_settings_name_their_line(proj, capsys):
    """serve:/quotas: are read by survey serve; its problems carry their lines through the CLI too."""
    text = _edit(proj, "min_cell: 10", "min_cell: 10\nserve: {rate_limt: 5}")
    rc, err = _run(["serve", proj, "--port", "18765"], capsys)
    _clean_exit(rc, err)
    line = _line_of(text, "rate_limt")
    col = text.splitlines()[line - 1].index("rate_limt") + 1
    assert f"minyi.yaml:{line}:{col}: error: unknown key 'rate_limt' in serve" in err


# ----------------------------------------------------------------------------- population files
def test_margin_file_gives_every_bad_row_with_line_and_column(tmp_path):
    """A margin file with a bad value, a missing category, a repeated category and percentages mixed with counts:
    four problems, each at its line and column (was: only the repeated category, the others after a re-run)."""
    from survey.errors import MinyiError
    from survey.margins import read_margin_file

    rows = ["区县,人口", "东城区,120000", "西城区,85%", "南城区,abc", ",5", "东城区,4"]
    f = tmp_path / "pop.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(MinyiError) as e:
        read_margin_file(f)
    got = {(p.code, p.line, p.column) for p in e.value.problems}
    line = {r.split(",")[0] or r: i for i, r in enumerate(rows, start=1)}
    assert ("margin-value", line["南城区"], "人口") in got
    assert ("margin-no-category", line[",5"], "区县") in got
    assert ("margin-duplicate", len(rows), "区县") in got
    mixed = [p for p in e.value.problems if p.code == "margin-mixed-percent"]
    assert len(mixed) == 1 and f"line {line['西城区']}" in mixed[0].message
    assert len(e.value.problems) == 4


def test_strata_duplicate_names_its_line(tmp_path):
    from survey.errors import MinyiError
    from survey.margins import read_strata_file

    f = tmp_path / "strata.csv"
    f.write_text("stratum,N\nA,100\nB,200\nA,300\nB,5\n", encoding="utf-8")
    with pytest.raises(MinyiError) as e:
        read_strata_file(f)
    assert [(p.code, p.line, p.extra["first"]) for p in e.value.problems] == [
        ("strata-duplicate", 4, 2), ("strata-duplicate", 5, 3)]


def test_empty_yaml_file_gets_a_yaml_hint(tmp_path, capsys):
    """An empty questionnaire was told "export the data again; the file has no rows" (the hint of a data file)."""
    f = tmp_path / "q.yaml"
    f.write_text("\n", encoding="utf-8")
    rc, err = _run(["validate", f], capsys)
    _clean_exit(rc, err)
    assert f"{f}:1:1: error: the file is empty: it holds no YAML content" in err
    assert "export the data" not in err and "rows" not in err


# ----------------------------------------------------------------------------- theme dictionary (themes: in minyi.yaml)
THEMES = """themes:
  - {id: park, name: 停车, keywords: [停车, 车位]}
  - {id: park, name: 停车场, keywords: [停车场]}
  - {id: noise, name: 噪音, keyword: [噪音]}
  - {id: dog, name: 养犬, keywords: [养狗], name: 犬}
  - {id: empty, keywords: []}
"""


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_theme_dictionary_every_problem_with_its_line(tmp_path, encoding):
    """A hand-written theme dictionary was read with yaml.safe_load: a repeated id or key kept silently, a typo'd
    key told as the first problem only and without a line, a GBK file an internal UnicodeDecodeError."""
    from report.themes import read_themes
    from survey.errors import MinyiError

    f = tmp_path / "themes.yaml"
    f.write_bytes(THEMES.encode(encoding))
    with pytest.raises(MinyiError) as e:
        read_themes(f)
    got = {(p.code, p.line) for p in e.value.problems}
    line = {key: _line_of(THEMES, key) for key in ("停车场", "keyword:", "养犬", "empty")}
    # the typo'd key is told once, as unknown with its did-you-mean (keywords), not again as keywords missing
    assert got == {("duplicate-id", line["停车场"]), ("unknown-key", line["keyword:"]),
                   ("duplicate-key", line["养犬"]), ("theme-no-keywords", line["empty"])}
    assert "did you mean 'keywords'" in str(e.value)
    assert all(p.column and p.file == str(f) for p in e.value.problems)


def test_theme_dictionary_valid_file_reads_as_before(tmp_path):
    from report.themes import BUNDLED, read_themes

    en = read_themes(BUNDLED["civic_hot_issues"], "en")
    zh = read_themes(BUNDLED["civic_hot_issues"])
    assert [t.id for t in en] == [t.id for t in zh] and len(zh) >= 8
    assert en[0].name != zh[0].name and en[0].keywords == zh[0].keywords and zh[0].area == "env"


# ----------------------------------------------------------------------------- serve: and quotas: (survey serve)
def test_serve_and_quota_problems_all_at_once(tmp_path):
    """serve:/quotas: stopped at their first problem; now every one is told, each naming its key."""
    from serve_helpers import make_project
    from survey.collect.settings import load_settings
    from survey.errors import MinyiError

    p = make_project(tmp_path)
    config = {"serve": {"rate_limt": 5, "max_body_kb": 2, "one_per_device": "是"},
              "quotas": {"mode": "stopp", "cells": [{"site": "社区", "target": 12}, {"site": "社曲", "target": "50%"},
                                                     {"site": "社区", "target": 10}]}}
    with pytest.raises(MinyiError) as e:
        load_settings(config, p.questionnaire, "minyi.yaml")
    keys = [(pr.code, pr.extra.get("key")) for pr in e.value.problems]
    assert keys == [("unknown-key", "rate_limt"), ("config-serve-body-too-small", "serve.max_body_kb"),
                    ("config-not-bool", "serve.one_per_device"), ("config-quota-mode", "quotas.mode"),
                    ("config-not-whole-number", "quotas.cells[2].target"),
                    ("config-quota-unknown-value", "quotas.cells[2].site"), ("config-quota-cell-twice", "quotas.cells[3]")]


def test_live_edit_with_a_repeated_key_keeps_the_previous_quotas(tmp_path, caplog):
    """survey serve re-reads minyi.yaml when it changes; a quota cell given its target twice was taken silently
    (the last one); now the edit is refused with the line, and the quotas in force are kept."""
    import logging

    from serve_helpers import make_project
    from survey.collect.app import Service

    p = make_project(tmp_path, config={"quotas": {"mode": "stop", "cells": [{"site": "社区", "target": 120}]}})
    svc = Service(p, admin_token="t" * 32)
    assert svc.settings.quotas.cells[0].target == 120
    cfg = p.root / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "target: 120\n" in text
    text = text.replace("target: 120\n", "target: 120\n    target: 200\n")
    cfg.write_text(text, encoding="utf-8")
    svc._checked_at = -1e9  # as if the two-second check interval had passed
    with caplog.at_level(logging.WARNING, logger="minyi.serve"):
        assert svc.settings.quotas.cells[0].target == 120
    said = " ".join(r.getMessage() for r in caplog.records)
    assert f"minyi.yaml:{_line_of(text, 'target: 200')}:" in said and "appears twice" in said, said


# ----------------------------------------------------------------------------- thresholds and methods of minyi.yaml
def test_thresholds_of_the_wrong_type_are_told_at_their_lines(proj, capsys):
    """'90%' as same_ip_similarity or 'five' as straightline_min_rows stopped survey check/analyze with an internal
    error (float('90%')); min_cell: -5 and small_base: abc were taken without a word."""
    text = _edit(proj, "same_ip_similarity: 0.9", "same_ip_similarity: 90%")
    text = _edit(proj, "straightline_min_rows: 5", "straightline_min_rows: five")
    text = _edit(proj, "small_base: 30", "small_base: abc")
    text = _edit(proj, "min_cell: 10", "min_cell: -5")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    for key in ("same_ip_similarity", "straightline_min_rows", "small_base", "min_cell"):
        line = _line_of(text, f"{key}:")
        col = text.splitlines()[line - 1].index(":") + 3
        assert f"minyi.yaml:{line}:{col}: error: {key} must be" in err, (key, err)
    assert len(err.strip().splitlines()) == 4


def test_na_policy_typo_in_minyi_yaml_names_its_line(proj, capsys):
    text = _edit(proj, "na_policy: exclude", "na_policy: exlude")
    rc, err = _run(["import", proj, DATA / "wjx_by_code.csv", "--wave", "W1"], capsys)
    assert rc == 0, err
    rc, err = _run(["analyze", proj, "--json"], capsys)
    _clean_exit(rc, err)
    line = _line_of(text, "na_policy:")
    assert f"minyi.yaml:{line}:12: error: na_policy: unknown treatment of 不了解/说不清 'exlude'" in err


# ----------------------------------------------------------------------------- the --mapping file of survey import
def test_mapping_with_a_column_mapped_twice_is_refused(proj, capsys):
    """columns: {A1: A1, A1: A2} imported with A1's answers under A2 (YAML kept the last entry, silently)."""
    m = proj.parent / "map.yaml"
    text = "columns:\n  A1: A1\n  A1: A2\n"
    m.write_text(text, encoding="utf-8")
    rc, err = _run(["import", proj, DATA / "wjx_by_code.csv", "--wave", "W1", "--mapping", m], capsys)
    _clean_exit(rc, err)
    assert f"map.yaml:{_line_of(text, 'A2')}:3: error: key 'A1' appears twice" in err
    assert Project.open(proj).waves() == []  # nothing imported


def test_mapping_saved_as_gbk_is_read(proj, capsys):
    m = proj.parent / "map_gbk.yaml"
    m.write_bytes("# 列的对应\ncolumns:\n  不存在的列: null\n".encode("gbk"))
    rc, err = _run(["import", proj, DATA / "wjx_by_code.csv", "--wave", "W1", "--mapping", m], capsys)
    _clean_exit(rc, err)  # read: its one problem is the column the data file lacks, not an internal error
    assert "不存在的列" in err and "not a column of the data file" in err


def test_mapping_problems_name_the_mapping_file_at_the_entry(proj, capsys):
    """A wrong entry of the mapping was reported against the data file (``wjx_by_code.csv: error: mapping …``),
    with no line: the user edits the mapping file, so that file and the entry's line are named."""
    m = proj.parent / "map_bad.yaml"
    text = "columns:\n  不存在的列: null\nvalues:\n  Q1:\n    x: 99\n"
    m.write_text(text, encoding="utf-8")
    rc, err = _run(["import", proj, DATA / "wjx_by_code.csv", "--wave", "W1", "--mapping", m], capsys)
    _clean_exit(rc, err)
    assert err.startswith(f"{m}:{_line_of(text, '不存在的列')}:3: error: mapping column '不存在的列'"), err
    m.write_text("values:\n  Q1:\n    x: 99\n", encoding="utf-8")
    rc, err = _run(["import", proj, DATA / "wjx_by_code.csv", "--wave", "W1", "--mapping", m], capsys)
    _clean_exit(rc, err)
    assert err.startswith(f"{m}:3:5: error: mapping values of 'Q1': '99' (for 'x') is not an option"), err
    assert Project.open(proj).waves() == []


def test_questionnaire_key_naming_another_file_is_refused(proj, capsys):
    """questionnaire: q2.yaml was ignored (every command reads questionnaire.yaml): the edit never took effect."""
    text = _edit(proj, "questionnaire: questionnaire.yaml", "questionnaire: q2.yaml", append="org: [市文明办, 市委宣传部]\n")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    assert f"minyi.yaml:{_line_of(text, 'q2.yaml')}:16: error: questionnaire: the project reads its copy " \
           "questionnaire.yaml, not 'q2.yaml'" in err
    assert f"minyi.yaml:{_line_of(text, 'org:')}:1: error: org must be one text" in err  # a list: its key


def test_every_wave_and_ledger_problem_at_once(proj, capsys):
    """waves: and ledger: stopped at their first problem (fix one, run again, meet the next)."""
    text = _edit(proj, "waves: []", "waves:\n  2026Q1: {lable: 第一季度, start: 2026/3/1, end: 2026年1月1日}\n"
                                    "  2026Q2: {start: 2026-07-01, end: 2026-04-01}",
                 append="ledger: {deadline_days: 30天, adjust: bonferroni, hot_issue_shar: 0.3}\n")
    rc, err = _run(["status", proj], capsys)
    _clean_exit(rc, err)
    q1, q2, led = _line_of(text, "2026Q1:"), _line_of(text, "2026Q2:"), _line_of(text, "ledger:")
    for line, what in ((q1, "unknown key 'lable' in waves.2026Q1 (did you mean 'label'"),
                       (q1, "waves.2026Q1.start: '2026/3/1' is not a date written YYYY-MM-DD (write 2026-03-01)"),
                       (q1, "waves.2026Q1.end: '2026年1月1日' is not a date written YYYY-MM-DD (write 2026-01-01)"),
                       (q2, "waves.2026Q2 starts (2026-07-01) after it ends (2026-04-01)"),
                       (led, "ledger.deadline_days must be a whole number of at least 0, not '30天'"),
                       (led, "ledger.adjust must be holm or none"),
                       (led, "unknown key 'hot_issue_shar' in ledger (did you mean 'hot_issue_share'?)")):
        assert any(f"minyi.yaml:{line}:" in ln and what in ln for ln in err.splitlines()), (what, err)
    assert len(err.strip().splitlines()) == 7


def test_questionnaire_target_written_as_a_percentage_says_the_share(tmp_path, capsys):
    """target: 90% said only "must be a number"; the number to write (0.9) is named, at the line."""
    from survey.qload import bundled_path

    text = bundled_path().read_text(encoding="utf-8")
    assert "    target: 0.90\n" in text
    q = tmp_path / "q.yaml"
    q.write_text(text.replace("    target: 0.90\n", "    target: 90%\n", 1), encoding="utf-8")
    rc, err = _run(["validate", q], capsys)
    _clean_exit(rc, err)
    line = _line_of(q.read_text(encoding="utf-8"), "target: 90%")
    assert f"q.yaml:{line}:13: error: indicator.target must be a number, not the percentage '90%' (write the share as 0.9)" in err
