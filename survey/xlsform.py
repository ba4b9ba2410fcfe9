"""XLSForm (ODK / KoboToolbox) ⇄ minyi questionnaire.

* :func:`write_xlsform` turns a :class:`~survey.questionnaire.Questionnaire` into an XLSForm
  workbook (sheets ``survey``, ``choices``, ``settings``; labels in ``label::Chinese (zh)`` or
  ``label::English (en)``) that pyxform converts to an XForm, so the questionnaire can be
  fielded on ODK Collect / KoboToolbox.  Sections become groups (with a ``relevant`` on the site
  question when only some sites get the section); single/scale/yes-no → ``select_one``; multiple →
  ``select_multiple`` with ``count-selected`` and exclusive-option constraints; a choice question
  with an "other, please specify" option is followed by a ``text`` question ``<id>_other`` (minyi's
  native column) with ``relevant`` ``selected(${id}, 'code')``; matrix → a ``table-list`` group with one
  ``select_one`` per row named ``<id>_<row id>``; ranking → ``rank`` (ODK ranks every option: ``k``, the
  ranks that count, rides in an extra ``minyi_k`` column of the survey sheet and in the hint); number → ``integer``
  (both limits whole numbers, as minyi's web survey asks) / ``decimal`` with a range constraint (its unit shown in the label as ``（次）`` and kept in a ``minyi_unit`` column,
  so it comes back as the unit); text → ``text``.  Option scores and flags ride along in
  extra ``minyi_*`` columns of the choices sheet (XLSForm keeps unknown choice columns).
* :func:`xlsform_to_yaml` reads an XLSForm with pyxform's own parser
  (:func:`pyxform.xls2json.parse_file_to_json`) and writes minyi YAML: groups → sections (nested
  groups flattened, their ``relevant`` and-ed into each question's ``when``), ``table-list`` /
  ``field-list`` groups of ``select_one`` questions sharing one list and carrying scores →
  matrix, ``select_multiple`` constraints → min/max and exclusive options, number constraints →
  min/max, ``required`` → required; a ``text`` question ``<id>_other`` right after a select with an
  "other" option is that option's fill-in (the ``<id>_other`` column), not a question of its own.
  Types minyi does not model (note, calculate, geopoint, date, repeat …) are left out and reported
  as warnings — nothing is dropped silently.  An id XLSForm cannot name (``101``: names start with a letter)
  is exported as ``q101`` (:func:`xml_names`) and comes back through the ``minyi`` sheet.  A ``relevant``
  on a later question, and any problem of the converted questionnaire, is said at the survey sheet's row.  Texts keep their typographic quotes (“ ” ‘ ’), which pyxform's
  parser straightens in every cell (:func:`_quoted_originals`).

Skip logic goes through the project's expression language (:mod:`survey.expr`), in :mod:`survey.xpath_when`: minyi
``when`` conditions are parsed into its AST and written as XPath (:func:`~survey.xpath_when.when_to_xpath`); XPath
``relevant`` expressions are parsed into the same AST (:func:`~survey.xpath_when.xpath_to_when`), rendered as minyi
text and re-parsed by :func:`survey.expr.parse` to check them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from . import expr as E
from .atomic import atomic_write
from .errors import MinyiError
from .labels import label as ui_label
from .messages import problem
from .questionnaire import Question, Questionnaire, Section
from .xlsform_carry import apply_carried, minyi_rows, questionnaire_carried, read_minyi_sheet
from .xpath_when import XPathError, _Ctx, _num, when_to_xpath, xpath_to_when

LANG = {"zh": "Chinese (zh)", "en": "English (en)"}
RANK_K_COLUMN = "minyi_k"  # survey-sheet column: how many ranks of a ranking count (pyxform keeps unknown columns)
UNIT_COLUMN = "minyi_unit"  # survey-sheet column: a number question's unit (次), which the label also shows as （次）
_META_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
               "audit", "start-geopoint"}
_SKIP_TYPES = {"note", "calculate", "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
               "username", "email", "audit", "start-geopoint", "hidden", "acknowledge", "trigger"}


# ============================================================================= YAML -> XLSForm
def _has_en(q: Questionnaire) -> bool:
    objs = [q, *q.sections, *q.questions, *(o for qq in q.questions for o in qq.options),
            *(r for qq in q.questions for r in qq.rows)]
    return any((getattr(o, "i18n", None) or {}).get("en") for o in objs)


def _en_texts(d: dict, item: dict, lang: Optional[str]) -> None:
    """A question's ``text_en`` / ``note_en`` from its ``label::English (en)`` / ``hint::English (en)`` cells."""
    text_en = _en(d, lang) or _en(next((c for c in d.get("children", []) if
                                         str(c.get("name", "")).startswith("generated_table_list_label")), {}), lang)
    if text_en:
        item["text_en"] = text_en
    if _en(d, lang, "hint"):
        item["note_en"] = _en(d, lang, "hint")


def _en(d: dict, lang: Optional[str], key: str = "label") -> Optional[str]:
    """The English (``label::English (en)``) text of an element, when English is not the form's own language."""
    lab = d.get(key)
    if not isinstance(lab, dict):
        return None
    for k, v in lab.items():
        if v and k != lang and ("english" in k.lower() or k.lower().rstrip(")").endswith("(en")):
            return str(v).strip()
    return None


