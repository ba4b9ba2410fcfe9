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
from pathlib import Path

import pytest

from survey.qload import bundled_path, load_questionnaire
from report.question_tables import question_caption
from shared_demo import demo_copy, demo_english


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = demo_copy(tmp_path_factory, "demo")
    tmp = out.parent
    a = _cli("analyze", str(out / "project"), "--json", cwd=tmp)
    assert a.returncode == 0, a.stderr[-2000:]
    from survey.store import Project

    previous_wave = Project(out / "project").waves()[-2]  # the demo compares with the wave before the last
    p = _cli("analyze", str(out / "project"), "--json", "--wave", previous_wave, cwd=tmp)
    assert p.returncode == 0, p.stderr[-2000:]
    return out, json.loads(a.stdout), json.loads(p.stdout)


def _label(out, wave: str) -> str:
    from survey.store import Project
    from survey.waves import wave_label

    return wave_label(Project(out / "project").config, wave, "zh")


def _docx_text(path) -> str:
    from docx import Document

    d = Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:  # a cell's own line breaks (report/writers/docx_lines.py: “有效 / 样本”) are layout
            parts += [c.text.replace("\n", "") for c in row.cells]
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
            # the shares of the answers other than 不了解 add up to 1 (不了解 is out of their base, as in the text)
            assert abs(sum(r["share"] for r in t["rows"] if not (t["na_excluded"] and r["na"])) - 1) < 1e-9
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
    assert "TOC \\o" in body and "fldChar" in body  # a real TOC field (issue 10)
    assert "PAGEREF _Toc" in body  # holding the 目录 written out (test_output_format_redteam)


def test_summary_numbers_are_the_analysis(demo):
    from report.findings import fmt_num, fmt_pct
    from report.pipeline import compare
    from report.summary import build_summary

    out, result, previous = demo
    changes = compare(result, previous)
    s = build_summary(result, changes, lang="zh", compare_label=_label(out, previous["meta"]["wave"]))
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
    # a satisfaction indicator's 指数 has its own verdict (表 满意度指数及达标判定): the count says it counts 满意率
    by = "（满意度类指标按满意率计）" if any((i.get("index") or {}).get("verdict") for i in inds) else ""
    assert by and f"设有目标的{len(inds)}项指标中{by}，{len(met)}项达标" in s.verdict.text
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


def test_summary_change_counts_are_the_change_tables_arrows(demo):
    """The 摘要's change counts are the arrows of 七、变化's table: rates and indexes counted apart (the
    table lists a satisfaction area's rate and its index on two rows), not the rates alone called 指标."""
    from report.summary import build_summary

    out, result, previous = demo
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    chapter = page[page.index('id="sec-7"'):page.index('id="sec-8"')]
    table = chapter[chapter.index("<table"):chapter.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S) for r in rows]
    index_rows = [c for c in cells if "（指数）" in c[0]]
    rate_rows = [c for c in cells if "（指数）" not in c[0]]
    arrows = lambda rs, a: sum(1 for c in rs if re.sub("<[^>]+>", "", c[-1]).strip() == a)  # noqa: E731
    s = build_summary(result, __import__("report.pipeline", fromlist=["compare"]).compare(result, previous),
                      lang="zh", compare_label=_label(out, previous["meta"]["wave"]))
    text = next(p for p in s.points if p.kind == "change").text
    assert (f"{len(rate_rows)}项比率中{arrows(rate_rows, '↑')}项显著上升、{arrows(rate_rows, '↓')}项显著下降"
            in text), text
    assert (f"{len(index_rows)}项指数中{arrows(index_rows, '↑')}项显著上升、{arrows(index_rows, '↓')}项显著下降"
            in text), text
    summ = page[page.index('<section class="summary">'):page.index("</section>")]
    assert text in summ


