"""XLSForm (ODK / KoboToolbox) → minyi questionnaire YAML: :func:`xlsform_to_yaml`.

It reads an XLSForm with pyxform's own parser (:func:`pyxform.xls2json.parse_file_to_json`) and writes minyi YAML:
groups → sections (nested groups flattened, their ``relevant`` and-ed into each question's ``when``),
``table-list`` / ``field-list`` groups of ``select_one`` questions sharing one list and carrying scores → matrix,
``select_multiple`` constraints → min/max and exclusive options, number constraints → min/max, ``required`` →
required; a ``text`` question ``<id>_other`` right after a select with an "other" option is that option's
fill-in (the ``<id>_other`` column), not a question of its own.  Types minyi does not model (note, calculate,
geopoint, date, repeat …) are left out and reported as warnings — nothing is dropped silently.  An id XLSForm
cannot name (``101``: names start with a letter) is exported as ``q101`` (:func:`survey.xlsform.xml_names`) and
comes back through the ``minyi`` sheet.  A ``relevant`` on a later question, and any problem of the converted
questionnaire, is said at the survey sheet's row.  Texts keep their typographic quotes (“ ” ‘ ’), which pyxform's
parser straightens in every cell (:func:`survey.xlsform_sheets.quoted_originals`).

The steps, one function each:

1. :func:`survey.xlsform_sheets.read_workbook` — the sheets (:class:`~survey.xlsform_sheets.Workbook`);
2. :func:`_read_sections` — groups into sections, each element through
   :class:`~survey.xlsform_questions.QuestionReader` (ids: :class:`~survey.xlsform_ids.Ids`);
3. :func:`_translate_when` — every ``relevant`` into a ``when`` once all names are known (refusing one that names
   a later question);
4. :func:`_document` — the questionnaire with what the ``minyi`` sheet carries, dumped as YAML;
5. :func:`_check` — the validator's errors, said at the workbook's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from . import expr as E
from .errors import MinyiError
from .messages import problem
from .xlsform_carry import apply_carried, questionnaire_carried
from .xlsform_ids import Ids, new_ident
from .xlsform_questions import (META_TYPES, SKIP_TYPES, Pending, QuestionReader, Relevant, en_of, generated,
                                group_label, is_matrix_group)
from .xlsform_sheets import LabelCells, Workbook, at_row, quoted_originals, read_workbook, with_quotes
from .xpath_when import XPathError, _Ctx, xpath_to_when


@dataclass
class Conversion:
    """Result of :func:`xlsform_to_yaml`: the YAML text and what could not be carried over."""

    yaml_text: str
    warnings: list[str]
    mapping: dict = field(default_factory=dict)  # survey import --mapping: choice names (XML values) -> codes


@dataclass
class _Sections:
    """What :func:`_read_sections` read: the sections (minyi YAML dicts, in the form's order; some may be empty)
    and {section id: the XLSForm group it came from}."""

    sections: list[dict]
    names: dict[str, str]


def xlsform_to_yaml(path: str | Path) -> Conversion:
    """Convert an XLSForm workbook into minyi questionnaire YAML (see module docstring)."""
    path = Path(path)
    warnings: list[str] = []

    def warn(msg: str) -> None:
        warnings.append(f"{path.name}: {msg}")

    book = read_workbook(path, warn)
    ids = Ids(book.form, book.renamed_ids(), warn)
    reader = QuestionReader(book, ids, LabelCells(book, warn), warn)
    read = _read_sections(book, ids, reader, warn)
    _translate_when(read.sections, reader.pending, reader.ctx, book, warn)
    sections = [s for s in read.sections if s["questions"]]
    if not sections:
        raise MinyiError.of("xlsform-no-usable-question", file=str(path))
    text = _document(sections, book, warn)
    _check(text, book, reader.pending, read.names)
    mapping = {k: v for k, v in (("columns", ids.columns), ("values", reader.value_map)) if v}
    return Conversion(text, warnings, mapping)


# ============================================================================= 2. sections
def _read_sections(book: Workbook, ids: Ids, reader: QuestionReader, warn: Callable[[str], None]) -> _Sections:
    """The form's top-level groups as sections; questions outside any group go into a section of their own
    (``S1``, … named by position, titled with the form's title) for each run of them."""
    out = _Sections([], {})
    loose: Optional[dict] = None
    for child in book.form.get("children", []):
        t = child.get("type")
        if child.get("name") == "meta" and t == "group":
            continue
        if t in SKIP_TYPES:
            if t not in META_TYPES:
                warn(f"'{child.get('name')}' ({t}) has no minyi question type; left out")
            continue
        if t == "group" and not is_matrix_group(child):
            _group_section(child, book, ids, reader, out)
            loose = None
        else:
            if loose is None:
                sid = ids.fresh(f"S{len(out.sections) + 1}")
                loose = {"id": sid, "title": book.form.get("title") or sid, "questions": []}
                out.sections.append(loose)
            reader.read(child, loose, [])
    return out


def _group_section(child: dict, book: Workbook, ids: Ids, reader: QuestionReader, out: _Sections) -> None:
    """The top-level group ``child`` as a section, its ``relevant`` going to each of its questions — except the
    site condition minyi's export wrote, which the ``sites:`` block read back from the minyi sheet says."""
    name = str(child.get("name"))
    sid = ids.ident(name, "group", "section")
    sec = {"id": sid, "title": group_label(child, book.lang) or reader.labels.fallback("survey", name, sid),
           "questions": []}
    if en_of(child, book.lang):
        sec["title_en"] = en_of(child, book.lang)
    out.sections.append(sec)
    out.names[sid] = name
    relevant = (child.get("bind") or {}).get("relevant")
    rel = [Relevant(child["bind"]["relevant"], name)] if relevant else []
    if rel and rel[0].xpath == book.carried_for("section", sid).get("relevant") and book.carried_q.get("sites"):
        rel = []
    for c in child.get("children", []):
        if not generated(c):  # pyxform's label row of a table-list group is no question
            reader.read(c, sec, rel)


# ============================================================================= 3. skip logic
def _translate_when(sections: list[dict], pending: dict[str, Pending], ctx: _Ctx, book: Workbook,
                    warn: Callable[[str], None]) -> None:
    """Each question's ``when`` from its ``relevant`` and its groups' (and-ed), translated once every name is
    known; refused (one problem each, at the row saying it) where a ``relevant`` names the question itself or a
    later one."""
    order = {item["id"]: i for i, item in enumerate(it for sec in sections for it in sec["questions"])}
    xml_name = {v: k for k, v in ctx.names.items()}  # minyi ref text (Q, M.r1) -> its XLSForm name
    later: dict[tuple[str, str], Any] = {}  # (XLSForm name saying the relevant, question it refers to) -> problem
    for sec in sections:
        for item in sec["questions"]:
            rel = pending[item["id"]].relevant if item["id"] in pending else []
            carried = book.carried_for("question", item["id"]).get("when") or {}
            if carried and len(rel) == 1 and rel[0].xpath == carried.get("relevant"):
                item["when"] = carried["when"]  # minyi's own condition, as written (labels, not XML values)
                continue
            conds = []
            for r in rel:
                try:
                    cond = xpath_to_when(r.xpath, ctx)
                except (XPathError, E.ExprSyntaxError, KeyError, ValueError) as e:
                    warn(f"{item['id']}: relevant '{r.xpath}' not converted ({e}); the question is asked of everyone")
                    continue
                conds.append(cond)
                _refs_later(cond, r, item["id"], order, pending, xml_name, book, later)
            if len(conds) == 1:
                item["when"] = conds[0]
            elif conds:
                item["when"] = " and ".join(f"({c})" for c in conds)
    if later:
        raise MinyiError(list(later.values()))


def _refs_later(cond: str, r: Relevant, qid: str, order: dict[str, int], pending: dict[str, Pending],
                xml_name: dict[str, str], book: Workbook, later: dict) -> None:
    """Into ``later``, a problem for each question that the condition ``cond`` (of ``qid``, from ``r``) names and
    that is not asked before ``qid``: the question itself, one inside the group saying it, or a later one.
    ``xml_name``: {minyi ref text (Q, M.r1): its XLSForm name}."""
    for ref in E.references(E.parse(cond)):
        base = ref.name.split(".")[0]
        if not (base in order and order[base] >= order[qid] and (r.origin, base) not in later):
            continue
        is_group = book.type_cell(r.origin).replace(" ", "_").startswith("begin_")
        ref_name = xml_name.get(ref.name, base)
        inside = is_group and base in pending and any(o.origin == r.origin for o in pending[base].relevant)
        later[(r.origin, base)] = problem(
            "xlsform-later-question", file=str(book.path), row=book.row(r.origin),
            what="group" if is_group else "question", name=r.origin, relevant=r.xpath, ref=ref_name,
            ref_where=book.where(ref_name),
            when="is the question itself" if base == qid and not is_group
            else "is inside that group" if inside else "comes later in the form")


# ============================================================================= 4. the document
def _document(sections: list[dict], book: Workbook, warn: Callable[[str], None]) -> str:
    """The questionnaire's YAML: its settings, what the ``minyi`` sheet carries (per question and for the
    questionnaire), the sections, and the workbook's typographic quotes put back."""
    import yaml

    form, lang = book.form, book.lang
    for sec in sections:
        for item in sec["questions"]:
            apply_carried(item, book.carried_for("question", item["id"]), warn)
    doc = {"id": new_ident(str(form.get("id_string") or form.get("name") or "form"), set()),
           "title": str(form.get("title") or book.path.stem),
           "language": "zh" if (lang is None or "zh" in str(lang).lower() or "chinese" in str(lang).lower()) else "en",
           "version": str(form.get("version") or "1")}
    doc.update(questionnaire_carried(book.carried_q, sections, warn))
    doc["sections"] = sections
    for key in ("areas", "indicators"):
        if key in doc:
            doc[key] = doc.pop(key)  # after the sections, as minyi writes them
    doc = with_quotes(doc, quoted_originals(book.raw))
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)


# ============================================================================= 5. the check
def _check(text: str, book: Workbook, pending: dict[str, Pending], sec_names: dict[str, str]) -> None:
    """Validate the converted YAML; its errors are said at the workbook's rows (the YAML they were found in is
    never written)."""
    from .qload import validate_text

    _, problems = validate_text(text, str(book.path.with_suffix(".yaml").name))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        names = {qid: p.name for qid, p in pending.items()}
        raise MinyiError([problem("xlsform-converted-invalid", file=str(book.path))]
                         + [at_row(p, text, book, names, sec_names) for p in errors])
