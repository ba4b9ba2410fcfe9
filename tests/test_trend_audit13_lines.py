"""Audit of issue 13, defect 8: `survey trend --by district` printed "北山区: 69.4 → 74.8 → 74.8 → — → — → 80.8; vs
previous +6.0 ↑" — the change is against 第3期 (the waves between have no estimate), and the line must say so.
Also: the `ledger.alpha` config error gave the hot-issue share's example."""

from __future__ import annotations

import pytest

from analysis.trend import wave_series
from report.trend import ProjectTrend, TrendSeries, WaveRef, trend_lines
from survey.errors import MinyiError
from survey.ledger import ledger_settings

WAVES = tuple(WaveRef(f"w{k}", f"第{k}期", f"Wave {k}", None, 700) for k in range(1, 7))


def _trend(estimates) -> ProjectTrend:
    se = [None if e is None else 1.0 for e in estimates]
    ser = wave_series([w.id for w in WAVES], estimates, se, estimates, estimates, [700] * 6, [699.0] * 6)
    s = TrendSeries("composite", "综合满意度指数", "composite", "index", None, None, None, "district", "北山区", ser)
    return ProjectTrend(WAVES, (s,), ())


def test_a_change_against_an_earlier_wave_names_that_wave():
    line = trend_lines(_trend([69.4, 74.8, 74.8, None, None, 80.8]))[-1]
    assert "; vs 第3期 +6.0 ↑" in line and "vs previous" not in line
    assert "; vs Wave 3 +6.0" in trend_lines(_trend([69.4, 74.8, 74.8, None, None, 80.8]), "en")[-1]


def test_a_change_against_the_wave_before_stays_vs_previous():
    line = trend_lines(_trend([69.4, 74.8, 74.8, 76.0, 78.0, 80.8]))[-1]
    assert "; vs previous +2.8 ↑" in line


def test_a_latest_wave_without_estimate_says_which_waves_are_compared():
    line = trend_lines(_trend([69.4, 74.8, 74.8, 76.0, 78.0, None]))[-1]
    assert "; vs previous (of 第5期) +2.0 " in line


def test_alpha_error_gives_an_alpha_example():
    with pytest.raises(MinyiError) as e:
        ledger_settings({"ledger": {"alpha": 5}})
    text = str(e.value)
    assert "ledger.alpha" in text and "e.g. 0.05" in text and "0.3 for 30%" not in text


def test_the_method_line_says_the_level_the_arrows_mark():
    """`survey trend --confidence 0.5` marked p=0.374 with ↑ without saying at which level a change counts: the
    method line now says it (p < 0.05 at the default 0.95)."""
    from report.trend import ProjectTrend, trend_lines

    for conf, said in ((0.95, "p < 0.05 (--confidence 0.95)"), (0.5, "p < 0.5 (--confidence 0.5)")):
        t = ProjectTrend(waves=(), series=(), heat=(), method="m", confidence=conf)
        assert said in trend_lines(t)[1], trend_lines(t)
