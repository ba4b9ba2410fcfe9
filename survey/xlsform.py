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
* :func:`write_checked` writes it through a scratch file that pyxform checks first (as ``xls2xform`` does), so a
  form pyxform rejects leaves no file behind.
* :func:`xlsform_to_yaml` (the other direction, in :mod:`survey.xlsform_read`, importable from here too) reads an
  XLSForm back into minyi YAML.

Skip logic goes through the project's expression language (:mod:`survey.expr`), in :mod:`survey.xpath_when`: minyi
``when`` conditions are parsed into its AST and written as XPath (:func:`~survey.xpath_when.when_to_xpath`); XPath
``relevant`` expressions are parsed into the same AST (:func:`~survey.xpath_when.xpath_to_when`), rendered as minyi
text and re-parsed by :func:`survey.expr.parse` to check them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from . import expr as E
from .atomic import atomic_write
from .errors import MinyiError
from .labels import label as ui_label
from .questionnaire import Question, Questionnaire, Section
from .xlsform_carry import minyi_rows
from .xlsform_columns import LANG, RANK_K_COLUMN, UNIT_COLUMN
from .xlsform_read import Conversion, xlsform_to_yaml  # the reading side, importable from here as before
from .xlsform_text import REFERENCE, literal
from .xpath_when import _num, when_to_xpath

__all__ = ["LANG", "RANK_K_COLUMN", "UNIT_COLUMN", "Conversion", "write_checked", "write_xlsform",
           "xlsform_rows", "xlsform_to_yaml", "xml_names"]


# ============================================================================= YAML -> XLSForm
def _has_en(q: Questionnaire) -> bool:
    objs = [q, *q.sections, *q.questions, *(o for qq in q.questions for o in qq.options),
            *(r for qq in q.questions for r in qq.rows)]
    return any((getattr(o, "i18n", None) or {}).get("en") for o in objs)


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
    form = _FormRows(q)
    for sec in q.sections:
        form.section(sec)
    settings = [["form_title", "form_id", "version", "default_language"],
                [q.title, re.sub(r"[^A-Za-z0-9_]", "_", q.id) or "minyi", str(q.version), form.lang]]
    back = {v: k for k, v in form.xn.items()}
    relevant = {back.get(r[1], r[1]): r[5] for r in form.survey[1:] if r[1]}
    kept = _texts_kept_literal(form, settings)
    return (form.survey, form.choices, settings, minyi_rows(q, relevant, form.xn)), _renamed_notes(form.xn) + kept


def _texts_kept_literal(form: "_FormRows", settings: list[list]) -> list[str]:
    """Write every ``${`` of the texts (labels, hints, constraint messages, the title) as text
    (:mod:`survey.xlsform_text`), in place; the note naming where, if anywhere."""
    where: list[str] = []
    for rows, title in ((form.survey, "survey"), (form.choices, "choices"), (settings, "settings")):
        text_cols = [i for i, h in enumerate(rows[0]) if h.split("::")[0] in ("label", "hint", "constraint_message",
                                                                              "form_title")]
        for r in rows[1:]:
            hit = [i for i in text_cols if isinstance(r[i], str) and REFERENCE in r[i]]
            for i in hit:
                r[i] = literal(r[i])
            if hit:
                where.append("the form's title" if title == "settings" else
                             f"choice {r[1]} of list {r[0]}" if title == "choices" else r[1])
    if not where:
        return []
    return ["the text of " + ", ".join(dict.fromkeys(where)) + " holds ${…}, which XLSForm reads as a reference to a "
            "field: written with an invisible word joiner between $ and {, so that ODK and Kobo show the text as "
            "written (--to yaml takes the joiner out)"]


def _renamed_notes(xn: dict[str, str]) -> list[str]:
    """The note on the ids renamed for XLSForm (:func:`xml_names`), if any."""
    if not xn:
        return []
    return ["XLSForm names must start with a letter or _: " + ", ".join(f"{k} is named {v}" for k, v in xn.items())
            + " in the form (and in Kobo/ODK data); the minyi sheet keeps the ids, so --to yaml gives them back"]


def _en_of(obj, key: str = "label") -> Optional[str]:
    """The English translation ``key`` of a model object (``*_en`` in the YAML)."""
    return (getattr(obj, "i18n", None) or {}).get("en", {}).get(key) or None


