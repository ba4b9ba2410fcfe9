"""Typed table cells: a number with its kind and its flags, so every writer shows the same value.

A report :class:`~report.render.Table` row holds plain values (formatted by the column's kind) or
:class:`Num` cells when one column mixes kinds (shares and scores in the change table) or carries
flags (small base △, suppressed —, significant *).  HTML and DOCX show :func:`cell_text`; the XLSX
writer (:mod:`report.writers.xlsx_cells`) writes the number as a number cell with
:data:`NUMBER_FORMATS` and the flags into their own column.

Kinds: ``text``; ``int`` (count, ``#,##0``); ``pct`` (share 0–1 shown as 12.3%, ``0.0%``);
``num1``/``num2``/``num3`` (scores, decimals); ``chg1`` (signed change already in its display unit —
percentage points or index points — shown ``+2.5``, ``+0.0;-0.0;0.0``); ``pval`` (p-value, <0.001).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .labels import label

# changes: signed, with issue 11's format "+0.0;-0.0;0.0" exactly (Excel shows a change between −0.05 and 0 as
# -0.0, its own rule for a negative number; the report's text never does: table_cells.signed)
# p values: the one rule of every output (tables, sentences, the tracking texts, the XLSX number format): three
# decimals, and below P_FLOOR "<0.001" rather than a bare 0.000
P_FLOOR = 0.001
P_DECIMALS = 3
# a p cell of report.xlsx and trend.xlsx: the number kept, shown as the text shows it (<0.001, not 0.000)
P_FORMAT = f'[<{P_FLOOR}]"<{P_FLOOR}";0.{"0" * P_DECIMALS}'
NUMBER_FORMATS = {"pct": "0.0%", "num1": "0.0", "num2": "0.00", "num3": "0.000", "int": "#,##0",
                  "chg1": "+0.0;-0.0;0.0", "pp": "+0.0%;-0.0%;0.0%",
                  "pval": P_FORMAT}
FLAG_CODES = ("suppressed", "small_base", "sig", "not_asked", "up", "down", "same")
# appended to the shown number (suppressed shows only "—"); up/down/same: a change's test (↑↓ significant, → not)
FLAG_MARKS = {"small_base": " △", "sig": "*", "up": " ↑", "down": " ↓", "same": " →"}


def p_text(p: Any, named: bool = False) -> str:
    """A p value as every output prints it: ``0.023`` / ``<0.001``, or named in a sentence (``named``):
    ``p=0.023`` / ``p<0.001``; ``—`` (named: ``p —``) when missing."""
    if p is None or not math.isfinite(float(p)):
        return "p —" if named else "—"
    if p < P_FLOOR:
        return f"p<{P_FLOOR}" if named else f"<{P_FLOOR}"
    return f"p={p:.{P_DECIMALS}f}" if named else f"{p:.{P_DECIMALS}f}"


def signed(v: float, decimals: int = 1) -> str:
    """A change with its sign, +2.5 / -1.3, and 0.0 (no sign) when it rounds to zero: never -0.0."""
    t = f"{v:+.{decimals}f}"
    return t[1:] if float(t) == 0 else t


@dataclass(frozen=True)
class Num:
    """One number of a table with its kind (see module docstring) and flags (codes of :data:`FLAG_CODES`)."""

    value: Any
    kind: str
    flags: tuple = ()

    def __str__(self) -> str:  # templates printing {{ value }} show the formatted number
        return cell_text(self)

    @property
    def number(self):
        """The value as a float/int, or None (missing, not finite, or suppressed)."""
        v = self.value
        if v is None or "suppressed" in self.flags:
            return None
        if isinstance(v, bool):
            return int(v)
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(f):
            return None
        return int(v) if self.kind == "int" else f


TONES = ("ok", "bad", "ns")  # how a Tag is coloured in HTML: good news, bad news, not significant
DIRECTION_TONES = {"up": "ok", "down": "bad"}  # a trend's direction (up/down/same) as a tone


def verdict_tone(v) -> str:
    """The tone of a verdict as the analysis gives it (达标 ok, 未达标 bad, 无显著差异 ns; "" otherwise)."""
    from analysis.indicators import VERDICT_ABOVE, VERDICT_BELOW, VERDICT_NS

    return {VERDICT_ABOVE: "ok", VERDICT_BELOW: "bad", VERDICT_NS: "ns"}.get(v or "", "")


@dataclass(frozen=True)
class Tag:
    """Words in a table cell with a tone (:data:`TONES`) that the HTML shows in colour: a verdict
    (达标 ok, 未达标 bad, 无显著差异 ns), a significant change (↑ ok, ↓ bad), an overdue ledger item.
    Every other writer prints the words."""

    text: str
    tone: str = ""

    def __str__(self) -> str:
        return self.text


def format_value(v: Any, kind: str, lang: str = "zh") -> str:
    """The text HTML/DOCX show for a value of ``kind`` (— for missing); a true bool is the word ``cell.yes`` in
    ``lang``, a false one empty."""
    if isinstance(v, Num):
        return cell_text(v)
    if isinstance(v, Tag):
        return v.text
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind == "pp":
        return signed(100 * v)
    if kind == "chg1":
        return signed(v)
    if kind == "pval":  # a p-value: "<0.001" below 0.001 (the XLSX cell keeps the number)
        return p_text(v)
    if kind in ("num1", "num2", "num3"):
        return f"{v:.{kind[-1]}f}"
    if kind == "int":
        return f"{int(v):,}"
    if isinstance(v, bool):
        return label("cell.yes", lang) if v else ""
    return str(v)


def cell_text(c: Num) -> str:
    """A flagged number as shown in HTML and DOCX: 92.2% △*, or — when suppressed."""
    if "suppressed" in c.flags:
        return "—"
    if c.kind == "text":  # words (e.g. 未调查 in a number column; a small district's name, marked △)
        if c.value is None:
            return "—"
        return str(c.value) + "".join(FLAG_MARKS[f] for f in FLAG_CODES if f in c.flags and f in FLAG_MARKS)
    return format_value(c.number, c.kind) + "".join(FLAG_MARKS[f] for f in FLAG_CODES if f in c.flags and f in FLAG_MARKS)


def flag_text(c: Any, lang: str) -> str:
    """The flag column's text for a cell ("" when unflagged or not a :class:`Num`)."""
    if not isinstance(c, Num):
        return ""
    return label("sep.flags", lang).join(label(f"cell_flag.{f}", lang) for f in FLAG_CODES if f in c.flags)


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a fixed-width cell: East Asian wide and full-width characters
    take two (Unicode ``east_asian_width`` W/F), others one."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
