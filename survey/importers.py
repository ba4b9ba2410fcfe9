"""Read response files of every kind into minyi's native layout.

:func:`read_responses` reads the file by its *content* (:mod:`survey.tabular`: text in UTF-8 /
UTF-8-BOM / GBK-GB18030 / UTF-16, Excel .xlsx/.xls, SPSS .sav, a zip holding a CSV), recognises the
export layout from its headers, and converts it:

* ``native`` — minyi's own layout (``respondent_id`` + question-id columns): fast path through
  pyarrow (codes parsed as int16/int32, handed on as float32; cells that are not plain numbers
  converted once per distinct value and quarantined with their raw text), no per-cell Python work;
  identifying columns (``ip``, phone, name, ID card …) kept apart like in every other layout;
* ``wjx`` — 问卷星, both codings (按序号 codes / 按文本 labels), CSV/XLSX/SAV: metadata 序号,
  提交答卷时间, 所用时间 (``268秒``), 来源, 来源详情, 来自IP; headers ``N、题干`` / ``N：题干``;
  multiple choice as 0/1 columns ``N、(选项)`` / ``第N题(选项)`` or one cell joined by ``┋``; ranking
  joined by ``→`` or one rank column per option; other text in ``〖…〗``; matrix rows ``N、(行标题)``;
  ``-2``/``-3``/``(跳过)`` = not asked, ``(空)`` = empty; 按分数 (option scores in scale/matrix columns) detected per
  column by :func:`scores_as_codes` and noted;
* ``tencent`` — 腾讯问卷 (CSV or a zip holding it): headers ``N.题干``, sub-columns ``N.题干:选项``;
  metadata 编号, 开始答题时间, 结束答题时间, 答题时长, IP, 地理位置, UA, Referrer;
* ``kobo`` — KoboToolbox/ODK: labels or XML values, group-path headers ``grp/q`` (``/`` or ``.``),
  select_multiple space-separated and/or one 0/1 column per option (``q7/1``), ``_`` metadata; labels that
  contain spaces split by a full cover of the options (:func:`split_spaced`);
* generic CSV/XLSX/SAV: columns matched by question id (or native column name), by number
  (``N、``/``N.``/``第N题``) or by title; SPSS variable labels and value labels are used too.

Options are matched by code or by label (after NFKC normalisation: full-width → half-width, spaces
removed).  A mapping (``columns: {source: target}``, ``values: {qid: {value: code}}``) handles anything
else.  Nothing is guessed silently: columns that match nothing, questions without a column and
columns matched by number whose title differs are reported (with the closest candidates); cell
values that are not options become cell problems (the store quarantines their rows).  A file in
which no column matches the questionnaire is an error.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from .errors import MinyiError
from .messages import Problem, did_you_mean, problem
from .questionnaire import COLLECTOR_COLUMN, META_COLUMNS, Question, Questionnaire, column_types
from .tabular import (KIND_NAMES, RawTable, absorbed_error, absorbed_records, check_not_binary, decode_bytes, read_raw,
                      read_text_table, record_line, sniff_kind)

FORMATS = ("auto", "csv", "xlsx", "sav", "wjx", "tencent", "kobo", "native")
CONTAINERS = {"csv": ("text", "zip"), "xlsx": ("xlsx", "xls"), "sav": ("sav",)}
LAYOUT_NAMES = {"wjx": "问卷星", "tencent": "腾讯问卷", "kobo": "KoboToolbox/ODK", "native": "minyi native"}
EMPTY_VALUES = ["", "(空)", "（空）", "(跳过)", "（跳过）", "跳过", "(未填)", "（未填）"]
WJX_SKIP = ["-2", "-3", "N/A"]
PROBLEM_COLUMNS = ["index", "row", "column", "value", "code", "message", "target"]
PII_HEADERS = re.compile(r"(^ip$|来自ip|^ip地址|^ip_?address|手机|电话|phone|mobile|姓名|^name$|^username$|身份证|id_?card|"
                         r"地理位置|昵称|微信号|openid|deviceid|^email|邮箱|^_submitted_by$)", re.I)
PII_VALUES = [re.compile(r"^1[3-9]\d{9}$"), re.compile(r"^\d{17}[\dXx]$"),
              re.compile(r"^\d{1,3}(\.\d{1,3}){3}(\s*[(（].*[)）])?$")]
# metadata columns (normalised header -> native meta column or None = known, not imported)
META_MAP = {
    "序号": "respondent_id", "编号": "respondent_id", "respondent_id": "respondent_id", "_uuid": "respondent_id",
    "_id": "respondent_id", "答卷编号": "respondent_id", "用户id": None, "提交答卷时间": "submitted_at",
    "结束答题时间": "submitted_at", "_submission_time": "submitted_at", "submitted_at": "submitted_at",
    "提交时间": "submitted_at", "所用时间": "duration_sec", "答题时长": "duration_sec", "duration_sec": "duration_sec",
    "开始答题时间": "_start", "start": "_start", "end": "_end", "来源": None, "来源详情": None, "来自ip": None,
    "ip": None, "总分": None, "地理位置": None, "ua": None, "referrer": None, "today": None, "deviceid": None,
    "username": None, "phonenumber": None, "simserial": None, "subscriberid": None, "audit": None,
    COLLECTOR_COLUMN[0]: COLLECTOR_COLUMN[0],  # survey serve's collector id (its exports carry it)
}
_META_RANK = {"序号": 0, "编号": 0, "respondent_id": 0, "_uuid": 1, "答卷编号": 1, "_id": 2}
_KOBO_META = re.compile(r"^(_|meta[/.]|formhub[/.])")


@dataclass
class ImportedTable:
    frame: pd.DataFrame
    problems: pd.DataFrame  # index, row, column, value, code, message
    format: str
    format_reason: str
    pii: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched: list = field(default_factory=list)
    source_hash: str = ""
    rows_read: int = 0


_HASH_CACHE: dict = {}


def file_hash(path: Path) -> str:
    """SHA-256 of the file (cached by path, size and modification time: the store asks twice)."""
    p = Path(path)
    st = p.stat()
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    if key in _HASH_CACHE:
        return _HASH_CACHE[key]
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    _HASH_CACHE.clear()
    _HASH_CACHE[key] = h.hexdigest()
    return _HASH_CACHE[key]


def norm_text(s) -> str:
    """NFKC (full-width → half-width punctuation and digits), all whitespace and zero-width characters removed."""
    return re.sub(r"[\s\u200b\u200c\u200d\u2060\ufeff]+", "", unicodedata.normalize("NFKC", str(s)))


def norm_series(s: pd.Series, lower: bool = False) -> pd.Series:
    """:func:`norm_text` of every cell, computed once per distinct value (not per respondent)."""
    u = pd.unique(s.dropna())
    d = {v: (norm_text(v).lower() if lower else norm_text(v)) for v in u}
    return s.map(d).astype("string")


def _title_key(s: str) -> str:
    """Title for comparison: normalised, lower case, punctuation dropped (题干 differ in ？/（）/《》 between exports)."""
    t = norm_text(s).lower()
    return "".join(ch for ch in t if not unicodedata.category(ch).startswith(("P", "S"))) or t


# ----------------------------------------------------------------------------- detection
def detect(columns: list[str], q: Questionnaire, kind: str = "text", var_labels: Optional[dict] = None) -> tuple[str, str]:
    """(layout, reason) from the headers (and SPSS variable labels): native, wjx, tencent, kobo or generic."""
    cols = [norm_text(c) for c in columns]
    low = {c.lower() for c in cols}
    labels = [norm_text(v) for v in (var_labels or {}).values()]
    native = set(q.columns())
    n_native = sum(1 for c in columns if c in native)
    if "respondent_id" in columns and n_native >= max(3, len(columns) // 3):
        return "native", f"header has respondent_id and {n_native} of minyi's native question columns"
    wjx_meta = [c for c in ("提交答卷时间", "所用时间", "来源详情", "来自IP") if c in cols or c in labels]
    if wjx_meta:
        return "wjx", f"问卷星 metadata column(s) {', '.join(wjx_meta)}"
    tx_meta = [c for c in ("开始答题时间", "结束答题时间", "答题时长", "地理位置", "Referrer") if c in cols]
    if tx_meta or ("编号" in cols and "ua" in low):
        return "tencent", f"腾讯问卷 metadata column(s) {', '.join(tx_meta or ['编号', 'UA'])}"
    kobo_meta = [c for c in columns if c in ("_uuid", "_submission_time", "_id", "_index", "_validation_status")
                 or c.startswith(("meta/", "formhub/"))]
    if kobo_meta:
        return "kobo", f"KoboToolbox metadata column(s) {', '.join(kobo_meta[:3])}"
    heads = cols + labels
    n_wjx = sum(1 for c in heads if re.match(r"^\d+、|^第\d+题", c))
    n_tx = sum(1 for c in heads if re.match(r"^\d+\.\D", c))
    if n_wjx >= 2 and n_wjx >= n_tx:
        return "wjx", f"{n_wjx} 问卷星-style question headers ('N、题干' / '第N题(选项)')"
    if n_tx >= 2:
        return "tencent", f"{n_tx} 腾讯问卷-style question headers ('N.题干')"
    n_path = sum(1 for c in columns if re.match(r"^[A-Za-z_][\w-]*[/.][A-Za-z_][\w-]*", c))
    if n_path >= 2:
        return "kobo", f"{n_path} group-path headers (grp/q)"
    if n_native >= 1:
        return "generic", f"{n_native} columns named like minyi question ids"
    return "generic", "no known export layout; columns matched by id, number or title"


# ----------------------------------------------------------------------------- public entry
def read_responses(path: str | Path, q: Questionnaire, *, format: str = "auto", sheet: Optional[str] = None,
                   mapping: Optional[dict] = None, limits=None) -> ImportedTable:
    """Read any supported response file and convert it to the native layout (see module docstring).

    ``format``: ``auto`` (detect from content), ``csv``/``xlsx``/``sav`` (insist on that kind of file;
    the layout is still recognised from the headers), ``wjx``/``tencent``/``kobo``/``native`` (that
    layout, whatever the container).  Raises :class:`MinyiError` naming the file when it cannot be read.
    """
    p = Path(path)
    if format not in FORMATS:
        raise MinyiError.of("bad-option", reason=f"unknown --format {format!r}; choose one of {', '.join(FORMATS)}")
    if not p.exists():
        raise MinyiError.of("file-not-found", file=str(p), path=str(p))
    if p.is_dir():
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p), reason="it is a folder")
    if p.stat().st_size == 0:
        raise MinyiError.of("file-empty", file=str(p))
    kind = sniff_kind(p)
    if format in CONTAINERS and kind not in CONTAINERS[format]:
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p),
                            reason=f"--format {format} was given but the content is {KIND_NAMES.get(kind, kind)}"
                                   f"{_ext_note(p, kind)}")
    if sheet is not None and kind not in ("xlsx", "xls"):
        raise MinyiError.of("bad-option", file=str(p), reason=f"--sheet applies to Excel workbooks; {p.name} is "
                                                          f"{KIND_NAMES.get(kind, kind)}")
    from .limits import Limits

    lim = limits or Limits()
    if kind == "text":  # the header's field count, before any parsing (100k junk columns took minutes)
        with open(p, "rb") as fh:
            first = fh.readline(64 << 20)
        n = max(first.count(sep) for sep in (b",", b"\t", b";")) + 1
        lim.check("import_columns", n, file=str(p), line=1, what="columns of a file to import (header row)")
    if kind == "text" and format in ("auto", "csv", "native") and not mapping and _looks_native(p, q):
        return _undo_formula_guard(_read_native_fast(p, q))
    try:
        raw = read_raw(p, kind, sheet, limits)
    except MinyiError as e:
        note = _ext_note(p, kind)
        first = e.problems[0] if e.problems else None
        if note and first is not None and first.code == "file-unreadable" and "reason" in first.extra:
            raise MinyiError.of("file-unreadable", file=str(p), path=str(p), reason=first.extra["reason"] + note) from None
        raise
    lim.check("import_columns", raw.frame.shape[1], file=str(p), what="columns of a file to import")
    return _undo_formula_guard(convert_raw(raw, q, p, format=format, mapping=mapping))


def _undo_formula_guard(t: ImportedTable) -> ImportedTable:
    """minyi's own export (the native layout) guards formula-looking text with one ``'`` (survey.cells);
    importing it removes exactly that guard, so export → import gives the stored text back.  Files of other
    layouts keep their text as it is."""
    if t.format != "native":
        return t
    from .cells import unneutralize_text

    for c in t.frame.columns:
        col = t.frame[c]
        if col.dtype == object or str(col.dtype).startswith(("string", "str")):
            has = col.astype("string").str.contains("'", regex=False).fillna(False).to_numpy(dtype=bool)
            if has.any():
                vals = col.to_numpy(dtype=object).copy()
                vals[has] = [unneutralize_text(v) for v in vals[has]]
                t.frame[c] = pd.Series(vals, index=col.index, dtype=col.dtype)
    return t


def _ext_note(p: Path, kind: str) -> str:
    ext = p.suffix.lower()
    expected = {".csv": "text", ".tsv": "text", ".txt": "text", ".xlsx": "xlsx", ".xls": "xls", ".sav": "sav",
                ".zsav": "sav", ".zip": "zip"}.get(ext)
    if expected and expected != kind and not (expected == "xls" and kind == "text"):
        return f" although its name ends in {ext}"
    return ""


def convert_raw(raw: RawTable, q: Questionnaire, p: Path, *, format: str = "auto",
                mapping: Optional[dict] = None, hash_file: bool = True) -> ImportedTable:
    """Convert a :class:`~survey.tabular.RawTable` read from ``p`` to the native layout."""
    df = raw.frame
    if df.shape[1] == 0 or len(df) == 0:  # nothing, or a header without any data row
        raise MinyiError.of("file-empty", file=str(p))
    if format in ("wjx", "tencent", "kobo", "native"):
        layout, why = format, "chosen with --format"
    else:
        layout, why = detect(list(df.columns), q, raw.kind, raw.var_labels)
    fmt = layout if layout != "generic" else {"text": "csv", "csv": "csv", "zip": "csv", "xls": "xlsx"}.get(raw.kind, raw.kind)
    what = LAYOUT_NAMES.get(layout, "generic table")
    reason = f"{what}: {why}; read as {raw.detail}{_ext_note(p, {'csv': 'text'}.get(raw.kind, raw.kind))}"
    conv = _Converter(q, raw, p.name, layout, mapping)
    frame = conv.run()
    if not conv.matched_any:
        cands = [f"{x.number}、{x.text}" for x in q.questions[:3]] + q.columns(meta=False)[:3]
        shown = ", ".join(list(df.columns)[:6]) + (" …" if df.shape[1] > 6 else "")
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p),
                            reason=f"none of its {df.shape[1]} column(s) ({shown}) matches a question of "
                                   f"'{q.title}' (expected headers like {', '.join(cands)}); read as {raw.detail}")
    frame["_row"] = np.arange(len(df), dtype=np.int64) + raw.header_line + 1
    pii_cols = [c for c in _detect_pii(df, conv.used) if c in df.columns]
    pii = df[pii_cols].copy() if pii_cols else pd.DataFrame(index=df.index)
    return ImportedTable(frame=frame, problems=conv.problems_frame(raw.header_line), format=fmt, format_reason=reason,
                         pii=pii, unmatched=grouped_notes(conv.unmatched, p.name), source_hash=file_hash(p) if hash_file else "",
                         rows_read=len(df))


GROUP_NOTES = 10  # more unmatched columns than this become one note


def grouped_notes(notes: list, file: str) -> list:
    """More than :data:`GROUP_NOTES` unmatched-column notes become one: "99,990 columns match no question;
    first 10: …" (a file with 100k junk columns printed 100k lines)."""
    um = [n for n in notes if n.code == "unmatched-column"]
    if len(um) <= GROUP_NOTES:
        return notes
    rest = [n for n in notes if n.code != "unmatched-column"]
    names = ", ".join(str(n.column) for n in um[:GROUP_NOTES])
    return [problem("unmatched-columns", file=file, severity="warning", count=f"{len(um):,}", shown=GROUP_NOTES,
                    names=names, suggestion="check the header row, or map columns with --mapping")] + rest


