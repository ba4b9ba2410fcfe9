"""Reading an XLSForm's sheets for :func:`survey.xlsform_read.xlsform_to_yaml`, and saying where things are in them.

* :func:`read_workbook`: the form as pyxform parses it, its language, its cells as pyxform's reader gives them, the
  row of each name on the survey sheet and the ``minyi`` sheet (:mod:`survey.xlsform_carry`), in one
  :class:`Workbook`.
* :class:`LabelCells`: why a label is empty (a formula with no saved value, a merged cell).
* :func:`quoted_originals` / :func:`with_quotes`: the typographic quotes pyxform's parser straightens, put back.
* :func:`at_row`: a problem the validator found in the converted YAML, said at the survey sheet's row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from .errors import MinyiError
from .messages import problem
from .xlsform_carry import read_minyi_sheet
from .xlsform_text import unescaped


@dataclass
class Workbook:
    """An XLSForm as read (:func:`read_workbook`)."""

    path: Path
    form: dict  # pyxform's parse of it (pyxform.xls2json.parse_file_to_json)
    lang: Optional[str]  # its default language; None when it names none
    raw: Any  # its cells as pyxform's own reader gives them (_raw_sheets), or None
    rows_of: dict[str, tuple[int, str]]  # XLSForm name -> (its row on the survey sheet, its type cell)
    carried: dict  # the minyi sheet (read_minyi_sheet): {(what, id): {key: value}}

    @property
    def carried_q(self) -> dict:
        """What the minyi sheet carries for the questionnaire itself."""
        return self.carried.get(("questionnaire", None)) or {}

    def carried_for(self, what: str, id_: str) -> dict:
        """What the minyi sheet carries for the section or question ``id_``."""
        return self.carried.get((what, id_)) or {}

    def renamed_ids(self) -> dict[tuple[str, str], str]:
        """{("question"/"section", XLSForm name): minyi id} for the ids minyi's export had to rename (101 → q101:
        XLSForm names start with a letter or _), which the minyi sheet gives back."""
        return {(w, str(kv["name"])): i for (w, i), kv in self.carried.items()
                if w in ("question", "section") and i and kv.get("name")}

    def row(self, name: str) -> Optional[int]:
        """The survey sheet's row of the element ``name`` (None when it has none)."""
        return self.rows_of.get(name, (None,))[0]

    def type_cell(self, name: str) -> str:
        """The type cell of the element ``name`` as written on the survey sheet ("" when it has none)."""
        return self.rows_of.get(name, (0, ""))[1]

    def where(self, name: str) -> str:
        """Where the element ``name`` is in the workbook: sheet survey, row N."""
        r = self.rows_of.get(name)
        return f"sheet survey, row {r[0]}" if r else "sheet survey"


def _first_text_cell(path: Path):
    """The first cell of the first non-empty line of a text XLSForm (.csv, .md: pyxform's text forms, whose first
    cell is a sheet name), None for a workbook or a file that is not text."""
    import re

    if path.suffix.lower() not in (".csv", ".md", ".txt"):
        return None
    try:
        with open(path, encoding="utf-8-sig", errors="strict") as f:
            for line in f:
                cell = re.split(r"[,|\t]", line.strip().strip("|"), maxsplit=1)[0].strip().strip('"')
                if line.strip():
                    return cell[:40]
    except (OSError, UnicodeDecodeError):
        return None
    return None