def test_recommendations_from_the_data(demo):
    from report.recommendations import build_recommendations, rec_lines

    out, result, _ = demo
    recs = build_recommendations(result)
    assert recs
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    docx = _docx_text(out / "report.docx")
    items = {it["label"]: it for it in result["items"]}
    for r in recs:
        area = next(a for a in result["areas"] if a["id"] == r.area)
        inds = [i for i in result["indicators"] if i.get("area") == r.area]
        assert any(i["rate"]["verdict"] != "达标" for i in inds)  # only weak areas get a recommendation
        target = next(i["target"] for i in inds if i["rate"]["verdict"] != "达标")
        for lab, v in r.weak_items:
            assert items[lab]["area"] == r.area and items[lab]["rate"]["estimate"] == v < target
        for g, v in r.districts:
            row = next(x for x in area["index_by"]["district"] if x["group"] == g)
            assert row["estimate"] == v and row["ci_high"] < area["index"]["estimate"]
        for lab, v in r.hot_issues:
            h = next(x for x in result["hot_issues"]["items"] if x["label"] == lab)
            assert h["area"] == r.area and h["respondents"]["estimate"] == v
        for line in rec_lines(r):
            assert line in page and line in docx
        if area.get("recommendation") and r.policy:
            assert page.count(r.policy) == 1  # the policy text once per area, not per indicator row
    # 公共厕所 meets the target in the demo: the environment recommendation never calls it weak, although
    # the questionnaire's policy text lists it among the 薄弱区域
    toilets = items["公共厕所"]
    assert toilets["rate"]["estimate"] >= toilets["rate"]["target"]
    env = next(r for r in recs if r.area == toilets["area"])
    assert _called_weak(env, "公共厕所") is False
    assert "公共厕所" in next(a for a in result["areas"] if a["id"] == "env")["recommendation"]


def _called_weak(r, label: str) -> bool:
    """Whether the recommendation names ``label`` as a weak item: among its lowest items or in the policy
    text (a hot issue of that name that respondents raised is a separate, cited finding)."""
    from report.recommendations import rec_lines

    lines = rec_lines(r)
    findings = lines[0].split("相关的热点问题")[0]
    policy = [x for x in lines if x.startswith("建议：")]
    return any(lab == label for lab, _ in r.weak_items) or f"“{label}”" in findings or any(label in x for x in policy)


def test_best_rated_item_never_called_weak(demo):
    """Data where 公共厕所 is the best-rated item of a weak area: it is not named weak anywhere."""
    import copy

    from report.recommendations import build_recommendations, rec_lines

    _, result, _ = demo
    res = copy.deepcopy(result)
    env_items = [it for it in res["items"] if it["area"] == "env" and it["kind"] == "satisfaction"]
    for it in env_items:
        it["rate"]["estimate"] = 0.99 if it["label"] == "公共厕所" else 0.5
    for i in res["indicators"]:
        if i.get("area") == "env":
            i["rate"]["verdict"] = "未达标"
    env = next(r for r in build_recommendations(res) if r.area == "env")
    assert len(env.weak_items) == 3 and _called_weak(env, "公共厕所") is False
    env.weak_items.append(("公共厕所", 0.99))  # the check itself can fail
    assert _called_weak(env, "公共厕所") is True


def _district_tests(result) -> dict:
    """(indicator id, district) → the group-vs-rest record of ``survey analyze --json`` group_tests."""
    return {(t["indicator"], g["group"]): g for t in result["group_tests"]["by"]["district"]
            if t["measure"] == "rate" for g in t["groups"]}


def test_district_problem_list(demo):
    from report.district_problems import district_problems

    out, result, _ = demo
    lists = district_problems(result)
    q = load_questionnaire(bundled_path())
    assert [d.district for d in lists] == [o.label for o in q.question(q.district_question).options]
    units = {a.id: a.owner for a in q.areas}
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    assert "区县问题清单" in page and "整改时限" in page and "区县问题清单" in _xlsx_text(out / "report.xlsx")
    tests = _district_tests(result)
    n = 0
    for d in lists:
        for p in d.problems:
            ind = next(i for i in result["indicators"] if i["name"] == p.indicator)
            row = next(r for r in ind["rate_by"]["district"] if r["group"] == d.district)
            t = tests[(ind["id"], d.district)]
            assert p.value == row["estimate"] and p.city == ind["rate"]["estimate"]
            assert p.below_target == (ind["target"] is not None and row["ci_high"] < ind["target"])
            assert p.below_city == (t["significant"] and t["difference"] < 0) and (p.below_target or p.below_city)
            assert (p.rest, p.difference, p.p) == (t["rest"], t["difference"], t["p"])
            assert p.owner == (units.get(ind["area"]) or "") and p.deadline == ""
            n += 1
        # no indicator left out: below target by interval, or significantly below the rest by the test
        listed = {p.indicator for p in d.problems}
        for ind in result["indicators"]:
            row = next(r for r in ind["rate_by"]["district"] if r["group"] == d.district)
            t = tests[(ind["id"], d.district)]
            if (ind["target"] is not None and row["ci_high"] < ind["target"]) or (t["significant"] and t["difference"] < 0):
                assert ind["name"] in listed
        top = result["hot_issues"]["by"]["district"][d.district]["top"][:3]
        assert d.hot_issues == [(t["label"], t["respondents"]["estimate"]) for t in top]
    assert n > 0


