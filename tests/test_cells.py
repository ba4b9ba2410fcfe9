"""survey.cells: formula neutralisation is complete (also after line breaks) and reversible; control characters
survive CSV and XLSX exactly (quoting, _xHHHH_ escapes) and are dropped where people read; sheet names are valid."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from survey.cells import (append_row, clean_text, csv_text, is_risky, neutralize_text, safe_frame, safe_value,
                          sheet_title, unneutralize_text, xlsx_escape)

TEXT = st.text(alphabet=st.one_of(st.sampled_from(list("=+-@'\t\r\n_x0A;,\" ")), st.characters(blacklist_categories=("Cs",))),
               max_size=30)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_neutralisation_is_reversible_and_complete(text):
    out = neutralize_text(text)
    assert unneutralize_text(out) == text
    for line in out.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        assert not line[:1] or line[0] not in "=+-@"  # no line begins a formula
        if line[:1] == "\t":  # a tab is left unguarded only when nothing but whitespace follows it
            assert not line.strip(), line
    # a cell that is safe already is written as it is
    if not is_risky(text):
        assert out == text


def test_formula_after_a_line_break_is_neutralised():
    assert neutralize_text("ok\r=1+1") == "ok\r'=1+1"
    assert neutralize_text("\r=1+1") == "'\r'=1+1"
    assert neutralize_text("'=x") == "''=x" and unneutralize_text("''=x") == "'=x"
    assert neutralize_text("a-b") == "a-b" and neutralize_text("-5") == "'-5"


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_csv_fields_with_line_breaks_are_quoted(values):
    import pandas as pd

    df = pd.DataFrame({f"c{i}": [v] for i, v in enumerate(values)})
    text = csv_text(df)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2  # header + one record, whatever the text holds
    assert [unneutralize_text(v) for v in rows[1]] == [v.replace("\x00", "") for v in values]  # NUL left out (said)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20), min_size=1, max_size=5))
def test_xlsx_cells_round_trip_through_calamine_with_every_character(values, tmp_path_factory):
    path = tmp_path_factory.mktemp("x") / "t.xlsx"
    wb = openpyxl.Workbook()
    append_row(wb.active, [f"h{i}" for i in range(len(values))])  # a header: calamine's range starts there
    append_row(wb.active, values)
    wb.save(path)
    assert all(c.data_type != "f" for c in wb.active[2])
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(wb.active.title).to_python(skip_empty_area=False)
    got = (rows[1] if len(rows) > 1 else []) + [""] * len(values)  # calamine drops a trailing empty row / cells
    want = [neutralize_text(v) for v in values]  # neutralised like CSV, every character intact (NUL too)
    assert [("" if g is None else g) for g in got][:len(values)] == want


def test_every_c0_control_character():
    for i in list(range(32)) + [127]:
        ch = chr(i)
        s = f"a{ch}b"
        assert clean_text(s) == (s if ch in "\t\n\r" else "ab")
        esc = xlsx_escape(s)
        assert all(ord(c) >= 32 or c in "\t\n\r" for c in esc)
    assert xlsx_escape("_x0041_") == "_x005F_x0041_"


@given(st.text(max_size=60), st.lists(st.text(max_size=40), max_size=5))
def test_sheet_titles_are_valid_and_unique(name, taken):
    taken = [sheet_title(t) for t in taken]
    t = sheet_title(name, taken)
    assert 1 <= len(t) <= 31 and not any(c in t for c in "[]:*?/\\")
    assert not t.startswith("'") and not t.endswith("'")
    assert t.lower() not in {x.lower() for x in taken}
    wb = openpyxl.Workbook()
    wb.create_sheet(t)  # openpyxl accepts it


def test_the_noncharacters_xml_forbids_are_dropped_from_what_people_read():
    """An open answer holding U+FFFF (stored as received) ended the Word report in an internal error: python-docx
    refuses it, as XML 1.0 does.  clean_text (DOCX, HTML, PDF) drops U+FFFE and U+FFFF as it drops C0."""
    from docx import Document

    raw = "道路\uffff坑洼\ufffe多"
    assert clean_text(raw) == "道路坑洼多" and safe_value(raw, "docx") == "道路坑洼多"
    cell = Document().add_table(rows=1, cols=1).rows[0].cells[0]
    with pytest.raises(ValueError):
        cell.text = raw
    cell.text = clean_text(raw)
    assert cell.text == "道路坑洼多"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "html", "parquet"])
def test_safe_frame_of_many_distinct_values_equals_safe_value_of_each(fmt):
    """A column of thousands of distinct values goes through the RE2 pre-selection (cells._maybe_changed);
    the result is still safe_value of every cell."""
    import random

    rng = random.Random(3)
    alphabet = ["a", "1", "=", "+", "-", "@", "'", "\t", "\r", "\n", "_x", "0041_", "\x00", "\x07", "\x7f", " ", "多",
                "\ufffe", "\uffff"]
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(4000)] + [None]
    df = pd.DataFrame({"t": pd.Series(values, dtype="str"), "o": pd.Series(values, dtype=object)})
    out = safe_frame(df, fmt)
    for c in ("t", "o"):
        want = [None if v is None else safe_value(v, fmt) for v in values]
        got = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in out[c]]
        assert got == want