def xml_names(q: Questionnaire) -> dict[str, str]:
    """{minyi id: XLSForm name} for the section, question and scale ids an XLSForm cannot use as names: minyi
    allows an id of digits (``101``), XLSForm names must start with a letter or ``_`` (pyxform rejected the whole
    form).  Such an id is exported as ``q101`` (``q_101``, ``q101_2`` … when the form has that name already); the
    ``minyi`` sheet carries the id, so ``--to yaml`` gives it back."""
    ids = [s.id for s in q.sections] + [qq.id for qq in q.questions] + list(q.scales)
    used = {i.casefold() for i in ids}
    out: dict[str, str] = {}
    for i in dict.fromkeys(ids):
        if not i or not i[0].isdigit():
            continue
        new, n = "q" + i, 2
        for cand in ("q" + i, "q_" + i):
            new = cand
            if cand.casefold() not in used:
                break
        while new.casefold() in used:
            new = f"q{i}_{n}"
            n += 1
        used.add(new.casefold())
        out[i] = new
    return out


def xlsform_rows(q: Questionnaire) -> tuple[list[list], list[list], list[list], list[list]]:
    """(survey rows, choices rows, settings rows, ``minyi`` sheet rows) of the XLSForm for ``q`` (headers first)."""
    rows, _ = _xlsform_rows(q)
    return rows


def _xlsform_rows(q: Questionnaire) -> tuple[tuple[list[list], list[list], list[list], list[list]], list[str]]:
    """(the rows of :func:`xlsform_rows`, notes on what the export changed: ids renamed for XLSForm)."""
    from .collect.answers import integer_question

    xn = xml_names(q)

    def x(i: str) -> str:
        return xn.get(i, i)

    lang = LANG.get(q.language, LANG["zh"])
    tr = LANG["en"] if q.language != "en" and _has_en(q) else None  # the *_en translations: label::English (en)
    survey = [["type", "name", f"label::{lang}", f"hint::{lang}", "required", "relevant", "constraint",
               f"constraint_message::{lang}", "appearance", RANK_K_COLUMN, UNIT_COLUMN]
              + ([f"label::{tr}", f"hint::{tr}"] if tr else [])]
    choices = [["list_name", "name", f"label::{lang}", "minyi_score", "minyi_na", "minyi_exclusive", "minyi_other"]
               + ([f"label::{tr}"] if tr else [])]
    lists: dict[str, str] = {}

    def en(obj, key: str = "label") -> Optional[str]:
        return (getattr(obj, "i18n", None) or {}).get("en", {}).get(key) or None

    def add_list(list_name: str, qq: Question) -> str:
        list_name = x(list_name)
        if list_name in lists:
            return list_name
        lists[list_name] = qq.id
        for o in qq.options:
            choices.append([list_name, str(o.code), o.label, o.score if o.score is not None else None,
                            "yes" if o.na else None, "yes" if o.exclusive else None, "yes" if o.other else None]
                           + ([en(o)] if tr else []))
        return list_name

    def row(type_, name, label, hint=None, required=None, relevant=None, constraint=None, cmsg=None, appearance=None,
            k=None, unit=None, of=None):
        extra = []
        if tr:
            text_en = en(of, "text") if isinstance(of, Question) else en(of, "title") if isinstance(of, Section) \
                else en(of) if of is not None else None
            if text_en and isinstance(of, Question) and of.type == "number" and en(of, "unit"):
                text_en += f" ({en(of, 'unit')})"
            extra = [text_en, en(of, "note") if isinstance(of, Question) else None]
        survey.append([type_, name, label, hint, required, relevant, constraint, cmsg, appearance, k, unit] + extra)

    def relevant_of(qq: Question) -> Optional[str]:
        if not qq.when:
            return None
        try:
            return when_to_xpath(qq.when, q, xn)
        except (E.ExprSyntaxError, KeyError) as e:
            raise MinyiError.of("xlsform", file=q.source, reason=f"condition of {qq.id} ('{qq.when}') cannot be "
                                f"written as XPath: {e}", hint="simplify the condition")

    def other_row(qq: Question) -> None:
        """The "other, please specify" text ``<id>_other`` (minyi's native column), asked when "other" is chosen."""
        others = [o for o in qq.options if o.other]
        if not others:
            return
        label = "、".join(o.label for o in others) + ("（请注明）" if q.language == "zh" else " (please specify)")
        row("text", f"{x(qq.id)}_other", label, None, None,
            " or ".join(f"selected(${{{x(qq.id)}}}, '{_num(o.code)}')" for o in others))

    site_q = q.get(q.site_question) if q.site_question else None
    for sec in q.sections:
        sec_relevant = None
        if site_q is not None and q.sites:
            codes = []
            for s in q.sites:
                if not s.sections or sec.id in s.sections:
                    o = site_q.option_by_label(s.name)
                    if o is not None:
                        codes.append(o.code)
            if len(codes) < len(site_q.options):
                sec_relevant = " or ".join(f"${{{x(site_q.id)}}} = '{c}'" for c in codes) or "false()"
        row("begin_group", x(sec.id), sec.title or sec.id, relevant=sec_relevant, of=sec)
        for qq in sec.questions:
            req = "yes" if qq.required else None
            rel = relevant_of(qq)
            if qq.type in ("single", "scale", "yesno"):
                ln = add_list(qq.scale or qq.id, qq)
                row(f"select_one {ln}", x(qq.id), qq.text, qq.note, req, rel, of=qq)
                other_row(qq)
            elif qq.type == "matrix":
                ln = add_list(qq.scale or qq.id, qq)
                row("begin_group", x(qq.id), qq.text, qq.note, relevant=rel, appearance="table-list", of=qq)
                for r in qq.rows:
                    row(f"select_one {ln}", f"{x(qq.id)}_{r.id}", r.label, None, req, of=r)
                row("end_group", None, None)
            elif qq.type == "multiple":
                ln = add_list(qq.id, qq)
                cons, msg = [], []
                if qq.min is not None and qq.min > 1:
                    # an exclusive option (以上都没有) alone meets any min (docs/questionnaire-format.md)
                    alone = "".join(f" or selected(., '{o.code}')" for o in qq.options if o.exclusive)
                    cons.append(f"(count-selected(.) >= {_num(qq.min)}{alone})" if alone
                                else f"count-selected(.) >= {_num(qq.min)}")
                    msg.append(f"至少选择 {_num(qq.min)} 项")
                if qq.max is not None and qq.max < len(qq.options):
                    cons.append(f"count-selected(.) <= {_num(qq.max)}")
                    msg.append(f"最多选择 {_num(qq.max)} 项")
                for o in qq.options:
                    if o.exclusive:
                        cons.append(f"not(selected(., '{o.code}') and count-selected(.) > 1)")
                        msg.append(f"“{o.label}”不能与其他选项同时选择")
                row(f"select_multiple {ln}", x(qq.id), qq.text, qq.note, req, rel, " and ".join(cons) or None,
                    "；".join(msg) or None, of=qq)
                other_row(qq)
            elif qq.type == "ranking":
                ln = add_list(qq.id, qq)
                k = qq.k or len(qq.options)
                counted = f"请按重要程度排序，前 {k} 项计入统计" if k < len(qq.options) else None
                hint = "；".join(h for h in (qq.note, counted) if h) or None
                row(f"rank {ln}", x(qq.id), qq.text, hint, req, rel, k=k if counted else None, of=qq)
            elif qq.type == "number":
                integral = integer_question(qq)  # as the web survey asks: whole numbers only when both limits are
                cons = [c for c in (f". >= {_num(qq.min)}" if qq.min is not None else None,
                                    f". <= {_num(qq.max)}" if qq.max is not None else None) if c]
                msg = f"请填写 {_num(qq.min) if qq.min is not None else ''}–{_num(qq.max) if qq.max is not None else ''} 之间的数" \
                    if cons else None
                row("integer" if integral else "decimal", x(qq.id), qq.text + (f"（{qq.unit}）" if qq.unit else ""),
                    qq.note, req, rel, " and ".join(cons) or None, msg, unit=qq.unit, of=qq)
            else:  # text
                row("text", x(qq.id), qq.text, qq.note, req, rel, appearance="multiline", of=qq)
        row("end_group", None, None)
    settings = [["form_title", "form_id", "version", "default_language"],
                [q.title, re.sub(r"[^A-Za-z0-9_]", "_", q.id) or "minyi", str(q.version), lang]]
    back = {v: k for k, v in xn.items()}
    relevant = {back.get(r[1], r[1]): r[5] for r in survey[1:] if r[1]}
    notes = []
    if xn:
        notes.append("XLSForm names must start with a letter or _: " + ", ".join(f"{k} is named {v}" for k, v in
                                                                              xn.items())
                     + " in the form (and in Kobo/ODK data); the minyi sheet keeps the ids, so --to yaml gives "
                     "them back")
    return (survey, choices, settings, minyi_rows(q, relevant, xn)), notes


