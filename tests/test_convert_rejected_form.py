"""``survey convert --to xlsform`` writes the form to a scratch file that pyxform checks first
(survey.xlsform.write_checked): a form pyxform rejects leaves the output as it was — no file where there was none,
an earlier file unchanged — and the message names the questionnaire and the output, and says it was not written
(it named the scratch file, removed by the time the message is read).

The form pyxform rejects here is a real one: a question text holding ``${nothing}``, which pyxform reads as a
reference to a question named ``nothing`` (no such question), and which minyi's export writes as it is."""

from __future__ import annotations

from cli_capture import run_main

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
        text: 您对${nothing}满意吗
        options: [满意, 不满意]
"""


def _convert(tmp_path, capsys, out):
    q = tmp_path / "q.yaml"
    q.write_text(QUESTIONNAIRE, encoding="utf-8")
    rc, text = run_main(capsys, "convert", str(q), "--to", "xlsform", "--out", str(out))
    return q, rc, text


def test_a_rejected_form_writes_no_file(tmp_path, capsys):
    out = tmp_path / "form.xlsx"
    q, rc, text = _convert(tmp_path, capsys, out)
    assert rc == 1 and "Traceback" not in text, text
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.yaml"]  # no temporary file beside it either
    assert text.startswith(f"{q}: error: pyxform rejects the XLSForm made of this questionnaire, so {out} was not "
                           "written"), text
    assert "Could not find the name 'nothing'" in text  # pyxform's own reason
    assert "minyi-xlsform-" not in text  # not the scratch file, gone by now
    assert "please report this as a bug in minyi's XLSForm export" in text


def test_a_rejected_form_leaves_an_earlier_file_as_it_was(tmp_path, capsys):
    out = tmp_path / "form.xlsx"
    out.write_bytes(b"an earlier form")
    _, rc, text = _convert(tmp_path, capsys, out)
    assert rc == 1 and "a file already there is left as it was" in text, text
    assert out.read_bytes() == b"an earlier form"
