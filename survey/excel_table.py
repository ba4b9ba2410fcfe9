"""Excel workbooks (.xlsx and .xls) read as a table of strings, with python-calamine, in an isolated child.

The sheet is read from A1 (calamine's ``to_python``: one Python object per cell, ``""`` for an empty one).
The header is found among the first 30 rows (:func:`survey.tabular.header_index`), ranges merged down one
column below it are filled with their value (:func:`fill_merged`), and each column's cells become the text a
cell shows (:func:`text_column`, the same text as :func:`cell_text` of each cell) in one Arrow string array,
which is what travels back from the child (:class:`survey.tabular._Packed`): no per-cell Python call for the
common columns (all text, or whole numbers with empty cells), and no DataFrame of objects in the child.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

import numpy as np
import pandas as pd

from .errors import MinyiError
from .tabular import (RawTable, _isolated_read, _Packed, _unreadable, check_duplicate_headers, clean_headers,
                      header_index)

if TYPE_CHECKING:
    import pyarrow as pa

_EXACT = float(2 ** 53)  # whole floats below this are written digit for digit by int64 as by int()


def read_excel_table(path: Path, sheet: Optional[str] = None, kind: str = "xlsx", limits=None,
                     name: Optional[str] = None) -> RawTable:
    """First sheet (or ``sheet``) of an .xlsx/.xls workbook, via python-calamine; header row detected.

    calamine builds a dense grid of the used range: a 5.8 KB file with one cell at XFD1048576 asks for
    hundreds of gigabytes and aborts the process.  So it runs in a forked child capped by ``reader_memory``
    (:mod:`survey.isolated`); the sheet's span is checked against ``xlsx_cells`` and runs of empty rows inside
    the data against ``blank_rows`` there.  ``name``: what messages call the file (default: ``path``; a
    workbook inside a zip is read from a temporary file and named ``archive.zip!member.xlsx``).
    """
    import pyarrow  # noqa: F401 - loaded here, not inside the memory-capped child (the columns are Arrow arrays)
    import python_calamine  # noqa: F401

    from .limits import Limits

    lim = limits or Limits()
    p = name or str(path)
    return _isolated_read(_read_excel, (str(path), sheet, kind, dict(lim.values), p), p, lim, "Excel reader",
                          "Excel workbook")


def _read_excel(src: str, sheet: Optional[str], kind: str, values: dict, p: Optional[str] = None) -> _Packed:
    """The body of :func:`read_excel_table`, run in the isolated child: the table with its columns as Arrow
    string arrays (:func:`survey.tabular._unpacked` makes the frame of Python strings).  ``src``: the file
    read; ``p``: its name in messages (default ``src``)."""
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    from .limits import exceeded

    p = p or src
    try:
        wb = CalamineWorkbook.from_path(src)
        names = list(wb.sheet_names)
        if not names:
            raise MinyiError.of("file-empty", file=p)
        if sheet is not None and sheet not in names:
            raise MinyiError.of("sheet-not-found", file=p, sheet=sheet, sheets=", ".join(names))
        sh = wb.get_sheet_by_name(sheet or names[0])
        span = int(sh.height) * int(sh.width)
        if span > values["xlsx_cells"]:
            raise exceeded("xlsx_cells", span, values["xlsx_cells"], file=p,
                           what=f"cells spanned by sheet '{sh.name}' ({sh.height:,} rows × {sh.width:,} columns)")
        rows = sh.to_python(skip_empty_area=False)  # from A1: indices are the sheet's (merged ranges' too)
        merged = list(getattr(sh, "merged_cell_ranges", None) or [])  # .xlsx only; None for .xls
    except MinyiError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError):
        raise
    except BaseException as e:  # calamine raises its own errors, and a Rust panic (pyo3 PanicException is a
        # BaseException) on some damaged files
        raise _unreadable(p, f"not a readable Excel workbook ({type(e).__name__}: {str(e)[:200]})") from None
    width = max((len(r) for r in rows), default=0)
    head = [[cell_text(c) for c in r] for r in rows[:30]]
    h = header_index(head)
    groups = group_heading_row(head, merged, h)
    under: dict = {}  # column index -> the group heading merged over it
    if groups:  # row h holds group headings merged over the column names of row h + 1: one header of both
        under = headings_over(head, merged, h)
        head[h + 1] = two_row_header(head[h], head[h + 1])
        h += 1
    if head:
        check_duplicate_headers(head[h], p, line=h + 1, letters=True)
    header = clean_headers((head[h] + [None] * width)[:width]) if head else []
    body = rows[h + 1:]
    if any(len(r) != width for r in body):
        body = [list(r) + [""] * (width - len(r)) for r in body]
    columns = [text_column(c) for c in zip(*body)] if body else [pa.array([], type=pa.string())] * width
    del rows, body
    blank = _blank_rows(columns)
    if not width or (blank.all() and all(all(c is None for c in r) for r in head[:h + 1])):
        if sheet is None and len(names) > 1:
            raise _unreadable(p, f"its first sheet '{names[0]}' is empty; choose the sheet with --sheet "
                                 f"(sheets: {', '.join(names)})")
        raise MinyiError.of("file-empty", file=p)
    filled = fill_merged(columns, merged, h)
    if filled:
        blank = _blank_rows(columns)
    keep = int(np.flatnonzero(~blank)[-1]) + 1 if (~blank).any() else 0  # the trailing empty area dropped
    run = 0
    for i, b in enumerate(blank[:keep].tolist()):  # a far cell below the data would make a million blank rows
        run = run + 1 if b else 0
        if run > values["blank_rows"]:
            raise exceeded("blank_rows", run, values["blank_rows"], file=p, line=h + 2 + i,
                           what="consecutive empty rows inside the data table (a stray cell far below the data?)")
    if keep == 0 and sheet is None and len(names) > 1:
        raise _unreadable(p, f"its first sheet '{names[0]}' holds no data rows; choose the sheet with --sheet "
                             f"(sheets: {', '.join(names)})")
    detail = ("Excel 97-2003 workbook" if kind == "xls" else "Excel workbook") + f", sheet '{sheet or names[0]}'"
    if groups:
        detail += (f", header on rows {h}–{h + 1} (the group headings of row {h} merged over the column names of "
                   f"row {h + 1}: {', '.join(groups[:5])}{' …' if len(groups) > 5 else ''})")
        if h > 1:
            detail += f" ({h - 1} title row(s) above it skipped)"
    elif h:
        detail += f", header on row {h + 1} ({h} title row(s) above it skipped)"
    if filled:
        detail += ", " + merged_note(filled, header)
    arrays = [c.slice(0, keep) for c in columns]
    formulas, hidden, errors, percents = (sheet_marks(src, sheet or names[0], h, keep, width) if kind == "xlsx"
                                          else ([], (0, 0), [], []))
    others = tuple(names[1:]) if sheet is None else ()
    unread = sheets_with_rows(src, others) if kind == "xlsx" else _xls_sheets_with_rows(wb, others)
    return _Packed(RawTable(pd.DataFrame(index=pd.RangeIndex(keep)), kind, detail, header_line=h + 1,
                            formulas=formulas, errors=errors, percents=percents, hidden=hidden, other_sheets=others, unread_sheets=unread,
                            sheet=sheet if sheet not in (None, names[0]) else "",
                            merged=(len(filled), merged_ranges(filled, header)) if filled else (),
                            groups={header[j]: g for j, g in under.items() if j < len(header)}), header, arrays)


_DIMENSION = re.compile(rb'<dimension\b[^>]*?\bref="[A-Z]*(\d+)(?::[A-Z]*(\d+))?"')


def _xls_sheets_with_rows(wb, names: tuple) -> tuple:
    """:func:`sheets_with_rows` of an .xls (at most 65,536 × 256 cells a sheet, so calamine loads each)."""
    out = []
    for name in names:
        try:
            height = int(wb.get_sheet_by_name(name).height)
        except Exception:  # a sheet calamine cannot read (a chart sheet): named, rows unknown
            out.append((name, None))
            continue
        if height > 1:
            out.append((name, height - 1))
    return tuple(out)


def sheets_with_rows(src: str, names: tuple) -> tuple:
    """``(name, rows below the first)`` of each sheet of the .xlsx ``src`` in ``names`` whose used range (its
    ``<dimension ref="A1:K201"/>``, ECMA-376 §18.3.1.35, read from the start of its XML without loading the
    sheet) spans two rows or more; ``(name, None)`` when the sheet gives no range.  Those sheets are not read
    when the first sheet is (no ``--sheet``), so the import says they exist: answers on a second sheet are
    otherwise left out without a word."""
    import zipfile

    out = []
    try:
        with zipfile.ZipFile(src) as zf:
            for name in names:
                part = _sheet_part(zf, name)
                if part is None:
                    continue
                with zf.open(part) as fh:
                    m = _DIMENSION.search(fh.read(1 << 12))
                if m is None:
                    out.append((name, None))
                elif m.group(2) and int(m.group(2)) > int(m.group(1)):
                    out.append((name, int(m.group(2)) - int(m.group(1))))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return tuple((n, None) for n in names)
    return tuple(out)


_ROW_TAG = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*>')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_COL_TAG = re.compile(rb'<col\b[^>]*>')
_FORMULA_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*'
                           rb'(?:<v\b[^>]*/>|<v>([^<]*)</v>)?')
FORMULAS_KEPT = 1000  # formula cells without a value listed (the count covers them all)


_ERROR_CELL = re.compile(rb'<c\b([^>]*?)(?<!/)>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)  # not <c …/>
_ERROR_TYPE = re.compile(rb'\bt="e"')
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def _row_chunks(zf, part: str):
    """The sheet XML ``part`` of the open workbook ``zf`` in pieces of about 4 MB that end after a ``</row>`` (whole
    rows; the last piece holds the rest), so a regular expression over a piece never sees half a row."""
    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 22)
            buf = tail + chunk
            cut = buf.rfind(b"</row>") + 6 if chunk else len(buf)
            if chunk and cut < 6:
                tail = buf
                continue
            body, tail = buf[:cut], buf[cut:]
            yield body
            if not chunk:
                return


def sheet_marks(src: str, sheet: str, header: int, keep: int, width: int) -> tuple[list, tuple, list, list]:
    """What calamine does not say about an .xlsx sheet, from its XML: the formula cells of the data rows that
    have no computed value (a file written by a program, e.g. openpyxl, and never opened in Excel: calamine
    reads them as empty), as ``(data row index, column index, "Sheet1!D5", "=1+1")``, and how many data rows
    and table columns are hidden (``<row hidden="1">``, ``<col hidden="1">``; ECMA-376 §18.3.1.73, §18.3.1.13).
    The sheet's XML is streamed (whole rows at a time); the cells are looked at only where a chunk holds a
    formula or a hidden mark.  A workbook whose parts cannot be found gives nothing (calamine read it).
    Third: the data cells holding an Excel error value (``t="e"``: ``#N/A``, ``#DIV/0!``, typed or computed by a
    formula), as ``(data row index, column index, "Sheet1!D5", "#N/A")``: calamine reads them as empty cells, so
    without this an error was an unexplained "required answer missing" or, in an optional question, nothing.
    Fourth: the number cells shown as percentages (:func:`percent_styles`; ``(row, column, "Sheet1!D5", 0.5)``),
    looked for in the same pass, only in a workbook with a percentage format among its cell styles."""
    import zipfile

    try:
        with zipfile.ZipFile(src) as zf:
            part = _sheet_part(zf, sheet)
            if part is None:
                return [], (0, 0), [], []
            formulas, rows, cols, errors, percents = [], set(), set(), [], []
            first, last = header + 2, header + 1 + keep  # the data rows, as Excel numbers them
            styles = percent_styles(zf)
            marks = [b' s="%d"' % k for k in styles]
            for body in _row_chunks(zf, part):
                if b"hidden=" in body:
                    rows.update(int(m.group(1)) for m in _ROW_TAG.finditer(body) if _HIDDEN.search(m.group(0)))
                    for m in _COL_TAG.finditer(body):
                        if _HIDDEN.search(m.group(0)):
                            lo, hi = (int(x) for x in (_attr(m.group(0), b"min"), _attr(m.group(0), b"max")))
                            cols.update(range(lo, min(hi, width) + 1))
                if b"<f" in body:
                    for m in _FORMULA_CELL.finditer(body):
                        r, c = int(m.group(2)), _column_index(m.group(1).decode())
                        if m.group(4) or not first <= r <= last or c >= width:
                            continue
                        if len(formulas) < FORMULAS_KEPT:
                            text = (m.group(3) or b"").decode("utf-8", "replace")
                            formulas.append((r - first, c, f"{sheet}!{m.group(1).decode()}{r}", f"={text}"))
                if b't="e"' in body:
                    errors += _error_cells(body, sheet, first, last, width, FORMULAS_KEPT - len(errors))
                if any(m in body for m in marks):
                    percents += _percent_cells(body, sheet, styles, first, last, width)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [], (0, 0), [], []
    return (formulas, (sum(1 for r in rows if first <= r <= last), len([c for c in cols if 1 <= c <= width])),
            errors, percents)


_PERCENT_FORMATS = {9, 10}  # the built-in number formats 0% and 0.00% (ECMA-376 §18.8.30)
_STYLED_CELL = re.compile(rb'<c\b([^>]*?)(?<!/)>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)
_STYLE = re.compile(rb'\bs="(\d+)"')
_TEXT_TYPE = re.compile(rb'\bt="(?:s|str|inlineStr|e|b)"')


def percent_styles(zf) -> set:
    """The indices of a workbook's cell formats (``cellXfs``, which a cell's ``s="N"`` names) that show a number
    as a percentage: the built-in formats 9 and 10, or a custom code with a ``%`` outside quotes and escapes."""
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    try:
        root = ET.fromstring(zf.read("xl/styles.xml"))
    except (KeyError, ET.ParseError):
        return set()
    pct = set(_PERCENT_FORMATS)
    for f in root.iterfind("m:numFmts/m:numFmt", ns):
        if "%" in re.sub(r'"[^"]*"|\\.', "", f.get("formatCode", "")):
            pct.add(int(f.get("numFmtId", -1)))
    return {i for i, xf in enumerate(root.iterfind("m:cellXfs/m:xf", ns)) if int(xf.get("numFmtId", 0)) in pct}


def _percent_cells(body: bytes, sheet: str, styles: set, first: int, last: int, width: int) -> list:
    """The number cells shown as percentages (:func:`sheet_marks`, fourth) in one chunk of sheet XML."""
    out = []
    for m in _STYLED_CELL.finditer(body):
        s, ref = _STYLE.search(m.group(1)), _CELL_REF.search(m.group(1))
        if s is None or ref is None or int(s.group(1)) not in styles or _TEXT_TYPE.search(m.group(1)):
            continue
        r, c = int(ref.group(2)), _column_index(ref.group(1).decode())
        try:
            v = float(m.group(2))
        except ValueError:
            continue
        if first <= r <= last and c < width:
            out.append((r - first, c, f"{sheet}!{ref.group(1).decode()}{r}", v))
    return out


def _error_cells(body: bytes, sheet: str, first: int, last: int, width: int, room: int) -> list:
    """The error-valued cells (``<c r="D5" t="e">…<v>#N/A</v></c>``) of the rows ``first``–``last`` in a chunk
    of sheet XML, at most ``room`` of them (see :func:`sheet_marks`)."""
    out = []
    for m in _ERROR_CELL.finditer(body):
        ref = _CELL_REF.search(m.group(1))
        if not _ERROR_TYPE.search(m.group(1)) or ref is None or len(out) >= room:
            continue
        r, c = int(ref.group(2)), _column_index(ref.group(1).decode())
        if first <= r <= last and c < width:
            out.append((r - first, c, f"{sheet}!{ref.group(1).decode()}{r}", m.group(2).decode("utf-8", "replace")))
    return out


def _attr(tag: bytes, name: bytes) -> bytes:
    m = re.search(rb"\b" + name + rb'="(\d+)"', tag)
    return m.group(1) if m else b"0"


def _column_index(letters: str) -> int:
    """0-based index of Excel's column ``letters``: ``A`` → 0, ``AA`` → 26 (openpyxl's rule)."""
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letters) - 1


def _sheet_part(zf, sheet: str) -> Optional[str]:
    """The zip member holding the XML of the sheet named ``sheet`` (xl/workbook.xml → its relationship)."""
    import posixpath
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rid_attr = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rid = next((s.get(rid_attr) for s in wb.iterfind("m:sheets/m:sheet", ns) if s.get("name") == sheet), None)
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for r in rels:
        if r.get("Id") == rid:
            t = r.get("Target", "")
            return t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
    return None


def _blank_rows(columns: list) -> np.ndarray:
    """Rows with no cell in any column."""
    blank = np.ones(len(columns[0]) if columns else 0, dtype=bool)
    for c in columns:
        if c.null_count:
            blank &= c.is_null().to_numpy(zero_copy_only=False)
        else:
            blank[:] = False
    return blank


def cell_text(v) -> Optional[str]:
    """The text of one cell as calamine gives it: None for an empty or blank one, booleans ``1``/``0`` (as a
    TRUE/FALSE cell reads), whole numbers without ``.0`` (from 2⁵³ on to Excel's 15 significant digits, as the cell
    shows them), other numbers by ``repr``, anything else (text,
    dates, times) by ``str``."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if np.isnan(v):
            return None
        if v.is_integer():
            # beyond 2⁵³ the float's own digits (110101199001011008) are none Excel shows: Excel keeps and shows
            # 15 significant digits (110101199001011000), what the user sees in the cell and can look up
            return str(int(v)) if abs(v) < _EXACT else str(int(Decimal(f"{v:.15g}")))
        return repr(v)
    s = str(v)
    return None if s.strip() == "" else s


