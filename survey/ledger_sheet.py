"""The rectification ledger's spreadsheet (整改台账.xlsx): written by ``survey ledger --out``, read back by
``survey ledger --update`` (the store and the statuses: :mod:`survey.ledger`).

The spreadsheet (:func:`write_ledger_xlsx`, :func:`read_ledger_sheet`, :func:`plan_update`) has one row per
item; analysts edit the yellow columns (责任单位, 整改时限, 状态, 整改措施, 备注) and ``survey ledger --update``
stores them, validated cell by cell: missing editable columns, unknown ids, rows whose identifying columns
disagree with their item, unknown statuses, 已验证 set or changed by hand, bad dates and edits of fields the
store changed since the file was written are errors naming the cell, and nothing is stored unless the whole
sheet is valid.  The file keeps what it was written with (a very hidden sheet), so cells left as written
are no edits and an older copy cannot undo newer state.  Every text cell written is formula-neutralised
(:mod:`survey.cells`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from .atomic import atomic_write
from .cells import safe_value, unneutralize_text
from .errors import MinyiError
from .ledger import BASE_SHEET, COLUMNS, EDITABLE, HEADERS, IDENTITY, SHEET, STATUSES, VERIFIED, LedgerItem
from .messages import Problem, problem


@dataclass
class LedgerRow:
    """One spreadsheet row: a value per column key of :data:`COLUMNS`, and number formats by key."""

    values: dict
    formats: dict = field(default_factory=dict)


def _print_setup(ws, orientation: str = "landscape") -> None:
    """The 台账 as an office prints it for the weekly meeting: A4 landscape (15 columns, about 290 character
    widths), fitted to one page wide, the header row repeated on every page, gridlines printed, the footer
    naming the sheet and numbering the pages as report.xlsx does (GB/T 9704-2012 7.5: every printed page
    carries its page number); the 说明 sheet the same way, portrait."""
    from .labels import label

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.oddFooter.center.text = label("xlsx.page_footer", "zh")
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True


def write_ledger_xlsx(path: str | Path, rows: Sequence[LedgerRow], notes: Sequence[tuple[str, str]] = ()) -> None:
    """The ledger spreadsheet: sheet 整改台账 (one row per item, editable columns yellow, a drop-down of statuses,
    the header frozen and filtered, so that a unit or district picks its own items), sheet 说明 (``notes``: column →
    meaning) and the very hidden sheet ``minyi``: each item's editable fields as written, so that ``--update`` can
    tell the analysts' edits from cells left as they were
    (an older copy must not undo what the store learnt since; :func:`plan_update`)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([safe_value(h, "xlsx") for _, h, _ in COLUMNS])
    yellow = PatternFill("solid", fgColor="FFF2CC")
    for j, (_, _, editable) in enumerate(COLUMNS, start=1):
        c = ws.cell(1, j)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center")
        if editable:
            c.fill = yellow
    for r in rows:
        ws.append([safe_value(r.values.get(k), "xlsx") for k, _, _ in COLUMNS])
        i = ws.max_row
        for j, (k, _, editable) in enumerate(COLUMNS, start=1):
            cell = ws.cell(i, j)
            if k in r.formats:
                cell.number_format = r.formats[k]
            if editable:
                cell.fill = yellow
            # every cell wraps within its column, top-aligned like the long description beside it: 指标/问题
            # (“干部作风与行政效能满意度（满意率）”), 领域, 责任单位 and 核验结果 were cut off at the next column's edge
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    col = {k: get_column_letter(j + 1) for j, (k, _, _) in enumerate(COLUMNS)}
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES[:3]) + '"', allow_blank=False,
                        showErrorMessage=True, errorTitle="状态", error="请选择：待整改、整改中、已整改（已验证由下一期数据核验后自动标记）")
    dv.add(f"{col['status']}2:{col['status']}{max(ws.max_row, 2) + 200}")
    ws.add_data_validation(dv)
    widths = {"id": 9, "wave": 14, "rule": 14, "area": 12, "subject": 20, "district": 9, "description": 52,
              "unit": 18, "deadline": 12, "status": 9, "measures": 30, "note": 16, "check_wave": 14,
              "check_result": 14, "check_detail": 40, "estimate": 10, "ci_low": 10, "ci_high": 10, "n": 9,
              "target": 11, "overdue": 9}
    for k, w in widths.items():
        ws.column_dimensions[col[k]].width = w
    ws.freeze_panes = "B2"
    # a filter on the header (by 区县, 责任单位, 状态 …): each unit or district picks its own items out of the ledger
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 1)}"
    _print_setup(ws)
    if notes:
        sh = wb.create_sheet("说明")
        sh.append(["列", "含义"])
        for a, b in notes:
            sh.append([safe_value(a, "xlsx"), safe_value(b, "xlsx")])
        sh.column_dimensions["A"].width = 18
        sh.column_dimensions["B"].width = 90
        for c in sh[1]:
            c.font = Font(bold=True)
        for c in [*sh["A"][1:], *sh["B"][1:]]:  # a long meaning wraps within the printed page instead of running
            c.alignment = Alignment(wrap_text=True, vertical="top")  # off it; a list of columns within its own
        _print_setup(sh, "portrait")
    base = wb.create_sheet(BASE_SHEET)
    base.append([HEADERS["id"], *(HEADERS[k] for k in EDITABLE)])
    for r in rows:
        if r.values.get("id"):
            base.append([safe_value(r.values["id"], "xlsx")]
                        + [_written(k, r.values.get(k)) for k in EDITABLE])
    base.sheet_state = "veryHidden"
    atomic_write(path, lambda tmp: wb.save(str(tmp)))


