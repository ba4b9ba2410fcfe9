"""What a leader reading the report of a small one-district project tripped over (s27 user's-eye audit).

Each test builds the analysis-result shape the report reads (docs/analyze-json.md) and checks a sentence
the report prints: the policy text keeps its grammar when a well-rated item is taken out of it, no 0.0%
hot issue is cited as a problem, the summary does not list every hot issue, and the by-site chart title
never says "every site" when only one site could be reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from report.figures import hot_sites_title
from report.recommendations import build_recommendations, policy_without
from report.summary import build_summary

SHORT8 = Path(__file__).parent / "data" / "short8_questionnaire.yaml"


@pytest.fixture(scope="module")
def short8(tmp_path_factory):
    """A small project of the short questionnaire: 60 respondents of one wave."""
    from survey.qload import load_questionnaire
    from survey.simulate import simulate, write_csv
    from survey.store import Project

    tmp = tmp_path_factory.mktemp("short8")
    proj = Project.create(tmp / "proj", SHORT8)
    csv = tmp / "r.csv"
    write_csv(simulate(load_questionnaire(SHORT8), 60, 5, start="2026-09-01"), csv)
    proj.import_file(csv, wave="2026Q3")
    return proj

COMMUNITY_POLICY = "健全党建引领社区治理机制，加强物业服务监管，推进老旧小区改造，完善居民议事协商平台，提升社区服务精细化水平。"


def test_policy_keeps_its_grammar_when_a_lone_object_is_rated_well():
    """"推进老旧小区改造" without 老旧小区改造 must not become "推进，": the clause goes with its object."""
    text = policy_without(COMMUNITY_POLICY, ["老旧小区改造"])
    assert "老旧小区改造" not in text
    assert "推进，" not in text and "，，" not in text
    assert text == "健全党建引领社区治理机制，加强物业服务监管，完善居民议事协商平台，提升社区服务精细化水平。"


def test_policy_last_clause_keeps_the_full_stop():
    text = policy_without(COMMUNITY_POLICY, ["社区服务精细化水平"])
    assert text.endswith("完善居民议事协商平台。")


def test_policy_list_member_leaves_only_the_list():
    text = policy_without("以背街小巷、农贸市场、公共厕所等薄弱区域为重点，建立保洁机制。", ["公共厕所"])
    assert text == "以背街小巷、农贸市场等薄弱区域为重点，建立保洁机制。"


def test_policy_all_members_rated_well_drops_the_clause():
    text = policy_without("以背街小巷、农贸市场等薄弱区域为重点，建立保洁机制。", ["背街小巷", "农贸市场"])
    assert text == "建立保洁机制。"


def _area_result(hot_shares: dict) -> dict:
    """One area (社区治理) below its target, two items, and hot issues linked to it with the given shares."""
    return {
        "meta": {"owners": {"community": "市民政局"}},
        "areas": [{"id": "community", "name": "社区治理", "index": {"estimate": 70.0},
                   "recommendation": COMMUNITY_POLICY}],
        "indicators": [{"name": "社区治理满意度", "area": "community", "target": 0.8,
                        "rate": {"estimate": 0.6, "verdict": "未达标"}}],
        "items": [{"area": "community", "kind": "satisfaction", "label": "物业服务", "rate": {"estimate": 0.45}},
                  {"area": "community", "kind": "satisfaction", "label": "老旧小区改造", "rate": {"estimate": 0.9}}],
        "hot_issues": {"items": [{"code": k, "label": lab, "area": "community", "respondents": {"estimate": v}}
                                 for k, (lab, v) in enumerate(hot_shares.items())]},
    }


def test_recommendation_cites_no_hot_issue_nobody_chose():
    """A hot issue chosen by 0.0% of respondents is no finding: it is not cited as a related hot issue."""
    recs = build_recommendations(_area_result({"物业管理": 0.12, "邻里纠纷": 0.0}))
    assert len(recs) == 1
    r = recs[0]
    assert [lab for lab, _ in r.hot_issues] == ["物业管理"]
    assert "邻里纠纷" not in r.text and "0.0%" not in r.text
    assert "推进，" not in (r.policy or "")


def _hot(label_shares: list) -> dict:
    """A hot-issue result whose rank ranges all overlap (small sample): every option could be in the top 3."""
    n = len(label_shares)
    items = [{"code": k + 1, "label": lab, "rank": k + 1, "rank_best": 1, "rank_worst": n, "tie": True,
              "respondents": {"estimate": v}} for k, (lab, v) in enumerate(label_shares)]
    return {"top": items[:10], "items": items}


def test_summary_names_a_few_of_the_tied_hot_issues_and_counts_the_rest():
    """On 33 answers all 59 hot issues may reach the top three; the one-page summary names three and
    counts the others instead of printing the whole list."""
    shares = [(f"问题{k}", max(0.0, 0.2 - k * 0.004)) for k in range(59)]
    result = {"indicators": [{"name": "创文知晓率", "rate": {"estimate": 0.9, "verdict": "无显著差异"}}],
              "hot_issues": _hot(shares)}
    s = build_summary(result, lang="zh")
    hot = next(p for p in s.points if p.kind == "hot")
    named = [lab for lab, _ in shares if f"“{lab}”" in hot.text]
    assert named == ["问题0", "问题1", "问题2", "问题3", "问题4", "问题5"]
    assert "等56项" in hot.text
    for path, value in hot.values:     # every cited value is printed
        assert f"{100 * value:.1f}%" in hot.text, path


def test_by_site_title_does_not_claim_every_site_from_one():
    """Only 社区 could be reported (机关 and 企业 under min_cell): the title must not say 各调查点均…."""
    title = hot_sites_title({"社区": "政务公开"}, 3, "zh")
    assert "各调查点" not in title and "社区" in title and "政务公开" in title
    assert hot_sites_title({"社区": "政务公开", "机关": "政务公开"}, 3, "zh").startswith("社区、机关均以")
    assert hot_sites_title({"社区": "政务公开", "机关": "政务公开", "企业": "政务公开"}, 3, "zh") == "各调查点均以“政务公开”居首"
    en = hot_sites_title({"Community": "Open government"}, 3, "en")
    assert "every site" not in en and "Community" in en


def test_printed_excel_sheets_carry_page_numbers(short8, tmp_path):
    """A staff member prints the workbook (the appendix sheet runs to many pages): every sheet's footer
    numbers the pages and names the sheet, in the report's language."""
    from openpyxl import load_workbook

    from report.project import report_project

    proj = short8
    for lang, words in (("zh", ("第 &P 页", "共 &N 页")), ("en", ("page &P of &N",))):
        out = report_project(proj, tmp_path / lang, wave="2026Q3", formats=("xlsx",), lang=lang)
        wb = load_workbook(out["paths"]["xlsx"])
        assert len(wb.worksheets) > 3
        for ws in wb.worksheets:
            footer = ws.oddFooter.center.text or ""
            assert "&A" in footer, ws.title
            for w in words:
                assert w in footer, (lang, ws.title, footer)


