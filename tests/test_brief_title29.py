"""The Word brief's title is not cut inside a word (session 29).

With the questionnaire's own survey name the title grew to 27 characters' width; Word wraps a CJK line at any
character, so the 18 pt title on the 15.8 cm line broke as “…热点问题调 / 查情况”.  Too long for one line, it now
prints the wave on its own line and the survey on the next.
"""

from __future__ import annotations

from types import SimpleNamespace

from report.brief_render import TITLE_EM, title_lines


def _brief(wave: str, name: str) -> SimpleNamespace:
    return SimpleNamespace(title=f"{wave}{name}情况", wave_label=wave)


def test_a_title_too_long_for_one_line_breaks_after_the_wave():
    b = _brief("2026年第三季度", "创建全国文明城市干部群众热点问题调查")
    lines = title_lines(b, TITLE_EM)
    assert lines == ["2026年第三季度", "创建全国文明城市干部群众热点问题调查情况"]
    assert "".join(lines) == b.title


def test_a_title_that_fits_stays_on_one_line():
    b = _brief("2026年第三季度", "市民满意度调查")
    assert title_lines(b, TITLE_EM) == [b.title]
    # digits are half a character wide: 24 Chinese characters fit, 25 do not
    assert title_lines(SimpleNamespace(title="字" * 24, wave_label="字"), TITLE_EM) == ["字" * 24]
    assert title_lines(SimpleNamespace(title="字" * 25, wave_label="字"), TITLE_EM) == ["字", "字" * 24]
