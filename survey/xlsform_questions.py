"""pyxform's elements → minyi questions, for :func:`survey.xlsform_read.xlsform_to_yaml`.

:class:`QuestionReader` turns each element of pyxform's form (a question or a group) into the dict of a minyi
question in a section: ``select_one`` → single (scale when its options carry scores), ``select_multiple`` →
multiple (its constraint → min/max and exclusive options), ``rank`` → ranking, ``integer`` / ``decimal`` /
``range`` → number (its constraint → min/max), ``text`` → text; a ``table-list`` / ``field-list`` group of scored
``select_one`` questions sharing one list → matrix; a ``text`` ``<id>_other`` right after a select with an "other"
option → that option's fill-in.  What minyi does not model is warned about and left out.  Each question's
``relevant`` (and its groups') waits in :attr:`QuestionReader.pending` until every name is known.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, NamedTuple, Optional

from .labels import label as ui_label
from .xlsform_columns import RANK_K_COLUMN, UNIT_COLUMN
from .xlsform_ids import Ids
from .xlsform_sheets import LabelCells, Workbook
from .xpath_when import _Ctx, _num

META_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
              "audit", "start-geopoint"}
SKIP_TYPES = {"note", "calculate", "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
              "username", "email", "audit", "start-geopoint", "hidden", "acknowledge", "trigger"}
KINDS = {"select one": "single", "select all that apply": "multiple", "integer": "number", "decimal": "number",
         "text": "text", "rank": "ranking", "range": "number"}  # pyxform's type -> minyi's

_RANGE = re.compile(r"(count-selected\(\s*\.\s*\)|(?<![\w$])\.)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)")
_MIN_ALONE = re.compile(r"\(\s*(count-selected\(\s*\.\s*\)\s*>=\s*\d+)\s*((?:or\s+selected\(\s*\.\s*,\s*'[^']+'\s*\)\s*)+)\)")
_EXCL = re.compile(r"not\(\s*selected\(\s*\.\s*,\s*'([^']+)'\s*\)\s+and\s+count-selected\(\s*\.\s*\)\s*>\s*1\s*\)")
_OTHER_REF = r"(?:selected\(\s*\$\{{{n}\}}\s*,\s*'([^']*)'\s*\)|\$\{{{n}\}}\s*=\s*'([^']*)')"


class Relevant(NamedTuple):
    """A ``relevant`` that applies to a question: its XPath and the XLSForm name of the group or question saying
    it."""

    xpath: str
    origin: str


class Pending(NamedTuple):
    """A question's skip logic waiting for every name to be known: the XLSForm name it came from and the
    ``relevant`` of it and of its groups."""

    name: str
    relevant: list[Relevant]


# ----------------------------------------------------------------------------- texts of an element
def label_of(d: dict, lang: Optional[str]) -> str:
    """An element's label in the form's language (else the Chinese one, else the first)."""
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
    return label_of({"label": h}, lang) or None


def en_of(d: dict, lang: Optional[str], key: str = "label") -> Optional[str]:
    """The English (``label::English (en)``) text of an element, when English is not the form's own language."""
    lab = d.get(key)
    if not isinstance(lab, dict):
        return None
    for k, v in lab.items():
        if v and k != lang and ("english" in k.lower() or k.lower().rstrip(")").endswith("(en")):
            return str(v).strip()
    return None


def _en_texts(d: dict, item: dict, lang: Optional[str]) -> None:
    """A question's ``text_en`` / ``note_en`` from its ``label::English (en)`` / ``hint::English (en)`` cells."""
    text_en = en_of(d, lang) or en_of(next((c for c in d.get("children", []) if
                                           str(c.get("name", "")).startswith("generated_table_list_label")), {}), lang)
    if text_en:
        item["text_en"] = text_en
    if en_of(d, lang, "hint"):
        item["note_en"] = en_of(d, lang, "hint")


def group_label(d: dict, lang: Optional[str]) -> str:
    """The label of a group.  pyxform moves a ``table-list`` group's label into a note it adds as the group's
    first child (``generated_table_list_label_<n>``), leaving the group without one: the matrix question's
    text came back as its id."""
    return label_of(d, lang) or next((label_of(c, lang) for c in d.get("children", [])
                                      if str(c.get("name", "")).startswith("generated_table_list_label")), "")


