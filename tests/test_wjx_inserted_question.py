"""A 问卷星 export of the questionnaire with one question inserted (3、您的年龄, v_insert3.csv of the audit): the numbers
after it shift by one.  Whole-question columns were matched by their titles already, but the matrix's row columns
(``4、(环境卫生)``) carried the number of the multiple choice after it, whose options they are not: every row was
quarantined (required-missing), and the last question's ``7、`` (a number no question has) matched nothing.  Now a
``N、(part)`` column whose part only another matrix, multiple choice or ranking has goes to that question
(``column-part-elsewhere``), and a number no question has is matched by its title (``column-number-unknown``), each
said; the answers stored are those of the export without the inserted question."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cli_capture import csv_text, init_project, run_main
from survey.store import Project

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"


def _inserted(src: Path, dst: Path) -> Path:
    """``src`` with a question 3、您的年龄 inserted after question 2 and the numbers after it one higher."""
    rows = list(csv.reader(src.read_text(encoding="utf-8-sig").splitlines()))
    head = rows[0]
    at = next(i for i, h in enumerate(head) if h.startswith("3、"))
    renumbered = [h if i < at else f"{int(h.split('、', 1)[0]) + 1}、{h.split('、', 1)[1]}" for i, h in enumerate(head)]
    out = [renumbered[:at] + ["3、您的年龄"] + renumbered[at:]]
    out += [r[:at] + [str(30 + i)] + r[at:] for i, r in enumerate(rows[1:])]
    dst.write_text("\ufeff" + csv_text(out), encoding="utf-8")
    return dst


@pytest.mark.parametrize("name", ["wjx_by_text.csv", "wjx_by_code.csv"])
def test_a_matrix_after_an_inserted_question_is_matched_by_its_row_labels(tmp_path, capsys, name):
    f = _inserted(DATA / name, tmp_path / "v_insert3.csv")
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert "12 rows read, 12 accepted, 0 quarantined" in out, out
    for row in ("环境卫生", "交通秩序", "社会治安"):
        assert (f"column '4、({row})' has the number of Q4, which has no row or option '{row}'; Q3 has such a row: "
                "matched by that label to Q3") in out, out
    assert ("column '7、您的其他意见：' has the number 7, which no question of the questionnaire has; its title is that "
            "of Q6: matched by title to Q6") in out, out
    ref = init_project(tmp_path / "ref", capsys, QFILE)
    assert run_main(capsys, "import", ref, str(DATA / name), "--wave", "W")[0] == 0
    got, want = Project.open(proj).raw_responses("W"), Project.open(ref).raw_responses("W")
    cols = [c for c in want.columns if not c.startswith("_")]
    for c in cols:
        assert got[c].reset_index(drop=True).equals(want[c].reset_index(drop=True)), c


TWO_HOLDERS = """\
id: two
title: 两题同选项
sections:
  - id: S
    title: 问卷
    questions:
      - {id: Q1, type: single, text: 您的性别, options: [男, 女]}
      - {id: Q2, type: multiple, text: 您常去的地方, options: [公园, 商场, 医院]}
      - {id: Q3, type: multiple, text: 您希望改善的地方, options: [公园, 商场, 学校]}
"""


def test_a_part_is_moved_only_to_the_one_other_question_that_has_it():
    from survey.importers.matching import ColumnMatcher
    from survey.qload import load_questionnaire, load_questionnaire_text

    notes = []
    m = ColumnMatcher(load_questionnaire(QFILE), lambda *a, **k: notes.append(a[1]))
    assert m.match("4、(环境卫生)") == (m.q.get("Q3"), "环境卫生", "title") and notes == ["column-part-elsewhere"]
    assert m.match("4、(住房)") == (m.q.get("Q4"), "住房", "number") and len(notes) == 1  # Q4's own: nothing said
    assert m.match("2、(没有的标签)") == (m.q.get("Q2"), "没有的标签", "number") and len(notes) == 1  # nobody's
    notes.clear()
    m = ColumnMatcher(load_questionnaire_text(TWO_HOLDERS, "two.yaml"), lambda *a, **k: notes.append(a[1]))
    assert m.match("1、(学校)") == (m.q.get("Q3"), "学校", "title") and notes == ["column-part-elsewhere"]
    assert m.match("1、(公园)") == (m.q.get("Q1"), "公园", "number") and len(notes) == 1  # Q2 and Q3 both: not moved
