"""Reading a project wave for analysis: columnar, once per command, exclusions as a mask.

The store keeps one wide ``responses`` table (answers typed: codes SMALLINT/INTEGER, numbers
DOUBLE, text VARCHAR).  A command reads it here:

* only the columns it needs, in one DuckDB scan streamed as Arrow record batches (progress can
  count the rows), never ``SELECT *`` into pandas;
* without ``ORDER BY`` on the wide table: the row keys ``(_import_id << 40) + _row`` are read and
  sorted first (one narrow scan), and each record batch of the wide scan is written to its rows
  (:func:`read_columns`), so the rows end in import order without a sort or copy of any column;
* codes are written from the Arrow buffers into one numpy array per column, allocated once for the
  wave: float32 (exact for SMALLINT codes, half the memory of float64; INTEGER codes and DOUBLE
  numbers float64), missing answers NaN; each batch is released once written;
* the project's exclusion rules become one boolean mask from the stored flags (their keys),
  counted per rule, and the kept rows are moved to the front of each column in place
  (:meth:`StoredColumns.frame`), not copied to a second frame;
* the frame holds each column as its own block (``split_blocks``: no consolidation copy).
"""

from __future__ import annotations

from typing import Callable, Collection, Optional, Sequence

import numpy as np
import pandas as pd

from .columns import MISSING_CODE
from .dbfile import is_damage, read_error
from .errors import MinyiError
from .quality import DEFAULT_EXCLUSIONS, FLAG_NAMES

KEY_COLUMNS = ("_import_id", "_row")
# Rows per record batch of the wide scan.  Each batch is a fresh allocation of every column read; at 1M
# rows × 210 columns, 262,144-row batches left the read at 1.51–1.54 GB RSS with 350,000 page faults,
# 32,768-row batches at 1.30–1.31 GB with 298,000 (the same wall time within the spread; 16,384: 1.26 GB,
# no faster).  Measured with survey.reading.read_columns on the benchmark's 1M project, 2-core VM.
_BATCH_ROWS = 32_768


