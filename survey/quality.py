"""Data-quality checks (vectorised): duplicates, identical answers, same IP, speeders,
straight-lining, item non-response.

:func:`quality_flags` returns one record per flagged row (index, kind, detail);
:func:`apply_exclusions` drops the rows whose flags are excluded by the project's rules
and reports counts per rule — the report's sample section cites them.

* ``duplicate_id`` — a respondent id already seen on an earlier row (the first occurrence is kept): of the same
  import, or of an earlier import that repeats this one's responses (:func:`imports_repeat`).  Ids that two imports
  share with other answers are distinct respondents — 问卷星 numbers 序号 from 1 in every download, so one download
  per site repeats the ids of the others — and are not flagged; :class:`RestartedIds` tells which;
* ``identical_answers`` — the whole answer vector (every non-text answer column) equals an
  earlier row's (the first is kept; rows with no answer at all are not compared);
* ``same_ip`` — the same IP as an earlier row and at least ``near_identical`` (default 90 %) of the
  answer columns equal (two blanks count as equal), compared with every earlier row of that IP
  (with more than 2,000,000 pairs in one IP group, with the previous row of that IP only);
* ``speeder`` — completion time below ``speeder_fraction`` × the median completion time of the
  checked rows (default 1/3, the rule used by 问卷星 and common in online-panel cleaning);
* ``straightliner`` — the same answer on every row of a matrix with at least
  ``straightline_min_rows`` rows (default 5), all rows answered.

Item non-response (:func:`item_nonresponse`) is the share of respondents *asked* a question
(skip logic and site sections applied) who left it unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd

from .columns import MISSING_CODE, answer_array, answered, raw_as_float
from .check_signature import SPEEDER_FRACTION
from .cores import PARALLEL_ROWS
from .labels import labels
from .questionnaire import Questionnaire

FLAG_NAMES = labels("flag", "zh")  # kind → its name (the label table, survey.labels); also the order of the rules
DEFAULT_EXCLUSIONS = {"duplicate_id": True, "identical_answers": True, "speeder": True, "straightliner": False,
                      "same_ip": False}
_MAX_PAIRS = 2_000_000
KINDS = ("duplicate_id", "identical_answers", "same_ip", "speeder", "straightliner")  # the order flags are returned in


def answer_column_names(q: Questionnaire) -> list[str]:
    """The non-text answer columns of ``q`` (no other-text columns)."""
    return [c for qq in q.questions if qq.type != "text" for c in qq.columns() if not c.endswith("_other")]


def answer_columns(frame: pd.DataFrame, q: Questionnaire) -> list[str]:
    """The non-text answer columns of ``q`` present in ``frame``."""
    return [c for c in answer_column_names(q) if c in frame.columns]


SAME_RESPONSE_SHARE = 0.5  # of the ids two imports share: from this share with the same answers on, a repeat
COUNTER_SPAN = 2  # ids counting rows: whole numbers from 1 up to this many times the larger import's rows
COUNTER_RX = r"[1-9][0-9]{0,9}"  # a row counter: 问卷星's 序号 (no sign, no leading zero), or the number after
# the file's name in the id <file>:<row> minyi gives the rows of a file without a respondent id column
# (survey.importers.converter; :func:`counter_numbers`): two such files of one name share those ids as two 序号
# downloads do.  A user's own id with a colon (A:12, 2024:15, 站点:3) names a respondent: not a counter


def counter_numbers(ids: pd.Series, sources: Optional[pd.Series] = None) -> pd.Series:
    """The row number each respondent id counts (:data:`COUNTER_RX`), <NA> for an id that is no row counter: an id
    that is the number itself (问卷星's 序号), or ``<file>:<number>`` where ``<file>`` is the row's own file
    (``sources``, the stored ``_source``), as minyi numbers the rows of a file without respondent ids.  Any other
    id (``A:12``, ``2024:15``, ``站点:3``, ``0012``) names a respondent, whatever digits it holds."""
    ids = ids.astype("string")
    num = ids.where(ids.str.fullmatch(COUNTER_RX).fillna(False).astype(bool))
    if sources is not None:  # <file>:<n>: the file's name before the last colon, the number after it
        parts = ids.str.rpartition(":")
        src = pd.Series(np.asarray(sources, dtype=object), index=ids.index).astype("string")
        mine = ((parts[1] == ":") & (parts[0] == src) & parts[2].str.fullmatch(COUNTER_RX)).fillna(False).astype(bool)
        num = num.fillna(parts[2].where(mine))
    return pd.to_numeric(num, errors="coerce")


def counter_sql(rid: str, sources: tuple) -> str:
    """SQL of :func:`counter_numbers` for the id ``rid`` of rows whose files are the SQL expressions ``sources`` (one
    id shared by rows of two imports: ``<file>:<n>`` counts rows only when it is that file's name in both): the row
    number as BIGINT, NULL for an id that names a respondent."""
    mine = " AND ".join(f"starts_with({rid}, {s} || ':')" for s in sources)
    tail = f"substr({rid}, length({sources[0]}) + 2)"
    return (f"(CASE WHEN regexp_full_match({rid}, '{COUNTER_RX}') THEN TRY_CAST({rid} AS BIGINT) "
            f"WHEN {mine} AND regexp_full_match({tail}, '{COUNTER_RX}') THEN TRY_CAST({tail} AS BIGINT) END)")


def imports_repeat(shared: int, same: int, counters: bool = True) -> bool:
    """Whether a later import repeats an earlier import's responses, from the respondent ids the two share
    (``shared``, each id's first row in each) and how many of those have the same answers in both (``same``):
    a cumulative 问卷星 download on top of the last one, the same file saved again, or a corrected copy (a few
    answers changed) has the same answers for most of them; two downloads whose 序号 each restart at 1 (one per
    site) have other respondents' answers under the same numbers, the same for next to none.  That reading needs
    the shared ids to be row counters (``counters``, :func:`row_counters`): ids that name people (phone or
    student numbers, codes) shared with other answers are the same respondent answering twice, a repeat."""
    return shared > 0 and (not counters or same >= SAME_RESPONSE_SHARE * shared)


def row_counters(all_whole: bool, largest: Optional[int], rows: int) -> bool:
    """Whether the ids two imports share count rows as 问卷星's 序号 does: every one a whole number from 1
    (``all_whole``, :data:`COUNTER_RX`) and the ``largest`` no more than :data:`COUNTER_SPAN` × ``rows`` (the larger
    import's rows), not 11-digit phone numbers or 8-digit student numbers."""
    return bool(all_whole) and largest is not None and int(largest) <= COUNTER_SPAN * max(int(rows), 1)


@dataclass(frozen=True)
class RestartedIds:
    """Rows of one import (``later``) whose respondent id earlier imports of the wave hold too, with other answers
    (:func:`imports_repeat` false for each of them): distinct respondents under the same numbers, kept as distinct
    responses (not ``duplicate_id``).  ``earlier``: ((import id, ids shared with it), …), in import order."""

    later: int
    rows: int
    earlier: tuple


@dataclass(frozen=True)
class StoredSums:
    """What the project store computes for the checks where the data live (DuckDB, on its own threads):
    the respondent ids stored more than once in the checked rows."""

    repeated_ids: list


def quality_flags(frame: pd.DataFrame, q: Questionnaire, *, speeder_fraction: float = SPEEDER_FRACTION,
                  near_identical: float = 0.9, straightline_min_rows: int = 5,
                  stored=None, restarted: Optional[list] = None) -> pd.DataFrame:
    """Flags for every row (see module docstring): DataFrame of (index, kind, detail).

    ``stored``: a :class:`StoredSums` of the frame's rows (the project store's), or a function returning
    one or None, called when it is first needed (so the store computes it beside the checks before
    it): the repeated ids limit the search for duplicate ids to their rows (when the frame's ids are
    stored trimmed, as imports store them).  ``restarted``: a list that receives a :class:`RestartedIds` per
    import whose repeated ids are kept as distinct respondents (the frame's ``_import_id`` says which row is
    of which import; without it every repeated id is flagged)."""
    got: list = []

    def sums() -> Optional[StoredSums]:
        if not got:
            got.append(stored() if callable(stored) else stored)
        return got[0]

    frame = frame.reset_index(drop=True)
    n = len(frame)
    parts: dict = {}  # kind -> its flags; returned in the order of KINDS

    def add(mask, kind, detail):
        """``detail``: one text for every flagged row, or a function of the flagged rows' positions giving
        each its text (so a text is made only for the rows flagged)."""
        idx = np.flatnonzero(mask)
        if idx.size:
            det = detail if isinstance(detail, str) else np.asarray(detail(idx), dtype=object)
            parts[kind] = pd.DataFrame({"index": idx, "kind": kind, "detail": det})

    # the checks of the frame alone first: the store's sums (``stored``) are computed meanwhile
    if "duration_sec" in frame.columns:
        d = pd.to_numeric(frame["duration_sec"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ok = ~np.isnan(d)
        if ok.any():
            med = float(np.median(d[ok]))
            thr = speeder_fraction * med
            with np.errstate(invalid="ignore"):
                fast = ok & (d < thr)
            add(fast, "speeder", f"用时低于中位数 {med:.0f} 秒的 {speeder_fraction:.0%}（{thr:.0f} 秒）")
    for qq in q.questions:
        if qq.type == "matrix" and len(qq.rows) >= straightline_min_rows:
            mcols = [c for c in qq.columns() if c in frame.columns]
            if len(mcols) < straightline_min_rows:
                continue
            same = all_equal([answer_array(frame, c) for c in mcols])
            add(same, "straightliner", f"{qq.id} 各行（{len(mcols)} 行）答案相同")
    cols = answer_columns(frame, q)
    arrays = [answer_array(frame, c) for c in cols]  # views (float32 or int16 codes as read), no n x k copy
    if arrays:  # before the duplicate ids, whose store's sums are being computed meanwhile
        ident, first_pos = identical_answers(arrays, n)
        if ident.any():
            add(ident, "identical_answers", lambda idx: [f"与{w}的答卷完全相同" for w in _who(frame, first_pos[idx])])
        if "ip" in frame.columns:
            flagged, partner = _same_ip(frame["ip"], arrays, near_identical)
            if flagged.any():
                add(flagged, "same_ip",
                    lambda idx: [f"与{w}的答卷 IP 相同且答案高度相似" for w in _who(frame, partner[idx])])
    if "respondent_id" in frame.columns:
        raw_ids = frame["respondent_id"]
        dup = _repeated_rows(raw_ids, sums())
        if dup.any() and "_import_id" in frame.columns:
            dup = _across_imports(frame["_import_id"].to_numpy(), raw_ids, dup, arrays, restarted,
                                  frame["_source"].to_numpy(dtype=object) if "_source" in frame.columns else None)
        add(dup, "duplicate_id", lambda idx: ("编号 " + _trimmed_ids(raw_ids.iloc[idx]).fillna("")).to_numpy(dtype=object))
    if not parts:
        return pd.DataFrame({"index": np.array([], dtype=np.int64), "kind": np.array([], dtype=object),
                             "detail": np.array([], dtype=object)})
    return pd.concat([parts[k] for k in KINDS if k in parts], ignore_index=True)


def all_equal(xs: list) -> np.ndarray:
    """Whether each row has one answer in every column of ``xs`` (a straightliner): max == min over the
    columns; ``minimum``/``maximum`` carry a NaN (a row not answered) through, and NaN equals nothing, so
    every column answered and all the same.  In the columns' own type (float32 codes stay float32; int16
    raw codes stay int16, where :data:`~survey.columns.MISSING_CODE`, the smallest value, is the minimum
    of a row with a blank), a block of rows at a time (:data:`analysis.design.BLOCK_ROWS`: the running
    min and max stay in the CPU cache while the columns stream past)."""
    from analysis.design import BLOCK_ROWS

    if any(x.dtype == np.int16 for x in xs) and not all(x.dtype == np.int16 for x in xs):
        xs = [raw_as_float(x) if x.dtype == np.int16 else x for x in xs]
    raw = xs[0].dtype == np.int16
    n = len(xs[0])
    dt = np.result_type(*xs)
    out = np.empty(n, dtype=bool)
    lo = np.empty(min(n, BLOCK_ROWS), dtype=dt)
    hi = np.empty_like(lo)
    for a in range(0, n, BLOCK_ROWS):
        b = min(a + BLOCK_ROWS, n)
        lb, hb = lo[:b - a], hi[:b - a]
        lb[:] = xs[0][a:b]
        hb[:] = lb
        for x in xs[1:]:
            np.minimum(lb, x[a:b], out=lb)
            np.maximum(hb, x[a:b], out=hb)
        np.equal(hb, lb, out=out[a:b])
        if raw:
            out[a:b] &= lb != MISSING_CODE
    return out


def _trimmed_ids(raw: pd.Series) -> pd.Series:
    """Respondent ids trimmed, an empty one missing."""
    ids = raw.astype("string").str.strip()
    return ids.where(ids != "", None)


def _repeated_rows(raw: pd.Series, stored: Optional[StoredSums]) -> np.ndarray:
    """Whether each row's id (:func:`_trimmed_ids` of ``raw``) is an earlier row's (the first kept).  With
    the store's repeated ids, only the rows holding one of them are searched — the same rows, when the
    stored ids are the trimmed ones (checked: Arrow's trim, which ``str.strip`` of Arrow text is, leaves
    every id as it is and none is empty; then the ids are ``raw``'s own, and none is trimmed); otherwise
    every row's trimmed id is hashed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if stored is not None and isinstance(raw.dtype, pd.StringDtype) and raw.dtype.storage == "pyarrow":
        arr = pa.array(raw.array)  # pandas' Arrow text: its own Arrow array, no Python strings
        if pc.all(pc.equal(pc.utf8_trim_whitespace(arr), arr)).as_py() is not False \
                and not pc.any(pc.equal(arr, "")).as_py():
            out = np.zeros(len(raw), dtype=bool)
            if stored.repeated_ids:
                cand = np.flatnonzero(pc.is_in(arr, value_set=pa.array(stored.repeated_ids, type=arr.type))
                                      .to_numpy(zero_copy_only=False).astype(bool))
                out[cand[raw.iloc[cand].duplicated(keep="first").to_numpy(dtype=bool)]] = True
            return out
    ids = _trimmed_ids(raw)
    return (ids.notna() & ids.duplicated(keep="first")).to_numpy(dtype=bool)


def _across_imports(imp_all: np.ndarray, raw: pd.Series, dup: np.ndarray, arrays: list,
                    restarted: Optional[list], sources: Optional[np.ndarray] = None) -> np.ndarray:
    """``dup`` (the rows whose id an earlier row has) without the rows whose id only earlier imports that do not
    repeat this row's import (:func:`imports_repeat`) hold: those are distinct respondents under the same
    numbers, each told in ``restarted`` (a :class:`RestartedIds` per import).  A row whose id an earlier row of
    its own import has stays flagged.  Only the rows of the repeated ids are looked at; their answers are
    compared by :func:`mix_columns`' hash of every answer column (``arrays``)."""
    imp_all = np.asarray(imp_all, dtype=np.int64)
    if imp_all.min() == imp_all.max():
        return dup  # one import: every repeat is within a file
    ids = _trimmed_ids(raw)
    rep = ids.iloc[np.flatnonzero(dup)].unique()
    g = np.flatnonzero(ids.isin(rep).to_numpy(dtype=bool, na_value=False))
    h = mix_columns([x[g] for x in arrays], g.size) if arrays else np.zeros(g.size, dtype=np.uint64)
    rows = pd.DataFrame({"pos": g, "id": ids.iloc[g].to_numpy(dtype=object), "imp": imp_all[g], "h": h})
    first = rows[~rows.duplicated(["id", "imp"], keep="first")]  # each id's first row in each import
    pairs = first.merge(first, on="id", suffixes=("_o", "_n"))
    pairs = pairs[pairs["pos_o"] < pairs["pos_n"]].reset_index(drop=True)  # (an earlier import's row, a later one's)
    if not len(pairs):
        return dup
    pairs["same"] = pairs["h_o"] == pairs["h_n"]
    if sources is None:
        pairs["num"] = counter_numbers(pairs["id"])
    else:  # <file>:<n> counts rows when it is the name of the file of both rows
        src = np.asarray(sources, dtype=object)
        same_file = pd.Series(src[pairs["pos_o"].to_numpy()] == src[pairs["pos_n"].to_numpy()])
        pairs["num"] = counter_numbers(pairs["id"], pd.Series(src[pairs["pos_n"].to_numpy()]).where(same_file, None))
    pairs["whole"] = pairs["num"].notna()
    st = pairs.groupby(["imp_o", "imp_n"]).agg(size=("same", "size"), same=("same", "sum"), whole=("whole", "all"),
                                               largest=("num", "max"))
    imp_rows = pd.Series(imp_all).value_counts()
    counters = [row_counters(w, None if pd.isna(m) else int(m), max(imp_rows.get(o, 0), imp_rows.get(n_, 0)))
                for (o, n_), w, m in zip(st.index, st["whole"], st["largest"])]
    repeats = st.index[[imports_repeat(int(n), int(s), c) for n, s, c in zip(st["size"], st["same"], counters)]]
    pairs["repeat"] = pd.MultiIndex.from_arrays([pairs["imp_o"], pairs["imp_n"]]).isin(repeats)
    flagged = pairs.groupby("pos_n")["repeat"].any()
    kept = flagged.index.to_numpy(dtype=np.int64)[~flagged.to_numpy(dtype=bool)]
    if not kept.size:
        return dup
    out = dup.copy()
    out[kept] = False
    if restarted is not None:
        told = pairs[pairs["pos_n"].isin(kept)]
        per = told.groupby(["imp_n", "imp_o"]).size()
        for later, n in told.groupby("imp_n")["pos_n"].nunique().items():
            restarted.append(RestartedIds(int(later), int(n), tuple((int(o), int(k)) for o, k in per.loc[later].items())))
    return out


REFINE_COLUMNS = 24  # answer columns hashed per step of identical_answers


def identical_answers(arrays: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Whether each row's answer vector (the columns ``arrays``) equals an earlier row's, rows with no
    answer at all not compared, and for those rows the position of the first row with that vector (−1
    elsewhere).  Equality is that of :func:`mix_columns`' 64-bit hash (NaN equals NaN; −0.0 equals
    0.0; numbers to 6 decimals).

    The hash is built :data:`REFINE_COLUMNS` columns at a time (the columns taken spread over the
    questionnaire), and after each step only the rows whose hash so far another row shares are
    hashed further: a row whose first columns are unique cannot equal another row in all of them (the
    partition refinement of duplicate detection).  In a wave without copied answers few rows are left
    after two or three steps (1M rows × 199 columns, the benchmark's: 90,000, then 10, none; with 16
    columns a step 615,000, 4,600, 2, none), so about a seventh of the column values are hashed (0.14 s
    on one core, 0.17 s 16 columns a step, 0.9 s for every value); a wave made of copies costs at most
    every value once plus the gathers of the rows left."""
    ident = np.zeros(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    m = len(arrays)
    if not m or n < 2:
        return ident, first
    stride = -(-m // REFINE_COLUMNS)
    order = [i for j in range(stride) for i in range(j, m, stride)]  # each step's columns spread over the questions
    rows = None
    h = None
    for s in range(0, m, REFINE_COLUMNS):
        cols = [arrays[i] for i in order[s:s + REFINE_COLUMNS]]
        if rows is None:
            hh = mix_columns(cols, n)
        else:
            hh = mix_columns([x[rows] for x in cols], rows.size)
            hh ^= h * _P
        shared = pd.Series(hh).duplicated(keep=False).to_numpy()
        rows = np.flatnonzero(shared) if rows is None else rows[shared]
        h = hh[shared]
        if not rows.size:
            return ident, first
    has_answer = np.zeros(rows.size, dtype=bool)
    for x in arrays:
        has_answer |= answered(x[rows])
    later = pd.Series(h).duplicated(keep="first").to_numpy() & has_answer
    head = pd.Series(np.arange(rows.size)).groupby(h).transform("min").to_numpy()
    ident[rows[later]] = True
    first[rows[later]] = rows[head[later]]
    return ident, first


HASH_BLOCK = 65_536  # rows hashed at once: a block of every column's work stays in the CPU cache

_M1, _M2, _P = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(1000003)


def mix_columns(cols: list[np.ndarray], n: int) -> np.ndarray:
    """``h = h·1000003 ^ hash(x)`` over the columns ``cols`` (float; float64 rounded to 6 decimals, float32
    codes taken as they are; int16 raw codes by value), with ``hash`` pandas' ``hash_array`` of a float
    column bit for bit: the value's bits (NaN and −0.0 made canonical) through the splitmix64 finalizer
    (Steele, Lea & Flood 2014, *Fast splittable pseudorandom number generators*; Vigna's constants, as
    pandas uses them).
    Computed in place, :data:`HASH_BLOCK` rows at a time, instead of the six temporary arrays per column
    of ``hash_array``."""
    h = np.zeros(n, dtype=np.uint64)
    v = np.empty(min(n, HASH_BLOCK), dtype=np.uint64)
    t = np.empty_like(v)
    b = np.empty(len(v), dtype=bool)
    for lo in range(0, n, HASH_BLOCK):
        hi = min(n, lo + HASH_BLOCK)
        m = hi - lo
        vv, tt, bb, hh = v[:m], t[:m], b[:m], h[lo:hi]
        for x in cols:
            xs = x[lo:hi]
            if xs.dtype == np.int16:  # raw codes: the value (sign-extended), MISSING_CODE = no answer
                np.copyto(vv, xs, casting="unsafe")
            else:
                if xs.dtype != np.float32:
                    xs = np.round(np.asarray(xs, dtype=np.float64), 6)
                ut = np.uint32 if xs.dtype == np.float32 else np.uint64
                np.copyto(vv, xs.view(ut), casting="unsafe")
                np.isnan(xs, out=bb)
                np.copyto(vv, np.array(np.nan, dtype=xs.dtype).view(ut).astype(np.uint64), where=bb)
                np.equal(vv, np.array(-0.0, dtype=xs.dtype).view(ut).astype(np.uint64), out=bb)
                np.copyto(vv, np.uint64(0), where=bb)
            np.bitwise_xor(vv, np.right_shift(vv, np.uint64(30), out=tt), out=vv)
            np.multiply(vv, _M1, out=vv)
            np.bitwise_xor(vv, np.right_shift(vv, np.uint64(27), out=tt), out=vv)
            np.multiply(vv, _M2, out=vv)
            np.bitwise_xor(vv, np.right_shift(vv, np.uint64(31), out=tt), out=vv)
            np.bitwise_xor(np.multiply(hh, _P, out=hh), vv, out=hh)
    return h


def _who(frame: pd.DataFrame, pos: np.ndarray) -> list:
    """How to name the rows at positions ``pos`` in a flag's detail: their respondent ids, else their
    row numbers (made for those rows only)."""
    if "respondent_id" not in frame.columns:
        return [f"第 {i + 1} 行" for i in pos]
    return list("编号 " + frame["respondent_id"].iloc[pos].astype("string").fillna("?"))


def _same_ip(ip: pd.Series, arrays: list[np.ndarray], near: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose IP appeared earlier with at least ``near`` of the answers equal (vectorised over pairs).

    Returns (flagged, partner): partner is the earliest similar row of the same IP (-1 if none).
    Only the rows sharing an IP are gathered into a matrix.
    """
    n = len(ip)
    s = ip.astype("string").str.strip().str.replace(r"\s*[(（].*$", "", regex=True)  # 问卷星: "1.2.3.4(城市)"
    s = s.where(s != "", None)
    codes, _ = pd.factorize(s)  # -1 = missing
    flagged = np.zeros(n, dtype=bool)
    partner = np.full(n, -1, dtype=np.int64)
    grp = codes[codes >= 0]
    if grp.size == 0:
        return flagged, partner
    sizes = np.bincount(grp)
    multi = np.flatnonzero(sizes > 1)
    if multi.size == 0:
        return flagged, partner
    rows = np.flatnonzero(np.isin(codes, multi))
    order = rows[np.argsort(codes[rows], kind="stable")]  # grouped, earlier rows first
    A = np.column_stack([x[order] for x in arrays])  # only the rows that share an IP
    g = codes[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    lens = np.diff(np.r_[starts, order.size])
    pairs_i, pairs_j = [], []
    small = lens * (lens - 1) // 2 <= _MAX_PAIRS
    for st, ln in zip(starts[small], lens[small]):  # one iteration per IP group, its pairs built by numpy
        a, b = np.triu_indices(ln, k=1)
        pairs_i.append(st + a)
        pairs_j.append(st + b)
    for st, ln in zip(starts[~small], lens[~small]):
        pairs_i.append(np.arange(st, st + ln - 1))
        pairs_j.append(np.arange(st + 1, st + ln))
    I = np.concatenate(pairs_i)
    J = np.concatenate(pairs_j)
    k = A.shape[1]
    sim = np.empty(I.size)
    step = max(1, 4_000_000 // max(k, 1))
    for c0 in range(0, I.size, step):  # chunks of pairs bound the memory
        a, b = A[I[c0:c0 + step]], A[J[c0:c0 + step]]
        eq = (a == b) | (np.isnan(a) & np.isnan(b))
        sim[c0:c0 + step] = eq.sum(axis=1) / k
    hit = sim >= near
    I, J = order[I[hit]], order[J[hit]]
    flagged[J] = True
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, J, I)  # the earliest similar row of the same IP
    partner[J] = first[J]
    return flagged, partner


def wave_checks(frame: pd.DataFrame, q: Questionnaire, **params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(:func:`quality_flags`, :func:`item_nonresponse`) of one wave's rows (``params``: those of
    :func:`quality_flags`, ``stored`` among them).  The two only read the
    frame, so with more than one thread (:func:`survey.cores.threads`) and at least
    :data:`PARALLEL_ROWS` rows the non-response counts run on a second thread beside the flags (their
    column scans are numpy, which releases the GIL); the results are the same either way."""
    from .cores import threads

    if threads() > 1 and len(frame) >= PARALLEL_ROWS:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="minyi-check") as ex:
            nr = ex.submit(item_nonresponse, frame, q)
            flags = quality_flags(frame, q, **params)
            return flags, nr.result()
    return quality_flags(frame, q, **params), item_nonresponse(frame, q)


def item_nonresponse(frame: pd.DataFrame, q: Questionnaire) -> pd.DataFrame:
    """Per question: respondents asked, how many left it unanswered, and the rate (missing / asked)."""
    from .skip import iter_asked_masks

    rows = []
    for qq, (_, a) in zip(q.questions, iter_asked_masks(q, frame)):  # one asked mask at a time
        cols = [c for c in qq.columns() if c in frame.columns and not c.endswith("_other")]
        if not cols:
            continue
        if qq.type == "text":
            t = frame[cols[0]].astype("string").str.strip()
            ans = (t.notna() & (t != "")).to_numpy(dtype=bool, na_value=False)
        else:  # column by column, no n x k matrix: any selected (multiple, ranking), any answered (others)
            ans = np.zeros(len(frame), dtype=bool)
            for c in cols:
                x = answer_array(frame, c)
                with np.errstate(invalid="ignore"):
                    ans |= (x > 0) if qq.type in ("multiple", "ranking") else answered(x)
        n = int(a.sum())
        miss = int((a & ~ans).sum())
        rows.append({"question": qq.id, "asked": n, "missing": miss, "rate": (miss / n) if n else float("nan")})
    return pd.DataFrame(rows, columns=["question", "asked", "missing", "rate"])


def apply_exclusions(frame: pd.DataFrame, flags: pd.DataFrame, rules: Optional[dict] = None) -> tuple[pd.DataFrame, dict]:
    """Drop rows flagged by excluded kinds; returns (kept rows, {rule name: rows excluded}).

    Rules are applied in the order of :data:`FLAG_NAMES`; a row flagged by several excluded kinds is
    counted once, under the first, so the counts add up to the rows removed.
    """
    rules = {**DEFAULT_EXCLUSIONS, **(rules or {})}
    frame = frame.reset_index(drop=True)
    drop = np.zeros(len(frame), dtype=bool)
    counts = {}
    for kind in FLAG_NAMES:
        if not rules.get(kind):
            continue
        idx = flags.loc[flags["kind"] == kind, "index"].to_numpy(dtype=np.int64)
        new = np.zeros(len(frame), dtype=bool)
        new[idx] = True
        counts[FLAG_NAMES[kind]] = int((new & ~drop).sum())
        drop |= new
    return frame[~drop].reset_index(drop=True), {k: v for k, v in counts.items() if v}
