"""A data file read for the commands that work on one without a project (``survey estimate``, ``crosstab``,
``weight``): a CSV/TSV/XLSX (UTF-8 or GBK) or an SPSS .sav read as a table of strings, what it says its codes mean
(its codebook), and the checks of what a command names in it (columns, --missing values), each problem one
catalogue message naming the file.

What the reading finds worth saying but not fatal (cells read as empty, merged ranges filled, other sheets, blank
rows at the end) is handed to ``say`` as it is found (a :class:`survey.messages.Problem`), before any later error
of the command: the CLI prints them on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, List

from .errors import MinyiError
from .messages import Problem

Say = Callable[[Problem], None]


def read_data(path: Path, say: Say):
    """The data file as a table of strings (survey.tabular.read_table); ``attrs["first_line"]`` is the line of
    its first data row (title rows above the header move it), so messages name the file's own lines."""
    from .codebook import Codebook, parse_codebook_sheet
    from .export_meta import CODEBOOK_SHEET
    from .tabular import read_raw, read_sav_table, read_table, sniff_kind, summary_row

    p = Path(path)
    kind = sniff_kind(p) if p.is_file() and p.stat().st_size else None
    if kind is None:
        return read_table(path)  # its message for a missing or empty file
    if kind == "sav":  # SPSS's reading: user-missing values are missing; "line" N is case N
        raw = read_sav_table(p, as_spss=True)
        frame = raw.frame
        frame.attrs["first_line"] = 1
        frame.attrs["codebook"] = Codebook({c: dict(sorted(v.items(), key=_code_key)) for c, v in raw.value_labels.items()})
        return frame
    raw = read_raw(p, kind)
    frame = raw.frame
    frame.attrs["first_line"] = int(raw.header_line) + 1
    _say_cells_read_as_empty(raw, path, say)
    frame = _without_trailing_empty_rows(frame, path, say)
    if CODEBOOK_SHEET in raw.other_sheets:  # minyi's Excel export: its 变量说明 sheet orders the categories
        frame.attrs["codebook"] = parse_codebook_sheet(read_raw(p, kind, sheet=CODEBOOK_SHEET).frame)
    total = summary_row(frame)
    if total is not None:
        i, column, label = total
        raise MinyiError.of("total-row", file=str(path), line=frame.attrs["first_line"] + i, column=column, label=label)
    return frame


def _without_trailing_empty_rows(frame, path: Path, say: Say):
    """``frame`` without the rows at its end whose every cell is empty (the blank lines or ``,,,`` rows that Excel,
    WPS and text editors leave after the data), said in a note: they are no respondents, and each was refused as
    "an empty cell" of the weight or left the base.  An empty row between data rows is kept (its line is named by
    whatever needs a value there), and so are the line numbers of every row kept."""
    import numpy as np

    if frame.empty:
        return frame
    filled = np.zeros(len(frame), dtype=bool)
    for c in frame.columns:
        col = frame[c]
        filled |= (col.notna() & (col.astype(str).str.strip() != "")).to_numpy()
    last = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
    if last == len(frame) or last == 0:
        return frame
    from .messages import problem

    first = int(frame.attrs.get("first_line", 2))
    n = len(frame) - last
    lines = f"line {first + last}" if n == 1 else f"lines {first + last}–{first + len(frame) - 1}"
    say(problem("data-trailing-empty-rows", file=str(path), severity="note", count=n, lines=lines))
    kept = frame.iloc[:last]
    kept.attrs.update(frame.attrs)
    return kept


def _say_cells_read_as_empty(raw, path: Path, say: Say) -> None:
    """The workbook cells read as empty although they hold something: a formula without a computed value, an Excel
    error (#DIV/0!).  `survey import` says them (catalogue ``formula-no-value-cells``, ``excel-error-cells``);
    estimate, crosstab and weight left them out of the base without a word.  And, as the import says them, merged
    ranges filled down and the other sheets that hold rows but were not read."""
    from .messages import problem

    for marks, code in ((raw.formulas, "data-formula-no-value-cells"), (raw.errors, "data-excel-error-cells")):
        if marks:
            cells = [m[2] for m in marks]
            shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
            say(problem(code, file=str(path), severity="warning", count=f"{len(cells):,}", cells=shown))
    if raw.merged:  # read as Excel shows them (survey.excel_table.fill_merged), as survey import does, and said
        say(problem("data-merged-cells-filled", file=str(path), severity="warning", count=raw.merged[0],
                    ranges=raw.merged[1]))
    unread = raw.unread_said()
    if unread:
        say(problem("data-sheets-not-read", file=str(path), severity="warning", count=unread[0], sheets=unread[1]))


def _code_key(item: tuple):
    """Sort key of a (code text, label) pair: numerically when the code is a number."""
    try:
        return (0, float(item[0]), "")
    except ValueError:
        return (1, 0.0, item[0])


def codebook_of(table):
    """What the data file of ``table`` (:func:`read_data`) says its codes mean (:mod:`survey.codebook`);
    an empty codebook for a file that says nothing."""
    from .codebook import Codebook

    return table.attrs.get("codebook") or Codebook()


def check_columns(data, path: Path, **cols) -> None:
    """Each of ``cols`` (option name → column, None when not given) is a column of ``data``: else one message
    naming the file, the column, the option and the nearest names."""
    from .messages import did_you_mean

    for opt, col in cols.items():
        if col is not None and col not in data.columns:
            raise MinyiError.of("unknown-column", file=str(path), column=col,
                                suggestion=f"--{opt.replace('_', '-')}: " + (did_you_mean(col, data.columns) or "check the header"))


def values_in(table, columns: tuple) -> set:
    """The distinct values of ``columns`` as the estimators compare them (:func:`analysis.values.normalize_series`)."""
    from analysis.values import normalize_series

    have = set()
    for c in dict.fromkeys(columns):
        have |= set(normalize_series(table[c]).dropna())
    return have


def as_codes(book, table, columns: tuple, values: List[str]) -> List[str]:
    """``--level`` / ``--missing`` values given as value labels of a .sav (or of minyi's Excel export) turned
    into the codes its cells hold; values the data holds as they are stay as given."""
    if not values or not any(c in book.labels for c in columns):
        return values
    present = values_in(table, columns)
    out = values
    for c in dict.fromkeys(columns):
        out = book.codes(c, out, present)
    return out


def check_missing_values(table, path: Path, missing: List[str], columns: tuple) -> None:
    """A --missing value that no row of ``columns`` holds is a typo (nothing would leave the base): refused as
    --level/--missing of survey estimate are (:func:`analysis.values.check_present`), naming the file."""
    from analysis.values import check_present

    with data_errors(path):
        check_present(values_in(table, columns), missing, "--missing",
                      "column " + " or ".join(repr(c) for c in dict.fromkeys(columns)))


class data_errors:
    """Context manager: a DesignError about a data file becomes the catalogue entry of its kind
    (:mod:`survey.design_messages`), naming the file and the line and column of the first offending row; a wrong
    option value names no file (exit status 2)."""

    def __init__(self, path: Path, table=None):
        self.path = path
        self.columns = list(table.columns) if table is not None else ()

    def __enter__(self):
        return self

    def __exit__(self, et, e, tb):
        from .design_messages import design_problem, is_said

        if et is not None and is_said(e):
            raise design_problem(e, str(self.path), columns=self.columns) from None
        return False