def test_verdict_bars_are_told_apart_in_black_and_white(tmp_path):
    """Printed in black and white, 达标 green and 未达标 vermillion are the same grey: the verdict is also
    drawn as a texture (hatch) on the bars and on the legend keys, one texture per class."""
    import re

    from report import charts as C

    verdicts = ["达标", "未达标", "无显著差异", "未达标"]
    chart = C.bar_ci("verdicts", "t", ["甲", "乙", "丙", "丁"], [0.9, 0.7, 0.85, 0.6], [0.88, 0.68, 0.8, 0.55],
                     [0.92, 0.72, 0.9, 0.65], targets=[0.8] * 4, verdicts=verdicts, out_dir=tmp_path)
    svg = chart.svg_path.read_text(encoding="utf-8")
    patterns = set(re.findall(r'<pattern id="([^"]+)"', svg))
    used = re.findall(r"fill: ?url\(#([^)]+)\)", svg)
    assert len(patterns) == 2                       # 无显著差异 and 未达标 each their own texture; 达标 plain
    assert sorted(used.count(p) for p in patterns) == [1 + 1, 2 + 1]   # bars + legend key per class


def test_trend_panel_title_leaves_no_single_character_line():
    """The trend chart's panel titles broke "志愿服务知晓率" as 志愿服务知晓 / 率: a name ending in a
    measure word breaks before it; names with a joining character keep their rule."""
    from report.trend_charts import _panel_head

    assert _panel_head("志愿服务知晓率", "zh") == "志愿服务\n知晓率"
    assert _panel_head("综合满意度指数", "zh") == "综合满意度\n指数"
    assert _panel_head("社会治安与法治满意度", "zh") == "社会治安与\n法治满意度"
    assert _panel_head("创文知晓率", "zh") == "创文知晓率"
    for name in ("志愿服务知晓率", "市民文明公约知晓率", "城市总体满意度", "综合满意度指数"):
        assert all(len(line) >= 2 for line in _panel_head(name, "zh").split("\n")), name