def generated(c: dict) -> bool:
    """Children pyxform adds to table-list groups (label row and its note)."""
    n = str(c.get("name", ""))
    return n.startswith("reserved_name_for_field_list_labels") or n.startswith("generated_table_list_label")


def is_matrix_group(d: dict) -> bool:
    """Is the top-level group ``d`` a matrix (a ``table-list`` of ``select_one`` questions sharing one list)
    rather than a section?"""
    kids = [c for c in d.get("children", []) if c.get("type") not in SKIP_TYPES and not generated(c)]
    app = str((d.get("control") or {}).get("appearance", ""))
    if not (("table-list" in app) and len(kids) >= 2 and all(c.get("type") == "select one" for c in kids)):
        return False
    return len({c.get("list_name") or c.get("itemset") for c in kids}) == 1


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("yes", "true", "true()", "1", "y")


# ----------------------------------------------------------------------------- minyi's own columns
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


def _score(c: dict) -> Optional[float]:
    """A choice's score from the ``minyi_score`` column (None when it has none or it is no number)."""
    if c.get("minyi_score") in (None, ""):
        return None
    try:
        return float(c["minyi_score"]) if not float(c["minyi_score"]).is_integer() else int(float(c["minyi_score"]))
    except ValueError:
        return None


# ----------------------------------------------------------------------------- constraints
def _exclusive_part(cons: str) -> tuple[list[str], str]:
    """(the choice names a ``select_multiple`` constraint makes exclusive, the rest of the constraint)."""
    excl = _EXCL.findall(cons)
    rest = _EXCL.sub(" ", cons)
    # minyi's "at least n, or an exclusive option alone": (count-selected(.) >= n or selected(., 'x'))
    m = _MIN_ALONE.search(rest)
    if m and set(re.findall(r"'([^']+)'", m.group(2))) <= set(excl):
        rest = rest.replace(m.group(0), m.group(1))
    return excl, rest


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


