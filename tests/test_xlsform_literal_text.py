"""survey convert --to xlsform of texts that XLSForm would read as something else.

``${name}`` in an XLSForm label, hint or title is a reference to the field ``name``: pyxform rejected the whole form
when the questionnaire's title or a question's text held ``${…}`` that named no field ("please report this as a
bug"), and a ``${Q1}`` naming a question would have shown Q1's answer in ODK instead of the text.  The export now
writes the text literally (survey/xlsform_text.py) with one warning naming where, and ``--to yaml`` gives the
texts back as written.  Also: the fill-in of a question with several "other" options is labelled with the
questionnaire language's separator, and a Chinese questionnaire with English texts gets the fill-in's English
label too."""

from __future__ import annotations

import re

import openpyxl
from pyxform.xls2xform import convert as pyxform_convert

from cli_capture import run_main
from survey.qload import load_questionnaire
from xlsform_files import exported_xlsform

DOLLARS = """\
id: dollars
title: "${year}年满意度调查"
language: zh
sections:
  - id: S1
    title: "第一部分 ${part}"
    questions:
      - id: Q1
        type: single
        text: "您对${city}的总体印象？"
        note: "按 ${scale} 作答"
        options: [好, "${x}不好", {label: 其他, other: true}]
      - id: Q2
        type: matrix
        text: 满意度
        scale: sat
        rows: [{id: r1, label: "道路${road}"}, {id: r2, label: 公交}]
      - id: Q3
        type: text
        text: "还有什么要说的（引用 ${Q1} 无妨，费用按$5计）"
        required: false
scales:
  sat:
    options: [{code: 1, label: 满意, score: 100}, {code: 2, label: 不满意, score: 0}]
"""


def _texts(q) -> list[str]:
    out = [q.title] + [s.title for s in q.sections]
    for qq in q.questions:
        out += [qq.text, qq.note or ""] + [o.label for o in qq.options] + [r.label for r in qq.rows]
    return out


def test_dollar_brace_texts_export_and_come_back(tmp_path, capsys):
    form, out = exported_xlsform(tmp_path, capsys, DOLLARS, "dollars")  # pyxform accepts it (it rejected it)
    warned = [ln for ln in out.splitlines() if "reference to a field" in ln]
    assert len(warned) == 1, out
    for where in ("the text of S1", "Q1", "Q2_r1", "Q3", "choice 2 of list Q1", "the form's title"):
        assert where in warned[0], (where, warned[0])

    xform = pyxform_convert(str(form)).xform
    assert "<output" not in xform  # no text became a reference to a field's answer
    for text in ("$\u2060{year}年满意度调查", "您对$\u2060{city}的总体印象？", "按 $\u2060{scale} 作答",
                 "$\u2060{x}不好", "道路$\u2060{road}", "引用 $\u2060{Q1} 无妨，费用按$5计"):
        assert text in xform, text
    assert "${" not in re.sub(r"<bind [^>]*>", "", xform)  # only the fill-in's relevant refers to a field

    back = tmp_path / "back.yaml"
    rc, out = run_main(capsys, "convert", str(form), "--to", "yaml", "--out", str(back))
    assert rc == 0, out
    assert "\u2060" not in back.read_text(encoding="utf-8")
    assert _texts(load_questionnaire(back)) == _texts(load_questionnaire(tmp_path / "dollars.yaml"))


def test_without_dollar_brace_nothing_is_said(tmp_path, capsys):
    _, out = exported_xlsform(tmp_path, capsys, DOLLARS.replace("${", "{"), "plain")
    assert "reference to a field" not in out


OTHERS = """\
id: others
title: {title}
language: {lang}
sections:
  - id: S1
    title: {section}
    questions:
      - id: Q1
        type: multiple
        text: {text}
        options: {options}
"""


def _fill_in(form) -> tuple:
    rows = list(openpyxl.load_workbook(form)["survey"].iter_rows(values_only=True))
    head = rows[0]
    row = next(r for r in rows if r[1] == "Q1_other")
    return {h: v for h, v in zip(head, row)}


def test_other_fill_in_label_in_english(tmp_path, capsys):
    form, _ = exported_xlsform(tmp_path, capsys, OTHERS.format(
        title="Survey", lang="en", section="Part one", text="Which services do you use?",
        options="[Bus, {label: Other, other: true}, {label: Something else, other: true}]"), "en")
    assert _fill_in(form)["label::English (en)"] == "Other / Something else (please specify)"


def test_other_fill_in_label_in_chinese_with_english(tmp_path, capsys):
    form, _ = exported_xlsform(tmp_path, capsys, OTHERS.format(
        title="调查", lang="zh", section="第一部分", text="您使用哪些服务？",
        options="[{label: 公交, label_en: Bus}, {label: 其他, other: true, label_en: Other}, "
                "{label: 别的, other: true, label_en: Something else}]"), "zh")
    cells = _fill_in(form)
    assert cells["label::Chinese (zh)"] == "其他、别的（请注明）"
    assert cells["label::English (en)"] == "Other / Something else (please specify)"
