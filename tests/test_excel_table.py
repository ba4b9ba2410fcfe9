"""survey.excel_table: the Excel reader's column conversion gives the text of each cell as the per-cell rule does,
and the whitespace rule it relies on (Arrow's trim) blanks exactly what str.strip blanks."""

from __future__ import annotations

import datetime as dt
import sys

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from survey.errors import MinyiError
from survey.excel_table import cell_text, read_excel_table, text_column

_cells = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 2.5, 1e20, 2.0**53, 2.0**53 + 2, 2.0**53 - 1, -(2.0**53) + 1, 0.1, 1e-7]),
    st.text(alphabet=st.sampled_from(" \t\n\r\u3000\u00a0\u2028\x1c\u200bab满意1"), max_size=4),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(), st.times(), st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_cells, max_size=30), st.booleans())
def test_text_column_equals_cell_text_of_each_cell(col, text_only):
    if text_only:
        col = [c for c in col if isinstance(c, str)]
    got = text_column(tuple(col)).to_pylist()
    assert got == [cell_text(c) for c in col]


def test_arrow_trim_blanks_what_str_strip_blanks():
    chars = [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000]
    trimmed = pc.utf8_trim_whitespace(pa.array(chars)).to_pylist()
    assert [c for c, t in zip(chars, trimmed) if (t == "") != (c.strip() == "")] == []


def test_an_empty_first_sheet_points_to_the_sheet_with_data(tmp_path):
    wb = Workbook()
    wb.active.title = "封面"
    ws = wb.create_sheet("数据")
    ws.append(["a", "b"])
    ws.append([1, 2])
    wb.save(tmp_path / "two.xlsx")
    try:
        read_excel_table(tmp_path / "two.xlsx")
    except MinyiError as e:
        assert "its first sheet '封面' is empty; choose the sheet with --sheet (sheets: 封面, 数据)" in str(e)
    else:
        raise AssertionError("an empty first sheet was read as a table")
    assert read_excel_table(tmp_path / "two.xlsx", sheet="数据").frame.values.tolist() == [["1", "2"]]
