"""minyi's own layout (``respondent_id`` + question-id columns): fast path through pyarrow (codes parsed as
int16/int32, handed on as float32; cells that are not plain numbers converted once per distinct value and
quarantined with their raw text), no per-cell Python work; identifying columns (``ip``, phone, name, ID card …)
kept apart like in every other layout.  A native file the fast path cannot read (not UTF-8, ragged rows,
repeated column names …) goes through the shared converter, with the same result.  ``survey serve``'s answers
are converted as native rows too (:func:`native_table`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from ..errors import MinyiError
from ..header_rows import second_header_row
from ..messages import did_you_mean, phrase, problem
from ..progress import follow
from ..questionnaire import COLLECTOR_COLUMN, META_COLUMNS, Questionnaire, column_types
from ..tabular import (RawTable, absorbed_error, absorbed_records, check_duplicate_headers, check_not_binary,
                       check_no_nul_file, clean_headers, decode_bytes, read_text_table,
                       record_line)
from .base import PROBLEM_COLUMNS, WAVE_COLUMN, Headers, ImportedTable, Layout, file_hash, file_waves
from .notes import GROUP_NOTES, grouped_notes, missing_native_notes
from .options import FALSE_VALUES, TRUE_VALUES, map_option_values, numeral_conflict
from .pii_columns import detect_pii
from .text import (CELL_TRIM, STORED_TIME, EMPTY_VALUES, duration_problems, nfkc_name, norm_series, parse_duration,
                   order_problems, stored_times, unreadable_problems)


def detect_meta(h: Headers) -> Optional[str]:
    if "respondent_id" in {nfkc_name(c) for c in h.columns} and h.n_native >= max(3, len(h.columns) // 3):
        return f"header has respondent_id and {h.n_native} of minyi's native question columns"
    return None


def read_fast(p: Path, q: Questionnaire, kind: str, format: str, mapping: Optional[dict]) -> Optional[ImportedTable]:
    """:func:`read_native_fast` when the file is text in the native layout and nothing asks for the careful path
    (another --format, a mapping); None otherwise."""
    if kind == "text" and format in ("auto", "csv", "native") and not mapping and looks_native(p, q):
        return read_native_fast(p, q)
    return None


def looks_native(p: Path, q: Questionnaire) -> bool:
    """True when the header (first line, read without decoding the whole file) is minyi's native layout."""
    with open(p, "rb") as fh:
        head = fh.read(65536)
    try:
        first = head.split(b"\n", 1)[0].split(b"\r", 1)[0].decode("utf-8-sig")  # \r\n, \n or a bare \r
    except UnicodeDecodeError:
        return False
    cols = [nfkc_name(c.strip().strip('"')) for c in first.rstrip("\r").split(",")]  # Ｋ４ counts as K4
    native = set(q.columns())
    return "respondent_id" in cols and sum(1 for c in cols if c in native) >= max(3, len(cols) // 3)


def native_kinds(q: Questionnaire) -> dict:
    """{native column: (kind, question)}; kind is 'text', 'number' or the Arrow integer type of a code column."""
    import pyarrow as pa

    qof = {c: qq for qq in q.questions for c in qq.columns()}
    out = {}
    for c, t in column_types(q):
        if c in qof:
            out[c] = ({"VARCHAR": "text", "DOUBLE": "number", "SMALLINT": pa.int16(), "INTEGER": pa.int32()}[t], qof[c])
    return out


def read_native_fast(p: Path, q: Questionnaire) -> ImportedTable:
    """minyi native CSV through pyarrow: typed columns, no per-cell Python work.

    Code columns are parsed straight into int16/int32 (SMALLINT/INTEGER, as stored) and handed on as
    float32 (exact for codes, NaN = no answer): half the memory of float64 and a faster parse.  When a
    code or number column holds something else ("1.0", a label, "abc", 99999 in an int16 column), the
    file is parsed once more with those columns dictionary-encoded as text and each *distinct* value
    converted (codes or option labels, numbers); cells that are no option / no number become cell
    problems with their raw value (quarantined), exactly as on the careful path.  Columns are selected
    on the Arrow table before anything reaches pandas.  Identifying columns (``ip`` and any unknown
    column named or filled like phone / name / ID card / IP) are kept apart in ``pii``.
    """
    import csv as _csv

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    kinds = native_kinds(q)
    with open(p, "rb") as fh:  # the header only: the rest may not even be UTF-8 (then pyarrow says so, below)
        first = fh.readline(1 << 20).decode("utf-8-sig", errors="replace")
        fh.seek(0)
        head = fh.read(4 * 65536)
    check_no_nul_file(p)  # binary, or a stray NUL anywhere: its line and field, as on the careful path
    sample = _utf8_head(head)
    if sample is not None:  # the careful path's test, same characters; a GBK file is tested there, decoded
        check_not_binary(sample, str(p))
    names = next(_csv.reader([re.split(r"\r\n|\r|\n", first, maxsplit=1)[0]]), [])  # a bare CR ends a line too
    check_duplicate_headers(names, str(p), line=1)  # as the careful path: "Q1" twice (or " Q1 ") is refused
    unnamed = {f"column{i + 1}" for i, c in enumerate(names) if not c.strip()}  # as clean_headers names them
    if unnamed:  # an Excel-resaved CSV's empty headers: named for pyarrow (two "" were one field twice)
        names = [c if c.strip() else f"column{i + 1}" for i, c in enumerate(names)]
    cleaned = clean_headers(names)
    if any(c != h and h.strip() and (c in kinds or c in META_COLUMNS) for h, c in zip(names, cleaned)):
        # "A1 " or "A1" with a zero-width space: the careful path reads it as A1 (survey.tabular.clean_headers);
        # read here as written it matched no question and every row was quarantined, so the two encodings of
        # one file stored different answers
        return careful_native(p, q, "headers with spaces or invisible characters around a column name")
    if any(nfkc_name(c) != c and (nfkc_name(c) in kinds or nfkc_name(c) in META_COLUMNS) for c in cleaned):
        # Ｋ４ (full-width): the careful path reads it as K4 and says so (survey.importers.matching.ColumnMatcher)
        return careful_native(p, q, "column names in full-width characters")
    second = next(_csv.reader(re.split(r"\r\n|\r|\n", head.decode("utf-8-sig", errors="replace"), maxsplit=2)[1:2]), [])
    if second_header_row(names, second, q):
        # question texts under the column names: a header on two rows (survey.header_rows); the careful path
        # reads that row as part of the header and says so
        return careful_native(p, q, "a header on two rows")
    present = set(names)
    if any(numeral_conflict(qq) for qq in q.questions if present.intersection(qq.columns())):
        # a column may hold option labels that are numbers (a --labels export of a 0-10 question coded 1-11):
        # the careful path reads each such column by its values (survey.importers.options.numeral_labels)
        return careful_native(p, q, "options labelled with numbers that are other options' codes")
    meta_types = {"respondent_id": pa.string(), "submitted_at": pa.string(), "duration_sec": pa.float64(),
                  "ip": pa.string(), COLLECTOR_COLUMN[0]: pa.string()}
    unknown = [c for c in names if c not in kinds and c not in meta_types]
    fixed = {c: meta_types[c] for c in names if c in meta_types}
    fixed.update({c: pa.string() for c in unknown})  # read as text: PII detection looks at their values
    typed = {c: (pa.string() if k == "text" else pa.float64() if k == "number" else k)
             for c, (k, _) in kinds.items() if c in set(names)}

    size = p.stat().st_size
    size_mb = round(size / 1e6)  # as the stage's description gives it: "reading FILE (437 MB)"

    def read(types: dict):
        # ignore_empty_lines=False: an empty line makes the read fail and the careful path take the file,
        # which keeps it as a blank row (quarantined, and the row numbers after it stay those of the file).
        # The file is opened here so that the progress display can follow its read position (MB read of
        # the file's MB; the import's "reading FILE (N MB)" stage)
        with pa.OSFile(str(p)) as src, follow(lambda: src.tell() / size * size_mb, size_mb):
            return pacsv.read_csv(src, parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
                                  read_options=pacsv.ReadOptions(column_names=names, skip_rows=1) if unnamed else None,
                                  convert_options=pacsv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True))
        # only empty cells are missing: "NA", "null", "#N/A" … are text, as on the careful path

    dict_cols: set = set()
    how = "read with pyarrow"
    try:
        table = read({**typed, **fixed})
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        msg = str(e).splitlines()[0]
        if "conversion error" not in msg:
            return careful_native(p, q, arrow_reason(msg, names))
        # some code/number cell is not a plain number: read those columns as (dictionary-encoded) text
        dict_cols = {c for c, t in typed.items() if t != pa.string()} | ({"duration_sec"} & set(names))
        dtype = pa.dictionary(pa.int32(), pa.string())
        try:
            table = read({**typed, **fixed, **{c: dtype for c in dict_cols}})
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e2:
            return careful_native(p, q, arrow_reason(str(e2).splitlines()[0], names))
        how = f"read with pyarrow; {arrow_reason(msg, names)}: converted value by value"
    n = table.num_rows
    if n == 0:
        raise MinyiError.of("file-no-rows", file=str(p), line=1, columns=len(names))
    from ..cores import PARALLEL_ROWS, threads

    absorbed = None  # the search for records a quoted value swallowed runs beside the conversions below
    if threads() > 1 and n >= PARALLEL_ROWS:
        from concurrent.futures import ThreadPoolExecutor

        bg = ThreadPoolExecutor(max_workers=1, thread_name_prefix="minyi-import")
        absorbed = bg.submit(check_absorbed_arrow, table, p)
        bg.shutdown(wait=False)
    else:
        check_absorbed_arrow(table, p)
    # identifying columns: ip, and unknown columns named or filled like phone / name / ID card / IP
    cand = table.select(unknown).to_pandas() if unknown else pd.DataFrame(index=range(n))
    pii_cols = (["ip"] if "ip" in names else []) + detect_pii(cand, set())
    pii_df = table.select(pii_cols).to_pandas() if pii_cols else pd.DataFrame(index=range(n))
    waves = file_waves(pc.unique(table.column(WAVE_COLUMN)).to_pylist()) if WAVE_COLUMN in names else []
    left = [c for c in unknown if c not in pii_cols and c != WAVE_COLUMN  # fully empty unnamed: nothing to say
            and not (c in unnamed and table.column(c).null_count == n)]
    many = len(left) > GROUP_NOTES  # no per-column suggestions for 100k junk columns
    unmatched = grouped_notes([problem("unmatched-column", file=p.name, column=c, severity="warning",
                                       suggestion="" if many else did_you_mean(c, q.columns()))
                               for c in left], p.name) + missing_native_notes(q, names, p.name)
    del cand
    parts: list[pd.DataFrame] = []
    arrays, out_names = [], []
    int16 = [c for c in q.columns() if c in names and c not in dict_cols and c not in META_COLUMNS
             and kinds[c][0] == pa.int16()]
    codes16 = dict(zip(int16, _int16_as_float32([table.column(c) for c in int16])))
    if absorbed is not None:
        absorbed.result()  # its error (csv-absorbed-lines), if it found such a value
    for c in q.columns():
        if c in META_COLUMNS:
            k, t = ("number" if c == "duration_sec" else "text"), (pa.float64() if c == "duration_sec" else pa.string())
        else:
            k, qq = kinds[c]
            t = pa.string() if k == "text" else pa.float64() if k == "number" else pa.float32()
        if c not in names:
            arrays.append(pa.nulls(n, t))
        elif c in dict_cols:
            arrays.append(native_values(table.column(c), c, None if c == "duration_sec" else kinds[c][1], parts, t))
        elif k == pa.int16():
            arrays.append(pa.array(codes16[c][1]))  # float32: exact; NaN = no answer
        elif k not in ("text", "number"):
            arrays.append(table.column(c).cast(pa.float32()))  # int32 → float32, checked by Arrow, NaN = no answer
        elif c == "submitted_at":
            arrays.append(_submitted(table.column(c), unmatched, p.name))
        elif t == pa.string():
            arrays.append(_trimmed(table.column(c)))
        else:
            arrays.append(table.column(c))
        out_names.append(c)
    if "duration_sec" in dict_cols and not pa.types.is_integer(table.column("duration_sec").type) \
            and not pa.types.is_floating(table.column("duration_sec").type):
        # cells that are no plain number (a column Arrow read as numbers has none): those no duration are said
        unmatched += duration_problems(table.column("duration_sec").to_pandas(),
                                       arrays[out_names.index("duration_sec")].to_numpy(zero_copy_only=False),
                                       np.arange(n) + 2, file=p.name, column="duration_sec")
    if COLLECTOR_COLUMN[0] in names:
        arrays.append(table.column(COLLECTOR_COLUMN[0]))
        out_names.append(COLLECTOR_COLUMN[0])
    arrays.append(pa.array(np.arange(n, dtype=np.int64) + 2))
    out_names.append("_row")
    del table  # only the selected columns stay referenced
    frame = pa.Table.from_arrays(arrays, names=out_names).to_pandas(split_blocks=True, self_destruct=True)
    del arrays
    problems = (pd.concat(parts, ignore_index=True).sort_values(["index", "column"], kind="stable")
                if parts else pd.DataFrame(columns=PROBLEM_COLUMNS))
    return ImportedTable(frame, problems, "native",
                         f"minyi native layout (respondent_id + question id columns), {how}",
                         pii_df, unmatched, file_hash(p), n, codes=codes16, waves=waves)