def _written(key: str, v: Any) -> Any:
    """An editable field as the hidden sheet keeps it: dates as ISO text, text formula-neutralised."""
    if key == "deadline":
        if isinstance(v, dt.datetime):
            v = v.date()
        return v.isoformat() if isinstance(v, dt.date) else None
    return safe_value(v if v not in (None, "") else None, "xlsx")


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def parse_date(v: Any) -> Optional[dt.date]:
    """A deadline cell: an Excel date, an Excel serial number, or text 2026-09-30 / 2026/9/30 / 2026年9月30日 (also
    in full-width digits, with 号 for 日, or with a midnight time 00:00:00 after it); None when empty; ValueError
    otherwise."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if 1 <= v < 2958466:
            return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(v))).date()
        raise ValueError(v)
    # full-width digits (２０２６年３月５日, an IME's), 5号 for 5日, and a midnight time a CSV round trip adds
    s = unicodedata.normalize("NFKC", str(v)).strip()
    s = re.sub(r"(?:T|\s+)0?0:00(?::00(?:\.0+)?)?$", "", s)
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"(月\d{1,2})号$", r"\1日", s)
    for f in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, f).date()
        except ValueError:
            continue
    raise ValueError(v)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return unneutralize_text(str(v)).strip()


def parse_field(key: str, v: Any) -> Any:
    """An editable cell as stored: a date (:func:`parse_date`) for 整改时限, text otherwise; ValueError for a
    date that is not one or a status that is not a status."""
    if key == "deadline":
        return parse_date(v)
    s = _text(v)
    if key == "status" and s not in STATUSES:
        raise ValueError(s)
    return s


def _same(a: Any, b: Any) -> bool:
    """Equal as stored fields (empty text and None are the same)."""
    return (a or None) == (b or None)


@dataclass
class SheetRow:
    """A row of the sheet with an 编号: its row number, the identifying columns as shown, the editable cells
    as found (merged ranges filled in)."""

    row: int
    id: str
    shown: dict
    cells: dict


@dataclass
class LedgerSheet:
    """A ledger spreadsheet as read (:func:`read_ledger_sheet`)."""

    path: str
    rows: list
    letters: dict                 # column key -> letter
    base: Optional[dict] = None   # id -> {field: value as written}; None when the file does not say
    merged: list = field(default_factory=list)   # "M2:M4 (责任单位)": ranges applied to every row they span
    # rows with no 编号 whose own yellow cells hold something (an 编号 deleted by hand): SheetRow with id ""
    unnumbered: list = field(default_factory=list)

    def cell(self, r: SheetRow, key: str) -> str:
        return f"{self.letters[key]}{r.row}"

    def where(self, r: SheetRow, key: str) -> dict:
        """The location of a cell for :func:`problem`."""
        return {"file": self.path, "row": r.row, "column": f"{self.letters[key]} ({HEADERS[key]})",
                "cell": self.cell(r, key)}


def read_ledger_sheet(path: str | Path) -> LedgerSheet:
    """Read a ledger spreadsheet: sheet 整改台账 (else the first), its header row (the one with 编号, among the
    first 20), every row with an 编号.

    A range merged down one column gives its value to every row it spans (as Excel shows it); a range merged
    across columns that include 编号 or an editable column is an error, as is a missing editable column (with
    the headers found): editing a file whose columns were renamed must not drop the edits silently."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    p = Path(path)
    if not p.exists():
        raise MinyiError.of("file-not-found", file=str(path), path=str(path))
    try:
        wb = load_workbook(p, data_only=True)
    except OSError as e:  # the file is there but cannot be read (permissions, a folder, a failing disk)
        raise MinyiError.of("file-unreadable", file=str(path), path=str(path),
                            reason=e.strerror or str(e)) from None
    except Exception:  # not an xlsx: openpyxl's own exception names (BadZipFile, ...) say nothing to a user
        kind = _saved_as(p)
        if kind is not None:  # the ledger saved as CSV or .xls (WPS 另存为): said so, with the way back
            raise MinyiError.of(kind, file=str(path), path=str(path)) from None
        raise MinyiError.of("file-unreadable", file=str(path), path=str(path),
                            reason="not an Excel workbook (.xlsx) written by survey ledger") from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    hi = next((i for i, r in enumerate(rows[:20]) if any(_text(c) == HEADERS["id"] for c in r)), None)
    if hi is None:
        raise MinyiError.of("ledger-sheet", file=str(path), path=str(path))
    header = [_text(c) for c in rows[hi]]
    pos = {k: header.index(h) for k, h in HEADERS.items() if h in header}
    missing = [HEADERS[k] for k in EDITABLE if k not in pos]
    if missing:
        found = [h for h in header if h]
        raise MinyiError.of("ledger-columns", file=str(path), row=hi + 1, path=str(path), missing="、".join(missing),
                            found="、".join(found), suggestion=_renamed(missing, [h for h in found if h not in HEADERS.values()]))
    width = max(len(r) for r in rows)
    for r in rows:
        r.extend([None] * (width - len(r)))
    letters = {k: get_column_letter(j + 1) for k, j in pos.items()}
    watched = {pos[k]: k for k in ("id", *EDITABLE, *IDENTITY) if k in pos}
    merged, probs, spread = [], [], set()
    for mr in sorted(ws.merged_cells.ranges, key=lambda m: (m.min_col, m.min_row)):
        if mr.max_row <= hi + 1:
            continue  # a title above the header
        cols = [watched[j - 1] for j in range(mr.min_col, mr.max_col + 1) if j - 1 in watched]
        if not cols:
            continue
        if mr.min_col != mr.max_col:
            if any(k in EDITABLE or k == "id" for k in cols):
                probs.append(problem("ledger-merged-across", file=str(path), row=mr.min_row, range=mr.coord,
                                     columns="、".join(HEADERS[k] for k in cols)))
            continue
        if cols[0] == "id":  # every row its own 编号: a shared one is not "the item again", it is this range
            probs.append(problem("ledger-merged-id", file=str(path), row=mr.min_row, range=mr.coord,
                                 column=f"{get_column_letter(mr.min_col)} ({HEADERS['id']})",
                                 rows=f"{max(mr.min_row, hi + 2)}–{mr.max_row}"))
            continue
        v = rows[mr.min_row - 1][mr.min_col - 1]
        for i in range(max(mr.min_row, hi + 2), mr.max_row + 1):
            rows[i - 1][mr.min_col - 1] = v
            if i > mr.min_row:
                spread.add((i, mr.min_col - 1))
        merged.append(f"{mr.coord} ({HEADERS[cols[0]]})")
    probs += _formula_problems(p, ws, wb, hi, pos, str(path))
    if probs:
        raise MinyiError(probs)
    out, unnumbered = [], []
    for i, row in enumerate(rows[hi + 1:], start=hi + 2):
        ident = _text(row[pos["id"]])
        r = SheetRow(i, ident, {k: _text(row[pos[k]]) for k in (*IDENTITY, "check_wave") if k in pos},
                     {k: row[pos[k]] for k in EDITABLE})
        if ident:
            out.append(r)
        elif any(_text(row[pos[k]]) and (i, pos[k]) not in spread for k in EDITABLE):
            # the 编号 was deleted (or a row added by hand): its yellow cells belong to no item, and skipping the
            # row as a blank one would drop them without a word (a merged range reaching past the table is no edit)
            unnumbered.append(r)
    base = None
    if BASE_SHEET in wb.sheetnames:
        brows = list(wb[BASE_SHEET].iter_rows(values_only=True))
        base = {}
        for r in brows[1:]:
            r = list(r) + [None] * (len(EDITABLE) + 1 - len(r))
            try:
                base[_text(r[0])] = {k: parse_field(k, r[j]) for j, k in enumerate(EDITABLE, start=1)}
            except ValueError:
                base = None  # damaged by hand: treat the file as one that does not say
                break
    wb.close()
    return LedgerSheet(str(path), out, letters, base, merged, unnumbered)


