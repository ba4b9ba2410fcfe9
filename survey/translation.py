"""Translations of a questionnaire: reading ``<field>_en`` keys, checking they are complete, and the
questionnaire as seen in another language.

A questionnaire is written in its own language (``language: zh``) and may carry an English text next
to every text a reader sees: ``title_en`` and ``description_en`` at the top, ``title_en`` on sections,
``text_en`` / ``note_en`` / ``unit_en`` on questions, ``label_en`` on options and matrix rows (or a
list ``options_en`` / ``rows_en`` parallel to ``options`` / ``rows``), ``name_en`` /
``recommendation_en`` / ``owner_en`` on areas and ``name_en`` / ``recommendation_en`` on indicators
(docs/questionnaire-format.md).  The loader keeps them in each record's ``i18n`` mapping
(language → field → text); :func:`localized` returns a copy whose texts are those of the other
language, the original ones kept in ``i18n`` so option labels in skip conditions still resolve.
"""

from __future__ import annotations

import copy
from typing import Iterator, Optional

from .questionnaire import TRANSLATABLE, Questionnaire

YESNO_EN = {"是": "Yes", "否": "No"}  # the default options of a yes/no question


def records(q: Questionnaire) -> Iterator[tuple[str, object, str]]:
    """(kind, record, where) of every record with translatable texts, in file order; where names it
    in a message (``question B3``, ``option 2 of question B3``)."""
    yield "questionnaire", q, "the questionnaire"
    seen_scales = set()
    for sid, sc in q.scales.items():
        seen_scales.add(sid)
        for i, o in enumerate(sc.options):
            yield "option", o, f"option {o.code} ('{o.label}') of scale {sid}"
    for sec in q.sections:
        yield "section", sec, f"section {sec.id}"
        for qq in sec.questions:
            yield "question", qq, f"question {qq.id}"
            if not (qq.scale in seen_scales and qq.scale is not None):
                for o in qq.options:
                    yield "option", o, f"option {o.code} ('{o.label}') of question {qq.id}"
            for r in qq.rows:
                yield "row", r, f"row {r.id} of question {qq.id}"
    for a in q.areas:
        yield "area", a, f"area {a.id}"
    for ind in q.indicators:
        yield "indicator", ind, f"indicator {ind.id}"


def has_translations(q: Questionnaire, lang: str = "en") -> bool:
    """True when any text of ``q`` carries a ``lang`` translation."""
    return any(rec.i18n.get(lang) for _, rec, _ in records(q))  # type: ignore[attr-defined]


def missing(q: Questionnaire, lang: str = "en") -> list[tuple[str, Optional[int], str]]:
    """(key, line, where) of every non-empty text without its ``lang`` translation, e.g.
    ``('text_en', 140, 'question B3')``."""
    out = []
    for kind, rec, where in records(q):
        tr = rec.i18n.get(lang, {})  # type: ignore[attr-defined]
        for f in TRANSLATABLE[kind]:
            if getattr(rec, f, None) and not tr.get(f):
                out.append((f"{f}_{lang}", getattr(rec, "line", None) or 1, where))
    return out


def localized(q: Questionnaire, lang: str) -> Questionnaire:
    """``q`` with its texts in ``lang`` where a translation exists (a deep copy; ``q`` is unchanged).
    The original texts move to ``i18n[q.language]``.  Site names follow the site question's options."""
    if lang == q.language:
        return q
    out = copy.deepcopy(q)
    sq = out.get(out.site_question) if out.site_question else None
    site_names = {o.label: o.i18n.get(lang, {}).get("label") for o in (sq.options if sq else [])}
    for kind, rec, _ in records(out):
        _swap(rec, kind, lang, out.language)
    for qq in out.questions:  # options copied from a scale: swap them too
        if qq.scale is not None:
            for o in qq.options:
                _swap(o, "option", lang, out.language)
        if qq.type == "yesno":
            for o in qq.options:
                if lang == "en" and o.label in YESNO_EN and not o.i18n.get(lang):
                    o.i18n.setdefault(out.language, {})["label"] = o.label
                    o.label = YESNO_EN[o.label]
    for s in out.sites:
        if site_names.get(s.name):
            s.name = site_names[s.name]
    out.language = lang
    return out


def _swap(rec, kind: str, lang: str, orig_lang: str) -> None:
    tr = rec.i18n.get(lang) or {}
    if not tr or orig_lang in rec.i18n and rec.i18n[orig_lang]:
        return  # nothing to swap, or already swapped (a scale's option shared by reference)
    rec.i18n[orig_lang] = {f: getattr(rec, f) for f in TRANSLATABLE[kind] if f in tr}
    for f, text in tr.items():
        setattr(rec, f, text)
