"""Export cleaned responses: CSV, XLSX, SPSS .sav (value and variable labels) or Parquet.

The rows are :meth:`survey.store.Project.responses` — accepted rows with the project's exclusion
rules applied.  Columns use minyi's native layout (``<id>``, ``<id>_<row id>`` for matrix rows,
``<id>_<code>`` 0/1 per multiple-choice option), so ``survey import`` reads an export back without a
mapping.  ``labels=True`` writes option labels instead of codes for single/scale/yes-no/matrix
columns (CSV, XLSX, Parquet); a .sav always holds the codes with their value labels, which is how
SPSS carries labels.

Cell safety (:mod:`survey.cells`, one helper for every writer): text cells and headers starting with
``=``, ``+``, ``-``, ``@`` (or tab / carriage return) — also after a line break inside the cell — are
prefixed with ``'`` in CSV and XLSX so spreadsheet programs show them instead of executing them (OWASP
"CSV injection"); the escape is reversible and ``survey import`` undoes it on minyi's native layout, so an
export imports back to the same rows.  Numeric columns are left alone, so negative numbers stay numbers.
CSV fields holding CR, LF, quotes or commas are quoted (RFC 4180, ``\r\n`` line ends); control
characters are kept in CSV, Parquet and .sav and written as ``_xHHHH_`` escapes in XLSX; only NUL, which ends
a .sav string (C strings) and which no spreadsheet writes into a CSV (``survey import`` refuses such a CSV as
damaged), is left out of those two, with a warning naming the cells (:func:`nul_notes`).

Privacy: identifying columns (IP, phone, name, ID-card numbers) are stored apart from the
responses at import and are only added with ``include_pii``; as a second line of defence any
exported text column whose values look like phone / ID-card / IP values is dropped too.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .atomic import atomic_write
from .cells import csv_text, safe_frame, write_csv_text, write_xlsx_frame
from .format_limits import TABLE_HINT, check_fits
from .importers.base import WAVE_COLUMN
from .questionnaire import COLLECTOR_COLUMN
from .errors import MinyiError
from .project_files import refuse_own_file
from .progress import stage
from .export_meta import (CODEBOOK_SHEET, codebook_frame, excel_times, shortened_note, spss_formats,
                          spss_labels, spss_measures, spss_missing)

INTERNAL = ("_wave", "_import_id", "_row", "_source")
FORMATS = ("csv", "xlsx", "sav", "parquet")
FORMATS_BY_SUFFIX = {f".{f}": f for f in FORMATS}  # the --out extension each format's file has
_PII_NAME = re.compile(r"(^ip$|ip地址|来自ip|手机|电话|phone|mobile|姓名|^name$|身份证|id_?card)", re.I)
_PII_VALUES = [re.compile(r"^1[3-9]\d{9}$"), re.compile(r"^\d{17}[\dXx]$"), re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")]


def json_safe(obj):
    """``obj`` with every NaN / ±Infinity (Python, NumPy or pandas missing values) replaced by None.

    ``json.dumps`` writes float NaN as the bare word ``NaN``, which is not JSON (RFC 8259); the
    ``--json`` outputs of the project commands go through this first.
    """
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [json_safe(v) for v in obj.tolist()]
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if np.isfinite(f) else None
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


def write_csv_file(df: pd.DataFrame, path: Path, *, sep: str = ",", progress=None) -> None:
    """``df`` as CSV (UTF-8 with BOM, :func:`survey.cells.csv_text`) into ``path``, a block of rows at a time
    (``progress(rows)`` after each)."""
    with open(path, "wb") as fh:
        fh.write(codecs.BOM_UTF8)
        write_csv_text(df, fh, sep=sep, progress=progress)


def neutralize(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells and headers formula-neutralised (:func:`survey.cells.safe_frame` for CSV); numbers untouched."""
    return safe_frame(df, "csv")


TABLE_SUFFIXES = (".xlsx", ".csv", ".txt", "")  # what write_table writes (.txt and no suffix: CSV)


