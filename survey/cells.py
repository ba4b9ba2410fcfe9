"""Safe text for every cell minyi writes: spreadsheet formulas neutralised, control characters handled per format.

One helper for every writer (data exports, quarantine tables, the report's XLSX/DOCX/HTML/PDF), so a
respondent's answer or a label taken from the questionnaire can never become a live formula or break a file.

**Formulas** (OWASP "CSV injection"): a text cell whose first character is ``= + - @``, TAB or CR runs as a
formula when a spreadsheet opens it.  :func:`neutralize_text` prefixes such a cell with ``'`` — and does the
same after every line break inside the cell (``"ok\\r=1+1"``), since a reader that splits records on a bare
CR/LF would otherwise start a cell there.  The escape is *reversible*: a cell that already begins with
apostrophes followed by a formula character gets one more, and :func:`unneutralize_text` removes exactly one,
so ``unneutralize_text(neutralize_text(s)) == s`` for every string (``survey import`` of minyi's own export
gives back the text as it was stored; tested with hypothesis).  Numbers are never touched (a negative number
in a numeric column stays a number).

**Control characters** (C0: U+0000–U+001F, and DEL) are stored as received; each writer copes:

* CSV: any character but NUL is fine inside a field; fields holding CR, LF, the quote or the delimiter are
  quoted (:func:`csv_text`, RFC 4180 line ends ``\\r\\n`` so a bare CR is quoted too); NUL is dropped (no
  spreadsheet writes one, so ``survey import`` refuses a CSV holding one as damaged; the export says so);
* XLSX (XML 1.0 forbids C0 except TAB/LF/CR, and the noncharacters U+FFFE/U+FFFF): :func:`xlsx_escape` writes
  them as OOXML ``_xHHHH_`` escapes (what Excel itself writes), and escapes a literal ``_xHHHH_`` in the text as
  ``_x005F_xHHHH_``, so Excel reads the text back exactly; so does calamine (survey import's reader), but for
  U+FFFE/U+FFFF, which it leaves as ``_xFFFE_``/``_xFFFF_``; text equal to an Excel error literal (``#N/A``) is
  written as a text cell, not an error cell (:func:`text_cell`);
* DOCX, HTML, PDF (read by people): :func:`clean_text` drops them (TAB, LF, CR kept), and the noncharacters
  U+FFFE and U+FFFF, which XML forbids as well;
* SPSS .sav: only NUL is dropped (SPSS strings are C strings: a NUL would cut the text short there, and the
  export says so); every other control character is written and read back as it is;
* Parquet: kept as they are.

Sheet names (:func:`sheet_title`) follow Excel's rules: at most 31 characters, none of ``[]:*?/\\``, not
starting or ending with an apostrophe, unique in the workbook.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

if TYPE_CHECKING:  # numpy is imported where it is used: this module's import stays light
    import numpy as np

FORMULA_CHARS = "=+-@\t\r"
NUL = "\x00"  # the one character an SPSS string (C strings) and a CSV (read as damaged) cannot hold
_LINE_START = r"(?:^|(?<=[\r\n]))"
# a tab or CR starts a formula only when something follows it (Excel drops it and reads the rest); a
# value that is only whitespace from there on is left alone, so trimming on import cannot strand a guard
_RISKY = re.compile(_LINE_START + r"(?='*(?:[=+\-@]|[\t\r](?=[\s\S]*\S)))")
_ESCAPED = re.compile(_LINE_START + r"'(?='*[=+\-@\t\r])")
_C0 = "".join(chr(i) for i in range(32)) + "\x7f"
# C0 but TAB/LF/CR, DEL, and the noncharacters U+FFFE/U+FFFF, which XML 1.0 forbids too (python-docx refused an open
# answer holding one: the Word report ended in an internal error)
_CONTROL = re.compile("[" + re.escape("".join(ch for ch in _C0 if ch not in "\t\n\r")) + "\ufffe\uffff]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XLSX_LITERAL = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def is_risky(text: str) -> bool:
    """True when ``text`` (or one of its lines) would start a spreadsheet formula."""
    return bool(_RISKY.search(text))


def neutralize_text(text: str) -> str:
    """``text`` with ``'`` before a formula character at its start and after every CR/LF (reversible, see module)."""
    if not text:
        return text
    return _RISKY.sub("'", text)


