"""`survey report`: every format from a small two-wave project, content checked against `survey analyze`.

The project is built through the CLI (init + import of simulated data for two waves).  The second
wave carries planted respondent text (script tags, jinja syntax, a spreadsheet formula), an
identifying column (ip) with a distinctive value, one district with 5 respondents (suppressed:
below the minimum cell size 10) and one with 20 (flagged: below the small base 30).  Expected
sentences are written here from the format in issue 5 and filled with the numbers that the
separate `survey analyze --json` command returns.
"""

from __future__ import annotations

import json
import re
import zipfile

import numpy as np
import pytest
from typer.testing import CliRunner

import cli
from report_tables import xlsx_table
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv

runner = CliRunner()
SCRIPT = "<script>alert(1)</script>"
JINJA = "{{ 7*7 }}"
FORMULA = "=1+2"
IP = "203.0.113.77"
SECTIONS_ZH = ["一、调查概况", "二、样本构成", "三、主要发现", "四、“三率”与满意度", "五、热点问题", "六、群体与区县比较",
               "七、变化", "八、重点与对策建议", "九、附录"]
SHEETS_ZH = ["1调查概况", "2样本构成", "3主要发现", "4三率与满意度", "5热点问题", "6群体与区县比较", "7变化",
             "8重点与对策建议", "9附录"]


def invoke(args):
    r = runner.invoke(cli.app, [str(a) for a in args])
    assert r.exit_code == 0, r.output + repr(r.exception)
    return r


def pct(x):
    return f"{100 * x:.1f}%"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    q = load_questionnaire(bundled_path())
    proj = root / "proj"
    invoke(["init", proj, "--questionnaire", bundled_path()])
    dq = q.question(q.district_question)
    codes = [o.code for o in dq.options]
    text_q = next(x for x in q.questions if x.type == "text").id
    for wave, seed, shift in (("W1", 11, 0.0), ("W2", 12, 0.2)):
        f = simulate(q, 600, seed, shift=shift, start="2026-03-01" if wave == "W1" else "2026-09-01")
        if wave == "W2":
            d = f[q.district_question].to_numpy()
            small = np.flatnonzero(d == codes[-1])
            f.loc[small[5:], q.district_question] = codes[0]      # last district: 5 respondents
            mid = np.flatnonzero(d == codes[-2])
            f.loc[mid[20:], q.district_question] = codes[1]       # second to last: 20 respondents
            answered = np.flatnonzero(f[text_q].fillna("").astype(str).str.len().to_numpy() > 0)
            f.loc[answered[:40], text_q] = SCRIPT
            f.loc[answered[40:75], text_q] = JINJA
            f.loc[answered[75:105], text_q] = FORMULA
            f["ip"] = IP
        path = root / f"{wave}.csv"
        write_csv(f, path)
        invoke(["import", proj, path, "--wave", wave])
    analysis = json.loads(invoke(["analyze", proj, "--wave", "W2", "--json"]).output)
    out = root / "out"
    invoke(["report", proj, "--wave", "W2", "--compare", "W1", "--format", "html,docx,pdf,xlsx", "--out", out])
    return {"root": root, "proj": proj, "out": out, "analysis": analysis, "q": q,
            "small": dq.options[-1].label, "mid": dq.options[-2].label}


@pytest.fixture(scope="module")
def html(project):
    return (project["out"] / "report.html").read_text(encoding="utf-8")


def _docx_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))


# ----------------------------------------------------------------------------- content = analysis results
def test_findings_numbers_equal_analysis(project, html):
    a = project["analysis"]
    items = re.findall(r"<li>(.*?)</li>", re.search(r"<ol class=\"findings\">(.*?)</ol>", html, re.S).group(1))
    seen = set()
    for ind in a["indicators"]:
        if ind["kind"] not in ("awareness", "support", "participation"):
            continue
        s = ind["rate"]
        sentence = (f"{ind['name']}为{pct(s['estimate'])}（95%置信区间：{pct(s['ci_low'])}–{pct(s['ci_high'])}，"
                    f"n={s['n']:,}）")
        t = ind.get("target")
        if t is not None:
            target = f"{100 * t:.0f}%" if round(100 * t, 1) == int(round(100 * t, 1)) else f"{100 * t:.1f}%"
            sentence += "，" + {"达标": f"高于{target}的目标", "未达标": f"低于{target}的目标",
                               "无显著差异": f"与{target}的目标无显著差异"}[s["verdict"]]
        mine = [f for f in items if f.startswith(ind["name"] + "为")]
        if ind["kind"] not in seen:  # the first indicator of each kind always has its sentence
            assert mine, ind["name"]
            seen.add(ind["kind"])
        for f in mine:
            assert f == sentence + "。"
    c = a["composite"]
    assert (f"综合满意度指数为{c['estimate']:.1f}分（95%置信区间：{c['ci_low']:.1f}–{c['ci_high']:.1f}，"
            f"n={c['n']:,}）") in html
    top = a["hot_issues"]["top"][0]
    assert f"群众最关心的热点问题是“{top['label']}”，{pct(top['respondents']['estimate'])}的受访者选择了该项" in html
    findings = re.search(r"<ol class=\"findings\">(.*?)</ol>", html, re.S).group(1)
    assert 5 <= findings.count("<li>") <= 10


