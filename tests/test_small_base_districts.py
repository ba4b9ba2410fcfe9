"""A district with at least min_cell (10) but fewer than small_base (30) respondents is not called significantly
below (or above) the city or the other districts anywhere — ledger, brief, the report's 区县问题清单 and group
comparison — and raises no ledger item; it is listed apart with its base, 北山区：样本过少（n=18），不作判定, as a
verdict on a small base is (report.findings.too_few_to_judge).  Before, 北山区 (18 respondents, clearly lower)
got five ledger items 显著低于全市, led the brief's 后进区县 and its 突出问题."""

from __future__ import annotations

import pytest

from small_district_world import SMALL_DISTRICT, build
from tracking_world import survey

WITHHELD = f"{SMALL_DISTRICT}：样本过少（n="


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("small_district")
    return root, build(root)


def test_ledger_raises_no_item_for_a_small_district(world):
    root, project = world
    rc, out, err = survey("ledger", str(project.root))
    assert rc == 0, err
    from survey.ledger import LedgerStore

    items = LedgerStore(project).items()
    assert items, out  # the city's 公共服务 target is still missed: the ledger works
    assert not [it for it in items if it.district == SMALL_DISTRICT], out
    assert not [it for it in items if it.rule == "district_below"]


def test_brief_lists_the_small_district_apart(world):
    root, project = world
    rc, out, err = survey("brief", str(project.root))
    assert rc == 0, err
    section = out.split("四、后进区县")[1].split("五、")[0]
    assert WITHHELD in section and "，不作判定" in section, section
    assert f"{SMALL_DISTRICT}：" + "城市环境" not in section
    assert "显著低于全市（" not in section  # no lagging district at all: the others are alike
    problems = out.split("三、突出问题")[1].split("四、")[0]
    assert SMALL_DISTRICT not in problems, problems


def test_brief_judges_the_district_when_small_base_is_lowered(world, tmp_path):
    """small_base: in minyi.yaml is the one threshold: at 15 the 18 respondents are judged, and lag."""
    import shutil

    from survey.store import Project

    shutil.copytree(world[1].root, tmp_path / "project")
    p = Project.open(tmp_path / "project")
    p.config["small_base"] = 15
    p.save_config()
    from report.brief import build_brief

    b = build_brief(Project.open(tmp_path / "project"))
    assert [d.district for d in b.districts] == [SMALL_DISTRICT]
    assert b.small == ()


def test_report_district_list_and_group_comparison(world):
    root, project = world
    from report.district_problems import district_problems, problem_table
    from report.group_compare import group_tables, significance_lines
    from report.project import analyze_project
    from report.suppression import apply_thresholds

    res = apply_thresholds(analyze_project(project, by=["district"]), 30, 10)
    lists = {d.district: d for d in district_problems(res, 30)}
    small = lists[SMALL_DISTRICT]
    assert small.problems == [] and 10 <= small.withheld_n < 30
    cols, rows = problem_table(list(lists.values()))
    mine = [r for r in rows if r[0] == SMALL_DISTRICT]
    assert len(mine) == 1 and mine[0][5] == f"样本过少（n={small.withheld_n}），不作判定", mine
    assert not any("显著低于全市" in str(c) for r in mine for c in r)
    # at small_base 15 the same district is a problem again (one rule, the threshold passed on)
    assert [p for p in {d.district: d for d in district_problems(res, 15)}[SMALL_DISTRICT].problems if p.below_city]

    tab = group_tables(res)["district"]
    k = tab["groups"].index(SMALL_DISTRICT)
    assert not any(r["cells"][k]["sig"] for r in tab["rows"])
    lines = significance_lines(tab, "区县", "zh", 30)
    mine = [x for x in lines if x.startswith(SMALL_DISTRICT)]
    assert len(mine) == 1 and mine[0].startswith(WITHHELD) and mine[0].endswith("，不作判定。"), lines
    en = significance_lines(tab, "district", "en", 30)
    assert any(x.startswith(f"{SMALL_DISTRICT}: too few answers (n=") for x in en), en


def test_html_report_says_it(world, tmp_path):
    root, project = world
    rc, out, err = survey("report", str(project.root), "--format", "html", "--out", str(tmp_path / "r"))
    assert rc == 0, err
    html = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "r").rglob("*.html"))
    assert WITHHELD in html
    import re

    assert not re.search(SMALL_DISTRICT + r"：显著低于", html)


