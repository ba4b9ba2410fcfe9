"""A true cell of a report table is a word of the report's language (survey/labels.py ``cell.yes``), in the
HTML table (report.writers.html_table.table_view, the English report's "Yes") and in the rows the DOCX writer
prints (Table.formatted(lang)); it was 是 in every language.  No bundled chapter has a yes/no column today: a
table of one (a template's own, or a future chapter's) is built here as a chapter builds it."""

from __future__ import annotations

from report.records import Table
from report.writers.html_table import table_view
from survey.labels import label


def _table() -> Table:
    return Table("Sites", [("Site", "text"), ("Weighted", "text"), ("n", "int")],
                 [["North", True, 120], ["South", False, 80]])


def test_an_english_table_says_yes_in_english():
    view = table_view(_table(), "en")
    cells = [[c.text for c in r] for r in view.rows]
    assert cells == [["North", label("cell.yes", "en"), "120"], ["South", "", "80"]]
    assert label("cell.yes", "en") != label("cell.yes", "zh")  # the English word, not 是
    assert _table().formatted("en") == cells  # the DOCX writer's rows


def test_a_chinese_table_keeps_its_word():
    assert [r[1] for r in _table().formatted("zh")] == ["是", ""]
    assert [r[1].text for r in table_view(_table(), "zh").rows] == ["是", ""]
