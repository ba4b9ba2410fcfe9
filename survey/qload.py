"""Load and validate a questionnaire YAML file, reporting ALL problems with file:line:column.

The YAML is composed into PyYAML nodes (which carry line/column marks), then walked
against a declarative schema (:data:`SCHEMA`).  Every check appends a catalogue
:class:`~survey.messages.Problem` to a list — nothing stops at the first problem (the
pyxform/frictionless style).  :func:`validate_file` returns the problems;
:func:`load_questionnaire` raises :class:`~survey.errors.MinyiError` when there are any.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from . import expr as E
from .errors import MinyiError
from .limits import problem_for
from .messages import Problem, did_you_mean, problem
from .questionnaire import (
    CHOICE_TYPES,
    INDICATOR_KINDS,
    QUESTION_TYPES,
    Area,
    Indicator,
    MatrixRow,
    Option,
    Question,
    Questionnaire,
    Scale,
    Section,
    Site,
    TRANSLATABLE,
    TRANSLATION_LANGS,
)

SCHEMA: dict[str, set[str]] = {
    "questionnaire": {"id", "title", "language", "version", "description", "site_question", "district_question",
                      "overall_question", "sites", "scales", "sections", "areas", "indicators"},
    "site": {"name", "sections"},
    "scale": {"options", "positive", "options_en"},
    "option": {"code", "label", "score", "na", "exclusive", "other", "area"},
    "section": {"id", "title", "questions"},
    "question": {"id", "type", "text", "options", "scale", "rows", "min", "max", "k", "unit", "when", "required",
                 "area", "note", "positive", "options_en", "rows_en"},
    "row": {"id", "label", "area"},
    "area": {"id", "name", "weight", "code", "recommendation", "owner"},
    "indicator": {"id", "kind", "question", "name", "positive", "area", "target", "index_target", "recommendation"},
}
for _kind, _fields in TRANSLATABLE.items():  # title_en, text_en, label_en, ... (survey.translation)
    SCHEMA[_kind] |= {f"{f}_{lang}" for f in _fields for lang in TRANSLATION_LANGS}
# Question keys that only some types use (docs/questionnaire-format.md, "Type-specific keys"); on another type
# they would be ignored silently (rows: on a single choice collects one answer, not one per row)
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "options": ("single", "multiple", "scale", "matrix", "yesno", "ranking"),
    "scale": ("single", "scale", "matrix"),
    "rows": ("matrix",),
    "min": ("multiple", "number"),
    "max": ("multiple", "number"),
    "k": ("ranking",),
    "unit": ("number",),
}
for _key in ("options", "rows", "unit"):
    TYPE_KEYS.update({f"{_key}_{lang}": TYPE_KEYS[_key] for lang in TRANSLATION_LANGS})
REQUIRED: dict[str, tuple[str, ...]] = {
    "questionnaire": ("id", "title", "sections"),
    "site": ("name",),
    "scale": ("options",),
    "option": ("label",),
    "section": ("id", "questions"),
    "question": ("id", "type", "text"),
    "row": ("id", "label"),
    "area": ("id", "name"),
    "indicator": ("id", "kind", "question"),
}


@dataclass
class Node:
    """A YAML value with its position (1-based line and column)."""

    value: Any  # dict[str, Node] | list[Node] | scalar
    line: int
    column: int
    quoted: bool = False
    key_line: int = 0
    key_column: int = 0
    raw: Optional[str] = None  # a plain (unquoted) scalar as written: 2026.10, 0x1F, 12:30, yes


def _to_node(n: yaml.Node, dups: Optional[list[tuple[str, Node, int]]] = None) -> Node:
    """The :class:`Node` tree of a composed YAML node.  A key repeated in one mapping keeps its last value (as
    PyYAML does) and is appended to ``dups`` as (key, the later value, line of the first) — every mapping of
    the file, whatever its kind (questions, options, ``scales:`` ids), so none is dropped unreported."""
    line, col = n.start_mark.line + 1, n.start_mark.column + 1
    if isinstance(n, yaml.MappingNode):
        d: dict[str, Node] = {}
        merged: dict[str, Node] = {}
        for k, v in n.value:
            if k.tag == "tag:yaml.org,2002:merge":  # <<: *base (or a list of them): keys of the anchored mapping(s)
                for src in (v.value if isinstance(v, yaml.SequenceNode) else [v]):
                    if isinstance(src, yaml.MappingNode):
                        for mk, mv in _to_node(src, None).value.items():
                            merged.setdefault(mk, mv)
                continue
        for k, v in n.value:
            if k.tag == "tag:yaml.org,2002:merge":
                continue
            key = str(_scalar(k))
            child = _to_node(v, dups)
            child.key_line, child.key_column = k.start_mark.line + 1, k.start_mark.column + 1
            if key in d and dups is not None:
                dups.append((key, child, d[key].key_line))
            d[key] = child
        for mk, mv in merged.items():  # the mapping's own keys win over merged ones (YAML merge semantics)
            d.setdefault(mk, mv)
        return Node(d, line, col)
    if isinstance(n, yaml.SequenceNode):
        return Node([_to_node(x, dups) for x in n.value], line, col)
    style = getattr(n, "style", None)
    return Node(_scalar(n), line, col, quoted=bool(style in ("'", '"')),
                raw=n.value if not style and isinstance(n.value, str) else None)


def _scalar(n: yaml.Node) -> Any:
    if not isinstance(n, yaml.ScalarNode):
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_scalar(n) if n.tag == "tag:yaml.org,2002:str" else loader.construct_object(n)
    except Exception:  # pragma: no cover - odd tags
        return n.value


class _Checker:
    """Collects problems with positions while walking a :class:`Node` tree against a schema (key sets per
    kind of mapping, and the keys each requires); the questionnaire's by default.  Also used for the
    evaluation framework (:mod:`survey.framework`)."""

    def __init__(self, path: str, schema: Optional[dict] = None, required: Optional[dict] = None):
        self.path = path
        self.limits = None  # survey.limits.Limits in force (None: the defaults and --limit)
        self.problems: list[Problem] = []
        self.schema = SCHEMA if schema is None else schema
        self.warned: set[int] = set()  # ids of nodes already warned about (one warning per value)
        self.required = REQUIRED if required is None else required

    def add(self, code: str, node: Optional[Node] = None, /, *, at_key: bool = False, column: Optional[int] = None,
            line: Optional[int] = None, **params: Any) -> None:
        ln = line if line is not None else (node.key_line if (at_key and node and node.key_line) else (node.line if node else None))
        col = column if column is not None else (node.key_column if (at_key and node and node.key_column) else (node.column if node else None))
        self.problems.append(problem(code, file=self.path, line=ln, column=col, **params))

    # -- generic shape checks -----------------------------------------------------------
    def mapping(self, node: Node, kind: str, where: str) -> dict[str, Node]:
        if not isinstance(node.value, dict):
            self.add("yaml-type", node, key=f"{where}", expected="a mapping (key: value)", got=_kind(node.value))
            return {}
        allowed = self.schema[kind]
        for k, child in node.value.items():
            if k not in allowed:
                self.add("unknown-key", child, at_key=True, key=k, where=where,
                         suggestion=did_you_mean(k, sorted(allowed)) or "remove it")
        unknown = [k for k in node.value if k not in allowed]
        for k in self.required[kind]:
            # a misspelt key (questionz) is said once, at the key with its "did you mean", not again as missing
            if k not in node.value and not any(did_you_mean(u, [k]).startswith("did you mean") for u in unknown):
                self.add("missing-key", node, key=k, where=where)
        return node.value

    def seq(self, node: Optional[Node], where: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node.value, list):
            self.add("yaml-type", node, key=where, expected="a list", got=_kind(node.value))
            return []
        return node.value

    def text(self, d: dict[str, Node], key: str, where: str, default: Optional[str] = None) -> Optional[str]:
        n = d.get(key)
        if n is None or n.value is None:
            return default
        if isinstance(n.value, (dict, list)):
            self.add("yaml-type", n, key=f"{where}.{key}", expected="text", got=_kind(n.value))
            return default
        v = n.value
        if (isinstance(v, (int, float)) and not isinstance(v, bool) and n.raw is not None
                and n.raw.strip() != str(v) and id(n) not in self.warned):
            # version: 2026.10 is the float 2026.1 (docs say quote it); text: 0x1F is 31
            self.warned.add(id(n))
            self.add("yaml-read-as-number", n, severity="warning", key=key, raw=n.raw, value=_num(v),
                     why=" (this key holds text)", quoted=f"{key}: '{n.raw}'")
        return str(v).strip()

    def translations(self, d: dict[str, Node], kind: str, where: str) -> dict:
        """The ``<field>_<lang>`` texts of a mapping of ``kind``: {lang: {field: text}} (survey.translation)."""
        out: dict = {}
        for lang in TRANSLATION_LANGS:
            tr = {f: self.text(d, f"{f}_{lang}", where) for f in TRANSLATABLE[kind] if f"{f}_{lang}" in d}
            tr = {f: t for f, t in tr.items() if t}
            if tr:
                out[lang] = tr
        return out

    def parallel(self, d: dict[str, Node], key: str, items: list, where: str) -> None:
        """``options_en`` / ``rows_en``: a list of labels parallel to ``items`` (options or rows)."""
        lang = key.rsplit("_", 1)[1]
        node = d.get(key)
        if node is None:
            return
        texts = self.seq(node, f"{where}.{key}")
        if len(texts) != len(items):
            self.add("translations-count", node, at_key=True, key=key, count=len(texts), n=len(items),
                     what=key.split("_")[0], where=where)
            return
        for it, tn in zip(items, texts):
            if isinstance(tn.value, (dict, list)) or tn.value is None or not str(tn.value).strip():
                self.add("yaml-type", tn, key=f"{where}.{key}", expected="text", got=_kind(tn.value))
                continue
            it.i18n.setdefault(lang, {})["label"] = str(tn.value).strip()

    def number(self, d: dict[str, Node], key: str, where: str) -> Optional[float]:
        n = d.get(key)
        if n is None or n.value is None:
            return None
        v = n.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            try:
                f = float(str(v))
            except ValueError:
                f = None
            if f is not None and not isinstance(v, bool):
                if not math.isfinite(f):
                    self.add("yaml-not-finite", n, key=f"{where}.{key}", raw=repr(v))
                    return None
                self.add("yaml-number-as-text", n, severity="warning", key=f"{where}.{key}", raw=v, value=_num(f),
                         bare=f"{key}: {_num(f)}")
                return f
            try:
                return float(str(v))
            except ValueError:
                pct = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[%％]\s*", str(v))
                if pct:  # a target written as a percentage (90%) is a share: say which number to write
                    self.add("yaml-percent", n, key=f"{where}.{key}", got=repr(v), share=f"{float(pct.group(1)) / 100:g}")
                else:
                    self.add("yaml-type", n, key=f"{where}.{key}", expected="a number", got=repr(v))
                return None
        if not math.isfinite(float(v)):  # min: .inf, max: .nan
            self.add("yaml-not-finite", n, key=f"{where}.{key}", raw=n.raw or repr(v))
            return None
        return float(v)

    def boolean(self, d: dict[str, Node], key: str, where: str, default: bool = False) -> bool:
        n = d.get(key)
        if n is None or n.value is None:
            return default
        if not isinstance(n.value, bool):
            self.add("yaml-type", n, key=f"{where}.{key}", expected="true or false", got=repr(n.value))
            return default
        return n.value


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


_ODD_NUMBER = re.compile(r"^[-+]?(0x[0-9a-fA-F_]+|0b[01_]+|0o?[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"
                         r"|[0-9.]*_[0-9_.]*)$")


def _odd_numbers(root: Node, ck: "_Checker") -> None:
    """Unquoted scalars YAML 1.1 reads as numbers in a form few people mean: 0x1F (31), 010 (8), 12:30 (750,
    sexagesimal), 1_000 — a warning naming the value as written, once per value (:meth:`_Checker.text` adds
    version: 2026.10 → 2026.1)."""
    stack: list[tuple[Node, str]] = [(root, "the questionnaire")]
    while stack:
        node, key = stack.pop()
        if isinstance(node.value, dict):
            stack.extend((v, k) for k, v in node.value.items())
        elif isinstance(node.value, list):
            stack.extend((v, f"an entry of {key}") for v in node.value)
        elif (isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and node.raw
              and _ODD_NUMBER.match(node.raw.strip()) and node.raw.strip() not in ("0",)):
            ck.warned.add(id(node))
            ck.add("yaml-read-as-number", node, severity="warning", key=key, raw=node.raw, value=_num(node.value),
                   why="", quoted=f"'{node.raw}'")


def _kind(v: Any) -> str:
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if v is None:
        return "empty"
    return f"'{v}'"


def _pos_in_scalar(node: Node, offset: int) -> int:
    return node.column + offset + (1 if node.quoted else 0)


# ----------------------------------------------------------------------------- public API
def compose(text: str, ck: _Checker, limits=None) -> Optional[Node]:
    """YAML text → a :class:`Node` tree with positions; a syntax error, an exceeded YAML budget
    (:mod:`survey.safeyaml`) or an empty text is added to ``ck``."""
    from .safeyaml import compose as compose_yaml
    from .safeyaml import problems as budget_problems

    over = budget_problems(text, ck.path, limits)
    if over:
        ck.problems.extend(over)
        return None
    try:
        root_node = compose_yaml(text)
    except yaml.YAMLError as e:
        before = len(ck.problems)
        _typing_slips(text, ck)
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        reason = getattr(e, "problem", None) or str(e)
        if mark is not None and any(p.line == mark.line + 1 for p in ck.problems[before:]):
            return None  # the tab / full-width colon on that line is the cause, said once (not twice)
        ck.add("yaml-syntax", line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
               reason=reason)
        return None
    if root_node is None:
        ck.add("yaml-empty", line=1, column=1)
        return None
    dups: list[tuple[str, Node, int]] = []
    root = _to_node(root_node, dups)
    _odd_numbers(root, ck)
    for key, child, first_line in dups:
        ck.add("duplicate-key", child, at_key=True, key=key, first_line=first_line)
    return root


_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*：")  # "  type： single"


def _typing_slips(text: str, ck: _Checker) -> None:
    """Name the usual cause of a YAML syntax error at its own line: a key typed with a Chinese input method's
    full-width colon (``type： single``: YAML stops a line or more later with "could not find expected ':'"), or a
    tab in the indentation."""
    for i, line in enumerate(text.splitlines(), start=1):
        m = _FULLWIDTH_KEY.match(line)
        if m:
            ck.add("yaml-fullwidth-colon", line=i, column=m.end(), key=m.group(2))
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            ck.add("yaml-tab", line=i, column=indent.index("\t") + 1)


def validate_text(text: str, path: str = "<questionnaire>", limits=None) -> tuple[Optional[Questionnaire], list[Problem]]:
    """Parse and validate questionnaire YAML text; return the model (or None) and all problems."""
    ck = _Checker(path)
    ck.limits = limits
    root = compose(text, ck, limits)
    if root is None:
        return None, ck.problems
    q = _build(root, ck, path)
    ck.problems.sort(key=lambda p: (p.line is None, p.line or 0, p.column if isinstance(p.column, int) else 0))
    return q, ck.problems


def read_text(path: str | Path) -> tuple[Optional[str], list[Problem]]:
    """The text of a YAML file (UTF-8, else GBK), or None and the one problem that stops reading it."""
    p = Path(path)
    if not p.exists():
        return None, [problem("file-not-found", file=str(path), path=str(path))]
    if p.is_dir():
        return None, [problem("file-unreadable", file=str(path), path=str(path), reason="it is a folder")]
    from .safeyaml import decode_yaml

    text = decode_yaml(p.read_bytes())
    if text is None:  # pragma: no cover - gb18030 decodes nearly anything
        return None, [problem("encoding", file=str(path), reason="neither UTF-8 nor GBK")]
    if "\x00" in text:
        return None, [problem("file-unreadable", file=str(path), path=str(path), reason="binary content, not YAML text")]
    return text, []


def validate_file(path: str | Path, limits=None) -> tuple[Optional[Questionnaire], list[Problem]]:
    """Validate a questionnaire file; unreadable files give a single problem."""
    p = Path(path)
    text, probs = read_text(p)
    if text is None:
        return None, probs
    q, probs = validate_text(text, str(path), limits)
    if q is not None:
        q.source = str(p.resolve())
    return q, probs


def load_questionnaire(path: str | Path, limits: Any = None) -> Questionnaire:
    """Load a valid questionnaire or raise :class:`MinyiError` with every problem; ``limits``: a
    :class:`survey.limits.Limits` (default: the limits in force, docs/limits.md)."""
    return _valid(*validate_file(path, limits=limits))


def load_questionnaire_text(text: str, source: str, limits=None) -> Questionnaire:
    """:func:`load_questionnaire` of YAML text read elsewhere (e.g. through Spark from ``hdfs://``); ``source``
    names it in problems and becomes the questionnaire's ``source``."""
    q = _valid(*validate_text(text, source, limits))
    q.source = source
    return q


def _valid(q: Optional[Questionnaire], probs: list[Problem]) -> Questionnaire:
    """``q``, or :class:`MinyiError` with its errors (every problem when it could not be built)."""
    errors = [p for p in probs if p.severity == "error"]
    if errors or q is None:
        raise MinyiError(errors or probs)
    return q


def bundled_path(name: str = "civic_hot_issues") -> Path:
    """Path of a questionnaire shipped in the ``questionnaires`` package."""
    from importlib.resources import files

    return Path(str(files("questionnaires").joinpath(f"{name}.yaml")))


# ----------------------------------------------------------------------------- building
def _options(ck: _Checker, node: Optional[Node], where: str) -> list[Option]:
    out: list[Option] = []
    lim = _limits(ck)
    if node is not None and isinstance(node.value, list) and len(node.value) > lim["options"]:
        ck.problems.append(problem_for("options", len(node.value), lim["options"], file=ck.path, line=node.line,
                                       column=node.column, what=f"options of {where}"))
        return out
    seen_codes: dict[int, int] = {}
    seen_labels: set[str] = set()
    near: dict[str, tuple[str, int]] = {}  # folded label -> (label, line)
    for i, on in enumerate(ck.seq(node, f"{where}.options")):
        if isinstance(on.value, bool) and on.raw:  # options: [yes, no]: YAML 1.1 booleans
            ck.add("yaml-read-as-bool", on, key=f"option {i + 1} of {where}", raw=on.raw, value=on.value)
            continue
        if isinstance(on.value, (str, int, float)) and not isinstance(on.value, bool):
            opt = Option(code=i + 1, label=str(on.value).strip(), line=on.line, column=on.column)
        else:
            d = ck.mapping(on, "option", f"option {i + 1} of {where}")
            if not d:
                continue
            code_n = d.get("code")
            code: Any = i + 1
            if code_n is not None:
                if isinstance(code_n.value, bool) or not isinstance(code_n.value, int):
                    ck.add("yaml-type", code_n, key=f"{where} option code", expected="a whole number",
                           got=repr(code_n.value))
                elif not -2**31 <= code_n.value < 2**31:
                    ck.add("code-too-large", code_n, code=code_n.raw or code_n.value, where=where)
                else:
                    code = code_n.value
            score_n = d.get("score")
            score = None
            if score_n is not None:
                if isinstance(score_n.value, bool) or not isinstance(score_n.value, (int, float)):
                    ck.add("scale-score", score_n, label=ck.text(d, "label", where) or "?", where=where,
                           problem=f"a non-numeric ('{score_n.value}')")
                elif not math.isfinite(float(score_n.value)):  # score: .nan left the answers out of every index
                    ck.add("yaml-not-finite", score_n, key="option.score", raw=score_n.raw or repr(score_n.value))
                else:
                    score = float(score_n.value)
            opt = Option(code=code, label=ck.text(d, "label", where) or "", score=score,
                         na=ck.boolean(d, "na", where), exclusive=ck.boolean(d, "exclusive", where),
                         other=ck.boolean(d, "other", where), area=ck.text(d, "area", where),
                         line=on.line, column=on.column, i18n=ck.translations(d, "option", where))
        if opt.code in seen_codes:
            ck.add("duplicate-code", on, code=opt.code, where=where, first_line=seen_codes[opt.code])
        else:
            seen_codes[opt.code] = on.line
        if opt.label in seen_labels:
            ck.add("duplicate-label", on, label=opt.label, where=where)
        else:
            folded = _fold(opt.label)
            if folded in near and near[folded][0] != opt.label:
                ck.add("near-duplicate-label", on, severity="warning", label=opt.label, other=near[folded][0],
                       where=where, first_line=near[folded][1])
            near.setdefault(folded, (opt.label, on.line))
        seen_labels.add(opt.label)
        out.append(opt)
    by_code = {o.code: o for o in out}
    for o in out:  # options: ["3", "2", "1"]: is Q1 == "1" the label 1 or the code 1?
        lab = o.label.strip()
        other = by_code.get(int(lab)) if re.fullmatch(r"-?[0-9]+", lab) else None
        if other is not None and other is not o:
            ck.add("label-is-other-code", line=o.line, column=o.column, severity="warning", label=lab, where=where,
                   other=other.label, code=other.code, ref=where.split()[-1])
    return out


def _fold(label: str) -> str:
    """A label as a reader sees it: full-width letters half-width, spaces gone, case folded (知 道 = 知道)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", label)).casefold()


def _option_keys(node: Optional[Node], opt: Option) -> set[str]:
    for on in (node.value if node is not None and isinstance(node.value, list) else []):
        if on.line == opt.line and isinstance(on.value, dict):
            return set(on.value)
    return set()


def _codes_from(ck: _Checker, node: Optional[Node], options: list[Option], where: str) -> list[int]:
    """Resolve a list of codes or labels against options (for positive: lists)."""
    if node is None:
        return []
    items = node.value if isinstance(node.value, list) else [node]
    if not items or node.value is None:  # positive: [] (or positive: with nothing): a share of 0 without a word
        ck.add("positive-empty", node, where=where)
        return []
    out = []
    for it in items:
        v = it.value
        hit = None
        for o in options:
            if (isinstance(v, int) and not isinstance(v, bool) and o.code == v) or o.label == str(v).strip():
                hit = o.code
                break
        if hit is None:
            ck.add("unknown-ref", it, where=where, what="option", ref=v,
                   suggestion=did_you_mean(str(v), [o.label for o in options]))
        elif any(o.code == hit and o.na for o in options):
            ck.add("positive-na", it, where=where, label=next(o.label for o in options if o.code == hit))
        else:
            out.append(hit)
    return out


def _build(root: Node, ck: _Checker, path: str) -> Optional[Questionnaire]:
    top = ck.mapping(root, "questionnaire", "the questionnaire")
    if not top:
        return None
    q = Questionnaire(
        id=ck.text(top, "id", "questionnaire") or "",
        title=ck.text(top, "title", "questionnaire") or "",
        language=ck.text(top, "language", "questionnaire", "zh") or "zh",
        version=ck.text(top, "version", "questionnaire", "1") or "1",
        description=ck.text(top, "description", "questionnaire", "") or "",
        site_question=ck.text(top, "site_question", "questionnaire"),
        district_question=ck.text(top, "district_question", "questionnaire"),
        overall_question=ck.text(top, "overall_question", "questionnaire"),
        i18n=ck.translations(top, "questionnaire", "questionnaire"),
    )
    if q.language not in ("zh", "en"):
        ck.add("questionnaire-language", top["language"], value=q.language)

    # scales
    scales_node = top.get("scales")
    if scales_node is not None:
        if not isinstance(scales_node.value, dict):
            ck.add("yaml-type", scales_node, key="scales", expected="a mapping of scale id to scale",
                   got=_kind(scales_node.value))
        else:
            for sid, sn in scales_node.value.items():
                d = ck.mapping(sn, "scale", f"scale {sid}")
                opts = _options(ck, d.get("options"), f"scale {sid}")
                sc = Scale(id=sid, options=opts, line=sn.line)
                for key in (f"options_{lang}" for lang in TRANSLATION_LANGS):
                    ck.parallel(d, key, opts, f"scale {sid}")
                for o in opts:
                    if not o.na and o.score is None and "score" not in _option_keys(d.get("options"), o):
                        ck.add("scale-score", sn, line=o.line, column=o.column, label=o.label, where=f"scale {sid}",
                               problem="no")
                if opts and all(o.na for o in opts):
                    ck.add("options-all-na", d.get("options", sn), where=f"scale {sid}", indicator="")
                sc.positive = _codes_from(ck, d.get("positive"), opts, f"scale {sid} positive")
                q.scales[sid] = sc

    # sections and questions
    question_nodes: dict[str, Node] = {}
    section_ids: dict[str, int] = {}
    number = 0
    for sn in ck.seq(top.get("sections"), "sections"):
        d = ck.mapping(sn, "section", "a section")
        if not d:
            continue
        sid = ck.text(d, "id", "section") or ""
        if sid in section_ids:
            ck.add("duplicate-id", d.get("id"), what="section", id=sid, first_line=section_ids[sid])
        section_ids.setdefault(sid, d["id"].line if "id" in d else sn.line)
        sec = Section(id=sid, title=ck.text(d, "title", f"section {sid}", "") or "", line=sn.line,
                      i18n=ck.translations(d, "section", f"section {sid}"))
        for qn in ck.seq(d.get("questions"), f"section {sid} questions"):
            qd = ck.mapping(qn, "question", f"a question of section {sid}")
            if not qd:
                continue
            number += 1
            qq = _question(ck, qd, qn, q, sid, number)
            if qq is None:
                continue
            if qq.id in question_nodes:
                ck.add("duplicate-id", qd.get("id"), what="question", id=qq.id,
                       first_line=question_nodes[qq.id].line)
            else:
                question_nodes[qq.id] = qn
            sec.questions.append(qq)
        q.sections.append(sec)

    if ("sections" in top and isinstance(top["sections"].value, list) and not q.questions
            and not any(p.severity == "error" for p in ck.problems)):  # (a misspelt questions: key is said already)
        # nothing to ask: the form was blank, simulate wrote no answers (a missing 'sections' key is said above)
        ck.add("no-questions", top["sections"], at_key=True, what="sections" if not q.sections else "questions")

    # sites
    for sn in ck.seq(top.get("sites"), "sites"):
        if isinstance(sn.value, str):
            q.sites.append(Site(name=sn.value, line=sn.line))
            continue
        d = ck.mapping(sn, "site", "a site")
        if not d:
            continue
        site = Site(name=ck.text(d, "name", "site") or "", line=sn.line)
        for x in ck.seq(d.get("sections"), f"site {site.name} sections"):
            if str(x.value) not in section_ids:
                ck.add("unknown-ref", x, where=f"site {site.name}", what="section", ref=x.value,
                       suggestion=did_you_mean(str(x.value), section_ids))
            else:
                site.sections.append(str(x.value))
        q.sites.append(site)

    # areas
    area_ids: dict[str, int] = {}
    for an in ck.seq(top.get("areas"), "areas"):
        d = ck.mapping(an, "area", "an area")
        if not d:
            continue
        a = Area(id=ck.text(d, "id", "area") or "", name=ck.text(d, "name", "area") or "",
                 weight=ck.number(d, "weight", "area") or 0.0, code=ck.text(d, "code", "area"),
                 recommendation=ck.text(d, "recommendation", "area"), owner=ck.text(d, "owner", "area"),
                 line=an.line, i18n=ck.translations(d, "area", "area"))
        if a.id in area_ids:
            ck.add("duplicate-id", d.get("id"), what="area", id=a.id, first_line=area_ids[a.id])
        area_ids.setdefault(a.id, an.line)
        if "weight" in d and not (0 <= a.weight <= 1):
            ck.add("area-weight-range", d["weight"], area=a.id, weight=f"{a.weight:g}")
        q.areas.append(a)
    if q.areas and any(a.weight for a in q.areas):
        total = sum(a.weight for a in q.areas)
        if abs(total - 1) > 1e-6:
            ck.add("area-weights", top.get("areas"), at_key=True, total=round(total, 6))

    # area references of questions / rows / options
    for qq in q.questions:
        qn = question_nodes.get(qq.id)
        for ref, where in ([(qq.area, qq.id)] + [(r.area, f"{qq.id}.{r.id}") for r in qq.rows]):
            if ref and ref not in area_ids:
                ck.add("unknown-ref", qn, where=where, what="area", ref=ref,
                       suggestion=did_you_mean(ref, area_ids) or "define it under areas:")
        for o in qq.options:
            if o.area and o.area not in area_ids:
                ck.add("unknown-ref", line=o.line, column=o.column, where=f"option '{o.label}' of {qq.id}",
                       what="area", ref=o.area, suggestion=did_you_mean(o.area, area_ids) or "define it under areas:")

    # special question references
    for key in ("site_question", "district_question", "overall_question"):
        ref = getattr(q, key)
        if ref and ref not in question_nodes:
            ck.add("unknown-ref", top[key], where=key, what="question", ref=ref,
                   suggestion=did_you_mean(ref, question_nodes))
    _check_roles(ck, q, top, question_nodes)
    # site names are the option labels of the site question (that is how respondents are matched to sites)
    sq = q.get(q.site_question) if q.site_question else None
    if sq is not None and sq.options:
        labels = [o.label for o in sq.options]
        for site, sn in zip(q.sites, ck.seq(top.get("sites"), "sites")):
            if site.name and site.name not in labels:
                node = sn.value.get("name", sn) if isinstance(sn.value, dict) else sn
                ck.add("unknown-ref", node, where=f"site '{site.name}'", what=f"option of {sq.id}", ref=site.name,
                       suggestion=did_you_mean(site.name, labels) or f"name sites after the options of {sq.id}")
        _check_site_coverage(ck, q, sq, top)

    if not _native_columns(ck, q, question_nodes):
        return q  # too many columns: later checks would take minutes
    _check_skips(ck, q, question_nodes)
    _check_never_asked(ck, q)
    _indicators(ck, top, q, question_nodes, area_ids)
    _check_translations(ck, q)
    return q


def _check_translations(ck: _Checker, q: Questionnaire) -> None:
    """Once any text carries a translation, every text should: each one missing is a warning naming
    its key (``text_en``) and the record, at the record's line."""
    from .translation import has_translations, missing

    for lang in TRANSLATION_LANGS:
        if not has_translations(q, lang):
            continue
        for key, line, where in missing(q, lang):
            ck.problems.append(problem("missing-translation", file=ck.path, line=line, column=None,
                                       severity="warning", key=key, where=where))


def _limits(ck: _Checker):
    lim = getattr(ck, "limits", None)
    if lim is None:
        from .limits import Limits

        lim = ck.limits = Limits()
    return lim


def _native_columns(ck: _Checker, q: Questionnaire, question_nodes: dict) -> bool:
    """The native column set: within the ``columns`` limit, and no column name twice, upper and lower case
    being the same name for DuckDB (a question ``Q1_r1``
    beside matrix ``Q1`` with row ``r1``; an id equal to a reserved column such as ``respondent_id`` or
    ``_wave``), each collision reported at the question's line:col.  False when over the limit."""
    from .questionnaire import RESERVED_COLUMNS

    lim = _limits(ck)
    cols = [(c, qq) for qq in q.questions for c in qq.columns()]
    if len(cols) > lim["columns"]:
        ck.problems.append(problem_for("columns", len(cols), lim["columns"], file=ck.path, line=1, column=1))
        return False
    owner: dict[str, tuple[str, Any]] = {}  # case-folded name -> (name, question)
    reserved = {r.casefold() for r in RESERVED_COLUMNS}
    for c, qq in cols:
        node = question_nodes.get(qq.id)
        first = owner.get(c.casefold())
        if c.casefold() in reserved:
            ck.add("column-collision", node, name=c, what=f"question {qq.id}",
                   other="a column minyi reserves (" + ", ".join(RESERVED_COLUMNS) + ")",
                   hint=f"rename question {qq.id}")
        elif first is not None and (first[0] != c or first[1] is not qq and first[1].id != qq.id):
            # (a repeated question, row or option id is reported as such)
            fq = first[1]
            other = f"a column of question {fq.id}" if first[0] == c else f"'{first[0]}' of question {fq.id} " \
                    "for the database, which does not tell upper from lower case"
            if fq.id in question_nodes and fq is not qq:
                other += f" (line {question_nodes[fq.id].line})"
            ck.add("column-collision", node, name=c, what=f"question {qq.id}", other=other,
                   hint=f"rename question {qq.id} or the row/option id that makes the same name")
        else:
            owner.setdefault(c.casefold(), (c, qq))
    return True


def _question(ck: _Checker, d: dict[str, Node], qn: Node, qre: Questionnaire, sid: str, number: int) -> Optional[Question]:
    qid = ck.text(d, "id", "question") or ""
    where = f"question {qid}"
    qtype = ck.text(d, "type", where) or ""
    if qid and ("__" in qid or not all(_id_char(ch) for ch in qid)):
        half = unicodedata.normalize("NFKC", qid)
        ck.add("question-id-characters", d["id"], qid=qid,
               suggestion=f"write it half-width: {half}" if half != qid and all(_id_char(ch) for ch in half)
               else "use ids such as Q12 or B3")
    if qtype and qtype not in QUESTION_TYPES:
        ck.add("unknown-type", d["type"], type=qtype, suggestion=did_you_mean(qtype, QUESTION_TYPES))
    elif qtype:
        _check_type_keys(ck, d, qid, qtype)
    q = Question(id=qid, type=qtype, text=ck.text(d, "text", where) or "", section=sid, number=number,
                 scale=ck.text(d, "scale", where), min=ck.number(d, "min", where), max=ck.number(d, "max", where),
                 unit=ck.text(d, "unit", where), when=ck.text(d, "when", where),
                 required=ck.boolean(d, "required", where, default=qtype not in ("text",)),
                 area=ck.text(d, "area", where), note=ck.text(d, "note", where), line=qn.line,
                 i18n=ck.translations(d, "question", where))
    kn = ck.number(d, "k", where)
    q.k = int(kn) if kn is not None else None
    if "options" in d:
        q.options = _options(ck, d["options"], where)
    if q.scale is not None:
        sc = qre.scales.get(q.scale)
        if sc is None:
            ck.add("unknown-scale", d["scale"], qid=qid, scale=q.scale,
                   suggestion=did_you_mean(q.scale, qre.scales) or "define it under scales:")
        elif not q.options:
            q.options = [Option(**{**o.__dict__, "i18n": {k: dict(v) for k, v in o.i18n.items()}}) for o in sc.options]
            q.positive = list(sc.positive)
    if "options" in d:
        for key in (f"options_{lang}" for lang in TRANSLATION_LANGS):
            ck.parallel(d, key, q.options, where)
    if qtype == "yesno" and not q.options:
        q.options = [Option(1, "是"), Option(2, "否")]
    if "positive" in d:
        q.positive = _codes_from(ck, d["positive"], q.options, f"{where} positive")
    given = "options" in d and isinstance(d["options"].value, list) and bool(d["options"].value)
    if qtype in ("single", "multiple", "scale", "matrix", "ranking", "yesno") and not q.options and not given:
        # a non-empty options list that built nothing was already reported (limit, bad entries): no second error
        ck.add("missing-key", qn, key="options" if qtype not in ("scale", "matrix") else "scale", where=where)
    if qtype in ("scale", "matrix") and "options" in d and q.options and all(o.na for o in q.options):
        ck.add("options-all-na", d["options"], where=where, indicator="")  # (a shared scale: at the scale)
    if qtype in ("scale", "matrix"):
        for o in (q.options if q.scale is None else []):  # shared scales are checked once, below
            if not o.na and o.score is None:
                ck.add("scale-score", qn, line=o.line, column=o.column, label=o.label, where=where, problem="no")
        if q.options and not q.positive:
            subs = [o.code for o in q.options if not o.na]
            q.positive = subs[:2]
    if qtype == "matrix":
        seen: dict[str, int] = {}
        seen_labels: dict[str, int] = {}
        for rn in ck.seq(d.get("rows"), f"{where} rows"):
            if isinstance(rn.value, str):
                r = MatrixRow(id=f"r{len(q.rows) + 1}", label=rn.value, line=rn.line)
            else:
                rd = ck.mapping(rn, "row", f"a row of {where}")
                if not rd:
                    continue
                r = MatrixRow(id=ck.text(rd, "id", "row") or "", label=ck.text(rd, "label", "row") or "",
                              area=ck.text(rd, "area", "row"), line=rn.line, i18n=ck.translations(rd, "row", "row"))
            if r.id and not all(_id_char(ch) for ch in r.id):
                ck.add("row-id-characters", rn, row=r.id, qid=qid)
            if r.id in seen:
                ck.add("duplicate-id", rn, what=f"row of {qid}", id=r.id, first_line=seen[r.id])
            seen.setdefault(r.id, rn.line)
            if r.label and r.label in seen_labels:
                ck.add("duplicate-row-label", rn, qid=qid, label=r.label, first_line=seen_labels[r.label])
            seen_labels.setdefault(r.label, rn.line)
            q.rows.append(r)
        if not q.rows and "rows" in d and isinstance(d["rows"].value, list) and not d["rows"].value:
            ck.add("matrix-rows-empty", d["rows"], where=where)
        elif not q.rows and "rows" not in d:
            ck.add("missing-key", qn, key="rows", where=where)
        for key in (f"rows_{lang}" for lang in TRANSLATION_LANGS):
            ck.parallel(d, key, q.rows, where)
    tn = d.get("text")
    if tn is not None and not isinstance(tn.value, (dict, list)) and not q.text:
        ck.add("empty-text", tn, at_key=True, severity="warning", where=where)
    if qtype in ("single", "multiple", "ranking") and "options" in d and len(q.options) == 1:
        lab = q.options[0].label
        if re.search(r"[，、；]", lab):
            why, hint = (" — YAML read the full-width commas as part of one label",
                         "separate the options with ASCII commas (options: [知道, 不知道]) or write one per line (- 知道)")
        else:
            why, hint = ": a choice of one answer tells nothing", "add the other answers, or make it a yes/no question"
        ck.add("one-option", d["options"], severity="warning", where=where, label=lab, why=why, hint=hint)
    if qtype == "multiple":
        for key in ("min", "max"):
            v = getattr(q, key)
            if v is not None and not float(v).is_integer():
                ck.add("selection-count", d[key], severity="warning", qid=qid, key=key, value=v, used=int(v))
    if qtype == "multiple":
        n_opt = len(q.options)
        if q.max is not None and q.max < 1:
            ck.add("selection-max-below-one", d.get("max"), qid=qid, max=f"{q.max:g}")
        if q.max is not None and n_opt and q.max > n_opt:
            ck.add("selection-max-above-options", d.get("max"), qid=qid, max=f"{q.max:g}", count=n_opt)
        if q.min is not None and q.max is not None and q.min > q.max:
            ck.add("min-above-max", d.get("min"), qid=qid, min=f"{q.min:g}", max=f"{q.max:g}")
    if qtype == "ranking":
        if q.k is None:
            q.k = len(q.options)
        if q.options and not (1 <= q.k <= len(q.options)):
            ck.add("ranking-k-range", d.get("k"), qid=qid, k=q.k, count=len(q.options))
    if qtype == "number" and q.min is not None and q.max is not None and q.min > q.max:
        ck.add("min-above-max", d.get("min"), qid=qid, min=f"{q.min:g}", max=f"{q.max:g}")
    q._when_node = d.get("when")  # type: ignore[attr-defined]
    return q


def _id_char(ch: str) -> bool:
    """A character a question id may hold: the names the condition language reads (:mod:`survey.expr`) —
    ASCII letters, digits, ``_`` and CJK ideographs.  Full-width ``Ｑ２`` (a Chinese input method's) passed
    ``str.isalnum`` but no condition could name it and no ``Q2`` column matched it."""
    return (ch.isascii() and (ch.isalnum() or ch == "_")) or "\u4e00" <= ch <= "\u9fff"


def _check_type_keys(ck: _Checker, d: dict[str, Node], qid: str, qtype: str) -> None:
    """A key of another question type (:data:`TYPE_KEYS`: ``rows`` on a single choice, ``k`` on a multiple
    choice, ``max`` on a scale) is an error at the key: it would be ignored and something else collected."""
    for key, types in TYPE_KEYS.items():
        if key in d and qtype not in types:
            sugg = f"did you mean type: {types[0]}? Otherwise remove '{key}'" if len(types) == 1 else f"remove '{key}'"
            ck.add("key-not-for-type", d[key], at_key=True, key=key, qid=qid, type=qtype, types=", ".join(types),
                   suggestion=sugg)


def _check_skips(ck: _Checker, q: Questionnaire, nodes: dict[str, Node]) -> None:
    order: dict[str, int] = {}
    for i, qq in enumerate(q.questions):
        order.setdefault(qq.id, i)
    graph: dict[str, list[str]] = {}
    for qq in q.questions:
        wn: Optional[Node] = getattr(qq, "_when_node", None)
        if qq.when is None or wn is None:
            continue
        try:
            ast = E.parse(qq.when)
        except E.ExprSyntaxError as e:
            ck.add("skip-syntax", wn, line=wn.line, column=_pos_in_scalar(wn, e.pos), expr=qq.when, reason=str(e))
            qq.when = None
            continue
        bad = False
        for node in E.walk(ast):
            if isinstance(node, E.Ref):
                base = node.name.split(".")[0]
                col = _pos_in_scalar(wn, node.pos)
                if base not in order:
                    ck.add("skip-unknown-question", wn, column=col, ref=node.name,
                           suggestion=did_you_mean(base, order))
                    bad = True
                    continue
                graph.setdefault(qq.id, []).append(base)
                if order[base] >= order[qq.id]:
                    ck.add("skip-later-question", wn, column=col, qid=qq.id, ref=node.name)
                    bad = True
                target = q.question(base)
                if "." in node.name:
                    row = node.name.split(".", 1)[1]
                    if target.type != "matrix" or row not in [r.id for r in target.rows]:
                        ck.add("skip-unknown-question", wn, column=col, ref=node.name,
                               suggestion=did_you_mean(node.name, [f"{base}.{r.id}" for r in target.rows]))
                        bad = True
                elif target.type == "matrix":
                    ck.add("skip-type", wn, column=col, op="a comparison", ref=base, type="matrix",
                           hint=f"name a row, e.g. {base}.{target.rows[0].id if target.rows else 'r1'}")
                    bad = True
            if isinstance(node, E.Compare):
                _check_compare(ck, q, qq, node, wn, order)
        if bad:
            qq.when = None
    # cycles (only possible through forward references, reported above too)
    cycle = _find_cycle(graph)
    if cycle:
        first = nodes.get(cycle[0])
        wn = getattr(q.question(cycle[0]), "_when_node", None) if cycle[0] in order else None
        ck.add("skip-cycle", wn or first, cycle=" → ".join(cycle + [cycle[0]]))


def _check_compare(ck: _Checker, q: Questionnaire, qq: Question, node: E.Compare, wn: Node,
                   order: dict[str, int]) -> None:
    if isinstance(node.left, E.Lit) and isinstance(node.right, E.Ref):  # 1 == Q5 reads as Q5 == 1 (4 <= Q5: Q5 >= 4)
        flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
        node = E.Compare(flip.get(node.op, node.op), node.right, node.left, node.pos)
    left = node.left
    if not isinstance(left, E.Ref) or left.name.split(".")[0] not in order:
        return
    base = left.name.split(".")[0]
    target = q.question(base)
    col = _pos_in_scalar(wn, node.pos)
    if node.op == "selected" and target.type not in ("multiple", "ranking"):
        ck.add("skip-type", wn, column=col, op="selected", ref=base, type=target.type,
               hint=f"use == for a {target.type} question")
        return
    if node.op != "selected" and target.type in ("multiple", "ranking"):
        ck.add("skip-type", wn, column=col, op=node.op, ref=base, type=target.type,
               hint=f'use {base} selected "…" for a multiple-choice question')
        return
    if target.type == "text":
        ck.add("skip-type", wn, column=col, op=node.op, ref=base, type="text", hint="use answered(...) for text")
        return
    rights = node.right if isinstance(node.right, tuple) else (node.right,)
    for r in rights:
        if not isinstance(r, E.Lit):
            continue
        if target.type == "number":
            if isinstance(r.value, str):
                ck.add("skip-type", wn, column=_pos_in_scalar(wn, r.pos), op=node.op, ref=base, type="number",
                       hint="compare a number question with a number")
            continue
        if node.op in ("<", "<=", ">", ">=") and isinstance(r.value, str):
            ck.add("skip-type", wn, column=_pos_in_scalar(wn, r.pos), op=node.op, ref=base, type=target.type,
                   hint="ordering comparisons need a numeric code")
            continue
        if node.op in ("<", "<=", ">", ">="):
            _check_order_na(ck, target, left.name, node, r, wn)
        try:
            q.resolve_code(base, r.value if isinstance(r.value, str) else int(r.value) if float(r.value).is_integer() else r.value)
        except KeyError:
            ck.add("skip-unknown-option", wn, column=_pos_in_scalar(wn, r.pos), ref=base, value=r.value if isinstance(r.value, str) else f"{r.value:g}",
                   choices=", ".join(f"{o.code}={o.label}" for o in target.options[:12]))


ROLE_TYPES = {  # questionnaire key → (question types it may name, what to say it needs)
    "site_question": (("single",), "a single-choice question whose option labels are the sites"),
    "district_question": (("single",), "a single-choice question whose options are the districts"),
    "overall_question": (("scale", "single"), "a scale (or single-choice) question with scored options"),
}


def _check_roles(ck: _Checker, q: Questionnaire, top: dict[str, Node], question_nodes: dict[str, Node]) -> None:
    """The questions ``site_question`` / ``district_question`` / ``overall_question`` name must be of a type
    that can play the part (a text district question left simulate drawing from no districts and the
    district table empty; a number overall question gave no importance–performance analysis, silently);
    ``sites:`` listing sections needs a ``site_question``; and the site question must be asked at every
    site (in a section only some sites get, no respondent's site could be known)."""
    for key, (types, need) in ROLE_TYPES.items():
        qq = q.get(getattr(q, key)) if getattr(q, key) else None
        if qq is None or not qq.type:
            continue
        scored = bool(qq.scores) or key != "overall_question"
        if qq.type not in types or not scored:
            kind = qq.type if qq.type not in types else f"{qq.type} (without scores)"
            ck.add("question-role-type", top[key], key=key, qid=qq.id, type=kind, need=need,
                   hint=f"name such a question in {key}, or remove {key}")
    listed = [s for s in q.sites if s.sections]
    if listed and not q.site_question:
        ck.add("sites-without-site-question", top.get("sites"), at_key=True)
    sq = q.get(q.site_question) if q.site_question else None
    if sq is not None and listed:
        getting = [s.name for s in q.sites if not s.sections or sq.section in s.sections]
        if len(getting) < len(q.sites):
            ck.add("site-question-not-everywhere", question_nodes.get(sq.id), qid=sq.id, section=sq.section,
                   sites="、".join(getting) or "no site")


def _check_order_na(ck: _Checker, target: Question, ref: str, node: E.Compare, lit: E.Lit, wn: Node) -> None:
    """An ordering on a choice (``C1.r3 >= 4``) compares codes, and a non-substantive option's code (不了解 = 9)
    is usually the largest: a warning naming the ``na`` options it admits, with the ``in [...]`` meant.  The
    semantics stay (the import checks and the web form's script share them)."""
    v = float(lit.value)
    test = {"<": lambda c: c < v, "<=": lambda c: c <= v, ">": lambda c: c > v, ">=": lambda c: c >= v}[node.op]
    admitted = [o for o in target.options if test(o.code)]
    nas = [o for o in admitted if o.na]
    if not nas:
        return
    subs = [str(o.code) for o in admitted if not o.na]
    ck.add("skip-order-na", wn, column=_pos_in_scalar(wn, node.pos), severity="warning",
           expr=f"{ref} {node.op} {lit.value:g}" if isinstance(lit.value, float) else f"{ref} {node.op} {lit.value}",
           ref=ref, labels=" ".join(f"'{o.label}'" for o in nas), codes=", ".join(str(o.code) for o in nas),
           subs=", ".join(subs))


def _check_site_coverage(ck: _Checker, q: Questionnaire, sq: Question, top: dict[str, Node]) -> None:
    """With ``sites:`` listing sections, every option of the site question should be a site (one that is not
    gets every section in the analysis, but has no box on the form's site line: a warning at the option), and
    every section should go to some site (an error at the section when every option is a site: its
    questions would never be asked, and the form prints （各调查点均不填写）)."""
    if not q.sites or not any(s.sections for s in q.sites):
        return
    named = {s.name for s in q.sites}
    unlisted = [o for o in sq.options if o.label not in named]
    for o in unlisted:
        ck.problems.append(problem("site-unlisted", file=ck.path, line=o.line, column=o.column, severity="warning",
                                   label=o.label, qid=sq.id))
    if unlisted:
        return
    given = {sid for s in q.sites for sid in (s.sections or [sec.id for sec in q.sections])}
    for sec in q.sections:
        if sec.id not in given and sec.questions:
            ck.add("section-no-site", line=sec.line, column=None, section=sec.id, count=len(sec.questions))


def _check_never_asked(ck: _Checker, q: Questionnaire) -> None:
    """A condition that no answers can make true (``Q1 == 1 and Q1 == 2``, ``N1 > 100`` with ``max: 80``, a
    condition on a question that is itself never asked) is an error at the condition: the question would
    silently never be asked (:mod:`survey.reachable`).  Conditions already reported are left out, and so is
    a condition that names no question (``when: false``): that retires a question on purpose, keeping its
    column for the waves that asked it."""
    from .reachable import never_asked

    if any(p.code == "skip-cycle" for p in ck.problems):
        return
    for qid, because in never_asked(q).items():
        qq = q.question(qid)
        if not E.references(E.parse(qq.when or "true")):
            continue
        wn: Optional[Node] = getattr(qq, "_when_node", None)
        why = f" (it depends on {', '.join(because)}, never asked itself)" if because else ""
        ck.add("skip-never-true", wn, qid=qid, because=why)


def _find_cycle(graph: dict[str, list[str]]) -> Optional[list[str]]:
    WHITE, GREY, BLACK = 0, 1, 2
    color: dict[str, int] = {}
    stack: list[str] = []

    def dfs(u: str) -> Optional[list[str]]:
        color[u] = GREY
        stack.append(u)
        for v in graph.get(u, []):
            c = color.get(v, WHITE)
            if c == GREY:
                return stack[stack.index(v):]
            if c == WHITE:
                r = dfs(v)
                if r:
                    return r
        stack.pop()
        color[u] = BLACK
        return None

    for u in list(graph):
        if color.get(u, WHITE) == WHITE:
            r = dfs(u)
            if r:
                return r
    return None


def _indicators(ck: _Checker, top: dict[str, Node], q: Questionnaire, nodes: dict[str, Node],
                area_ids: dict[str, int]) -> None:
    seen: dict[str, int] = {}
    for inn in ck.seq(top.get("indicators"), "indicators"):
        d = ck.mapping(inn, "indicator", "an indicator")
        if not d:
            continue
        ind = Indicator(id=ck.text(d, "id", "indicator") or "", kind=ck.text(d, "kind", "indicator") or "",
                        question=ck.text(d, "question", "indicator") or "", name=ck.text(d, "name", "indicator") or "",
                        area=ck.text(d, "area", "indicator"), target=ck.number(d, "target", "indicator"),
                        index_target=ck.number(d, "index_target", "indicator"),
                        recommendation=ck.text(d, "recommendation", "indicator"), line=inn.line,
                        i18n=ck.translations(d, "indicator", "indicator"))
        if ind.id in seen:
            ck.add("duplicate-id", d.get("id"), what="indicator", id=ind.id, first_line=seen[ind.id])
        seen.setdefault(ind.id, inn.line)
        if ind.kind and ind.kind not in INDICATOR_KINDS:
            ck.add("indicator-kind", d["kind"], kind=ind.kind,
                   suggestion=did_you_mean(ind.kind, INDICATOR_KINDS) or "use one of: " + ", ".join(INDICATOR_KINDS))
        for key in ("target", "index_target"):
            v = getattr(ind, key)
            if v is not None and not (0 <= v <= 1):
                ck.add("target-range", d[key], value=v, what=f"indicator {ind.id}")
        if ind.area and ind.area not in area_ids:
            ck.add("unknown-ref", d["area"], where=f"indicator {ind.id}", what="area", ref=ind.area,
                   suggestion=did_you_mean(ind.area, area_ids))
        qq = q.get(ind.question)
        if ind.question and qq is None:
            ck.add("unknown-ref", d.get("question"), where=f"indicator {ind.id}", what="question", ref=ind.question,
                   suggestion=did_you_mean(ind.question, nodes))
        elif qq is not None and ind.kind in INDICATOR_KINDS:
            if ind.kind == "satisfaction" and qq.type not in ("scale", "matrix"):
                ck.add("indicator-type", d["question"], indicator=ind.id, kind=ind.kind, qid=qq.id, type=qq.type,
                       hint="satisfaction needs a scale or matrix question with scored options")
            elif ind.kind != "satisfaction" and qq.type not in CHOICE_TYPES + ("multiple",):
                ck.add("indicator-type", d["question"], indicator=ind.id, kind=ind.kind, qid=qq.id, type=qq.type,
                       hint="awareness/support/participation need a single-choice, yes/no, scale or multiple-choice question")
            if "positive" in d:
                ind.positive = _codes_from(ck, d["positive"], qq.options, f"indicator {ind.id} positive")
            elif ind.kind == "satisfaction":
                ind.positive = list(qq.positive)
            elif qq.type == "yesno":
                ind.positive = [qq.options[0].code] if qq.options else []
            elif ind.kind != "satisfaction":
                ck.add("missing-key", inn, key="positive", where=f"indicator {ind.id}")
        q.indicators.append(ind)
