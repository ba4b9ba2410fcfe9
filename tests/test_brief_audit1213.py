"""The meeting brief says what it leaves out and never prints an empty responsible unit (issue 13: "the open
ledger items due"; product rule: Chinese text a leader reads has nothing cut off and no empty text).

A brief with more due ledger items and more significant changes than the page lists, and one item whose
area has no owner (e.g. 城市总体满意度 without `ledger: default_unit`): the plain-text brief (`survey brief`
without --format), the HTML and the DOCX all say how many items the table shows out of how many, how many
changes are not listed, and name the issuing office as the lead unit instead of "（）"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import tracking_world as W
from report.brief import MAX_CHANGES, MAX_LEDGER, Brief, BriefChange, BriefLedgerItem, brief_lines
from report.brief_render import brief_rows, render_brief_html

N_DUE = MAX_LEDGER + 3
N_CHANGES = MAX_CHANGES + 2


def _brief() -> Brief:
    items = tuple(BriefLedgerItem(f"ZG-{k:03d}", f"指标{k}满意度（指数）", None, "" if k == 1 else f"市单位{k}",
                                  dt.date(2026, 7, 30), "待整改", True) for k in range(1, N_DUE + 1))
    changes = tuple(BriefChange(f"指标{k}满意度（指数）", "index", 70.0, 70.0 + k, float(k), 0.001, "up")
                    for k in range(1, N_CHANGES + 1))
    return Brief(title="创建全国文明城市工作简报（2026年第三季度）", org="市文明办", date=dt.date(2026, 12, 1),
                 wave="2026Q3", wave_label="2026年第三季度", period=None, previous_label="2026年第二季度", n=3000,
                 indicators=(), changes=changes, problems=(), districts=(), ledger_due=items,
                 ledger_open=N_DUE + 2, ledger_overdue=N_DUE)


def test_text_brief_names_a_lead_unit_and_says_how_many_items_it_lists():
    text = "\n".join(brief_lines(_brief()))
    assert "（）" not in text
    line = next(x for x in text.splitlines() if x.strip().startswith("ZG-001"))
    assert "责任单位：市文明办（牵头）；" in line and "（市文明办（牵头））" not in line  # no brackets within brackets
    # every due item is overdue: the count of due items is not said twice
    assert f"其中逾期{N_DUE}项，以下按整改时限先后列出前{MAX_LEDGER}项。" in text and "日内到期" not in text
    assert len(re.findall(r"^\s+ZG-\d{3} ", text, flags=re.M)) == MAX_LEDGER
    assert f"另有{N_CHANGES - MAX_CHANGES}项显著变化未列出" in text


def test_html_and_rows_say_how_many_changes_are_left_out():
    b = _brief()
    rows = brief_rows(b)
    assert rows["ledger"][0]["unit"] == "市文明办（牵头）"
    html = render_brief_html(b)
    assert f"另有{N_CHANGES - MAX_CHANGES}项显著变化未列出" in html
    assert f"下表按整改时限先后列出前{MAX_LEDGER}项" in html


@pytest.mark.parametrize("open_, overdue, due, soon, expected", [
    (0, 0, 0, 0, "台账无在办事项。"),
    (5, 0, 0, 0, "台账在办事项5项，无逾期事项；近期无到期事项。"),
    (5, 0, 0, 2, "台账在办事项5项，无逾期事项；14日内到期事项2项，如下。"),
    (3, 3, 3, 0, "台账在办事项3项，全部逾期，下表列出全部逾期事项。"),
    (6, 2, 2, 1, "台账在办事项6项，其中逾期2项；逾期及14日内到期事项3项，如下。"),
    (20, 20, 20, 0, f"台账在办事项20项，全部逾期，下表按整改时限先后列出前{MAX_LEDGER}项。"),
])
def test_ledger_sentence_says_each_count_once(open_, overdue, due, soon, expected):
    """The 整改台账 sentence: "台账在办事项18项，其中逾期18项；逾期及14日内到期事项18项" said one count three times."""
    items = tuple(BriefLedgerItem(f"ZG-{k:03d}", "指标满意度（指数）", None, "市单位", dt.date(2026, 7, 30), "待整改",
                                  k <= due) for k in range(1, due + soon + 1))
    b = Brief(title="t", org="市文明办", date=dt.date(2026, 12, 1), wave="2026Q3", wave_label="2026年第三季度",
              period=None, previous_label=None, n=100, indicators=(), changes=(), problems=(), districts=(),
              ledger_due=items, ledger_open=open_, ledger_overdue=overdue)
    assert b.ledger_sentence(min(len(items), MAX_LEDGER)) == expected


def test_docx_says_how_many_changes_are_left_out(tmp_path):
    import docx

    from report.brief_render import write_brief_docx

    path = tmp_path / "brief.docx"
    write_brief_docx(_brief(), path)
    paras = [p.text for p in docx.Document(str(path)).paragraphs]
    assert any(f"另有{N_CHANGES - MAX_CHANGES}项显著变化未列出" in p for p in paras)
    assert any(f"列出前{MAX_LEDGER}项" in p for p in paras)


def test_text_brief_says_so_when_nothing_changed_and_no_problem_was_found():
    """The plain-text brief (`survey brief` without --format) never leaves 二、主要变化 or 三、突出问题 empty under
    its heading: it says what the HTML and DOCX say."""
    import dataclasses

    b = dataclasses.replace(_brief(), changes=(), problems=())
    lines = brief_lines(b)
    text = "\n".join(lines)
    assert "与2026年第二季度相比，各项指标均无显著变化。" in text
    assert "本期未发现需要整改的突出问题。" in text
    for head in ("二、主要变化", "三、突出问题及责任单位"):
        i = lines.index(head)
        assert lines[i + 1].strip(), f"{head} is followed by an empty line"
    html = render_brief_html(b)
    assert "各项指标均无显著变化" in html and "本期未发现需要整改的突出问题" in html


# --------------------------------------------------------------------------- --wave by its label
# Issue 13: "every output shows labels" — readers never see a wave id, so `survey score/ledger/brief --wave` take the
# label they see (2026年第二季度) as well as the id.


def test_wave_by_label_names_the_wave_whose_label_it_is():
    from survey.waves import wave_by_label

    config = {"waves": {"2026Q1": {"label": "第一轮"}, "2026Q2": {"label": "第二轮", "label_en": "Round 2"}}}
    ids = ["2026Q1", "2026Q2"]
    assert wave_by_label(config, ids, "第二轮") == "2026Q2"
    assert wave_by_label(config, ids, "Round 2") == "2026Q2"
    assert wave_by_label(config, ids, "2026Q1") == "2026Q1"
    assert wave_by_label(config, ids, "第三轮") == "第三轮"  # unknown: left for the unknown-wave error
    assert wave_by_label(config, ids, None) is None


@pytest.fixture(scope="module")
def two_waves(tmp_path_factory):
    root = tmp_path_factory.mktemp("brief_labels")
    W.build(root, waves=2, n=300)
    return root / "project"


@pytest.mark.parametrize("command", [("brief",), ("ledger", "--json"),
                                     ("score", "--framework", str(W.bundled_path().parent / "civic_framework.yaml"))])
def test_wave_option_takes_the_label_every_output_shows(two_waves, command):
    label = W.WAVES[0][1]  # 2025年第一季度, the first of two waves: not the default
    rc, out, err = W.survey(command[0], two_waves, "--wave", label, *command[1:])
    assert rc == 0, err
    assert label in out
    rc, out, err = W.survey(command[0], two_waves, "--wave", "2024年第九季度", *command[1:])
    assert rc != 0 and "no wave '2024年第九季度'" in err
