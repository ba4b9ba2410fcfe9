"""The report and the brief say the same thing, and only what the numbers support (session 29):

* one count of "what changed" since the previous wave (``report.summary.count_changes``) in the 摘要, the brief's
  lead and the 变化 chapter's trend sentence — rates and indexes counted apart;
* the brief's title follows the questionnaire, as the report's does;
* no verdict (达标 / 未达标 / 无显著差异) and no significant change is stated on fewer answers than the small-base
  threshold — not in the report's text and tables, not in the brief, not as a ledger proposal — while
  ``survey analyze --json`` keeps its documented fields;
* the open answers' word table leads with substantive words, counted once per respondent.

The project: the bundled questionnaire under another title, two waves; in the second only two respondents are
企业 (the only site asked 营商环境), with identical answers, so its interval has no width (50.0%–50.0%, n = 2).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

TITLE = "2027年某市营商环境与民生热点调查问卷"
SMALL = "sat_business"        # 营商环境满意度: asked only at 企业
SITE_ENTERPRISE = 3           # A5 code of 企业
SMALL_ANSWERS = [1, 2, 2, 1, 2, 4, 4, 5, 3, 3]  # the two 企业 respondents' I1 rows: 5 of 10 satisfied


def _questionnaire(folder: Path) -> Path:
    doc = yaml.safe_load(bundled_path().read_text(encoding="utf-8"))
    doc["title"] = TITLE
    path = folder / "q.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("consistency29")
    qpath = _questionnaire(root)
    q = load_questionnaire(qpath)
    p = Project.create(root / "project", qpath)
    p.config["waves"] = {"2026Q2": {"label": "2026年第二季度", "start": "2026-04-01", "end": "2026-06-30"},
                         "2026Q3": {"label": "2026年第三季度", "start": "2026-07-01", "end": "2026-09-30"}}
    p.save_config()
    first = simulate(q, 700, 11, start="2026-04-05", days=60)
    write_csv(first, root / "w2.csv")
    p.import_file(root / "w2.csv", wave="2026Q2")
    second = simulate(q, 700, 12, start="2026-07-05", days=60, effects={"sat_service": 0.6})
    ent = second.index[second["A5"] == SITE_ENTERPRISE]
    second = second.drop(ent[2:])
    for k, v in enumerate(SMALL_ANSWERS, start=1):
        second.loc[ent[:2], f"I1_r{k}"] = v
    write_csv(second, root / "w3.csv")
    p.import_file(root / "w3.csv", wave="2026Q3")
    return Project.open(root / "project")


@pytest.fixture(scope="module")
def results(project):
    from report.pipeline import compare
    from report.project import analyze_project

    cur = analyze_project(project, wave="2026Q3", cache=False)
    prev = analyze_project(project, wave="2026Q2", cache=False)
    return cur, prev, compare(cur, prev)


@pytest.fixture(scope="module")
def brief(project):
    from report.brief import build_brief

    return build_brief(project, "2026Q3")


def _ind(result: dict, id_: str) -> dict:
    return next(i for i in result["indicators"] if i["id"] == id_)


# ----------------------------------------------------------------------------- finding 1: one count of what changed
def test_the_summary_the_brief_and_the_change_table_count_the_same_changes(results, brief):
    from report.summary import build_summary, change_count_text, count_changes, judged_changes

    cur, _, changes = results
    judged = judged_changes(changes, 30)
    counted = change_count_text(count_changes(judged))
    assert counted.startswith("14项比率中") and "9项指数中" in counted
    summary = build_summary(cur, judged, compare_label="2026年第二季度")
    point = next(p for p in summary.points if p.kind == "change")
    assert all(change_count_text([cc]) in point.text for cc in count_changes(judged))  # the largest change between
    assert f"与2026年第二季度相比，{counted}。" in brief.lead()
    # the brief lists every change it counts (or says how many it leaves out)
    n_sig = sum(1 for c in judged if c["significant"])
    assert len(brief.changes) == n_sig
    # and the counts are those of the change table's arrows (significant rows, by measure)
    ups = {m: sum(1 for c in judged if c["measure"] == m and c["significant"] and c["diff"] > 0) for m in ("rate", "index")}
    assert f"14项比率中{ups['rate']}项显著上升" in counted


def test_the_trend_sentence_counts_rates_and_indexes_apart(project):
    from report.trend_chapter import trend_chapter

    ch = trend_chapter(project, "2026Q3")
    text = ch.summary()
    assert "按两期比较，14项比率中" in text and "项指数中" in text and "24项指标" not in text


# ----------------------------------------------------------------------------- finding 2: the brief's title
def test_the_brief_title_follows_the_questionnaire(brief):
    from report.brief import brief_lines
    from report.brief_render import render_brief_html

    assert brief.title == "2026年第三季度2027年某市营商环境与民生热点调查情况"
    html = render_brief_html(brief)
    assert f"<h1>{brief.title}</h1>" in html and "创建全国文明城市" not in html
    assert brief_lines(brief)[0] == brief.title


def test_the_brief_docx_title_follows_the_questionnaire(brief, tmp_path):
    from docx import Document

    from report.brief_render import write_brief_docx

    write_brief_docx(brief, tmp_path / "b.docx")
    # a title too long for one line is printed on two (tests/test_brief_title29.py): a line break, no other change
    texts = [p.text.replace("\n", "") for p in Document(str(tmp_path / "b.docx")).paragraphs]
    assert brief.title in texts and not any("创建全国文明城市" in t for t in texts)


# ----------------------------------------------------------------------------- finding 3: no verdict on a small base
def test_json_keeps_its_verdict_but_the_report_states_none(results):
    from report.findings import findings
    from report.suppression import apply_thresholds
    from report.summary import build_summary

    cur, _, _ = results
    raw = _ind(cur, SMALL)["rate"]
    assert raw["n"] == 2 and raw["ci_low"] == raw["ci_high"] and raw["verdict"] == "未达标"  # docs/analyze-json.md
    res = apply_thresholds(cur, 30, 10)
    st = _ind(res, SMALL)["rate"]
    assert st["verdict"] is None and st["verdict_withheld"]
    assert _ind(cur, SMALL)["rate"]["verdict"] == "未达标"  # the analysis result itself is not changed
    s = build_summary(res)
    assert "营商环境满意度" not in s.not_met
    assert "1项样本过少、不作判定（营商环境满意度）" in s.verdict.text
    assert s.verdict.text.startswith(f"设有目标的{sum(1 for i in cur['indicators'] if i['rate'].get('verdict'))}项指标中")
    targets = next(f for f in findings(res) if f["kind"] == "targets")
    assert "1项样本过少、不作判定（营商环境满意度）" in targets["text"]


def test_the_indicator_table_says_too_few_to_judge(results):
    from report.chapters.kit import Kit
    from report.suppression import apply_thresholds

    cur, _, _ = results
    res = apply_thresholds(cur, 30, 10)
    k = Kit({"lang": "zh", "result": res})
    st = _ind(res, SMALL)["rate"]
    assert k.verdict_cell(st.get("verdict"), st).text == "不作判定"


def test_the_brief_and_the_ledger_raise_nothing_from_two_answers(project, brief):
    from report.ledger import propose, wave_findings
    from survey.ledger import ledger_settings

    row = next(x for x in brief.indicators if x.name == "营商环境满意度")
    assert row.headline.verdict is None and row.headline.verdict_text == "样本过少（n=2），不作判定"
    assert "样本过少、不作判定1项" in brief.lead()
    assert not any("营商环境" in p.text for p in brief.problems)
    assert not any(c.name.startswith("营商环境满意度") for c in brief.changes)
    cur = wave_findings(project, "2026Q3")
    prev = wave_findings(project, "2026Q2")
    proposals = propose(cur, prev, ledger_settings(project.config, project.config_file), project.questionnaire)
    assert not [p for p in proposals if p.subject == SMALL]
    assert any(p.rule == "below_target" for p in proposals)  # the rule still works where the base is large


def test_no_change_is_significant_on_two_answers(results, project):
    from report.summary import judged_changes
    from report.trend_chapter import trend_chapter

    _, _, changes = results
    raw = [c for c in changes if c["id"] == SMALL]
    assert raw and all(c["n"] == 2 for c in raw)
    judged = [c for c in judged_changes(changes, 30) if c["id"] == SMALL]
    assert not any(c["significant"] for c in judged)
    rows = [r for r in trend_chapter(project, "2026Q3").rows if r.name.startswith("营商环境满意度")]
    assert rows and all(r.name.endswith(" △") and r.direction == "same" for r in rows)


# ----------------------------------------------------------------------------- finding 4: the words of open answers
def test_word_table_leads_with_substantive_words_counted_per_respondent():
    from report.segmenter import count_words
    from report.stopwords import STOPWORDS

    answers = [("看病难、看病贵问题需要解决", 89), ("增加幼儿园和托育机构", 81), ("增加养老机构和社区养老服务", 71),
               ("提高物业服务质量", 74)]
    words = dict(count_words(answers, 20, STOPWORDS))
    top = count_words(answers, 1, STOPWORDS)[0][0]
    assert top in ("看病难", "看病贵")
    assert "机构" not in words and "服务" not in words and "质量" not in words
    assert words["养老"] == 71  # 71 respondents, not its 142 occurrences


# ----------------------------------------------------------------------------- finding 5: a wave id against its dates
def _waves_project(root: Path, waves: dict) -> Path:
    p = Project.create(root / "p", _questionnaire(root))
    p.config["waves"] = waves
    p.save_config()
    return root / "p"


def test_check_and_report_warn_when_a_wave_id_contradicts_its_dates(tmp_path):
    from tracking_world import survey

    folder = _waves_project(tmp_path, {"2026Q3": {"start": "2026-01-05", "end": "2026-01-30"}})
    line = next(k for k, t in enumerate((folder / "minyi.yaml").read_text(encoding="utf-8").splitlines(), start=1)
                if "2026-01-05" in t)
    for command in ("check", "report"):
        _, _, err = survey(command, str(folder))
        warn = [t for t in err.splitlines() if "wave-id-dates" in t or "outside 2026-07-01 to 2026-09-30" in t]
        assert len(warn) == 1, err
        assert warn[0].startswith(f"{folder / 'minyi.yaml'}:{line}:") and "warning" in warn[0] and "2026Q3" in warn[0]
        assert "Traceback" not in err


def test_no_warning_when_the_dates_fit_or_the_wave_has_its_own_label(tmp_path):
    from survey.waves import id_date_warnings

    assert not id_date_warnings({"waves": {"2026Q3": {"start": "2026-09-01", "end": "2026-09-30"},
                                           "2026Q1": {"label": "2026年1月专项调查", "start": "2026-07-01"},
                                           "w1": {"start": "2026-01-01"}}})
    assert len(id_date_warnings({"waves": {"2026-09": {"end": "2026-08-15"}}})) == 1


def test_a_small_weakest_area_is_marked_once():
    from report.summary import build_summary

    r = {"indicators": [{"name": "x", "rate": {}}],
         "areas": [{"id": "a", "name": "营商环境", "index": {"estimate": 66.0, "n": 2}},
                   {"id": "b", "name": "公共服务", "index": {"estimate": 72.9, "n": 500}}],
         "items": [{"area": "a", "kind": "satisfaction", "label": f"题{k}", "rate": {"estimate": k / 10, "n": 2}}
                   for k in range(3)]
         + [{"area": "b", "kind": "satisfaction", "label": "看病", "rate": {"estimate": 0.48, "n": 500}}]}
    text = build_summary(r).points[0].text
    assert "营商环境（66.0分，样本量小于30，仅供参考，评价最低的是" in text
    assert text.count("样本量小于30") == 1  # not again after each of its items


def test_chart_titles_name_no_lowest_on_two_answers(results, tmp_path):
    """图2/图3 said 营商环境满意度最低 from its two answers (the lowest point estimate): a title names the lowest
    among the indicators and areas with at least small_base answers."""
    from report.figures import make_charts
    from report.suppression import apply_thresholds

    cur, _, _ = results
    res = apply_thresholds(cur, 30, 10)
    small = _ind(res, SMALL)
    rates = [i for i in res["indicators"] if (i.get("rate") or {}).get("estimate") is not None]
    assert min(rates, key=lambda i: i["rate"]["estimate"])["id"] == SMALL  # lowest only on its two answers
    area = next(a for a in res["areas"] if a["id"] == small["area"])
    areas = [a for a in res["areas"] if (a.get("index") or {}).get("estimate") is not None]
    assert min(areas, key=lambda a: a["index"]["estimate"])["id"] == area["id"]
    charts = make_charts(res, tmp_path, lang="zh", small_base=30)
    assert small["name"] not in charts["rates"].title and area["name"] not in charts["areas"].title


def test_change_findings_name_the_wave_compared_with(results):
    """主要发现 said 与上期相比 whatever wave --compare named (2026Q1 against 2026Q3 is not the previous wave)."""
    from report.findings import findings

    cur, _, changes = results
    assert any(c.get("significant") and c.get("measure") == "rate" for c in changes)
    named = [f["text"] for f in findings(cur, changes, compare_label="2026年第一季度") if f["kind"] == "change"]
    assert named and all(t.startswith("与2026年第一季度相比，") for t in named)
    plain = [f["text"] for f in findings(cur, changes) if f["kind"] == "change"]
    assert plain and all(t.startswith("与上期相比，") for t in plain)
    en = [f["text"] for f in findings(cur, changes, lang="en", compare_label="2026 Q1") if f["kind"] == "change"]
    assert en and all(t.startswith("Compared with 2026 Q1, ") for t in en)
