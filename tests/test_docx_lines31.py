"""Short Chinese cells of the Word report that need explicit breaks get them between words (session 31).

report/writers/docx_lines.py (session 30) puts explicit line breaks into a cell whose own wrap would be bad (a
bracket or date broken, one character alone) and knew dates, brackets and Latin words, not Chinese words: it wrote
“市公安局交 / 通警察支队 / （牵头）”, “干部作风与行 / 政效能满意度 / （满意率）”.  A cell of at most SHORT_LINES
lines (a name, a unit, an indicator) now puts those breaks at jieba word boundaries where as many lines allow.  A
cell whose wrap only splits a word gets no explicit break (it would be part of the cell's text, which programs
reading the tables compare with the data); a long text (an open answer) is left to the word processor.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from report.writers.docx_lines import CELL_MARGIN_CM, PT_CM, _natural, cell_lines

ROOT = Path(__file__).resolve().parents[1]
SIZE = 10.5  # the gbt9704 look's table font (pt)


@pytest.mark.parametrize("text, width_cm, units_only, lines", [
    # widths of the demo report's 整改台账 / 对策建议 责任单位 columns and its indicator columns; each wrap is bad
    # (the bracket alone or broken), so the cell carries explicit breaks: now between words
    ("市公安局交通警察支队（牵头）", 2.8, ["市公安局交", "通警察支队", "（牵头）"], ["市公安局", "交通警察支队", "（牵头）"]),
    ("干部作风与行政效能满意度（满意率）", 3.2, ["干部作风与行", "政效能满意度", "（满意率）"],
     ["干部作风与行政", "效能满意度", "（满意率）"]),
    ("市发展改革委（牵头）", 2.2, ["市发展改", "革委", "（牵头）"], ["市发展", "改革委", "（牵头）"]),
    ("公共服务满意度（满意率）", 2.4, ["公共服务满", "意度", "（满意率）"], ["公共服务", "满意度", "（满意率）"]),
    ("志愿服务知晓率（满意率）", 2.6, ["志愿服务知", "晓率", "（满意率）"], ["志愿服务", "知晓率", "（满意率）"]),
    ("市营商环境建设局（牵头）", 2.4, ["市营商环", "境建设局", "（牵头）"], ["市营商环境", "建设局", "（牵头）"]),
])
def test_a_short_cell_that_needs_breaks_gets_them_between_words(text, width_cm, units_only, lines):
    assert cell_lines(text, width_cm, SIZE, words=False) == units_only  # session 30's: units only
    assert cell_lines(text, width_cm, SIZE) == lines
    assert "".join(lines) == text and len(lines) == len(units_only)  # the text kept, no line more


@pytest.mark.parametrize("text, width_cm", [("市公安局交通警察支队", 2.68), ("干部作风与行政效能满意度", 3.55),
                                            ("市营商环境建设局", 2.68), ("志愿服务知晓率", 2.35)])
def test_a_wrap_that_only_splits_a_word_is_left_to_the_word_processor(text, width_cm):
    """“市公安局交通 / 警察支队”: an explicit break would be part of the cell's text (python-docx reads
    “市公安局\n交通警察支队”), and programs reading the report's tables compare it with the data (a wave label, an
    indicator name, a unit); so a wrap that is only not ideal stays the word processor's."""
    assert len(_natural(text, (width_cm - CELL_MARGIN_CM) / (SIZE * PT_CM))) == 2
    assert cell_lines(text, width_cm, SIZE) == [text]


def test_a_themes_quotes_are_listed_with_a_mark_that_never_starts_a_line():
    """The 开放题意见主题 table's 代表性原话 joined two quotes with “ / ”, and the Word report printed “…整治”  / “/
    “规范占道经营””, a stray slash starting the second line; they are listed with 、 (zh) as Chinese lists quotes,
    which no line starts with."""
    from report.themes import theme_table

    ot = {"themes": [{"name": "市容环境", "n": 12, "share": 0.3, "ci_low": 0.2, "ci_high": 0.4,
                      "quotes": ["希望加强背街小巷环境整治", "规范占道经营"]}],
          "n_answers": 40, "uncoded": {"n": 3}}
    assert theme_table(ot, "zh")[2][0][-1] == "“希望加强背街小巷环境整治”、“规范占道经营”"
    assert theme_table(ot, "en")[2][0][-1] == "“希望加强背街小巷环境整治”; “规范占道经营”"


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
            if new != old:
                changed += 1
                assert len(new) == len(old) > 1  # only where session 30 broke the cell: never a cell newly broken
    assert changed > 20


_COST = """
import sys
from report.writers.docx_lines import cell_lines
assert cell_lines("市公安局", 2.68, 10.5) == ["市公安局"]          # fits one line
assert cell_lines("2026年10月30日", 6.0, 10.5) == ["2026年10月30日"]
assert cell_lines(sys.argv[1], 4.0, 10.5) == [sys.argv[1]]      # a long text
before = "jieba" in sys.modules
assert cell_lines("市公安局交通警察支队（牵头）", 2.8, 10.5) == ["市公安局", "交通警察支队", "（牵头）"]
print(before, "jieba" in sys.modules)
"""


def test_jieba_loads_only_for_a_short_cell_that_wraps(tmp_path):
    """A cell that fits its line or a long text costs no jieba (its dictionary takes 0.2–0.5 s to load); the
    first short cell that needs explicit breaks loads it."""
    out = subprocess.run([sys.executable, "-c", _COST, LONG], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path)})
    assert out.stdout.split() == ["False", "True"]


def test_a_head_with_no_breaking_within_the_safe_width_breaks_at_the_full_width():
    """The Word report's 表24 (变化) heads its wave columns “2026年第一季度” in 1.8 cm at 10.5 pt: within the width
    kept for a wider Latin face “2026年” fits no line, so the head was left to the word processor, which printed
    “2026年 / 第一季 / 度” (LibreOffice, session 32).  A breaking at the full width is still a good one."""
    cap = (1.8 - CELL_MARGIN_CM) / (SIZE * PT_CM)
    assert _natural("2026年第一季度", cap) == ["2026年", "第一季", "度"]  # the word processor's, bad
    assert cell_lines("2026年第一季度", 1.8, SIZE) == ["2026年", "第一", "季度"]
    assert cell_lines("2026年第一季度", 1.5, SIZE) == ["2026年第一季度"]  # “2026年” fits no line: left as it is
