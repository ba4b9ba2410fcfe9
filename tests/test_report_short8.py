"""Issue 10: a second project with a different, short questionnaire (8 questions, no sites, no hot-issue
ranking) reports without error, every question in every format, with the summary and recommendations."""

from __future__ import annotations

import html
from pathlib import Path

from report.project import report_project
from report.question_tables import question_caption
from survey.qload import load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

QPATH = Path(__file__).parent / "data" / "short8_questionnaire.yaml"


def test_short_questionnaire_reports(tmp_path):
    q = load_questionnaire(QPATH)
    assert len(q.questions) == 8
    proj = Project.create(tmp_path / "proj", QPATH)
    csv = tmp_path / "r.csv"
    write_csv(simulate(q, 400, 7, start="2026-09-01"), csv)
    proj.import_file(csv, wave="2026Q3")
    out = report_project(proj, tmp_path / "out", wave="2026Q3", formats=("html", "docx", "xlsx"))
    res = out["result"]
    assert [t["id"] for t in res["questions"]] == [x.id for x in q.questions]
    page = html.unescape(Path(out["paths"]["html"]).read_text(encoding="utf-8"))
    from docx import Document
    from openpyxl import load_workbook

    d = Document(out["paths"]["docx"])
    docx = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
    wb = load_workbook(out["paths"]["xlsx"], read_only=True)
    xlsx = "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    for x in q.questions:
        cap = question_caption({"id": x.id, "text": x.text})
        assert cap in page and cap in docx and cap in xlsx, x.id
    assert "摘要" in page and "设有目标的3项指标中" in page
    assert "2026年第三季度" in page and "2026年9月" in page
    assert res["reliability"] and res["reliability"][0]["question"] == "Q5"