def unneutralize_text(text: str) -> str:
    """The inverse of :func:`neutralize_text`: one ``'`` removed where it guards a formula character."""
    if not text or "'" not in text:
        return text
    return _ESCAPED.sub("", text)


def clean_text(text: str) -> str:
    """``text`` without C0 control characters (and DEL) nor the noncharacters U+FFFE/U+FFFF, TAB/LF/CR kept: for
    documents people read (Word's XML forbids them)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def xlsx_escape(text: str) -> str:
    """``text`` safe for an XLSX cell: XML-illegal characters as ``_xHHHH_`` (OOXML ST_Xstring), literal
    ``_xHHHH_`` sequences as ``_x005F_xHHHH_``; Excel and calamine read back the original string."""
    if "_x" in text:
        text = _XLSX_LITERAL.sub(r"_x005F_\1", text)
    if _XML_ILLEGAL.search(text):
        text = _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def safe_value(value: Any, fmt: str = "xlsx") -> Any:
    """A cell value ready for ``fmt`` (``csv``, ``xlsx``, ``docx``, ``html``, ``sav``, ``parquet``).

    Text is formula-neutralised for spreadsheet formats (csv, xlsx) and freed of what the format cannot
    hold (see module docstring); other values (numbers, dates, None) are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    if fmt in ("csv", "xlsx"):
        value = neutralize_text(value)
        if fmt == "xlsx":
            return xlsx_escape(value)
        return value.replace(NUL, "") if NUL in value else value
    if fmt == "sav":
        return value.replace(NUL, "") if NUL in value else value
    if fmt in ("docx", "html", "pdf"):
        return clean_text(value)
    return value


def text_columns(df) -> list:
    """Columns of a DataFrame that hold text (object or string dtype)."""
    return [c for c in df.columns if df[c].dtype == object or str(df[c].dtype).startswith(("string", "str"))]


def safe_frame(df, fmt: str = "xlsx", header: bool = True):
    """A copy of ``df`` whose text cells (and, with ``header``, column names) are :func:`safe_value` for ``fmt``.

    Each distinct value is converted once; numeric columns are left alone.
    """
    import pandas as pd

    out = df.copy(deep=False)  # columns are replaced, never written into (pandas' copy-on-write)
    for c in text_columns(out):
        s = out[c]
        u = pd.unique(s.dropna())
        m = {v: safe_value(v, fmt) if isinstance(v, str) else v for v in _maybe_changed(u, fmt)}
        if any(m[v] is not v for v in m):
            out[c] = s.astype(object).map(lambda v: m.get(v, v) if isinstance(v, str) else v).where(s.notna(), None)
        elif str(s.dtype) != "object":
            out[c] = s.astype(object).where(s.notna(), None)
    if header:
        out.columns = [safe_value(str(c), fmt) for c in out.columns]
    return out


_CHANGED_BY = {  # RE2 patterns that every value safe_value changes for the format matches (a superset)
    "csv": r"(?:^|[\r\n])'*[=+\-@\t\r]|\x00",
    "xlsx": r"(?:^|[\r\n])'*[=+\-@\t\r]|_x|[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]",
    **{fmt: r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x{fffe}\x{ffff}]" for fmt in ("docx", "html", "pdf")},  # clean_text
    "sav": r"\x00",
}


def _maybe_changed(values, fmt: str):
    """The distinct values of a text column that :func:`safe_value` may change for ``fmt``: only those an
    RE2 pattern (``_CHANGED_BY``, pyarrow) picks out, so the Python regexes run on a handful of a million
    respondent ids; every value for a format without a pattern, or what Arrow cannot hold."""
    pattern = _CHANGED_BY.get(fmt)
    if pattern is None or len(values) < 1000:
        return values
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(values, type=pa.large_string(), from_pandas=True)
        hit = pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False)
    except Exception:  # values that are not all text, or text Arrow cannot hold (a lone surrogate)
        return values
    return values[hit]