def write_xlsform(q: Questionnaire, path: str | Path) -> list[str]:
    """Write the XLSForm of ``q`` to ``path`` (.xlsx, atomically); returns notes on what the export changed
    (ids renamed because XLSForm cannot name them: :func:`xml_names`)."""
    import openpyxl

    (survey, choices, settings, extra), notes = _xlsform_rows(q)
    wb = openpyxl.Workbook()
    for i, (title, rows) in enumerate((("survey", survey), ("choices", choices), ("settings", settings),
                                       ("minyi", extra))):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        for r in rows:
            ws.append(r)
    atomic_write(path, lambda tmp: wb.save(str(tmp)))
    return notes


# ============================================================================= XLSForm -> YAML
@dataclass
class Conversion:
    """Result of :func:`xlsform_to_yaml`: the YAML text and what could not be carried over."""

    yaml_text: str
    warnings: list[str]
    mapping: dict = field(default_factory=dict)  # survey import --mapping: choice names (XML values) -> codes


_RANGE = re.compile(r"(count-selected\(\s*\.\s*\)|(?<![\w$])\.)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)")
_MIN_ALONE = re.compile(r"\(\s*(count-selected\(\s*\.\s*\)\s*>=\s*\d+)\s*((?:or\s+selected\(\s*\.\s*,\s*'[^']+'\s*\)\s*)+)\)")
_EXCL = re.compile(r"not\(\s*selected\(\s*\.\s*,\s*'([^']+)'\s*\)\s+and\s+count-selected\(\s*\.\s*\)\s*>\s*1\s*\)")


def _label(d: dict, lang: Optional[str]) -> str:
    lab = d.get("label")
    if isinstance(lab, dict):
        if lang and lab.get(lang):
            return str(lab[lang]).strip()
        for k, v in lab.items():
            if v and ("zh" in k.lower() or "chinese" in k.lower() or "中文" in k):
                return str(v).strip()
        for v in lab.values():
            if v:
                return str(v).strip()
        return ""
    return str(lab or "").strip()


def _hint(d: dict, lang: Optional[str]) -> Optional[str]:
    h = d.get("hint")
    if not h:
        return None
    return _label({"label": h}, lang) or None


def _valid_id(name: str) -> bool:
    """Is ``name`` usable as it is as a minyi question/section id (the validator's rule, :func:`survey.qload._id_char`:
    ASCII letters, digits, ``_`` and CJK ideographs, no ``__``; and a first character the condition language can
    name)?  性别, 问卷一 and ``_x`` are; ``q-1`` and ``q.1`` are not."""
    from .qload import _id_char

    return bool(name) and "__" not in name and all(_id_char(ch) for ch in name) and not name[0].isdigit()


