"""The meeting brief and the report's chapter over all waves on the six-wave world
(tests/tracking_world.py, first five waves): the brief names exactly the planted problems with their
responsible units, the planted decline and the lagging district, and lists the overdue ledger items;
its PDF is one or two A4 pages; the report's 变化 chapter carries every wave (not only --compare)
with the values of `survey trend`, and the 重点 chapter the open ledger items."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

import tracking_world as W
from report.brief import build_brief
from report.trend_chapter import trend_chapter

W5 = W.WAVES[4][0]


def values_of(series) -> tuple:
    """Reference: each wave's estimate as the report writes it (64.7% for rates, 74.0 for indexes)."""
    return tuple("—" if not math.isfinite(p.estimate) else
                 (f"{100 * p.estimate:.1f}%" if series.percent else f"{p.estimate:.1f}") for p in series.series.points)
LABELS = [w[1] for w in W.WAVES[:5]]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("brief_world")
    project = W.build(root, waves=5)
    project.config["ledger"] = {"hot_issue_share": 0.30, "deadline_days": 30}
    project.save_config()
    rc, text, err = W.survey("ledger", root / "project", "--wave", W5, "--json")
    assert rc == 0, err
    return root, json.loads(text)


def test_brief_names_the_planted_problems_changes_districts_and_ledger(world):
    from survey.store import Project

    root, ledger = world
    b = build_brief(Project.open(root / "project"), W5, today=dt.date(2026, 12, 1))
    assert b.wave_label == "2026年第一季度" and b.previous_label == "2025年第四季度"
    planted = {(i["rule"], i["subject"], i["district"] or "") for i in ledger["items"]}
    assert {(p.rule, p.subject, p.district or "") for p in b.problems} == planted
    units = {i["subject"]: i["unit"] for i in ledger["items"]}
    assert all(p.unit == units[p.subject] for p in b.problems)
    # the planted sharp drop of 社会治安 is a significant fall since the previous wave
    assert any(c.name.startswith("社会治安") and c.direction == "down" for c in b.changes)
    assert [d.district for d in b.districts] == [W.LAG_DISTRICT]
    assert any("交通秩序" in n for n in b.districts[0].indicators)
    # deadlines are the wave's end + 30 days (2026-04-26): all four open items are overdue by December
    assert b.ledger_open == 4 and b.ledger_overdue == 4 and len(b.ledger_due) == 4
    assert all(it.overdue for it in b.ledger_due)
    c = b.verdict_counts
    assert c.get("未达标", 0) >= 1 and sum(c.values()) == sum(1 for x in b.indicators if x.verdict)


def test_brief_files_are_one_or_two_pages(world, tmp_path):
    from docx import Document
    from pypdf import PdfReader

    root, ledger = world
    rc, text, err = W.survey("brief", root / "project", "--wave", W5, "--format", "html,docx,pdf", "--out", tmp_path)
    assert rc == 0, err
    html = (tmp_path / f"brief_{W5}.html").read_text(encoding="utf-8")
    for word in ("工作简报", "一、总体情况", "二、主要变化", "三、突出问题及责任单位", "四、后进区县", "五、整改台账",
                 W.LAG_DISTRICT, "2026年第一季度", "逾期"):
        assert word in html, word
    for item in ledger["items"]:
        assert item["id"] in html and item["unit"] in html
    assert "@font-face" in html
    pages = len(PdfReader(str(tmp_path / f"brief_{W5}.pdf")).pages)
    assert 1 <= pages <= 2
    doc = Document(str(tmp_path / f"brief_{W5}.docx"))
    body = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "工 作 简 报" in body and W.LAG_DISTRICT in body and ledger["items"][0]["id"] in body
    rc, text, err = W.survey("brief", root / "project", "--wave", W5)
    assert rc == 0 and "三、突出问题及责任单位" in text
    rc, _, err = W.survey("brief", root / "project", "--wave", "2030Q1")
    assert rc != 0 and "2030Q1" in err and "Traceback" not in err
    rc, _, err = W.survey("brief", root / "project", "--format", "pptx", "--out", tmp_path)
    assert rc != 0 and "pptx" in err and "Traceback" not in err