def _utf8_head(head: bytes) -> Optional[str]:
    """The first bytes of a file as UTF-8 text (a character cut at the end left out), or None when they are not
    UTF-8.  Decoded with ``errors="ignore"``, GBK text became stray C1 control characters (a GBK file with
    Chinese under its header was refused as "a binary file"); such a file fails pyarrow's UTF-8 check and is
    read, and tested, on the careful path, decoded as GBK."""
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return head[:e.start].decode("utf-8-sig") if e.start >= len(head) - 3 else None


def _int16_as_float32(columns: list) -> list[tuple]:
    """Int16 Arrow columns as float32 numpy, NaN where null: ``(int16 Arrow array, float32 array)`` per
    column, for :attr:`ImportedTable.codes`.  One conversion of the values and one masked fill from the
    validity bitmap (Arrow's cast, then pandas filling NaN, were two passes and two arrays); the columns
    in two halves on two threads when there are (:func:`survey.cores.in_two`), each column alone, so the
    result is the same on one."""
    from ..cores import halves, in_two

    n = len(columns[0]) if columns else 0
    parts = in_two(lambda cols: [_one_int16_as_float32(c) for c in cols], halves(columns), n, "minyi-import")
    return [r for part in parts for r in part]


def _one_int16_as_float32(col) -> tuple:
    ch = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)  # a copy of 2 bytes a value
    n = len(ch)
    if n == 0:
        return ch, np.empty(0, dtype=np.float32)
    out = np.frombuffer(ch.buffers()[1], dtype=np.int16, count=ch.offset + n)[ch.offset:].astype(np.float32)
    if ch.null_count:
        bits = np.frombuffer(ch.buffers()[0], dtype=np.uint8)
        valid = np.unpackbits(bits, bitorder="little", count=ch.offset + n)[ch.offset:].view(bool)
        np.copyto(out, np.float32(np.nan), where=~valid)
    return ch, out


