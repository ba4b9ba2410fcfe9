"""p values are printed by one rule (report.table_cells.p_text, threshold P_FLOOR defined once): the table
cells (<0.001 / 0.023), the sentences of the tracking outputs, the hot-issue groups and the representativeness
note (p<0.001 / p=0.023), and the XLSX number format of trend.xlsx all take it from there."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

from report.render import fmt_p as report_p
from report.table_cells import P_FLOOR, P_FORMAT, format_value, p_text
from report.tracking_text import fmt_p as tracking_p, fmt_tested_p

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("p, cell, named", [(None, "—", "p —"), (math.nan, "—", "p —"), (0.0004, "<0.001", "p<0.001"),
                                            (0.001, "0.001", "p=0.001"), (0.0234, "0.023", "p=0.023"),
                                            (1.0, "1.000", "p=1.000")])
def test_every_output_prints_p_by_the_one_rule(p, cell, named):
    assert p_text(p) == format_value(p, "pval") == report_p(p) == cell
    assert p_text(p, named=True) == tracking_p(p) == named


def test_a_tested_p_is_named_in_the_language_asked():
    """The raw and the Holm-adjusted p, each named: the words around them from the label stat.p_holm in the text's
    language (the English words were never used: the Chinese ones came whatever the language)."""
    assert fmt_tested_p(0.0004, 0.0221) == "p<0.001，Holm校正后p=0.022"
    assert fmt_tested_p(0.0004, 0.0221, lang="en") == "p<0.001, Holm-adjusted p=0.022"
    assert fmt_tested_p(0.0004, 0.0221, adjusted=False, lang="en") == "p<0.001"


def test_the_xlsx_format_takes_the_same_threshold():
    assert P_FORMAT == '[<0.001]"<0.001";0.000' and f"[<{P_FLOOR}]" in P_FORMAT


def test_the_threshold_is_written_once_in_report():
    """No module of report/ but table_cells compares a p with its own 0.001."""
    found = [f"{p.relative_to(ROOT)}:{n.lineno}" for p in sorted((ROOT / "report").rglob("*.py"))
             for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(n, ast.Constant) and isinstance(n.value, float) and n.value == 0.001]
    assert found == ["report/table_cells.py:" + str(_p_floor_line())], found


def _p_floor_line() -> int:
    src = (ROOT / "report" / "table_cells.py").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(src, 1) if line.startswith("P_FLOOR = "))