# ============================================================================= the reader
class QuestionReader:
    """Reads pyxform's elements into minyi questions (module docstring), keeping what the later steps need:
    ``ctx`` (XLSForm names, option codes and types, for the skip logic), ``value_map`` ({question id: {choice
    name: code}} for the mapping file) and ``pending`` ({question id: :class:`Pending`})."""

    def __init__(self, book: Workbook, ids: Ids, labels: LabelCells, warn: Callable[[str], None]):
        self.book, self.ids, self.labels, self.warn = book, ids, labels, warn
        self.lang = book.lang
        self.ctx = _Ctx()
        self.value_map: dict[str, dict] = {}
        self.pending: dict[str, Pending] = {}
        self._renumbered: set = set()  # choice lists warned about (a list several questions share: once)

    # ------------------------------------------------------------------------- dispatch
    def read(self, d: dict, sec: dict, relevant: list[Relevant]) -> None:
        """Read the element ``d`` (a question or a group) into the section ``sec``; ``relevant``: its groups'."""
        t = str(d.get("type", ""))
        name = str(d.get("name", ""))
        bind = d.get("bind") or {}
        rel = relevant + ([Relevant(bind["relevant"], name)] if bind.get("relevant") else [])
        if t == "repeat":
            self.warn(f"repeat group '{name}' is not supported; its questions are left out")
        elif t == "group":
            self._group(d, sec, rel)
        elif t in SKIP_TYPES or t.startswith("select one from file") or t.startswith("select multiple from file"):
            if t not in META_TYPES and name != "instanceID":
                self.warn(f"'{name}' ({t}) has no minyi question type; left out")
        elif KINDS.get(t) is None:
            self.warn(f"'{name}' ({t}) has no minyi question type; left out")
        elif not self._fill_in(KINDS[t], name, bind, sec):
            self._question(d, t, KINDS[t], sec, rel)

    def _group(self, d: dict, sec: dict, rel: list[Relevant]) -> None:
        """A group inside a section: a matrix when it is one (:meth:`_scored_matrix`), else its questions."""
        kids = [c for c in d.get("children", []) if c.get("type") not in SKIP_TYPES and not generated(c)]
        if self._scored_matrix(d, kids):
            self._matrix(d, kids, sec, rel)
            return
        for c in d.get("children", []):
            if not generated(c):
                self.read(c, sec, rel)

    def _scored_matrix(self, d: dict, kids: list[dict]) -> bool:
        """A ``table-list`` / ``field-list`` group of two or more ``select_one`` sharing one list whose choices all
        carry a score (or are "not applicable")."""
        app = str((d.get("control") or {}).get("appearance", ""))
        lists = {c.get("list_name") or c.get("itemset") for c in kids}
        return (("table-list" in app or "field-list" in app) and len(kids) >= 2
                and all(c.get("type") == "select one" for c in kids) and len(lists) == 1
                and bool(self._choices_of(kids[0]))
                and all(c.get("minyi_score") not in (None, "") or truthy(c.get("minyi_na", ""))
                        for c in self._choices_of(kids[0])))

    def _fill_in(self, kind: str, name: str, bind: dict, sec: dict) -> bool:
        """Is the ``text`` question ``name`` the "other, please specify" text of the choice question before it
        (:func:`_other_fill_in`)?  Then it is that question's ``<id>_other`` column, not a question."""
        prev = sec["questions"][-1] if sec["questions"] else None
        if not (kind == "text" and prev is not None and prev["type"] in ("single", "scale", "multiple")
                and _other_fill_in(name, prev, self.pending[prev["id"]].name, bind.get("relevant"), self.ctx)):
            return False
        self.ctx.names[name] = prev["id"] + "_other"
        if name != prev["id"] + "_other":
            self.ids.column(name, prev["id"] + "_other", f"fill-in of {prev['id']}",
                            quiet=self.pending[prev["id"]].name in self.ids.restored)
        return True

    def _add(self, sec: dict, item: dict, name: str, rel: list[Relevant]) -> None:
        sec["questions"].append(item)
        self.pending[item["id"]] = Pending(name, rel)

    # ------------------------------------------------------------------------- matrix
    def _matrix(self, d: dict, kids: list[dict], sec: dict, rel: list[Relevant]) -> None:
        name = str(d.get("name", ""))
        qid = self.ids.ident(name, "group")
        opts, _ = self.options(kids[0], qid)
        rows = [self._matrix_row(c, name, qid) for c in kids]
        self.ctx.types[qid] = "matrix"
        item = {"id": qid, "type": "matrix",
                "text": group_label(d, self.lang) or self.labels.fallback("survey", name, name),
                "options": opts, "rows": rows}
        _en_texts(d, item, self.lang)
        if not any(truthy((c.get("bind") or {}).get("required", "")) for c in kids):
            item["required"] = False
        self._add(sec, item, name, rel)

    def _matrix_row(self, c: dict, name: str, qid: str) -> dict:
        """The row of matrix ``qid`` (the group ``name``) that the ``select_one`` ``c`` is."""
        cname = str(c["name"])
        rid = cname[len(name) + 1:] if cname.startswith(name + "_") else cname
        rid = re.sub(r"_{2,}", "_", re.sub(r"[^A-Za-z0-9_\u4e00-\u9fff]", "_", rid)).strip("_") or "r"
        row = {"id": rid, "label": label_of(c, self.lang) or self.labels.fallback("survey", cname, cname),
               **({"label_en": en_of(c, self.lang)} if en_of(c, self.lang) else {})}
        self.ctx.names[cname] = f"{qid}.{rid}"
        if f"{qid}_{rid}" != cname:
            self.ids.column(cname, f"{qid}_{rid}", f"matrix row of {qid}", quiet=name in self.ids.restored)
        return row

    # ------------------------------------------------------------------------- one question
    def _question(self, d: dict, t: str, kind: str, sec: dict, rel: list[Relevant]) -> None:
        name = str(d.get("name", ""))
        bind = d.get("bind") or {}
        qid = self.ids.ident(name)
        self.ctx.names[name] = qid
        self.ctx.types[qid] = kind
        item: dict = {"id": qid, "type": kind,
                      "text": label_of(d, self.lang) or self.labels.fallback("survey", name, name)}
        if kind in ("single", "multiple", "ranking") and not self._choices_part(item, d, name):
            return
        if kind == "multiple":
            self._multiple_limits(item, d)
        if kind == "number":
            self._number_limits(item, d, t, name)
        self._not_converted(d, bind, qid, kind)
        self._required_and_note(item, d, bind, kind)
        self._add(sec, item, name, rel)

    def _choices_part(self, item: dict, d: dict, name: str) -> bool:
        """The options of a single / multiple / ranking (a single with scored options is a scale; only a scale
        keeps scores); False (warned about) when it has none."""
        qid = item["id"]
        item["options"], _ = self.options(d, qid)
        if not item["options"]:
            self.warn(f"'{name}' has no choices; left out")
            return False
        if item["type"] == "single" and sum("score" in o for o in item["options"]) >= 2 and \
                all("score" in o or o.get("na") for o in item["options"]):
            item["type"] = self.ctx.types[qid] = "scale"  # scored options (minyi_score column): a rating scale
        if item["type"] != "scale":
            for o in item["options"]:
                o.pop("score", None)
        return True

    def _multiple_limits(self, item: dict, d: dict) -> None:
        """A multiple's min/max and exclusive options from its constraint."""
        qid = item["id"]
        r = self.constraint_range(d, qid, True)
        for k in ("min", "max"):
            if k in r:
                item[k] = r[k]
        for ex in r.get("exclusive", []):
            code = self.ctx.codes[qid].get(ex)
            for o in item["options"]:
                if o["code"] == code:
                    o["exclusive"] = True

    def _number_limits(self, item: dict, d: dict, t: str, name: str) -> None:
        """A number's min/max (its constraint; a ``range``'s start and end), its unit, and a warning when the
        XLSForm type and minyi's "whole numbers when both limits are" disagree."""
        qid = item["id"]
        r = self.constraint_range(d, qid, False, whole=t == "integer")
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
            self.warn(f"{self.book.where(name)} ({qid}): an integer without a whole-number min and max: minyi asks "
                      "for a whole number only when both limits are whole numbers, so this question accepts fractions")
        elif t == "decimal" and both_whole:
            self.warn(f"{self.book.where(name)} ({qid}): a decimal with whole-number limits: minyi asks for a whole "
                      "number when both limits are whole numbers (the web survey refuses 2.5), and exports it as "
                      "integer")

    def _not_converted(self, d: dict, bind: dict, qid: str, kind: str) -> None:
        """Warnings for what of the question minyi does not carry over (constraints it checks itself,
        choice_filter, calculate, readonly)."""
        if bind.get("constraint") and kind not in ("multiple", "number"):
            self.warn(f"{qid}: constraint '{bind['constraint']}' not converted (minyi checks options and ranges "
                      "itself)")
        if d.get("choice_filter"):
            self.warn(f"{qid}: choice_filter '{d['choice_filter']}' not converted; all options are offered")
        for key in ("calculate", "readonly"):
            if bind.get(key) and str(bind.get(key)).lower() not in ("false", "false()", "no"):
                self.warn(f"{qid}: {key} '{bind[key]}' not converted")

    def _required_and_note(self, item: dict, d: dict, bind: dict, kind: str) -> None:
        """``required`` where it differs from minyi's default (a text is optional, the rest required), the hint as
        the note (a ranking's ``k`` taken out of it) and the English texts."""
        required = truthy(bind.get("required", ""))
        if kind == "text":
            if required:
                item["required"] = True
        elif not required:
            item["required"] = False
        hint = _hint(d, self.lang)
        if kind == "ranking":
            hint = _rank_k(d, item, hint, item["id"], self.warn)
        if hint:
            item["note"] = hint
        _en_texts(d, item, self.lang)

    # ------------------------------------------------------------------------- options
    def _choices_of(self, d: dict) -> list[dict]:
        ch = d.get("choices")
        if not ch and d.get("itemset"):
            ch = (self.book.form.get("choices") or {}).get(d["itemset"], [])
        return ch or []

    def options(self, d: dict, qid: str) -> tuple[list[dict], dict]:
        """(minyi options, {choice name: code}) of the select ``d``: the choice names as codes when all are
        distinct whole numbers, else 1, 2, … (in the mapping file, warned about once a list)."""
        ch = self._choices_of(d)
        names = [str(c.get("name")) for c in ch]
        numeric = all(re.fullmatch(r"-?\d+", n) for n in names) and len(set(int(n) for n in names)) == len(names)
        # or_other: pyxform adds the choice "other" labelled "Other" in every language, also on a Chinese form
        list_name = str(d.get("list_name") or d.get("itemset") or qid)
        or_other = "or_other" in self.book.type_cell(str(d.get("name"))) and names[-1:] == ["other"]
        opts, codes = [], {}
        for i, c in enumerate(ch):
            code = int(names[i]) if numeric else i + 1
            codes[names[i]] = code
            o: dict = {"code": code,
                       "label": label_of(c, self.lang) or self.labels.fallback("choices", (list_name, names[i]),
                                                                               names[i])}
            if or_other and i == len(ch) - 1 and o["label"] == "Other" and self._zh_form(d):
                o["label"] = ui_label("xlsform.or_other", "zh")
            self._option_flags(o, c, names[i])
            opts.append(o)
        self.ctx.codes[qid] = codes
        self._renumbered_codes(qid, list_name, codes)
        return opts, codes

    def _option_flags(self, o: dict, c: dict, name: str) -> None:
        """An option's English label, score and flags from minyi's choice columns (and the choice name other)."""
        if en_of(c, self.lang):
            o["label_en"] = en_of(c, self.lang)
        score = _score(c)
        if score is not None:
            o["score"] = score
        if truthy(c.get("minyi_na", "")):
            o["na"] = True
        if truthy(c.get("minyi_exclusive", "")):
            o["exclusive"] = True
        if truthy(c.get("minyi_other", "")) or name.lower() in ("other", "others"):
            o["other"] = True

    def _renumbered_codes(self, qid: str, list_name: str, codes: dict) -> None:
        """Choice names that are not their code go into the mapping file; numbers recoded are warned about."""
        changed = {n: c for n, c in codes.items() if n != str(c)}
        if changed:
            self.value_map[qid] = dict(codes)
        if any(_is_number(n) for n in changed) and list_name not in self._renumbered:
            self._renumbered.add(list_name)
            self.warn(f"sheet choices, list {list_name}: minyi option codes are whole numbers, so the choice names "
                      + ", ".join(f"{n} → {c}" for n, c in changed.items())
                      + " are coded as shown; the mapping file maps the Kobo/ODK values to these codes, and a form "
                      "minyi writes again names the choices by code")

    def _zh_form(self, d: dict) -> bool:
        """Is the form in Chinese: its language says so, or (none said) the question's label is Chinese?"""
        lang = self.lang
        if lang is not None:
            return "zh" in str(lang).lower() or "chinese" in str(lang).lower() or "中文" in str(lang)
        return bool(re.search(r"[\u4e00-\u9fff]", label_of(d, lang) or ""))

    # ------------------------------------------------------------------------- constraints
    def constraint_range(self, d: dict, qid: str, is_count: bool, whole: bool = False) -> dict:
        """min/max (and exclusive options) from a constraint.  minyi's limits are inclusive: a strict bound of a
        count or of an ``integer`` is the next whole number (``. > 0`` → min 1); of a ``decimal`` it is taken as
        it is, warned about naming the row (``. > 0`` → min 0, which then is accepted)."""
        cons = ((d.get("bind") or {}).get("constraint") or "").strip()
        out: dict = {}
        if not cons:
            return out
        excl, rest = _exclusive_part(cons)
        for m in _RANGE.finditer(rest):
            counted = m.group(1).startswith("count")
            if counted != is_count:
                continue
            op, n = m.group(2), float(m.group(3))
            key = "min" if op in (">=", ">") else "max"
            if op in (">", "<") and (is_count or whole):
                n = math.floor(n) + 1 if op == ">" else math.ceil(n) - 1
            elif op in (">", "<"):
                self.warn(f"{self.book.where(str(d.get('name')))} ({qid}): constraint '{m.group(0).strip()}' "
                          f"excludes {_num(n)}, but minyi's {key} is inclusive: {key} {_num(n)} taken, so "
                          f"{_num(n)} itself is accepted")
            elif whole and not n.is_integer():
                n = math.ceil(n) if op == ">=" else math.floor(n)
            out[key] = n
            rest = rest.replace(m.group(0), "")
        if excl:
            out["exclusive"] = excl
        if re.sub(r"(and|\(|\)|\s)", "", rest):
            self.warn(f"{qid}: constraint '{cons}' only partly converted (min/max and exclusive options are kept)")
        for k in ("min", "max"):
            if k in out and float(out[k]).is_integer():
                out[k] = int(out[k])
        return out