def _looks_native(p: Path, q: Questionnaire) -> bool:
    """True when the header (first line, read without decoding the whole file) is minyi's native layout."""
    with open(p, "rb") as fh:
        head = fh.read(65536)
    try:
        first = head.split(b"\n", 1)[0].decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    cols = [c.strip().strip('"') for c in first.rstrip("\r").split(",")]
    native = set(q.columns())
    return "respondent_id" in cols and sum(1 for c in cols if c in native) >= max(3, len(cols) // 3)


def _native_kinds(q: Questionnaire) -> dict:
    """{native column: (kind, question)}; kind is 'text', 'number' or the Arrow integer type of a code column."""
    import pyarrow as pa

    qof = {c: qq for qq in q.questions for c in qq.columns()}
    out = {}
    for c, t in column_types(q):
        if c in qof:
            out[c] = ({"VARCHAR": "text", "DOUBLE": "number", "SMALLINT": pa.int16(), "INTEGER": pa.int32()}[t], qof[c])
    return out


def _read_native_fast(p: Path, q: Questionnaire) -> ImportedTable:
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
    import pyarrow.csv as pacsv

    kinds = _native_kinds(q)
    with open(p, "rb") as fh:  # the header only: the rest may not even be UTF-8 (then pyarrow says so, below)
        first = fh.readline(1 << 20).decode("utf-8-sig", errors="replace")
        fh.seek(0)
        head = fh.read(4 * 65536)
    if b"\x00" in head[:65536]:
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p), reason="it is a binary file, not text")
    check_not_binary(head.decode("utf-8-sig", errors="ignore"), str(p))  # the careful path's test, same characters
    names = next(_csv.reader([first.rstrip("\r\n")]), [])
    if len(set(names)) != len(names):
        return _careful_native(p, q, "repeated column names")
    meta_types = {"respondent_id": pa.string(), "submitted_at": pa.string(), "duration_sec": pa.float64(),
                  "ip": pa.string(), COLLECTOR_COLUMN[0]: pa.string()}
    unknown = [c for c in names if c not in kinds and c not in meta_types]
    fixed = {c: meta_types[c] for c in names if c in meta_types}
    fixed.update({c: pa.string() for c in unknown})  # read as text: PII detection looks at their values
    typed = {c: (pa.string() if k == "text" else pa.float64() if k == "number" else k)
             for c, (k, _) in kinds.items() if c in set(names)}

    def read(types: dict):
        return pacsv.read_csv(str(p), convert_options=pacsv.ConvertOptions(
            column_types=types, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True))
        # only empty cells are missing: "NA", "null", "#N/A" … are text, as on the careful path

    dict_cols: set = set()
    how = "read with pyarrow"
    try:
        table = read({**typed, **fixed})
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        msg = str(e).splitlines()[0]
        if "conversion error" not in msg:
            return _careful_native(p, q, msg)
        # some code/number cell is not a plain number: read those columns as (dictionary-encoded) text
        dict_cols = {c for c, t in typed.items() if t != pa.string()} | ({"duration_sec"} & set(names))
        dtype = pa.dictionary(pa.int32(), pa.string())
        try:
            table = read({**typed, **fixed, **{c: dtype for c in dict_cols}})
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e2:
            return _careful_native(p, q, str(e2).splitlines()[0])
        how = f"read with pyarrow; values that are not plain numbers converted by value ({msg[:60]})"
    n = table.num_rows
    if n == 0:
        raise MinyiError.of("file-empty", file=str(p))
    _check_absorbed_arrow(table, p)
    # identifying columns: ip, and unknown columns named or filled like phone / name / ID card / IP
    cand = table.select(unknown).to_pandas() if unknown else pd.DataFrame(index=range(n))
    pii_cols = (["ip"] if "ip" in names else []) + _detect_pii(cand, set())
    pii_df = table.select(pii_cols).to_pandas() if pii_cols else pd.DataFrame(index=range(n))
    left = [c for c in unknown if c not in pii_cols]
    many = len(left) > GROUP_NOTES  # no per-column suggestions for 100k junk columns
    unmatched = grouped_notes([problem("unmatched-column", file=p.name, column=c, severity="warning",
                                       suggestion="" if many else did_you_mean(c, q.columns()))
                               for c in left], p.name)
    del cand
    parts: list[pd.DataFrame] = []
    arrays, out_names = [], []
    for c in q.columns():
        if c in META_COLUMNS:
            k, t = ("number" if c == "duration_sec" else "text"), (pa.float64() if c == "duration_sec" else pa.string())
        else:
            k, qq = kinds[c]
            t = pa.string() if k == "text" else pa.float64() if k == "number" else pa.float32()
        if c not in names:
            arrays.append(pa.nulls(n, t))
        elif c in dict_cols:
            arrays.append(_native_values(table.column(c), c, None if c == "duration_sec" else kinds[c][1], parts, t))
        elif k not in ("text", "number"):
            arrays.append(table.column(c).cast(pa.float32()))  # int16/int32 → float32 (exact), NaN = no answer
        elif t == pa.string():
            arrays.append(_trimmed(table.column(c)))
        else:
            arrays.append(table.column(c))
        out_names.append(c)
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
                         pii_df, unmatched, file_hash(p), n)


