"""Read a data table (CSV/TSV in UTF-8, UTF-8 with BOM or GBK/GB18030; XLSX/XLS) as strings.

No type guessing: every cell comes back as text (``None`` for empty) so that importers and
``survey estimate`` decide what a value means.  Encodings are tried strictly in the order
UTF-8-BOM, UTF-8, GB18030 (a superset of GBK, what Excel/WPS save on Chinese Windows);
the delimiter is sniffed among ``, \\t ; |``.  Excel files are read with python-calamine.
Unreadable input raises :class:`~survey.errors.MinyiError` with one clear message.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Optional

import pandas as pd

from .errors import MinyiError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAV_MAGIC = (b"$FL2", b"$FL3")


def sniff_kind(path: Path) -> str:
    """'xlsx', 'xls', 'sav' or 'text' from the file's first bytes (not its extension)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head[:4] in SAV_MAGIC:
        return "sav"
    return "text"


def decode_bytes(raw: bytes, path: str) -> tuple[str, str]:
    """Decode text trying UTF-8 (with or without BOM), then GB18030; return (text, encoding)."""
    if b"\x00" in raw[:4096]:
        raise MinyiError.of("file-unreadable", file=path, path=path, reason="it is a binary file, not text")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise MinyiError.of("encoding", file=path, reason=f"invalid UTF-8 at byte {e.start}")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as e:
        raise MinyiError.of("encoding", file=path, reason=f"neither UTF-8 nor GBK (byte {e.start})")


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",\t;|"}
        return max(counts, key=counts.get) if max(counts.values()) else ","


def read_text_table(text: str, path: str) -> pd.DataFrame:
    delim = sniff_delimiter(text)
    try:
        df = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False, na_values=[""],
                         skip_blank_lines=False, engine="python" if delim != "," else "c")
    except (pd.errors.ParserError, ValueError) as e:
        raise MinyiError.of("file-unreadable", file=path, path=path, reason=f"not a valid CSV table ({e})")
    except pd.errors.EmptyDataError:
        raise MinyiError.of("file-empty", file=path)
    df.columns = [str(c).strip() for c in df.columns]
    return df.astype(object).where(df.notna(), None)


def read_excel_table(path: Path, sheet: Optional[str] = None) -> pd.DataFrame:
    from python_calamine import CalamineWorkbook

    p = str(path)
    try:
        wb = CalamineWorkbook.from_path(p)
        names = wb.sheet_names
        if sheet is not None and sheet not in names:
            raise MinyiError.of("usage", file=p, reason=f"sheet '{sheet}' not found; sheets: {', '.join(names)}")
        rows = wb.get_sheet_by_name(sheet or names[0]).to_python(skip_empty_area=False)
    except MinyiError:
        raise
    except Exception as e:  # calamine raises its own error types for damaged files
        raise MinyiError.of("file-unreadable", file=p, path=p, reason=f"not a readable Excel file ({e})")
    rows = [r for r in rows]
    if not rows or all(all(c in ("", None) for c in r) for r in rows):
        raise MinyiError.of("file-empty", file=p)
    header = [_cell(c) or f"column{i + 1}" for i, c in enumerate(rows[0])]
    data = [[_cell(c) for c in r] for r in rows[1:]]
    return pd.DataFrame(data, columns=[h.strip() for h in header], dtype=object)


def _cell(v) -> Optional[str]:
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_table(path: str | Path, sheet: Optional[str] = None) -> pd.DataFrame:
    """Read CSV/TSV/XLSX/XLS into a DataFrame of strings (None for empty cells)."""
    p = Path(path)
    if not p.exists():
        raise MinyiError.of("file-not-found", file=str(path), path=str(path))
    if p.is_dir():
        raise MinyiError.of("file-unreadable", file=str(path), path=str(path), reason="it is a folder")
    if p.stat().st_size == 0:
        raise MinyiError.of("file-empty", file=str(path))
    kind = sniff_kind(p)
    if kind in ("xlsx", "xls"):
        return read_excel_table(p, sheet)
    if kind == "sav":
        raise MinyiError.of("file-unreadable", file=str(path), path=str(path),
                            reason="an SPSS file; use survey import for .sav data")
    text, _enc = decode_bytes(p.read_bytes(), str(path))
    if not text.strip():
        raise MinyiError.of("file-empty", file=str(path))
    return read_text_table(text, str(path))