def _saved_as(p: Path) -> Optional[str]:
    """The catalogue code for a ledger saved in another format openpyxl cannot read: ``ledger-file-xls`` for an
    Excel 97–2003 workbook, ``ledger-file-csv`` for text whose first lines hold the 编号 header; None otherwise."""
    from .tabular import decode_bytes, sniff_kind

    try:
        kind = sniff_kind(p)
        if kind == "xls":
            return "ledger-file-xls"
        if kind == "text":
            with open(p, "rb") as fh:
                head = fh.read(4096)
            text, _ = decode_bytes(head, str(p))
            if any(HEADERS["id"] in ln for ln in text.splitlines()[:20]):
                return "ledger-file-csv"
    except (OSError, MinyiError):
        return None
    return None


def _formula_problems(p: Path, ws, wb, hi: int, pos: dict, path: str) -> list:
    """The yellow cells of ``ws`` (read with the values Excel computed) that hold no text but a formula's outcome:
    an Excel error value (``=市公安局`` typed in a cell is a formula, which Excel shows as #NAME?) would be stored as
    the unit '#NAME?', and a formula the saving program did not compute (a script, an online editor) reads as
    empty and would clear the field — each a change nobody made on purpose (catalogue ``ledger-cell-error``,
    ``ledger-cell-formula``).  The formulas are read again from the file only when a yellow cell is empty or an
    error."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    cols = [(k, pos[k] + 1) for k in EDITABLE]
    errors, empty = [], []
    for i in range(hi + 2, ws.max_row + 1):
        for k, j in cols:
            c = ws.cell(i, j)
            if c.data_type == "e":
                errors.append((i, k, j, str(c.value)))
            elif c.value is None:
                empty.append((i, k, j))
    formulas: dict = {}
    if errors or empty:
        try:
            fw = load_workbook(p)
        except Exception:  # read once already: a second reading that fails says nothing new
            fw = None
        if fw is not None:
            fs = fw[ws.title]
            for i, k, j, *_ in errors + empty:
                v = fs.cell(i, j).value
                if isinstance(v, str) and v.startswith("="):
                    formulas[i, j] = v
                elif v is not None and not isinstance(v, str):  # an array formula and the like
                    formulas[i, j] = str(getattr(v, "text", v))
            fw.close()
    out = []
    for i, k, j, err in errors:
        out.append(problem("ledger-cell-error", file=path, row=i, column=f"{get_column_letter(j)} ({HEADERS[k]})",
                           cell=f"{get_column_letter(j)}{i}", value=err, formula=formulas.get((i, j), "?")))
    for i, k, j in empty:
        if (i, j) in formulas:
            out.append(problem("ledger-cell-formula", file=path, row=i, column=f"{get_column_letter(j)} ({HEADERS[k]})",
                               cell=f"{get_column_letter(j)}{i}", formula=formulas[i, j]))
    return out


def _renamed(missing: Sequence[str], others: Sequence[str]) -> str:
    """"Did you mean" for missing headers: each paired with the unknown header most like it, one to one
    (the closest pairs first), so that 整改时限 and 状态 renamed 完成时限 and 整改状态 get one each."""
    import difflib

    pairs = sorted(((difflib.SequenceMatcher(None, m, h).ratio(), i, m, h) for i, m in enumerate(missing) for h in others),
                   key=lambda t: (-t[0], t[1]))
    got: dict = {}
    for r, _, m, h in pairs:
        if r >= 0.5 and m not in got and h not in got.values():
            got[m] = h
    return "; ".join(f"{m}: did you mean '{got[m]}'?" for m in missing if m in got)


@dataclass
class UpdatePlan:
    """What ``--update`` does with a sheet: the edits to store, and the cells not applied (each a
    (cell, item id, field, value in the file, value in the store, why))."""

    edits: list
    kept: list
    legacy: bool = False   # the file does not record the state it was written from


def plan_update(sheet: LedgerSheet, items: Sequence[LedgerItem], expected: Optional[dict] = None) -> UpdatePlan:
    """Analysts' edits from a read sheet, validated against the store (every problem at once, with its cell;
    :class:`MinyiError` when any).

    * unknown or repeated 编号, unknown statuses, 已验证 written by hand, deadlines that are not dates;
    * ``expected`` (id → {identity key → text as the ledger shows it}): a row whose identifying columns
      (发现期次, 问题类型, 指标/问题, 区县) disagree with its 编号's item — columns sorted apart, or another
      project's ledger;
    * the age rule: a cell equal to what the file was written with is no edit and is never applied, so an
      older copy cannot undo what the store learnt since; a cell the analysts changed whose field has also
      changed in the store since (to another value) is a conflict and an error;
    * a status set by the data (已验证) never changes by ``--update``: changing it in the file is an error;
      in a file that does not record what it was written with, it is left as stored and reported;
    * such a file that shows an older 核验期次 than ``expected["check_wave"]`` predates a verification: it is
      refused whole, since its old cells cannot be told from edits."""
    known = {it.id: it for it in items}
    probs: list[Problem] = [_unnumbered_problem(sheet, r, expected) for r in sheet.unnumbered]
    plan = UpdatePlan([], [], legacy=sheet.base is None)
    seen: dict = {}
    for r in sheet.rows:
        if r.id not in known:
            same = _id_spelled(r.id, known)
            if same is not None:  # zg-002, ＺＧ－００２, ZG-2: the item, typed again another way
                probs.append(problem("ledger-id-spelling", value=r.id, id=same, **sheet.where(r, "id")))
            else:
                probs.append(problem("ledger-unknown-id", value=r.id, **sheet.where(r, "id")))
            continue
        if r.id in seen:
            probs.append(problem("ledger-duplicate-id", value=r.id, first=seen[r.id], **sheet.where(r, "id")))
            continue
        seen[r.id] = r.row
        item = known[r.id]
        want = (expected or {}).get(r.id) or {}
        differ = [(k, r.shown[k], want[k]) for k in IDENTITY if k in r.shown and k in want
                  and r.shown[k] != want[k]]
        if differ:
            probs.append(problem("ledger-row-mismatch", file=sheet.path, row=r.row, id=r.id,
                                 shown="; ".join(f"{HEADERS[k]} '{a}'" for k, a, _ in differ),
                                 stored="; ".join(f"{HEADERS[k]} '{b}'" for k, _, b in differ)))
            continue
        written = (sheet.base or {}).get(r.id)
        for k in EDITABLE:
            raw = r.cells[k]
            try:
                v = parse_field(k, raw)
            except ValueError:
                if k == "status":
                    probs.append(problem("ledger-status", value=_text(raw), choices="、".join(STATUSES[:3]),
                                         **sheet.where(r, k)))
                else:
                    probs.append(problem("ledger-date", value=_text(raw), **sheet.where(r, k)))
                continue
            cur = getattr(item, k)
            if written is not None and _same(v, written[k]):
                if not _same(v, cur):
                    plan.kept.append((sheet.cell(r, k), r.id, k, v, cur, "older"))
                continue  # no edit
            if k == "deadline" and v is not None and not _same(v, cur) and not DEADLINE_YEARS[0] <= v.year <= DEADLINE_YEARS[1]:
                probs.append(problem("ledger-date-implausible", value=_as_typed(raw), date=v.isoformat(),
                                     first=DEADLINE_YEARS[0], last=DEADLINE_YEARS[1], **sheet.where(r, k)))
                continue
            if k == "status" and VERIFIED in (v, cur) and v != cur:
                if written is None and cur == VERIFIED:
                    plan.kept.append((sheet.cell(r, k), r.id, k, v, cur, "verified"))
                    continue
                probs.append(problem("ledger-verified" if v == VERIFIED else "ledger-verified-change", value=v,
                                     **sheet.where(r, k)))
                continue
            if written is not None and not _same(cur, written[k]) and not _same(v, cur):
                probs.append(problem("ledger-conflict", value=_show(v), was=_show(written[k]), now=_show(cur),
                                     **sheet.where(r, k)))
                continue
            plan.edits.append((r.id, k, v))
    if sheet.base is None and expected:
        old = [(r.id, r.shown["check_wave"], expected[r.id]["check_wave"]) for r in sheet.rows
               if r.id in expected and "check_wave" in r.shown and r.shown["check_wave"] != expected[r.id]["check_wave"]]
        if old:
            probs.append(problem("ledger-legacy-older", file=sheet.path, count=len(old),
                                 shown="; ".join(f"{i} {a or '（未核验）'}" for i, a, _ in old[:3]) + ("; …" if len(old) > 3 else ""),
                                 stored="; ".join(f"{i} {b}" for i, _, b in old[:3]) + ("; …" if len(old) > 3 else "")))
    shifted = _shifted(sheet, known)
    if shifted:
        probs.append(problem("ledger-rows-shifted", file=sheet.path, row=shifted[0].row,
                             ids="、".join(r.id for r in shifted)))
    if probs:
        raise MinyiError(probs)
    return plan


# years a deadline entered by --update may fall in: a number typed into the date cell (30 for "30 days") is an
# Excel serial date of 1900, stored and judged 逾期 without a word when read as a date
DEADLINE_YEARS = (2000, 2099)


def _id_key(ident: str) -> tuple:
    """An 编号 compared loosely: full-width characters folded, case, spaces and dashes ignored, numbers without
    their leading zeros (ZG-002, zg-002, ＺＧ－００２ and ZG-2 alike)."""
    s = re.sub(r"[\s\-_－—–]+", "", unicodedata.normalize("NFKC", ident)).upper()
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s) if p)


def _id_spelled(ident: str, known: dict) -> Optional[str]:
    """The one known 编号 that ``ident`` is another spelling of (:func:`_id_key`), else None."""
    key = _id_key(ident)
    hits = [k for k in known if _id_key(k) == key]
    return hits[0] if len(hits) == 1 else None


def _as_typed(v: Any) -> str:
    """A deadline cell as the analyst typed it: a date cell as the Excel serial number it holds (30 shows as
    1900-01-30 under a date format; Excel's day 60 is its fictitious 1900-02-29), anything else as its text."""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return str((v - dt.date(1899, 12, 31 if v < dt.date(1900, 3, 1) else 30)).days)
    return _text(v)


def _unnumbered_problem(sheet: LedgerSheet, r: SheetRow, expected: Optional[dict]) -> Problem:
    """A row with no 编号 whose yellow cells hold something (catalogue ``ledger-row-no-id``): the cells it holds,
    and the item whose identifying columns the row shows (发现期次, 问题类型, 指标/问题, 区县), when exactly one."""
    filled = [f"{HEADERS[k]} '{_show(_cell_value(r.cells[k]))}'" for k in EDITABLE if _text(r.cells[k])]
    shown = {k: v for k, v in r.shown.items() if k in IDENTITY and v}
    hits = [i for i, want in (expected or {}).items()
            if shown and all(want.get(k) == v for k, v in shown.items())]
    likely = f"its columns match item {hits[0]}: write {hits[0]} in its 编号 cell" if len(hits) == 1 else \
        "write the item's 编号 back in the row"
    return problem("ledger-row-no-id", cells="; ".join(filled[:3]) + ("; …" if len(filled) > 3 else ""),
                   likely=likely, **sheet.where(r, "id"))


def _shifted(sheet: LedgerSheet, known: dict) -> list:
    """Rows whose yellow cells were exchanged among themselves — a sort of only the yellow columns, which keeps
    every identifying column in place: two or more rows changed, and together they hold exactly the yellow
    cells they were written with (the store's, when the file does not say), each row another's.  Real edits
    that happen to be such an exchange are too rare to weigh against units and statuses landing on other
    items."""
    def ref(r):
        w = (sheet.base or {}).get(r.id)
        return tuple((w[k] if w is not None else getattr(known[r.id], k)) or None for k in EDITABLE)

    def now(r):
        try:
            return tuple(parse_field(k, r.cells[k]) or None for k in EDITABLE)
        except ValueError:
            return None

    rows = {r.id: r for r in sheet.rows if r.id in known}
    changed = [(r, now(r), ref(r)) for r in rows.values()]
    changed = [(r, a, b) for r, a, b in changed if a is not None and a != b]
    if len(changed) < 2:
        return []
    from collections import Counter

    if Counter(a for _, a, _ in changed) != Counter(b for _, _, b in changed):
        return []
    return [r for r, _, _ in changed]


def _cell_value(v: Any) -> Any:
    """A cell's value as a message shows it: a date cell as its date (not 2026-07-30 00:00:00)."""
    return v.date() if isinstance(v, dt.datetime) else v


def _show(v: Any) -> str:
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v) if v not in (None, "") else "（空）"