def _ident(name: str, taken: set, reserved: frozenset = frozenset()) -> str:
    """A minyi id for the XLSForm name ``name``: the name itself when it is a valid id not yet taken (ids are
    compared case-insensitively, as minyi's columns are), else a cleaned-up name that neither an id taken so far
    nor a name ``reserved`` for a later element of the form uses.  ``taken`` holds casefolded ids."""
    if _valid_id(name) and name.casefold() not in taken:
        taken.add(name.casefold())
        return name
    base = re.sub(r"[^A-Za-z0-9_\u4e00-\u9fff]", "_", name).strip("_") or "q"
    base = re.sub(r"_{2,}", "_", base)
    if base[0].isdigit():
        base = "q" + base
    out, i = base, 2
    while out.casefold() in taken or (out != name and out.casefold() in reserved):
        out = f"{base}_{i}"
        i += 1
    taken.add(out.casefold())
    return out


def _all_names(d: dict) -> list[str]:
    """The names of every element of pyxform's form (questions and groups, at any depth)."""
    out = []
    for c in d.get("children") or ():
        if c.get("name"):
            out.append(str(c["name"]))
        out += _all_names(c)
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("yes", "true", "true()", "1", "y")


def xlsform_to_yaml(path: str | Path) -> Conversion:
    """Convert an XLSForm workbook into minyi questionnaire YAML (see module docstring)."""
    import yaml
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    path = Path(path)
    if not path.exists():
        raise MinyiError.of("file-not-found", file=str(path), path=str(path))
    try:
        form = parse_file_to_json(str(path))
    except PyXFormError as e:
        raise MinyiError.of("xlsform", file=str(path), reason=f"not a valid XLSForm: {e}",
                            hint="check the survey and choices sheets")
    except Exception as e:  # damaged workbook, wrong file type
        raise MinyiError.of("file-unreadable", file=str(path), path=str(path), reason=f"not a readable XLSForm ({e})")
    lang = form.get("default_language")
    if lang == "default":
        lang = None
    warnings: list[str] = []
    extra = read_minyi_sheet(path, lambda m: warnings.append(f"{path.name}: {m}"))
    extra_q = extra.get(("questionnaire", None)) or {}
    # ids minyi's export had to rename (101 → q101: XLSForm names start with a letter or _), given back
    restore = {(w, str(kv["name"])): i for (w, i), kv in extra.items()
               if w in ("question", "section") and i and kv.get("name")}
    restored: set = set()  # XLSForm names whose minyi id came back from the minyi sheet
    renumbered: set = set()  # choice lists warned about (a list several questions share: once)
    raw = _raw_sheets(path)
    rows_of = _sheet_rows(raw)  # XLSForm name -> (row of the survey sheet, its type cell)

    cells = _LabelCells(path, raw, lang)
    told: set = set()

    def no_label(sheet: str, key, fallback: str) -> str:
        """``fallback`` (the name) as the text of an element whose label cell is empty, warned about naming the
        cell and, when the workbook shows it, why: a formula without a saved value, or a merged cell."""
        if (sheet, key) not in told:  # a choice list several questions share: once
            told.add((sheet, key))
            warn(cells.why_empty(sheet, key) + f"; its name {fallback} is used as the text")
        return fallback

    def where(name: str) -> str:
        """Where the element ``name`` is in the workbook: sheet survey, row N."""
        r = rows_of.get(name)
        return f"sheet survey, row {r[0]}" if r else "sheet survey"

    value_map: dict[str, dict] = {}
    ctx = _Ctx()
    taken: set = set()
    sections: list[dict] = []
    pending_when: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # minyi id -> (xlsform name, [(relevant, the
    #                                                                  XLSForm name of the group/question saying it)…])
    sec_names: dict[str, str] = {}  # section id -> the XLSForm group it came from

    def warn(msg: str) -> None:
        warnings.append(f"{path.name}: {msg}")

    columns: dict[str, str] = {}  # XLSForm name (the Kobo/ODK data column) -> the minyi column it became
    reserved = frozenset(n.casefold() for n in _all_names(form) if _valid_id(n))

    def ident(name: str, what: str = "question", carried: str = "question") -> str:
        """The minyi id of the XLSForm element ``name``: the id minyi's export renamed it from (``minyi`` sheet);
        its own name when that is a valid minyi id (性别 is); else a new one, warned about and — for a question,
        whose name is a data column — written to the mapping."""
        from .qload import _id_char

        orig = restore.get((carried, name))
        if orig and orig.casefold() not in taken and "__" not in orig and all(_id_char(ch) for ch in orig):
            taken.add(orig.casefold())
            restored.add(name)
            if what != "group":
                columns[name] = orig  # Kobo/ODK data name the column q101: the mapping file maps it back
            return orig
        new = _ident(name, taken, reserved)
        if new != name:
            column(name, new, what)
        return new

    def column(name: str, new: str, what: str = "question", quiet: bool = False) -> None:
        if quiet:  # a name minyi's own export gave (q101_other for 101): mapped, nothing to warn about
            columns[name] = new
            return
        if what == "group":
            warn(f"group '{name}' is section {new} (minyi ids may only hold letters, digits, _ and Chinese "
                 "characters, each id once, whatever its case)")
            return
        columns[name] = new
        warn(f"{what} '{name}' renamed to {new} (minyi ids may only hold letters, digits, _ and Chinese characters, "
             f"each id once, whatever its case); the mapping file maps the Kobo/ODK column {name} to {new}")

    def choices_of(d: dict) -> list[dict]:
        ch = d.get("choices")
        if not ch and d.get("itemset"):
            ch = (form.get("choices") or {}).get(d["itemset"], [])
        return ch or []

    def options(d: dict, qid: str) -> tuple[list[dict], dict]:
        ch = choices_of(d)
        names = [str(c.get("name")) for c in ch]
        numeric = all(re.fullmatch(r"-?\d+", n) for n in names) and len(set(int(n) for n in names)) == len(names)
        # or_other: pyxform adds the choice "other" labelled "Other" in every language, also on a Chinese form
        list_name = str(d.get("list_name") or d.get("itemset") or qid)
        or_other = "or_other" in rows_of.get(str(d.get("name")), (0, ""))[1] and names[-1:] == ["other"]
        opts, codes = [], {}
        for i, c in enumerate(ch):
            code = int(names[i]) if numeric else i + 1
            codes[names[i]] = code
            o: dict = {"code": code, "label": _label(c, lang) or no_label("choices", (list_name, names[i]), names[i])}
            if or_other and i == len(ch) - 1 and o["label"] == "Other" and zh_form(d):
                o["label"] = ui_label("xlsform.or_other", "zh")
            if _en(c, lang):
                o["label_en"] = _en(c, lang)
            if c.get("minyi_score") not in (None, ""):
                try:
                    o["score"] = float(c["minyi_score"]) if not float(c["minyi_score"]).is_integer() \
                        else int(float(c["minyi_score"]))
                except ValueError:
                    pass
            if _truthy(c.get("minyi_na", "")):
                o["na"] = True
            if _truthy(c.get("minyi_exclusive", "")):
                o["exclusive"] = True
            if _truthy(c.get("minyi_other", "")) or names[i].lower() in ("other", "others"):
                o["other"] = True
            opts.append(o)
        ctx.codes[qid] = codes
        changed = {n: c for n, c in codes.items() if n != str(c)}
        if changed:
            value_map[qid] = dict(codes)
        if any(_is_number(n) for n in changed) and list_name not in renumbered:
            renumbered.add(list_name)
            warn(f"sheet choices, list {list_name}: minyi option codes are whole numbers, so the choice names "
                 + ", ".join(f"{n} → {c}" for n, c in changed.items())
                 + " are coded as shown; the mapping file maps the Kobo/ODK values to these codes, and a form minyi "
                 "writes again names the choices by code")
        return opts, codes

    def zh_form(d: dict) -> bool:
        """Is the form in Chinese: its language says so, or (none said) the question's label is Chinese?"""
        if lang is not None:
            return "zh" in str(lang).lower() or "chinese" in str(lang).lower() or "中文" in str(lang)
        return bool(re.search(r"[\u4e00-\u9fff]", _label(d, lang) or ""))

    def constraint_range(d: dict, qid: str, is_count: bool, whole: bool = False) -> dict:
        """min/max (and exclusive options) from a constraint.  minyi's limits are inclusive: a strict bound of a
        count or of an ``integer`` is the next whole number (``. > 0`` → min 1); of a ``decimal`` it is taken as
        it is, warned about naming the row (``. > 0`` → min 0, which then is accepted)."""
        cons = ((d.get("bind") or {}).get("constraint") or "").strip()
        out: dict = {}
        if not cons:
            return out
        excl = _EXCL.findall(cons)
        rest = _EXCL.sub(" ", cons)
        # minyi's "at least n, or an exclusive option alone": (count-selected(.) >= n or selected(., 'x'))
        m = _MIN_ALONE.search(rest)
        if m and set(re.findall(r"'([^']+)'", m.group(2))) <= set(excl):
            rest = rest.replace(m.group(0), m.group(1))
        for m in _RANGE.finditer(rest):
            counted = m.group(1).startswith("count")
            if counted != is_count:
                continue
            op, n = m.group(2), float(m.group(3))
            key = "min" if op in (">=", ">") else "max"
            if op in (">", "<") and (is_count or whole):
                n = math.floor(n) + 1 if op == ">" else math.ceil(n) - 1
            elif op in (">", "<"):
                warn(f"{where(str(d.get('name')))} ({qid}): constraint '{m.group(0).strip()}' excludes {_num(n)}, "
                     f"but minyi's {key} is inclusive: {key} {_num(n)} taken, so {_num(n)} itself is accepted")
            elif whole and not n.is_integer():
                n = math.ceil(n) if op == ">=" else math.floor(n)
            out[key] = n
            rest = rest.replace(m.group(0), "")
        if excl:
            out["exclusive"] = excl
        if re.sub(r"(and|\(|\)|\s)", "", rest):
            warn(f"{qid}: constraint '{cons}' only partly converted (min/max and exclusive options are kept)")
        for k in ("min", "max"):
            if k in out and float(out[k]).is_integer():
                out[k] = int(out[k])
        return out

    def question(d: dict, sec: dict, relevant: list[str]) -> None:
        t = str(d.get("type", ""))
        name = str(d.get("name", ""))
        bind = d.get("bind") or {}
        rel = relevant + ([(bind["relevant"], name)] if bind.get("relevant") else [])
        if t in ("group",) or (t == "repeat"):
            if t == "repeat":
                warn(f"repeat group '{name}' is not supported; its questions are left out")
                return
            kids = [c for c in d.get("children", []) if c.get("type") not in _SKIP_TYPES and not _generated(c)]
            app = str((d.get("control") or {}).get("appearance", ""))
            lists = {c.get("list_name") or c.get("itemset") for c in kids}
            if (("table-list" in app or "field-list" in app) and len(kids) >= 2
                    and all(c.get("type") == "select one" for c in kids) and len(lists) == 1
                    and choices_of(kids[0])
                    and all(c.get("minyi_score") not in (None, "") or _truthy(c.get("minyi_na", ""))
                            for c in choices_of(kids[0]))):
                qid = ident(name, "group")
                opts, _ = options(kids[0], qid)
                rows = []
                for c in kids:
                    cname = str(c["name"])
                    rid = cname[len(name) + 1:] if cname.startswith(name + "_") else cname
                    rid = re.sub(r"_{2,}", "_", re.sub(r"[^A-Za-z0-9_\u4e00-\u9fff]", "_", rid)).strip("_") or "r"
                    rows.append({"id": rid, "label": _label(c, lang) or no_label("survey", cname, cname),
                                 **({"label_en": _en(c, lang)} if _en(c, lang) else {})})
                    ctx.names[cname] = f"{qid}.{rid}"
                    if f"{qid}_{rid}" != cname:
                        column(cname, f"{qid}_{rid}", f"matrix row of {qid}", quiet=name in restored)
                ctx.types[qid] = "matrix"
                item = {"id": qid, "type": "matrix", "text": _group_label(d, lang) or no_label("survey", name, name),
                        "options": opts,
                        "rows": rows}
                _en_texts(d, item, lang)
                if not any(_truthy((c.get("bind") or {}).get("required", "")) for c in kids):
                    item["required"] = False
                sec["questions"].append(item)
                pending_when[qid] = (name, rel)
                return
            for c in d.get("children", []):
                if not _generated(c):
                    question(c, sec, rel)
            return
        if t in _SKIP_TYPES or t.startswith("select one from file") or t.startswith("select multiple from file"):
            if t not in _META_TYPES and name != "instanceID":
                warn(f"'{name}' ({t}) has no minyi question type; left out")
            return
        kind = {"select one": "single", "select all that apply": "multiple", "integer": "number",
                "decimal": "number", "text": "text", "rank": "ranking", "range": "number"}.get(t)
        if kind is None:
            warn(f"'{name}' ({t}) has no minyi question type; left out")
            return
        prev = sec["questions"][-1] if sec["questions"] else None
        if kind == "text" and prev is not None and prev["type"] in ("single", "scale", "multiple") and \
                _other_fill_in(name, prev, pending_when[prev["id"]][0], bind.get("relevant"), ctx):
            ctx.names[name] = prev["id"] + "_other"
            if name != prev["id"] + "_other":
                column(name, prev["id"] + "_other", f"fill-in of {prev['id']}",
                       quiet=pending_when[prev["id"]][0] in restored)
            return  # the "other, please specify" text of the choice question before it: its <id>_other column
        qid = ident(name)
        ctx.names[name] = qid
        ctx.types[qid] = kind
        item: dict = {"id": qid, "type": kind, "text": _label(d, lang) or no_label("survey", name, name)}
        if kind in ("single", "multiple", "ranking"):
            item["options"], _ = options(d, qid)
            if not item["options"]:
                warn(f"'{name}' has no choices; left out")
                return
            if kind == "single" and sum("score" in o for o in item["options"]) >= 2 and \
                    all("score" in o or o.get("na") for o in item["options"]):
                item["type"] = ctx.types[qid] = "scale"  # scored options (minyi_score column): a rating scale
        if kind != "single" or item["type"] != "scale":
            for o in item.get("options", []):
                o.pop("score", None)
        if kind == "multiple":
            r = constraint_range(d, qid, True)
            for k in ("min", "max"):
                if k in r:
                    item[k] = r[k]
            for ex in r.get("exclusive", []):
                code = ctx.codes[qid].get(ex)
                for o in item["options"]:
                    if o["code"] == code:
                        o["exclusive"] = True
        if kind == "number":
            r = constraint_range(d, qid, False, whole=t == "integer")
            for k in ("min", "max"):
                if k in r:
                    item[k] = r[k]
            _unit(d, item)
            params = d.get("parameters") or {}
            if t == "range":
                for k, pk in (("min", "start"), ("max", "end")):
                    if params.get(pk) not in (None, ""):
                        item[k] = float(params[pk])
            both_whole = all(k in item and float(item[k]).is_integer() for k in ("min", "max"))
            if t == "integer" and not both_whole:
                warn(f"{where(name)} ({qid}): an integer without a whole-number min and max: minyi asks for a whole "
                     "number only when both limits are whole numbers, so this question accepts fractions")
            elif t == "decimal" and both_whole:
                warn(f"{where(name)} ({qid}): a decimal with whole-number limits: minyi asks for a whole number when "
                     "both limits are whole numbers (the web survey refuses 2.5), and exports it as integer")
        if bind.get("constraint") and kind not in ("multiple", "number"):
            warn(f"{qid}: constraint '{bind['constraint']}' not converted (minyi checks options and ranges itself)")
        if d.get("choice_filter"):
            warn(f"{qid}: choice_filter '{d['choice_filter']}' not converted; all options are offered")
        for key in ("calculate", "readonly"):
            if bind.get(key) and str(bind.get(key)).lower() not in ("false", "false()", "no"):
                warn(f"{qid}: {key} '{bind[key]}' not converted")
        required = _truthy(bind.get("required", ""))
        if kind == "text":
            if required:
                item["required"] = True
        elif not required:
            item["required"] = False
        hint = _hint(d, lang)
        if kind == "ranking":
            hint = _rank_k(d, item, hint, qid, warn)
        if hint:
            item["note"] = hint
        _en_texts(d, item, lang)
        sec["questions"].append(item)
        pending_when[qid] = (name, rel)

    loose: Optional[dict] = None
    for child in form.get("children", []):
        t = child.get("type")
        if child.get("name") == "meta" and t == "group":
            continue
        if t in _SKIP_TYPES:
            if t not in _META_TYPES:
                warn(f"'{child.get('name')}' ({t}) has no minyi question type; left out")
            continue
        if t == "group" and not _is_matrix_group(child, form):
            sid = ident(str(child.get("name")), "group", "section")
            sec = {"id": sid, "title": _group_label(child, lang) or no_label("survey", str(child.get("name")), sid),
                   "questions": []}
            if _en(child, lang):
                sec["title_en"] = _en(child, lang)
            sections.append(sec)
            loose = None
            sec_names[sid] = str(child.get("name"))
            rel = [(child["bind"]["relevant"], str(child.get("name")))] if (child.get("bind") or {}).get("relevant") \
                else []
            if rel and rel[0][0] == (extra.get(("section", sid)) or {}).get("relevant") and extra_q.get("sites"):
                rel = []  # the site condition minyi's export wrote: the sites: block read back below says it
            for c in child.get("children", []):
                if not _generated(c):  # pyxform's label row of a table-list group is no question
                    question(c, sec, rel)
        else:
            if loose is None:
                sid = _ident(f"S{len(sections) + 1}", taken, reserved)
                loose = {"id": sid, "title": form.get("title") or sid, "questions": []}
                sections.append(loose)
            question(child, loose, [])
    # skip logic: translate once every name is known
    order = {item["id"]: i for i, item in enumerate(it for sec in sections for it in sec["questions"])}
    xml_name = {v: k for k, v in ctx.names.items()}  # minyi ref text (Q, M.r1) -> its XLSForm name
    later: dict[tuple[str, str], Any] = {}  # (XLSForm name saying the relevant, question it refers to) -> problem
    for sec in sections:
        for item in sec["questions"]:
            name, rel = pending_when.get(item["id"], (None, []))
            carried = (extra.get(("question", item["id"])) or {}).get("when") or {}
            if carried and len(rel) == 1 and rel[0][0] == carried.get("relevant"):
                item["when"] = carried["when"]  # minyi's own condition, as written (labels, not XML values)
                continue
            conds = []
            for x, origin in rel:
                try:
                    cond = xpath_to_when(x, ctx)
                except (XPathError, E.ExprSyntaxError, KeyError, ValueError) as e:
                    warn(f"{item['id']}: relevant '{x}' not converted ({e}); the question is asked of everyone")
                    continue
                conds.append(cond)
                for ref in E.references(E.parse(cond)):
                    base = ref.name.split(".")[0]
                    if base in order and order[base] >= order[item["id"]] and (origin, base) not in later:
                        is_group = rows_of.get(origin, (0, ""))[1].replace(" ", "_").startswith("begin_")
                        ref_name = xml_name.get(ref.name, base)
                        inside = is_group and any(
                            o == origin for _, o in pending_when.get(base, (None, []))[1])
                        later[(origin, base)] = problem(
                            "xlsform-later-question", file=str(path), row=rows_of.get(origin, (None,))[0],
                            what="group" if is_group else "question", name=origin, relevant=x, ref=ref_name,
                            ref_where=where(ref_name),
                            when="is the question itself" if base == item["id"] and not is_group
                            else "is inside that group" if inside else "comes later in the form")
            if len(conds) == 1:
                item["when"] = conds[0]
            elif conds:
                item["when"] = " and ".join(f"({c})" for c in conds)
    if later:
        raise MinyiError(list(later.values()))
    sections = [s for s in sections if s["questions"]]
    if not sections:
        raise MinyiError.of("xlsform", file=str(path), reason="the form has no question minyi can use",
                            hint="add select_one / select_multiple / integer / text questions to the survey sheet")
    for sec in sections:
        for item in sec["questions"]:
            apply_carried(item, extra.get(("question", item["id"])) or {}, warn)
    doc = {"id": _ident(str(form.get("id_string") or form.get("name") or "form"), set()),
           "title": str(form.get("title") or path.stem),
           "language": "zh" if (lang is None or "zh" in str(lang).lower() or "chinese" in str(lang).lower()) else "en",
           "version": str(form.get("version") or "1")}
    doc.update(questionnaire_carried(extra_q, sections, warn))
    doc["sections"] = sections
    for key in ("areas", "indicators"):
        if key in doc:
            doc[key] = doc.pop(key)  # after the sections, as minyi writes them
    doc = _with_quotes(doc, _quoted_originals(raw))
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
    from .qload import validate_text

    qq, problems = validate_text(text, str(path.with_suffix(".yaml").name))
    errors = [p for p in problems if p.severity == "error"]
    if errors:  # said at the workbook's rows: the YAML they were found in was never written
        names = {qid: n for qid, (n, _) in pending_when.items()}
        raise MinyiError([problem("xlsform", file=str(path), reason="the converted questionnaire is not valid",
                                  hint="see the problems below")]
                         + [_at_row(p, text, path, names, sec_names, rows_of) for p in errors])
    mapping = {k: v for k, v in (("columns", columns), ("values", value_map)) if v}
    return Conversion(text, warnings, mapping)


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


