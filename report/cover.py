"""The report cover: title, commissioning organisation, survey period (2026年9月), wave label — no
clock time (the generation time stays in the appendix's method notes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from survey.labels import line_start
from survey.waves import derived_label

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


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
    if lang == "en":
        if (a.year, a.month) == (b.year, b.month):
            return f"{_MONTHS_EN[b.month - 1]} {b.year}"
        return f"{_MONTHS_EN[a.month - 1]} {a.year} – {_MONTHS_EN[b.month - 1]} {b.year}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{b.year}年{b.month}月"
    if a.year == b.year:
        return f"{a.year}年{a.month}—{b.month}月"
    return f"{a.year}年{a.month}月—{b.year}年{b.month}月"


def make_cover(title: str, org: str, fielding: Optional[list], wave: Optional[str], wave_label: Optional[str] = None,
               lang: str = "zh") -> Cover:
    """The cover's lines; the office alone on its line starts with a capital (:func:`line_start`)."""
    label = wave_label or (derived_label(wave, lang) if wave else "")
    return Cover(title, line_start(org), period_text(fielding, lang), label)
