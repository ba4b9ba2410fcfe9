"""Read response files of every kind into minyi's native layout.

:func:`read_responses` detects the format from the content (not the extension), then
converts: minyi native CSV (fast path through pyarrow), generic CSV/XLSX (columns matched
to questions by id, by number ``N、`` or by title), 问卷星 exports in both codings (按序号
codes / 按文本 labels; ``N、(选项)`` / ``第N题(选项)`` 0/1 columns, ``┋``-joined multiple
choice, ``→``-joined ranking, ``〖…〗`` other text, -2/-3/(跳过) not asked, (空) empty) and
KoboToolbox-style exports (``grp/q`` headers, ``_``-metadata, space-separated multiple).
Cells that cannot be interpreted become cell problems (the store quarantines their rows);
columns that match nothing are reported with the closest candidates — nothing is guessed.
"""

from __future__ import annotations

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
from .questionnaire import META_COLUMNS, Question, Questionnaire
from .tabular import decode_bytes, read_excel_table, read_text_table, sniff_kind

FORMATS = ("auto", "csv", "xlsx", "wjx", "kobo", "native")
SKIP_VALUES = {"-2", "-3", "(跳过)", "（跳过）", "(空)", "（空）", "N/A", ""}
PII_HEADERS = re.compile(r"(^ip$|来自ip|^ip地址|手机|电话|phone|mobile|姓名|^name$|身份证|id_?card)", re.I)
PII_VALUES = [re.compile(r"^1[3-9]\d{9}$"), re.compile(r"^\d{17}[\dXx]$"),
              re.compile(r"^\d{1,3}(\.\d{1,3}){3}(\(.*\))?$")]


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


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def norm_text(s: str) -> str:
    """NFKC (full-width → half-width), trimmed, inner whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s))).strip()


# ----------------------------------------------------------------------------- detection
def detect(columns: list[str], q: Questionnaire, kind: str) -> tuple[str, str]:
    cols = [norm_text(c) for c in columns]
    native = set(q.columns())
    n_native = sum(1 for c in columns if c in native)
    if "respondent_id" in columns and n_native >= max(3, len(columns) // 3):
        return "native", f"header has respondent_id and {n_native} of minyi's native question columns"
    if any(c in ("提交答卷时间", "所用时间", "来源详情", "来自IP") for c in cols) or \
            sum(bool(re.match(r"^(\d+)[、:：]", c)) or c.startswith("第") for c in cols) >= 2:
        return "wjx", "问卷星 metadata columns (提交答卷时间/所用时间) or 'N、' question headers"
    if any(c in ("_uuid", "_submission_time", "_id", "_index") for c in cols):
        return "kobo", "KoboToolbox metadata columns (_uuid/_submission_time)"
    if n_native >= 1:
        return "native", f"{n_native} columns named like minyi question ids"
    return ("xlsx" if kind in ("xlsx", "xls") else "csv"), "no known export layout; matching columns by id, number or title"


# ----------------------------------------------------------------------------- public entry
def read_responses(path: str | Path, q: Questionnaire, *, format: str = "auto", sheet: Optional[str] = None,
                   mapping: Optional[dict] = None) -> ImportedTable:
    """Read any supported response file and convert it to the native layout (see module docstring)."""
    p = Path(path)
    if format not in FORMATS:
        raise MinyiError.of("usage", reason=f"unknown --format {format!r}; choose one of {', '.join(FORMATS)}")
    if not p.exists():
        raise MinyiError.of("file-not-found", file=str(p), path=str(p))
    if p.is_dir():
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p), reason="it is a folder")
    if p.stat().st_size == 0:
        raise MinyiError.of("file-empty", file=str(p))
    kind = sniff_kind(p)
    if kind == "sav":
        raw = _read_sav(p)
    elif kind in ("xlsx", "xls"):
        raw = read_excel_table(p, sheet)
    else:
        text, _ = decode_bytes(p.read_bytes(), str(p))
        if not text.strip():
            raise MinyiError.of("file-empty", file=str(p))
        raw = None
        if format in ("auto", "native") and _looks_native(text, q):
            return _read_native_fast(p, q)
        raw = read_text_table(text, str(p))
    raw.columns = [str(c).strip() for c in raw.columns]
    if raw.shape[1] == 0 or (len(raw) == 0 and raw.shape[1] <= 1):
        raise MinyiError.of("file-empty", file=str(p))
    fmt, reason = (format, "chosen with --format") if format != "auto" else detect(list(raw.columns), q, kind)
    if mapping:
        raw = _apply_mapping(raw, mapping)
    conv = _Converter(q, raw, str(p.name), fmt)
    frame = conv.run()
    frame["_row"] = np.arange(len(raw)) + 2
    pii = _detect_pii(raw)
    return ImportedTable(frame=frame, problems=conv.problems_frame(), format=fmt, format_reason=reason,
                         pii=raw[pii] if pii else pd.DataFrame(index=raw.index), unmatched=conv.unmatched,
                         source_hash=file_hash(p), rows_read=len(raw))


def _looks_native(text: str, q: Questionnaire) -> bool:
    first = text.split("\n", 1)[0].lstrip("\ufeff")
    cols = [c.strip().strip('"') for c in first.split(",")]
    return "respondent_id" in cols and sum(1 for c in cols if c in set(q.columns())) >= max(3, len(cols) // 3)


def _read_native_fast(p: Path, q: Questionnaire) -> ImportedTable:
    """minyi native CSV through pyarrow: typed columns, no per-cell Python work."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    text_cols = {c for qq in q.questions for c in qq.columns() if qq.type == "text" or c.endswith("_other")}
    text_cols |= {"respondent_id", "submitted_at", "ip"}
    import csv as _csv

    with open(p, encoding="utf-8-sig", newline="") as fh:
        names = next(_csv.reader(fh), [])
    types = {c: (pa.string() if c in text_cols else pa.float64()) for c in names if c in set(q.columns()) | set(META_COLUMNS) | {"ip"}}
    types["duration_sec"] = pa.float64()
    try:
        table = pacsv.read_csv(str(p), read_options=pacsv.ReadOptions(block_size=1 << 24),
                               convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True,
                                                                    quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        # a non-numeric value in a code column etc.: fall back to the careful converter
        text, _ = decode_bytes(p.read_bytes(), str(p))
        raw = read_text_table(text, str(p))
        conv = _Converter(q, raw, p.name, "native")
        frame = conv.run()
        frame["_row"] = np.arange(len(raw)) + 2
        pii = _detect_pii(raw)
        return ImportedTable(frame, conv.problems_frame(), "native", f"minyi native layout (careful path: {str(e)[:80]})",
                             raw[pii] if pii else pd.DataFrame(index=raw.index), conv.unmatched, file_hash(p), len(raw))
    frame = table.to_pandas(types_mapper=None)
    unmatched = [problem("unmatched-column", file=p.name, column=c, suggestion=did_you_mean(c, q.columns()))
                 for c in frame.columns if c not in set(q.columns()) | set(META_COLUMNS) | {"ip"}]
    for c in q.columns():
        if c not in frame.columns:
            frame[c] = np.nan if c not in text_cols else None
    frame["_row"] = np.arange(len(frame)) + 2
    pii = [c for c in ("ip",) if c in frame.columns]
    pii_df = frame[pii].copy() if pii else pd.DataFrame(index=frame.index)
    frame = frame.drop(columns=pii)
    keep = [c for c in list(META_COLUMNS) + q.columns(meta=False) if c in frame.columns] + ["_row"]
    return ImportedTable(frame[keep], pd.DataFrame(columns=["index", "row", "column", "value", "code", "message"]),
                         "native", "minyi native layout (respondent_id + question id columns)", pii_df, unmatched,
                         file_hash(p), len(frame))


def _read_sav(p: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(str(p), apply_value_formats=False)
    except Exception as e:
        raise MinyiError.of("file-unreadable", file=str(p), path=str(p), reason=f"not a readable SPSS file ({e})")
    # variable labels help matching: use "label" as header when the name is a generic Vn/Qn
    out = pd.DataFrame({c: df[c].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                                     else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
                        for c in df.columns})
    rename = {}
    for c, lab in zip(meta.column_names, meta.column_labels):
        if lab and re.match(r"^(\d+)[、.:：]|^第\d+题", norm_text(lab)):
            rename[c] = lab
    return out.rename(columns=rename)


def _apply_mapping(raw: pd.DataFrame, mapping: dict) -> pd.DataFrame:
    cols = mapping.get("columns") or {}
    raw = raw.rename(columns={k: v for k, v in cols.items() if k in raw.columns})
    for qid, vmap in (mapping.get("values") or {}).items():
        if qid in raw.columns:
            raw[qid] = raw[qid].map(lambda v: str(vmap.get(v, vmap.get(str(v), v))) if v is not None else None)
    return raw


def _detect_pii(raw: pd.DataFrame) -> list[str]:
    out = []
    for c in raw.columns:
        if PII_HEADERS.search(norm_text(c)):
            out.append(c)
            continue
        s = raw[c].dropna().astype(str).head(200)
        if len(s) and any(s.str.match(rx).mean() > 0.8 for rx in PII_VALUES):
            out.append(c)
    return out


# ----------------------------------------------------------------------------- conversion
_OPT_HEADER = re.compile(r"^(?:第)?(\d+)(?:题|[、.:：])?\s*[(（](.+)[)）]$")
_Q_HEADER = re.compile(r"^(\d+)[、.:：](.*)$")
_OTHER_RX = re.compile(r"^(.*?)〖(.*)〗$")


class _Converter:
    """Map source columns to questions and convert cells to codes, collecting problems."""

    def __init__(self, q: Questionnaire, raw: pd.DataFrame, source: str, fmt: str):
        self.q, self.raw, self.source, self.fmt = q, raw, source, fmt
        self.n = len(raw)
        self.out: dict[str, np.ndarray] = {}
        self.parts: list[pd.DataFrame] = []
        self.unmatched: list[Problem] = []
        by_num = {qq.number: qq for qq in q.questions}
        self.by_num = by_num
        self.by_title = {norm_text(qq.text): qq for qq in q.questions}

    # -- problems
    def bad(self, mask: np.ndarray, column: str, values, code: str, **params) -> None:
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        vals = [None if v is None else str(v) for v in np.asarray(values, dtype=object)[idx]]
        cache = {}
        msgs = []
        for v in vals:
            if v not in cache:
                cache[v] = problem(code, column=column, value=v, **params).message
            msgs.append(cache[v])
        self.parts.append(pd.DataFrame({"index": idx, "row": idx + 2, "column": column, "value": vals, "code": code,
                                        "message": msgs}))

    def problems_frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["index", "row", "column", "value", "code", "message"])
        return pd.concat(self.parts, ignore_index=True)

    # -- matching
    def match(self, header: str) -> tuple[Optional[Question], Optional[str]]:
        """(question, part) for a header; part is a row/option label or None."""
        h = header.strip()
        q = self.q
        if q.get(h):
            return q.get(h), None
        for sep in ("/", "."):
            if sep in h:  # Kobo group paths grp/q or q/option
                parts = h.split(sep)
                if q.get(parts[-1]):
                    return q.get(parts[-1]), None
                if len(parts) >= 2 and q.get(parts[-2]):
                    return q.get(parts[-2]), parts[-1]
        m = re.match(r"^([A-Za-z]\w*?)_(\w+)$", h)
        if m and q.get(m.group(1)):
            return q.get(m.group(1)), m.group(2)
        t = norm_text(h)
        m = _OPT_HEADER.match(t)
        if m and int(m.group(1)) in self.by_num:
            return self.by_num[int(m.group(1))], m.group(2)
        m = _Q_HEADER.match(t)
        if m and int(m.group(1)) in self.by_num:
            return self.by_num[int(m.group(1))], None
        if t in self.by_title:
            return self.by_title[t], None
        return None, None

    def code_of(self, qq: Question, values: pd.Series, column: str) -> np.ndarray:
        """Codes for option values given as codes or labels; unknown values become problems."""
        s = values.astype("string").str.strip()
        s = s.where(~s.isin(list(SKIP_VALUES)), None)
        lookup: dict[str, float] = {}
        for o in qq.options:
            lookup[str(o.code)] = float(o.code)
            lookup[norm_text(o.label)] = float(o.code)
            lookup[o.label] = float(o.code)
        uniq = pd.unique(s.dropna())
        mapping = {}
        for u in uniq:
            key = str(u)
            if key in lookup:
                mapping[key] = lookup[key]
                continue
            nk = norm_text(key)
            if nk in lookup:
                mapping[key] = lookup[nk]
                continue
            try:
                f = float(key)
                if f.is_integer() and str(int(f)) in lookup:
                    mapping[key] = lookup[str(int(f))]
                    continue
            except ValueError:
                pass
            mo = _OTHER_RX.match(key)
            if mo and norm_text(mo.group(1)) in lookup:
                mapping[key] = lookup[norm_text(mo.group(1))]
                continue
        out = s.map(mapping).astype(float).to_numpy()
        unknown = s.notna().to_numpy() & np.isnan(out)
        choices = ", ".join(f"{o.code}={o.label}" for o in qq.options[:10])
        self.bad(unknown, column, s.to_numpy(dtype=object), "unknown-option", qid=qq.id, choices=choices)
        return out

    # -- main
    def run(self) -> pd.DataFrame:
        q, raw = self.q, self.raw
        groups: dict[str, list[tuple[str, Optional[str]]]] = {}
        meta_map = {"序号": "respondent_id", "编号": "respondent_id", "respondent_id": "respondent_id", "_id": "respondent_id",
                    "_uuid": "respondent_id", "提交答卷时间": "submitted_at", "submitted_at": "submitted_at",
                    "结束答题时间": "submitted_at", "_submission_time": "submitted_at", "所用时间": "duration_sec",
                    "答题时长": "duration_sec", "duration_sec": "duration_sec"}
        meta = {}
        for c in raw.columns:
            nc = norm_text(c)
            if nc in meta_map or c in meta_map:
                meta.setdefault(meta_map.get(nc, meta_map.get(c)), c)
                continue
            qq, part = self.match(c)
            if qq is None:
                if not (c.startswith("_") or nc in ("来源", "来源详情", "来自IP", "IP", "ip", "总分", "开始答题时间", "地理位置", "UA", "Referrer")):
                    self.unmatched.append(problem("unmatched-column", file=self.source, column=c,
                                                  suggestion=did_you_mean(c, [f"{x.number}、{x.text}" for x in q.questions] + q.columns())))
                continue
            groups.setdefault(qq.id, []).append((c, part))
        frame = pd.DataFrame(index=range(self.n))
        if "respondent_id" in meta:
            frame["respondent_id"] = raw[meta["respondent_id"]].astype("string").to_numpy(dtype=object)
        else:
            frame["respondent_id"] = [f"{self.source}:{i + 2}" for i in range(self.n)]
        frame["submitted_at"] = (pd.to_datetime(raw[meta["submitted_at"]], errors="coerce").dt.strftime("%Y-%m-%d %H:%M:%S")
                                 .to_numpy(dtype=object) if "submitted_at" in meta else None)
        if "duration_sec" in meta:
            d = raw[meta["duration_sec"]].astype("string").str.replace("秒", "", regex=False).str.strip()
            frame["duration_sec"] = pd.to_numeric(d, errors="coerce").to_numpy(float)
        else:
            frame["duration_sec"] = np.nan
        data: dict[str, np.ndarray] = {}
        for qq in q.questions:
            cols = groups.get(qq.id, [])
            if cols:
                self._convert(qq, cols, data)
        for c in q.columns(meta=False):
            if c not in data:
                data[c] = np.full(self.n, np.nan) if not self._is_text(c) else np.full(self.n, None, dtype=object)
        return pd.concat([frame, pd.DataFrame(data, index=frame.index)[q.columns(meta=False)]], axis=1)

    def _is_text(self, col: str) -> bool:
        qq = self.q.get(col)
        return (qq is not None and qq.type == "text") or col.endswith("_other")

    def _convert(self, qq: Question, cols: list, data: dict) -> None:
        raw = self.raw
        if qq.type in ("single", "scale", "yesno"):
            c = next((c for c, part in cols if part is None), cols[0][0])
            data[qq.id] = self.code_of(qq, raw[c], c)
            other = raw[c].astype("string").str.extract(_OTHER_RX)[1] if raw[c].dtype == object else None
            return
        if qq.type == "number":
            c = cols[0][0]
            s = raw[c].astype("string").str.strip()
            s = s.where(~s.isin(list(SKIP_VALUES)), None)
            x = pd.to_numeric(s, errors="coerce").to_numpy(float)
            self.bad(s.notna().to_numpy() & np.isnan(x), c, s.to_numpy(dtype=object), "not-a-number", qid=qq.id)
            data[qq.id] = x
            return
        if qq.type == "text":
            c = cols[0][0]
            s = raw[c].astype("string").str.strip()
            data[qq.id] = s.where(~s.isin(["(空)", "（空）", "(跳过)", "（跳过）", "-3", "-2"]), None).to_numpy(dtype=object)
            return
        if qq.type == "matrix":
            rows = {norm_text(r.label): r for r in qq.rows}
            rows.update({r.id: r for r in qq.rows})
            for c, part in cols:
                r = rows.get(norm_text(part)) if part else None
                if r is None:
                    self.unmatched.append(problem("unmatched-column", file=self.source, column=c,
                                                  suggestion=did_you_mean(part or c, [x.label for x in qq.rows])))
                    continue
                data[f"{qq.id}_{r.id}"] = self.code_of(qq, raw[c], c)
            return
        if qq.type in ("multiple", "ranking"):
            self._convert_multi(qq, cols, data)

    def _convert_multi(self, qq: Question, cols: list, data: dict) -> None:
        raw = self.raw
        n = self.n
        k = len(qq.options)
        M = np.full((n, k), np.nan)
        other_text = np.full(n, None, dtype=object)
        opt_index = {}
        for j, o in enumerate(qq.options):
            opt_index[str(o.code)] = j
            opt_index[norm_text(o.label)] = j
        per_option = [(c, part) for c, part in cols if part is not None]
        whole = [c for c, part in cols if part is None]
        if per_option:
            any_asked = np.zeros(n, dtype=bool)
            for c, part in per_option:
                pn = norm_text(part)
                mo = _OTHER_RX.match(pn)
                j = opt_index.get(pn, opt_index.get(norm_text(mo.group(1))) if mo else None)
                if pn in ("other", "其他_文本", "其他文本"):
                    continue
                if j is None:
                    self.unmatched.append(problem("unmatched-column", file=self.source, column=c,
                                                  suggestion=did_you_mean(part, [o.label for o in qq.options])))
                    continue
                s = raw[c].astype("string").str.strip()
                skipped = s.isin(["-2", "-3", "(跳过)", "（跳过）"]).to_numpy()
                val = s.where(~s.isin(list(SKIP_VALUES)), None)
                x = pd.to_numeric(val, errors="coerce").to_numpy(float)
                if qq.type == "multiple":
                    text_sel = val.notna().to_numpy() & np.isnan(x)
                    # 腾讯/Kobo may write the label itself, or Y, for a selected option
                    x = np.where(text_sel, 1.0, x)
                    bad = ~np.isnan(x) & ~np.isin(x, (0.0, 1.0))
                    self.bad(bad, c, s.to_numpy(dtype=object), "unknown-option", qid=qq.id, choices="0, 1")
                    x = np.where(bad, np.nan, x)
                    any_asked |= ~np.isnan(x)
                    M[:, j] = x
                    if qq.options[j].other:
                        other_text = np.where(text_sel, s.to_numpy(dtype=object), other_text)
                else:  # ranking: rank per option, -3 / 0 = unranked
                    x = np.where((x <= 0), np.nan, x)
                    any_asked |= ~skipped
                    M[:, j] = x
            if qq.type == "multiple":
                M = np.where(any_asked[:, None], np.nan_to_num(M, nan=0.0), np.nan)
        for c in whole:
            s = raw[c].astype("string").str.strip()
            s = s.where(~s.isin(list(SKIP_VALUES)), None)
            present = s.notna().to_numpy()
            sep = "┋" if qq.type == "multiple" else "→"
            vals = s.fillna("").to_numpy(dtype=object)
            # Kobo select_multiple: space-separated codes
            if qq.type == "multiple" and not any(sep in v for v in vals[:200] if v) and \
                    all(re.fullmatch(r"[\w ]*", v or "") for v in vals[:200]):
                parts_list = [v.split() if v else [] for v in vals]
            else:
                parts_list = [v.split(sep) if v else [] for v in vals]
            bad_rows = np.zeros(n, dtype=bool)
            bad_vals = np.full(n, None, dtype=object)
            if qq.type == "multiple":
                M = np.where(present[:, None], np.nan_to_num(M, nan=0.0), M)
            for i, parts in enumerate(parts_list):  # per answer cell; small files only (wjx text exports)
                for r, part in enumerate(parts):
                    pn = norm_text(part)
                    mo = _OTHER_RX.match(pn)
                    if mo:
                        pn = norm_text(mo.group(1))
                        other_text[i] = mo.group(2)
                    j = opt_index.get(pn)
                    if j is None:
                        bad_rows[i] = True
                        bad_vals[i] = part
                        continue
                    M[i, j] = 1.0 if qq.type == "multiple" else r + 1
            self.bad(bad_rows, c, bad_vals, "unknown-option", qid=qq.id,
                     choices=", ".join(o.label for o in qq.options[:10]))
        for j, o in enumerate(qq.options):
            data[f"{qq.id}_{o.code}"] = M[:, j]
        if qq.type == "multiple" and qq.has_other:
            data[f"{qq.id}_other"] = other_text