def _submitted(col, unmatched: list, file: str):
    """The submission times of the fast path as the careful path stores them (:func:`stored_times`): a column
    of ``2026-09-01 09:01:00`` texts (what minyi writes) is kept as it is, checked by one Arrow parse; any other
    cell (``2026/9/1 9:01``, a zone, ``garbage``, ``2026-02-30 …``) sends the column through the careful rule,
    and the cells that are no time are said (``time-unreadable``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parsed = pc.strptime(col, format=STORED_TIME, unit="s", error_is_null=True)
    if parsed.null_count == col.null_count:
        return _trimmed(col)
    raw = col.to_pandas().astype("string")
    out, lost = stored_times(raw)
    unmatched += unreadable_problems(raw, lost, np.arange(len(raw)) + 2, file=file, column="submitted_at",
                                     code="time-unreadable")
    unmatched += order_problems(raw, file=file, column="submitted_at")
    return pa.array(out, type=pa.string(), from_pandas=True)


def _trimmed(col):
    """Text as the careful path stores it: surrounding whitespace (Python's str.strip set, which Arrow's
    utf8_trim_whitespace equals) and BOMs removed (:data:`survey.importers.text.CELL_TRIM`), and a cell left empty
    is missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = pc.utf8_trim(col, characters=CELL_TRIM)  # whitespace and BOMs, as the careful path (importers.text)
    return pc.if_else(pc.equal(t, ""), pa.scalar(None, pa.string()), t)