class _FormRows:
    """The survey and choices sheets of the XLSForm of ``q`` as they are built (headers first): a group per section
    (:meth:`section`), the rows of each question by its type (:meth:`question`), each choice list once."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self.xn = xml_names(q)
        self.lang = LANG.get(q.language, LANG["zh"])
        self.tr = LANG["en"] if q.language != "en" and _has_en(q) else None  # *_en: label::English (en)
        lang, tr = self.lang, self.tr
        self.survey = [["type", "name", f"label::{lang}", f"hint::{lang}", "required", "relevant", "constraint",
                        f"constraint_message::{lang}", "appearance", RANK_K_COLUMN, UNIT_COLUMN]
                       + ([f"label::{tr}", f"hint::{tr}"] if tr else [])]
        self.choices = [["list_name", "name", f"label::{lang}", "minyi_score", "minyi_na", "minyi_exclusive",
                         "minyi_other"] + ([f"label::{tr}"] if tr else [])]
        self.lists: dict[str, str] = {}  # list name -> the question whose options it holds

    def x(self, i: str) -> str:
        """The XLSForm name of the minyi id ``i``."""
        return self.xn.get(i, i)

    def add_list(self, list_name: str, qq: Question) -> str:
        """The choice list of ``qq``'s options (written once), by its XLSForm name."""
        list_name = self.x(list_name)
        if list_name in self.lists:
            return list_name
        self.lists[list_name] = qq.id
        for o in qq.options:
            self.choices.append([list_name, str(o.code), o.label, o.score if o.score is not None else None,
                                 "yes" if o.na else None, "yes" if o.exclusive else None, "yes" if o.other else None]
                                + ([_en_of(o)] if self.tr else []))
        return list_name

    def row(self, type_, name, label, hint=None, required=None, relevant=None, constraint=None, cmsg=None,
            appearance=None, k=None, unit=None, of=None) -> None:
        """One row of the survey sheet; ``of`` (the section, question or matrix row) gives its English texts."""
        extra = []
        if self.tr:
            text_en = _en_of(of, "text") if isinstance(of, Question) else _en_of(of, "title") \
                if isinstance(of, Section) else _en_of(of) if of is not None else None
            if text_en and isinstance(of, Question) and of.type == "number" and _en_of(of, "unit"):
                text_en += f" ({_en_of(of, 'unit')})"
            extra = [text_en, _en_of(of, "note") if isinstance(of, Question) else None]
        self.survey.append([type_, name, label, hint, required, relevant, constraint, cmsg, appearance, k, unit]
                           + extra)

    def relevant_of(self, qq: Question) -> Optional[str]:
        """The XPath ``relevant`` of ``qq``'s ``when``."""
        if not qq.when:
            return None
        try:
            return when_to_xpath(qq.when, self.q, self.xn)
        except (E.ExprSyntaxError, KeyError) as e:
            raise MinyiError.of("xlsform-condition-unconvertible", file=self.q.source, qid=qq.id, when=qq.when,
                                error=str(e))

    def other_row(self, qq: Question) -> None:
        """The "other, please specify" text ``<id>_other`` (minyi's native column), asked when "other" is chosen."""
        others = [o for o in qq.options if o.other]
        if not others:
            return
        lang = "zh" if self.q.language == "zh" else "en"
        label = ui_label("xlsform.other_sep", lang).join(o.label for o in others) + ui_label("xlsform.specify", lang)
        self.row("text", f"{self.x(qq.id)}_other", label, None, None,
                 " or ".join(f"selected(${{{self.x(qq.id)}}}, '{_num(o.code)}')" for o in others))
        if self.tr and all(_en_of(o) for o in others):  # the English column: the options' English labels
            self.survey[-1][-2] = (ui_label("xlsform.other_sep", "en").join(_en_of(o) for o in others)
                                   + ui_label("xlsform.specify", "en"))

    # ------------------------------------------------------------------------- sections
    def section(self, sec: Section) -> None:
        """The group of a section and its questions."""
        self.row("begin_group", self.x(sec.id), sec.title or sec.id, relevant=self.site_relevant(sec), of=sec)
        for qq in sec.questions:
            self.question(qq)
        self.row("end_group", None, None)

    def site_relevant(self, sec: Section) -> Optional[str]:
        """The section's ``relevant`` on the site question when only some sites get it (``false()`` when none)."""
        q = self.q
        site_q = q.get(q.site_question) if q.site_question else None
        if site_q is None or not q.sites:
            return None
        codes = []
        for s in q.sites:
            if not s.sections or sec.id in s.sections:
                o = site_q.option_by_label(s.name)
                if o is not None:
                    codes.append(o.code)
        if len(codes) < len(site_q.options):
            return " or ".join(f"${{{self.x(site_q.id)}}} = '{c}'" for c in codes) or "false()"
        return None

    # ------------------------------------------------------------------------- questions, by type
    def question(self, qq: Question) -> None:
        """The rows of one question, by its type."""
        req = "yes" if qq.required else None
        rel = self.relevant_of(qq)
        if qq.type in ("single", "scale", "yesno"):
            self.select_one(qq, req, rel)
        elif qq.type == "matrix":
            self.matrix(qq, req, rel)
        elif qq.type == "multiple":
            self.select_multiple(qq, req, rel)
        elif qq.type == "ranking":
            self.rank(qq, req, rel)
        elif qq.type == "number":
            self.number(qq, req, rel)
        else:  # text
            self.row("text", self.x(qq.id), qq.text, qq.note, req, rel, appearance="multiline", of=qq)

    def select_one(self, qq: Question, req: Optional[str], rel: Optional[str]) -> None:
        """single / scale / yes-no → ``select_one`` (and its "other" fill-in)."""
        ln = self.add_list(qq.scale or qq.id, qq)
        self.row(f"select_one {ln}", self.x(qq.id), qq.text, qq.note, req, rel, of=qq)
        self.other_row(qq)

    def matrix(self, qq: Question, req: Optional[str], rel: Optional[str]) -> None:
        """matrix → a ``table-list`` group with one ``select_one`` per row named ``<id>_<row id>``."""
        ln = self.add_list(qq.scale or qq.id, qq)
        self.row("begin_group", self.x(qq.id), qq.text, qq.note, relevant=rel, appearance="table-list", of=qq)
        for r in qq.rows:
            self.row(f"select_one {ln}", f"{self.x(qq.id)}_{r.id}", r.label, None, req, of=r)
        self.row("end_group", None, None)

    def select_multiple(self, qq: Question, req: Optional[str], rel: Optional[str]) -> None:
        """multiple → ``select_multiple`` with its min/max and exclusive options as a constraint."""
        ln = self.add_list(qq.id, qq)
        cons, msg = _multiple_constraint(qq)
        self.row(f"select_multiple {ln}", self.x(qq.id), qq.text, qq.note, req, rel, " and ".join(cons) or None,
                 "；".join(msg) or None, of=qq)
        self.other_row(qq)

    def rank(self, qq: Question, req: Optional[str], rel: Optional[str]) -> None:
        """ranking → ``rank`` (ODK ranks every option: ``k`` rides in the ``minyi_k`` column and the hint)."""
        ln = self.add_list(qq.id, qq)
        k = qq.k or len(qq.options)
        counted = f"请按重要程度排序，前 {k} 项计入统计" if k < len(qq.options) else None
        hint = "；".join(h for h in (qq.note, counted) if h) or None
        self.row(f"rank {ln}", self.x(qq.id), qq.text, hint, req, rel, k=k if counted else None, of=qq)

    def number(self, qq: Question, req: Optional[str], rel: Optional[str]) -> None:
        """number → ``integer`` (both limits whole numbers) / ``decimal`` with a range constraint; its unit in the
        label (``（次）``) and in the ``minyi_unit`` column."""
        from .collect.answers import integer_question

        integral = integer_question(qq)  # as the web survey asks: whole numbers only when both limits are
        cons = [c for c in (f". >= {_num(qq.min)}" if qq.min is not None else None,
                            f". <= {_num(qq.max)}" if qq.max is not None else None) if c]
        msg = f"请填写 {_num(qq.min) if qq.min is not None else ''}–{_num(qq.max) if qq.max is not None else ''} 之间的数" \
            if cons else None
        self.row("integer" if integral else "decimal", self.x(qq.id), qq.text + (f"（{qq.unit}）" if qq.unit else ""),
                 qq.note, req, rel, " and ".join(cons) or None, msg, unit=qq.unit, of=qq)


