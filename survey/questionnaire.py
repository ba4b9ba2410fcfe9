"""The questionnaire model (what a minyi YAML file describes).

The model is plain dataclasses; :mod:`survey.qload` builds it from YAML and validates it.
It also owns minyi's *native column layout* — the one table shape that ``survey simulate``
writes, ``survey import`` reads without a mapping and ``survey export`` writes:

* single / scale / yes-no: column ``<id>`` holding the option code, plus ``<id>_other`` (text)
  when an option is "other, please specify" (问卷星 ``其他〖物业纠纷〗`` keeps its text there);
* number: ``<id>`` holding the number; text: ``<id>`` holding the text;
* matrix: one column per row, ``<id>_<row id>``, holding the scale code;
* multiple choice: one 0/1 column per option, ``<id>_<code>``, plus ``<id>_other`` (text)
  when an option is "other, please specify";
* ranking: one column per option, ``<id>_<code>``, holding its rank (1 = first; blank = unranked).

Metadata columns: ``respondent_id``, ``submitted_at``, ``duration_sec`` (and ``ip`` in messy data).

:func:`column_types` gives the stored type of every native column (option codes SMALLINT, or INTEGER when
a code reaches 32,000; numbers DOUBLE; text VARCHAR) plus the store's bookkeeping columns
(:data:`INTERNAL_COLUMNS`); the importers read codes straight into those types and the store creates its
table from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

QUESTION_TYPES = ("single", "multiple", "scale", "matrix", "yesno", "ranking", "number", "text")
CHOICE_TYPES = ("single", "scale", "yesno")  # one code per respondent
INDICATOR_KINDS = ("awareness", "support", "participation", "satisfaction")
META_COLUMNS = ("respondent_id", "submitted_at", "duration_sec")
INTERNAL_COLUMNS = (("_wave", "VARCHAR"), ("_import_id", "INTEGER"), ("_row", "BIGINT"), ("_source", "VARCHAR"))
COLLECTOR_COLUMN = ("collector", "VARCHAR")  # the volunteer's id from a `survey links` link (survey serve)
# Texts that may carry a translation (``<field>_en`` in the YAML; docs/questionnaire-format.md), by kind
TRANSLATABLE = {"questionnaire": ("title", "description"), "section": ("title",), "question": ("text", "note", "unit"),
                "option": ("label",), "row": ("label",), "area": ("name", "recommendation", "owner"),
                "indicator": ("name", "recommendation")}
TRANSLATION_LANGS = ("en",)  # languages a questionnaire may be translated into (the suffix of the keys)
RESERVED_COLUMNS = META_COLUMNS + tuple(c for c, _ in INTERNAL_COLUMNS) + ("ip", "wave", COLLECTOR_COLUMN[0])


@dataclass
class Option:
    code: int
    label: str
    score: Optional[float] = None
    na: bool = False  # non-substantive (不了解 / 说不清): not applicable
    exclusive: bool = False  # e.g. 以上都没有
    other: bool = False  # "other, please specify" fill-in
    area: Optional[str] = None  # area (测评体系) this option belongs to, e.g. a hot issue → its area
    line: Optional[int] = None
    column: Optional[int] = None
    i18n: dict = field(default_factory=dict)  # language → field → text (see TRANSLATABLE)


@dataclass
class Scale:
    id: str
    options: list[Option]
    positive: list[int] = field(default_factory=list)  # top-box codes (满意率)
    line: Optional[int] = None

    @property
    def substantive(self) -> list[Option]:
        return [o for o in self.options if not o.na]


@dataclass
class MatrixRow:
    id: str
    label: str
    area: Optional[str] = None
    line: Optional[int] = None
    i18n: dict = field(default_factory=dict)  # language → field → text (see TRANSLATABLE)


@dataclass
class Question:
    id: str
    type: str
    text: str
    section: str = ""
    number: int = 0  # 1-based position in the questionnaire (题号)
    options: list[Option] = field(default_factory=list)
    scale: Optional[str] = None
    rows: list[MatrixRow] = field(default_factory=list)
    min: Optional[float] = None  # selections (multiple) or value (number)
    max: Optional[float] = None
    k: Optional[int] = None  # ranking: how many to rank
    unit: Optional[str] = None
    when: Optional[str] = None
    required: bool = True
    area: Optional[str] = None
    note: Optional[str] = None
    line: Optional[int] = None
    positive: list[int] = field(default_factory=list)  # for scale questions: top-box codes
    i18n: dict = field(default_factory=dict)

    # -- option helpers ---------------------------------------------------------------
    def option_by_code(self, code: Any) -> Optional[Option]:
        for o in self.options:
            if o.code == code:
                return o
        return None

    def option_by_label(self, label: str) -> Optional[Option]:
        for o in self.options:
            if o.label == label:
                return o
        return None

    @property
    def codes(self) -> list[int]:
        return [o.code for o in self.options]

    @property
    def na_codes(self) -> list[int]:
        return [o.code for o in self.options if o.na]

    @property
    def scores(self) -> dict[int, float]:
        return {o.code: float(o.score) for o in self.options if o.score is not None and not o.na}

    @property
    def has_other(self) -> bool:
        return any(o.other for o in self.options)

    # -- native layout ----------------------------------------------------------------
    def columns(self) -> list[str]:
        """Native column names for this question (see module docstring)."""
        if self.type == "matrix":
            return [f"{self.id}_{r.id}" for r in self.rows]
        if self.type in ("multiple", "ranking"):
            cols = [f"{self.id}_{o.code}" for o in self.options]
            if self.type == "multiple" and self.has_other:
                cols.append(f"{self.id}_other")
            return cols
        if self.type in CHOICE_TYPES and self.has_other:
            return [self.id, f"{self.id}_other"]
        return [self.id]

    def code_columns(self) -> list[str]:
        """Native columns holding codes, 0/1 or ranks (``columns()`` without the other-text column)."""
        if self.type == "text":
            return []
        return [c for c in self.columns() if c != f"{self.id}_other"]

    @property
    def n_items(self) -> int:
        return len(self.rows) if self.type == "matrix" else 1


@dataclass
class Section:
    id: str
    title: str
    questions: list[Question] = field(default_factory=list)
    line: Optional[int] = None
    i18n: dict = field(default_factory=dict)


@dataclass
class Site:
    name: str
    sections: list[str] = field(default_factory=list)  # empty = all sections
    line: Optional[int] = None


@dataclass
class Area:
    id: str
    name: str
    weight: float = 0.0
    code: Optional[str] = None  # 测评体系 code
    recommendation: Optional[str] = None
    owner: Optional[str] = None  # responsible unit (责任单位), e.g. 市城管局
    line: Optional[int] = None
    i18n: dict = field(default_factory=dict)


@dataclass
class Indicator:
    id: str
    kind: str
    question: str
    name: str = ""
    positive: list[Any] = field(default_factory=list)  # codes (labels resolved on load)
    area: Optional[str] = None
    target: Optional[float] = None
    index_target: Optional[float] = None  # satisfaction index target, as a share of the top score
    recommendation: Optional[str] = None
    line: Optional[int] = None
    i18n: dict = field(default_factory=dict)


@dataclass
class Questionnaire:
    id: str
    title: str
    language: str = "zh"
    version: str = "1"
    description: str = ""
    site_question: Optional[str] = None
    district_question: Optional[str] = None
    overall_question: Optional[str] = None  # overall satisfaction (importance–performance)
    sites: list[Site] = field(default_factory=list)
    scales: dict[str, Scale] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    source: Optional[str] = None
    i18n: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ lookups
    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def _by_id(self) -> dict[str, Question]:
        """{question id: first question with it}, rebuilt when the sections or their questions change (a look-up
        was a scan of every question: the paper form of 3,000 chained questions spent 20 s in it)."""
        shape = (id(self.sections), tuple((id(s.questions), len(s.questions)) for s in self.sections))
        cached = self.__dict__.get("_index")
        if cached is None or cached[0] != shape:
            index: dict[str, Question] = {}
            for q in self.questions:
                index.setdefault(q.id, q)
            cached = self.__dict__["_index"] = (shape, index)
        return cached[1]

    def question(self, qid: str) -> Question:
        q = self.get(qid)
        if q is None:
            raise KeyError(qid)
        return q

    def get(self, qid: str) -> Optional[Question]:
        q = self._by_id().get(qid)
        if q is not None and q.id == qid:
            return q
        for q in self.questions:  # an id changed in place since the index was built
            if q.id == qid:
                return q
        return None

    def area(self, aid: str) -> Optional[Area]:
        for a in self.areas:
            if a.id == aid:
                return a
        return None

    def iter_items(self) -> Iterator[tuple[Question, Optional[MatrixRow]]]:
        for q in self.questions:
            if q.type == "matrix":
                for r in q.rows:
                    yield q, r
            else:
                yield q, None

    @property
    def n_items(self) -> int:
        return sum(q.n_items for q in self.questions)

    def columns(self, meta: bool = True) -> list[str]:
        """All native columns, metadata first."""
        cols = list(META_COLUMNS) if meta else []
        for q in self.questions:
            cols.extend(q.columns())
        return cols

    def sections_for_site(self, site: str) -> list[str]:
        for s in self.sites:
            if s.name == site:
                return s.sections or [sec.id for sec in self.sections]
        return [sec.id for sec in self.sections]

    def resolve_code(self, qid: str, value: Any) -> int:
        """Code of an option of ``qid`` given its code (number or text) or its label; KeyError if none."""
        q = self.question(qid.split(".")[0])
        opts = q.options
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            for o in opts:
                if o.code == value:
                    return o.code
            raise KeyError(value)
        text = str(value).strip()
        for o in opts:
            if o.label == text or any(t.get("label") == text for t in o.i18n.values()):
                return o.code
        for o in opts:
            if str(o.code) == text:
                return o.code
        raise KeyError(value)


# ----------------------------------------------------------------------------- stored types
def sql_type(qq: Question, col: str) -> str:
    """DuckDB type of native column ``col`` of question ``qq`` (see module docstring)."""
    if qq.type == "text" or col.endswith("_other"):
        return "VARCHAR"
    if qq.type == "number":
        return "DOUBLE"
    top = max([abs(o.code) for o in qq.options] + [len(qq.options) + 1, 1])
    return "SMALLINT" if top < 32000 else "INTEGER"


def column_types(q: Questionnaire) -> list[tuple[str, str]]:
    """(column, DuckDB type) of every stored column of ``q``: metadata, native columns, bookkeeping."""
    cols = [("respondent_id", "VARCHAR"), ("submitted_at", "VARCHAR"), ("duration_sec", "DOUBLE")]
    for qq in q.questions:
        for c in qq.columns():
            cols.append((c, sql_type(qq, c)))
    return cols + [COLLECTOR_COLUMN] + list(INTERNAL_COLUMNS)