def check_absorbed_arrow(table, p: Path) -> None:
    """:func:`survey.tabular.absorbed_records` over the text columns of an Arrow table (the fast path)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def cells():
        for name in table.column_names:
            col = table.column(name)
            if pa.types.is_dictionary(col.type):
                col = col.cast(pa.string())
            if not pa.types.is_string(col.type):
                continue
            hit = pc.or_(pc.match_substring(col, "\n"), pc.match_substring(col, "\r"))  # literal: no regex engine
            idx = np.flatnonzero(hit.to_numpy(zero_copy_only=False) == True)  # noqa: E712 (nulls are None)
            for i in idx:
                yield int(i), name, col[int(i)].as_py()

    hit = absorbed_records(cells(), table.num_columns)
    if hit:
        i, c, k = hit
        raise absorbed_error(str(p), i, c, k, record_line(p, i))


def careful_native(p: Path, q: Questionnaire, why: str) -> ImportedTable:
    """The native file through the careful converter (not UTF-8, ragged rows …); ``why`` in plain words
    (:func:`arrow_reason`)."""
    text, enc = decode_bytes(p.read_bytes(), str(p))
    raw = read_text_table(text, str(p), enc)
    from .read import convert_raw  # the shared converter (read imports the registry, which imports this)

    t = convert_raw(raw, q, p, format="native")
    t.format_reason = f"minyi native layout, read as {raw.detail} ({why})"
    return t


def arrow_reason(msg: str, names: list) -> str:
    """What pyarrow's CSV reader objected to, in the user's words: the column by its header name, not
    pyarrow's "In CSV column #3: CSV conversion error to int16: invalid value '男'"."""
    import re

    m = re.search(r"CSV column #(\d+)", msg)
    col = names[int(m.group(1))] if m and int(m.group(1)) < len(names) else None
    if "invalid utf8" in msg.lower():
        return "not UTF-8"
    if "conversion error" in msg:
        v = re.search(r"invalid value '([^']{0,40})", msg)  # pyarrow names the first cell it could not read
        return ((f"column {col} holds" if col else "some columns hold") + " values that are not whole-number codes"
                + (f" (such as '{v.group(1)}')" if v else ""))
    m = re.search(r"Expected (\d+) columns, got (\d+)", msg)
    if m:
        return f"a row with {m.group(2)} fields where the header has {m.group(1)}"
    return "pyarrow could not read it as typed columns"