def _trimmed(col):
    """Text as the careful path stores it: surrounding whitespace (Python's str.strip set, which Arrow's
    utf8_trim_whitespace equals) removed, and a cell left empty is missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(t, ""), pa.scalar(None, pa.string()), t)


def _check_absorbed_arrow(table, p: Path) -> None:
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
            hit = pc.match_substring_regex(col, r"[\r\n]")
            idx = np.flatnonzero(hit.to_numpy(zero_copy_only=False) == True)  # noqa: E712 (nulls are None)
            for i in idx:
                yield int(i), name, col[int(i)].as_py()

    hit = absorbed_records(cells(), table.num_columns)
    if hit:
        i, c, k = hit
        raise absorbed_error(str(p), i, c, k, record_line(p, i))


def _careful_native(p: Path, q: Questionnaire, why: str) -> ImportedTable:
    """The native file through the careful converter (not UTF-8, ragged rows …)."""
    text, enc = decode_bytes(p.read_bytes(), str(p))
    raw = read_text_table(text, str(p), enc)
    t = convert_raw(raw, q, p, format="native")
    t.format_reason = f"minyi native layout (careful path: {why[:80]})"
    return t


def _native_values(col, c: str, qq, parts: list, out_type):
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
    d = pd.Series(ch.dictionary.to_pylist(), dtype="string").str.strip()
    if c == "duration_sec":
        num = parse_duration(d)
    elif qq.type in ("single", "scale", "yesno", "matrix"):
        num = map_option_values(qq, d)[0]
    else:
        num = pd.to_numeric(norm_series(d), errors="coerce").to_numpy(dtype=float)
        if qq.type == "multiple":
            low = norm_series(d, lower=True)
            num = np.where(low.isin(_TRUE).to_numpy(), 1.0, np.where(low.isin(_FALSE).to_numpy(), 0.0, num))
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
            code, params = "rank-invalid", {"qid": qq.id, "reason": "a rank must be a whole number", "k": qq.k or len(qq.options)}
        elif qq.type == "multiple":
            code, params = "unknown-option", {"qid": c, "choices": "0, 1"}
        else:
            code, params = "unknown-option", {"qid": qq.id,
                                              "choices": ", ".join(f"{o.code}={o.label}" for o in qq.options[:10])
                                              + (" …" if len(qq.options) > 10 else "")}
        cache: dict = {}
        msgs = []
        for v_ in raw:  # one message per distinct value
            if v_ not in cache:
                pr = problem(code, column=c, value=v_, **params)
                cache[v_] = f"{pr.message} ({pr.hint})" if pr.hint else pr.message
            msgs.append(cache[v_])
        parts.append(pd.DataFrame({"index": i, "row": i + 2, "column": c, "value": raw, "code": code,
                                   "message": msgs, "target": c}))
    return out


def _detect_pii(raw: pd.DataFrame, used: set) -> list[str]:
    """Identifying columns: by header (IP, 手机, 姓名, 身份证, 地理位置 …) or by values (phone, ID card, IPv4)."""
    out = []
    for c in raw.columns:
        if c in used:
            continue
        if PII_HEADERS.search(norm_text(c)):
            out.append(c)
            continue
        s = raw[c].dropna().astype(str).head(200)
        if len(s) and any(s.str.match(rx).mean() > 0.8 for rx in PII_VALUES):
            out.append(c)
    return out


def parse_duration(s: pd.Series) -> np.ndarray:
    """Seconds from ``268秒``, ``4分28秒``, ``1小时2分``, ``00:04:28``, ``268`` or ``268.5`` (vectorised)."""
    t = norm_series(s.astype("string"))
    num = pd.to_numeric(t, errors="coerce").to_numpy(float)
    m = t.str.extract(r"^(?:(\d+(?:\.\d+)?)(?:小时|时|h))?(?:(\d+(?:\.\d+)?)(?:分钟|分|min|m))?"
                      r"(?:(\d+(?:\.\d+)?)(?:秒钟|秒|s|sec))?$")
    parts = m.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    has = ~np.isnan(parts).all(axis=1)
    hms = np.nansum(parts * np.array([3600.0, 60.0, 1.0]), axis=1)
    c = t.str.extract(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$").apply(pd.to_numeric, errors="coerce").to_numpy(float)
    has_c = ~np.isnan(c[:, 1])
    clock = np.nan_to_num(c[:, 0]) * 3600 + c[:, 1] * 60 + c[:, 2]
    return np.where(~np.isnan(num), num, np.where(has, hms, np.where(has_c, clock, np.nan)))


def parse_times(s: pd.Series) -> pd.Series:
    t = s.astype("string").str.strip().str.replace(r"\.\d+$", "", regex=True)
    try:
        return pd.to_datetime(t, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=s.index)


# ----------------------------------------------------------------------------- mapping
def _check_mapping(mapping, q: Questionnaire, columns: list[str], source: str) -> tuple[dict, dict]:
    """Validate a mapping; return ({source column: target or None}, {qid: {normalised value: code}})."""
    def bad(where: str, reason: str, suggestion: str = "") -> MinyiError:
        return MinyiError.of("bad-data", file=source, reason=f"mapping {where}: {reason}",
                             hint=suggestion or "write columns: {source column: question id} and values: {qid: {value: code}}")

    if not isinstance(mapping, dict):
        raise bad("file", f"must be a YAML mapping, not {type(mapping).__name__}")
    extra = [k for k in mapping if k not in ("columns", "values")]
    if extra:
        raise bad(f"key '{extra[0]}'", "unknown key", did_you_mean(str(extra[0]), ["columns", "values"]))
    cols = mapping.get("columns") or {}
    vals = mapping.get("values") or {}
    if not isinstance(cols, dict) or not isinstance(vals, dict):
        raise bad("columns/values", "must be mappings")
    targets = set(q.columns()) | {qq.id for qq in q.questions}
    col_map: dict = {}
    for src, tgt in cols.items():
        src = str(src).strip()
        if src not in columns:
            hit = [c for c in columns if norm_text(c) == norm_text(src)]
            if not hit:
                raise bad(f"column '{src}'", "is not a column of the file", did_you_mean(src, columns))
            src = hit[0]
        if tgt is not None and str(tgt) not in targets:
            raise bad(f"column '{src}'", f"target '{tgt}' is not a question id or native column",
                      did_you_mean(str(tgt), sorted(targets)))
        col_map[src] = None if tgt is None else str(tgt)
    val_map: dict = {}
    for qid, vm in vals.items():
        qq = q.get(str(qid))
        if qq is None:
            raise bad(f"values of '{qid}'", "is not a question id", did_you_mean(str(qid), [x.id for x in q.questions]))
        if not isinstance(vm, dict):
            raise bad(f"values of '{qid}'", "must map values to option codes")
        out = {}
        for v, code in vm.items():
            try:
                c = q.resolve_code(qq.id, code)
            except KeyError:
                raise bad(f"values of '{qid}'", f"'{code}' (for '{v}') is not an option of {qid}",
                          "use one of: " + ", ".join(f"{o.code}={o.label}" for o in qq.options[:10]))
            out[norm_text(_yaml_key(v))] = float(c)
        val_map[qq.id] = out
    return col_map, val_map


def _yaml_key(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


# ----------------------------------------------------------------------------- conversion
_PART_PARENS = re.compile(r"^\((.+)\)$")
_WJX_OPT = re.compile(r"^第(\d+)题\((.+)\)$")
_NUM_HEAD = re.compile(r"^(\d+)(?:[、.:]|题)(.*)$")
_OTHER_RX = re.compile(r"^(.*?)〖(.*)〗$", re.S)
_OTHER_SUFFIX = ("填空", "文本", "_填空", "_文本", "说明", "_other", "other", "其他说明", "〖〗", "补充说明", "请注明", "具体内容",
                 "填写内容", "内容")
_TRUE = {"1", "1.0", "true", "yes", "y", "是", "选中", "已选", "checked", "selected", "√"}
_FALSE = {"0", "0.0", "false", "no", "n", "否", "未选中", "未选", "unchecked", "notselected", "×"}


def option_lookup(qq: Question, extra: Optional[dict] = None) -> dict:
    """{code text, normalised label, lower-case label (and mapping values): code} of ``qq``'s options."""
    lk: dict = {}
    for o in qq.options:
        lk[str(o.code)] = float(o.code)
    for o in qq.options:
        lk.setdefault(norm_text(o.label), float(o.code))
        lk.setdefault(norm_text(o.label).lower(), float(o.code))
    lk.update(extra or {})
    return lk