def pending_edits(sheet: LedgerSheet, items: Sequence[LedgerItem]) -> list[str]:
    """The cells of a sheet that hold edits not in the store (``cell 编号 field``): a cell differing from the
    stored field and — when the file records it — from what the file was written with.  Overwriting a file
    with any would lose them.  The status of a 已验证 item is none: no file can change it."""
    known = {it.id: it for it in items}
    out = []
    for r in sheet.rows:
        item = known.get(r.id)
        written = (sheet.base or {}).get(r.id)
        for k in EDITABLE:
            raw = r.cells[k]
            try:
                v = parse_field(k, raw)
            except ValueError:
                v = _text(raw)
            if written is not None and _same(v, written[k]):
                continue  # as written: no edit, whatever the store holds now
            if item is None:
                if v:
                    out.append(f"{sheet.cell(r, k)} {r.id} {HEADERS[k]}")
                continue
            if _same(v, getattr(item, k)):
                continue
            if k == "status" and item.status == VERIFIED:
                continue  # --update keeps 已验证 whatever the file says: nothing storable is lost
            out.append(f"{sheet.cell(r, k)} {r.id} {HEADERS[k]}")
    for r in sheet.unnumbered:  # cells of a row whose 编号 was deleted: no store holds them
        out += [f"{sheet.cell(r, k)} （无编号） {HEADERS[k]}" for k in EDITABLE if _text(r.cells[k])]
    return out


SHOWN_CELLS = 3  # pending cells a message names before "…"


def unsaved_edits(path: str | Path, items: Sequence[LedgerItem]) -> tuple[int, str]:
    """The edits a ledger spreadsheet holds that the store lacks (:func:`pending_edits`): their count and the first
    :data:`SHOWN_CELLS` cells as a message names them (``"F3 L-001 整改状态; …"``).  ``(0, "")`` when none; raises
    :class:`MinyiError` when ``path`` cannot be read as a ledger.  Overwriting the file would lose what it counts."""
    pending = pending_edits(read_ledger_sheet(path), items)
    return len(pending), "; ".join(pending[:SHOWN_CELLS]) + ("; …" if len(pending) > SHOWN_CELLS else "")


def read_ledger_edits(path: str | Path, items: Sequence[LedgerItem]) -> list[tuple[str, str, Any]]:
    """Analysts' edits from a ledger spreadsheet: (item id, field, new value) (:func:`read_ledger_sheet`,
    :func:`plan_update` without the identity check)."""
    return plan_update(read_ledger_sheet(path), items).edits