def write_table(df: pd.DataFrame, path: Path, sheet: Optional[str] = None, wrap: Sequence[str] = ()) -> None:
    """Write a small table (e.g. quarantine records) as CSV or XLSX (its sheet named ``sheet``, else Sheet1;
    the columns named in ``wrap`` wrap their text), cells made safe, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise MinyiError.of("table-out-suffix", path=str(path), suffix=path.suffix)
    if suffix == ".xlsx":
        check_fits(df, "xlsx", path, hint=TABLE_HINT)
        atomic_write(path, lambda tmp: write_xlsx_frame(df, tmp, sheet=sheet, wrap=wrap))
    else:
        atomic_write(path, lambda tmp: write_csv_file(df, tmp))


QUARANTINE_FIELDS = (WAVE_COLUMN, "source", "row", "column", "value", "code", "message")  # a record's own fields
# the fields a .csv export adds after them: the record's column as the file names it (Project.quarantine)
QUARANTINE_HEADER_FIELDS = ("header", "sheet_column")


def quarantine_sheet(df: pd.DataFrame, *, readable: bool, lang: str = "zh",
                     wave_labels: Optional[dict] = None, questionnaire=None) -> pd.DataFrame:
    """The table ``survey quarantine --export`` writes from :meth:`Project.quarantine` records.

    The row each record was read from (``raw``: one JSON object per record, as the store keeps it) becomes
    one column per cell, named by its native column (``A1``, ``B2_1``), after the record's fields, so the
    row can be read in Excel or SPSS beside the reason (one JSON text per row could not be read there);
    whole numbers are written without ``.0``.  With ``readable`` (an .xlsx, opened by people) the headers
    and the reason are words of the questionnaire's language (``survey.labels``: 行号, 原因 …; the reason's
    name, such as 非数字, in place of its code); a .csv keeps the field names ``wave, source, row, column,
    value, code, message`` that scripts read (issue 3: source file, row number, column, value, reason), then
    ``header, sheet_column``: the column as the user's file names it (its header, its Excel letter in a workbook;
    empty for minyi's own layout).  The readable 问题列 shows the column that way (``列 C「2、您的性别」``, not the
    ``Q2`` of a row check; :func:`survey.labels.column_shown`), and the 说明 is said in that language too
    (:func:`survey.messages.record_message`: from the record's code and params; a record stored before its params
    were kept keeps its English message; the .csv keeps the English message).  A cell named like a record field takes the ``quarantine.cell`` label (``Q1（该行原答案）``).  In the readable
    table the wave is shown by its label (``wave_labels``: id → label, :func:`survey.waves.wave_label`: 本次调查,
    2026年第一季度), as every text for readers shows it; the .csv keeps the id, which ``--wave`` takes.  Given the
    project's ``questionnaire``, a Chinese ``should-skip`` 说明 says its condition in words (``仅第2题选'是'者作答``,
    :func:`survey.form.condition_words`, as the paper form prints it) instead of the expression ``Q2 == "是"``."""
    import json

    from .labels import column_shown, label, labels
    from .messages import record_message

    added = [f for f in QUARANTINE_HEADER_FIELDS if f in df.columns]
    out = df[list(QUARANTINE_FIELDS) + ([] if readable else added)].copy()
    if readable:
        reasons = labels("reason", lang)
        out["code"] = out["code"].map(lambda c: reasons.get(c, c))
        if added:  # 问题列 as the user's file shows the column: 列 C「2、您的性别」, not Q2
            out["column"] = [column_shown(c, h, sc, lang, hint=False) if c else c
                             for c, h, sc in zip(df["column"], df["header"], df["sheet_column"])]
        if wave_labels:
            out[WAVE_COLUMN] = out[WAVE_COLUMN].map(lambda w: wave_labels.get(w, w))
        if "params" in df.columns:  # 说明 in the questionnaire's language, from the record's code and params
            shown = {"qid": label("quarantine.this_question", lang)}  # the 问题列 beside it names the question
            said: dict = {}  # a should-skip record's params → its condition in words, said once per condition

            def shown_for(code, params):
                if code != "should-skip":
                    return shown
                if params not in said:
                    said[params] = {**shown, **_condition_shown(code, params, questionnaire, lang)}
                return said[params]

            out["message"] = [record_message(c, m, p, lang, shown_for(c, p))
                              for c, m, p in zip(df["code"], df["message"], df["params"])]
        out.columns = [label(_field_label(f, df["source"]), lang) for f in QUARANTINE_FIELDS]
    rows = [json.loads(r) if isinstance(r, str) and r else {} for r in df["raw"]]
    names = list(dict.fromkeys(k for r in rows for k in r if k not in INTERNAL))
    taken = set(out.columns)
    cells = pd.DataFrame({label("quarantine.cell", lang).format(column=k) if k in taken else k:
                          [_cell_value(r.get(k)) for r in rows] for k in names}, index=out.index)
    return pd.concat([out, cells], axis=1)


def _condition_shown(code: str, params, questionnaire, lang: str) -> dict:
    """``{"when": words}`` for a ``should-skip`` record whose condition is an expression of ``questionnaire``'s
    questions, said in Chinese; else nothing (the record's own params: English, a site's sections as a phrase, a
    condition naming a question the questionnaire no longer has)."""
    import json

    if code != "should-skip" or lang != "zh" or questionnaire is None or not params:
        return {}
    try:
        when = json.loads(params).get("when")
        if not isinstance(when, str):
            return {}
        from .form import condition_words
        from .labels import label

        return {"when": label("quarantine.asked_only", lang).format(words=condition_words(questionnaire, when))}
    except Exception:  # noqa: BLE001 - a stored condition the questionnaire cannot say: the record's own words
        return {}


def _field_label(name: str, sources: pd.Series) -> str:
    """The label key of the record field ``name`` in a readable export; the row field is 个案号 (Case) when every
    record comes from an SPSS file (its rows are SPSS's case numbers), 行号/个案号 when some do."""
    if name != "row":
        return f"quarantine.{name}"
    from .importers.base import source_unit

    units = {source_unit(s) for s in sources.unique()}
    return "quarantine.case" if units == {"case"} else "quarantine.row_case" if "case" in units else "quarantine.row"


def _cell_value(v):
    """A cell of a quarantined row as its sheet shows it: whole numbers without ``.0``, missing as empty."""
    if isinstance(v, float):
        return int(v) if v.is_integer() else v
    return v


def write_quarantine(df: pd.DataFrame, path: Path, lang: str = "zh", wave_labels: Optional[dict] = None,
                     questionnaire=None) -> None:
    """:func:`quarantine_sheet` of ``df`` written to ``path`` (.xlsx with readable headers and wave labels, its
    sheet named 隔离记录 / Quarantined rows, the 说明 wrapped within its column's width; else CSV)."""
    from .labels import label

    readable = Path(path).suffix.lower() == ".xlsx"
    write_table(quarantine_sheet(df, readable=readable, lang=lang, wave_labels=wave_labels,
                                 questionnaire=questionnaire), path,
                sheet=label("quarantine.sheet", lang) if readable else None,
                wrap=[label("quarantine.message", lang)] if readable else ())


def looks_like_pii(name: str, values: pd.Series) -> bool:
    """A column named like, or mostly holding, phone numbers, ID-card numbers or IP addresses."""
    if _PII_NAME.search(re.sub(r"\s+", "", str(name))):
        return True
    if values.dtype.kind in "fiub":
        return False
    s = values.dropna().astype(str).str.strip()
    s = s[s != ""].head(500)
    return bool(len(s)) and any(float(s.str.match(rx).mean()) > 0.5 for rx in _PII_VALUES)


ID_EXAMPLES = 3  # qualified ids named in the export-ids-qualified note


def qualified_ids(df: pd.DataFrame, notes: Optional[list] = None) -> pd.DataFrame:
    """``df`` with every respondent id written ``<import>-<id>`` (``2-17``) when, within a wave, an id is held by rows
    of more than one import.  minyi keeps such rows as different respondents when the ids count rows (问卷星's 序号
    from 1 in every download; :func:`survey.quality.row_counters`), and a genuine repeat across imports is flagged
    duplicate_id and left out before export.  Written unchanged, the ids would repeat within the one exported file,
    and ``survey import`` of it would flag half of them duplicate_id and analysis would keep each id's first answer:
    the file would not read back as the rows the project analysed.  Every id is qualified (not only the repeated
    ones), so no qualified id can equal another row's plain id; the note ``export-ids-qualified`` says so."""
    if "respondent_id" not in df.columns or "_import_id" not in df.columns or df["_import_id"].nunique() < 2:
        return df
    ids = df["respondent_id"]
    keys = [df["_wave"], ids] if "_wave" in df.columns else [ids]
    # imports holding each row's (wave, id), on df's own index; NaN for a row without an id (or wave): not shared
    imports = df["_import_id"].groupby(keys, dropna=True).transform("nunique")
    shared = imports > 1
    if not shared.any():
        return df
    qualified = df["_import_id"].astype("int64").astype("string") + "-" + ids.astype("string")
    df = df.assign(respondent_id=qualified.astype(object).where(ids.notna(), None))
    if notes is not None:
        from .messages import problem

        first = shared.idxmax()  # one shared id as each of its imports writes it: 1-17, 2-17
        same = shared & (ids == ids[first]) & ((df["_wave"] == df.at[first, "_wave"]) if "_wave" in df.columns else True)
        shown = list(dict.fromkeys(df.loc[same, "respondent_id"]))[:ID_EXAMPLES]
        notes.append(problem("export-ids-qualified", severity="warning", count=f"{int(shared.sum()):,}",
                             examples=", ".join(map(str, shown))))
    return df


def export_frame(project, *, labels: bool = False, wave: Optional[str] = None,
                 include_pii: bool = False, keep_excluded: bool = False,
                 notes: Optional[list] = None) -> tuple[pd.DataFrame, dict, dict]:
    """(data, value labels per column, variable labels per column) of the cleaned responses; with
    ``keep_excluded`` the rows the exclusion rules drop instead, with one ``flag_<kind>`` column (0/1) per
    quality flag.  Respondent ids that repeat across imports are written ``<import>-<id>``
    (:func:`qualified_ids`; the warning appended to ``notes``)."""
    from .quality import FLAG_NAMES

    q = project.questionnaire
    if keep_excluded:
        df = project.excluded_responses(wave)
        for k in FLAG_NAMES:
            df[f"flag_{k}"] = df[f"flag_{k}"].astype("int64")
    else:
        df, _ = project.responses(wave)
    if include_pii:
        pii = project.pii_frame(wave)
        if len(pii.columns) > 2:
            pii = pii.rename(columns={c: (c if c not in df.columns else f"{c}_pii") for c in pii.columns
                                      if c not in ("_import_id", "_row")})
            df = df.merge(pii, on=["_import_id", "_row"], how="left")
    else:
        drop = [c for c in df.columns if c not in INTERNAL and df[c].dtype.kind not in "fiub"
                and c not in ("respondent_id", "submitted_at") and looks_like_pii(c, df[c])]
        df = df.drop(columns=drop)
    df = qualified_ids(df, notes)
    df = df.drop(columns=[c for c in INTERNAL if c in df.columns and c != "_wave"])
    if wave is not None:
        df = df.drop(columns=["_wave"])
    else:
        df = df.rename(columns={"_wave": WAVE_COLUMN})
    value_labels: dict[str, dict] = {}
    var_labels: dict[str, str] = {"respondent_id": "受访者编号", "submitted_at": "提交时间", "duration_sec": "答题用时（秒）",
                                  WAVE_COLUMN: "调查轮次", COLLECTOR_COLUMN[0]: "调查员编号"}
    if keep_excluded:
        for k, name in FLAG_NAMES.items():
            var_labels[f"flag_{k}"] = f"质量标记：{name}"
            value_labels[f"flag_{k}"] = {0: "否", 1: "是"}
    for qq in q.questions:
        if qq.type in ("single", "scale", "yesno", "matrix"):
            vl = {int(o.code): o.label for o in qq.options}
            for c in qq.code_columns():
                if c in df.columns:
                    value_labels[c] = vl
        if qq.type == "matrix":
            for r in qq.rows:
                var_labels[f"{qq.id}_{r.id}"] = f"{qq.text}：{r.label}"
        elif qq.type in ("multiple", "ranking"):
            for o in qq.options:
                var_labels[f"{qq.id}_{o.code}"] = f"{qq.text}：{o.label}"
                if qq.type == "multiple":
                    value_labels[f"{qq.id}_{o.code}"] = {0: "未选", 1: "选中"}
            var_labels[f"{qq.id}_other"] = f"{qq.text}：其他（请注明）"
        else:
            var_labels[qq.id] = qq.text
            if qq.has_other:
                var_labels[f"{qq.id}_other"] = f"{qq.text}：其他（请注明）"
    for c in df.columns:  # integral numbers as integers
        if df[c].dtype.kind == "f":
            x = df[c].to_numpy()
            fin = x[~np.isnan(x)]
            if fin.size == 0 or np.all(fin == np.round(fin)) and np.all(np.abs(fin) < 2 ** 53):
                df[c] = df[c].astype("Int64")
    if labels:
        for c in _single_cols(q):
            if c in df.columns:
                df[c] = df[c].map(value_labels[c]).astype(object).where(df[c].notna(), None)
    return df, value_labels, var_labels


def _single_cols(q) -> set:
    return {c for qq in q.questions if qq.type in ("single", "scale", "yesno", "matrix") for c in qq.code_columns()}


# --out extensions of other file kinds (spreadsheets, SPSS/Stata/R data, documents), refused rather than given
# CSV text under their name; the value: the export format to name instead (None: the one asked for)
OTHER_FILE_KINDS = {**dict.fromkeys((".xls", ".xlsm", ".xlsb", ".ods", ".et"), "xlsx"),
                    **dict.fromkeys((".zsav", ".por"), "sav"),
                    **dict.fromkeys((".dta", ".rds", ".rdata", ".json", ".docx", ".doc", ".pdf", ".html", ".htm", ".zip"))}


def _check_out_suffix(format: str, out: Optional[Path]) -> None:
    """Refuse an ``--out`` whose extension names another export format than the one asked for (issue 3
    ``--format csv|xlsx|sav|parquet [--out FILE]``): ``--format xlsx --out clean.csv`` would write a workbook
    named .csv.  (Without ``--format`` the extension chooses: ``--out clean.xlsx`` wrote CSV text into
    clean.xlsx, which Excel then refuses to open.)  Other extensions (.txt, .dat) are the user's choice."""
    suffix = Path(out).suffix.lower() if out is not None else ""
    if suffix in OTHER_FILE_KINDS:  # CSV text in a file named .xls or .json opens wrongly, or not at all
        want = OTHER_FILE_KINDS[suffix] or format
        raise MinyiError.of("export-out-kind", name=Path(out).name, want=want)
    named = FORMATS_BY_SUFFIX.get(suffix)
    if named is not None and named != format:
        raise MinyiError.of("export-out-format", name=Path(out).name, named=named, format=format)


def export_project(project, *, format: Optional[str] = None, labels: bool = False, wave: Optional[str] = None,
                   out: Optional[Path] = None, include_pii: bool = False, keep_excluded: bool = False,
                   notes: Optional[list] = None) -> Optional[str]:
    """Write the cleaned data; returns the CSV text when ``out`` is None (CSV only).  ``format`` None: the
    format the ``out`` extension names (``clean.sav`` → sav), else csv.  ``notes``: a list the warnings about
    the file written are appended to (:class:`survey.messages.Problem`, e.g. SPSS labels shortened)."""
    if format is None:
        format = (FORMATS_BY_SUFFIX.get(Path(out).suffix.lower()) if out is not None else None) or "csv"
    if format not in FORMATS:
        raise MinyiError.of("unknown-format", format=format, choices=", ".join(FORMATS))
    if out is None and format != "csv":
        raise MinyiError.of("format-needs-out", format=format)
    _check_out_suffix(format, out)
    refuse_own_file(project.root, out, "--out")
    df, value_labels, var_labels = export_frame(project, labels=labels and format != "sav", wave=wave,
                                                include_pii=include_pii, keep_excluded=keep_excluded, notes=notes)
    if not len(df) and notes is not None:
        notes.append(_no_rows_note(project, wave, out, keep_excluded))
    counted = format in ("csv", "xlsx")  # written a block of rows at a time: the display counts them
    with stage(f"writing {Path(out).name if out is not None else 'the CSV'}", total=len(df) if counted else None,
               unit="rows" if counted else "") as advance:
        return _write(df, format, out, value_labels, var_labels, advance, q=project.questionnaire, notes=notes)


def _no_rows_note(project, wave: Optional[str], out: Optional[Path], keep_excluded: bool):
    """Why the file written holds the column header only (a project or wave with no import, every row quarantined,
    every row excluded by the rules, or, with --keep-excluded, none): one warning, so an empty export is never
    taken for the data."""
    from .messages import problem

    con = project.connect()
    try:
        where, args = (" WHERE wave = ?", [wave]) if wave is not None else ("", [])
        imports, accepted = con.execute(f"SELECT count(*), coalesce(sum(accepted), 0) FROM imports{where}",
                                        args).fetchall()[0]
    finally:
        con.close()
    said = {"out": str(out) if out is not None else "the CSV written to standard output",
            "of_wave": f" of wave {wave}" if wave is not None else "", "project": str(project.root)}
    if not imports:
        return problem("export-no-responses", severity="warning", **said)
    if not accepted:
        return problem("export-all-quarantined", severity="warning", **said)
    return problem("export-none-excluded" if keep_excluded else "export-all-excluded", severity="warning", **said)


def _write(df: pd.DataFrame, format: str, out: Optional[Path], value_labels: dict, var_labels: dict,
           advance, q=None, notes: Optional[list] = None) -> Optional[str]:
    """Write ``df`` as ``format``; ``q`` (the questionnaire) gives a .sav its measurement levels and declared
    missing values (survey.export_meta)."""
    if format == "csv":
        if notes is not None:
            notes.extend(nul_notes(df, "csv"))
        if out is None:
            return csv_text(df, progress=advance)
        atomic_write(Path(out), lambda tmp: write_csv_file(df, tmp, progress=advance))
        return None
    out = Path(out)
    if format == "xlsx":
        check_fits(df, "xlsx", out)
        book = [(CODEBOOK_SHEET, codebook_frame(df.columns, var_labels, value_labels))]
        sheet = excel_times(df)
        atomic_write(out, lambda tmp: write_xlsx_frame(sheet, tmp, progress=advance, more=book))
    elif format == "parquet":
        atomic_write(out, lambda tmp: df.to_parquet(tmp, index=False))
    else:
        import pyreadstat

        if notes is not None:
            notes.extend(nul_notes(df, "sav"))
        sav = safe_frame(df, "sav", header=False)  # no NUL: SPSS strings are C strings
        formats = spss_formats(sav)
        for c in sav.columns:
            if str(sav[c].dtype) == "Int64":
                sav[c] = sav[c].astype(float)
            elif sav[c].dtype == object or sav[c].dtype.kind not in "fiub":
                sav[c] = sav[c].astype(object).where(sav[c].notna(), None)
        check_fits(sav, "sav", out)
        measures = spss_measures(q, sav.columns) if q is not None else None
        missing = {c: v for c, v in spss_missing(q, sav.columns).items() if sav[c].dtype.kind == "f"} if q is not None else {}
        var_labels, value_labels, cut = spss_labels(var_labels, value_labels, list(sav.columns))
        if cut and notes is not None:
            notes.append(shortened_note(cut))
        vl = {c: {float(k): v for k, v in lab.items()} for c, lab in value_labels.items() if c in sav.columns}
        atomic_write(out, lambda tmp: pyreadstat.write_sav(sav, str(tmp), column_labels=[var_labels.get(c, c) for c in sav.columns],
                                                      variable_value_labels=vl, variable_format=formats,
                                                      variable_measure=measures, missing_ranges=missing or None))
    return None


NUL_CELLS_SHOWN = 10  # cells named in the sav-/csv-nul-dropped warning (the count covers them all)


def nul_notes(df: pd.DataFrame, fmt: str) -> list:
    """The warning that text cells of ``df`` hold NUL, which a .sav (C strings) or a CSV (read back as a damaged
    file) cannot hold (``sav-nul-dropped`` / ``csv-nul-dropped``): each cell named by its respondent id (or row)
    and column.  Rule: nothing is changed silently (issue 9)."""
    from .cells import NUL, text_columns
    from .messages import problem

    ids = df["respondent_id"] if "respondent_id" in df.columns else pd.Series(range(1, len(df) + 1), index=df.index)
    cells = []
    for c in text_columns(df):
        hit = df[c].astype("string").str.contains(NUL, regex=False).fillna(False).to_numpy(dtype=bool)
        cells += [f"{ids.iloc[i]} {c}" for i in np.flatnonzero(hit)]
    if not cells:
        return []
    shown = ", ".join(cells[:NUL_CELLS_SHOWN]) + (" …" if len(cells) > NUL_CELLS_SHOWN else "")
    return [problem(f"{fmt}-nul-dropped", severity="warning", count=f"{len(cells):,}", cells=shown)]


def _numeric_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns whose every value is a plain number (no leading zeros, so ids like 007 stay text) → numbers."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype != object:
            continue
        s = out[c].dropna().astype(str)
        if len(s) and s.str.fullmatch(r"-?(0|[1-9]\d*)(\.\d+)?").all():
            out[c] = pd.to_numeric(out[c])
    return out


def write_data(df: pd.DataFrame, path: str | Path) -> None:
    """Write a data table (e.g. ``survey weight`` output) as CSV (UTF-8 with BOM), TSV or XLSX, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx", ""):
        raise MinyiError.of("data-out-suffix", path=str(path), suffix=path.suffix)
    if suffix == ".xlsx":
        check_fits(df, "xlsx", path, hint=TABLE_HINT)
        atomic_write(path, lambda tmp: write_xlsx_frame(_numeric_columns(df), tmp))
    else:
        atomic_write(path, lambda tmp: write_csv_file(df, tmp, sep="\t" if suffix == ".tsv" else ","))