def test_tables_equal_analysis(project, html):
    a = project["analysis"]
    for it in a["items"][:40]:
        r = it["rate"]
        row = (f"<td>{pct(r['estimate'])}</td><td>{pct(r['se'])}</td><td>{pct(r['ci_low'])}–{pct(r['ci_high'])}</td>"
               f"<td>{r['n']:,}</td>")
        assert row in html, it["label"]


def test_sections_in_order(html):
    pos = [html.find(f">{t}</h2>") for t in SECTIONS_ZH]
    assert all(p > 0 for p in pos) and pos == sorted(pos)


# ----------------------------------------------------------------------------- charts
def test_every_chart_png_and_svg(project, html):
    charts = project["out"] / "charts"
    pngs = {p.stem for p in charts.glob("*.png")}
    svgs = {p.stem for p in charts.glob("*.svg")}
    assert pngs == svgs
    areas = {it["area"] for it in project["analysis"]["items"] if it["kind"] == "satisfaction" and it.get("area")}
    expected = {"sample", "rates", "areas", "hot", "hot_sites", "words", "league", "ipa", "trend"} | {f"likert_{a}" for a in areas}
    assert expected <= pngs, expected - pngs
    for p in charts.glob("*.png"):
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 5000
    for p in charts.glob("*.svg"):
        assert "<svg" in p.read_text(encoding="utf-8")[:2000]
    # each chart is embedded once in the HTML as a data URI
    assert html.count('<img src="data:image/png;base64,') == len(pngs)


# ----------------------------------------------------------------------------- HTML: self-contained, safe
def test_html_self_contained(html):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(?!data:)", html)
    assert "@import" not in html and "<link" not in html
    assert "<script" not in html.lower()
    assert "@font-face" in html and "data:font/woff;base64," in html
    assert "@page" in html and "size: A4" in html


def test_respondent_text_literal_and_escaped(project, html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert JINJA in html and "<li>49" not in html
    doc = _docx_text(project["out"] / "report.docx")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc  # XML-escaped text of a Word run, shown literally
    assert JINJA in doc


def test_no_identifying_columns(project, html):
    assert IP not in html
    assert IP not in _docx_text(project["out"] / "report.docx")
    from openpyxl import load_workbook

    wb = load_workbook(project["out"] / "report.xlsx")
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            assert IP not in " ".join(str(v) for v in row if v is not None)


# ----------------------------------------------------------------------------- small groups
def _row(html, label):
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f"<td>{label}" in r]
    assert rows, label
    return rows


def test_small_groups_suppressed_and_flagged(project, html):
    a = project["analysis"]
    small, mid = project["small"], project["mid"]
    league = {r["group"]: r for r in a["league"]["rows"]}
    assert league[small]["n"] == 5 and league[mid]["n"] == 20
    row = _row(html, small)[0]
    assert "样本过少，不予报告" in row
    assert f"{league[small]['estimate']:.1f}" not in row
    assert "△" in _row(html, mid)[0]
    # district comparison table: the suppressed district's column shows only "—"
    tab = re.search(r"主要指标按区县比较</div>\s*<table>(.*?)</table>", html, re.S).group(1)
    header = re.findall(r"<th>(.*?)</th>", tab)
    inds = [i for i in a["indicators"] if (i.get("rate_by") or {}).get("district")]
    rows = re.findall(r"<tr>(.*?)</tr>", tab, re.S)[1:]
    assert len(rows) == len(inds)
    for r, ind in zip(rows, inds):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", r)
        by = {d["group"]: d for d in ind["rate_by"]["district"]}
        for g in (small, mid):
            c, n = cells[header.index(g)], by[g]["n"]
            if n < 10:
                assert c == "—"
            else:
                assert c.startswith(pct(by[g]["estimate"])) and ("△" in c) == (n < 30)
        assert cells[header.index(small)] == "—"


