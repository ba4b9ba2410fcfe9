"""Two exports joined into one file: the second header, now a data row, is quarantined as one
``repeated-header`` record instead of one "not an option" record per cell; the answers around it import."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey.header_rows import fold_repeated_headers
from survey.store import Project

DATA = Path(__file__).parent / "data"


def _joined(tmp_path, name: str) -> Path:
    text = (DATA / name).read_bytes()
    head, _, body = text.partition(b"\n")
    out = tmp_path / f"joined_{name}"
    out.write_bytes(text + (b"" if text.endswith(b"\n") else b"\n") + head.lstrip(b"\xef\xbb\xbf") + b"\n" + body)
    return out


def test_joined_exports_quarantine_the_second_header_as_one_record(tmp_path):
    for name in ("wjx_by_text.csv", "wjx_by_code.csv"):
        p = Project.create(tmp_path / name, DATA / "wjx_questionnaire.yaml")
        s = p.import_file(_joined(tmp_path, name), wave="W")
        assert (s.rows_read, s.accepted, s.quarantined, s.reasons) == (25, 24, 1, {"repeated-header": 1}), name
        lines = "\n".join(s.lines())
        assert "repeated-header (重复的表头行): 1 row(s)" in lines and "unknown-option" not in lines


def test_a_row_with_a_couple_of_odd_answers_keeps_its_records():
    probs = pd.DataFrame({"index": [4, 4, 7, 7, 7, 7], "row": [6, 6, 9, 9, 9, 9],
                          "column": ["Q1", "Q2", "Q1", "Q2", "Q3", "Q4"],
                          "value": ["Q1", "Q2", "Q1", "Q2", "Q3", "abc"], "code": ["unknown-option"] * 6,
                          "message": ["m"] * 6, "target": ["Q1", "Q2", "Q1", "Q2", "Q3", "Q4"]})
    out = fold_repeated_headers(probs)
    assert out["index"].tolist() == [4, 4, 7]  # two header-like cells: not a header row; three of four: one
    assert out.iloc[2][["row", "column", "code"]].tolist() == [9, "", "repeated-header"]
    assert out.iloc[2]["message"].startswith("the row repeats the header row")
    assert fold_repeated_headers(probs.iloc[:0]).empty
    short = probs.assign(column=["10、a", "11、b", "12、c", "13、d", "14、e", "15、f"], value=["1"] * 6)
    assert fold_repeated_headers(short).equals(short)  # a code 1 in the columns 10、… 15、… is no header
