"""Open answers coded into themes: a theme dictionary (keywords → theme, themes linked to areas),
bundled for the civic questionnaire (``questionnaires/civic_themes.yaml``) and extensible per project
(``themes: file.yaml`` in minyi.yaml; a theme with an existing id replaces it).

An answer (PII masked first, :func:`survey.pii.mask_pii`) belongs to every theme one of whose keywords
it contains.  Per theme: the share of respondents who answered the open question that mention it, with
its interval (:func:`analysis.multiple.multiple_choice`, % of respondents, base = those who answered), and
the two most frequent distinct answers as quotes; answers in no theme are counted and listed.  Answers that
say nothing (没有意见, 无, 暂无…: :func:`is_non_answer`) are not answers: they are out of the base and counted
apart (``n_non_answers``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from analysis import Design
from analysis.multiple import multiple_choice
from survey.errors import MinyiError
from survey.pii import mask_pii

from .labels import label

# answers that say there is nothing to say: not opinions, so neither counted as answering nor in any base
# (compared after dropping spaces and punctuation, case-folded)
NON_ANSWERS = frozenset({
    "无", "没有", "没", "暂无", "无意见", "没有意见", "没意见", "暂无意见", "没有建议", "无建议", "暂无建议", "没建议",
    "没有什么意见", "没什么意见", "没有什么建议", "没什么建议", "没有任何意见", "没有任何建议", "无意见建议",
    "没有意见建议", "暂无意见建议", "没有了", "没什么", "没有什么", "无无", "否", "不知道", "说不清", "不清楚",
    "none", "no", "na", "nil", "nothing",
})
_PUNCT = str.maketrans("", "", " \t\r\n\u3000。．.，,！!？?、；;：:…~～-—_/\\'\"“”‘’（）()【】[]<>《》")


def is_non_answer(text) -> bool:
    """Whether an open answer says nothing (没有意见, 无, 暂无…: :data:`NON_ANSWERS`, spaces and punctuation
    aside); an empty answer is not an answer either."""
    if not isinstance(text, str):
        return True
    t = text.translate(_PUNCT).casefold()
    return t == "" or t in NON_ANSWERS


BUNDLED = {"civic_hot_issues": Path(__file__).resolve().parent.parent / "questionnaires" / "civic_themes.yaml"}


@dataclass
class Theme:
    id: str
    name: str
    keywords: list
    area: Optional[str] = None


@dataclass
class ThemeResult:
    id: str
    name: str
    area: Optional[str]
    n: int                     # respondents mentioning it
    share: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    quotes: list = field(default_factory=list)


# the layout of a theme dictionary (docs/report-data.md, `themes`): keys per kind of mapping, and the required ones
THEME_SCHEMA = {"dictionary": {"themes"}, "theme": {"id", "name", "name_en", "area", "keywords"}}
THEME_REQUIRED = {"dictionary": ("themes",), "theme": ("id", "keywords")}


def read_themes(path: Path, lang: str = "zh") -> list[Theme]:
    """Themes of a dictionary file (names in ``lang``: ``name_en`` when given).  Read and checked as a
    questionnaire is (:mod:`survey.qload`: UTF-8 or GBK, every problem at once with its line and column —
    syntax, tabs, a key written twice, unknown keys with a did-you-mean, a missing id or keywords, keywords
    that are not a list, a theme id given twice); :class:`MinyiError` with all of them."""
    from survey.qload import _Checker, compose, read_text

    text, probs = read_text(path)
    if text is None:
        raise MinyiError(probs)
    ck = _Checker(str(path), THEME_SCHEMA, THEME_REQUIRED)
    root = compose(text, ck)
    out = [] if root is None else _themes(ck, root, lang)
    if ck.problems:  # in the order of the file
        raise MinyiError(sorted(ck.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return out


def _themes(ck, root, lang: str) -> list[Theme]:
    """The themes of a composed dictionary; problems are added to ``ck``."""
    out, first = [], {}
    top = ck.mapping(root, "dictionary", "the theme dictionary")
    for tn in ck.seq(top.get("themes"), "themes"):
        d = ck.mapping(tn, "theme", "a theme")
        tid = ck.text(d, "id", "theme")
        words = [ck.text({"k": w}, "k", f"theme {tid} keywords") for w in ck.seq(d.get("keywords"), f"theme {tid}.keywords")]
        words = [w for w in words if w]
        if not tid or "keywords" not in d:
            continue  # said by ck.mapping
        if tid in first:
            ck.add("duplicate-id", d["id"], what="theme", id=tid, first_line=first[tid])
            continue
        first[tid] = d["id"].line
        if not words:
            if isinstance(d["keywords"].value, list):  # not a list: said by ck.seq
                ck.add("theme-no-keywords", d["keywords"], id=tid)
            continue
        name = (lang != "zh" and ck.text(d, f"name_{lang}", "theme")) or ck.text(d, "name", "theme") or tid
        out.append(Theme(tid, name, words, ck.text(d, "area", "theme")))
    return out


def theme_dictionary(questionnaire_id: str, user_file: Optional[Path] = None, lang: str = "zh") -> list[Theme]:
    """The bundled themes of the questionnaire (if any) extended/overridden by the user's file; names in
    ``lang`` where the file gives them (``name_en``)."""
    themes = {t.id: t for t in (read_themes(BUNDLED[questionnaire_id], lang) if questionnaire_id in BUNDLED else [])}
    if user_file is not None:
        for t in read_themes(user_file, lang):
            themes[t.id] = t
    return list(themes.values())


def code_themes(texts: pd.Series, des: Design, themes: list[Theme], *, ci_method: str = "logit",
                confidence: float = 0.95, n_quotes: int = 2) -> Optional[dict]:
    """``{n_answers, themes: [ThemeResult], uncoded: {n, answers: [{text, count}]}}`` (module docstring)."""
    if not themes:
        return None
    # each distinct answer masked and matched once (many answers repeat; every respondent has a cell):
    # whether an answer is answered, in a theme or in none is a property of its distinct text, so the
    # rows only index per-text tables, and quotes are counted per text (np.bincount), not per row
    codes, uniques = pd.factorize(pd.Series(texts), use_na_sentinel=True)  # missing: -1
    masked_u = np.array([mask_pii(t).strip() if isinstance(t, str) else "" for t in uniques] + [""], dtype=object)
    idx = np.where(codes >= 0, codes, len(uniques))
    said_u = masked_u != ""
    answered_u = said_u & ~np.array([is_non_answer(t) for t in masked_u], dtype=bool)  # 没有意见 … leave the base
    answered = answered_u[idx]
    if not answered.any():
        return None
    count_u = np.bincount(idx, minlength=len(masked_u))
    hits_u = [np.array([any(k in s for k in t.keywords) for s in masked_u], dtype=bool) & answered_u for t in themes]
    hits = [h[idx] for h in hits_u]
    res = multiple_choice(des, [np.where(answered, h.astype(float), np.nan) for h in hits], list(range(len(themes))),
                          [t.name for t in themes], asked=answered, ci_method=ci_method, confidence=confidence)

    def most_common(mask_u: np.ndarray, n: Optional[int]) -> list:
        """The masked answers of the texts in ``mask_u`` by count, ties in order of first appearance
        (as ``Counter`` of the rows in order gives them; texts that mask alike are one answer)."""
        c: Counter = Counter()
        for i in np.flatnonzero(mask_u & (count_u > 0)):  # factorize order: order of first appearance
            c[masked_u[i]] += int(count_u[i])
        return c.most_common(n)

    out = []
    for t, h, hu, r in zip(themes, hits, hits_u, res.options):
        e = r.stats["respondents"][0]
        quotes = [q for q, _ in most_common(hu, n_quotes)]
        f = (lambda x: float(x) if np.isfinite(x) else None)
        out.append(ThemeResult(t.id, t.name, t.area, int(h.sum()), f(e.estimate), f(e.ci_low), f(e.ci_high), quotes))
    out.sort(key=lambda r: -(r.share or 0))
    none_u = answered_u & ~np.any(np.vstack(hits_u), axis=0)
    return {"n_answers": int(answered.sum()), "n_non_answers": int(count_u[said_u & ~answered_u].sum()),
            "themes": [asdict(r) for r in out],
            "uncoded": {"n": int(count_u[none_u].sum()), "answers": [{"text": k, "count": v}
                                                                    for k, v in most_common(none_u, 30)]}}


def theme_table(ot: dict, lang: str = "zh") -> tuple[str, list, list, str]:
    """(caption, columns, rows, note) of the themes table."""
    L = partial(label, lang=lang)
    cols = [(L("word.theme"), "text"), (L("word.n_people"), "int"), (L("word.share_answering"), "pct"),
            (L("word.ci_low"), "pct"), (L("word.ci_high"), "pct"), (L("word.quotes"), "text")]
    rows = [[t["name"], t["n"], t["share"], t["ci_low"], t["ci_high"], L("word.quote_sep").join(f"“{q}”" for q in t["quotes"])]
            for t in ot["themes"]]
    # the answers in no theme are named (and listed in the appendix) only when there are some: “未归入任何主题的0条
    # 回答列于附录” pointed to an appendix table that is not there
    u = ot["uncoded"]["n"]
    uncoded = L("note.themes_uncoded").format(u=f"{u:,}") if u else ""
    note = L("note.themes").format(n=f"{ot['n_answers']:,}", uncoded=uncoded) + (
        L("note.themes_non_answers").format(n=f"{ot['n_non_answers']:,}") if ot.get("n_non_answers") else "")
    return label("caption.themes", lang), cols, rows, note