def test_chapter_sub_headings_are_numbered_in_the_official_order():
    """Issue 10: sub-headings （一）（二）… under 一、二、…; the 摘要 is not numbered; the per-area
    recommendation blocks under （…）分领域问题与对策建议 are the third level 1．2．…; English keeps its text."""
    from report.numbering import number_headings
    from report.recommendations import Recommendation, rec_heading
    from report.records import Heading, Section

    def sections():
        return [Section("摘要", "0", [("h", "不编号"), ("p", "…")], anchor="summary"),
                Section("一、调查概况", "1", [("p", "…"), ("h", "数据质量")], anchor="sec-1"),
                Section("五、热点问题", "5", [("h", Heading("分调查点的热点问题", "hot-sites")), ("table", None),
                                            ("h", "最迫切需要解决的问题")] + [("h", f"题{k}") for k in range(9)],
                        anchor="sec-5")]

    zh = sections()
    number_headings(zh, "zh")
    assert zh[0].blocks[0] == ("h", "不编号")
    assert zh[1].blocks[1] == ("h", "（一）数据质量")
    head = zh[2].blocks[0][1]
    assert isinstance(head, Heading) and head.text == "（一）分调查点的热点问题" and head.anchor == "hot-sites"
    assert zh[2].blocks[2] == ("h", "（二）最迫切需要解决的问题")
    assert zh[2].blocks[-1] == ("h", "（十一）题8")
    en = sections()
    number_headings(en, "en")
    assert en[1].blocks[1] == ("h", "数据质量")
    r = Recommendation("env", "城市环境", 70.0)
    assert rec_heading(0, r, "zh") == "1．城市环境"
    assert not rec_heading(0, r, "zh").startswith("（")


def test_small_base_indicators_marked_in_the_indicator_tables(short8):
    """An indicator resting on fewer than small_base answers (an area asked at one site of a small sample:
    8 answers) carried no △ in 表 主要指标及达标判定 while the lowest-items table and the summary marked
    the same data as 仅供参考: the indicator tables mark it too, with the note."""
    from report.project import analyze_project
    from report.render import build_context

    res = analyze_project(short8, wave="2026Q3")

    def tables(small_base):
        ctx = build_context(res, lang="zh", small_base=small_base)
        return {b[1].key: b[1] for s in ctx["sections"] for b in s.blocks
                if b[0] == "table" and b[1].key in ("indicators", "indexes")}

    many = tables(3000)   # every indicator has fewer answers than this: all marked
    assert set(many) == {"indicators", "indexes"}
    for t in many.values():
        assert t.rows and all("small_base" in r[0].flags for r in t.rows), t.key
        assert "仅供参考" in t.note
        assert all(cells[0].endswith("△") for cells in t.formatted())   # as every writer prints it
    few = tables(1)
    for t in few.values():
        assert not any(getattr(r[0], "flags", ()) for r in t.rows) and "仅供参考" not in t.note