def test_recommendations_do_not_name_a_small_district(world):
    """建议 named 北山区 (18 respondents) among 明显低于全市的区县 before."""
    root, project = world
    from report.project import analyze_project
    from report.recommendations import build_recommendations, rec_lines
    from report.suppression import apply_thresholds

    res = apply_thresholds(analyze_project(project, by=["district"]), 30, 10)
    recs = build_recommendations(res, "zh", small_base=30)
    assert recs
    assert not any(SMALL_DISTRICT in line for r in recs for line in rec_lines(r))
    assert any(g == SMALL_DISTRICT for r in build_recommendations(res, "zh", small_base=15) for g, _ in r.districts)


def test_intervals_beyond_the_scale_are_cut_in_the_report_only(world):
    """A Wald interval of an index on a small base can pass the scale's end (95.0 [88.1, 101.9] at n = 7): the
    report's copy cuts it at the end of the questionnaire's score range (20–100) and says so in the method notes;
    the analysis result (survey analyze --json) keeps the raw bound, as R's confint."""
    import copy

    from report.project import analyze_project
    from report.render import _method_notes
    from report.suppression import apply_thresholds, index_scale

    root, project = world
    raw = analyze_project(project, by=["district"])
    assert index_scale(project.questionnaire) == (20.0, 100.0)
    result = copy.deepcopy(raw)
    ind = next(i for i in result["indicators"] if i.get("index"))
    row = next(r for r in ind["index_by"]["district"] if r["group"] == SMALL_DISTRICT)
    row.update(estimate=95.0, ci_low=88.1, ci_high=101.9)
    ind["rate"].update(ci_low=-0.02)
    res = apply_thresholds(result, 30, 10, index_scale(project.questionnaire))
    got = next(r for r in next(i for i in res["indicators"] if i["id"] == ind["id"])["index_by"]["district"]
               if r["group"] == SMALL_DISTRICT)
    assert (got["ci_low"], got["ci_high"]) == (88.1, 100.0)
    assert next(i for i in res["indicators"] if i["id"] == ind["id"])["rate"]["ci_low"] == 0.0
    assert row["ci_high"] == 101.9  # the result itself (what analyze --json prints) is not touched
    notes = _method_notes(res, "zh", 30, 10)
    assert sum("超出的部分已截断" in x for x in notes) == 1
    # the project itself has one: an item of 北山区 rated by 17 respondents, index 29.4 [19.997, 38.8] (reported, △)
    beyond = [(it.get("key"), r["group"]) for it in raw["items"] for r in (it.get("index_by") or {}).get("district", [])
              if r.get("n", 0) >= 10 and r.get("ci_high") is not None and (r["ci_high"] > 100 or r["ci_low"] < 20)]
    assert beyond
    plain = apply_thresholds(raw, 30, 10, index_scale(project.questionnaire))
    assert plain["meta"].get("ci_clipped")
    for it in plain["items"]:
        for r in (it.get("index_by") or {}).get("district", []):
            assert r.get("ci_high") is None or 20.0 <= r["ci_low"] <= r["ci_high"] <= 100.0
    # nothing cut (the rates' logit intervals stay within 0–1; no index scale given): no note
    none = apply_thresholds(raw, 30, 10)
    assert not none["meta"].get("ci_clipped")
    assert not any("截断" in x for x in _method_notes(none, "zh", 30, 10))


