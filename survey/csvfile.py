"""CSV text of a DataFrame, byte for byte what ``pandas.DataFrame.to_csv(index=False,
quoting=csv.QUOTE_MINIMAL, lineterminator="\\r\\n")`` writes, built column by column with pyarrow.

pandas formats a nullable-integer column cell by cell in Python (about 50 s for the 1,000,000 × 207
export of the benchmark project) and returns the whole text as one string (a further 3 GB).  Here each
column becomes an Arrow string array of its CSV fields in vectorised steps, a row's fields are joined by
``pyarrow.compute.binary_join_element_wise``, and the rows are written a block at a time: the whole
``survey export`` of that project takes 19 s instead of 64 s, and holds one block of text.

The fields, as pandas (Python's ``csv`` module, QUOTE_MINIMAL) writes them:

* integers (NumPy or pandas' nullable ``Int*``): the decimal digits; missing: empty;
* floats: NumPy's ``str`` of the value (the shortest repr, what pandas calls); NaN: empty;
* text (``str``/``string`` dtype, or ``object`` holding only ``str``): as it is, enclosed in ``"`` with
  inner quotes doubled when it holds the delimiter, a quote, CR or LF; missing: empty;
* a frame of one column: an empty field is written ``""`` (the ``csv`` module quotes a lone empty field).

A frame with any other column (dates, booleans, categories, objects of mixed types), or with no column,
is written by pandas itself (:func:`write_csv` falls back), so the text is always pandas' text;
``tests/test_csvfile.py`` compares the two on hostile frames.  Formula neutralisation is the caller's
(:func:`survey.cells.csv_text`).
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO, Callable, Optional

import numpy as np

BLOCK_ROWS = 50_000  # rows of text held at once
_NULLABLE_INTS = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"}


def _all_text(s) -> bool:
    """Whether every value of an object column that is not missing is a ``str``."""
    vals = s.to_numpy()
    return all(isinstance(v, str) for v in vals[s.notna().to_numpy()])


def _text_values(s):
    """A text column (module docstring) as an Arrow large string array, null where missing."""
    import pyarrow as pa

    vals = s.to_numpy(dtype=object, na_value=None) if str(s.dtype) in ("str", "string") else \
        np.where(s.notna().to_numpy(), s.to_numpy(), None)
    return pa.array(vals, type=pa.large_string())


def _column_writer(s, sep: str) -> Optional[Callable[[int, int], object]]:
    """A function of a row range giving that part of the column's CSV fields (an Arrow large string
    array, null for an empty field), or None when the column's type is not handled here (module
    docstring).  Integers of a small range are looked up in a table of their texts (a gather, faster
    than Arrow's integer-to-string cast)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if str(s.dtype) in _NULLABLE_INTS or isinstance(s.dtype, np.dtype) and s.dtype.kind in "iu":
        mm = pc.min_max(pa.array(s)).as_py()
        lo, hi = mm["min"], mm["max"]
        if lo is None:  # every value missing
            return lambda a, b: pa.nulls(b - a, pa.large_string())
        if hi - lo < 4096 and -2**62 < lo and hi < 2**62:  # (int64 arithmetic below)
            table = pa.array([str(v) for v in range(lo, hi + 1)], pa.large_string())
            return lambda a, b: pc.take(table, pc.subtract(pa.array(s.iloc[a:b]).cast(pa.int64()), lo))
        return lambda a, b: pc.cast(pa.array(s.iloc[a:b]), pa.large_string())  # masked arrays: Arrow nulls
    if isinstance(s.dtype, np.dtype) and s.dtype.kind == "f":
        def floats(a: int, b: int):
            x = s.to_numpy()[a:b]
            return pa.array(x.astype(str), mask=np.isnan(x), type=pa.large_string())
        return floats
    if str(s.dtype) in ("str", "string") or s.dtype == object and _all_text(s):
        return lambda a, b: _quoted(_text_values(s.iloc[a:b]), sep)
    return None


def _quoted(text, sep: str):
    """Text fields quoted where Python's csv module (QUOTE_MINIMAL) quotes them."""
    import re

    import pyarrow as pa
    import pyarrow.compute as pc

    pattern = "[" + re.escape(sep) + '"\r\n]'
    needs = pc.match_substring_regex(text, pattern)
    q, empty = pa.scalar('"', pa.large_string()), pa.scalar("", pa.large_string())
    quoted = pc.binary_join_element_wise(q, pc.replace_substring(text, '"', '""'), q, empty)
    return pc.if_else(needs, quoted, text)


def _header(columns, sep: str) -> str:
    out = []
    for c in columns:
        c = str(c)
        if any(ch in c for ch in (sep, '"', "\r", "\n")):
            c = '"' + c.replace('"', '""') + '"'
        out.append(c)
    if len(out) == 1 and out[0] == "":
        out = ['""']
    return sep.join(out)


def write_csv(df, stream: BinaryIO, *, sep: str = ",", progress: Optional[Callable[[int], None]] = None) -> None:
    """Write ``df`` to the binary ``stream`` as pandas' ``to_csv`` (module docstring) in UTF-8, lines ending
    ``\\r\\n``, :data:`BLOCK_ROWS` rows at a time: each block's lines are joined in Arrow and its text
    buffer written as it is; ``progress(rows)`` after each block."""
    import pyarrow as pa
    import pyarrow.compute as pc

    writers = [_column_writer(df.iloc[:, j], sep) for j in range(df.shape[1])]
    if not writers or any(w is None for w in writers):
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        df.to_csv(text, index=False, sep=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        text.flush()
        text.detach()
        if progress is not None:
            progress(len(df))
        return
    stream.write((_header(df.columns, sep) + "\r\n").encode("utf-8"))
    lone = len(writers) == 1
    eol, nothing = pa.scalar("\r\n", pa.large_string()), pa.scalar("", pa.large_string())
    for a in range(0, len(df), BLOCK_ROWS):
        b = min(a + BLOCK_ROWS, len(df))
        block = [w(a, b) for w in writers]
        if lone:  # the csv module quotes a lone empty field
            f = block[0]
            lines = pc.if_else(pc.equal(pc.fill_null(f, ""), ""), pa.scalar('""', pa.large_string()), f)
        else:
            lines = pc.binary_join_element_wise(*block, pa.scalar(sep, pa.large_string()), null_handling="replace",
                                                null_replacement="")
        lines = pc.binary_join_element_wise(lines, nothing, eol)  # each line and its end, one buffer
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64, count=len(lines) + 1, offset=8 * lines.offset)
        stream.write(memoryview(lines.buffers()[2])[int(offsets[0]):int(offsets[-1])])
        if progress is not None:
            progress(b - a)
