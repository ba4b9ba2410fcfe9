"""Short Chinese cells of the Word report break between words (session 31).

The responsible-unit column of the ledger and recommendation tables wrapped “市公安局交通 / 警察支队” and
“市公安局交通警 / 察支队”, indicator names “干部作风与行 / 政效能满意度” (session 30's even breaking) and
“城市环境满 / 意度”: report/writers/docx_lines.py knew dates, brackets and Latin words, not Chinese words.  A cell
of at most SHORT_LINES lines (a name, a unit, an indicator) now breaks at a jieba word boundary when as many lines
allow one; a long text (an open answer) is left to the word processor as before; no cell gets a line more.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from report.writers.docx_lines import CELL_MARGIN_CM, LATIN_EM, PT_CM, _natural, cell_lines

ROOT = Path(__file__).resolve().parents[1]
SIZE = 10.5  # the gbt9704 look's table font (pt)


@pytest.mark.parametrize("text, width_cm, before, lines", [
    # widths of the demo report's 整改台账 / 对策建议 责任单位 columns and its indicator columns
    ("市公安局交通警察支队", 2.68, ["市公安局交通", "警察支队"], ["市公安局", "交通警察支队"]),
    ("市公安局交通警察支队", 3.32, ["市公安局交通警", "察支队"], ["市公安局", "交通警察支队"]),  # not “交通 / 警察”
    # session 30 put “干部作风与行 / 政效能满意度” (even, against 11 + 1)
    ("干部作风与行政效能满意度", 4.83, ["干部作风与行政效能满意度"], ["干部作风与行政", "效能满意度"]),
    ("干部作风与行政效能满意度", 3.55, ["干部作风与行政效", "能满意度"], ["干部作风与行政", "效能满意度"]),
    ("干部作风与行政效能满意度", 2.35, ["干部作风与", "行政效能满", "意度"], ["干部作风与", "行政效能", "满意度"]),
    ("市营商环境建设局", 2.68, ["市营商环境建", "设局"], ["市营商环境", "建设局"]),
    ("志愿服务知晓率", 2.35, ["志愿服务知", "晓率"], ["志愿服务", "知晓率"]),
    ("低于目标、显著低于全市", 3.45, ["低于目标、显著低", "于全市"], ["低于目标、", "显著低于全市"]),
])
def test_a_short_cell_breaks_between_words(text, width_cm, before, lines):
    assert _natural(text, (width_cm - CELL_MARGIN_CM) / (SIZE * PT_CM)) == before  # the word processor's own
    assert cell_lines(text, width_cm, SIZE) == lines
    assert "".join(lines) == text
    old = cell_lines(text, width_cm, SIZE, words=False)  # session 30's: units only
    assert len(old if len(old) > 1 else before) >= len(lines)  # no line more


def test_a_slash_never_starts_a_line():
    """“代表性原话” cells hold two quotes: they break between them, the “/” ending the first line (it began the
    second: “… 整治”  / “/ “规范占道经营”” read as a stray slash)."""
    text = "“希望加强背街小巷环境整治” / “规范占道经营”"
    assert cell_lines(text, 6.5, SIZE) == ["“希望加强背街小巷环境整治” / ", "“规范占道经营”"]


def test_a_mixed_head_breaks_between_words_at_a_slightly_wider_measure_too():
    """The 题项 table's head “比率/满意率” in its 1.75 cm column: this module's measure fits “比率/” on the first line
    (autospace either side of the slash), LibreOffice fits “比率/满” and printed “比率/满 / 意率”."""
    assert cell_lines("比率/满意率", 1.75, SIZE) == ["比率/", "满意率"]


def test_a_head_whose_unit_fits_only_the_width_itself_is_still_broken_well():
    """The trend table's wave heads “2026年第一季度” in a 1.8 cm column (its floor holds “2026年”, not the room for
    one more Latin character the explicit breaking keeps): left to the word processor, they printed
    “2026年 / 第一季 / 度”, one character alone."""
    assert _natural("2026年第一季度", (1.8 - CELL_MARGIN_CM) / (SIZE * PT_CM)) == ["2026年", "第一季", "度"]
    assert cell_lines("2026年第一季度", 1.8, SIZE) == ["2026年", "第一", "季度"]


def test_a_word_split_that_only_a_line_more_would_avoid_is_left():
    """“选择人 / 数比例” in a three-character column: 选择 / 人数 / 比例 needs a third line; the page keeps its
    length, the word processor breaks it (no explicit breaks)."""
    assert _natural("选择人数比例", (1.77 - CELL_MARGIN_CM) / (SIZE * PT_CM)) == ["选择人", "数比例"]
    assert cell_lines("选择人数比例", 1.77, SIZE) == ["选择人数比例"]


LONG = "希望政府加强停车管理，解决停车难问题；小区垃圾分类宣传不够，公共厕所太少，晚上路灯也不亮"


def test_a_long_text_cell_is_left_to_the_word_processor():
    """An open answer on five lines breaks anywhere, as Chinese is set; no explicit breaks."""
    natural = _natural(LONG, (4.0 - CELL_MARGIN_CM) / (SIZE * PT_CM))
    assert len(natural) > 3 and natural[0] == "希望政府加强停车管" and natural[1].startswith("理")  # 管 / 理
    assert cell_lines(LONG, 4.0, SIZE) == [LONG]


def _texts() -> list:
    """The civic questionnaire's names, labels and owners (areas, indicators, 责任单位), Chinese, 3–40
    characters, and the long answer."""
    out: set = {LONG}

    def walk(o):
        if isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
        elif isinstance(o, str) and 3 <= len(o) <= 40 and any("\u4e00" <= ch <= "\u9fff" for ch in o):
            out.add(o.strip())

    for name in ("civic_hot_issues.yaml", "civic_framework.yaml"):
        walk(yaml.safe_load((ROOT / "questionnaires" / name).read_text(encoding="utf-8")))
    return sorted(out)


def test_the_text_is_kept_and_no_cell_gets_a_line_more():
    """Every questionnaire text at every width from 1.6 to 6 cm: the lines joined are the text, no line starts
    with closing punctuation or a slash; a breaking has no
    more lines than session 30's (units only) nor than the word processor's own at the full width; and word
    boundaries change something (the test is not empty)."""
    texts = _texts()
    assert len(texts) > 300
    changed = 0
    for w in [1.6 + 0.2 * i for i in range(23)]:
        cap = (w - CELL_MARGIN_CM) / (SIZE * PT_CM)
        for t in texts:
            new, old = cell_lines(t, w, SIZE), cell_lines(t, w, SIZE, words=False)
            assert "".join(new) == t
            assert not any(ln[0] in "，。、；：）”/" for ln in new[1:]), (t, w, new)  # no line starts with these
            shown_old = len(old) if len(old) > 1 else len(_natural(t, cap))
            assert len(new) <= shown_old, (t, w, new, old)
            if new != old and len(old) == 1:  # not a line more at a measure a little wider either (Latin, autospace)
                slack = LATIN_EM if any(ord(ch) < 0x2E80 for ch in t) else 0.05
                assert len(new) <= len(_natural(t, cap + slack)), (t, w, new)
            if new != old:
                changed += 1
                assert len(new) > 1
    assert changed > 100


_COST = """
import sys
from report.writers.docx_lines import cell_lines
assert cell_lines("市公安局", 2.68, 10.5) == ["市公安局"]          # fits one line
assert cell_lines("2026年10月30日", 6.0, 10.5) == ["2026年10月30日"]
assert cell_lines(sys.argv[1], 4.0, 10.5) == [sys.argv[1]]      # a long text
before = "jieba" in sys.modules
assert cell_lines("市公安局交通警察支队", 2.68, 10.5) == ["市公安局", "交通警察支队"]
print(before, "jieba" in sys.modules)
"""


def test_jieba_loads_only_for_a_short_cell_that_wraps(tmp_path):
    """A cell that fits its line or a long text costs no jieba (its dictionary takes 0.2–0.5 s to load); the
    first short cell that wraps loads it."""
    out = subprocess.run([sys.executable, "-c", _COST, LONG], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path)})
    assert out.stdout.split() == ["False", "True"]
