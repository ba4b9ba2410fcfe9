"""The report cover: title, commissioning organisation, survey period (2026年9月), wave label — no
clock time (the generation time stays in the appendix's method notes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from survey.labels import label, line_start
from survey.waves import derived_label, month_word


@dataclass
class Cover:
    title: str
    org: str
    period: str          # 2026年9月 / 2026年8—9月 / September 2026
    wave: str            # the wave's label (minyi.yaml waves:, else derived from its id)


def survey_name(questionnaire_title: str) -> str:
    """The survey's name as the report's title and the brief's heading print it: the questionnaire's title
    without the word 问卷 (创建全国文明城市干部群众热点问题调查问卷 → …调查), so both follow the questionnaire."""
    return questionnaire_title.replace("问卷", "")


def period_text(fielding: Optional[list], lang: str = "zh") -> str:
    """The survey period in months from the fielding dates ["YYYY-MM-DD", "YYYY-MM-DD"]; "" when unknown."""
    if not fielding:
        return ""
    a, b = (dt.date.fromisoformat(str(x)[:10]) for x in fielding)
    if (a.year, a.month) == (b.year, b.month):
        return label("date.month", lang).format(y=b.year, month=month_word(b.month, lang))
    return label("date.months_same_year" if a.year == b.year else "date.months", lang).format(
        y1=a.year, y2=b.year, m1=a.month, month1=month_word(a.month, lang), month2=month_word(b.month, lang))


def make_cover(title: str, org: str, fielding: Optional[list], wave: Optional[str], wave_label: Optional[str] = None,
               lang: str = "zh") -> Cover:
    """The cover's lines; the office alone on its line starts with a capital (:func:`line_start`)."""
    label = wave_label or (derived_label(wave, lang) if wave else "")
    return Cover(title, line_start(org), period_text(fielding, lang), label)
