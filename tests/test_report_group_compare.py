"""Issue 10, 群体与区县比较: each group is tested against the rest by a design-based test of the
difference (analysis.group_tests, R-checked in test_group_tests_r_golden.py), not by interval
overlap; questions a site was not asked are shown as 未调查, suppressed groups as —.

A project of the bundled questionnaire (simulated answers, with a district suppressed by a
tiny sample) is reported; the report's cells and sentences are compared with the analysis result
the report used (the same dict ``survey analyze --json`` prints), and the result's tests with a
direct call of the estimator on the raw answers."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest

from analysis import Design
from analysis.group_tests import group_vs_rest
from report.project import report_project
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gc")
    q = load_questionnaire(bundled_path())
    frame = simulate(q, 1200, 11, start="2026-09-01")
    dq = q.question(q.district_question)
    last = dq.options[-1].code
    keep = np.flatnonzero(frame[dq.id].to_numpy() == last)[:6]  # the last district: 6 respondents → suppressed
    frame = frame[(frame[dq.id].to_numpy() != last) | np.isin(np.arange(len(frame)), keep)].reset_index(drop=True)
    k = frame["K1_50"].to_numpy(dtype=float)
    frame["K1_50"] = np.where(np.isfinite(k), 0.0, np.nan)  # an issue nobody chose: its interval stays in range
    csv = tmp / "r.csv"
    write_csv(frame, csv)
    proj = Project.create(tmp / "proj", bundled_path())
    proj.import_file(csv, wave="2026Q3")
    out = report_project(proj, tmp / "out", wave="2026Q3", formats=("html", "xlsx", "docx"), cache=False)
    page = html.unescape(Path(out["paths"]["html"]).read_text(encoding="utf-8"))
    return q, proj, out["result"], page, out["paths"]


def _tests(res, grouping, ind, measure="rate"):
    return next(r for r in res["group_tests"]["by"][grouping] if r["indicator"] == ind and r["measure"] == measure)


def test_result_tests_equal_the_estimator_on_raw_answers(reported):
    q, proj, res, _, _ = reported
    data, _ = proj.responses("2026Q3")
    des = Design.from_frame(data.reset_index(drop=True))
    site_q = q.question(q.site_question)
    codes = np.full(len(data), -1)
    x_site = data[site_q.id].to_numpy(dtype=float)
    for k, o in enumerate(site_q.options):
        codes[x_site == o.code] = k
    b1 = data["B1"].to_numpy(dtype=float)
    pos = [o.code for o in q.question("B1").options if o.label in ("知道", "听说过但不太了解")]
    direct = group_vs_rest(des, [np.isin(b1, pos).astype(float)], [np.isfinite(b1)], codes,
                           [o.label for o in site_q.options])
    got = _tests(res, "site", "aware_campaign")["groups"]
    for d, g in zip(direct, got):
        assert g["group"] == d.group
        assert g["difference"] == pytest.approx(d.difference, rel=1e-10)
        assert g["se"] == pytest.approx(d.se, rel=1e-10)
        assert g["p"] == pytest.approx(d.p, rel=1e-8)
        assert g["significant"] == (d.p < 0.05)
    rate_by = {r["group"]: r for r in next(i for i in res["indicators"] if i["id"] == "aware_campaign")["rate_by"]["site"]}
    for g in got:  # the group's estimate is the one of the indicator table
        assert g["estimate"] == pytest.approx(rate_by[g["group"]]["estimate"], rel=1e-10)


def test_not_asked_by_site_design(reported):
    q, _, res, _, _ = reported
    sec_of = {qq.id: s.id for s in q.sections for qq in s.questions}
    for rec in res["group_tests"]["by"]["site"]:
        ind = next(i for i in q.indicators if i.id == rec["indicator"])
        for g in rec["groups"]:
            assert g["not_asked"] == (sec_of[ind.question] not in q.sections_for_site(g["group"])), (ind.id, g)
            if g["not_asked"]:
                assert g["p"] is None and not g["significant"]
    assert any(g["not_asked"] for r in res["group_tests"]["by"]["site"] for g in r["groups"])


def _group_table(page, caption):
    i = page.index(caption)
    t = page[page.index("<table", i):page.index("</table>", i)]
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in re.findall(r"<tr>(.*?)</tr>", t, re.S)]
    note_at = page.index('<div class="note">', i)
    lines = re.findall(r"<li>(.*?)</li>", page[note_at:page.index("</ul>", note_at)])
    return rows, page[note_at:page.index("</div>", note_at)], lines


@pytest.mark.parametrize("grouping,word", [("site", "调查点"), ("district", "区县")])
def test_report_cells_and_sentences_follow_the_tests(reported, grouping, word):
    q, _, res, page, _ = reported
    rows, note, lines = _group_table(page, f"主要指标按{word}比较")
    groups = rows[0][2:]
    by_name = {i["name"]: i for i in res["indicators"]}
    expected_lines = {}
    n_sig = 0
    for r in rows[1:]:
        ind = by_name[r[0]]
        tests = {g["group"]: g for g in _tests(res, grouping, ind["id"])["groups"]}
        recs = {x["group"]: x for x in ind["rate_by"][grouping]}
        for lab, cell in zip(groups, r[2:]):
            t, rec = tests[lab], recs[lab]
            if t["not_asked"]:
                assert cell == "未调查"
            elif rec["n"] < 10:
                assert cell == "—"
            else:
                assert cell.startswith(f"{100 * rec['estimate']:.1f}%")
                assert cell.endswith("*") == t["significant"], (ind["id"], lab, t)
                if t["significant"]:
                    n_sig += 1
                    d = 100 * (t["estimate"] - t["rest"])
                    expected_lines.setdefault(lab, []).append(f"{ind['name']}（{d:+.1f}个百分点）")
    assert "按抽样设计检验" in note and "不重叠" not in note
    assert ("未调查" in note) == (grouping == "site")  # districts are asked every question
    for lab, parts in expected_lines.items():
        line = next(x for x in lines if x.startswith(f"{lab}："))
        for p in parts:
            assert p in line
    assert len(lines) == max(1, len(expected_lines))
    if grouping == "district":
        last = q.question(q.district_question).options[-1].label
        assert all(r[2 + groups.index(last)] == "—" for r in rows[1:])


def test_docx_shows_not_asked(reported):
    from docx import Document

    q, _, res, _, paths = reported
    d = Document(paths["docx"])
    tab = next(t for t in d.tables if [c.text for c in t.rows[0].cells][:2] == ["指标", "总体"]
               and [c.text for c in t.rows[0].cells][2:] == [o.label for o in q.question(q.site_question).options])
    cells = {(r.cells[0].text, j): r.cells[2 + j].text for r in tab.rows[1:] for j in range(len(r.cells) - 2)}
    for rec in res["group_tests"]["by"]["site"]:
        if rec["measure"] != "rate":
            continue
        for j, g in enumerate(rec["groups"]):
            if g["not_asked"]:
                assert cells[(rec["name"], j)] == "未调查"
            elif g["significant"]:
                assert cells[(rec["name"], j)].endswith("*")


def test_xlsx_flags_not_asked(reported):
    from openpyxl import load_workbook

    _, _, _, _, paths = reported
    wb = load_workbook(paths["xlsx"], read_only=True)
    text = "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "未调查（该群体未设此题）" in text and "与其余群体差异显著" in text


def test_hot_issue_intervals_are_korn_graubard_and_stay_in_range(reported):
    from analysis.multiple import multiple_choice

    q, proj, res, page, _ = reported
    hot = res["hot_issues"]
    assert hot["ci_method"] == "clopper-pearson"
    data, _ = proj.responses("2026Q3")
    data = data.reset_index(drop=True)
    des = Design.from_frame(data)
    opts = [o for o in q.question("K1").options if not o.exclusive]
    M = np.column_stack([data[f"K1_{o.code}"].to_numpy(dtype=float) for o in opts])
    direct = multiple_choice(des, M, [o.code for o in opts], [o.label for o in opts],
                             asked=np.isfinite(M).any(axis=1), ci_method="clopper-pearson")
    by_code = {o.code: o.stats["respondents"] for o in direct.options}
    for r in hot["items"]:
        e = by_code[r["code"]]
        assert r["respondents"]["ci_low"] == pytest.approx(float(e.ci_low[0]), rel=1e-10, abs=1e-14)
        assert r["respondents"]["ci_high"] == pytest.approx(float(e.ci_high[0]), rel=1e-10)
        assert 0.0 <= r["respondents"]["ci_low"] <= r["respondents"]["estimate"] <= r["respondents"]["ci_high"] <= 1.0
    zero = next(r for r in hot["items"] if r["code"] == 50)
    assert zero["respondents"]["estimate"] == 0.0 and zero["respondents"]["ci_low"] == 0.0
    assert 0.0 < zero["respondents"]["ci_high"] < 0.01
    assert "精确（Beta 分布）区间" in page and "Korn–Graubard" in page
    for r in hot["items"]:  # the % of mentions too stays within 0–100%
        assert 0.0 <= r["mentions"]["ci_low"] <= r["mentions"]["ci_high"] <= 1.0


def test_who_drives_a_hot_issue(reported):
    from analysis.group_tests import independence_test

    q, proj, res, page, _ = reported
    hot = res["hot_issues"]
    data, _ = proj.responses("2026Q3")
    data = data.reset_index(drop=True)
    des = Design.from_frame(data)
    M = np.column_stack([data[f"K1_{o.code}"].to_numpy(dtype=float) for o in q.question("K1").options])
    asked = np.isfinite(M).any(axis=1)
    site_q = q.question(q.site_question)
    codes = np.full(len(data), -1)
    for k, o in enumerate(site_q.options):
        codes[data[site_q.id].to_numpy(dtype=float) == o.code] = k
    top = [r["code"] for r in hot["top"]]
    differ = {r["code"]: r for r in hot["groups_differ"] if r["by"] == "site"}
    for c in top:
        y = (data[f"K1_{c}"].to_numpy(dtype=float) == 1).astype(float)
        t = independence_test(des, y, asked, codes)
        assert (c in differ) == (t["p"] < 0.05), c
        if c in differ:
            assert differ[c]["rao_scott"]["p"] == pytest.approx(t["p"], rel=1e-10)
    lines = [r for r in hot["groups_differ"] if r["higher"]]
    assert lines, "the simulated sites differ on some top issue"
    for r in lines:
        gw = {"site": "调查点", "district": "区县"}[r["by"]]
        for g in r["higher"]:
            assert f"{g['group']}（{100 * g['estimate']:.1f}%，其余{gw}{100 * g['rest']:.1f}%）" in page
        assert f"“{r['label']}”在不同{gw}之间差异显著" in page


def test_what_counts_is_stated_for_every_indicator(reported):
    q, _, res, page, _ = reported
    i = page.index("计入比率的选项：")
    note = page[i:page.index("</div>", i)]
    for ind in q.indicators:
        rec = next(r for r in res["indicators"] if r["id"] == ind.id)
        labels = [o.label for o in q.question(ind.question).options if o.code in ind.positive]
        assert rec["positive_labels"] == labels
        assert ind.name in note and "".join(f"“{x}”" for x in labels) in note
    assert "创文知晓率为“知道”“听说过但不太了解”" in note
