"""``survey convert --to xlsform`` writes the form to a scratch file that pyxform checks first
(survey.xlsform.write_checked): a form pyxform rejects leaves the output as it was — no file where there was none,
an earlier file unchanged — and the message names the questionnaire and the output, and says it was not written
(it named the scratch file, removed by the time the message is read).

The rejection here is pyxform's own, of a questionnaire whose question id became "Q 1" after it was loaded (a
name XLSForm refuses).  No valid questionnaire file makes a form pyxform rejects any more: the last one was a
text holding ``${nothing}``, which XLSForm reads as a reference to a field and which the export now writes as
text (tests/test_xlsform_literal_text.py); the check stays for what the validation does not foresee."""

from __future__ import annotations

from pathlib import Path

from survey.errors import MinyiError
from survey.qload import load_questionnaire
from survey.xlsform import write_checked

QUESTIONNAIRE = """\
id: t1
title: 测试问卷
language: zh
version: "1"
sections:
  - id: A
    title: 基本情况
    questions:
      - id: Q1
        type: single
        text: 您满意吗
        options: [满意, 不满意]
"""


def _convert(tmp_path: Path, out: Path) -> tuple[Path, str]:
    """write_checked of the questionnaire with its question renamed "Q 1": the message pyxform's rejection gives."""
    src = tmp_path / "q.yaml"
    src.write_text(QUESTIONNAIRE, encoding="utf-8")
    q = load_questionnaire(src)
    q.questions[0].id = "Q 1"
    try:
        write_checked(q, out)
    except MinyiError as e:
        return src, str(e)
    raise AssertionError("pyxform accepted a question named 'Q 1'")


def test_a_rejected_form_writes_no_file(tmp_path):
    out = tmp_path / "form.xlsx"
    q, text = _convert(tmp_path, out)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.yaml"]  # no temporary file beside it either
    assert text.startswith(f"{q}: error: pyxform rejects the XLSForm made of this questionnaire, so {out} was not "
                           "written"), text
    assert "Names must begin with a letter or underscore" in text  # pyxform's own reason
    assert "minyi-xlsform-" not in text  # not the scratch file, gone by now
    assert "please report this as a bug in minyi's XLSForm export" in text


def test_a_rejected_form_leaves_an_earlier_file_as_it_was(tmp_path):
    out = tmp_path / "form.xlsx"
    out.write_bytes(b"an earlier form")
    _, text = _convert(tmp_path, out)
    assert "a file already there is left as it was" in text, text
    assert out.read_bytes() == b"an earlier form"
