"""What an export carries besides the answers: the SPSS file's measurement levels, display formats and
labels fitted to what a .sav holds, and the Excel file's 变量说明 sheet and date cells.

Used by :func:`survey.export.export_project`; each function takes the frame or labels it describes and
returns what the writer (pyreadstat, openpyxl) is given."""

from __future__ import annotations

import pandas as pd

# SPSS measurement level (Variable View "Measure") of a question type's code columns: categories without an
# order are nominal, rating scales and ranks ordinal, numbers scale.  A .sav without levels reads "unknown"
# in SPSS, which then asks to scan the data before Chart Builder or Custom Tables will run.
MEASURE_BY_TYPE = {"single": "nominal", "yesno": "nominal", "multiple": "nominal", "scale": "ordinal",
                   "matrix": "ordinal", "ranking": "ordinal", "number": "scale"}
MEASURE_OF_COLUMN = {"duration_sec": "scale"}  # metadata columns that are quantities; the rest are nominal


def spss_measures(q, columns) -> dict:
    """{column: "nominal" | "ordinal" | "scale"} for every exported column (:data:`MEASURE_BY_TYPE`; text,
    ids, waves and quality flags nominal)."""
    out = {c: MEASURE_OF_COLUMN.get(c, "nominal") for c in columns}
    for qq in q.questions:
        for c in qq.code_columns():
            if c in out:
                out[c] = MEASURE_BY_TYPE.get(qq.type, "nominal")
    return out


NA_DECLARED_TYPES = ("single", "yesno", "scale", "matrix")  # one code per cell: its 不了解 is a value, not a 0/1
SPSS_MISSING_MAX = 3  # discrete user-missing values a .sav variable holds


def spss_missing(q, columns) -> dict:
    """{column: [codes]} of the non-substantive options (``na: true``: 不了解, 说不清) declared user-missing in a
    .sav, so that SPSS's Frequencies, Means and Crosstabs leave them out as minyi does by default
    (``--na excluded``) and list them under "Missing" with their labels.  Without this, a mean of a 1–5
    scale in SPSS counted 不了解 = 9 as a rating.  ``survey import`` reads declared-missing values back as
    the values they are (survey.tabular), so the round trip is exact.  Questions with more than
    :data:`SPSS_MISSING_MAX` such options are left undeclared (SPSS holds three discrete values)."""
    out = {}
    cols = set(columns)
    for qq in q.questions:
        na = [float(c) for c in qq.na_codes]
        if qq.type not in NA_DECLARED_TYPES or not na or len(na) > SPSS_MISSING_MAX:
            continue
        for c in qq.code_columns():
            if c in cols:
                out[c] = na
    return out


SPSS_VARIABLE_LABEL_BYTES = 256  # what a .sav holds of a variable label (UTF-8 bytes); pyreadstat cuts the rest
SPSS_VALUE_LABEL_BYTES = 120  # … and of a value label
SHORTENED_SHOWN = 5  # shortened labels named in the note