def csv_text(df, *, sep: str = ",", neutralize: bool = True, progress=None) -> str:
    """The CSV text of ``df`` (header + rows): formulas neutralised, every field that holds CR, LF, the quote
    or the delimiter quoted (csv module, RFC 4180 ``\\r\\n`` line ends), missing values empty."""
    buf = io.BytesIO()
    write_csv_text(df, buf, sep=sep, neutralize=neutralize, progress=progress)
    return buf.getvalue().decode("utf-8")


def write_csv_text(df, stream, *, sep: str = ",", neutralize: bool = True, progress=None) -> None:
    """:func:`csv_text` written in UTF-8 to the binary ``stream``, a block of rows at a time
    (:mod:`survey.csvfile`; ``progress(rows)`` after each)."""
    from .csvfile import write_csv

    write_csv(safe_frame(df, "csv") if neutralize else df, stream, sep=sep, progress=progress)


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique Excel sheet name for ``name`` (see module docstring)."""
    t = _SHEET_BAD.sub("_", clean_text(str(name)).replace("\n", " ").replace("\r", " ").replace("\t", " "))
    t = t.strip().strip("'").strip() or "Sheet"
    t = t[:31].rstrip("'") or "Sheet"
    low = {x.lower() for x in taken}
    base, i = t, 2
    while t.lower() in low:
        suffix = f" ({i})"
        t = base[: 31 - len(suffix)].rstrip("'") + suffix
        i += 1
    return t


def is_error_text(value: Any) -> bool:
    """True for text that openpyxl would write as an Excel *error* cell (``#N/A``, ``#DIV/0!`` …).

    openpyxl types a string equal to one of Excel's error literals (``openpyxl.cell.cell.ERROR_CODES``) as
    an error cell (``t="e"``), not as text; Excel shows it as an error and calamine reads it back as an empty
    cell, so an answer ``#N/A`` typed by a respondent would be lost on export → import.  Such values are
    written as text cells (:func:`text_cell`)."""
    from openpyxl.cell.cell import ERROR_CODES

    return isinstance(value, str) and value in ERROR_CODES


def text_cell(ws, value: Any) -> Any:
    """``value`` as it should be given to ``ws.append``: unchanged, or, for :func:`is_error_text`, a cell
    typed as text (a write-only or an ordinary worksheet's cell)."""
    if not is_error_text(value):
        return value
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    cell = (WriteOnlyCell if isinstance(ws, WriteOnlyWorksheet) else Cell)(ws, value=value)
    cell.data_type = "s"
    return cell


def append_row(ws, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet, every text cell :func:`safe_value` for xlsx (never a formula,
    never an error cell: :func:`text_cell`)."""
    ws.append([text_cell(ws, safe_value(v, "xlsx")) for v in values])


def set_cell(ws, row: int, column: int, value: Any) -> Any:
    """Write one openpyxl cell safely (see :func:`append_row`); returns the cell."""
    cell = ws.cell(row, column)
    cell.value = safe_value(value, "xlsx")
    if is_error_text(cell.value):
        cell.data_type = "s"
    return cell


XLSX_MIN_WIDTH, XLSX_MAX_WIDTH = 6, 50  # column widths (Excel character units) of a data sheet
XLSX_WIDTH_ROWS = 1000  # rows read to size the columns (the header and the first rows)


def text_width(text: str) -> int:
    """Character units ``text`` takes in a spreadsheet column: CJK and full-width characters (Unicode
    ``east_asian_width`` W/F) count two, as Excel and LibreOffice draw them."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


XLSX_LINE_PT = 15  # a line of an .xlsx cell in points: the default row height of 11-pt Calibri (and of 等线)


def wrapped_lines(values: Sequence, width: float) -> "np.ndarray":
    """The lines each value takes wrapped in a column ``width`` character units wide (:func:`text_width`, less
    one unit of cell padding), counting its own line breaks.  Rows holding them are given that height: a wrapped
    cell does not grow its row when the sheet is opened in LibreOffice (it stayed one line there)."""
    import numpy as np

    room = max(width - 1, 1)
    return np.array([sum(max(1, -(-text_width(part) // room)) for part in str(v).split("\n")) if v is not None else 1
                     for v in values], dtype=np.int64)


def _wrapped(ws, value):
    """A write-only cell holding ``value`` that wraps its text, top-aligned (a cell already made is styled)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment

    cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def column_widths(frame) -> list:
    """A width per column of ``frame`` that shows its header and its first :data:`XLSX_WIDTH_ROWS` values
    whole (plus a margin), between :data:`XLSX_MIN_WIDTH` and :data:`XLSX_MAX_WIDTH`: openpyxl's default
    8.43 cuts ``respondent_id``, a date ``2026-09-01 09:01:00`` (shown as ####) and every Chinese answer."""
    out = []
    head = frame.head(XLSX_WIDTH_ROWS)
    for j, c in enumerate(frame.columns):
        texts = [str(c)] + head.iloc[:, j].dropna().astype(str).tolist()
        need = max(text_width(line) for t in texts for line in t.split("\n")) + 2
        out.append(min(XLSX_MAX_WIDTH, max(XLSX_MIN_WIDTH, need)))
    return out


def write_xlsx_frame(df, path, sheet: Optional[str] = None, progress=None, more: Sequence = (),
                     wrap: Sequence[str] = ()) -> None:
    """Write ``df`` to an .xlsx file (one sheet, a bold header row) with every text cell and header made
    safe; missing values are empty cells; ``progress(rows)`` every 10,000 rows.  The header row is frozen
    (it stays in view while scrolling) and each column is as wide as its header and first values need
    (:func:`column_widths`).  ``more``: (sheet name, frame) pairs written the same way after it (a data
    export's 变量说明).  The columns named in ``wrap`` (a sentence per cell, such as the quarantine sheet's 说明)
    wrap their text within the column's width, top-aligned, instead of running under the next column or being
    cut at its edge, and each row is as tall as its wrapped lines (:func:`wrapped_lines`).

    openpyxl's write-only workbook streams the rows to the file (lxml), where ``DataFrame.to_excel``
    builds every cell as an object first: 100,000 × 207 cells took 258 s and 6.9 GB that way, about a
    third of the time and a constant few MB this way."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _stream_sheet(wb, df, sheet_title(sheet) if sheet else "Sheet1", progress, wrap)
    for name, extra in more:
        _stream_sheet(wb, extra, sheet_title(name, wb.sheetnames), None, ())
    wb.save(path)


def _stream_sheet(wb, df, title: str, progress, wrap: Sequence[str] = ()) -> None:
    """One sheet of :func:`write_xlsx_frame` appended to the write-only workbook ``wb``."""
    import math

    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    frame = safe_frame(df, "xlsx")
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    widths = column_widths(frame)
    for j, w in enumerate(widths, start=1):  # set before any row: the sheet is streamed
        ws.column_dimensions[get_column_letter(j)].width = w
    thin = Side(style="thin")
    head = []
    for c in frame.columns:  # as pandas styles its header: bold, boxed, centred
        cell = WriteOnlyCell(ws, value=str(c))
        cell.font, cell.border = Font(bold=True), Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="top")
        head.append(cell)
    ws.append(head)
    columns = []
    for j in range(frame.shape[1]):
        s = frame.iloc[:, j]
        v = s.to_numpy(dtype=object, na_value=None)
        if s.dtype.kind in "fO":  # a NaN left in an object column: an empty cell too
            v = [None if isinstance(x, float) and math.isnan(x) else x for x in v]
        if s.dtype.kind == "O" and s.isin(ERROR_CODES).any():  # "#N/A" typed as an answer stays text
            v = [text_cell(ws, x) for x in v]
        columns.append(v)
    wrapped = [j for j, c in enumerate(frame.columns) if str(c) in wrap]
    tall = {}  # sheet row → its lines, where a wrapped cell takes more than one
    if wrapped:
        import numpy as np

        lines = np.maximum.reduce([wrapped_lines(columns[j], widths[j]) for j in wrapped])
        tall = {int(i) + 2: int(lines[i]) for i in np.flatnonzero(lines > 1)}  # row 1 is the header
        for j in wrapped:
            columns[j] = [_wrapped(ws, x) for x in columns[j]]
    for i, row in enumerate(zip(*columns), start=1):
        if i + 1 in tall:  # set before its row is streamed
            ws.row_dimensions[i + 1].height = XLSX_LINE_PT * tall[i + 1]
        ws.append(row)
        if progress is not None and not i % 10_000:
            progress(10_000)
    if progress is not None and len(frame) % 10_000:
        progress(len(frame) % 10_000)