def test_district_below_city_follows_the_test_not_the_interval(tmp_path):
    """Built data where interval and test disagree: 甲区 (70% of the sample) has an awareness rate of 60%
    against 70% in the other districts.  Its interval reaches above the city-wide rate (the city is
    pulled towards the big district), so an interval rule would not list it; the design-based test of
    the difference from the rest is significant, so the 区县问题清单 lists it as 显著低于全市 — with the
    numbers of ``survey analyze --json`` group_tests."""
    import numpy as np

    from report.district_problems import district_problems, problem_table
    from report.pipeline import analyze
    from survey.simulate import simulate

    qpath = Path(__file__).parent / "data" / "short8_questionnaire.yaml"
    q = load_questionnaire(qpath)
    n = 1000
    frame = simulate(q, n, 11)
    dist = np.array([1] * 700 + [2] * 150 + [3] * 150, dtype=float)  # 甲区 乙区 丙区
    know = np.zeros(n)
    know[:420] = 1  # 甲区: 420 of 700 = 60%
    know[700:805] = 1  # 乙区: 105 of 150 = 70%
    know[850:955] = 1  # 丙区: 105 of 150 = 70%
    frame["Q2"] = dist
    frame["Q3"] = np.where(know == 1, 1.0, 2.0)  # 知道 / 不知道
    # the same numbers through the CLI: survey analyze --json on a Parquet folder of these answers
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    frame.to_parquet(data / "part-0.parquet", index=False)
    shutil.copyfile(qpath, data / "questionnaire.yaml")
    a = _cli("analyze", str(data), "--json", "--by", "district", cwd=tmp_path)
    assert a.returncode == 0, a.stderr[-2000:]
    cli_result = json.loads(a.stdout)
    result = analyze(q, frame, by=["district"])
    for res in (result, cli_result):
        ind = next(i for i in res["indicators"] if i["id"] == "aware_park")
        city = ind["rate"]["estimate"]
        jia = next(r for r in ind["rate_by"]["district"] if r["group"] == "甲区")
        t = _district_tests(res)[("aware_park", "甲区")]
        assert jia["estimate"] == pytest.approx(0.6) and city == pytest.approx(0.63)
        assert jia["ci_low"] < city < jia["ci_high"]  # the interval includes the city-wide rate …
        assert t["significant"] and t["difference"] < 0 and t["p"] < result["group_tests"]["alpha"]  # … the test does not
        lists = {d.district: d for d in district_problems(res)}
        p = next(p for p in lists["甲区"].problems if p.indicator == ind["name"])
        assert p.below_city and not p.below_target  # target 0.6: the interval reaches above it
        assert (p.value, p.rest, p.difference, p.p) == (jia["estimate"], t["rest"], t["difference"], t["p"])
        for other in ("乙区", "丙区"):  # above the rest (not significant or higher): not listed for this indicator
            to = _district_tests(res)[("aware_park", other)]
            assert not (to["significant"] and to["difference"] < 0)
            assert ind["name"] not in {p.indicator for p in lists[other].problems}
        cols, rows = problem_table(list(lists.values()))
        assert any(r[0] == "甲区" and r[1] == ind["name"] and r[5] == "显著低于全市" for r in rows)


def test_hot_issues_full_list(demo):
    out, result, _ = demo
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    sec = page[page.index('id="sec-5"'):page.index('id="sec-6"')]
    items = result["hot_issues"]["items"]
    assert len(items) > len(result["hot_issues"]["top"])
    assert f"全部{len(items)}项" in sec
    for r in items:  # every option ranked, with its interval inside [0, 1]
        assert f">{r['label']}<" in sec
        assert 0 <= r["respondents"]["ci_low"] <= r["respondents"]["ci_high"] <= 1


