"""Report files that open right everywhere (issue 11): Excel number cells, Word styles and layout,
file modes.  One demo report (``survey demo``: bundled questionnaire, two simulated waves, every
format) is written under umask 022 and its files are read back with openpyxl / the DOCX XML."""

from __future__ import annotations

import os
import re
import stat

import pytest
from typer.testing import CliRunner

import cli

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("files") / "demo"
    old = os.umask(0o022)
    try:
        r = runner.invoke(cli.app, ["demo", "--out", str(out)])
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output + repr(r.exception)
    return out


# ----------------------------------------------------------------------------- XLSX
EST = {"估计值", "下限", "上限", "目标", "总体", "比率/满意率", "满意率", "满意度指数", "指数下限", "指数上限", "综合指数",
       "样本占比", "总体占比", "选择人数比例", "提及次数占比", "选择比例", "排第一位的比例", "综合得分", "标准误", "设计效应",
       "“不了解”比例", "本期", "上期", "p"}
COUNTS = {"份数", "样本量", "有效样本", "出现次数", "序号", "名次", "排名", "位次"}
SCORE_FORMATS = {"0.0%", "0.0", "0.00", "0.000"}
CHANGE = "+0.0;-0.0;0.0"


def _tables(ws):
    """(caption, header cells, data rows of cells) of every table on a sheet."""
    rows = list(ws.iter_rows())
    for i, r in enumerate(rows):
        v = r[0].value
        if isinstance(v, str) and re.match(r"表\d+ ", v):
            body = []
            for rr in rows[i + 2:]:
                if all(c.value is None for c in rr):
                    break
                body.append(rr)
            yield v, [c.value for c in rows[i + 1]], body


def test_xlsx_numbers_are_number_cells(demo):
    from openpyxl import load_workbook

    wb = load_workbook(demo / "report.xlsx")
    checked = {"est": 0, "n": 0, "change": 0, "group": 0, "flags": 0}
    for ws in wb:
        for cap, hdr, body in _tables(ws):
            change_table = "相比的变化" in cap
            group_table = cap.split(" ", 1)[1].startswith("主要指标按")
            for j, h in enumerate(hdr):
                if h is None:
                    continue
                if change_table and h in ("变化", "下限", "上限"):
                    want, key = {CHANGE}, "change"
                elif h in EST:
                    want, key = SCORE_FORMATS, "est"
                elif h in COUNTS:
                    want, key = {"#,##0"}, "n"
                elif group_table and h not in ("指标",) and not h.endswith("标注"):
                    want, key = {"0.0%"}, "group"
                else:
                    continue
                for row in body:
                    c = row[j]
                    if c.value is None:
                        continue
                    assert isinstance(c.value, (int, float)) and not isinstance(c.value, bool), (cap, h, c.value)
                    if h == "p" and change_table:
                        assert c.number_format == "0.000", (cap, h)
                        continue
                    assert c.number_format in want, (cap, h, c.number_format)
                    if c.number_format == "0.0%":
                        assert -0.05 <= c.value <= 1.05, (cap, h, c.value)  # shares (a Wald bound may dip below 0)
                    if key == "n":
                        assert c.value == int(c.value)
                    checked[key] += 1
            if group_table:
                flags = [j for j, h in enumerate(hdr) if isinstance(h, str) and h.endswith("标注")]
                for j in flags:
                    assert hdr[j] == f"{hdr[j - 1]}标注"  # a flag column follows the column it flags
                    for row in body:
                        if row[j].value:
                            checked["flags"] += 1
                            assert row[j].value.startswith(("△", "*", "样本过少"))
                            if "样本过少" in row[j].value:
                                assert row[j - 1].value is None
    assert min(checked.values()) > 0, checked


def test_xlsx_no_formatted_numbers_or_formula_text(demo):
    from openpyxl import load_workbook

    wb = load_workbook(demo / "report.xlsx")
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f"
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@")), (ws.title, c.coordinate, c.value)
                    # no number written as text: '+2.5, 94.9%, 92.2%*, '3,914
                    assert not re.fullmatch(r"'?[+\-±]?[\d,.]+\s?%?\s*[*△]*", c.value.strip()), \
                        (ws.title, c.coordinate, c.value)