def fit_bytes(text: str, limit: int) -> str:
    """``text`` cut at a character so that it and a closing ``…`` take at most ``limit`` UTF-8 bytes (unchanged
    when it fits): pyreadstat would cut it at the byte limit without a word, 85 Chinese characters of a
    variable label, 40 of a value label."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len("…".encode("utf-8"))
    out, used = [], 0
    for ch in text:
        used += len(ch.encode("utf-8"))
        if used > room:
            break
        out.append(ch)
    return "".join(out) + "…"


def _fit_stem(label: str, limit: int) -> str:
    """A label ``题干：行标题`` (matrix row, option) fitted by shortening the question's text, so the row or option
    that tells the columns apart stays whole; other labels are cut at the end (:func:`fit_bytes`)."""
    stem, sep, tail = label.rpartition("：")
    room = limit - len((sep + tail).encode("utf-8"))
    if not sep or room < len("…".encode("utf-8")) + 3:
        return fit_bytes(label, limit)
    return fit_bytes(stem, room) + sep + tail


def spss_labels(var_labels: dict, value_labels: dict, columns: list) -> tuple[dict, dict, list]:
    """(variable labels, value labels, what was shortened) fitted to what a .sav holds (:func:`fit_bytes`);
    the shortened ones are listed as ``column`` or ``column=code``."""
    cut = []
    var = dict(var_labels)
    for c in columns:
        if c in var and fit_bytes(var[c], SPSS_VARIABLE_LABEL_BYTES) != var[c]:
            var[c] = _fit_stem(var[c], SPSS_VARIABLE_LABEL_BYTES)
            cut.append(c)
    values = {}
    for c, lab in value_labels.items():
        values[c] = {k: fit_bytes(v, SPSS_VALUE_LABEL_BYTES) for k, v in lab.items()}
        cut += [f"{c}={k}" for k, v in lab.items() if values[c][k] != v and c in columns]
    return var, values, cut


def shortened_note(cut: list):
    """The warning that SPSS labels were shortened (``sav-labels-shortened``)."""
    from .messages import problem

    shown = ", ".join(cut[:SHORTENED_SHOWN]) + (f" and {len(cut) - SHORTENED_SHOWN} more" if len(cut) > SHORTENED_SHOWN else "")
    return problem("sav-labels-shortened", severity="warning", count=len(cut), labels=shown,
                   limits=f"{SPSS_VARIABLE_LABEL_BYTES} bytes for a variable label, {SPSS_VALUE_LABEL_BYTES} for a value label")


TIME_COLUMNS = ("submitted_at",)  # stored as text YYYY-MM-DD HH:MM:SS (docs/questionnaire-format.md)
STORED_TIME = "%Y-%m-%d %H:%M:%S"


def excel_times(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the completion time as Excel date-times where every value is exactly a stored time: as text,
    Excel can neither filter it by date nor compute with it.  ``survey import`` reads such a cell back as the
    same text (``str`` of the date-time), so the round trip stays exact; a column with any other value stays
    text."""
    out = df
    for c in TIME_COLUMNS:
        if c not in df.columns or df[c].dtype.kind in "fiub":
            continue
        text = df[c].astype("string")
        t = pd.to_datetime(text, format=STORED_TIME, errors="coerce")
        if t.notna().any() and (t.isna() == text.isna()).all() and (t.dt.strftime(STORED_TIME) == text).fillna(True).all():
            out = out.copy() if out is df else out
            out[c] = t
    return out


CODEBOOK_SHEET = "变量说明"  # the second sheet of an XLSX export: what each column and code means
CODEBOOK_COLUMNS = ("变量", "变量标签", "取值标签")
CODEBOOK_ITEM_SEP, CODEBOOK_CODE_SEP = "；", "="  # a 取值标签 cell: "1=男；2=女" (read back by survey.codebook)


def codebook_frame(columns, var_labels: dict, value_labels: dict) -> pd.DataFrame:
    """One row per exported column: its name, its label (the question, matrix row or option) and its codes
    with their labels (``1=非常满意；2=满意；…``) — what a .sav carries as variable and value labels.  The data
    sheet's headers are the native column names (``Q3_r1``), which ``survey import`` reads back; without this
    sheet an Excel reader could not tell what they mean."""
    rows = [(c, var_labels.get(c, ""), CODEBOOK_ITEM_SEP.join(f"{k}{CODEBOOK_CODE_SEP}{v}"
                                                              for k, v in value_labels.get(c, {}).items()))
            for c in columns]
    return pd.DataFrame(rows, columns=list(CODEBOOK_COLUMNS))


def spss_formats(df: pd.DataFrame) -> dict:
    """{column: "F<w>.0"} for the whole-number columns (codes, 0/1, ranks, seconds): SPSS's default F8.2
    shows a code 1 as 1.00.  ``w`` is 8, or the widest number's digits and sign when longer."""
    out = {}
    for c in df.columns:
        if str(df[c].dtype) == "Int64" or df[c].dtype.kind in "iu":
            x = df[c].dropna()
            w = max(len(str(int(x.min()))), len(str(int(x.max())))) if len(x) else 1
            out[c] = f"F{max(8, w)}.0"
    return out
