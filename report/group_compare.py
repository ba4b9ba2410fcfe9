"""群体与区县比较: every headline indicator by group, each group tested against the rest.

:func:`group_tests` (called by :func:`report.pipeline.analyze`) runs, for every grouping of the
report (site, district, or the ``--by`` questions) and every indicator (rate, and index when it
has one), :func:`analysis.group_tests.group_vs_rest` — the design-based t test of the difference
between the group's estimate and the estimate over all other groups (R ``svyttest(y ~ I(g == x),
design)``; for indicators of several items R ``svycontrast`` of the joint domain means) — and, for
single-question indicators, the Rao–Scott F test of the group × answer table (R ``svychisq``).
It also records which groups were **not asked** the indicator's question: by design (the
questionnaire's ``sites:`` give the site no section holding the question) or because none of the
group's respondents (at least ``MIN_CELL`` of them) answered it; such groups are shown as “未调查”/“not asked”, never as
“—” (which stays for groups suppressed because n < min_cell).

:func:`group_tables` turns the result into the chapter's tables (cells flagged △ small base,
— suppressed, 未调查 not asked, * significantly different from the rest at :data:`ALPHA`) and
:func:`significance_lines` into the sentences naming the groups that differ.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from analysis import Design
from analysis.domains import ValidRows
from analysis.group_tests import CodedItem, group_order, group_vs_rest_coded, independence_test
from analysis.indicators import Grouping, ItemSpec
from analysis.thresholds import MIN_CELL
from survey.questionnaire import Questionnaire

from analysis.thresholds import ALPHA  # noqa: E402 (defined once)
METHOD = "group vs rest: design-based t (R svyttest / svycontrast), df = design df − 1; Rao–Scott F (R svychisq)"


def _section_of(q: Questionnaire) -> dict:
    return {qq.id: s.id for s in q.sections for qq in s.questions}


def _not_asked_by_design(q: Questionnaire, grouping: Grouping, qids: Sequence[str]) -> set:
    """Labels of the site groups whose sections (questionnaire ``sites:``) hold none of ``qids``."""
    if grouping.name != "site" or not q.sites:
        return set()
    sec = _section_of(q)
    return {lab for lab in grouping.labels
            if not any(sec.get(qid) in q.sections_for_site(lab) for qid in qids)}


def _measure_items(its: Sequence[ItemSpec], coded: dict, measure: str, na_policy: str) -> tuple[list, list]:
    """Per item: the test's :class:`analysis.group_tests.CodedItem` (y: 1/0 for the rate, the score for
    the index; valid: the codes counted) and whether each answer code is an answer (finite)."""
    items, answered = [], []
    for it in its:  # per-code tables (a few values) indexed by the rows' codes where a step needs them
        codes, vals = coded[it.key]
        valid, y = it.code_tables(vals, measure, na_policy)
        items.append(CodedItem(codes, y, valid))
        answered.append(np.isfinite(vals))
    return items, answered


def _answered_in(g: Grouping, k: int, items: Sequence[CodedItem], answered: Sequence[np.ndarray]) -> bool:
    """Whether some respondent of group ``k`` answered some of the items."""
    mine = g.codes == k
    return any(bool(fin[it.codes[mine]].any()) for it, fin in zip(items, answered))


def group_tests(q: Questionnaire, des: Design, coded: dict, items: Sequence[ItemSpec],
                groupings: Sequence[Grouping], *, na_policy: str = "exclude", alpha: float = ALPHA,
                valid_rows: Optional[ValidRows] = None) -> Optional[dict]:
    """``{"alpha", "method", "by": {grouping: [{"indicator", "measure", "rao_scott", "groups": [...]}]}}``
    (see module docstring; the group records are :meth:`analysis.group_tests.GroupTest.to_dict` plus
    ``not_asked``), or None without groupings.  ``valid_rows``: the analysis's
    :class:`analysis.domains.ValidRows`, shared with the indicators."""
    if not groupings:
        return None
    rows_valid = ValidRows(des.n) if valid_rows is None else valid_rows
    by_ind: dict = {}
    for it in items:
        if it.key in coded:
            by_ind.setdefault(it.indicator, []).append(it)
    out: dict = {}
    for g in groupings:
        recs = []
        order = group_order(g.codes)  # the rows in group order, sorted once for all the grouping's tests
        size = np.bincount(g.codes[g.codes >= 0], minlength=len(g.labels))  # rows per group
        shared: dict = {}  # the last test's rows and its items' codes gathered to them (group_vs_rest_coded)
        for ind in q.indicators:
            its = by_ind.get(ind.id)
            if not its:
                continue
            qids = list(dict.fromkeys(it.key.split("_")[0] if q.get(it.key) is None else it.key for it in its))
            by_design = _not_asked_by_design(q, g, qids)
            for measure in ("rate", "index"):
                if measure == "index" and not its[0].scores:
                    continue
                cits, answered = _measure_items(its, coded, measure, na_policy)
                # the rows valid for some item, made once for the analysis (the rate's serve the index when
                # the items' valid answers agree; the indicators' aggregates ask for the same rows)
                some = rows_valid.of([(it.codes, it.valid) for it in cits])
                tests = group_vs_rest_coded(des, cits, g.codes, g.labels, order, some, shared)
                groups = []
                for k, t in enumerate(tests):
                    rec = t.to_dict(alpha)
                    # a group with rows valid for the test answered; else look for any answer in it
                    rec["not_asked"] = bool(t.group in by_design or (
                        size[k] >= MIN_CELL and t.n == 0 and not _answered_in(g, k, cits, answered)))
                    groups.append(rec)
                rs = None
                if len(its) == 1:  # the item's values coded from its per-code table; its valid rows (above)
                    rs = independence_test(des, None, some, g.codes, coded=cits[0].value_codes())
                recs.append({"indicator": ind.id, "name": ind.name or ind.id, "measure": measure,
                             "rao_scott": rs, "groups": groups})
        out[g.name] = recs
    return {"alpha": alpha, "method": METHOD, "by": out}


def _tests_of(result: dict, grouping: str, ind_id: str, measure: str) -> Optional[dict]:
    for r in ((result.get("group_tests") or {}).get("by") or {}).get(grouping, []):
        if r["indicator"] == ind_id and r["measure"] == measure:
            return r
    return None


def group_tables(result: dict, measure: str = "rate") -> dict:
    """Indicator × group tables: ``{grouping: {"groups": [labels], "rows": [{"id", "name", "overall",
    "cells": [{estimate, ci_low, ci_high, n, small_base, suppressed, not_asked, sig, direction, p,
    rest}]}]}}``; ``sig`` from the group-vs-rest test (never from interval overlap), never on a small-base
    cell (``small_base`` of :func:`report.suppression.apply_thresholds`: n < small_base, as no verdict is stated
    there, :func:`report.findings.too_few_to_judge`)."""
    out = {}
    for g in result["meta"].get("by", []):
        groups, rows = None, []
        for ind in result["indicators"]:
            by = (ind.get(f"{measure}_by") or {}).get(g)
            if not by or not ind.get(measure):
                continue
            groups = [r["group"] for r in by]
            tests = {t["group"]: t for t in (_tests_of(result, g, ind["id"], measure) or {}).get("groups", [])}
            cells = []
            for r in by:
                t = tests.get(r["group"], {})
                not_asked = bool(t.get("not_asked"))
                suppressed = bool(r.get("suppressed")) and not not_asked
                small = bool(r.get("small_base")) and not not_asked and not suppressed
                # no group is called significantly above or below the rest on a small base (△): the verdicts' rule
                sig = bool(t.get("significant")) and not suppressed and not not_asked and not small
                cells.append({"estimate": None if not_asked else r.get("estimate"), "ci_low": r.get("ci_low"),
                              "ci_high": r.get("ci_high"), "n": r.get("n"),
                              "small_base": small,
                              "suppressed": suppressed, "not_asked": not_asked, "sig": sig,
                              "direction": (1 if t["difference"] > 0 else -1) if sig else 0,
                              "p": t.get("p"), "rest": t.get("rest")})
            rows.append({"id": ind["id"], "name": ind["name"], "overall": ind[measure].get("estimate"),
                         "cells": cells})
        if groups:
            # groups without a single respondent (an option of the site or district question nobody
            # answered) are no groups of this sample: left out of the table and named in its note
            empty = [k for k in range(len(groups)) if all(not (r["cells"][k].get("n") or 0) for r in rows)]
            keep = [k for k in range(len(groups)) if k not in empty]
            out[g] = {"groups": [groups[k] for k in keep],
                      "rows": [dict(r, cells=[r["cells"][k] for k in keep]) for r in rows],
                      "empty": [groups[k] for k in empty],
                      "not_asked": any(r["cells"][k]["not_asked"] for r in rows for k in keep)}
    return out


def significance_lines(tab: dict, group_word: str, lang: str = "zh", small_base: int = 30) -> list:
    """One sentence per group differing significantly from the rest on some indicator: the indicators
    on which it is lower, then higher, each with the difference from the rest in percentage points.  A
    small-base cell (△, n < ``small_base``) is never significant (:func:`group_tables`): a group whose every
    reported cell is small gets a sentence of its own, 东湖区：样本过少（n=18），不作判定; with a single group
    there is nothing to compare, and the sentence says so."""
    from .findings import withheld_text
    from .labels import join_list, label
    from .table_cells import signed

    reported = [k for k in range(len(tab["groups"]))
                if any(not r["cells"][k].get("suppressed") and r["cells"][k].get("estimate") is not None
                       for r in tab["rows"])]
    if len(reported) < 2:
        names = join_list((tab["groups"][k] for k in reported), lang)
        one = "grp.one" if len(tab["groups"]) == 1 else "grp.one_reported"  # the others: too few to report
        return [label(one, lang).format(g=group_word, group=names)] if reported else []
    out, held = [], 0
    for k, lab in enumerate(tab["groups"]):
        lo, hi = [], []
        small = False
        for r in tab["rows"]:
            c = r["cells"][k]
            if c["sig"] and c["estimate"] is not None and c["rest"] is not None:
                d = 100 * (c["estimate"] - c["rest"])
                flag = " △" if c.get("small_base") else ""
                small = small or bool(flag)
                (hi if c["direction"] > 0 else lo).append(label("grp.diff", lang).format(name=r["name"], d=signed(d),
                                                                                         flag=flag))
        cells = [r["cells"][k] for r in tab["rows"]
                 if not r["cells"][k].get("suppressed") and r["cells"][k].get("estimate") is not None]
        if cells and all(c.get("small_base") for c in cells):
            held += 1
            out.append(label("grp.withheld", lang).format(group=lab, text=withheld_text(
                {"n": max(int(c.get("n") or 0) for c in cells)}, lang)) + label("sum.end", lang))
            continue
        if not lo and not hi:
            continue
        sep = label("word.list_sep_inline", lang)
        parts = ([label("grp.lower", lang).format(g=group_word, lst=sep.join(lo))] if lo else []) + \
                ([label("grp.higher", lang).format(g=group_word, lst=sep.join(hi))] if hi else [])
        out.append(label("grp.line", lang).format(group=lab, parts=label("grp.part_sep", lang).join(parts))
                   + (label("grp.small", lang).format(n=small_base) if small else "") + label("sum.end", lang))
    if len(out) == held:  # no group differs: said of the groups tested (all of them when none is small)
        judged = len(reported) - held
        if judged:
            out.append(label("grp.none_judged" if held else "grp.none", lang).format(g=group_word))
    return out


def table_note(group_word: str, small_base: int, min_cell: int, lang: str = "zh", not_asked: bool = True,
               empty: Sequence[str] = ()) -> str:
    """The group table's note; the 未调查 sentence only when the table has a not-asked cell, the 无样本
    sentence only when some groups (``empty``) had no respondent and were left out."""
    from .labels import join_list, label

    return label("note.group_compare", lang).format(g=group_word, sb=small_base, mc=min_cell, alpha=ALPHA) + (
        label("note.group_not_asked", lang).format(g=group_word) if not_asked else "") + (
        label("grp.empty", lang).format(g=group_word, groups=join_list(empty, lang)) if empty else "")