def test_thresholds_configurable(project):
    from report.render import apply_thresholds

    a = project["analysis"]
    r = apply_thresholds(a, small_base=300, min_cell=150)
    for ind in r["indicators"]:
        for d, orig in zip(ind["rate_by"]["district"], a["indicators"][r["indicators"].index(ind)]["rate_by"]["district"]):
            assert d["suppressed"] == (orig["n"] < 150)
            assert d["small_base"] == (orig["n"] < 300)
            assert (d["estimate"] is None) == (orig["n"] < 150)
            if orig["n"] >= 150:
                assert d["estimate"] == orig["estimate"]
    assert a["league"]["rows"][0].get("estimate") is not None  # the input is not modified


# ----------------------------------------------------------------------------- DOCX
def test_docx_structure(project):
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(project["out"] / "report.docx"))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads == ["摘要"] + SECTIONS_ZH  # the one-page summary first (issue 10)
    caps = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    tnums = [int(re.match(r"表(\d+) ", c).group(1)) for c in caps if c.startswith("表")]
    fnums = [int(re.match(r"图(\d+) ", c).group(1)) for c in caps if c.startswith("图")]
    assert tnums == list(range(1, len(tnums) + 1)) and len(tnums) >= 15
    assert fnums == list(range(1, len(fnums) + 1))
    assert len(doc.tables) == len(tnums)  # no analyst's box in a delivered report (only with draft=True)
    assert len(doc.inline_shapes) == len(fnums) >= 10
    # a caption directly precedes every data table
    body = list(doc.element.body.iterchildren())
    for i, el in enumerate(body):
        if el.tag == qn("w:tbl") and i > 0 and "分析人员" not in "".join(body[i - 1].itertext()):
            assert "".join(body[i - 1].itertext()).startswith("表")
    rfonts = lambda st: st.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))  # noqa: E731
    assert rfonts(doc.styles["Heading 1"]) == "黑体" and rfonts(doc.styles["Normal"]) == "仿宋_GB2312"  # GB/T 9704 default
    # the indicator table holds every indicator with its formatted estimate
    a = project["analysis"]
    t = next(t for t, c in zip(doc.tables, [c for c in caps if c.startswith("表")]) if "主要指标及达标判定" in c)
    # a short cell's own line breaks (report/writers/docx_lines.py: “市民文明 / 公约知晓率”) are layout
    names = [r.cells[0].text.replace("\n", "") for r in t.rows[1:]]
    assert names == [i["name"] for i in a["indicators"] if i.get("rate")]
    assert [r.cells[2].text for r in t.rows[1:]] == [pct(i["rate"]["estimate"]) for i in a["indicators"] if i.get("rate")]


# ----------------------------------------------------------------------------- XLSX
def test_xlsx_sheets_and_rows(project):
    from openpyxl import load_workbook

    a = project["analysis"]
    wb = load_workbook(project["out"] / "report.xlsx")
    assert wb.sheetnames == ["0摘要"] + SHEETS_ZH  # the summary first (issue 10)

    table = xlsx_table
    hdr, rows = table(wb["9附录"], "全部题项估计结果")
    assert len(rows) == len(a["items"])
    assert [r[0] for r in rows] == [it["label"] for it in a["items"]]
    assert [r[2] for r in rows] == pytest.approx([it["rate"]["estimate"] for it in a["items"]])
    assert [r[6] for r in rows] == [it["rate"]["n"] for it in a["items"]]
    hdr, rows = table(wb["4三率与满意度"], "主要指标及达标判定")
    assert [r[0] for r in rows] == [i["name"] for i in a["indicators"] if i.get("rate")]
    hdr, rows = table(wb["5热点问题"], "热点问题排序")
    assert [r[1] for r in rows] == [r["label"] for r in a["hot_issues"]["items"]]
    hdr, rows = table(wb["2样本构成"], "样本区县构成")
    assert [r[1] for r in rows] == [r["n"] for r in a["sample"]["composition"]["district"]["rows"]]
    hdr, rows = table(wb["7变化"], "与W1相比的变化")
    assert len(rows) == sum(1 for i in a["indicators"] for m in ("rate", "index") if i.get(m))
    hdr, rows = table(wb["6群体与区县比较"], "各区县综合满意度指数排名")
    small = next(r for r in rows if r[1] == project["small"])
    assert small[2] is None and small[0] is None  # suppressed: no estimate, no rank
    # respondent text never becomes a formula
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f"