def test_battery_reliability_in_appendix(demo):
    out, result, _ = demo
    q = load_questionnaire(bundled_path())
    batteries = [x.id for x in q.questions if x.type == "matrix" and x.scores]
    assert [r["question"] for r in result["reliability"]] == batteries
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    sec = page[page.index('id="reliability"'):page.index('id="questions"')]
    xlsx = _xlsx_text(out / "report.xlsx")
    for r in result["reliability"]:
        assert 0 < r["alpha"] < 1 and r["k"] == len(q.question(r["question"]).rows)
        assert f"{r['alpha']:.3f}" in sec and str(r["alpha"]) in xlsx


def test_margin_of_error_and_p_values(demo):
    import math

    from report.render import fmt_p

    out, result, _ = demo
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    n = result["sample"]["n"]
    deff = next(i["rate"]["deff"] for i in result["indicators"] if i.get("rate"))
    moe = 1.959963984540054 * math.sqrt(0.25 * deff / n)  # z_0.975 · √(p(1 − p)·deff/n) at p = 0.5
    assert f"最大抽样误差（比率为50%时）约为±{100 * moe:.1f}个百分点" in page
    assert fmt_p(0.0004) == "<0.001" and fmt_p(0.0123) == "0.012" and fmt_p(None) == "—"
    assert "0.000<" not in page and ">0.000<" not in page  # no p printed as 0.000


def test_method_notes_follow_the_design(demo):
    out, result, _ = demo
    assert not any(result["meta"]["design"].get(k) for k in ("strata", "psu"))  # the demo: simple random sampling
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    assert "按初级抽样单元与分层计算" not in page and "“初级抽样单元数−层数”" not in page
    assert "无分层、无整群" in page and "“样本量减1”" in page  # report/method_text.py, from the design


def test_open_answer_themes(demo, tmp_path):
    from survey.pii import mask_pii

    out, result, _ = demo
    ot = result["open_themes"]
    assert ot and ot["question"] == "K3" and ot["themes"]
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    for t in ot["themes"]:  # unweighted demo: the share is the count over those who answered
        assert t["share"] == pytest.approx(t["n"] / ot["n_answers"])
        assert 0 <= t["ci_low"] <= t["share"] <= t["ci_high"] <= 1
        assert 1 <= len(t["quotes"]) <= 2 and all(mask_pii(q) == q for q in t["quotes"])
        assert t["name"] in page
    assert ot["uncoded"]["n"] >= sum(a["count"] for a in ot["uncoded"]["answers"])
    assert ot["n_non_answers"] > 0  # the demo's "没有意见" answers: out of the base, not uncoded answers
    assert all(a["text"] != "没有意见" for a in ot["uncoded"]["answers"])
    if ot["uncoded"]["n"]:
        assert "未归入主题的开放题回答" in page


def test_theme_dictionary_extensible(tmp_path):
    import numpy as np
    import pandas as pd

    from analysis.design_spec import DesignSpec
    from report.themes import code_themes, theme_dictionary

    f = tmp_path / "t.yaml"
    f.write_text("themes:\n  - {id: pets, name: 宠物管理, keywords: [养狗, 宠物]}\n"
                 "  - {id: env, name: 环境（本地）, area: env, keywords: [垃圾]}\n", encoding="utf-8")
    themes = theme_dictionary("civic_hot_issues", f)
    names = {t.id: t.name for t in themes}
    assert names["pets"] == "宠物管理" and names["env"] == "环境（本地）" and "traffic" in names
    texts = pd.Series(["小区里养狗的太多，我叫张三，电话13812345678", "垃圾没人收", "停车难", "", None, "其他的事"])
    des = DesignSpec.from_mapping({}).build(pd.DataFrame({"x": np.zeros(len(texts))}))
    r = code_themes(texts, des, themes)
    by = {t["id"]: t for t in r["themes"]}
    assert r["n_answers"] == 4 and by["pets"]["n"] == 1 and by["env"]["n"] == 1 and by["traffic"]["n"] == 1
    assert by["pets"]["share"] == pytest.approx(0.25)
    assert "13812345678" not in by["pets"]["quotes"][0] and "张三" not in by["pets"]["quotes"][0]
    assert r["uncoded"] == {"n": 1, "answers": [{"text": "其他的事", "count": 1}]}