def test_excel_rows_carry_the_small_base_mark_their_note_explains(short8, tmp_path):
    """In report.xlsx the lowest-items and indicator tables' notes said "△ 样本量小于30，仅供参考" but no row
    carried the mark (text cells dropped their flags): a flag column now says it on the row; the league,
    which states it in its own 说明 column, gets no second one."""
    from openpyxl import load_workbook

    from report.project import report_project

    out = report_project(short8, tmp_path / "x", wave="2026Q3", formats=("xlsx",), small_base=3000)
    wb = load_workbook(out["paths"]["xlsx"])
    rows = [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
    for caption in ("主要指标及达标判定", "满意率最低的"):
        k = next(i for i, r in enumerate(rows) if r[0] and caption in str(r[0]))
        header = rows[k + 1]
        assert "指标标注" in header or "题项标注" in header, header
        j = next(j for j, h in enumerate(header) if h and str(h).endswith("标注"))
        body = [r for r in rows[k + 2:] if r[0] and not str(r[0]).startswith(("注", "表"))][:3]
        assert body and all("仅供参考" in str(r[j]) for r in body), body
    league = [r for r in rows if r[0] and "排名" in str(r[0]) and str(r[0]).startswith("表")]
    for cap in league:
        header = rows[rows.index(cap) + 1]
        assert not any(h and str(h).endswith("标注") and str(h).startswith("区县") for h in header)


def test_suppressed_site_does_not_show_its_hot_issue_ranking(tmp_path):
    """表 各调查点前五位热点问题 listed five issues, in order, for a site of 8 respondents whose shares were
    suppressed (n < min_cell): the order is what suppression hides.  Such a site gets one row saying it
    is not reported; a reported site keeps its five."""
    from report.project import analyze_project
    from report.render import build_context
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate, write_csv
    from survey.store import Project

    proj = Project.create(tmp_path / "proj", bundled_path())
    csv = tmp_path / "r.csv"
    write_csv(simulate(load_questionnaire(bundled_path()), 150, 3, start="2026-09-01"), csv)
    proj.import_file(csv, wave="2026Q3")
    res = analyze_project(proj, wave="2026Q3")
    sites = list(res["hot_issues"]["by_site"])
    assert len(sites) == 3

    n = {site: recs[0]["respondents"]["n"] for site, recs in res["hot_issues"]["by_site"].items()}
    small, *rest = sorted(sites, key=n.get)
    assert n[small] < n[rest[0]]
    ctx = build_context(res, lang="zh", min_cell=n[rest[0]], small_base=n[rest[0]])  # only `small` under it
    table = next(b[1] for s in ctx["sections"] for b in s.blocks if b[0] == "table" and b[1].key == "hot_sites")
    hidden = [r for r in table.rows if r[0] == small]
    assert len(hidden) == 1 and hidden[0][1] is None and hidden[0][2] == "样本过少，不予报告" and hidden[0][3] is None
    for site in rest:
        shown = [r for r in table.rows if r[0] == site]
        assert len(shown) == 5 and all(r[3] is not None for r in shown)


def test_recommendation_cites_only_hot_issues_chosen_more_than_the_average():
    """营商环境 chosen by 0.9% of respondents (45th of 59 issues) was cited as the business area's 相关的热点问题: an
    issue is cited when chosen by at least the mean share of the list's issues (here (0.12 + 0.01 + 0.20) / 3 = 11%)."""
    res = _area_result({"物业管理": 0.12, "邻里纠纷": 0.01})
    res["hot_issues"]["items"].append({"code": 9, "label": "文明养犬", "area": "civility",
                                        "respondents": {"estimate": 0.20}})
    (r,) = build_recommendations(res)
    assert [lab for lab, _ in r.hot_issues] == ["物业管理"] and "邻里纠纷" not in r.text
