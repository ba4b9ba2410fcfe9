"""What fits the files other programs open: an Excel sheet's rows, columns and cell length, an SPSS string's
bytes.  A writer that would go past one of them (openpyxl writes the 1,048,577th row all the same, which Excel
then refuses; a 40,000-character answer came back from the .xlsx cut to 32,767, and pyreadstat wrote a
120,000-byte text that read back as its last 20,000) refuses instead, before writing anything, naming every
cell that does not fit (:func:`check_fits`).

Sources: Microsoft, "Excel specifications and limits" (1,048,576 rows by 16,384 columns; 32,767 characters
in a cell); IBM SPSS Statistics, "Variable types" (string variables of up to 32,767 bytes).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from .errors import MinyiError

EXCEL_ROWS = 1_048_576  # rows of one worksheet, the header row included
EXCEL_COLUMNS = 16_384
EXCEL_CELL_CHARS = 32_767  # characters (UTF-16 code units) of one cell
SPSS_STRING_BYTES = 32_767  # bytes (UTF-8, as minyi writes them) of one string value

_NAMES = {"xlsx": "an Excel cell", "sav": "an SPSS string"}
SHOWN = 5  # offending cells named in the message; the rest counted
EXPORT_HINT = "write CSV or Parquet instead, which hold text of any length: --format csv or --format parquet"
ROWS_HINT = "write CSV, SPSS or Parquet instead (--format csv, sav or parquet), or one wave at a time with --wave"
TABLE_HINT = "write the table to a .csv file instead, which holds any number of rows and text of any length"


def check_fits(df, fmt: str, path, *, header_rows: int = 1, hint: Optional[str] = None) -> None:
    """Raise a :class:`MinyiError` when ``df`` written as ``fmt`` (``xlsx`` or ``sav``) would not fit: too many
    rows or columns for one sheet, or text cells longer than a cell / string holds.  Cells are named by their
    row in the written file (the header is row 1 of a sheet; case N of an SPSS file), the respondent id when
    the frame has one, and the column.  ``hint``: what to do instead (default: the export's formats)."""
    if fmt == "xlsx":
        if len(df) + header_rows > EXCEL_ROWS:
            raise MinyiError.of("format-rows", file=str(path), rows=len(df), fmt="Excel sheet",
                                limit=EXCEL_ROWS - header_rows, hint=hint or ROWS_HINT)
        if df.shape[1] > EXCEL_COLUMNS:
            raise MinyiError.of("format-columns", file=str(path), columns=df.shape[1], fmt="Excel sheet",
                                limit=EXCEL_COLUMNS, hint=hint or EXPORT_HINT)
    limit, unit = (EXCEL_CELL_CHARS, "characters") if fmt == "xlsx" else (SPSS_STRING_BYTES, "bytes")
    over = []  # (position, column, length)
    for j in range(df.shape[1]):
        s = df.iloc[:, j]
        if not (s.dtype == object or str(s.dtype).startswith(("string", "str"))):
            continue
        for i, n in _too_long(s, fmt, limit):
            over.append((i, str(df.columns[j]), n))
    if not over:
        return
    over.sort()
    ids = df["respondent_id"] if "respondent_id" in df.columns else None
    first = header_rows + 1 if fmt == "xlsx" else 1

    def name(i: int, c: str, n: int) -> str:
        who = f" ({ids.iloc[i]})" if ids is not None and isinstance(ids.iloc[i], str) else ""
        return f"{'row' if fmt == 'xlsx' else 'case'} {i + first:,}{who} column {c}, {n:,} {unit}"

    cells = "; ".join(name(*o) for o in over[:SHOWN]) + (f"; and {len(over) - SHOWN:,} more" if len(over) > SHOWN else "")
    raise MinyiError.of("format-cell-length", file=str(path), count=len(over), fmt=_NAMES.get(fmt, fmt), limit=limit,
                        unit=unit, cells=cells, hint=hint or EXPORT_HINT)


def _too_long(s, fmt: str, limit: int) -> list[tuple[int, int]]:
    """(position, length) of the cells of text column ``s`` longer than ``limit``: UTF-16 code units for Excel,
    UTF-8 bytes for SPSS.  Arrow measures every cell; Python only the few that may be too long."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        a = pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers among the text: as they are written, str()
        a = pa.array([None if v is None else str(v) for v in s.to_numpy(dtype=object, na_value=None)], type=pa.string())
    if fmt == "sav":
        n = pc.fill_null(pc.binary_length(a), 0).to_numpy()
        return [(int(i), int(n[i])) for i in np.flatnonzero(n > limit)]
    cp = pc.fill_null(pc.utf8_length(a), 0).to_numpy()
    out = []
    for i in np.flatnonzero(cp * 2 > limit):  # a code point is one or two UTF-16 units
        units = len(a[int(i)].as_py().encode("utf-16-le")) // 2
        if units > limit:
            out.append((int(i), units))
    return out