def test_theme_counts_equal_a_count_over_the_rows():
    """code_themes counts each distinct text once: its theme sizes, quotes and uncoded answers equal a
    plain count over the rows (collections.Counter of the masked answers in row order), including
    texts that mask alike (two phone numbers), ties (first appearance first), repeats, blanks and
    cells that are not text."""
    from collections import Counter

    import numpy as np
    import pandas as pd

    from analysis.design_spec import DesignSpec
    from report.themes import code_themes, theme_dictionary
    from survey.pii import mask_pii

    themes = theme_dictionary("civic_hot_issues")
    rng = np.random.default_rng(7)
    pool = ["垃圾没人收 13812345678", "垃圾没人收 13987654321", "停车难", "停车位太少", "  ", None, 3.5, np.nan,
            "其他的事", "别的事情", "垃圾分类不清楚", "路灯坏了", "噪音扰民", "其他的事 "]
    texts = pd.Series([pool[i] for i in rng.integers(0, len(pool), 400)], dtype=object)
    des = DesignSpec.from_mapping({}).build(pd.DataFrame({"x": np.zeros(len(texts))}))
    r = code_themes(texts, des, themes)
    masked = [mask_pii(t).strip() if isinstance(t, str) else "" for t in texts]
    in_theme = {t.id: [bool(m) and any(k in m for k in t.keywords) for m in masked] for t in themes}
    assert r["n_answers"] == sum(bool(m) for m in masked)
    for t in r["themes"]:
        rows = in_theme[t["id"]]
        assert t["n"] == sum(rows)
        assert t["quotes"] == [m for m, _ in Counter(m for m, h in zip(masked, rows) if h).most_common(2)]
    none = [bool(m) and not any(h[i] for h in in_theme.values()) for i, m in enumerate(masked)]
    assert r["uncoded"] == {"n": sum(none), "answers": [{"text": m, "count": c} for m, c in
                                                        Counter(m for m, h in zip(masked, none) if h).most_common(30)]}


def test_drivers_equal_least_squares(demo):
    """The demo is an unweighted simple random sample: the design-based coefficients are the ordinary
    least-squares ones (numpy lstsq on the complete rows, area scores computed here from the raw answers)."""
    import numpy as np

    from survey.store import Project

    out, result, _ = demo
    drv = result["drivers"]
    assert drv and drv["response"] == "L1" and len(drv["terms"]) >= 3
    proj = Project.open(out / "project")
    q = proj.questionnaire
    data, _ = proj.responses("2026Q3")
    data = data.reset_index(drop=True)

    def score(col, qq):
        top = max(qq.scores.values())
        return np.array([100 * qq.scores.get(int(v), np.nan) / top if v == v else np.nan
                         for v in data[col].astype(float)])

    y = score("L1", q.question("L1"))
    X = []
    for t in drv["terms"]:
        m = next(x for x in q.questions if x.type == "matrix" and x.area == t["area"])
        S = np.vstack([score(f"{m.id}_{r.id}", m) for r in m.rows])
        X.append(np.nanmean(S, axis=0))
    X = np.column_stack([np.ones(len(y))] + X)
    ok = np.isfinite(y) & np.isfinite(X).all(axis=1)
    beta = np.linalg.lstsq(X[ok], y[ok], rcond=None)[0]
    assert drv["n"] == ok.sum()
    assert [t["coef"] for t in drv["terms"]] == pytest.approx(beta[1:].tolist(), rel=1e-8)
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    assert "总体满意度的影响因素" in page and f"{drv['terms'][0]['coef']:.3f}" in page


# R function names and method authors: the method appendix names them (with the references), the body
# of the report speaks plainly.  Cronbach's α is the name of a statistic and may appear anywhere.
JARGON = re.compile(r"\bsvy[a-z]+|R ?语言|R survey|survey ?包|\bR\s+(?:package|function)|psych::|Rao|Scott|Korn|"
                    r"Graubard|Lumley|Clopper|Kish|Agresti|Jeffreys|Wilson")
APPENDIX = {"zh": "九、附录", "en": "9. Appendix"}


def _body_text_html(path, lang) -> str:
    """The HTML report's visible text before the appendix heading (styles and images left out)."""
    page = (path).read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<img\b[^>]*>", " ", page)
    heads = [m for m in re.finditer(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)
             if html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() == APPENDIX[lang]]
    assert heads, "no appendix heading"
    return html.unescape(re.sub(r"<[^>]+>", " ", page[:heads[-1].start()]))