def test_report_change_chapter_uses_all_waves_and_lists_open_items(world, tmp_path):
    from report.project import report_project
    from report.trend import project_trend
    from survey.store import Project

    root, ledger = world
    project = Project.open(root / "project")
    ch = trend_chapter(project, W5, today=dt.date(2026, 12, 1))
    assert list(ch.waves) == LABELS
    tr = project_trend(project)
    want = {s.display("zh"): values_of(s) for s in tr.overall() if s.kind != "area"}
    assert {r.name: tuple(map(str, r.values)) for r in ch.rows} == want  # number cells print as shown
    assert ch.ledger_open == 4 and {r.id for r in ch.ledger} == {i["id"] for i in ledger["items"]}
    # no --compare: the chapter still follows every wave
    out = report_project(project, tmp_path, wave=W5, formats=("html", "docx"))
    html = out["paths"]["html"].read_text(encoding="utf-8")
    sec = html[html.index("<h2 id=\"sec-7\""):html.index("<h2 id=\"sec-8\"")]
    assert "本期未指定对比期次" not in sec and "主要指标历次调查结果" in sec
    assert all(lab in sec for lab in LABELS)
    assert "trend_areas" not in sec and sec.count("data:image/png") >= 2  # small multiples and heat map
    rest = html[html.index("<h2 id=\"sec-8\""):]
    assert "整改台账在办事项" in rest and all(i["id"] in rest for i in ledger["items"])
    assert "整改台账在办事项4项，全部逾期。" in rest  # each count once (not 其中逾期4项), as the brief says it
    from docx import Document

    doc = Document(str(out["paths"]["docx"]))
    # a head breaks at good points where the word processor's wrap would be bad (“2026年 / 第一 / 季度” in a narrow
    # column: report/writers/docx_lines.py); python-docx reads the break as “\n”
    cells = [c.text.replace("\n", "") for t in doc.tables for r in t.rows for c in r.cells]
    assert all(lab in cells for lab in LABELS) and ledger["items"][0]["id"] in cells


def test_districts_too_small_to_compare_are_not_said_to_be_fine(world, tmp_path):
    """四、后进区县 says which districts were not compared (fewer answers than min_cell, or none) instead of
    "各区县均未显著低于全市", which read as a finding about districts that were never tested."""
    from report.brief import brief_lines
    from report.brief_render import write_brief
    from survey.store import Project

    root, _ = world
    p = Project.open(root / "project")
    b = build_brief(p, W5, today=dt.date(2026, 12, 1))
    assert b.untested == () and b.absent == () and b.districts_note == ""
    p.config["min_cell"] = 10 ** 6  # no district has that many answers: none can be compared
    small = build_brief(p, W5, today=dt.date(2026, 12, 1))
    assert small.districts == () and W.LAG_DISTRICT in small.untested
    # no district was compared, so there is no "其余区县" to speak of
    sentence = f"{'、'.join(small.untested)}样本量不足1000000，未与全市比较。"
    assert small.untested and len(small.untested) + len(small.absent) == small.n_districts
    assert "  " + sentence in brief_lines(small)
    assert "各区县均未显著低于全市" not in "\n".join(brief_lines(small))
    assert "其余区县" not in "\n".join(brief_lines(small))
    paths = write_brief(small, tmp_path, formats=("html",))
    assert sentence in paths["html"].read_text(encoding="utf-8")


def test_changes_say_they_are_not_adjusted_as_the_ledger_is(world, tmp_path):
    """二、主要变化 tests each change alone; the ledger raises declines after Holm's adjustment: the brief says so under
    the changes, so a decline without a ledger item does not read as a contradiction."""
    from report.brief import CHANGES_NOTE, brief_lines
    from report.brief_render import write_brief
    from survey.store import Project

    root, _ = world
    b = build_brief(Project.open(root / "project"), W5, today=dt.date(2026, 12, 1))
    assert b.changes
    lines = brief_lines(b)
    assert lines.index("  " + CHANGES_NOTE) == lines.index("三、突出问题及责任单位") - 2
    html = write_brief(b, tmp_path, formats=("html",))["html"].read_text(encoding="utf-8")
    assert CHANGES_NOTE.replace("<", "&lt;") in html