def native_values(col, c: str, qq, parts: list, out_type):
    """Values (an Arrow array of ``out_type``) of a dictionary-encoded text column ``c``, each *distinct*
    value converted once (codes or option labels; numbers; ``268秒`` for duration_sec), gathered by the
    dictionary indices in Arrow (no per-cell Python, no per-row object arrays).

    Cells that hold something but convert to nothing are appended to ``parts`` as cell problems
    (``unknown-option`` for codes, ``rank-invalid`` for ranks, ``not-a-number`` for numbers), with
    their raw text; duration_sec is never a problem.
    """
    import pyarrow as pa

    # one dictionary for the whole column (pyarrow reads in ~1 MB blocks, each with its own dictionary)
    ch = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    if not isinstance(ch, pa.DictionaryArray):
        ch = ch.dictionary_encode()
    d = pd.Series(ch.dictionary.to_pylist(), dtype="string").str.strip(CELL_TRIM)
    if c == "duration_sec":
        num = parse_duration(d)
    elif qq.type in ("single", "scale", "yesno", "matrix"):
        num = map_option_values(qq, d)[0]
    else:
        num = pd.to_numeric(norm_series(d), errors="coerce").to_numpy(dtype=float)
        if qq.type == "multiple":
            low = norm_series(d, lower=True)
            num = np.where(low.isin(TRUE_VALUES).to_numpy(), 1.0, np.where(low.isin(FALSE_VALUES).to_numpy(), 0.0, num))
    num = np.asarray(num, dtype=float)
    out = pa.array(num, type=pa.float64(), from_pandas=True).cast(out_type, safe=False).take(ch.indices)  # null: null
    if c == "duration_sec":
        return out
    empty = (d.isna() | d.isin(EMPTY_VALUES)).to_numpy(dtype=bool, na_value=True)
    bad_d = np.isnan(num) & ~empty
    if not bad_d.any():
        return out
    bad = pa.array(bad_d).take(ch.indices).fill_null(False).to_numpy(zero_copy_only=False)
    i = np.flatnonzero(bad)
    dv = d.to_numpy(dtype=object, na_value=None)
    raw = dv[ch.indices.take(pa.array(i)).to_numpy(zero_copy_only=False)]
    if i.size:
        if qq.type == "number":
            code, params = "not-a-number", {"qid": qq.id}
        elif qq.type == "ranking":
            code, params = "rank-invalid", {"qid": qq.id, "reason": phrase("rank-whole"), "k": qq.k or len(qq.options)}
        elif qq.type == "multiple":
            code, params = "unknown-option", {"qid": c, "choices": "0, 1"}
        else:
            code, params = "unknown-option", {"qid": qq.id,
                                              "choices": ", ".join(f"{o.code}={o.label}" for o in qq.options[:10])
                                              + (" …" if len(qq.options) > 10 else "")}
        cache: dict = {}
        msgs, pars = [], []
        for v_ in raw:  # one message per distinct value (and its params: survey.messages.record_message)
            if v_ not in cache:
                pr = problem(code, column=c, value=v_, **params)
                cache[v_] = pr.stored()
            msgs.append(cache[v_][0])
            pars.append(cache[v_][1])
        parts.append(pd.DataFrame({"index": i, "row": i + 2, "column": c, "value": raw, "code": code,
                                   "message": msgs, "target": c, "params": pars}))
    return out