def text_column(col: Sequence) -> "pa.Array":
    """``[cell_text(v) for v in col]`` as an Arrow string array (None → null), by the cells' types instead of
    cell by cell.

    A column of text only (most of a 问卷星 workbook) goes to Arrow in one call, and its blank cells become
    null there (``utf8_trim_whitespace`` blanks exactly what ``str.strip`` does, for every code point: tested).
    Otherwise whole floats below 2⁵³ in magnitude are written by NumPy's int64 → text (the digits
    ``str(int(v))`` writes), NaN is null, text goes through Arrow as above, and every other cell (fractions,
    huge or infinite floats, booleans, integers, dates, times) through :func:`cell_text`.  Each cell object is
    visited as few times as possible: at 100,000 × 126 they lie scattered in memory and each visit costs a
    cache miss (the per-cell calls and the frame of objects took 8.4 s there before)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return _shown(pa.array(col, type=pa.string()))
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # not text only
        pass
    n = len(col)
    obj = np.empty(n, dtype=object)
    obj[:] = col
    kinds = np.fromiter(map(type, col), dtype=object, count=n)  # (np.array of a list of types: 40 times slower)
    out = np.full(n, None, dtype=object)
    done = np.zeros(n, dtype=bool)
    is_str = kinds == str
    if is_str.any():
        idx = np.flatnonzero(is_str)
        texts = obj[idx]
        a = pa.array(texts, type=pa.string(), from_pandas=True)  # (without from_pandas: 20 times slower)
        shown = ~pc.equal(pc.utf8_trim_whitespace(a), "").to_numpy(zero_copy_only=False)
        out[idx[shown]] = texts[shown]
        done[idx] = True
    is_float = kinds == float
    if is_float.any():
        idx = np.flatnonzero(is_float)
        x = obj[idx].astype(float)
        whole = (np.abs(x) < _EXACT) & (x == np.trunc(x))
        out[idx[whole]] = x[whole].astype(np.int64).astype(str).astype(object)
        done[idx[whole | np.isnan(x)]] = True
    rest = np.flatnonzero(~done)
    if len(rest):
        out[rest] = [cell_text(v) for v in obj[rest]]
    return pa.array(out, type=pa.string(), from_pandas=True)


def _shown(a: "pa.Array") -> "pa.Array":
    """A text column with its blank cells (empty, or whitespace only) null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = pc.equal(pc.utf8_trim_whitespace(a), "")
    if not pc.any(blank).as_py():
        return a
    return pc.if_else(blank, pa.scalar(None, pa.string()), a)


