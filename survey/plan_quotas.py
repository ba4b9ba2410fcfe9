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

import re

import yaml

from .atomic import atomic_write_text
from .errors import MinyiError
from .messages import did_you_mean
from .project_files import CONFIG


@dataclass(frozen=True)
class PlanQuotas:
    """What :func:`write_plan_quotas` wrote: the grouping (``district`` or ``site``), the cells and the number of
    cells it replaced."""

    by: str
    cells: tuple  # (label, target)
    replaced: int
    mode: str

    def note(self, config_path: str) -> str:
        """One line for the terminal: what was written where."""
        was = f", replacing {self.replaced} earlier cell(s)" if self.replaced else ""
        total = sum(t for _, t in self.cells)
        return (f"wrote {len(self.cells)} quota cell(s) by {self.by} (total {total:,}, mode {self.mode}) to "
                f"{config_path}{was}; survey serve reads them at its next start or reload")


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
    by, labels = None, {}
    for what, qid in (("district", q.district_question), ("site", q.site_question)):
        found, missing = _match(q, qid, strata)
        if not missing:
            by, labels = what, found
            break
    if by is None:
        qid = q.district_question or q.site_question
        options = [o.label for o in q.question(qid).options] if qid else []
        found, missing = _match(q, qid, strata)
        hint = (did_you_mean(str(missing[0]), options) or "use one of: " + ", ".join(options)) if options else \
            "the questionnaire has no district_question or site_question to set quotas on"
        raise MinyiError.of("plan-quota-strata", file=strata_file, what="district or site" if options else "grouping",
                            strata=", ".join(f"'{s}'" for s in missing[:5]) + (" …" if len(missing) > 5 else ""),
                            suggestion=hint)
    old = project.config.get("quotas")
    old_cells = old.get("cells") if isinstance(old, dict) else old
    mode = str(old.get("mode", "stop")) if isinstance(old, dict) else "stop"
    cells = [{by: labels[s], "target": int(n)} for s, n in zip(strata, sizes)]
    raw = {"mode": mode, "cells": cells}
    parse_quotas(raw, q, config_path)  # as survey serve will read them
    set_top_key(project.root / CONFIG, "quotas", raw)
    project.config["quotas"] = raw
    return PlanQuotas(by, tuple((labels[s], int(n)) for s, n in zip(strata, sizes)),
                      len(old_cells) if isinstance(old_cells, list) else 0, mode)


def set_top_key(path, key: str, value) -> None:
    """Set the top-level ``key`` of the YAML file ``path`` to ``value``, rewriting only that key's block (the
    line ``key:`` and its indented or list lines) or appending it; other keys, comments and layout are kept.
    The result is checked by parsing it (the same mapping with ``key`` set); text too unusual to edit that way
    is written out again in full.  Atomic (:func:`survey.atomic.atomic_write_text`)."""
    text = path.read_text(encoding="utf-8")
    disk = yaml.safe_load(text) or {}
    want = dict(disk, **{key: value})
    block = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False)
    lines = text.splitlines(keepends=True)
    head = next((i for i, ln in enumerate(lines) if re.match(rf"{re.escape(key)}[ \t]*:", ln)), None)
    if head is None:
        new = text + ("" if not text or text.endswith("\n") else "\n") + block
    else:
        end = head + 1
        while end < len(lines) and (lines[end][:1] in (" ", "\t", "-", "\n", "\r") or lines[end].startswith("#")
                                    and end + 1 < len(lines) and lines[end + 1][:1] in (" ", "\t", "-")):
            end += 1
        new = "".join(lines[:head]) + block + "".join(lines[end:])
    try:
        ok = yaml.safe_load(new) == want
    except yaml.YAMLError:
        ok = False
    atomic_write_text(path, new if ok else yaml.safe_dump(want, allow_unicode=True, sort_keys=False))