def _at_row(p, text: str, path: Path, names: dict, sec_names: dict, rows_of: dict):
    """A problem the validator found in the converted YAML (never written), said at the row of the XLSForm's
    survey sheet it came from: the question (or group) whose YAML block holds the problem's line."""
    owner = None
    for first, last, kind, id_ in _yaml_owners(text):
        if p.line is not None and first <= p.line <= last and (owner is None or kind == "question"):
            owner = (kind, id_)
    if owner is None:
        return problem("xlsform-invalid", file=str(path), severity=p.severity, where="the form", reason=p.message,
                       hint=p.hint)
    kind, id_ = owner
    name = (names if kind == "question" else sec_names).get(id_)
    row = rows_of.get(name, (None,))[0] if name else None
    what = "group" if kind == "section" else "question"
    shown = f"{what} '{name}'" + (f" (minyi id {id_})" if name != id_ else "") if name else f"{kind} {id_}"
    return problem("xlsform-invalid", file=str(path), row=row, severity=p.severity,
                   where="sheet survey, " + shown if row else shown, reason=p.message, hint=p.hint)


class _LabelCells:
    """Where an empty label is in the workbook, and why (for :func:`xlsform_to_yaml`'s warning): pyxform reads the
    values Excel saved, so a formula cell of a workbook no spreadsheet program computed (openpyxl, pandas, a
    generator script) has none, and of merged cells only the first holds the text."""

    def __init__(self, path: Path, raw, lang: Optional[str]):
        self.path, self.lang, self._wb = path, lang, None
        self.rows = {"survey": {}, "choices": {}}
        for i, r in enumerate(getattr(raw, "survey", None) or (), start=2):
            self.rows["survey"].setdefault(str(r.get("name") or "").strip(), i)
        for i, r in enumerate(getattr(raw, "choices", None) or (), start=2):
            self.rows["choices"].setdefault((str(r.get("list_name") or "").strip(), str(r.get("name") or "").strip()), i)

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