def map_option_values(qq: Question, s: pd.Series, extra: Optional[dict] = None) -> tuple[np.ndarray, dict]:
    """Codes for cells given as codes or labels (also ``1.0``, ``其他〖…〗``); NaN where unknown.

    Returns (codes, {cell: other text}) — the second for cells like ``其他〖物业纠纷〗``.
    """
    lk = option_lookup(qq, extra)
    mapping: dict = {}
    other: dict = {}
    for u in pd.unique(s.dropna()):  # distinct values only, never per respondent
        key = str(u)
        nk = norm_text(key)
        hit = lk.get(key, lk.get(nk, lk.get(nk.lower())))
        if hit is None:
            try:
                f = float(nk)
                if f.is_integer():
                    hit = lk.get(str(int(f)))
            except (ValueError, OverflowError):
                pass
        if hit is None:
            mo = _OTHER_RX.match(key)
            if mo:
                hit = lk.get(norm_text(mo.group(1)) or "")
                if hit is None and not norm_text(mo.group(1)):  # bare 〖text〗: the other option
                    hit = next((float(o.code) for o in qq.options if o.other), None)
                if hit is not None:
                    other[key] = mo.group(2).strip()
        if hit is not None:
            mapping[key] = hit
    out = s.map(mapping, na_action="ignore").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return out, other


def scores_as_codes(qq: Question, s: pd.Series) -> Optional[dict]:
    """{cell: code text} when a column holds the options' *scores* (问卷星 按分数), else None.

    Decided per column from its distinct values (never per respondent): every numeric value must be the score
    of exactly one option (or the code of an option without a score, such as 不了解, which has none to give),
    and at least one of them must be no option code.  When every value is also a valid code, the codes win
    (ambiguous: 按序号 is the usual export) and None is returned.  Options sharing a score make the mapping
    impossible (None).  Non-numeric cells (labels) are left to the label lookup.
    """
    sc = qq.scores
    if len(sc) < 2:
        return None
    by_score: dict = {}
    for code, v in sc.items():
        if v in by_score:
            return None
        by_score[v] = code
    codes = set(qq.codes)
    unscored = {o.code for o in qq.options if o.code not in sc}
    nums: dict = {}
    for u in pd.unique(s.dropna()):
        try:
            f = float(norm_text(u))
        except (ValueError, OverflowError):
            continue
        if not np.isfinite(f):
            return None
        nums[u] = f
    if not nums or all(f.is_integer() and int(f) in codes for f in nums.values()):
        return None
    out: dict = {}
    for u, f in nums.items():
        if f in by_score:
            out[u] = str(by_score[f])
        elif f.is_integer() and int(f) in unscored:
            out[u] = str(int(f))
        else:
            return None
    return out


