"""Reading a project wave for analysis: columnar, once per command, exclusions as a mask.

The store keeps one wide ``responses`` table (answers typed: codes SMALLINT/INTEGER, numbers
DOUBLE, text VARCHAR).  A command reads it here:

* only the columns it needs, in one DuckDB scan streamed as Arrow record batches (progress can
  count the rows), never ``SELECT *`` into pandas;
* without ``ORDER BY`` on the wide table: rows come back in storage order and the row key
  ``(_import_id << 40) + _row`` is checked to be increasing — it is, for data imported in one
  piece — and only when it is not are the rows put in order (a numpy argsort of one int64 column
  and an Arrow ``take``, not a database sort of every column);
* the project's exclusion rules become one boolean mask from the stored flags (their keys),
  counted per rule, and the kept rows are selected column by column as each becomes a numpy
  array (a numpy mask; an Arrow filter of nullable SMALLINT columns was ~10x slower);
* codes reach pandas as float32 (exact for SMALLINT codes, half the memory of float64; INTEGER
  codes and DOUBLE numbers stay float64), missing answers as NaN, each column its own block
  (``split_blocks``: no consolidation copy).
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np
import pandas as pd

from .quality import DEFAULT_EXCLUSIONS, FLAG_NAMES

KEY_COLUMNS = ("_import_id", "_row")
_BATCH_ROWS = 262_144


def row_key(import_id: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One int64 per stored row: ``(_import_id << 40) + _row`` (the order rows were imported in)."""
    return (np.asarray(import_id, dtype=np.int64) << 40) + np.asarray(row, dtype=np.int64)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_arrow(con, wave: Optional[str], columns: Sequence[str], *,
               progress: Optional[Callable[[int], None]] = None):
    """``columns`` (plus the row key) of ``wave`` (None: every wave) as one Arrow table, in storage
    order; ``progress(rows)`` is called after each record batch."""
    import pyarrow as pa

    from .arrow_memory import use_fast_pool

    use_fast_pool()  # before the first large Arrow allocation of the command (see survey.arrow_memory)
    cols = list(dict.fromkeys([*KEY_COLUMNS, *columns]))
    where = " WHERE _wave = $wave" if wave is not None else ""
    rel = con.sql(f"SELECT {', '.join(quote(c) for c in cols)} FROM responses{where}",
                  params={"wave": wave} if wave is not None else None)
    reader = rel.to_arrow_reader(_BATCH_ROWS)
    batches = []
    for b in reader:
        batches.append(b)
        if progress is not None:
            progress(b.num_rows)
    return pa.Table.from_batches(batches, schema=reader.schema)


def storage_order(key: np.ndarray) -> Optional[np.ndarray]:
    """None when ``key`` is strictly increasing (rows already in import order), else the
    permutation that sorts it (stable)."""
    if key.size < 2 or bool(np.all(key[1:] > key[:-1])):
        return None
    return np.argsort(key, kind="stable")


MAX_RUNS = 256  # more stretches than this: one take is as cheap as the slices


def in_import_order(table, key: np.ndarray):
    """``(table, key)`` with the rows in import order (``key`` increasing).

    DuckDB's parallel scan hands back row groups (122,880 rows) in the order its threads finish them,
    so a wave arrives as stretches of rows that are each in order.  The permutation that sorts
    ``key`` (:func:`storage_order`) is cut where it stops stepping by one; each piece is a stretch of
    the table as read, so at most :data:`MAX_RUNS` pieces are put in order by zero-copy slices (no
    column is copied), and only a finer shuffle costs one ``take`` of every column."""
    import pyarrow as pa

    order = storage_order(key)
    if order is None:
        return table, key
    starts = np.flatnonzero(np.diff(order) != 1) + 1
    if starts.size < MAX_RUNS:
        bounds = np.concatenate([[0], starts, [order.size]]).tolist()
        pieces = [table.slice(int(order[lo]), hi - lo) for lo, hi in zip(bounds[:-1], bounds[1:])]
        return pa.concat_tables(pieces), key[order]
    return select_rows(table, None, order), key[order]


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


def select_rows(table, keep: Optional[np.ndarray], order: Optional[np.ndarray]):
    """The rows of ``table`` in ``order`` (None: as stored) that ``keep`` marks (None: all)."""
    import pyarrow as pa

    if order is None and (keep is None or bool(keep.all())):
        return table
    if order is None:
        return table.filter(pa.array(keep))
    idx = order if keep is None else order[keep[order]]
    return table.take(pa.array(idx))


def to_frame(table, types: dict, columns: Sequence[str], *, codes_float32: bool = True,
             keep: Optional[np.ndarray] = None) -> pd.DataFrame:
    """``columns`` of the Arrow table, in that order, as the analysis layout: codes float (NaN = no
    answer), numbers float64, text as strings; ``codes_float32`` keeps SMALLINT codes as float32
    (exact), else float64.  ``keep``: only the rows it marks (a boolean mask in the table's row
    order), selected after the numeric columns are numpy arrays (a NumPy mask is ~10x faster than an
    Arrow filter of nullable SMALLINT columns).  One block per column (no consolidation copy); the
    Arrow buffers are released as they are converted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if keep is not None and bool(keep.all()):
        keep = None
    mask = None if keep is None else pa.array(keep)
    fields, arrays = [], []
    for name in columns:
        col = table.column(name)
        t = types.get(name)
        if t == "SMALLINT":
            target = pa.float32() if codes_float32 else pa.float64()
        elif t in ("INTEGER", "DOUBLE"):
            target = pa.float64()
        else:
            target = col.type
        col = col if col.type == target else col.cast(target)
        if pa.types.is_floating(target) and col.null_count:
            # nulls become NaN here, as to_pandas would make them (its own fill is ~2x slower)
            col = pc.fill_null(col, pa.scalar(np.nan, target))
        if keep is not None:
            col = pa.array(col.to_numpy()[keep]) if pa.types.is_floating(target) else pc.filter(col, mask)
        arrays.append(col)
        fields.append(pa.field(name, target))
    out = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    del arrays, table
    return out.to_pandas(split_blocks=True, self_destruct=True)


def select_frame(frame: pd.DataFrame, columns: Sequence[str], keep: Optional[np.ndarray] = None, *,
                 codes_float32: bool = True) -> pd.DataFrame:
    """``columns`` of a frame made by :func:`to_frame` (codes float32) with only the rows ``keep`` marks
    (None: all), the same as :func:`to_frame` of those columns and rows would give, taking the columns
    out of ``frame`` (it is left empty: each column is freed as its selection is made, so the two
    frames are never both whole in memory).  Each column is selected by one numpy mask (no Arrow
    conversion again, no consolidation copy; a column kept whole is moved, not copied);
    ``codes_float32=False`` widens the float32 codes to float64."""
    if keep is not None and bool(keep.all()):
        keep = None
    want = set(columns)
    for name in [c for c in frame.columns if c not in want]:
        del frame[name]
    out = {}
    for name in columns:
        s = frame.pop(name)
        if isinstance(s.dtype, np.dtype):
            arr = s.to_numpy()
            if keep is not None:
                arr = arr[keep]
            if arr.dtype == np.float32 and not codes_float32:
                arr = arr.astype(np.float64)
        else:  # text and other extension types keep their dtype
            arr = s.array if keep is None else s.array[keep]
        out[name] = arr
    return pd.DataFrame(out, copy=False)
