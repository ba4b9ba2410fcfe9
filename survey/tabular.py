"""Read a data table (CSV/TSV, Excel, SPSS, a zip holding a CSV or a workbook) as strings, with no type guessing.

Every cell comes back as text (``None`` for empty) so that importers and ``survey estimate``
decide what a value means.

* **Kind from content**, not from the extension: zip magic → an Excel workbook (``xl/workbook.xml``)
  or a zip holding one CSV (腾讯问卷 downloads); OLE2 magic → Excel 97–2003 ``.xls``; ``$FL2``/``$FL3``
  → SPSS ``.sav``/``.zsav``; anything else must decode as text.
* **Encodings** tried strictly in this order: UTF-16 with BOM (Excel "Unicode text"; without a BOM when
  the NUL bytes of its ASCII characters show it, :func:`utf16_without_bom`), UTF-8 with BOM,
  UTF-8, GB18030 (a superset of GBK/GB2312: what Excel and WPS save on Chinese Windows).  Text with
  NUL bytes or many control characters is rejected as binary.
* **Delimiter** chosen among ``, \\t ; |`` as the one that splits the first lines (parsed with
  :mod:`csv`, so quoted fields are respected) into the most consistent number of fields (>1).
* **Header row** detection (title rows above the header, as in many Excel exports): the header is the
  first of the first 30 rows having at least ``max(2, width/2)`` non-empty cells, where ``width`` is
  the largest number of non-empty cells in those rows.
* Excel files (.xlsx and .xls) are read with python-calamine (:mod:`survey.excel_table`); SPSS files with
  pyreadstat.

Unreadable input raises :class:`~survey.errors.MinyiError` naming the file, with one clear message.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from .encodings import decode_utf8_or_gbk
from .errors import MinyiError
from .messages import problem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAV_MAGIC = (b"$FL2", b"$FL3")
PARQUET_MAGIC = b"PAR1"
DELIMITERS = (",", "\t", ";", "|")
KIND_NAMES = {"xlsx": "an Excel workbook", "xls": "an Excel 97-2003 workbook", "sav": "an SPSS data file",
              "zip": "a zip archive", "parquet": "a Parquet file", "text": "a text file"}
_ENC_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "gb18030": "GBK/GB18030", "utf-16": "UTF-16",
              "utf-16-le": "UTF-16 (little-endian, no BOM)", "utf-16-be": "UTF-16 (big-endian, no BOM)"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DELIM_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}


@dataclass
class RawTable:
    """A table of strings plus what was learned while reading it."""

    frame: pd.DataFrame
    kind: str  # csv | xlsx | xls | sav | zip
    detail: str  # e.g. "GBK/GB18030 text, comma-delimited"
    header_line: int = 1  # 1-based row of the header in the file; data rows follow it (0: none, SPSS cases)
    var_labels: dict = field(default_factory=dict)  # column -> variable label (SPSS)
    value_labels: dict = field(default_factory=dict)  # column -> {code text: label} (SPSS)
    # a workbook's formula cells without a computed value: (data row index, column index, "Sheet1!D5", formula)
    formulas: list = field(default_factory=list)
    # a workbook's cells holding an Excel error value (calamine reads them as empty): (row, column, "Sheet1!D5", "#N/A")
    errors: list = field(default_factory=list)
    # a workbook's number cells shown as percentages (0.5 shown as 50%): (row, column, "Sheet1!D5", 0.5)
    percents: list = field(default_factory=list)
    hidden: tuple = (0, 0)  # a workbook's hidden data rows and hidden table columns (imported all the same)
    other_sheets: tuple = ()  # a workbook's other sheets when its first was read by default (no --sheet)
    # those of them that hold rows below a first one, as (name, rows or None when unknown): not read, and said
    unread_sheets: tuple = ()
    sheet: str = ""  # the workbook's sheet read when it is not its first (--sheet NAME): part of the import key
    # a workbook's ranges merged down one column and filled with their value: (count, "column 调查点 rows 3–7, …")
    merged: tuple = ()
    # a two-row header's group heading over each column it was merged across ({column: heading}): a question's text
    # merged over its matrix rows or options (3、您对以下方面是否满意 over 环境卫生 …) names the column with it
    groups: dict = field(default_factory=dict)

    def unread_said(self) -> Optional[tuple[int, str]]:
        """(how many, "'Sheet2' (1,200 rows), …") of the other sheets that hold rows and were not read, minyi's own
        变量说明 sheet left out (it explains the codes); None when there are none.  Said by survey import
        (``sheets-not-read``) and by estimate, crosstab and weight (``data-sheets-not-read``)."""
        from .export_meta import CODEBOOK_SHEET

        unread = [(n, r) for n, r in self.unread_sheets if n != CODEBOOK_SHEET]
        if not unread:
            return None
        shown = ", ".join(f"'{n}'" + (f" ({r:,} rows)" if r else "") for n, r in unread[:5])
        return len(unread), shown + (" …" if len(unread) > 5 else "")


@dataclass
class _Packed:
    """A :class:`RawTable` on its way back from an isolated reader: the frame's columns as Arrow string arrays,
    which pickle as a few buffers instead of one object per cell (a 问卷星 workbook of 100,000 rows × 126
    columns: 9.4 s to pickle and 2.7 s to load as objects)."""

    raw: RawTable  # the frame without its columns
    columns: list
    arrays: list


def _packed(read, *args) -> "_Packed | RawTable":
    """``read(*args)`` (in the isolated child), its frame packed when every column holds Python strings or
    nothing, as the SPSS and Parquet readers' frames do (:func:`_as_text`); any other frame as it is.  The Excel
    reader returns its table packed already (:mod:`survey.excel_table`)."""
    import pyarrow as pa

    raw = read(*args)
    if isinstance(raw, _Packed):  # the Excel reader builds its Arrow columns itself
        return raw
    arrays = []
    for i in range(raw.frame.shape[1]):
        if raw.frame.dtypes.iloc[i] != object:  # pandas' own string (Arrow) columns pickle as buffers already
            return raw
        try:
            a = pa.array(raw.frame.iloc[:, i].to_numpy(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return raw
        if not (pa.types.is_string(a.type) or pa.types.is_null(a.type)):
            return raw
        arrays.append(a)
    return _Packed(replace(raw, frame=pd.DataFrame(index=raw.frame.index)), list(raw.frame.columns), arrays)


def _unpacked(x: "_Packed | RawTable") -> RawTable:
    """The reader's :class:`RawTable` again: text as Python strings, ``None`` for an empty cell."""
    if isinstance(x, RawTable):
        return x
    frame = pd.DataFrame({i: a.to_numpy(zero_copy_only=False) for i, a in enumerate(x.arrays)},
                         index=x.raw.frame.index, dtype=object)
    frame.columns = x.columns
    return replace(x.raw, frame=frame)


