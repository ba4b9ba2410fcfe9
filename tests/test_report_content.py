"""Issue 10, the report a leader acts on, checked on `survey demo` against `survey analyze --json`:

* no question of the questionnaire silently disappears — the 各题统计 appendix gives every question of
  the bundled questionnaire a table in HTML, DOCX and XLSX, with the analysis' numbers;
* cover (no clock time), table of contents (HTML links, DOCX TOC field) and the 摘要, whose every
  number is the analysis value it cites."""

from __future__ import annotations

import html
import json
import re
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
    p = _cli("analyze", str(out / "project"), "--json", "--wave", "2026Q1", cwd=tmp)
    assert p.returncode == 0, p.stderr[-2000:]
    return out, json.loads(a.stdout), json.loads(p.stdout)


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
    out, result, _ = demo
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
    out, result, _ = demo
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


def _resolve(obj, path: str):
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        obj = obj[int(part[1:-1])] if part.startswith("[") else obj[part]
    return obj


def test_cover_and_toc(demo):
    out, result, _ = demo
    page = (out / "report.html").read_text(encoding="utf-8")
    cover = page[page.index('<div class="cover-page">'):page.index('<nav class="toc">')]
    assert not re.search(r"\d{1,2}:\d{2}", cover)  # no clock time
    start, end = result["sample"]["fielding"]
    assert f"{int(start[:4])}年{int(start[5:7])}" in cover  # the survey period in months: 2026年9月
    assert "市文明办" in cover and "2026年第三季度" in cover  # organisation and wave label, not the id 2026Q3
    for i in range(1, 10):  # the TOC links every chapter, and every chapter has that anchor
        assert f'href="#sec-{i}"' in page and f'id="sec-{i}"' in page
    from docx import Document

    body = Document(str(out / "report.docx")).element.body.xml
    assert "TOC \\o" in body and "fldChar" in body


def test_summary_numbers_are_the_analysis(demo):
    from report.findings import fmt_num, fmt_pct
    from report.pipeline import compare
    from report.summary import build_summary

    out, result, previous = demo
    changes = compare(result, previous)
    s = build_summary(result, changes, lang="zh", compare_label="2026年第一季度")
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    summ = page[page.index('<section class="summary">'):page.index("</section>")]
    docx, xlsx = _docx_text(out / "report.docx"), _xlsx_text(out / "report.xlsx")
    assert 3 <= len(s.points) <= 6
    for p in [s.verdict] + s.points:
        for name, text in (("html", summ), ("docx", docx), ("xlsx", xlsx)):
            assert p.text in text, (name, p.text)
        assert f'href="#{p.anchor}"' in (out / "report.html").read_text(encoding="utf-8")
        for path, v in p.values:
            src = {"changes": changes} if path.startswith("changes") else result
            assert _resolve(src, path) == v, path
            if isinstance(v, float):
                assert (fmt_pct(v) in p.text or fmt_num(v) in p.text or f"{100 * v:+.1f}" in p.text), (path, v)
    # the verdict counts, recomputed from the intervals and targets of the JSON
    inds = [i for i in result["indicators"] if i.get("target") is not None and i["rate"]["ci_low"] is not None]
    met = [i for i in inds if i["rate"]["ci_low"] > i["target"]]
    short = [i["name"] for i in inds if i["rate"]["ci_high"] < i["target"]]
    assert f"设有目标的{len(inds)}项指标中，{len(met)}项达标" in s.verdict.text
    assert all(n in s.verdict.text for n in short) and s.not_met == short
    # the weakest areas are the two lowest indexes; the hot issues the three most named
    areas = sorted(result["areas"], key=lambda a: a["index"]["estimate"])
    assert s.points[0].text.startswith(f"满意度最低的领域是{areas[0]['name']}（{fmt_num(areas[0]['index']['estimate'])}分")
    hot = sorted(result["hot_issues"]["items"], key=lambda r: -r["respondents"]["estimate"])[:3]
    assert all(f"“{h['label']}”（{fmt_pct(h['respondents']['estimate'])}）" in s.points[1].text for h in hot)
    # the change: the largest significant rate change, current − previous of the two waves' JSON
    big = next(p for p in s.points if p.kind == "change")
    name = big.text.split("变化最大的是")[1].split("（")[0]
    cur = next(i for i in result["indicators"] if i["name"] == name)["rate"]["estimate"]
    pre = next(i for i in previous["indicators"] if i["name"] == name)["rate"]["estimate"]
    assert f"{100 * (cur - pre):+.1f}个百分点" in big.text
