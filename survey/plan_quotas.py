"""The allocation of ``survey plan --strata`` written as the web survey's quotas (``quotas:`` in minyi.yaml).

A coordinator plans the sample per district (or per survey site) and then serves it with one quota cell per
stratum: ``survey plan --margin 0.03 --strata districts.csv --quotas proj`` writes ``quotas: {mode, cells:
[{district: 东城区, target: 412}, …]}`` into ``proj/minyi.yaml`` instead of the targets being typed in by hand.

Rule: the strata are matched to the questionnaire's ``district_question`` options (labels or codes), else to its
``site_question`` options; every stratum must match one option of the same question, or nothing is written and
the unmatched names are listed with a suggestion.  The cells replace any ``quotas:`` cells of minyi.yaml (the
note says how many); ``mode`` is kept (``stop`` when there was none).  The new block is checked by the same
reader ``survey serve`` uses (:func:`survey.collect.settings.parse_quotas`) before minyi.yaml is rewritten
(atomically, as every configuration change; only the ``quotas:`` block is rewritten, every other key and
comment stays as the user left it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .errors import MinyiError
from .messages import did_you_mean
from .project_files import CONFIG, set_top_key


@dataclass(frozen=True)
class PlanQuotas:
    """What :func:`write_plan_quotas` wrote: the grouping (``district`` or ``site``), the cells and the number of
    cells it replaced."""

    by: str
    cells: tuple  # (label, target)
    replaced: int
    mode: str
    config_path: str  # the minyi.yaml written

    def note(self) -> str:
        """One line for the terminal: what was written where."""
        was = f", replacing {self.replaced} earlier cell(s)" if self.replaced else ""
        total = sum(t for _, t in self.cells)
        return (f"wrote {len(self.cells)} quota cell(s) by {self.by} (total {total:,}, mode {self.mode}) to "
                f"{self.config_path}{was}; survey serve reads them at its next start or reload")


def _match(q, qid: Optional[str], names: Sequence[str]) -> tuple[dict, list]:
    """{stratum: option label} of the strata that name an option of ``qid``, and the unmatched strata."""
    if not qid:
        return {}, list(names)
    found, missing = {}, []
    for s in names:
        try:
            code = q.resolve_code(qid, int(s) if str(s).strip().isdigit() else s)
        except KeyError:
            missing.append(s)
            continue
        found[s] = q.question(qid).option_by_code(code).label
    return found, missing


def write_plan_quotas(project, strata: Sequence[str], sizes: Sequence[int], strata_file: str) -> PlanQuotas:
    """Write the allocation (``strata`` with sample ``sizes``) as the quota cells of ``project`` (module
    docstring).  Raises :class:`MinyiError` naming the strata file when a stratum names no district or site."""
    from .collect.settings import parse_quotas

    q = project.questionnaire
    config_path = str(project.root / CONFIG)
    matched = {what: _match(q, qid, strata) for what, qid in (("district", q.district_question),
                                                              ("site", q.site_question))}
    by = next((what for what, (_, missing) in matched.items() if not missing), None)
    if by is None:  # named against the district question when there is one, else the site question
        what = "district" if q.district_question else "site"
        qid = q.district_question or q.site_question
        options = [o.label for o in q.question(qid).options] if qid else []
        missing = matched[what][1]
        hint = (did_you_mean(str(missing[0]), options) or "use one of: " + ", ".join(options)) if options else \
            "the questionnaire has no district_question or site_question to set quotas on"
        raise MinyiError.of("plan-quota-strata", file=strata_file, what="district or site" if options else "grouping",
                            strata=", ".join(f"'{s}'" for s in missing[:5]) + (" …" if len(missing) > 5 else ""),
                            suggestion=hint)
    old = project.config.get("quotas")
    old_cells = old.get("cells") if isinstance(old, dict) else old
    mode = str(old.get("mode", "stop")) if isinstance(old, dict) else "stop"
    labels = matched[by][0]
    pairs = tuple((labels[s], int(n)) for s, n in zip(strata, sizes))
    raw = {"mode": mode, "cells": [{by: label, "target": n} for label, n in pairs]}
    parse_quotas(raw, q, config_path)  # as survey serve will read them
    set_top_key(project.root / CONFIG, "quotas", raw)
    project.config["quotas"] = raw
    return PlanQuotas(by, pairs, len(old_cells) if isinstance(old_cells, list) else 0, mode, config_path)

