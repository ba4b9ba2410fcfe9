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
* :func:`write_checked` writes it through a scratch file that pyxform checks (:func:`xform_check`) first, so a
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
from .questionnaire import Question, Questionnaire, Section
from .xlsform_carry import minyi_rows
from .xlsform_columns import LANG, RANK_K_COLUMN, UNIT_COLUMN
from .xlsform_read import Conversion, xlsform_to_yaml  # the reading side, importable from here as before
from .xpath_when import _num, when_to_xpath

__all__ = ["LANG", "RANK_K_COLUMN", "UNIT_COLUMN", "Conversion", "write_checked", "write_xlsform", "xform_check",
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


def write_checked(q: Questionnaire, target: Path) -> tuple[list[str], list[str]]:
    """Write the XLSForm of ``q`` (:func:`write_xlsform`) to a scratch file, have pyxform check it
    (:func:`xform_check`), then put it at ``target`` (atomically): a form pyxform rejects leaves no file behind.
    Returns (the writer's notes, pyxform's warnings)."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="minyi-xlsform-") as d:
        scratch = Path(d) / (target.stem + ".xlsx")
        notes = write_xlsform(q, scratch) or []
        warnings = xform_check(scratch)
        atomic_write(target, lambda tmp: shutil.copyfile(scratch, tmp))
    return notes, warnings