def _quoted_originals(data) -> dict:
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


def _with_quotes(node: Any, originals: dict) -> Any:
    """``node`` (the converted questionnaire) with every text pyxform straightened written as in the workbook."""
    if not originals:
        return node
    if isinstance(node, dict):
        return {k: _with_quotes(v, originals) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_quotes(v, originals) for v in node]
    if isinstance(node, str):
        return originals.get(node, node)
    return node


_OTHER_REF = r"(?:selected\(\s*\$\{{{n}\}}\s*,\s*'([^']*)'\s*\)|\$\{{{n}\}}\s*=\s*'([^']*)')"


def _other_fill_in(name: str, prev: dict, prev_name: str, relevant: Optional[str], ctx: _Ctx) -> bool:
    """Is the text question ``name`` the "other, please specify" fill-in of the choice question ``prev``?

    Yes when it is named ``<select>_other`` (or ``<select>_other_text``) and the select has an option
    marked "other" (``minyi_other`` column, or the choice name ``other``).  When no option is marked,
    the choices its ``relevant`` asks for (``selected(${q}, 'x')`` / ``${q} = 'x'``) become the "other"
    options if they look like one (name ``oth…``, label 其他/其它/other) — the usual ODK/Kobo pattern;
    otherwise (e.g. "why not?" after choice ``no``) it stays a question of its own.
    """
    names = {f"{n}_other{t}" for n in {prev["id"], prev_name} for t in ("", "_text")}
    if name not in names:
        return False
    if any(o.get("other") for o in prev["options"]):
        return True
    if not relevant:
        return False
    hits = [a or b for a, b in re.findall(_OTHER_REF.format(n=re.escape(prev_name)), relevant)]
    codes = ctx.codes.get(prev["id"], {})
    if not hits or any(h not in codes for h in hits):
        return False
    label = {o["code"]: str(o.get("label", "")) for o in prev["options"]}
    if not all(re.match(r"(?i)oth", h) or re.search(r"(?i)其他|其它|other", label[codes[h]]) for h in hits):
        return False
    for o in prev["options"]:
        if o["code"] in {codes[h] for h in hits}:
            o["other"] = True
    return True