def _spaced_labels(qq: Question, extra: Optional[dict] = None) -> dict:
    """{label with its words joined by one space (NFKC, lower case): option index} for labels holding spaces."""
    out: dict = {}
    for j, o in enumerate(qq.options):
        words = unicodedata.normalize("NFKC", str(o.label)).lower().split()
        if len(words) > 1:
            out.setdefault(" ".join(words), j)
    for v, code in (extra or {}).items():  # mapping values with spaces (rare)
        words = str(v).lower().split()
        if len(words) > 1 and int(code) in qq.codes:
            out.setdefault(" ".join(words), qq.codes.index(int(code)))
    return out


def split_spaced(text: str, single: dict, multi: dict, max_len: int) -> list[tuple[str, Optional[int]]]:
    """Split a space-joined select_multiple cell (KoboToolbox/ODK) into options: [(piece, option index or None)].

    Kobo joins the chosen options' XML names *or labels* with single spaces, so a label that itself holds
    spaces ("Very satisfied", "公共 交通") cannot be cut at every space.  The words are covered by pieces, each
    either one word that is an option code / label (``single``: normalised key → index) or a run of 2..
    ``max_len`` words equal to a label with spaces (``multi``: words joined by one space, NFKC, lower case →
    index), or one unknown word.  Dynamic programming over the word positions picks the cover with the fewest
    unknown words, then the fewest pieces (ties: the longest first piece).  The cell is fully understood only
    when no word is unknown; consecutive unknown words are returned joined as one piece (index None) so the
    problem names the unmatched part.  Cost O(words × max_len); called once per distinct cell.
    """
    words = text.split()
    m = len(words)
    keys = [unicodedata.normalize("NFKC", w).lower() for w in words]
    best: list = [None] * (m + 1)
    best[m] = (0, 0, ())
    for i in range(m - 1, -1, -1):
        cands = []
        for L in range(min(max_len, m - i), 1, -1):  # multi-word labels, longest first
            j = multi.get(" ".join(keys[i:i + L]))
            if j is not None:
                u, p, rest = best[i + L]
                cands.append((u, p + 1, ((" ".join(words[i:i + L]), j),) + rest))
        j = single.get(norm_text(words[i]).lower())
        u, p, rest = best[i + 1]
        if j is not None:
            cands.append((u, p + 1, ((words[i], j),) + rest))
        cands.append((u + 1, p + 1, ((words[i], None),) + rest))
        best[i] = min(cands, key=lambda c: (c[0], c[1]))
    out: list = []
    for piece, j in best[0][2]:
        if j is None and out and out[-1][1] is None:
            out[-1] = (out[-1][0] + " " + piece, None)
        else:
            out.append((piece, j))
    return out


