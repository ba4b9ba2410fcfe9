"""How much room a report table needs, from its cells: one rule for the Word report's page and the PDF's.

A column needs the display width of its longest cell (a CJK character counts two half-width characters;
capped at 44) at about 0.2 cm a half-width character plus the cell margins, and never less than its widest
unbreakable unit (a Latin word, a date, a bracketed group: :func:`report.writers.docx_lines.unit_floor_cm`).
A text column whose longest cell is wider than :data:`SHORT_TEXT` wraps; the others keep their width.

A table is *wide* — printed on a landscape page — when its fixed columns and 1.6 cm for each wrapping one
do not fit the portrait text block, or when two or more long text columns would get less than
:data:`TEXT_COMFORT_CM` each (the 区县问题清单: 指标, 问题 and 责任单位 four characters wide on five lines,
“市文明办（牵 / 头）”).  The Word writer sizes its columns from the same needs (report/writers/docx.py);
the HTML report marks a wide table so that the print layout (weasyprint's PDF, a browser's print) puts it
on a landscape page (report.html.j2, ``@page wide``).
"""

from __future__ import annotations

import re
from typing import Sequence

from .docx_lines import unit_floor_cm

SHORT_TEXT = 8  # display width (CJK = 2) up to which a text column is never wrapped (4 Chinese characters)
HEADER_WRAP = 6  # a longer column header wraps (three Chinese characters a line)
TEXT_COMFORT_CM = 3.0  # a wrapping text column gets this much (7 characters a line) or a landscape page
CELL_CAP = 44  # half-width characters: a longer cell wraps whatever the page
CM_PER_CHAR = 0.2  # at 9.5–10.5 pt
CELL_MARGINS_CM = 0.55
WRAP_MIN_CM = 1.6  # the least a wrapping column is given


def display_width(s: str) -> int:
    """Width of ``s`` in half-width characters: CJK (from U+2E80) counts double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def latin_word(s: str) -> int:
    """Length of the longest Latin word or number in ``s`` (a run without spaces or CJK characters).  Chinese
    wraps between any two characters, a Latin word only at a space (or a word processor splits it inside)."""
    return max((len(w) for w in re.findall(r"[^\s\u2e81-\uffff]+", s)), default=0)


def header_width(h: str) -> int:
    """The width a column header needs (half-width characters): its whole text up to :data:`HEADER_WRAP`, and
    never less than its longest Latin word or number: a narrower column split English heads inside the word
    (“Estimat/e”, “Measur/e”)."""
    return max(min(display_width(h), HEADER_WRAP), latin_word(h))


def char_cm(width: int) -> float:
    """Centimetres for ``width`` half-width characters (capped at :data:`CELL_CAP`) with the cell margins."""
    return min(width, CELL_CAP) * CM_PER_CHAR + CELL_MARGINS_CM


def column_needs(columns: Sequence[tuple], body: Sequence[Sequence[str]], size_pt: float) -> tuple[list, list, list]:
    """(cm each column needs, whether it is a wrapping text column, cm of its widest unbreakable unit) for a
    table of ``columns`` (header, kind) and formatted ``body`` rows, set at ``size_pt``."""
    need = [char_cm(max([header_width(str(h))] + [display_width(r[i]) for r in body]))
            for i, (h, _) in enumerate(columns)]
    # text columns share what the numbers leave and wrap; a column of short words (区县 names, 达标) keeps
    # its width like a number column: “西城区” broken into “西城/区” is not read as a name
    text = [k == "text" and max((display_width(r[i]) for r in body), default=0) > SHORT_TEXT
            for i, (_, k) in enumerate(columns)]
    # a wrapping column holds its widest date or bracketed group, every column its head's longest Latin word,
    # measured in the bundled font's Latin (“Communit / y” in a column made for 0.2 cm a letter)
    unit = [max(unit_floor_cm([str(h)], size_pt), unit_floor_cm([r[i] for r in body], size_pt) if text[i] else 0.0)
            for i, (h, _) in enumerate(columns)]
    return [max(n, u) for n, u in zip(need, unit)], text, unit


def is_wide(need: Sequence[float], text: Sequence[bool], text_cm: float) -> bool:
    """Whether the table goes on a landscape page: its numbers alone do not fit the portrait text block of
    ``text_cm``, or its several long text columns would be squeezed below :data:`TEXT_COMFORT_CM`."""
    fixed = sum(n for n, tx in zip(need, text) if not tx)
    comfort = sum(min(n, TEXT_COMFORT_CM) for n, tx in zip(need, text) if tx)
    long_text = sum(1 for n, tx in zip(need, text) if tx and n > TEXT_COMFORT_CM)
    return fixed + WRAP_MIN_CM * sum(text) > text_cm or (long_text >= 2 and fixed + comfort > text_cm)


__all__ = ["SHORT_TEXT", "HEADER_WRAP", "TEXT_COMFORT_CM", "WRAP_MIN_CM", "display_width", "latin_word", "header_width",
           "char_cm", "column_needs", "is_wide"]
