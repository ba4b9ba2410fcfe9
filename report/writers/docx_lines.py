"""Where a Chinese table cell of the Word report breaks (sessions 30, 31).

A word processor breaks Chinese between any two characters, so a cell's text wraps wherever its column's width
happens to end: “2026年10 / 月30日”, “市文明办（牵 / 头）”, “社会治安与法治满意度（指 / 数）”, and four-character
column heads 3+1 (“有效样 / 本”, “设计效 / 应”).  A demanding typesetter keeps a date, a bracketed group and a
Latin word or number on one line and never leaves one character alone on the last line.  One rule here, for
every table cell and column head of report.docx:

* a column that wraps is never narrower than its widest *unit* (a date, a bracketed group, a Latin word or number;
  :func:`unit_em`), so each unit fits a line;
* a cell whose text would break badly at its column's width (inside a unit, or one character alone on the last
  line) carries explicit line breaks at good points instead: as few lines as the width allows, as even as
  possible (the first line the fuller), at a bracket or punctuation where one serves (“有效 / 样本”, “市文明办 / （牵头）”, “城市环境满意度 /
  （满意率）”) (:func:`cell_lines`), with room for one more Latin character.  Such a breaking of a short cell (a
  name, a unit, an indicator: at most :data:`SHORT_LINES` lines; session 31) puts its breaks between words where as
  many lines allow: jieba's words (:func:`report.segmenter.cut`: the open answers' segmenter and its dictionary, HMM
  on, which keeps 满意度, 知晓率, 文明办, 创文 whole; loaded only when such a cell needs it).  A “/” never starts a
  line.  Cells that break well are left to the word processor, and so is a cell whose wrap only splits a word
  (“市公安局交通 / 警察支队”): an explicit break is part of the cell's text (python-docx reads it as ``\n``), and
  programs reading the report's tables compare that text with the data, so the breaks are kept to the cells
  that need them (about 70 of the demo report's 8,000).

Widths are measured in ems of the table's font size: a Chinese character is one em in every Chinese font, a
Latin character as wide as in the bundled Noto Serif SC (wider than Times New Roman: digits about 0.55 em), and
LibreOffice and Word add up to :data:`AUTOSPACE_EM` between Chinese and Latin text.  The same measure gives a
column head's floor: never narrower than its longest Latin word (“Community”, “Government”).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

LATIN_EM = 0.6       # a Latin character or digit, at most (digits 0.5–0.56 em)
BOLD_WIDEN = 1.04    # a bold column head's Latin is this much wider (LibreOffice emboldens the regular face)
AUTOSPACE_EM = 0.25  # space a word processor adds between Chinese and Latin text (autoSpaceDE/autoSpaceDN)
CELL_MARGIN_CM = 0.381  # a table cell's left + right margin (Word's default 0.19 cm each side)
PT_CM = 2.54 / 72

# units that must not break: a date (“2026年10月30日”, “30 October 2026”), a bracketed group, a Latin word or
# number (with its punctuation)
_UNIT = re.compile(r"\d+年(?:\d+月)?(?:\d+日)?|\d{1,2} [A-Z][a-z]+ \d{4}|[（(][^（）()]{0,12}[）)]|[^\s\u2e81-\uffff]+")
_CLOSING = set("，。、；：！？）》」』”’%/")  # never starts a line: goes with the character before it
_OPENING = set("（《「『“‘(")  # never ends a line: goes with the character after it
SHORT_LINES = 3  # a cell of at most this many lines (a name, a unit, an indicator) breaks between words


def _cjk(ch: str) -> bool:
    return ord(ch) > 0x2E80


@lru_cache(maxsize=1)
def _latin_advances() -> dict:
    """Advance widths (em) of the printable ASCII characters in the bundled serif font, widened for bold: its Latin
    is wider than Times New Roman's, so a width made for it holds the word in Word and WPS too (LibreOffice
    without the named fonts sets Latin in a CJK font: “Communit / y” in a column made for Times)."""
    from fontTools.ttLib import TTFont

    from ..fonts import font_path

    font = TTFont(str(font_path("serif")), lazy=True)
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    return {chr(c): BOLD_WIDEN * hmtx[cmap[c]][0] / upem for c in range(0x20, 0x7F) if c in cmap}


def _em(ch: str) -> float:
    return 1.0 if _cjk(ch) else _latin_advances().get(ch, LATIN_EM)


def text_em(s: str) -> float:
    """Width of ``s`` in ems: Chinese one em, Latin as the bundled serif font sets it (:data:`LATIN_EM` for other
    characters), plus :data:`AUTOSPACE_EM` at each change between Chinese and Latin."""
    w = sum(_em(ch) for ch in s)
    flips = sum(1 for a, b in zip(s, s[1:]) if not a.isspace() and not b.isspace() and _cjk(a) != _cjk(b))
    return w + AUTOSPACE_EM * flips


def units(s: str) -> list:
    """``s`` cut into the pieces a line may break between: units (:data:`_UNIT`) whole, other characters one by
    one; closing punctuation goes with the piece before it."""
    out, pos = [], 0
    for m in _UNIT.finditer(s):
        out += list(s[pos:m.start()]) + [m.group()]
        pos = m.end()
    out += list(s[pos:])
    merged: list = []
    for p in out:
        if merged and (p[0] in _CLOSING or p.isspace()):
            merged[-1] += p
        else:
            merged.append(p)
    return merged


def unit_em(s: str) -> float:
    """The widest unit of ``s`` that is not a single character (0 when none), in ems."""
    return max((text_em(p.strip()) for p in units(s) if len(p.strip()) > 1), default=0.0)


def _natural(s: str, cap: float) -> list:
    """The lines a word processor makes of ``s`` at ``cap`` ems: Chinese breaks anywhere, Latin words only at a
    space, closing punctuation never starts a line."""
    pieces: list = []
    for tok in re.findall(r"[^\s\u2e81-\uffff]+\s*|\s+|.", s):
        if pieces and (tok[0] in _CLOSING or pieces[-1][-1] in _OPENING):
            pieces[-1] += tok
        else:
            pieces.append(tok)
    lines, cur = [], ""
    for p in pieces:
        if cur and text_em((cur + p).rstrip()) > cap:
            lines.append(cur)
            cur = p
        else:
            cur += p
    return lines + [cur] if cur else lines


def _bad(s: str, lines: list) -> bool:
    """A break inside a unit, or one Chinese character alone on the last line."""
    if len(lines) < 2:
        return False
    if len(lines[-1].strip()) == 1 and _cjk(lines[-1].strip()):
        return True
    ends, at = set(), 0
    for ln in lines[:-1]:
        at += len(ln)
        ends.add(at)
    at = 0
    for p in units(s):
        if len(p.strip()) > 1 and any(at < e < at + len(p.rstrip()) for e in ends):
            return True
        at += len(p)
    return False


def _good(s: str, cap: float, inside: frozenset = frozenset()) -> Optional[list]:
    """``s`` broken between its units into as few lines of at most ``cap`` ems as possible, with as few breaks
    inside a word (the offsets ``inside``, :func:`_inside`) as those lines allow, then as few breaks away from a
    bracket, punctuation or a space, the longest line as short as possible, no line a single Chinese character;
    None when there is no such breaking."""
    ps = units(s)
    n = len(ps)
    start = [0]
    for p in ps:
        start.append(start[-1] + len(p))

    def clean(j: int) -> bool:  # a break before piece j: before a bracket, after punctuation or a space
        return ps[j][0] in _OPENING or ps[j - 1][-1] in _CLOSING or ps[j - 1][-1].isspace() or ps[j - 1][-1] in "/、"

    # from piece i: (lines, breaks inside a word, breaks away from punctuation, widest, lines)
    best: dict = {n: (0, 0, 0, 0.0, [])}
    for i in range(n - 1, -1, -1):
        cands = []
        for j in range(i + 1, n + 1):
            line = "".join(ps[i:j])  # a space at a break stays at the line's end: the text is unchanged
            w = text_em(line.strip())
            if w > cap:
                break
            if (len(line.strip()) == 1 and _cjk(line.strip()) and (i > 0 or j < n)) or j not in best:
                continue
            k, split, dirty, widest, rest = best[j]
            cands.append((k + 1, split + (start[j] in inside), dirty + (j < n and not clean(j)), max(w, widest),
                          [line] + rest))
        if cands:
            best[i] = min(cands, key=lambda c: (*c[:4], -len(c[4][0])))  # a tie: the fuller first line
    return best[0][4] if 0 in best else None


@lru_cache(maxsize=4096)
def _inside(s: str) -> frozenset:
    """The offsets of ``s`` inside a Chinese word of two characters or more, where a line break would split it
    (“市公安局交通 / 警察支队”): jieba's words (:func:`report.segmenter.cut`, its dictionary loaded on the first call,
    once per process)."""
    from ..segmenter import cut

    out, at = set(), 0
    for w in cut(s):
        if len(w) > 1 and all(_cjk(ch) and ch not in _CLOSING and ch not in _OPENING for ch in w):
            out.update(range(at + 1, at + len(w)))
        at += len(w)
    return frozenset(out) if at == len(s) else frozenset()  # jieba keeps every character; if not, no word known


def cell_lines(text: str, width_cm: float, size_pt: float, words: bool = True) -> list:
    """The lines to write ``text`` on in a cell ``width_cm`` wide at ``size_pt``: ``[text]`` (the word processor
    wraps it, well) or the lines of a good breaking when its own would be bad (:func:`_bad`), in a cell of at
    most :data:`SHORT_LINES` lines with its breaks between words where as many lines allow (``words=False``:
    units only, without the word boundaries).  The lines keep room for one more Latin character; when no good
    breaking fits that, one at the full width is taken, and only when none fits either is the text left as it is."""
    if "\n" in text or not any(_cjk(ch) for ch in text):
        return [text]
    cap = (width_cm - CELL_MARGIN_CM) / (size_pt * PT_CM)
    # Chinese is one em in every font; Latin differs a little between fonts: room for one more Latin character
    slack = LATIN_EM if any(not _cjk(ch) for ch in text) else 0.05
    if text_em(text) <= cap - slack:  # fits one line
        return [text]
    # the word processor's breaking must be good at every width the fonts may give
    if not any(_bad(text, _natural(text, c)) for c in (cap - slack, cap - slack / 2, cap)):
        # a wrap that only splits a word (“市公安局交通 / 警察支队”) is left to the word processor: an explicit
        # break is part of the cell's text (python-docx reads “市公安局\n交通警察支队”), which programs reading the
        # tables compare with the data
        return [text]
    short = words and len(_natural(text, cap - slack)) <= SHORT_LINES  # a name, a unit, an indicator: words matter
    inside = _inside(text) if short else frozenset()
    # no good breaking with the room kept for a wider Latin face: one at the full width still beats the word
    # processor's bad one (a wave head “2026年第一季度” in a 1.8 cm column at 10.5 pt: “2026年 / 第一季 / 度”)
    return _good(text, cap - slack, inside) or _good(text, cap, inside) or [text]


def unit_floor_cm(texts, size_pt: float) -> float:
    """The width (cm) a column needs to hold the widest unit of its ``texts`` on one line."""
    return max((unit_em(t) for t in texts), default=0.0) * size_pt * PT_CM + CELL_MARGIN_CM + 0.1