class _Converter:
    """Map source columns to questions and convert cells to codes, collecting problems."""

    def __init__(self, q: Questionnaire, raw: RawTable, source: str, layout: str, mapping: Optional[dict] = None):
        self.q, self.source, self.layout = q, source, layout
        self.df = raw.frame
        self.var_labels = raw.var_labels
        self.value_labels = raw.value_labels
        self.n = len(self.df)
        self.parts: list[pd.DataFrame] = []
        self.unmatched: list[Problem] = []
        self.used: set = set()
        self.matched_any = False
        self.by_num = {qq.number: qq for qq in q.questions}
        self.by_title = {_title_key(qq.text): qq for qq in q.questions}
        self.native = {}
        for qq in q.questions:
            if qq.type == "matrix":
                for r in qq.rows:
                    self.native[f"{qq.id}_{r.id}"] = (qq, r.id)
            elif qq.type in ("multiple", "ranking"):
                for o in qq.options:
                    self.native[f"{qq.id}_{o.code}"] = (qq, str(o.code))
                if qq.type == "multiple" and qq.has_other:
                    self.native[f"{qq.id}_other"] = (qq, "_other")
            elif qq.has_other:  # single / scale / yes-no with "other, please specify"
                self.native[f"{qq.id}_other"] = (qq, "_other")
        self.col_map, self.val_map = ({}, {})
        if mapping:
            self.col_map, self.val_map = _check_mapping(mapping, q, list(self.df.columns), source)
        self.skip = EMPTY_VALUES + (WJX_SKIP if layout == "wjx" else [])
        self._seen_options: set = set()
        self.other_text: Optional[pd.Series] = None  # fill-in text of the last code_column (其他〖…〗)

    # -- problems
    def bad(self, mask: np.ndarray, column: str, values, code: str, target: Optional[str] = None, **params) -> None:
        """Record ``code`` for the rows in ``mask``; ``target`` is the native column the cell was meant for
        (default: the question id), so row validation can skip problems that only follow from this one."""
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        vals = [None if v is None or v is pd.NA else str(v) for v in np.asarray(values, dtype=object)[idx]]
        cache: dict = {}
        msgs = []
        for v in vals:  # one message per distinct value
            if v not in cache:
                p = dict(params)
                if "choices" in p and callable(p["choices"]):
                    p["choices"] = p["choices"](v)
                pr = problem(code, column=column, value=v, **p)
                cache[v] = f"{pr.message} ({pr.hint})" if pr.hint else pr.message  # keep the choices / closest
            msgs.append(cache[v])
        self.parts.append(pd.DataFrame({"index": idx, "row": idx, "column": column, "value": vals, "code": code,
                                        "message": msgs, "target": target or params.get("qid")}))

    def note(self, column: str, code: str = "unmatched-column", **params) -> None:
        self.unmatched.append(problem(code, file=self.source, column=column, severity="warning", **params))

    def problems_frame(self, header_line: int = 1) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        out = pd.concat(self.parts, ignore_index=True)
        out["row"] = out["index"].astype("int64") + header_line + 1
        return out

    # -- matching
    def match(self, header: str) -> tuple[Optional[Question], Optional[str], str]:
        """(question, part, how) for a header; part is a row/option id or label, '_other', or None."""
        q = self.q
        h = header.strip()
        if q.get(h):
            return q.get(h), None, "id"
        if h in self.native:
            return (*self.native[h], "id")
        # Kobo/ODK group paths: grp/q, grp/sub/q, q/option (with / or .)
        if re.search(r"[/.]", h) and re.fullmatch(r"[A-Za-z_][\w-]*(?:[/.][\w-]+)+", h):
            parts = re.split(r"[/.]", h)
            if q.get(parts[-1]):
                return q.get(parts[-1]), None, "id"
            if parts[-1] in self.native:
                return (*self.native[parts[-1]], "id")
            if len(parts) >= 2 and q.get(parts[-2]):
                return q.get(parts[-2]), parts[-1], "id"
        t = norm_text(h)
        m = _WJX_OPT.match(t)
        if m and int(m.group(1)) in self.by_num:
            return self.by_num[int(m.group(1))], m.group(2), "number"
        m = _NUM_HEAD.match(t)
        if m and int(m.group(1)) in self.by_num:
            qq = self.by_num[int(m.group(1))]
            rest = m.group(2)
            by_title = self._split_title(rest)
            if by_title and by_title[0] is not qq and _title_key(rest) == _title_key(by_title[0].text):
                self.note(header, "bad-data", reason=f"column '{header}' has the number of {qq.id} but the title of "
                          f"{by_title[0].id}; matched by title to {by_title[0].id}", hint="check the questionnaire numbering")
                return by_title[0], by_title[1], "title"
            part = self._part_of(qq, rest)
            if part is None and rest and not _PART_PARENS.match(rest):
                ratio = difflib.SequenceMatcher(None, _title_key(rest), _title_key(qq.text)).ratio()
                if ratio < 0.5 and _title_key(rest) not in _title_key(qq.text):
                    self.note(header, "bad-data", reason=f"column '{header}' matched to {qq.id} ({qq.number}、{qq.text}) "
                              f"by its number only: the titles differ", hint="check that the file belongs to this questionnaire")
            return qq, part, "number"
        hit = self._split_title(t)
        if hit:
            return hit[0], hit[1], "title"
        if "/" in t:  # Kobo label headers carry the group path too: 组名/题干 or 题干/选项
            comps = [x for x in t.split("/") if x]
            for i in range(len(comps) - 1, 0, -1):
                qq, part, how = self.match("/".join(comps[i:]))
                if qq is not None:
                    return qq, part, how
            if len(comps) >= 2:
                hit = self._split_title("/".join(comps[:-1]))
                if hit and hit[1] is None:
                    return hit[0], comps[-1], "title"
        return None, None, ""

    def _split_title(self, t: str) -> Optional[tuple[Question, Optional[str]]]:
        """Match a header without number by title, possibly followed by a part (``题干:选项`` / ``题干(选项)``)."""
        key = _title_key(t)
        if key in self.by_title:
            return self.by_title[key], None
        for sep in (":", "-", "_", "/"):
            if sep in t:
                stem, part = t.rsplit(sep, 1)
                if _title_key(stem) in self.by_title and part:
                    return self.by_title[_title_key(stem)], part
        m = re.match(r"^(.*)\((.+)\)$", t)
        if m and _title_key(m.group(1)) in self.by_title:
            return self.by_title[_title_key(m.group(1))], m.group(2)
        return None

    def _part_of(self, qq: Question, rest: str) -> Optional[str]:
        """The option/row part of the header text after ``N、`` (None for the whole question)."""
        if not rest:
            return None
        m = _PART_PARENS.match(rest)
        if m:
            return m.group(1)
        m = re.match(r"^\((.+?)\)(〖.*〗|[_:-]?(?:填空|文本|其他说明|other))$", rest)  # (其他)〖填空〗: the fill-in column
        if m:
            return m.group(1) + m.group(2)
        if qq.type not in ("matrix", "multiple", "ranking"):
            key = norm_text(qq.text)  # a single choice has one part only: the fill-in text of its "other"
            if qq.has_other and rest.startswith(key) and len(rest) > len(key):
                tail = rest[len(key):].lstrip(":-_/—–|")
                if self._is_other_part(qq, norm_text(tail)) is not None:
                    return tail
            return None
        key = norm_text(qq.text)
        if rest.startswith(key) and len(rest) > len(key):
            tail = rest[len(key):].lstrip(":-_/—–|")
            tail = _PART_PARENS.match(tail).group(1) if _PART_PARENS.match(tail) else tail
            return tail or None
        for sep in (":", "-", "_", "—", "|"):
            if sep in rest:
                tail = rest.rsplit(sep, 1)[1]
                if tail and self._part_known(qq, tail):
                    return tail
        m = re.match(r"^(.*)\((.+)\)$", rest)
        if m and self._part_known(qq, m.group(2)):
            return m.group(2)
        return None

    def _part_known(self, qq: Question, part: str) -> bool:
        p = norm_text(part)
        if qq.type == "matrix":
            return any(p in (norm_text(r.label), r.id) for r in qq.rows)
        return any(p in (norm_text(o.label), str(o.code)) for o in qq.options) or self._is_other_part(qq, p) is not None

    def _is_other_part(self, qq: Question, p: str) -> Optional[int]:
        """Index of the 'other' option if ``p`` names its fill-in text column (e.g. 其他_填空, 其他〖〗, other)."""
        if qq.type not in ("multiple", "single", "scale", "yesno") or not qq.has_other:
            return None
        if p.lower() in ("other", "_other", "其他_填空", "其他填空", "其他文本"):
            return next(j for j, o in enumerate(qq.options) if o.other)
        for j, o in enumerate(qq.options):
            lab = norm_text(o.label)
            if o.other and p.startswith(lab) and len(p) > len(lab):
                tail = p[len(lab):].strip("()[]_-:")
                if tail in _OTHER_SUFFIX or tail.startswith("〖") or tail == "":
                    return j
        return None

    # -- values
    def values(self, c: str) -> pd.Series:
        """Cells of column ``c`` as stripped strings; not-asked/empty markers → <NA>."""
        s = self.df[c].astype("string").str.strip()
        return s.where(~s.isin(self.skip), pd.NA)

    def labelled(self, c: str, s: pd.Series) -> pd.Series:
        """SPSS value labels applied (code → label) where the column has them."""
        vl = self.value_labels.get(c)
        if not vl:
            return s
        return s.map(vl).astype("string").fillna(s)

    def lookup(self, qq: Question) -> dict:
        return option_lookup(qq, self.val_map.get(qq.id))

    def map_values(self, qq: Question, s: pd.Series) -> tuple[np.ndarray, dict]:
        """Codes for cells given as codes or labels; see :func:`map_option_values`."""
        return map_option_values(qq, s, self.val_map.get(qq.id))

    def choices_hint(self, qq: Question, labels=None):
        labels = labels if labels is not None else [o.label for o in qq.options]
        base = ", ".join(f"{o.code}={o.label}" for o in qq.options[:10]) + (" …" if len(qq.options) > 10 else "")

        def hint(v):
            close = difflib.get_close_matches(norm_text(v or ""), [norm_text(x) for x in labels], n=2, cutoff=0.4)
            return base + (f" (closest: {', '.join(repr(c) for c in close)})" if close else "")
        return hint

    def code_column(self, qq: Question, c: str, target: Optional[str] = None) -> np.ndarray:
        s = self.labelled(c, self.values(c))
        by_score = (scores_as_codes(qq, s) if self.layout != "native" and not self.value_labels.get(c)
                    and qq.id not in self.val_map else None)  # minyi's native layout holds codes, always
        if by_score:  # 问卷星 按分数: the column holds the options' scores, not their codes
            s = s.map(by_score).astype("string").fillna(s)
            pairs = ", ".join(f"{v}→{k}" for v, k in sorted(by_score.items(), key=lambda kv: kv[1]))
            self.unmatched.append(problem("bad-data", file=self.source, column=c, severity="info",
                                          reason=f"{target or qq.id}: values read as scores (问卷星 按分数): "
                                                 f"score→code {pairs}",
                                          hint="every value is an option score and some are no option code; "
                                               "export 按序号 or 按文本 to avoid this reading"))
        codes, other = self.map_values(qq, s)
        # "其他〖物业纠纷〗": the code of 其他, and its text (kept in <id>_other for single choices)
        self.other_text = (s.map(other).astype("string") if other else None)
        if self.value_labels.get(c):  # a labelled SPSS value whose label matches no option: try its code
            raw = self.values(c)
            miss = np.isnan(codes) & s.notna().to_numpy()
            if miss.any():
                codes2, _ = self.map_values(qq, raw)
                ok = miss & ~np.isnan(codes2)
                if ok.any():
                    self.note(c, "bad-data", reason=f"column '{c}': SPSS value labels do not match the options of "
                              f"{qq.id}; matched those values by code", hint="check the value labels")
                codes = np.where(ok, codes2, codes)
        unknown = s.notna().to_numpy() & np.isnan(codes)
        self.bad(unknown, c, s.to_numpy(dtype=object, na_value=None), "unknown-option", target=target, qid=qq.id,
                 choices=self.choices_hint(qq))
        return codes

    # -- main
    def run(self) -> pd.DataFrame:
        q, df = self.q, self.df
        groups: dict[str, list[tuple[str, Optional[str]]]] = {}
        meta: dict[str, str] = {}
        for c in df.columns:
            header = self.col_map.get(c, c)
            if c in self.col_map and header is None:
                continue  # explicitly ignored by the mapping
            nc = norm_text(header).lower()
            if nc not in META_MAP and c in self.var_labels and norm_text(self.var_labels[c]).lower() in META_MAP:
                nc = norm_text(self.var_labels[c]).lower()  # SPSS: 序号 / 所用时间 … as variable labels
            if nc in META_MAP and not q.get(header):
                if META_MAP[nc]:
                    prev = meta.get(META_MAP[nc])
                    if prev is None or _META_RANK.get(nc, 9) < _META_RANK.get(norm_text(self.col_map.get(prev, prev)).lower(), 9):
                        meta[META_MAP[nc]] = c
                continue
            qq, part, how = self.match(header)
            if qq is None and c in self.var_labels:
                qq, part, how = self.match(self.var_labels[c])
            if qq is None:
                if not (_KOBO_META.match(header) or nc in META_MAP):
                    self.note(c, suggestion=did_you_mean(norm_text(header), [f"{x.number}、{norm_text(x.text)}" for x in q.questions]
                                                         + q.columns(meta=False)))
                continue
            groups.setdefault(qq.id, []).append((c, part))
        self.used = {c for cols in groups.values() for c, _ in cols}
        self.matched_any = bool(groups)
        frame = pd.DataFrame(index=range(self.n))
        if "respondent_id" in meta:
            rid = df[meta["respondent_id"]].astype("string").str.strip()
            frame["respondent_id"] = rid.to_numpy(dtype=object, na_value=None)
        else:
            frame["respondent_id"] = [f"{self.source}:{i}" for i in range(1, self.n + 1)]
        start = parse_times(df[meta["_start"]]) if "_start" in meta else None
        end = parse_times(df[meta["_end"]]) if "_end" in meta else None
        sub = parse_times(df[meta["submitted_at"]]) if "submitted_at" in meta else end
        frame["submitted_at"] = (sub.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object, na_value=None)
                                 if sub is not None else None)
        if "duration_sec" in meta:
            frame["duration_sec"] = parse_duration(df[meta["duration_sec"]])
        elif start is not None and (end is not None or sub is not None):
            frame["duration_sec"] = ((end if end is not None else sub) - start).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
        else:
            frame["duration_sec"] = np.nan
        if COLLECTOR_COLUMN[0] in meta:
            frame[COLLECTOR_COLUMN[0]] = df[meta[COLLECTOR_COLUMN[0]]].astype("string").str.strip().to_numpy(
                dtype=object, na_value=None)
        data: dict[str, np.ndarray] = {}
        for qq in q.questions:
            cols = groups.get(qq.id, [])
            if cols:
                self._convert(qq, cols, data)
        expected = q.columns(meta=False)
        missing = [qq for qq in q.questions if not any(c in data for c in qq.columns())]
        if groups:
            for qq in missing:
                self.unmatched.append(problem("missing-column", file=self.source, qid=qq.id, severity="warning",
                                              suggestion=f"no column matched {qq.number}、{qq.text}; "
                                                         "add it to a --mapping file if the file has it under another name"))
        for c in expected:
            if c not in data:
                data[c] = np.full(self.n, np.nan) if not self._is_text(c) else np.full(self.n, None, dtype=object)
        return pd.concat([frame, pd.DataFrame(data, index=frame.index)[expected]], axis=1)

    def _is_text(self, col: str) -> bool:
        qq = self.q.get(col)
        return (qq is not None and qq.type == "text") or col.endswith("_other")

    def _convert(self, qq: Question, cols: list, data: dict) -> None:
        whole = [c for c, part in cols if part is None]
        if len(whole) > 1:
            for c in whole[1:]:
                self.note(c, "bad-data", reason=f"column '{c}' is a second column for {qq.id} (first: '{whole[0]}'); ignored",
                          hint="remove one of them or map it with --mapping")
        if qq.type in ("single", "scale", "yesno"):
            c = whole[0] if whole else cols[0][0]
            data[qq.id] = self.code_column(qq, c)
            other = self.other_text
            for c2, part in cols:
                if part is None:
                    continue
                if qq.has_other and (part == "_other" or self._is_other_part(qq, norm_text(part)) is not None):
                    fill = self.values(c2).str.replace(r"^〖(.*)〗$", r"\1", regex=True)  # a separate fill-in column
                    other = fill if other is None else other.where(other.notna(), fill)
                    continue
                self.note(c2, "bad-data", reason=f"column '{c2}' (part '{part}' of single-choice {qq.id}) not imported",
                          hint="the native layout keeps one code per single-choice question")
            if other is not None and not qq.has_other:
                n_txt = int(other.notna().sum())
                if n_txt:  # 〖text〗 on an option that is not "other": the code is kept, the text is reported
                    self.note(c, "bad-data", reason=f"column '{c}': {n_txt} cell(s) carry fill-in text 〖…〗 but {qq.id} "
                              "has no 'other' option; the text was not imported",
                              hint=f"mark the option with other: true in the questionnaire to keep it as {qq.id}_other")
            if qq.has_other:
                data[f"{qq.id}_other"] = (other.to_numpy(dtype=object, na_value=None) if other is not None
                                          else np.full(self.n, None, dtype=object))
            return
        if qq.type == "number":
            c = whole[0] if whole else cols[0][0]
            s = self.values(c)
            x = pd.to_numeric(norm_series(s), errors="coerce").to_numpy(dtype=float)
            self.bad(s.notna().to_numpy() & np.isnan(x), c, s.to_numpy(dtype=object, na_value=None), "not-a-number", qid=qq.id)
            data[qq.id] = x
            return
        if qq.type == "text":
            c = whole[0] if whole else cols[0][0]
            s = self.values(c)
            data[qq.id] = s.to_numpy(dtype=object, na_value=None)
            return
        if qq.type == "matrix":
            rows = {}
            for r in qq.rows:
                rows[norm_text(r.label)] = r
                rows[r.id] = r
            for c, part in cols:
                r = rows.get(norm_text(part)) if part else None
                if r is None:
                    self.note(c, suggestion=did_you_mean(norm_text(part or c), [norm_text(x.label) for x in qq.rows]))
                    continue
                data[f"{qq.id}_{r.id}"] = self.code_column(qq, c, target=f"{qq.id}_{r.id}")
            return
        if qq.type in ("multiple", "ranking"):
            self._convert_multi(qq, cols, data)

    def _convert_multi(self, qq: Question, cols: list, data: dict) -> None:
        n, k = self.n, len(qq.options)
        M = np.full((n, k), np.nan)
        other_text = pd.Series(pd.NA, index=range(n), dtype="string")
        opt_index: dict = {}
        for j, o in enumerate(qq.options):
            opt_index[str(o.code)] = j
            opt_index.setdefault(norm_text(o.label), j)
            opt_index.setdefault(norm_text(o.label).lower(), j)
        for v, code in self.val_map.get(qq.id, {}).items():
            opt_index[v] = qq.codes.index(int(code))
        per_option = [(c, part) for c, part in cols if part is not None]
        whole = [c for c, part in cols if part is None][:1]
        asked = np.zeros(n, dtype=bool)
        if per_option:
            for c, part in per_option:
                pn = norm_text(part)
                j_other = self._is_other_part(qq, pn) if pn not in opt_index else None
                if part == "_other" or j_other is not None:
                    s = self.values(c)
                    other_text = other_text.where(other_text.notna(), s.str.replace(r"^〖(.*)〗$", r"\1", regex=True))
                    continue
                mo = _OTHER_RX.match(pn)
                j = opt_index.get(pn, opt_index.get(pn.lower(), opt_index.get(norm_text(mo.group(1))) if mo else None))
                if j is not None:
                    self._seen_options.add(j)
                if j is None:
                    self.note(c, suggestion=did_you_mean(pn, [norm_text(o.label) for o in qq.options]))
                    continue
                raw_s = self.df[c].astype("string").str.strip()
                skipped = raw_s.isin(WJX_SKIP[:2] + ["(跳过)", "（跳过）"]).to_numpy() if self.layout == "wjx" else np.zeros(n, bool)
                s = self.values(c)
                present = s.notna().to_numpy()
                if qq.type == "multiple":
                    low = norm_series(s, lower=True)
                    x = np.full(n, np.nan)
                    x[low.isin(_TRUE).to_numpy()] = 1.0
                    x[low.isin(_FALSE).to_numpy()] = 0.0
                    # a cell holding text: the option label itself (腾讯/Kobo label exports) or the other fill-in
                    txt = present & np.isnan(x)
                    if txt.any():
                        lab = norm_text(qq.options[j].label)
                        tv = s.to_numpy(dtype=object, na_value=None)
                        ext = s.str.extract(_OTHER_RX)
                        is_label = low.isin([lab.lower(), str(qq.options[j].code)]).to_numpy()
                        is_other_fill = ext[0].notna().to_numpy() | (qq.options[j].other & ~is_label)
                        sel = txt & (is_label | is_other_fill)
                        x[sel] = 1.0
                        if qq.options[j].other:
                            fill = ext[1].where(ext[1].notna(), s).where(pd.Series(txt & ~is_label), pd.NA)
                            other_text = other_text.where(other_text.notna(), fill.astype("string"))
                        badm = txt & ~sel
                        self.bad(badm, c, tv, "unknown-option", qid=qq.id, choices=f"0 or 1 (selected '{qq.options[j].label}')")
                    asked |= present & ~np.isnan(x)
                    M[:, j] = x
                else:  # ranking: rank per option; 0 / -3 / blank = not ranked
                    x = pd.to_numeric(norm_series(s), errors="coerce").to_numpy(dtype=float)
                    badm = present & np.isnan(x)
                    self.bad(badm, c, s.to_numpy(dtype=object, na_value=None), "rank-invalid", qid=qq.id,
                             reason="a rank must be a whole number", k=qq.k or k)
                    x = np.where(x <= 0, np.nan, x)
                    asked |= present | skipped
                    M[:, j] = x
            if qq.type == "multiple":
                M = np.where(asked[:, None], np.nan_to_num(M, nan=0.0), np.nan)
            seen = np.isin(np.arange(k), [opt_index.get(norm_text(part), -1) for _, part in per_option])
            seen |= np.array([j in self._seen_options for j in range(k)]) if self._seen_options else False
            self._seen_options = set()
            if not seen.all() and not [c for c, part in cols if part is None]:
                M[:, ~seen] = np.nan  # an option without a column is unknown, not "not selected"
                self.note(per_option[0][0], "bad-data", reason=f"{qq.id}: no column for option(s) "
                          + ", ".join(f"{o.code}={o.label}" for o, s_ in zip(qq.options, seen) if not s_)
                          + "; left blank", hint="export every option column, or map them with --mapping")
        real_options = [c for c, part in per_option
                        if part != "_other" and (norm_text(part) in opt_index or self._is_other_part(qq, norm_text(part)) is None)]
        for c in whole:
            if real_options:
                self.note(c, "bad-data", reason=f"column '{c}' repeats {qq.id}, which also has one column per option; "
                          "the per-option columns were used", hint="")
                continue
            self._whole_cell(qq, c, M, other_text, opt_index)
        for j, o in enumerate(qq.options):
            data[f"{qq.id}_{o.code}"] = M[:, j]
        if qq.type == "multiple" and qq.has_other:
            data[f"{qq.id}_other"] = other_text.to_numpy(dtype=object, na_value=None)

    def _whole_cell(self, qq: Question, c: str, M: np.ndarray, other_text: pd.Series, opt_index: dict) -> None:
        """One cell per respondent: options joined by ┋ (问卷星 multiple), → (ranking), spaces (Kobo), | ; ,

        Cells are parsed once per *distinct* value, then joined back to the respondents (no per-row Python).
        """
        s = self.labelled(c, self.values(c))
        present = s.notna().to_numpy()
        if qq.type == "multiple":
            M[present] = np.nan_to_num(M[present], nan=0.0)
        codes, uniq = pd.factorize(s)
        if not len(uniq):
            return
        U = pd.Series(np.asarray(uniq, dtype=object)).astype("string")
        sep = r"\s*(?:┋|→|->|>|\||;|；|,|，)\s*" if qq.type == "ranking" else r"\s*(?:┋|\||;|；|,|，)\s*"
        whole_hit = norm_series(U, lower=True).map(opt_index)
        tok = U.where(whole_hit.isna(), pd.NA).str.split(sep, regex=True).explode().dropna()
        tok = tok[tok.str.strip() != ""].astype("string")
        hit = norm_series(tok, lower=True).map(opt_index)
        ext = tok.str.extract(_OTHER_RX)
        is_other = ext[0].notna() & hit.isna()
        hit = hit.where(~is_other, norm_series(ext[0].astype("string"), lower=True).map(opt_index))
        bare = is_other & (ext[0].fillna("").str.strip() == "") & qq.has_other
        if bare.any():
            hit = hit.where(~bare, float(next(j for j, o in enumerate(qq.options) if o.other)))
        T = pd.DataFrame({"u": np.asarray(tok.index, dtype=np.int64), "j": hit.to_numpy(dtype=float, na_value=np.nan),
                          "tok": tok.to_numpy(dtype=object, na_value=None),
                          "other": np.where(is_other.to_numpy(dtype=bool), ext[1].to_numpy(dtype=object, na_value=None), None),
                          "ord": np.arange(len(tok), dtype=float)})
        # tokens that are no option: split further on spaces (Kobo select_multiple "1 3 5", or labels joined by
        # spaces "Very satisfied Public transport"): a full cover by option codes / labels, once per distinct token
        miss = (hit.isna() & tok.str.contains(r"\s", regex=True)).to_numpy(dtype=bool)
        if miss.any():
            single = {k.lower(): j for k, j in opt_index.items()}
            multi = _spaced_labels(qq, self.val_map.get(qq.id))
            max_len = max((k.count(" ") + 1 for k in multi), default=1)
            cache: dict = {}
            rows = []
            for u, t, o in zip(T["u"].to_numpy()[miss], T["tok"].to_numpy()[miss], T["ord"].to_numpy()[miss]):
                if t not in cache:
                    cache[t] = split_spaced(t, single, multi, max_len)
                for i, (piece, jj) in enumerate(cache[t]):
                    rows.append((u, np.nan if jj is None else float(jj), piece, None, o + (i + 1) / (len(cache[t]) + 1)))
            T = pd.concat([T[~miss], pd.DataFrame(rows, columns=list(T.columns))], ignore_index=True)
            T = T.sort_values(["u", "ord"], kind="stable").reset_index(drop=True)
        T = T.drop(columns="ord")
        T["pos"] = T.groupby("u").cumcount() + 1
        wh = whole_hit.to_numpy(dtype=float, na_value=np.nan)
        wi = np.flatnonzero(~np.isnan(wh))
        T = pd.concat([T, pd.DataFrame({"u": wi, "j": wh[wi], "tok": None, "other": None, "pos": 1})], ignore_index=True)
        dup_u = T.loc[T["j"].notna() & T.duplicated(["u", "j"]), "u"].unique()
        bad_u = T.loc[T["j"].isna()].drop_duplicates("u")
        R = pd.DataFrame({"r": np.arange(self.n, dtype=np.int64), "u": codes})
        R = R[R["u"] >= 0].merge(T, on="u", how="inner")
        ok = R["j"].notna().to_numpy()
        rows = R["r"].to_numpy(dtype=np.int64)
        j = R["j"].to_numpy(dtype=float)
        M[rows[ok], j[ok].astype(int)] = 1.0 if qq.type == "multiple" else R["pos"].to_numpy(dtype=float)[ok]
        if qq.type == "ranking" and len(dup_u):
            self.bad(np.isin(codes, dup_u), c, s.to_numpy(dtype=object, na_value=None), "rank-invalid", qid=qq.id,
                     reason="the same option is ranked twice", k=qq.k or len(qq.options))
        oth = R.loc[ok & R["other"].notna().to_numpy()].drop_duplicates("r")
        if len(oth):
            idx = oth["r"].to_numpy()
            fills = pd.Series(oth["other"].to_numpy(dtype=object), index=idx).astype("string").str.strip()
            other_text.loc[idx] = other_text.loc[idx].where(other_text.loc[idx].notna(), fills)
        if len(bad_u):
            first_bad = pd.Series(bad_u["tok"].to_numpy(dtype=object), index=bad_u["u"].to_numpy())
            badrows = np.isin(codes, first_bad.index.to_numpy())
            badvals = np.full(self.n, None, dtype=object)
            badvals[badrows] = first_bad.reindex(codes[badrows]).to_numpy(dtype=object)
            self.bad(badrows, c, badvals, "unknown-option", qid=qq.id, choices=self.choices_hint(qq))


def native_table(frame: pd.DataFrame, q: Questionnaire, *, source: str = "serve", first_row: int = 1) -> ImportedTable:
    """A DataFrame of native-layout rows (numbers or text) converted like a native file (see survey.ingest)."""
    cells = pd.DataFrame({str(c): [None if v is None or (isinstance(v, float) and np.isnan(v)) else
                                   (str(int(v)) if isinstance(v, (float, np.floating)) and float(v).is_integer() else str(v))
                                   for v in frame[c].astype(object).tolist()] for c in frame.columns})
    raw = RawTable(cells, "csv", f"{len(frame):,} rows from {source}", header_line=first_row - 1)
    t = convert_raw(raw, q, Path(source), format="native", hash_file=False)
    return t