def _unit(d: dict, item: dict) -> None:
    """A number question's unit from the ``minyi_unit`` column minyi's export writes; the ``（次）`` the export
    added to the label for ODK's screen comes off the text again, so a round trip keeps text and unit apart."""
    unit = str(d.get(UNIT_COLUMN) or "").strip()
    if not unit:
        return
    item["unit"] = unit
    shown = f"（{unit}）"
    if item["text"].endswith(shown) and len(item["text"]) > len(shown):
        item["text"] = item["text"][: -len(shown)]


def _rank_k(d: dict, item: dict, hint: Optional[str], qid: str, warn) -> Optional[str]:
    """A ranking's ``k`` (how many ranks count) from the ``minyi_k`` column minyi's export writes (ODK's
    ``rank`` has no such setting: without it every rank counts); returns the hint without the sentence the
    export added for it, so a round trip neither loses ``k`` nor doubles the note."""
    raw = d.get(RANK_K_COLUMN)
    if raw in (None, ""):
        return hint
    try:
        k = int(float(str(raw)))
    except ValueError:
        warn(f"{qid}: {RANK_K_COLUMN} '{raw}' is not a whole number; every rank counts")
        return hint
    item["k"] = k
    own = f"请按重要程度排序，前 {k} 项计入统计"
    return "；".join(h for h in (hint or "").split("；") if h and h != own) or None