def _unreadable(path, reason: str) -> MinyiError:
    return MinyiError.of("file-unreadable", file=str(path), path=str(path), reason=reason)


def sniff_kind(path: Path) -> str:
    """'xlsx', 'xls', 'sav', 'zip', 'parquet' or 'text' from the file's first bytes (not its extension)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError):
            return "xlsx"  # a damaged zip: most likely a truncated workbook; calamine says what is wrong
        if any(n.lower().startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head[:4] in SAV_MAGIC:
        return "sav"
    if head[:4] == PARQUET_MAGIC:
        return "parquet"
    return "text"


# ----------------------------------------------------------------------------- text
def decode_bytes(raw: bytes, path: str) -> tuple[str, str]:
    """Decode text: UTF-16 (BOM), UTF-8 with BOM, UTF-8, then GB18030; return (text, encoding)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as e:
            raise MinyiError.of("encoding", file=path, reason=f"invalid UTF-16 at byte {e.start}")
        if "\x00" in text:  # a NUL character, not the high bytes of UTF-16: said as in an 8-bit file
            check_no_nul(text.encode("utf-8"), path)
        return text, "utf-16"
    if b"\x00" in raw[:65536]:
        enc = utf16_without_bom(raw)
        if enc is None:
            check_no_nul(raw, path)  # binary, or text with a stray NUL: its line (raises)
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as e:
            raise MinyiError.of("encoding", file=path, reason=f"invalid UTF-16 at byte {e.start}")
        if "\x00" in text:
            check_no_nul(text.encode("utf-8"), path)
        check_not_binary(text, path)
        return text, enc
    check_no_nul(raw, path)  # UTF-8 / GBK: a NUL past the first 64 KB too
    text, enc = decode_utf8_or_gbk(raw, path)  # a mix of the two refused, naming the line (survey.encodings)
    check_not_binary(text, path)
    return text, enc