def group_heading_row(head: list, merged: list, h: int) -> list:
    """The group headings of row ``h`` when it is the upper of a two-row header, else [].

    A questionnaire table typed by hand often has two header rows: group headings (基本情况, 满意度) merged
    across the columns of their questions, and the questions' own names in the row below; a column with one
    name (编号) is merged down over both rows or left empty below.  Row ``h`` is such a row when it has a
    range merged across columns within the row (``merged``: calamine's ``((first row, column), (last row,
    column))``, 0-based) and every column under such a range has a name in row ``h + 1``.  Read alone, the
    group row would be taken as the header and no column would match a question."""
    if h + 1 >= len(head):
        return []
    below = head[h + 1]
    spans = sorted((c0, c1) for (r0, c0), (r1, c1) in merged if r0 == h == r1 and c1 > c0)
    if not spans or not all(c < len(below) and _named(below[c]) for c0, c1 in spans for c in range(c0, c1 + 1)):
        return []
    return [str(head[h][c0]).strip() for c0, _ in spans if c0 < len(head[h]) and _named(head[h][c0])]


def headings_over(head: list, merged: list, h: int) -> dict:
    """{column index: the group heading of row ``h`` merged across it} of a two-row header (:func:`group_heading_row`),
    for the columns named in row ``h + 1``."""
    out = {}
    for (r0, c0), (r1, c1) in merged:
        if r0 == h == r1 and c1 > c0 and c0 < len(head[h]) and _named(head[h][c0]):
            for c in range(c0, c1 + 1):
                if c < len(head[h + 1]) and _named(head[h + 1][c]):
                    out[c] = str(head[h][c0]).strip()
    return out