def _multiple_constraint(qq: Question) -> tuple[list[str], list[str]]:
    """(the constraint's parts, their messages) of a multiple: at least min (an exclusive option alone meets it),
    at most max, and each exclusive option alone."""
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
    return cons, msg


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


def _pyxform_warnings(path: str | Path) -> list[str]:
    """pyxform's converter run on an XLSForm (as ``xls2xform`` does): its warnings; raises its PyXFormError."""
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    convert(str(path), warnings=warnings)
    return warnings


def write_checked(q: Questionnaire, target: Path) -> tuple[list[str], list[str]]:
    """Write the XLSForm of ``q`` (:func:`write_xlsform`) to a scratch file, have pyxform check it
    (:func:`_pyxform_warnings`), then put it at ``target`` (atomically): a form pyxform rejects leaves no file behind.
    Returns (the writer's notes, pyxform's warnings).  A rejection names the questionnaire and ``target`` (not the
    scratch file, gone when the message is read) and says that ``target`` was not written."""
    import shutil
    import tempfile

    from pyxform.errors import PyXFormError

    with tempfile.TemporaryDirectory(prefix="minyi-xlsform-") as d:
        scratch = Path(d) / (target.stem + ".xlsx")
        notes = write_xlsform(q, scratch) or []
        try:
            warnings = _pyxform_warnings(scratch)
        except PyXFormError as e:
            raise MinyiError.of("xlsform-rejected", file=q.source, target=str(target), pyxform=str(e)) from None
        atomic_write(target, lambda tmp: shutil.copyfile(scratch, tmp))
    return notes, warnings
