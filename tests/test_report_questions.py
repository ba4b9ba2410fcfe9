"""Issue 10: no question of the questionnaire silently disappears from the report — the 各题统计
appendix gives every question of the bundled questionnaire a table in HTML, DOCX and XLSX of
`survey demo`, and its numbers are the `survey analyze --json` ones."""

from __future__ import annotations

import html
import json
import subprocess
import sys

import pytest

from survey.qload import bundled_path, load_questionnaire
from report.question_tables import question_caption


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    out = tmp / "demo"
    r = _cli("demo", "--out", str(out), "--format", "html,docx,xlsx", cwd=tmp)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    a = _cli("analyze", str(out / "project"), "--json", cwd=tmp)
    assert a.returncode == 0, a.stderr[-2000:]
    return out, json.loads(a.stdout)


def _docx_text(path) -> str:
    from docx import Document

    d = Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _xlsx_text(path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(str(path), read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


def test_every_question_in_every_format(demo):
    out, result = demo
    q = load_questionnaire(bundled_path())
    ids = [x.id for x in q.questions]
    assert [t["id"] for t in result["questions"]] == ids  # questionnaire order, none missing
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    docx = _docx_text(out / "report.docx")
    xlsx = _xlsx_text(out / "report.xlsx")
    for x in q.questions:
        cap = question_caption({"id": x.id, "text": x.text})
        for name, text in (("html", page), ("docx", docx), ("xlsx", xlsx)):
            assert cap in text, f"{x.id} missing from the {name} report"


def test_question_tables_equal_analysis(demo):
    out, result = demo
    q = load_questionnaire(bundled_path())
    by_id = {t["id"]: t for t in result["questions"]}
    # single choice: the shares of the answered rows add up to 1 and the counts to n
    for x in q.questions:
        t = by_id[x.id]
        if x.type in ("single", "yesno", "scale"):
            assert sum(r["n"] for r in t["rows"]) == t["n"] > 0
            assert abs(sum(r["share"] for r in t["rows"]) - 1) < 1e-9
            for r in t["rows"]:
                assert 0 <= r["ci_low"] <= r["share"] <= r["ci_high"] <= 1
        if x.type == "multiple":
            assert abs(sum(r["mentions"] for r in t["rows"]) - 1) < 1e-9
    # the hot-issue question's % of respondents is the hot-issue section's estimate
    hot = result["hot_issues"]
    rows = {r["label"]: r for r in by_id[hot["question"]]["rows"]}
    for it in hot["items"]:
        assert rows[it["label"]]["share"] == pytest.approx(it["respondents"]["estimate"], abs=1e-12)
        assert rows[it["label"]]["ci_high"] == pytest.approx(it["respondents"]["ci_high"], abs=1e-12)
    # the demo is unweighted: a share is the count over the base, and the XLSX holds that number
    a1 = by_id["A1"]
    assert a1["rows"][0]["share"] == pytest.approx(a1["rows"][0]["n"] / a1["n"])
    from openpyxl import load_workbook

    wb = load_workbook(str(out / "report.xlsx"), read_only=True)
    cells = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]
    assert any(isinstance(v, float) and abs(v - a1["rows"][0]["share"]) < 1e-12 for v in cells)