def row_key(import_id: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One int64 per stored row: ``(_import_id << 40) + _row`` (the order rows were imported in)."""
    return (np.asarray(import_id, dtype=np.int64) << 40) + np.asarray(row, dtype=np.int64)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def storage_order(key: np.ndarray) -> Optional[np.ndarray]:
    """None when ``key`` is strictly increasing (rows already in import order), else the
    permutation that sorts it (stable)."""
    if key.size < 2 or bool(np.all(key[1:] > key[:-1])):
        return None
    return np.argsort(key, kind="stable")


class StoredColumns:
    """Columns of a wave as :func:`read_columns` returns them, rows in import order (``key`` increasing):
    codes and numbers as numpy arrays owned by this object (float32 or float64, NaN = no answer), other
    columns (text) as Arrow arrays.  :meth:`frame` makes the analysis frame from them."""

    def __init__(self, arrays: dict, key: np.ndarray):
        self.arrays = arrays
        self.key = key

    @property
    def n(self) -> int:
        return int(self.key.size)

    def frame(self, columns: Sequence[str], keep: Optional[np.ndarray] = None, *,
              codes_float32: bool = True) -> pd.DataFrame:
        """``columns`` as a DataFrame (one block per column, the numpy arrays without a copy).

        ``keep``: only the rows it marks.  This uses the columns up: the kept rows are moved to the
        front of each numpy array in place (one column-sized scratch array at a time, reused, so no
        second copy of the wave is made), the other columns are released, and neither this object nor
        a frame made from it earlier may be used afterwards.  ``codes_float32=False`` widens float32
        codes to float64."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if keep is not None and bool(keep.all()):
            keep = None
        if keep is not None:
            cols = {c: self.arrays[c] for c in columns}
            self.arrays, self.key = {}, self.key[keep]
        else:
            cols = self.arrays
        k = self.n
        mask = None if keep is None else pa.array(keep)
        if keep is not None:  # the kept rows to the front of each numpy column, on two threads when there are
            _compact([cols[c] for c in dict.fromkeys(columns) if isinstance(cols[c], np.ndarray)], keep)
        arrays, fields = [], []
        for name in columns:
            col = cols[name]
            if isinstance(col, np.ndarray):
                if keep is not None:
                    col = col[:k]
                if col.dtype == np.float32 and not codes_float32:
                    col = col.astype(np.float64)
                col = pa.array(col)
            elif keep is not None:
                col = pc.filter(col, mask)
            arrays.append(col)
            fields.append(pa.field(name, col.type))
        del cols
        out = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
        del arrays
        return out.to_pandas(split_blocks=True, self_destruct=True)


def _compact(columns: list, keep: np.ndarray) -> None:
    """Move the rows ``keep`` marks to the front of each column, in place (``col[:k] = col[keep]``): the
    columns in two halves on two threads when there are (:func:`survey.cores.in_two`; numpy's boolean
    indexing releases the GIL; at 1M rows × 200 columns 0.29 s on one thread, 0.16 s on two)."""
    from .cores import in_two

    k = int(np.count_nonzero(keep))

    def move(cols: list) -> None:
        for col in cols:
            col[:k] = col[keep]

    in_two(move, [columns[: len(columns) // 2], columns[len(columns) // 2:]], len(keep), "minyi-read")


_NUMERIC = {"SMALLINT", "INTEGER", "DOUBLE"}


def read_columns(con, wave: Optional[str], columns: Sequence[str], types: dict, *, codes_float32: bool = True,
                 raw_codes: Collection[str] = (), progress: Optional[Callable[[int], None]] = None) -> StoredColumns:
    """``columns`` of ``wave`` (None: every wave) in import order, read in one DuckDB scan.

    The row keys are read first (one narrow scan, sorted), so the wide scan's record batches — which
    DuckDB's parallel scan returns in the order its threads finish them — are written straight to
    their rows: each code or number column (SMALLINT → float32, or float64 without
    ``codes_float32``; INTEGER and DOUBLE → float64) into a numpy array allocated once for the whole
    wave, from the Arrow buffers (values cast by numpy, the validity bitmap unpacked to set NaN), and
    the batch is then released.  No Arrow cast, null fill or concatenation is made, and the stored
    batches never live beside the converted columns (at 1M rows that was 0.55 GB more).  Text and
    other columns are copied out of each batch as Arrow arrays (so the batch can be freed) and put in
    order at the end.  Both scans run in one transaction, so they see the same rows.
    ``progress(rows)`` is called after each record batch."""
    import pyarrow as pa

    from .arrow_memory import use_fast_pool

    use_fast_pool()  # before the first large Arrow allocation of the command (see survey.arrow_memory)
    cols = list(dict.fromkeys(columns))
    scanned = [*KEY_COLUMNS, *(c for c in cols if c not in KEY_COLUMNS)]
    where_in = {c: scanned.index(c) for c in cols}
    where = " WHERE _wave = $wave" if wave is not None else ""
    params = {"wave": wave} if wave is not None else None
    con.execute("BEGIN TRANSACTION")
    reader = None
    try:
        kk = con.sql(f"SELECT (_import_id::BIGINT << 40) + _row::BIGINT AS k FROM responses{where}",
                     params=params).fetchnumpy()["k"]
        key = np.sort(np.asarray(kk, dtype=np.int64))
        del kk
        n = int(key.size)
        sel = ", ".join(quote(c) for c in scanned)
        reader = con.sql(f"SELECT {sel} FROM responses{where}", params=params).to_arrow_reader(_BATCH_ROWS)
        raw = set(raw_codes)
        dtypes = {c: (np.int16 if c in raw else np.float32 if codes_float32 else np.float64)
                  if types.get(c) == "SMALLINT" else np.float64 for c in cols if types.get(c) in _NUMERIC}
        arrays: dict = {c: np.empty(n, dtype=dt) for c, dt in dtypes.items()}
        pieces: dict = {c: [] for c in cols if c not in dtypes}
        places = []
        for b in reader:
            m = b.num_rows
            bk = row_key(b.column(0).to_numpy(zero_copy_only=False), b.column(1).to_numpy(zero_copy_only=False))
            at = _place(key, bk)
            places.append(at)
            for c in cols:
                chunk = b.column(where_in[c])
                if c in arrays:
                    _put(arrays[c], at, chunk)
                else:
                    pieces[c].append(pa.concat_arrays([chunk]))  # a copy: the batch is freed when this loop moves on
            del b
            if progress is not None:
                progress(m)
        if sum(_size(at) for at in places) != n:
            raise RuntimeError("the stored responses changed while they were read")
        schema = reader.schema
    except BaseException as e:  # Ctrl-C or an error mid-scan: DuckDB's result is still open on the connection
        if reader is not None:
            reader.close()
        try:
            con.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the connection is unusable now; the first error is the one to report
            pass
        if getattr(con, "path", None) is not None and not isinstance(e, MinyiError) and is_damage(e):
            raise read_error(con.path, e) from None  # a block of the file cut short or overwritten: one message
        raise
    con.execute("ROLLBACK")
    for c, chunks in pieces.items():
        arrays[c] = _in_order(chunks, places, schema.field(c).type, n)
    return StoredColumns({c: arrays[c] for c in cols}, key)


def _place(key: np.ndarray, bk: np.ndarray):
    """Where the rows with keys ``bk`` go in the sorted ``key``: a slice when they are a stretch of it
    (a row group read in order), else their positions."""
    if not bk.size:
        return slice(0, 0)
    lo = int(np.searchsorted(key, bk[0]))
    hi = lo + bk.size
    if hi <= key.size and key[lo] == bk[0] and key[hi - 1] == bk[-1] and np.array_equal(key[lo:hi], bk):
        return slice(lo, hi)
    pos = np.searchsorted(key, bk)
    if np.any(pos >= key.size) or not np.array_equal(key[np.minimum(pos, key.size - 1)], bk):
        raise RuntimeError("the stored responses changed while they were read")
    return pos


def _size(at) -> int:
    return at.stop - at.start if isinstance(at, slice) else int(at.size)


_FROM_BUFFERS = {"int16": np.int16, "int32": np.int32, "int64": np.int64, "float": np.float32, "double": np.float64}


_BLANK = {"h": np.array([MISSING_CODE, 0], dtype=np.int16), "f": np.array([np.nan, 0], dtype=np.float32),
          "d": np.array([np.nan, 0.0])}  # what _put adds to a row, by whether it is answered (0 or 1)


def _put(out: np.ndarray, at, chunk) -> None:
    """Write an Arrow chunk of codes or numbers to ``out[at]``: its values (from the data buffer, cast by
    numpy) with NaN where it is null (its validity bitmap), or :data:`survey.columns.MISSING_CODE` in an
    int16 ``out`` (raw codes)."""
    import pyarrow as pa

    m = len(chunk)
    dt = _FROM_BUFFERS.get(str(chunk.type))
    valid = None
    if dt is None:  # any other type (e.g. all NULL): Arrow's conversion, nulls as NaN
        vals = chunk.cast(pa.float64()).to_numpy(zero_copy_only=False)
    else:
        bufs = chunk.buffers()
        vals = np.frombuffer(bufs[1], dtype=dt, count=m, offset=chunk.offset * np.dtype(dt).itemsize)
        if chunk.null_count and bufs[0] is not None:
            bits = np.frombuffer(bufs[0], dtype=np.uint8)
            valid = np.unpackbits(bits, count=chunk.offset + m, bitorder="little")[chunk.offset:].view(bool)
    missing = MISSING_CODE if out.dtype == np.int16 else np.nan
    if dt is None and out.dtype == np.int16:
        vals = chunk.cast(pa.int16()).fill_null(MISSING_CODE).to_numpy(zero_copy_only=False)
    if isinstance(at, slice):
        o = out[at]
        np.copyto(o, vals, casting="unsafe")
        if valid is not None:  # blanks by arithmetic, not a masked assignment (that branches on every row)
            if out.dtype == np.int16:
                np.multiply(o, valid, out=o)  # a blank 0, then + MISSING_CODE
            np.add(o, _BLANK[out.dtype.char].take(valid.view(np.uint8)), out=o)  # + NaN / + 0
    else:
        v = vals.astype(out.dtype)
        if valid is not None:
            np.putmask(v, ~valid, missing)
        out[at] = v


def _in_order(chunks: list, places: list, typ, n: int):
    """The copied chunks of one column (one per record batch, placed at ``places``) as one Arrow
    column in import order."""
    import pyarrow as pa

    if all(isinstance(at, slice) for at in places):
        order = sorted(range(len(chunks)), key=lambda i: places[i].start)
        return pa.chunked_array([chunks[i] for i in order], type=typ)
    arr = pa.concat_arrays(chunks) if chunks else pa.array([], type=typ)
    pos = np.concatenate([np.arange(at.start, at.stop) if isinstance(at, slice) else at for at in places])
    inv = np.empty(n, dtype=np.int64)
    inv[pos] = np.arange(n)
    return pa.chunked_array([arr.take(pa.array(inv))], type=typ)


def exclusion_mask(key: np.ndarray, flag_key: np.ndarray, flag_kind: np.ndarray,
                   rules: Optional[dict] = None) -> tuple[np.ndarray, dict]:
    """Rows to keep under the exclusion ``rules`` and {rule name (中文): rows excluded}.

    Same semantics as :func:`survey.quality.apply_exclusions`: rules in the order of
    :data:`FLAG_NAMES`; a row flagged by several excluded kinds counts once, under the first.
    """
    rules = {**DEFAULT_EXCLUSIONS, **(rules or {})}
    drop = np.zeros(key.size, dtype=bool)
    counts = {}
    if flag_key.size:
        order = np.argsort(key, kind="stable") if storage_order(key) is not None else None
        sk = key if order is None else key[order]
        for kind in FLAG_NAMES:
            if not rules.get(kind):
                continue
            fk = flag_key[flag_kind == kind]
            if not fk.size:
                continue
            pos = _matches(sk, fk)
            new = np.zeros(key.size, dtype=bool)
            new[pos if order is None else order[pos]] = True
            counts[FLAG_NAMES[kind]] = int((new & ~drop).sum())
            drop |= new
    return ~drop, {k: v for k, v in counts.items() if v}


def _matches(sorted_key: np.ndarray, fk: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(sorted_key, fk)
    ok = pos < sorted_key.size
    pos, fk = pos[ok], fk[ok]
    return pos[sorted_key[pos] == fk]