def test_hot_issue_groups_do_not_name_a_small_group():
    """热点问题: "北山区提及比例较高" on 18 respondents was printed with a △ caveat; now not at all (the rule)."""
    from report.hot_issue_groups import driver_lines

    def hot(n):
        return {"groups_differ": [{"by": "district", "label": "停车难", "rao_scott": {"p": 0.001},
                                   "higher": [{"group": SMALL_DISTRICT, "estimate": 0.5, "rest": 0.2, "n": n}]}]}

    assert driver_lines(hot(18), {"district": "区县"}, "zh", 30) == []
    lines = driver_lines(hot(40), {"district": "区县"}, "zh", 30)
    assert len(lines) == 1 and SMALL_DISTRICT in lines[0] and "△" not in lines[0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Five respondents: the city's 城市总体满意度 index is 80.0 with a Wald interval 55.2–104.8 (R's confint)."""
    root = tmp_path_factory.mktemp("tiny")
    return build(root, n=5, seed=1)


def test_report_and_brief_cut_the_interval_analyze_json_keeps_it(tiny, tmp_path):
    import json

    rc, out, err = survey("analyze", str(tiny.root), "--json")
    assert rc == 0, err
    raw = next(i for i in json.loads(out)["indicators"] if i["id"] == "sat_overall")["index"]
    assert raw["ci_high"] > 100 and f"{raw['ci_low']:.1f}" == "55.2"  # unchanged contract: the raw bound
    rc, out, err = survey("report", str(tiny.root), "--format", "html", "--out", str(tmp_path / "r"))
    assert rc == 0, err
    import html as h
    import re

    text = h.unescape(re.sub(r"<[^>]+>", " ", (tmp_path / "r" / "report.html").read_text(encoding="utf-8")))
    assert "55.2–100.0" in text and f"{raw['ci_high']:.1f}" not in text
    assert text.count("超出的部分已截断") == 1
    from report.brief import build_brief

    b = build_brief(tiny)
    idx = next(x for x in b.indicators if x.name == "城市总体满意度").index
    assert idx.ci_high == 100.0 and idx.ci_low == raw["ci_low"]


def test_score_does_not_rank_a_small_district(world):
    """survey score ranked 北山区 (18 respondents) 6th outright, unmarked; now its place is △ and a line under the
    table says 北山区：样本过少（n=18），不作判定，不排名.  The JSON league keeps its rows (contract)."""
    from pathlib import Path

    root, project = world
    qdir = Path(__file__).resolve().parents[1] / "questionnaires"
    args = ("score", str(project.root), "--framework", str(qdir / "civic_framework.yaml"),
            "--external", str(qdir / "civic_external_scores.csv"))
    rc, out, err = survey(*args)
    assert rc == 0, err
    row = next(x for x in out.splitlines() if x.startswith(SMALL_DISTRICT))
    assert row.split("]")[1].split()[0] == "△", row
    assert f"△ {WITHHELD}18），不作判定，不排名" in out, out
    import json

    rc, out, err = survey(*args, "--json")
    lg = {r["group"]: r for r in json.loads(out)["league"]}
    assert lg[SMALL_DISTRICT]["small_base"] is True and lg[SMALL_DISTRICT]["rank"] == 6


def test_summary_and_league_chart_do_not_place_a_small_district(world, tmp_path):
    """The 摘要 said 综合满意度指数点估计最低的区县是北山区（55.6分）（样本量小于30，仅供参考）… 可能名次：北山区第6–6名:
    a place on 18 answers, which survey score withholds (△).  Now the last places are the other districts' and
    北山区 is named apart: 北山区（n=18）样本过少，不作判定、不排名.  The league chart's title names the first district
    among those judged, not a small one ranked first."""
    import copy

    from report.figures import make_charts
    from report.project import analyze_project
    from report.summary import build_summary
    from report.suppression import apply_thresholds

    root, project = world
    res = apply_thresholds(analyze_project(project, by=["district"]), 30, 10)
    rows = res["league"]["rows"]
    small = next(r for r in rows if r["group"] == SMALL_DISTRICT)
    assert rows[-1] is small and small["n"] < 30  # last, on a small base
    text = next(p.text for p in build_summary(res, lang="zh", small_base=30).points if p.kind == "districts")
    head, _, tail = text.partition("全市为")
    assert SMALL_DISTRICT not in head, text
    assert f"{SMALL_DISTRICT}（n={small['n']}）样本过少，不作判定、不排名。" in tail, text
    assert "第6–6名" not in text
    en = next(p.text for p in build_summary(res, lang="en", small_base=30).points if p.kind == "districts")
    assert f"{SMALL_DISTRICT} (n={small['n']}): too few answers to judge or place." in en, en
    # at small_base 15 the district is placed again (one threshold)
    low = next(p.text for p in build_summary(res, lang="zh", small_base=15).points if p.kind == "districts")
    assert SMALL_DISTRICT in low.partition("全市为")[0] and "不排名" not in low, low
    # a small district first in the league is not the chart's "highest"
    top = copy.deepcopy(res)
    lg = top["league"]["rows"]
    moved = next(r for r in lg if r["group"] == SMALL_DISTRICT)
    lg.remove(moved)
    moved.update(estimate=lg[0]["estimate"] + 5, rank=1, rank_best=1, rank_worst=1)
    lg.insert(0, moved)
    title = make_charts(top, tmp_path, lang="zh", small_base=30)["league"].title
    assert SMALL_DISTRICT not in title and lg[1]["group"] in title, title
