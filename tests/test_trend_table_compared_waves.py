"""The report's trend table names the waves its 较上期 and 较首期 columns compare (outside audit of the waves loop,
item 2): the column said 较上期 (vs previous) without saying which wave 上期 was.  The note under the table now
names them (a header “较上期（2026年第二季度）” would widen the column past the Word page: its bracketed wave
label never breaks), and a row comparing other waves (a series the latest wave lacks) is named with its waves."""

from __future__ import annotations

import datetime as dt

import pytest

import tracking_world as W
from report.records import Section
from report.table_cells import Num
from report.trend_chapter import TrackingChapter, TrendRow, trend_blocks, trend_chapter


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return W.build(tmp_path_factory.mktemp("compared_waves"), waves=3, n=300)


def _note(tracking, lang="zh") -> str:
    """The note trend_blocks gives the trend table."""
    seen = {}

    def table(sec, caption, cols, rows, note, key=None):
        seen[key] = note

    trend_blocks(Section("t", "t"), tracking, table, lang)
    return seen["tracking"]


@pytest.mark.parametrize("lang, expected", [
    ("zh", "较上期、较首期分别与2025年第二季度、2025年第一季度相比。"),
    ("en", "vs previous and vs first: against 2025 Q2 and 2025 Q1. ")])
def test_the_trend_table_note_names_the_previous_and_first_wave(project, lang, expected, tmp_path):
    tracking = trend_chapter(project, "2025Q3", lang=lang, today=dt.date(2026, 1, 10), chart_dir=tmp_path)
    assert tracking.has_trend and all(r.compared for r in tracking.rows)
    assert _note(tracking, lang).startswith(expected), _note(tracking, lang)


def _row(name, compared):
    return TrendRow(name, (), Num(0.01, "chg1"), Num(0.02, "chg1"), Num(None, "chg1"), Num(None, "pval"), "same",
                    compared=compared)


def test_two_waves_say_both_columns_compare_the_same_wave():
    ch = TrackingChapter(("一期", "二期"), (_row("创文知晓率", ("二期", "一期", "一期")),), "wls", (), 0, 0)
    assert ch.compared_note() == "较上期、较首期均与一期相比。"


def test_a_row_comparing_other_waves_is_named_with_them():
    rows = (_row("创文知晓率", ("三期", "二期", "一期")), _row("综合满意度指数", ("三期", "二期", "一期")),
            _row("志愿服务知晓率", ("二期", "一期", "一期")))  # not asked in the latest wave
    ch = TrackingChapter(("一期", "二期", "三期"), rows, "wls", (), 0, 0)
    assert ch.compared_note() == ("较上期、较首期分别与二期、一期相比。"
                                  "志愿服务知晓率为二期与一期相比。")