def utf16_without_bom(raw: bytes) -> Optional[str]:
    """``utf-16-le`` / ``utf-16-be`` for UTF-16 text saved without a byte-order mark, else None.

    Such a file (some tools' "Unicode" export) has a NUL as the high byte of every ASCII character: its
    delimiters, digits and line ends.  Recognised when over a quarter of the bytes on one side of each pair in
    the first 4,096 bytes are NUL and almost none on the other (a binary file has NULs on both sides); the text
    must then decode strictly and pass :func:`check_not_binary`, as every text does.
    """
    head = raw[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / max(len(odd), 1)
    if nul_odd > 0.25 and nul_even < 0.02:
        return "utf-16-le"
    if nul_even > 0.25 and nul_odd < 0.02:
        return "utf-16-be"
    return None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"  # C0 controls but tab, CR, LF
NUL_LINE_CHUNK = 1 << 24  # bytes counted at a time for the line of a NUL (no copy of a large file)


def check_no_nul(data, path: str) -> None:
    """Refuse text (``bytes`` or an ``mmap`` of an 8-bit file: UTF-8, GBK) that holds a NUL byte anywhere.

    No spreadsheet or survey program writes NUL into a CSV: it marks a damaged file (a crashed copy, zeroed
    blocks).  A file with many NULs in its first 65,536 bytes is binary ("not text", as before); a text file
    with a stray one is refused naming the physical line and the field (``csv-nul-byte``; it named nothing,
    or, past the first 64 KB, stored the NUL inside an answer).  One ``find`` (memchr) over the file."""
    pos = data.find(b"\x00")
    if pos < 0:
        return
    head = bytes(data[:65536])
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))  # as check_not_binary counts characters
    if ctrl > max(2, len(head) // 200):
        raise _unreadable(path, "it is a binary file, not text")
    raise nul_error(data, pos, path)


_EOL = r"(?:\r\n|\n|\r)"
_BLANK_LINE = r"[ \t,;|]*" + _EOL  # an empty line, or one of blanks and delimiters only: a row with no cell
_BLANK_AFTER_LF = re.compile(rb"\n[ \t,;|]*[\r\n]")  # a line end, then a blank line's content and its end
BLANK_STEP = 1000  # blank lines matched at a time (check_blank_lines)


def check_blank_lines(data, path: str, limits=None) -> None:
    """Refuse a text file (``bytes``, an ``mmap`` or decoded ``str``) with more consecutive blank lines than the
    ``blank_rows`` limit: each would be a blank row, stored as one quarantine record (2,000,000 empty lines took
    48 s and 5.5 GB, as a stray cell far below the data does in a workbook, survey.excel_table).  One regular
    expression over the file, no parsing: the first run over the limit is measured and named by its first line."""
    from .limits import Limits, exceeded

    limit = int((limits or Limits())["blank_rows"])
    text = isinstance(data, str)
    eol, blank = (_EOL, _BLANK_LINE) if text else (_EOL.encode(), _BLANK_LINE.encode())
    # each run once (a search for limit + 1 lines in a row would start again at every line of a shorter run), in
    # steps of BLANK_STEP lines (the regular expression engine keeps a record per repetition: 350 MB for a run of
    # 2,000,000 lines matched at once)
    first = re.compile(eol + (("(?:%s){1,%d}" if text else b"(?:%s){1,%d}") % (blank, BLANK_STEP)))
    more = re.compile((("(?:%s){1,%d}" if text else b"(?:%s){1,%d}") % (blank, BLANK_STEP)))
    pos = 0
    # a file with \n line ends (LF or CRLF): the next place a blank line may start, found by a pattern with a
    # literal first byte (0.05 s for 84 MB, against 1 s for ``first``'s search; a normal file has none, and the
    # native import reads 1M rows in a few seconds); CR-only files and decoded text take ``first``'s search
    lf = not text and (data.find(b"\n", 0, 1 << 16) >= 0 or data.find(b"\r", 0, 1 << 16) < 0)
    while True:
        if lf:
            c = _BLANK_AFTER_LF.search(data, pos)
            if c is None:
                return
            at = c.start() - 1 if c.start() and data[c.start() - 1:c.start()] == b"\r" else c.start()
            m = first.match(data, at)
            if m is None:  # not a blank line after all (cannot happen: the candidate holds one)
                pos = c.end()
                continue
        else:
            m = first.search(data, pos)
        if m is None:
            return
        found, pos = _line_ends(m.group(0)) - 1, m.end()  # the line end before the run, then one per blank line
        while (n := more.match(data, pos)) is not None:
            found, pos = found + _line_ends(n.group(0)), n.end()
        if found > limit:
            break
    start = m.start() + len(re.compile(eol).match(data, m.start()).group(0))
    line = _line_ends(data[:start] if text else memoryview(data)[:start]) + 1
    raise exceeded("blank_rows", found, limit, file=path, line=line,
                   what="consecutive empty lines (or lines of delimiters only) in a text file's data (blank rows)")


def check_blank_lines_file(p: Path, limits=None) -> None:
    """:func:`check_blank_lines` over a text file before any reader (the native fast path too): a memory map of
    an 8-bit file (UTF-8, GBK), the decoded text of a UTF-16 one."""
    import mmap

    with open(p, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            head = bytes(mm[:4096])
            enc = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(head)
            if enc is None:
                check_blank_lines(mm, str(p), limits)
                return
            data = bytes(mm)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return  # the reader says what is wrong with it
    check_blank_lines(text, str(p), limits)


def _line_ends(data) -> int:
    """Line ends (``\r\n``, ``\n`` or a bare ``\r``) in ``data`` (text, bytes or a memoryview), counted in
    pieces of :data:`NUL_LINE_CHUNK` (no copy of a large file)."""
    if isinstance(data, str):
        return data.count("\n") + data.count("\r") - data.count("\r\n")
    n = 0
    for i in range(0, len(data), NUL_LINE_CHUNK):
        chunk = bytes(data[i:i + NUL_LINE_CHUNK + 1])  # one byte more: a \r\n across the cut counted once
        body = chunk[:NUL_LINE_CHUNK]
        n += body.count(b"\n") + body.count(b"\r") - chunk.count(b"\r\n", 0, NUL_LINE_CHUNK + 1)
    return n


def check_no_nul_file(p: Path) -> None:
    """:func:`check_no_nul` over a file without reading it into memory (a memory map: the native fast path)."""
    import mmap

    with open(p, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            check_no_nul(mm, str(p))


def nul_error(data, pos: int, path: str) -> MinyiError:
    """``csv-nul-byte`` for the NUL at byte ``pos`` of ``data``: the physical line (line ends ``\r\n``, ``\n``,
    bare ``\r``, as an editor counts them) and the field's number with the header name (the first line's field,
    when it has that many; fields counted by the delimiter sniffed from the first 64 KB)."""
    start = max(data.rfind(b"\n", 0, pos), data.rfind(b"\r", 0, pos)) + 1
    line = 1
    for i in range(0, start, NUL_LINE_CHUNK):
        chunk = bytes(data[i:min(i + NUL_LINE_CHUNK + 1, start)])  # one byte more: a \r\n across the cut
        body = chunk[:NUL_LINE_CHUNK]
        line += body.count(b"\n") + body.count(b"\r") - chunk.count(b"\r\n")
    head = _decoded_head(bytes(data[:65536]))
    delim = sniff_delimiter(head)
    text = _decoded_head(bytes(data[start:pos])) + "x"
    index = len(next(csv.reader([text], delimiter=delim), [""])) - 1
    header = next(csv.reader([re.split(r"\r\n|\r|\n", head, maxsplit=1)[0]], delimiter=delim), [])
    name = f" ('{header[index].strip()}')" if index < len(header) and header[index].strip() and line > 1 else ""
    more = data.count(b"\x00") if isinstance(data, bytes) else None
    return MinyiError.of("csv-nul-byte", file=path, line=line, column=index + 1, field=f"{_ordinal(index + 1)}{name}",
                         more=f" ({more} NUL bytes in the file)" if more and more > 1 else "")


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _decoded_head(raw: bytes) -> str:
    """Bytes of an 8-bit text file as text for a message: UTF-8 (a BOM dropped), else GB18030, never failing."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def check_not_binary(text: str, path: str) -> None:
    """Refuse text whose first 65,536 characters hold many control characters (a binary file).  Every text
    reading path calls this on the same characters, so they accept and refuse the same files."""
    sample = text[:65536]
    if sample:
        ctrl = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\t\r\n")
        if ctrl > max(2, len(sample) // 200):
            raise _unreadable(path, f"it looks like a binary file, not text ({ctrl} control characters in the first "
                                    f"{len(sample)} characters)")


def _sample(text: str, limit: int = 65536) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut if cut > 0 else limit]


def sniff_delimiter(text: str) -> str:
    """The delimiter among ``, \\t ; |`` giving the most consistent field count (> 1) on the first lines."""
    sample = _sample(text)
    best, best_score = ",", (-1.0, 0)
    for d in DELIMITERS:
        if d not in sample:
            continue
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=d) if r][:30]
        except csv.Error:
            continue
        if not rows:
            continue
        counts = pd.Series([len(r) for r in rows])
        mode = int(counts.mode().max())
        if mode < 2:
            continue
        score = (float((counts == mode).mean()), mode)
        if score > best_score:
            best, best_score = d, score
    return best


def header_index(rows: list[list]) -> int:
    """Index of the header among the first rows (see module docstring: title rows are skipped)."""
    nonempty = [sum(1 for c in r if c is not None and str(c).strip() != "") for r in rows[:30]]
    if not nonempty:
        return 0
    width = max(nonempty)
    need = max(2, (width + 1) // 2)
    if width <= 2:  # too narrow to tell a title row from a header with an empty name
        return 0
    for i, k in enumerate(nonempty):
        if k >= need:
            return i
    return 0


def read_text_table(text: str, path: str, encoding: str = "utf-8") -> RawTable:
    """Parse decoded CSV/TSV text (delimiter sniffed, header row detected) into a table of strings."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise MinyiError.of("file-empty", file=path)
    head = text[:200].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<table", "<?xml")):
        raise _unreadable(path, "it is an HTML/XML page, not a data table (save it from Excel as .xlsx or .csv)")
    delim = sniff_delimiter(text)
    try:
        first = [r for r in csv.reader(io.StringIO(_sample(text, 32768)), delimiter=delim)][:30]
    except csv.Error:
        first = []
    h = header_index(first)
    skip = 0
    if h:  # count physical lines of the title rows (they may hold quoted newlines: rare, handled by csv)
        skip = h
    try:
        check_duplicate_headers(header_record(text, delim, skip), path, line=h + 1)
    except MinyiError as e:
        raise two_line_header(e, first, h, path)
    try:
        # the parser is given UTF-8 bytes, not the text: pandas reads a text buffer through a wrapper whose
        # left-over bytes are copied again on every read, which grows with each non-ASCII character
        # (a 问卷星 export of 100,000 rows × 126 columns: 16.6 s against 2.4 s, the same frame). dtype=object:
        # Python strings straight from the parser (pandas' Arrow-backed str columns were converted to them
        # below, 1.2 s more at that size)
        df = pd.read_csv(io.BytesIO(text.encode("utf-8")), sep=delim, dtype=object, keep_default_na=False,
                         na_values=[""], skip_blank_lines=False, skiprows=skip, engine="c", quotechar='"',
                         encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise MinyiError.of("file-empty", file=path)
    except (pd.errors.ParserError, ValueError, csv.Error, IndexError, OverflowError) as e:
        msg = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        m = re.search(r"EOF inside string starting at row (\d+)", msg)
        if m:  # the C tokenizer counts lines from 0 after the skipped title rows
            raise MinyiError.of("csv-unclosed-quote", file=path, line=int(m.group(1)) + 1 + skip) from None
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            raise MinyiError.of("csv-ragged-row", file=path, line=int(m.group(2)) + skip, row=None,
                                found=int(m.group(3)), expected=int(m.group(1)),
                                hint="a quote left open on this or an earlier line, or the delimiter inside an "
                                     "unquoted value; nothing was imported") from None
        raise _unreadable(path, f"not a valid {_DELIM_NAMES.get(delim, delim)}-delimited table ({msg})")
    df.columns = clean_headers(df.columns)
    df = df.where(df.notna(), None)  # object columns (dtype=object above): None for an empty cell
    check_absorbed_frame(df, text, path, delim, skip)
    if len(df.columns) and df.iloc[:, -1].isna().any():  # a padded row has nothing in the last column
        check_short_rows(text, path, delim, skip, len(df.columns))
    detail = f"{_ENC_NAMES.get(encoding, encoding)} text, {_DELIM_NAMES.get(delim, delim)}-delimited"
    if h:
        detail += f", header on line {h + 1} ({h} title row(s) above it skipped)"
    return RawTable(df, "csv", detail, header_line=h + 1)


ABSORB_MIN_COLUMNS = 5  # narrower tables: a comment line with commas could look like a record


def _record_like(segment: str, ncols: int, delim: str) -> bool:
    """One physical line inside a quoted value that parses into at least as many fields as the header."""
    try:
        fields = next(csv.reader([segment], delimiter=delim), [])
    except csv.Error:
        return False
    return len(fields) >= ncols


def absorbed_records(cells, ncols: int, delim: str = ","):
    """The first quoted value that swallowed whole records, or None.

    ``cells``: ``(row_index, column, value)`` of the text values that contain a line break.  A quote
    left open in the last column of a row is closed only by a stray quote some lines further down; the
    CSV reader then returns one row whose value holds the records in between, and the field counts
    still agree.  Such a value is recognised by its inner lines: one that parses (with the file's
    delimiter) into at least as many fields as the header is a record, not a line of an answer.  Only
    for tables of :data:`ABSORB_MIN_COLUMNS` or more columns.  Returns ``(row_index, column, lines)``
    with the number of record-like lines.
    """
    if ncols < ABSORB_MIN_COLUMNS:
        return None
    for i, col, value in cells:
        segs = re.split(r"\r\n|\r|\n", value)[1:]
        n = sum(1 for seg in segs if _record_like(seg, ncols, delim))
        if n:
            return i, col, n
    return None


def record_line(text_or_path, row_index: int, delim: str = ",", skip_lines: int = 0, encoding: str = "utf-8") -> int:
    """The physical line (1-based) where data row ``row_index`` (0-based, after the header) starts."""
    # newline="": the csv module sees every line end (\r\n, \r, \n) as pandas' reader does; a bare \r in a
    # text buffer that translates nothing was 'new-line character seen in unquoted field'
    fh = io.StringIO(text_or_path, newline="") if isinstance(text_or_path, str) else open(text_or_path, encoding=encoding,
                                                                                errors="replace", newline="")
    with fh:
        r = csv.reader(fh, delimiter=delim)
        for _ in range(skip_lines + 1):  # title rows and the header
            next(r, None)
        for _ in range(row_index):
            next(r, None)
        return r.line_num + 1


def absorbed_error(path: str, row_index: int, column: str, lines: int, line: int) -> MinyiError:
    """The one message for a quoted value that swallowed records (catalogue ``csv-absorbed-lines``)."""
    return MinyiError.of("csv-absorbed-lines", file=path, line=line, column=column, lines=lines, at=line)


def check_absorbed_frame(df: pd.DataFrame, text: str, path: str, delim: str, skip_lines: int = 0) -> None:
    """:func:`absorbed_records` over a table of strings read from ``text`` (the careful path).  Only a
    quoted value can hold a line break, so a text without a quote has none; a column is looked at value
    by value only when its values, joined, hold a line break (one C-level search per column)."""
    if '"' not in text:
        return
    # every line end ends a record (title rows, the header, the rows): then no value holds a line break, and
    # the values need not be looked at (one C-level count of the text instead of a pass over every cell);
    # a value holding one makes more line ends than records, and the values are searched as below
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")  # \r\n, \r and \n each end one line
    if ends == skip_lines + len(df) + (text[-1:] in ("\n", "\r")):
        return

    def cells():
        for c in df.columns:
            col = df[c]
            if col.dtype != object:
                continue
            vals = col.to_numpy()
            joined = "\x00".join(v for v in vals if isinstance(v, str))
            if "\n" not in joined and "\r" not in joined:
                continue
            for i, v in enumerate(vals):
                if isinstance(v, str) and ("\n" in v or "\r" in v):
                    yield i, c, v

    hit = absorbed_records(cells(), len(df.columns), delim)
    if hit:
        i, c, n = hit
        raise absorbed_error(path, i, str(c), n, record_line(text, i, delim, skip_lines))


SHORT_ROWS_SHOWN = 20  # short rows listed in one error; the count covers them all


def check_short_rows(text: str, path: str, delim: str, skip_records: int, ncols: int) -> None:
    """Refuse rows with fewer fields than the header, listing each with its physical line.

    pandas' C reader pads a short row with missing values without a word: a value lost in transit (or a
    line break inside an unquoted answer, which splits one record into two short ones) would change data
    silently.  Empty lines are not rows and are passed over.  All short rows are reported at once (the
    first :data:`SHORT_ROWS_SHOWN`).  :func:`read_text_table` calls it only when some row's last column is
    empty: a row pandas padded always is (a 问卷星 export ends with an open answer, ``(空)`` when empty).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)  # every line end, as pandas' reader (record_line)
    problems = []
    count = 0
    start = 1
    try:
        for k, rec in enumerate(reader):
            line, start = start, reader.line_num + 1
            if k <= skip_records or not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            if len(rec) < ncols:
                count += 1
                if len(problems) < SHORT_ROWS_SHOWN:
                    problems.append(problem(
                        "csv-ragged-row", file=path, line=line, found=len(rec), expected=ncols,
                        hint="a value or delimiter is missing on this line, or an unquoted answer was broken "
                             "across lines; nothing was imported"))
    except csv.Error:  # the table itself was read; the quote faults have their own checks
        return
    if problems:
        if count > len(problems):
            problems.append(problem("csv-short-rows-more", file=path, count=count, shown=len(problems)))
        raise MinyiError(problems)


DUPLICATE_HEADERS_SHOWN = 20  # repeated headers listed in one error; the count covers them all
_HEADER_JUNK = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060]")


def column_letters(index: int) -> str:
    """Excel's name of the 0-based column ``index``: 0 → ``A``, 25 → ``Z``, 26 → ``AA`` (openpyxl's
    ``get_column_letter``, imported only when a message names a workbook column)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def check_duplicate_headers(names, path: str, *, line: Optional[int] = None, letters: bool = False) -> None:
    """Refuse a header row in which one name heads two columns.

    pandas renames the second ``Q3`` to ``Q3.1`` (and :func:`clean_headers` to ``Q3 [2]``) without a word, and
    the importers then match the renamed column to something else or to nothing: the answers of one of the two
    columns would land in the wrong place or be dropped.  Which column holds the answers cannot be told from
    the file, so this is an error listing every repeated header with both positions (1-based, and Excel's
    letters for a workbook: ``column 7 (G) and column 15 (O)``).  Names are compared as :func:`clean_headers`
    leaves them (BOMs, zero-width characters and surrounding spaces removed); empty headers are not names.
    No export layout minyi reads (问卷星, 腾讯问卷, Kobo, SPSS, its own) repeats a header (docs/import-formats.md).
    """
    first: dict[str, int] = {}
    problems = []
    count = 0
    for i, c in enumerate(names):
        s = "" if c is None else _HEADER_JUNK.sub("", str(c)).strip()
        if not s:
            continue
        if s not in first:
            first[s] = i
            continue
        count += 1
        if len(problems) < DUPLICATE_HEADERS_SHOWN:
            problems.append(problem("duplicate-column", file=path, line=line, header=s,
                                    first=_position(first[s], letters), second=_position(i, letters)))
    if problems:
        if count > len(problems):
            problems.append(problem("duplicate-columns-more", file=path, line=line, count=count, shown=len(problems)))
        raise MinyiError(problems)


def _position(index: int, letters: bool) -> str:
    """``column 7`` or, in a workbook, ``column 7 (G)`` for the 0-based ``index``."""
    return f"column {index + 1}" + (f" ({column_letters(index)})" if letters else "")


def two_line_header(error: MinyiError, rows: list, h: int, path: str) -> MinyiError:
    """``error`` (repeated header names on line ``h + 1``) with ``header-two-lines`` first when the line below names
    every column once (no empty, no repeated cell): question texts repeated over the columns of their options
    and the column names under them, a header on two lines (an Excel group heading row saved as CSV).  Which
    line holds the names is then clear to the reader, not to the importer: the user is told which line to delete."""
    below = rows[h + 1] if len(rows) > h + 1 else []
    names = [str(c).strip() for c in below]
    if names and all(names) and len(set(names)) == len(names) and len(names) >= len(rows[h]):
        return MinyiError([problem("header-two-lines", file=path, line=h + 1, upper=h + 1, lower=h + 2)]
                          + list(error.problems))
    return error


def header_record(text: str, delim: str, skip: int) -> list[str]:
    """The fields of record ``skip`` (0-based; the header after ``skip`` title rows) of CSV text, as the csv
    module parses them, before pandas renames a repeated name.  Lines are cut lazily at every line end
    (``\r\n``, ``\r``, ``\n``), so only the first records of a large file are looked at."""
    lines = (m.group(0) for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text))
    try:
        for k, rec in enumerate(csv.reader(lines, delimiter=delim)):
            if k == skip:
                return rec
    except csv.Error:
        return []
    return []


def clean_headers(cols) -> list[str]:
    """Strip BOMs/zero-width characters and whitespace; name empty headers; make duplicates unique."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, c in enumerate(cols):
        s = "" if c is None else str(c)
        s = re.sub(r"[\ufeff\u200b\u200c\u200d\u2060]", "", s).strip()
        if s == "" or re.fullmatch(r"Unnamed: \d+", s):
            s = f"column{i + 1}"
        if s in seen:
            seen[s] += 1
            s = f"{s} [{seen[s]}]"
        else:
            seen[s] = 1
        out.append(s)
    return out


# ----------------------------------------------------------------------------- typed frames (SPSS, Parquet)
def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """A typed frame (SPSS, Parquet) as the table of strings every reader gives: numbers as the text a cell
    shows (1.0 → "1", 2.5 → "2.5"; vectorised), booleans "1"/"0", anything else as text, stripped; None for
    an empty or missing cell; headers cleaned (:func:`clean_headers`)."""
    out = {}
    for i, c in enumerate(df.columns):
        s = df.iloc[:, i]
        if s.dtype.kind in "fiu":  # codes as text, vectorised: 1.0 -> "1", 2.5 -> "2.5", NaN -> None
            x = s.to_numpy(dtype=float, na_value=np.nan)
            fin = np.isfinite(x)
            ints = fin & (x == np.round(x)) & (np.abs(x) < 1e15)
            txt = np.full(len(x), None, dtype=object)
            txt[ints] = x[ints].astype(np.int64).astype(str)
            txt[fin & ~ints] = x[fin & ~ints].astype(str)
            out[i] = txt
        elif s.dtype.kind == "b" or str(s.dtype) == "boolean":  # as an Excel TRUE/FALSE cell reads: 1 / 0
            out[i] = np.where(s.isna(), None, np.where(s.fillna(False).astype(bool), "1", "0")).astype(object)
        else:
            t = s.astype("string").str.strip()
            out[i] = t.where(t != "").to_numpy(dtype=object, na_value=None)
    frame = pd.DataFrame(out, index=range(len(df)), dtype=object)  # Python strings and None, as every reader gives
    frame.columns = clean_headers(list(df.columns))
    return frame


# ----------------------------------------------------------------------------- Parquet
def read_parquet_table(path: Path, limits=None) -> RawTable:
    """A Parquet file (what ``survey export --format parquet`` writes, or any other tool) via pyarrow: every
    column as text (:func:`_as_text`), then the same layouts and checks as any other file.  Like the SPSS
    reader it runs in a memory-capped child (:mod:`survey.isolated`): a damaged or hostile file's metadata can
    ask pyarrow for any amount of memory."""
    import pyarrow  # noqa: F401 - loaded here, not inside the memory-capped child
    import pyarrow.parquet  # noqa: F401

    from .limits import Limits

    lim = limits or Limits()
    p = str(path)
    return _isolated_read(_read_parquet, (p,), p, lim, "Parquet reader", "Parquet file")


def _read_parquet(p: str) -> RawTable:
    """The body of :func:`read_parquet_table`, run in the isolated child."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(p) as pf:  # repeated names first: pyarrow's own message for them lists its internals
            check_duplicate_headers(pf.schema_arrow.names, p)
        df = pq.read_table(p, use_threads=False).to_pandas(ignore_metadata=True)
    except MemoryError:
        raise
    except (pa.ArrowException, OSError, ValueError, TypeError) as e:
        raise _unreadable(p, f"not a readable Parquet file ({type(e).__name__}: {str(e)[:200]})") from None
    if df.shape[1] == 0:
        raise MinyiError.of("file-empty", file=p)
    return RawTable(_as_text(df), "parquet", f"Parquet file ({df.shape[1]} columns)", 1)


# ----------------------------------------------------------------------------- SPSS
def read_sav_table(path: Path, limits=None, *, as_spss: bool = False) -> RawTable:
    """An SPSS .sav/.zsav file via pyreadstat: codes as text, plus variable and value labels.

    ``as_spss``: the values the file declares user-missing (99 = 拒答) are empty cells, as SPSS's own statistics
    leave them out — the reading of ``survey estimate``/``crosstab``/``weight``, which have no questionnaire to
    say which codes are not answers.  ``survey import`` reads them as the values they are (the questionnaire's
    ``na`` options and row checks decide).

    pyreadstat is C code that trusts the file's header; on a damaged or hostile file it can allocate many
    gigabytes or crash the interpreter.  So it runs in a forked child (:mod:`survey.isolated`) capped at the
    ``reader_memory`` limit and ``reader_seconds``; whatever happens there, the user gets one message.
    """
    import pyarrow  # noqa: F401 - loaded here, not inside the memory-capped child (packs the frame: _packed)
    import pyreadstat  # noqa: F401

    from .limits import Limits

    lim = limits or Limits()
    p = str(path)
    return _isolated_read(_read_sav, (p, as_spss), p, lim, "SPSS reader", "SPSS .sav file")


def _isolated_read(read, args: tuple, p: str, lim, reader: str, what: str) -> RawTable:
    """``read(*args)`` in a forked child capped at the ``reader_memory`` and ``reader_seconds`` limits
    (:mod:`survey.isolated`), its table sent back packed (:func:`_packed`).  A crash, failed allocation or
    hang there ends the child only and becomes one message naming the ``reader`` and the limit; any other
    failure says the file is not a readable ``what``."""
    from .isolated import Failed, failure_reason, run_isolated

    try:
        return _unpacked(run_isolated(_packed, read, *args, memory_bytes=lim["reader_memory"],
                                      seconds=lim["reader_seconds"]))
    except Failed as f:
        o = f.outcome
        if o.kind == "memory" or (o.kind == "signal" and o.detail in ("SIGSEGV", "SIGABRT", "SIGBUS", "SIGKILL")):
            raise _reader_limit(p, "reader_memory", lim, f"it needed more memory than allowed ({o.detail or 'out of memory'})",
                                reader=reader)
        if o.kind == "timeout":
            raise _reader_limit(p, "reader_seconds", lim, o.detail, reader=reader)
        raise _unreadable(p, f"not a readable {what} (" + failure_reason(o) + ")") from None


def _reader_limit(p: str, name: str, lim, why: str, reader: str = "SPSS reader") -> MinyiError:
    from .limits import _fmt, raised_value

    v = lim[name]
    return MinyiError.of("reader-limit", file=p, reader=reader, why=why, name=name, limit=_fmt(v),
                         raised=raised_value(v * 10))


def _read_sav(p: str, as_spss: bool = False) -> RawTable:
    """The body of :func:`read_sav_table`, run in the isolated child."""
    import pyreadstat

    try:
        # user_missing: a value the file declares missing (6 = 不了解, 99 = 拒答) is read as the value it is,
        # not as an empty cell: 不了解 is an answer, and an unknown 99 is quarantined with its value
        df, meta = pyreadstat.read_sav(p, apply_value_formats=False, user_missing=not as_spss)
    except MemoryError:
        raise
    except Exception as e:  # pyreadstat.ReadstatError and friends
        if isinstance(e, SystemError) or any(w in str(e).lower() for w in ("memory", "alloc")):
            # its C code failed to allocate (under the cap that surfaces as a SystemError, too)
            raise MemoryError(str(e)) from None
        raise _unreadable(p, f"not a readable SPSS .sav file ({type(e).__name__}: {str(e)[:200]})")
    check_duplicate_headers(list(df.columns), p)
    frame = _as_text(df)
    var_labels = {c: lab for c, lab in zip(frame.columns, meta.column_labels or []) if lab}
    value_labels = {}
    vl = meta.variable_value_labels or {}
    for orig, c in zip(df.columns, frame.columns):
        if orig in vl:
            value_labels[c] = {(str(int(k)) if isinstance(k, float) and float(k).is_integer() else str(k)): str(v)
                               for k, v in vl[orig].items()}
    detail = f"SPSS data file ({len(frame.columns)} variables, {sum(1 for c in value_labels)} with value labels"
    declared = _user_missing_columns(meta)
    if declared and not as_spss:
        detail += (f"; user-missing values of {len(declared)} variable(s) ({', '.join(declared[:5])}"
                   f"{' …' if len(declared) > 5 else ''}) read as the values they are, not as empty cells")
    detail += ")"
    if len(frame) == 0 and frame.shape[1] == 0:
        raise MinyiError.of("file-empty", file=p)
    # header_line 0: an SPSS file has no header row; data row i is case i + 1, as SPSS's Data View numbers it
    return RawTable(frame, "sav", detail, 0, var_labels, value_labels)


def _user_missing_columns(meta) -> list:
    """The variables of an SPSS file that declare user-missing values (discrete values or ranges).

    SPSS keeps such a value in the data and only leaves it out of its statistics; read as an empty cell it
    would turn 不了解 (an option, often declared missing) into no answer without a word (issue 9: only the
    questionnaire's declared missing codes and empty cells are missing)."""
    ranges = getattr(meta, "missing_ranges", None) or {}
    values = getattr(meta, "missing_user_values", None) or {}
    return [c for c in meta.column_names if ranges.get(c) or values.get(c)]


# ----------------------------------------------------------------------------- zip (腾讯问卷)
def _read_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo, p: str, limits=None) -> bytes:
    """The member's bytes, streamed: the sizes the archive claims and the bytes actually inflated are held
    to ``zip_bytes`` and ``zip_ratio`` (a 7.6 MB zip can hold a 2.5 GB CSV)."""
    from .limits import Limits

    lim = limits or Limits()
    comp = max(member.compress_size, 1)
    where = f"{p}!{_member_name(member)}"
    lim.check("zip_bytes", member.file_size, file=where)
    lim.check("zip_ratio", member.file_size / comp, file=where)
    out, total = [], 0
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            lim.check("zip_bytes", total, file=where, what="bytes of the file inside a zip archive, uncompressed (so far)")
            if total > 1 << 20:
                lim.check("zip_ratio", total / comp, file=where)
            out.append(chunk)
    return b"".join(out)


ZIP_TEXT = (".csv", ".tsv", ".txt")
ZIP_WORKBOOKS = (".xlsx", ".xlsm", ".xls")


def read_zip_table(path: Path, limits=None) -> RawTable:
    """The one CSV/TSV or Excel workbook inside a zip archive, e.g. a 腾讯问卷 download.  A workbook is
    unpacked (held to ``zip_bytes`` and ``zip_ratio`` like a CSV) to a temporary file and read by the same
    isolated Excel reader as a workbook given directly (:func:`survey.excel_table.read_excel_table`), its
    first sheet; messages name it ``archive.zip!member.xlsx``."""
    p = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
            tables = [i for i in members if i.filename.lower().endswith(ZIP_TEXT + ZIP_WORKBOOKS)]
            if not tables:
                names = ", ".join(i.filename for i in members[:5]) or "nothing"
                raise _unreadable(p, f"a zip archive without a CSV file inside, nor an Excel workbook (it holds: {names})")
            if len(tables) > 1:
                raise _unreadable(p, f"a zip archive with {len(tables)} data files inside "
                                     f"({', '.join(i.filename for i in tables[:5])}); unzip it and import one")
            member = tables[0]
            raw = _read_member(zf, member, p, limits)
    except MinyiError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as e:  # RuntimeError: an encrypted member
        raise _unreadable(p, f"a damaged zip archive ({type(e).__name__}: {e})")
    name = f"{p}!{_member_name(member)}"
    if not raw.strip():
        raise MinyiError.of("file-empty", file=name)
    if member.filename.lower().endswith(ZIP_WORKBOOKS):
        t = _zipped_workbook(raw, name, limits)
    else:
        text, enc = decode_bytes(raw, name)
        check_blank_lines(text, name, limits)
        t = read_text_table(text, name, enc)
    t.kind = "zip"
    t.detail = f"zip archive holding {_member_name(member)}: {t.detail}"
    return t


def _zipped_workbook(raw: bytes, name: str, limits=None) -> RawTable:
    """A workbook's bytes (a zip's member ``name``) read through :func:`survey.excel_table.read_excel_table`
    from a temporary file; its kind from its content, as for any file (:func:`sniff_kind`)."""
    import os
    import tempfile

    from .excel_table import read_excel_table

    fd, tmp = tempfile.mkstemp(prefix="minyi-zip-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        kind = sniff_kind(Path(tmp))
        if kind not in ("xlsx", "xls"):
            raise _unreadable(name, "its name says Excel workbook but it is not one")
        return read_excel_table(Path(tmp), None, kind, limits, name=name)
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not (info.flag_bits & 0x800):  # not flagged UTF-8: Chinese Windows zips use GBK names
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


# ----------------------------------------------------------------------------- any
def read_raw(path: Path, kind: str, sheet: Optional[str] = None, limits=None) -> RawTable:
    """Read a file of the given sniffed ``kind`` (see :func:`sniff_kind`)."""
    if kind in ("xlsx", "xls"):
        from .excel_table import read_excel_table

        return read_excel_table(path, sheet, kind, limits)
    if kind == "sav":
        return read_sav_table(path, limits)
    if kind == "zip":
        return read_zip_table(path, limits)
    if kind == "parquet":
        return read_parquet_table(path, limits)
    text, enc = decode_bytes(path.read_bytes(), str(path))
    return read_text_table(text, str(path), enc)


SUMMARY_LABELS = frozenset({"合计", "总计", "小计", "总数", "总和", "累计", "平均", "平均值", "均值", "合计：", "总计：",
                            "total", "sum", "subtotal", "grand total", "average", "mean"})


def summary_row(frame: pd.DataFrame) -> Optional[tuple[int, str, str]]:
    """``(row, column, label)`` of the first row whose first or second cell is a label of a total or an average
    (合计, 总计, 平均, Total, …: the row a spreadsheet adds under its data), or None.  Such a row in a data file
    given to ``survey estimate`` would count as one more respondent, with the column sums as its answers."""
    for j in range(min(2, frame.shape[1])):
        col = frame.iloc[:, j]
        norm = col.astype("string").str.strip().str.lower()
        hit = norm.isin(SUMMARY_LABELS).to_numpy(dtype=bool, na_value=False)
        if hit.any():
            i = int(np.flatnonzero(hit)[0])
            return i, str(frame.columns[j]), str(col.iloc[i]).strip()
    return None


def read_table(path: str | Path, sheet: Optional[str] = None) -> pd.DataFrame:
    """Read CSV/TSV/XLSX/XLS (or a zip holding a CSV) into a DataFrame of strings (None for empty cells)."""
    p = Path(path)
    if not p.exists():
        raise MinyiError.of("file-not-found", file=str(path), path=str(path))
    if p.is_dir():
        raise _unreadable(path, "it is a folder")
    if p.stat().st_size == 0:
        raise MinyiError.of("file-empty", file=str(path))
    kind = sniff_kind(p)
    if kind == "sav":
        raise _unreadable(path, "an SPSS file; use survey import for .sav data")
    return read_raw(p, kind, sheet).frame
