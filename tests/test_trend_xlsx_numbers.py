"""trend.xlsx writes its numbers as report.xlsx does (outside audit of the waves loop, item 4): every value a number
cell with the report's number format (report.table_cells.NUMBER_FORMATS), no number stored as text; a rate's
change and trend in percentage points as the report's trend table (+2.5 with +0.0;-0.0;0.0 — it was the share 0.025
formatted +0.0%, “+2.5%” for 2.5 percentage points); each wave's interval cut at its scale's ends as the report
prints it (a Wald bound of 106% stood in the workbook raw)."""

from __future__ import annotations

import pytest

import tracking_world as W
from analysis.trend import wave_series
from report.table_cells import NUMBER_FORMATS, P_FORMAT
from report.tracking_xlsx import series_row
from report.trend import TrendSeries
from survey.labels import LABELS


def test_a_rate_row_cuts_its_intervals_and_gives_changes_in_points():
    s = wave_series(["W1", "W2"], [0.95, 0.97], [0.045, 0.035], [0.86, 0.90], [1.04, 1.06], [20, 24], [19, 23])
    row, fmts = series_row(TrendSeries("support", "支持度", "support", "rate", None, None, None, None, None, s), "zh")
    assert row[3:11] == [0.95, 0.86, 1.0, 20, 0.97, 0.90, 1.0, 24]  # 104% and 106% cut at 100%
    assert fmts[3:11] == ["0.0%"] * 3 + ["#,##0"] + ["0.0%"] * 3 + ["#,##0"]
    change = s.points[1].vs_previous.estimate
    assert row[11] == pytest.approx(100 * change) and fmts[11] == NUMBER_FORMATS["chg1"]  # +2.0 (points)
    assert s.points[1].ci_high == 1.06  # the series (survey trend --json) keeps the raw bound


def test_an_index_row_cuts_at_the_index_scale():
    s = wave_series(["W1", "W2"], [97.0, 98.0], [2.0, 2.0], [93.0, 94.1], [101.0, 101.9], [12, 14], [11, 13])
    row, fmts = series_row(TrendSeries("c", "综合", "composite", "index", None, None, None, None, None, s), "zh",
                           (20.0, 100.0))
    assert row[4:6] == [93.0, 100.0] and row[8:10] == [94.1, 100.0]
    assert fmts[3] == NUMBER_FORMATS["num1"] and row[11] == pytest.approx(1.0) and fmts[11] == NUMBER_FORMATS["chg1"]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from openpyxl import load_workbook

    from report.tracking_xlsx import write_trend_xlsx
    from report.trend import project_trend

    root = tmp_path_factory.mktemp("trend_numbers")
    trend = project_trend(W.build(root, waves=3, n=300), by="district")
    write_trend_xlsx(trend, root / "trend.xlsx")
    return trend, load_workbook(root / "trend.xlsx")


def test_every_value_of_the_trend_sheet_is_a_formatted_number(book):
    trend, wb = book
    ws = wb["趋势"]
    head = [c.value for c in ws[1]]
    known = set(NUMBER_FORMATS.values()) | {P_FORMAT}
    last = len(head)  # 趋势方向: the arrow
    rows = [r for r in ws.iter_rows(min_row=2) if r[2].value]  # the series (the units note follows them)
    assert len(rows) == len(trend.series)
    for r in rows:
        for c in r[3:last - 1]:
            assert c.value is None or (isinstance(c.value, (int, float)) and c.number_format in known), \
                (c.coordinate, head[c.column - 1], c.value, c.number_format)
    rate = next(r for r in rows if r[1].value == LABELS["trend_xlsx.measure_rate"][0])
    assert rate[3].number_format == "0.0%" and rate[head.index("较上期变化")].number_format == "+0.0;-0.0;0.0"
    assert all(c.value is None or c.value <= 1 for r in rows if r[1].value == "率"
               for c in r[3:3 + 4 * len(trend.waves)] if c.number_format == "0.0%")
    note = [r[0].value for r in ws.iter_rows(min_row=2) if not r[2].value and r[0].value]
    assert note == [LABELS["trend_xlsx.units"][0]]  # the changes' units said under the table


def test_the_heat_sheet_holds_numbers_with_the_report_formats(book):
    trend, wb = book
    ws = wb.worksheets[1]
    nums = [c for r in ws.iter_rows() for c in r[1:] if isinstance(c.value, (int, float))]
    assert nums and {c.number_format for c in nums} <= {"0.0%", "0.0"}
    texts = [c.value for r in ws.iter_rows() for c in r[1:] if isinstance(c.value, str)]
    assert not any(t.replace(".", "", 1).replace("%", "").strip().isdigit() for t in texts), texts