def _body_text_docx(path, lang) -> str:
    """The DOCX report's text (paragraphs and tables in document order) before the appendix heading."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = Document(str(path))
    parts = []
    for el in d.element.body.iterchildren():
        if el.tag.endswith("}p"):
            t = Paragraph(el, d).text
            if t.strip() == APPENDIX[lang] and Paragraph(el, d).style.name == "Heading 1":  # not its 目录 entry
                return "\n".join(parts)
            parts.append(t)
        elif el.tag.endswith("}tbl"):
            parts += [c.text.replace("\n", "") for row in Table(el, d).rows for c in row.cells]
    raise AssertionError("no appendix heading")


def _jargon(text: str) -> list:
    return sorted({m.group(0) for m in JARGON.finditer(text)})


def test_method_jargon_only_in_the_appendix(demo, tmp_path_factory):
    out, _, _ = demo
    assert _jargon("标准误与 R survey 包一致（svyciprop），Rao–Scott 检验") != []  # the check can fail
    for name, text in (("html", _body_text_html(out / "report.html", "zh")),
                       ("docx", _body_text_docx(out / "report.docx", "zh"))):
        assert _jargon(text) == [], name
    # the appendix still names them (the method notes keep their references)
    assert "svyciprop" in (out / "report.html").read_text(encoding="utf-8")
    en = demo_english(tmp_path_factory)  # the demo project's English report (--compare 2026Q2: its change chapter too)
    for name, text in (("html", _body_text_html(en / "report.html", "en")),
                       ("docx", _body_text_docx(en / "report.docx", "en"))):
        assert _jargon(text) == [], ("en", name)


def test_table_and_figure_numbers_identical_in_html_docx_and_xlsx(demo):
    """One numbering pass (report.numbering) for every format: the ordered caption lists of the HTML
    (and so of the PDF printed from it) and of the DOCX are equal, number and text; the XLSX holds the
    same numbered table captions."""
    from report_tables import check_numbering, docx_captions, html_captions, xlsx_captions

    out, _, _ = demo
    page = (out / "report.html").read_text(encoding="utf-8")
    h, d = html_captions(page), docx_captions(out / "report.docx")
    assert len(h) > 40 and any(c.startswith("图") for c in h)
    assert h == d
    check_numbering(h, "表", "图")
    assert xlsx_captions(out / "report.xlsx") == [c for c in h if c.startswith("表")]


def test_html_and_docx_print_every_block_of_the_records(demo, tmp_path):
    """The HTML template walks the same chapter records as the Word writer: every heading, paragraph,
    list line and table cell of ``sections`` is in the HTML and in the DOCX, and the HTML has no text of
    its own between the chapter headings (each <p>/<li>/<h3> is a record's). The 摘要, which the HTML
    prints with links to the chapters, is left out."""
    import re

    from report.render import build_context, render_html, write_docx

    _, result, _ = demo
    ctx = build_context(result, out_dir=tmp_path, lang="zh")
    page = html.unescape(render_html(ctx, lang="zh"))
    write_docx(ctx, tmp_path / "r.docx")
    docx = _docx_text(tmp_path / "r.docx")
    texts, cells = [], []
    for sec in ctx["sections"]:
        if sec.anchor == "summary":  # the HTML links each point to its chapter instead of （见…） (front.html.j2)
            continue
        for kind, b in sec.blocks:
            if kind in ("p", "h", "h4"):
                texts.append(str(b))
            elif kind == "list":
                texts += list(b)
            elif kind == "table":
                cells += [v for r in b.formatted() for v, (_, k) in zip(r, b.columns) if k == "text" and v != "—"]
    assert len(texts) > 60 and len(cells) > 300
    from report.writers.docx import SCRIPTS

    def in_word(t: str) -> str:  # the Word file sets ᵢ, ₀, ² … as sub-/superscript runs of i, 0, 2 and drops p̂'s hat
        return "".join(SCRIPTS[ch][0] if ch in SCRIPTS else ch for ch in t.replace("\u0302", ""))

    for t in texts:
        assert t in page, t
        w = in_word(t)
        assert w in docx or all(line in docx for line in w.split("\n")), t
    for c in cells:
        assert c in page and in_word(c) in docx, c
    body = page[page.index('id="sec-1"'):]
    shown = [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r"<(?:p|li|h3|h4)\b[^>]*>(.*?)</(?:p|li|h3|h4)>", body, re.S)]
    assert set(shown) <= set(texts), set(shown) - set(texts)