def test_pdf_written(project):
    from pypdf import PdfReader

    path = project["out"] / "report.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
    pdf = PdfReader(str(path))
    assert len(pdf.pages) >= 10
    w, h = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (210, 297)  # A4
    text = "".join(p.extract_text() for p in pdf.pages)
    for t in SECTIONS_ZH:
        assert t in text
    c = project["analysis"]["composite"]
    assert f"综合满意度指数为{c['estimate']:.1f}分" in text.replace("\n", "")


# ----------------------------------------------------------------------------- --lang en, --template
def test_lang_en(project):
    out = project["root"] / "out_en"
    invoke(["report", project["proj"], "--wave", "W2", "--compare", "W1", "--format", "html,xlsx", "--out", out,
            "--lang", "en"])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and ">3. Key findings</h2>" in page
    ind = next(i for i in project["analysis"]["indicators"] if i["kind"] == "awareness")
    s = ind["rate"]
    from survey.translation import localized

    name = next(i.name for i in localized(project["q"], "en").indicators if i.id == ind["id"])  # its name_en
    assert (f"{name} was {pct(s['estimate'])} (95% CI: {pct(s['ci_low'])}–{pct(s['ci_high'])}, "
            f"n={s['n']:,})") in page
    assert "调查概况" not in page and "主要发现" not in page
    from openpyxl import load_workbook

    assert load_workbook(out / "report.xlsx").sheetnames[:2] == ["0 Summary", "1 Overview"]  # named as the chapters' sheets are


def test_user_template(project, tmp_path):
    """The minimal template documented in docs/report-data.md, used via --template."""
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "report-data.md").read_text(encoding="utf-8")
    tpl = re.search(r"```jinja\n(.*?)```", doc, re.S).group(1)
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    (tdir / "report_zh.html.j2").write_text(tpl.replace("<h1>{{ title }}", "<h1>{{ title }} — 自定义"), encoding="utf-8")
    out = tmp_path / "o"
    invoke(["report", project["proj"], "--wave", "W2", "--format", "html", "--template", tdir, "--out", out])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "— 自定义</h1>" in page
    assert [f"<h2>{t}</h2>" in page for t in SECTIONS_ZH] == [True] * 9
    assert page.count("<table>") >= 15 and "@font-face" in page
    assert "&lt;script&gt;" in page and JINJA in page and SCRIPT not in page
    a = project["analysis"]
    c = a["composite"]
    assert f"综合满意度指数为{c['estimate']:.1f}分" in page
    # a folder without the template: one message, exit 1
    empty = tmp_path / "empty"
    empty.mkdir()
    r = runner.invoke(cli.app, ["report", str(project["proj"]), "--format", "html", "--template", str(empty),
                                "--lang", "en", "--out", str(tmp_path / "o2")])
    assert r.exit_code == 1
    assert "report_en.html.j2" in str(r.exception) or "report_en.html.j2" in r.output


# ----------------------------------------------------------------------------- messages, findings rules
def test_pdf_library_message_names_debian_package():
    from report.render import pdf_library_error

    e = pdf_library_error(OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object "
                                  "file: No such file or directory"))
    assert "apt-get install libpango-1.0-0" in str(e) and "\n" not in str(e)
    e = pdf_library_error(OSError("cannot load library 'libgobject-2.0-0': error 0x7e"))
    assert "apt-get install libglib2.0-0" in str(e)


def test_finding_sentence_issue_example():
    """The worked example of issue 5, from a hand-made result."""
    from report.findings import findings

    res = {"meta": {"confidence": 0.95}, "indicators": [
        {"id": "a", "kind": "awareness", "name": "创文知晓率", "target": 0.9,
         "rate": {"estimate": 0.9132, "ci_low": 0.9011, "ci_high": 0.9241, "n": 4812, "verdict": "达标"}}]}
    f = findings(res)
    assert f[0]["text"] == "创文知晓率为91.3%（95%置信区间：90.1%–92.4%，n=4,812），高于90%的目标。"
    res["indicators"][0]["rate"].update(estimate=0.884, ci_low=0.871, ci_high=0.896, verdict="未达标")
    assert findings(res)[0]["text"] == "创文知晓率为88.4%（95%置信区间：87.1%–89.6%，n=4,812），低于90%的目标。"
    res["indicators"][0]["rate"].update(estimate=0.899, ci_low=0.885, ci_high=0.912, verdict="无显著差异")
    assert findings(res, lang="en")[0]["text"] == ("创文知晓率 was 89.9% (95% CI: 88.5%–91.2%, n=4,812), not "
                                                   "significantly different from the 90% target.")