def undo_formula_guard(t: ImportedTable) -> ImportedTable:
    """minyi's own export (the native layout) guards formula-looking text with one ``'`` (survey.cells);
    importing it removes exactly that guard, so export → import gives the stored text back.  Files of other
    layouts keep their text as it is (this is the native layout's ``finish``)."""
    from ..cells import unneutralize_text

    for c in t.frame.columns:
        col = t.frame[c]
        if col.dtype == object or str(col.dtype).startswith(("string", "str")):
            has = col.astype("string").str.contains("'", regex=False).fillna(False).to_numpy(dtype=bool)
            if has.any():
                vals = col.to_numpy(dtype=object).copy()
                # the guard sat before a tab/CR that the import's trimming keeps inside the text: trim again
                vals[has] = [(u.strip() or None) if isinstance(u := unneutralize_text(v), str) else u for v in vals[has]]
                t.frame[c] = pd.Series(vals, index=col.index, dtype=col.dtype)
    return t


def native_table(frame: pd.DataFrame, q: Questionnaire, *, source: str = "serve", first_row: int = 1) -> ImportedTable:
    """A DataFrame of native-layout rows (numbers or text) converted like a native file (see survey.ingest)."""
    cells = pd.DataFrame({str(c): [None if v is None or (isinstance(v, float) and np.isnan(v)) else
                                   (str(int(v)) if isinstance(v, (float, np.floating)) and float(v).is_integer() else str(v))
                                   for v in frame[c].astype(object).tolist()] for c in frame.columns})
    raw = RawTable(cells, "csv", f"{len(frame):,} rows from {source}", header_line=first_row - 1)
    from .read import convert_raw

    t = convert_raw(raw, q, Path(source), format="native", hash_file=False)
    return t


LAYOUT = Layout("native", "minyi native", detect_meta=detect_meta, scores=False, read_fast=read_fast,
                finish=undo_formula_guard)
