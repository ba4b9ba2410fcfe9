"""A caption's own number never runs into the table or figure number (图2 6项… read as 图26)."""

from types import SimpleNamespace

from report.numbering import figure_caption, table_caption


def test_a_chinese_caption_starting_with_a_digit_is_set_apart_by_an_ideographic_space():
    chart = SimpleNamespace(name="verdicts", title="6项指标未达目标")
    assert figure_caption(chart, {"verdicts": 2}, "zh") == "图2\u30006项指标未达目标"
    table = SimpleNamespace(number=3, caption="2026年各区县样本构成")
    assert table_caption(table, "zh") == "表3\u30002026年各区县样本构成"


def test_other_captions_keep_the_plain_space():
    assert figure_caption(SimpleNamespace(name="a", title="样本构成"), {"a": 1}, "zh") == "图1 样本构成"
    assert table_caption(SimpleNamespace(number=4, caption="样本构成"), "zh") == "表4 样本构成"
    assert figure_caption(SimpleNamespace(name="a", title="6 indicators short"), {"a": 1}, "en") == \
        "Figure 1. 6 indicators short"