def two_row_header(upper: list, lower: list) -> list:
    """The column names of a two-row header (:func:`group_heading_row`): a column's name in the lower row, or,
    where that is empty (a name merged down over both rows), the name in the upper row."""
    width = max(len(upper), len(lower))
    up, low = list(upper) + [None] * (width - len(upper)), list(lower) + [None] * (width - len(lower))
    return [b if _named(b) else a for a, b in zip(up, low)]


def _named(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def fill_merged(columns: list, merged: list, header: int) -> list:
    """Give every row of a merged range of one column below the header its value: Excel shows the merged
    cell's value on each row it spans (a 调查点 typed once for a block of paper questionnaires) but stores it
    in the top cell only, so the other rows read as unanswered.  ``columns``: the data rows' cells by column
    as Arrow string arrays (row ``header + 1`` of the sheet first); ``merged``: calamine's ``((first row,
    column), (last row, column))``, 0-based sheet indices; ranges across columns, in or above the header row,
    or with an empty top cell are left as they are.  Returns ``(column, first row, last row)`` (sheet
    indices) of the ranges filled; a column filled is replaced in ``columns``."""
    import pyarrow as pa

    filled, changed = [], {}
    n = len(columns[0]) if columns else 0
    for (r0, c0), (r1, c1) in merged:
        if c0 != c1 or r1 <= r0 or r0 <= header or c0 >= len(columns) or r0 - header - 1 >= n:
            continue
        if c0 not in changed:
            changed[c0] = columns[c0].to_numpy(zero_copy_only=False)
        col, first = changed[c0], r0 - header - 1
        v, last = col[first], min(r1 - header - 1, n - 1)
        if v is None:
            continue
        col[first + 1:last + 1] = v
        filled.append((c0, r0, last + header + 1))
    for c, col in changed.items():
        columns[c] = pa.array(col, type=pa.string(), from_pandas=True)
    return sorted(filled)


def merged_ranges(filled: list, header: list) -> str:
    """"column 调查点 rows 3–7, 8–12; column …" (rows as Excel numbers them) of the ranges :func:`fill_merged`
    filled."""
    by: dict = {}
    for c, r0, r1 in filled:
        by.setdefault(c, []).append(f"{r0 + 1}–{r1 + 1}")
    return "; ".join(f"column {header[c] if c < len(header) else c + 1} rows {', '.join(v[:5])}"
                     + (f" and {len(v) - 5} more" if len(v) > 5 else "") for c, v in by.items())


def merged_note(filled: list, header: list) -> str:
    """"3 merged cell range(s) filled down with their value (column 调查点 rows 3–7, 8–12; …)", said by the
    import's summary of the file."""
    return f"{len(filled)} merged cell range(s) filled down with their value ({merged_ranges(filled, header)})"

