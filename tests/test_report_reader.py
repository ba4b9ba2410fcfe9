"""The report as a leader reads it: every sentence true for the numbers it rests on.

A project of the bundled questionnaire (simulated answers) is reported once; its text is checked
against the analysis result the report used:

* the 各题统计 shares have the base of the headline rates (不了解 apart), and the note says so;
* rankings are stated only as far as the rank ranges (CI overlap) support them;
* a hot issue differing by site is "named at a higher rate" by the site, not "mostly raised" by it;
* small-base (△) results are marked wherever they are asserted or ranked;
* a one-site, one-district survey gets sentences true for it (no comparison, no league claim, no
  empty groups);
* no placeholder, no CLI syntax, no "pp" or negative zero in the Chinese report; the open-question base
  leaves out "没有意见"-type non-answers.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest

from report.project import report_project
from report.suppression import apply_thresholds
from report_tables import xlsx_table
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

SMALL_DISTRICT = 6  # code of 临江县: 22 respondents, none of them supporting (B5)
NON_ANSWERS = ["没有意见", "无", "没有", "暂无", "无意见。"]


def _text(page: str) -> str:
    """The visible text of an HTML page (tags out, entities decoded)."""
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reader")
    q = load_questionnaire(bundled_path())
    frame = simulate(q, 1500, 21, start="2026-09-01")
    d = frame[q.district_question].to_numpy(dtype=float)
    small = np.flatnonzero(d == SMALL_DISTRICT)
    frame = frame.drop(index=small[22:]).reset_index(drop=True)
    rows = np.flatnonzero(frame[q.district_question].to_numpy(dtype=float) == SMALL_DISTRICT)
    frame.loc[rows, "B5"] = 4.0  # the small district supports significantly less (its △ cell is asserted)
    text = frame["K3"].fillna("").astype(str)
    answered = np.flatnonzero(text.str.strip().str.len().to_numpy() > 0)
    for k, i in enumerate(answered[:50]):
        frame.loc[i, "K3"] = NON_ANSWERS[k % len(NON_ANSWERS)]
    csv = tmp / "r.csv"
    write_csv(frame, csv)
    proj = Project.create(tmp / "proj", bundled_path())
    (proj.root / "pop_gender.csv").write_text("男,50.6\n女,49.4\n", encoding="utf-8")
    with open(proj.root / "minyi.yaml", "a", encoding="utf-8") as f:  # a census margin, no weighting
        f.write("margins:\n  gender: pop_gender.csv\n")
    proj = Project(proj.root)
    proj.import_file(csv, wave="2026Q3")
    out = report_project(proj, tmp / "out", wave="2026Q3", formats=("html", "xlsx"), cache=False)
    page = Path(out["paths"]["html"]).read_text(encoding="utf-8")
    summary = _text(page[page.index('id="summary"'):page.index('id="sec-1"')])
    data, _ = proj.responses("2026Q3")  # the rows analysed (the data-quality rules drop a few)
    return q, data.reset_index(drop=True), out["result"], _text(page), out["paths"], summary


# --------------------------------------------------------------------------- 1. appendix base = headline base
def test_appendix_shares_have_the_headline_base(reported):
    q, _, res, text, paths, _ = reported
    c1 = next(t for t in res["questions"] if t["id"] == "C1")
    row = q.question("C1").rows[0]
    mine = [r for r in c1["rows"] if r["row"] == row.label]
    item = next(i for i in res["items"] if i["key"] == f"C1_{row.id}")
    pos = {o.label for o in q.question("C1").options if o.code in (1, 2)}
    # 非常满意 + 满意 of the appendix is the 满意率 of the text
    assert sum(r["share"] for r in mine if r["label"] in pos) == pytest.approx(item["rate"]["estimate"], rel=1e-12)
    assert sum(r["share"] for r in mine if not r["na"]) == pytest.approx(1.0)
    na = next(r for r in mine if r["na"])
    assert na["share"] == pytest.approx(item["rate"]["share_na"], rel=1e-12)  # the 不了解 rate of the text
    assert "未选“不了解”的人数为基数" in text and "与正文满意率口径一致" in text
    from openpyxl import load_workbook

    ws = load_workbook(str(paths["xlsx"]), read_only=True)["9附录"]
    head, body = xlsx_table(ws, "C1 " + q.question("C1").text + f"（矩阵量表；有效样本{c1['n']:,}）")
    got = {r[1]: r[head.index("占比")] for r in body if r[0] == row.label}
    assert got["满意"] == pytest.approx(next(r["share"] for r in mine if r["label"] == "满意"), rel=1e-12)


def test_appendix_base_when_dont_know_counts_as_not_satisfied(reported):
    from report.pipeline import analyze
    from report.question_tables import appendix_tables

    q, frame, _, _, _, _ = reported
    res = analyze(q, frame, na_policy="unsatisfied")
    c1 = next(t for t in res["questions"] if t["id"] == "C1")
    row = q.question("C1").rows[0]
    mine = [r for r in c1["rows"] if r["row"] == row.label]
    item = next(i for i in res["items"] if i["key"] == f"C1_{row.id}")
    assert sum(r["share"] for r in mine[:2]) == pytest.approx(item["rate"]["estimate"], rel=1e-12)
    assert sum(r["share"] for r in mine) == pytest.approx(1.0)
    note = next(t.note for t in appendix_tables(res["questions"]) if t.qid == "C1")
    assert "含“不了解”" in note


# --------------------------------------------------------------------------- 2. rankings only as far as the CIs go
def test_lagging_districts_said_as_the_rank_ranges_allow(reported):
    _, _, res, text, _, summary = reported
    ranked = [r for r in apply_thresholds(res)["league"]["rows"] if r.get("estimate") is not None]  # as reported
    n = len(ranked)
    rows = [r for r in ranked if r["n"] >= 30]  # a district under small_base is not placed, but named apart
    small = [r for r in ranked if r["n"] < 30]
    assert small, "the fixture should have a district under small_base"
    last = rows[-2:]
    reach = [r for r in rows[:-2] if r["rank_worst"] >= n - 1]
    assert reach, "the fixture should have districts that cannot be told from the last two"
    assert "排名靠后" not in summary
    assert "点估计最低的区县是" in summary and "差异不显著" in summary
    for r in last + reach:
        assert f"{r['group']}第{r['rank_best']}–{r['rank_worst']}名" in summary
    for r in small:
        assert f"{r['group']}第" not in summary and f"{r['group']}（n={r['n']}）样本过少，不作判定、不排名。" in summary


def test_hot_issue_order_said_as_the_rank_ranges_allow(reported):
    _, _, res, text, _, summary = reported
    top = res["hot_issues"]["top"][:3]
    tied = [(a, b) for a, b in zip(top, top[1:]) if a["rank_worst"] >= b["rank_best"]]
    assert tied, "the fixture should have top hot issues that do not differ"
    assert "依次是" not in summary
    for a, b in tied:
        assert f"“{a['label']}”与“{b['label']}”" in summary


def test_figure_titles_do_not_rank_what_the_intervals_do_not(reported):
    _, _, res, text, _, _ = reported
    rows = [r for r in apply_thresholds(res)["league"]["rows"] if not r.get("suppressed") and r["n"] >= 30]
    level = [r["group"] for r in rows[1:] if r["rank_best"] == 1]  # a district under small_base is not placed
    cap = next(line for line in text.splitlines() if "综合满意度指数最高" in line and line.strip().startswith("图"))
    if level:
        assert "差异不显著" in cap and all(g in cap for g in level[:3])
    else:
        assert "差异不显著" not in cap
    areas = [a for a in res["areas"] if (a.get("index") or {}).get("estimate") is not None]
    lo = min(areas, key=lambda a: a["index"]["estimate"])
    level = [a["name"] for a in areas if a is not lo and a["index"]["ci_low"] <= lo["index"]["ci_high"]]
    cap = next(line for line in text.splitlines() if line.strip().startswith("图") and f"{lo['name']}最低" in line
               or f"{lo['name']}满意度指数最低" in line)
    assert ("差异不显著" in cap and all(n in cap for n in level[:3])) if level else "差异不显著" not in cap
    tied = 0  # the lowest item of each area's Likert chart, with the items it cannot be told from
    names = {a["id"]: a["name"] for a in res["areas"]}
    for aid in names:
        its = [i for i in res["items"] if i.get("area") == aid and i["kind"] == "satisfaction" and i.get("distribution")
               and (i.get("rate") or {}).get("estimate") is not None]
        if not its:
            continue
        worst = min(its, key=lambda i: i["rate"]["estimate"])
        level = [i["label"] for i in its if i is not worst and i["rate"]["ci_low"] <= worst["rate"]["ci_high"]]
        cap = next(x for x in text.splitlines() if f"{names[aid]}：“{worst['label']}”满意率最低" in x)
        line = cap + "".join(text.splitlines()[text.splitlines().index(cap) + 1:][:1])  # a caption may wrap
        assert ("差异不显著" in line) == bool(level), line
        tied += bool(level)
    assert tied, "the fixture should have areas whose lowest item cannot be told from another"
    top = res["hot_issues"]["top"]
    cap = next(line for line in text.splitlines() if line.strip().startswith("图") and f"“{top[0]['label']}”" in line)
    if top[1]["rank_best"] == 1:
        assert "差异不显著" in cap and f"“{top[1]['label']}”" in cap
    else:
        assert "位居热点问题首位" in cap


# --------------------------------------------------------------------------- 3. "higher rate", not "mostly raised by"
def test_hot_issue_by_site_says_a_higher_rate(reported):
    _, _, res, text, _, _ = reported
    differ = [r for r in res["hot_issues"]["groups_differ"] if r["higher"]]
    assert differ
    assert "主要由" not in text
    r = differ[0]
    t = r["higher"][0]
    assert f"{t['group']}（{100 * t['estimate']:.1f}%，其余" in text and "提及比例明显更高" in text


# --------------------------------------------------------------------------- 4. small bases marked where asserted
def test_small_base_differences_are_caveated(reported):
    q, _, res, text, _, _ = reported
    small = q.question(q.district_question).options[SMALL_DISTRICT - 1].label
    # session 30: a small-base group is no longer called 显著高于/低于 with a △ caveat: it is not judged at all
    # (the verdicts' small-base rule), and its line says so with its base
    assert not any(x.strip().startswith(f"{small}：显著") for x in text.splitlines())
    line = next(x for x in text.splitlines() if x.strip().startswith(f"{small}："))
    assert re.search(r"样本过少（n=\d+），不作判定", line), line
    # a large group's line carries no caveat
    for x in text.splitlines():
        if re.match(r"\s*(机关|社区|企业)：显著", x):
            assert "△" not in x


def test_small_base_items_marked_in_the_lowest_items(reported):
    from report.render import build_context

    _, _, res, _, _, _ = reported
    ctx = build_context(res, lang="zh", small_base=3000)  # every item has fewer answers: all marked
    lowest = next(b[1] for s in ctx["sections"] for b in s.blocks if b[0] == "table" and b[1].key == "lowest")
    assert all("small_base" in r[0].flags for r in lowest.rows)
    assert "仅供参考" in lowest.note
    ctx = build_context(res, lang="zh", small_base=30)
    lowest = next(b[1] for s in ctx["sections"] for b in s.blocks if b[0] == "table" and b[1].key == "lowest")
    assert not any(getattr(r[0], "flags", ()) for r in lowest.rows) and not lowest.note


# --------------------------------------------------------------------------- 5. one site, one district
@pytest.fixture(scope="module")
def one_place(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("one")
    q = load_questionnaire(bundled_path())
    frame = simulate(q, 900, 5, start="2026-09-01")
    keep = (frame[q.site_question].to_numpy(dtype=float) == 2) & (frame[q.district_question].to_numpy(dtype=float) == 1)
    frame = frame[keep].reset_index(drop=True)  # every respondent: 社区 in 东城区
    csv = tmp / "one.csv"
    write_csv(frame, csv)
    proj = Project.create(tmp / "proj", bundled_path())
    proj.import_file(csv, wave="2026Q3")
    out = report_project(proj, tmp / "out", wave="2026Q3", formats=("html",), cache=False)
    return q, out["result"], _text(Path(out["paths"]["html"]).read_text(encoding="utf-8"))


def test_one_site_one_district_sentences_true(one_place):
    from report.group_compare import group_tables

    q, res, text = one_place
    assert res["sample"]["sites"] == ["社区"]
    assert "调查点为社区" in text and "调查点覆盖" not in text and "3类单位" not in text
    assert "均无显著差异" not in text  # nothing was compared
    assert "本次调查的有效样本只来自一个调查点（社区），无法进行调查点间比较。" in text
    assert "本次调查的有效样本只来自一个区县（东城区），无法进行区县间比较。" in text
    assert "综合满意度指数最高" not in text and "东城区综合满意度指数为" in text
    tabs = group_tables(apply_thresholds(res))
    assert tabs["site"]["groups"] == ["社区"] and tabs["site"]["empty"] == ["机关", "企业"]
    assert tabs["district"]["groups"] == ["东城区"]
    assert "机关、企业无样本，未列出。" in text


# --------------------------------------------------------------------------- 6. unweighted shares said so
def test_sample_note_says_unweighted(reported):
    from report.render import build_context

    _, _, res, text, _, _ = reported
    assert "本报告未加权" in text  # the representativeness warning ...
    assert "样本占比为加权占比" not in text and "样本占比为未加权的人数占比" in text  # ... and the table agree
    assert not res["sample"]["weighted"]
    ctx = build_context(res, lang="en")
    notes = [b[1].note for s in ctx["sections"] for b in s.blocks if b[0] == "table" and b[1].key.startswith("sample:")]
    assert any("unweighted" in n for n in notes) and not any("are weighted" in n for n in notes)


# --------------------------------------------------------------------------- 7, 8, 10. the change chapter
@pytest.fixture(scope="module")
def three_waves(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("waves")
    q = load_questionnaire(bundled_path())
    proj = Project.create(tmp / "proj", bundled_path())
    for k, (wave, shift) in enumerate((("2026Q1", 0.0), ("2026Q2", 0.15), ("2026Q3", 0.3))):
        f = simulate(q, 700, 40 + k, shift=shift, start=f"2026-{3 * k + 1:02d}-01")
        write_csv(f, tmp / f"{wave}.csv")
        proj.import_file(tmp / f"{wave}.csv", wave=wave)
    out = report_project(proj, tmp / "out", wave="2026Q3", compare_wave="2026Q2", formats=("html", "xlsx"), cache=False)
    return q, out, _text(Path(out["paths"]["html"]).read_text(encoding="utf-8"))


def test_area_trend_panels_draw_the_targets_the_note_names(three_waves):
    from report.trend import project_trend

    q, out, _ = three_waves
    tr = project_trend(Project(Path(out["paths"]["html"]).parent.parent / "proj"))
    targets = {i.area: i.index_target * max(q.question(i.question).scores.values())
               for i in q.indicators if i.kind == "satisfaction" and i.area and i.index_target}
    areas = [s for s in tr.overall() if s.kind == "area"]
    assert areas and all(s.target == pytest.approx(targets[s.area]) for s in areas if s.area in targets)
    svg = (out["paths"]["charts"] / "trend_areas.svg").read_text(encoding="utf-8")
    assert "stroke-dasharray" in svg  # the dashed target lines the note speaks of
    from report.trend import TrendSeries
    from report.trend_charts import small_multiples
    from survey.labels import label as tl

    bare = [TrendSeries(**{**s.__dict__, "target": None}) for s in areas]  # the same panels without targets
    c = small_multiples("bare", "t", bare, ["1", "2", "3"], out_dir=out["paths"]["charts"])
    assert "stroke-dasharray" not in c.svg_path.read_text(encoding="utf-8")
    assert "{target}" in tl("trend.multiples_note") and tl("trend.multiples_target") == "虚线为目标值，"


def test_change_tables_are_numbers_with_headers(three_waves):
    from openpyxl import load_workbook

    _, out, _ = three_waves
    ws = load_workbook(str(out["paths"]["xlsx"]), read_only=True)["7变化"]
    head, body = xlsx_table(ws, "主要指标历次调查结果")
    for col in ("较上期", "较首期", "线性趋势（每期）"):
        j = head.index(col)
        assert all(isinstance(r[j], (int, float)) for r in body), col  # number cells, not "'+0.2pp →"
        marks = {r[head.index(f"{col}标注")] for r in body}
        assert marks <= {"↑ 显著上升", "↓ 显著下降", "→ 无显著变化"} and marks
    assert all(not (isinstance(v, str) and v.startswith("'")) for r in body for v in r)
    head, body = xlsx_table(ws, "与2026年第二季度相比的变化")
    assert "显著性" in head and all(h for h in head if h is not None), head


def test_chinese_text_has_no_pp_and_no_negative_zero(three_waves):
    _, out, text = three_waves
    assert not re.search(r"\dpp", text)  # 个百分点 in Chinese, as everywhere else
    assert not re.search(r"-0\.0(?!\d)", text)
    from report.table_cells import format_value, signed
    from report.tracking_text import fmt_change

    assert signed(-0.04) == "0.0" and signed(0.04) == "0.0" and signed(-0.06) == "-0.1" and signed(2.5) == "+2.5"
    assert format_value(-0.0004, "pp") == "0.0" and format_value(-0.04, "chg1") == "0.0"
    assert fmt_change(0.011, True) == "+1.1个百分点" and fmt_change(0.011, True, "en") == "+1.1 pp"
    caps = [x for x in text.splitlines() if x.strip().startswith("图") and "/期" in x]
    assert caps and all("个百分点/期" in x or "%" not in x for x in caps)


# --------------------------------------------------------------------------- 9, 11, 12. a single wave, delivered
def test_single_wave_says_so_in_plain_words(reported):
    _, _, _, text, _, _ = reported
    assert "--compare" not in text and "暂无可供比较的往期结果" in text


def test_no_analyst_placeholder_unless_a_draft(reported):
    from report.render import build_context

    _, _, res, text, _, _ = reported
    assert "此处留给分析人员" not in text and "分析人员意见" not in text
    ctx = build_context(res, lang="zh", draft=True)
    assert any(b[0] == "placeholder" for s in ctx["sections"] for b in s.blocks)


def test_open_answers_leave_non_answers_out(reported):
    q, frame, res, text, _, _ = reported
    said = frame["K3"].fillna("").astype(str).str.strip()
    said = said[said != ""]
    non = int(said.isin(NON_ANSWERS + ["没有意见"]).sum())  # the injected ones and the simulator's own
    assert non >= 50
    ot, th = res["open_text"], res["open_themes"]
    assert ot["n_non_answers"] == th["n_non_answers"] == non
    assert ot["n_answers"] == th["n_answers"] == len(said) - non
    assert f"共有{ot['n_answers']:,}名受访者填写了意见建议" in text and f"另有{non}人填写“没有意见”“无”等，未计入。" in text
    for t in th["themes"]:
        assert t["share"] == pytest.approx(t["n"] / th["n_answers"])  # the base: those with an opinion
    k3 = next(t for t in res["questions"] if t["id"] == "K3")
    assert k3["n"] == ot["n_answers"]


def test_heat_map_lowest_said_as_the_intervals_allow(three_waves):
    _, out, text = three_waves
    rows = [r for r in apply_thresholds(out["result"])["composite"]["by"]["district"] if r.get("estimate") is not None
            and not r.get("suppressed")]
    lo = min(rows, key=lambda r: r["estimate"])
    level = [r["group"] for r in rows if r is not lo and r["ci_low"] <= lo["ci_high"]]
    cap = next(x for x in text.splitlines() if "区县×期次" in x and x.strip().startswith("图"))
    assert f"{lo['group']}最低" in cap
    if level:
        assert "差异不显著" in cap and all(g in cap for g in level[:3])
    else:
        assert "差异不显著" not in cap


def test_one_reported_group_is_not_said_to_be_the_only_one(one_place):
    """A second district with too few respondents to report: the sentence does not say the sample has one."""
    from report.group_compare import group_tables, significance_lines

    _, res, _ = one_place
    tab = group_tables(apply_thresholds(res, min_cell=10**6))["district"]  # every cell suppressed: none reported
    assert significance_lines(tab, "区县") == []
    two = dict(tab, groups=tab["groups"] + ["西城区"],
               rows=[dict(r, cells=r["cells"] + [dict(r["cells"][0], suppressed=True, estimate=None)]) for r in
                     group_tables(apply_thresholds(res))["district"]["rows"]])
    assert significance_lines(two, "区县") == ["只有东城区一个区县的样本量足以报告（其余区县样本过少），无法进行区县间比较。"]


def test_the_draft_option_gives_the_analyst_box(tmp_path):
    """survey report --draft: the box left for the analyst's judgement is there; without it, not."""
    import subprocess
    import sys

    from survey.qload import bundled_path
    from survey.simulate import simulate, write_csv
    from survey.store import Project

    p = Project.create(tmp_path / "p", bundled_path("civic_hot_issues"))
    write_csv(simulate(p.questionnaire, n=300, seed=5), tmp_path / "a.csv")
    p.import_file(tmp_path / "a.csv", wave="2026Q1")
    texts = {}
    for flag in ([], ["--draft"]):
        out = tmp_path / ("draft" if flag else "final")
        r = subprocess.run([sys.executable, "-c", "import cli, sys; cli.main(sys.argv[1:])", "report", str(p.root),
                            "--format", "html", "--out", str(out), *flag], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        texts[bool(flag)] = (out / "report.html").read_text(encoding="utf-8")
    box = "此处留给分析人员"
    assert box in texts[True] and box not in texts[False]


def test_an_area_without_a_valid_rating_is_not_listed_as_weighted_in(reported):
    """Every answer of an area 不了解: the composite leaves it out and scales the other weights up; the method note
    said 城市环境15% among the weights as if it counted."""
    import copy

    from report.render import _method_notes

    _, _, res, _, _, _ = reported
    notes = "\n".join(_method_notes(res, "zh", 30, 10))
    first = res["areas"][0]
    assert f"{first['name']}{100 * first['weight']:.0f}%" in notes and "本期无有效评价" not in notes
    r2 = copy.deepcopy(res)
    r2["areas"][0]["index"] = {**(r2["areas"][0].get("index") or {}), "estimate": None}
    notes = "\n".join(_method_notes(r2, "zh", 30, 10))
    assert f"{first['name']}{100 * first['weight']:.0f}%（本期无有效评价，未计入，其余领域权重按比例放大）" in notes
    assert "no valid rating this wave" in "\n".join(_method_notes(r2, "en", 30, 10))


def test_indicators_answered_mostly_dont_know_are_said(reported):
    """Most answers 不了解: the estimates stand for the few who rated, and the chapter says so (it reported verdicts
    and rankings on 10 % of the sample without a word); no such sentence when every indicator is mostly rated."""
    import copy

    from report.render import build_context

    _, _, res, text, _, _ = reported
    assert "不了解/说不清”的比例超过一半" not in text
    r2 = copy.deepcopy(res)
    ind = next(i for i in r2["indicators"] if i.get("rate"))
    ind["rate"]["share_na"] = 0.856
    ctx = build_context(r2, lang="zh")
    paras = [v for s in ctx["sections"] for kind, v in s.blocks if kind == "p"]
    assert f"{ind['name']}（85.6%）回答“不了解/说不清”的比例超过一半：其结果只代表作出评价的少数受访者，解读时应注意。" in paras