def read_workbook(path: Path, warn: Callable[[str], None]) -> Workbook:
    """Read the XLSForm at ``path`` with pyxform's own parser; a missing, unreadable or invalid file is one
    :class:`~survey.errors.MinyiError`.  The minyi sheet's problems go to ``warn``."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    if not path.exists():
        raise MinyiError.of("file-not-found", file=str(path), path=str(path))
    try:
        form = unescaped(parse_file_to_json(str(path)))
    except PyXFormError as e:
        raise MinyiError.of("xlsform-not-xlsform", file=str(path), pyxform_message=str(e))
    except Exception as e:  # damaged workbook, wrong file type
        first = _first_text_cell(path)
        if first is not None and first.lower() != "survey":  # a data CSV: pyxform's TypeError named its header
            raise MinyiError.of("xlsform-text-not-xlsform", file=str(path), first=first)
        raise MinyiError.of("file-unreadable", file=str(path), path=str(path), reason=f"not a readable XLSForm ({e})")
    lang = form.get("default_language")
    if lang == "default":
        lang = None
    carried = read_minyi_sheet(path, warn)
    raw = _raw_sheets(path)
    return Workbook(path, form, lang, raw, _sheet_rows(raw), carried)


def _raw_sheets(path: Path):
    """The workbook's cells as pyxform's own reader gives them (:func:`pyxform.xls2json_backends.get_xlsform`:
    one dict a row, blank rows kept as ``{}``), or None when it cannot read them."""
    from pyxform.xls2json_backends import get_xlsform

    try:
        return get_xlsform(str(path))
    except Exception:  # pyxform read the file a moment ago; a reader failing now just loses rows and quotes
        return None


def _sheet_rows(raw) -> dict[str, tuple[int, str]]:
    """{name: (its row on the survey sheet, its type cell)}: the header is row 1, blank rows count (pyxform's
    reader keeps them as ``{}``), so the row is the one Excel shows.  The first row of a name wins."""
    out: dict[str, tuple[int, str]] = {}
    for i, r in enumerate(getattr(raw, "survey", None) or (), start=2):
        name = str(r.get("name") or "").strip()
        if name and name not in out:
            out[name] = (i, str(r.get("type") or "").strip())
    return out


class LabelCells:
    """Where an empty label is in the workbook, and why (for :func:`xlsform_to_yaml`'s warning): pyxform reads the
    values Excel saved, so a formula cell of a workbook no spreadsheet program computed (openpyxl, pandas, a
    generator script) has none, and of merged cells only the first holds the text."""

    def __init__(self, book: Workbook, warn: Callable[[str], None]):
        self.path, self.lang, self._wb, self._warn = book.path, book.lang, None, warn
        self._told: set = set()
        self.rows = {"survey": {}, "choices": {}}
        for i, r in enumerate(getattr(book.raw, "survey", None) or (), start=2):
            self.rows["survey"].setdefault(str(r.get("name") or "").strip(), i)
        for i, r in enumerate(getattr(book.raw, "choices", None) or (), start=2):
            self.rows["choices"].setdefault((str(r.get("list_name") or "").strip(), str(r.get("name") or "").strip()), i)

    def fallback(self, sheet: str, key, name: str) -> str:
        """``name`` as the text of an element whose label cell is empty, warned about naming the cell and, when
        the workbook shows it, why: a formula without a saved value, or a merged cell."""
        if (sheet, key) not in self._told:  # a choice list several questions share: once
            self._told.add((sheet, key))
            self._warn(self.why_empty(sheet, key) + f"; its name {name} is used as the text")
        return name

    def _sheet(self, name: str):
        if self._wb is None:
            self._wb = False
            if self.path.suffix.lower() in (".xlsx", ".xlsm"):
                import openpyxl

                try:
                    self._wb = openpyxl.load_workbook(self.path, data_only=False)  # formulas, merged ranges
                except Exception:  # pyxform read it; without this reader the warning just says less
                    self._wb = False
        if not self._wb:
            return None
        return next((self._wb[t] for t in self._wb.sheetnames if t.strip().lower() == name), None)

    def why_empty(self, sheet: str, key) -> str:
        row = self.rows[sheet].get(key)
        what = f"sheet {sheet}" + (f", row {row}" if row else "")
        ws = self._sheet(sheet) if row else None
        if ws is None:
            return f"{what}: the label is empty"
        from openpyxl.utils import get_column_letter

        heads = [str(c.value or "").strip() for c in ws[1]]
        labels = [i for i, h in enumerate(heads, start=1) if h.lower().split("::")[0] == "label"]
        own = [i for i in labels if self.lang and heads[i - 1].split("::", 1)[-1].strip() == self.lang]
        if not (own or labels):
            return f"{what}: there is no label column"
        col = (own or labels)[0]
        ref = f"{get_column_letter(col)}{row}"
        value = ws.cell(row=row, column=col).value
        merged = next((m for m in ws.merged_cells.ranges if ref in m and ref != m.start_cell.coordinate), None)
        if merged is not None:
            return (f"{what}, cell {ref}: the label is empty — the cell is part of the merged cells {merged.coord}, "
                    f"whose text only {merged.start_cell.coordinate} holds (unmerge them and fill each row)")
        if isinstance(value, str) and value.startswith("="):
            return (f"{what}, cell {ref}: the label is a formula ({value[:40]}) with no saved value (the workbook was "
                    "not saved by a spreadsheet program; open and save it in Excel or WPS, or paste values)")
        return f"{what}, cell {ref}: the label is empty"


def quoted_originals(data) -> dict:
    """{text as pyxform returns it: the text as written} for the workbook's cells with typographic quotes.

    pyxform's parser turns “ ” ‘ ’ into " and ' in every cell (``clean_text_values``: Excel types such quotes
    into XPath expressions, where they break), labels too: 您是否知道本市的“文明实践志愿服务”活动？ came
    back with straight quotes, changing the questionnaire's wording without a word.  The raw cells (pyxform's
    own reader, :func:`pyxform.xls2json_backends.get_xlsform`) give the text back; a straightened text that
    two different originals share is left as pyxform gives it."""
    from pyxform.parsing.sheet_headers import RE_SMART_QUOTES, clean_text_values

    if data is None:
        return {}
    seen: dict = {}
    for sheet in (data.survey, data.choices):
        for row in sheet or ():
            for v in row.values():
                if isinstance(v, str) and RE_SMART_QUOTES.search(v):
                    for straight, written in ((clean_text_values(v).strip(), v.strip()),
                                              (clean_text_values(v, strip_whitespace=True).strip(),
                                               _collapsed(v))):
                        seen.setdefault(straight, set()).add(written)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _collapsed(text: str) -> str:
    """``text`` with its runs of whitespace made one space and stripped, as pyxform cleans a cell."""
    from pyxform.xls2json_backends import RE_WHITESPACE

    return RE_WHITESPACE.sub(" ", text).strip()


def with_quotes(node: Any, originals: dict) -> Any:
    """``node`` (the converted questionnaire) with every text pyxform straightened written as in the workbook."""
    if not originals:
        return node
    if isinstance(node, dict):
        return {k: with_quotes(v, originals) for k, v in node.items()}
    if isinstance(node, list):
        return [with_quotes(v, originals) for v in node]
    if isinstance(node, str):
        return originals.get(node, node)
    return node


def _yaml_owners(text: str) -> list[tuple[int, int, str, str]]:
    """(first line, last line, "section"/"question", id) of each section and question of the converted YAML."""
    import yaml

    out: list[tuple[int, int, str, str]] = []
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return out

    def get(node, key):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if getattr(k, "value", None) == key:
                    return v
        return None

    for sec in getattr(get(root, "sections"), "value", None) or ():
        sid = get(sec, "id")
        out.append((sec.start_mark.line + 1, sec.end_mark.line + 1, "section", str(getattr(sid, "value", ""))))
        for qn in getattr(get(sec, "questions"), "value", None) or ():
            qid = get(qn, "id")
            out.append((qn.start_mark.line + 1, qn.end_mark.line + 1, "question", str(getattr(qid, "value", ""))))
    return out


def at_row(p, text: str, book: Workbook, names: dict, sec_names: dict):
    """A problem the validator found in the converted YAML (never written), said at the row of the XLSForm's
    survey sheet it came from: the question (or group) whose YAML block holds the problem's line.  ``names`` /
    ``sec_names``: {minyi id: the XLSForm name it came from} of the questions / sections."""
    path = book.path
    owner = None
    for first, last, kind, id_ in _yaml_owners(text):
        if p.line is not None and first <= p.line <= last and (owner is None or kind == "question"):
            owner = (kind, id_)
    if owner is None:
        return problem("xlsform-invalid", file=str(path), severity=p.severity, where="the form", reason=p.message,
                       hint=p.hint)
    kind, id_ = owner
    name = (names if kind == "question" else sec_names).get(id_)
    row = book.row(name) if name else None
    what = "group" if kind == "section" else "question"
    shown = f"{what} '{name}'" + (f" (minyi id {id_})" if name != id_ else "") if name else f"{kind} {id_}"
    return problem("xlsform-invalid", file=str(path), row=row, severity=p.severity,
                   where="sheet survey, " + shown if row else shown, reason=p.message, hint=p.hint)