def _group_label(d: dict, lang: Optional[str]) -> str:
    """The label of a group.  pyxform moves a ``table-list`` group's label into a note it adds as the group's
    first child (``generated_table_list_label_<n>``), leaving the group without one: the matrix question's
    text came back as its id."""
    return _label(d, lang) or next((_label(c, lang) for c in d.get("children", [])
                                    if str(c.get("name", "")).startswith("generated_table_list_label")), "")


def _generated(c: dict) -> bool:
    """Children pyxform adds to table-list groups (label row and its note)."""
    n = str(c.get("name", ""))
    return n.startswith("reserved_name_for_field_list_labels") or n.startswith("generated_table_list_label")


def _is_matrix_group(d: dict, form: dict) -> bool:
    kids = [c for c in d.get("children", []) if c.get("type") not in _SKIP_TYPES and not _generated(c)]
    app = str((d.get("control") or {}).get("appearance", ""))
    if not (("table-list" in app) and len(kids) >= 2 and all(c.get("type") == "select one" for c in kids)):
        return False
    return len({c.get("list_name") or c.get("itemset") for c in kids}) == 1


def xform_check(path: str | Path) -> list[str]:
    """Run pyxform's converter on an XLSForm (as ``xls2xform`` does); returns its warnings, raises on error."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    try:
        convert(str(path), warnings=warnings)
    except PyXFormError as e:
        raise MinyiError.of("xlsform", file=str(path), reason=f"pyxform rejects the form: {e}",
                            hint="please report this as a bug in minyi's XLSForm export")
    return warnings
