"""Population margins named in the project config, for the report's sample-composition tables.

``minyi.yaml`` may carry ``margins: {district: pop_district.csv, gender: pop_gender.csv}``: the keys
are composition dimensions (``site``, ``district``, ``gender``, ``age``, ``education``) or question
ids; the paths are relative to the project folder.  Each file is read with
:func:`survey.tabular.read_table` (CSV UTF-8/GBK, XLSX, ...): first column the category (the option
label as in the questionnaire, or its code), second column the population count or share
(``0.23``, ``23%`` or ``125,000``; a header row is optional).  Values are turned into shares of
their sum.  The file is read by :func:`survey.margins.read_margin_file`.  Any problem raises one
:class:`~survey.errors.MinyiError` naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from survey.errors import MinyiError
from survey.margins import read_margin_file
from survey.messages import did_you_mean, said_value
from survey.project_files import CONFIG
from survey.questionnaire import Questionnaire


def read_margins(root: Path, q: Questionnaire, spec: Any, config_file: Optional[Path] = None) -> dict:
    """``{dimension: {option label: population share}}`` from the config's ``margins`` mapping
    (see :func:`read_margins_with_totals`)."""
    return read_margins_with_totals(root, q, spec, config_file)[0]


def read_margins_with_totals(root: Path, q: Questionnaire, spec: Any,
                             config_file: Optional[Path] = None) -> tuple[dict, dict]:
    """``({dimension: {option label: population share}}, {dimension: population total or None})``
    from the config's ``margins`` mapping; the total is the sum of the file's counts (None when
    the file gives shares or percentages: every value <= 1, or written with %).

    Categories are matched to the question's option labels (or codes); a category the question
    does not have, a repeated category or a zero total is an error naming the file.  Options the
    file does not list get no population share (shown as —).
    """
    from .pipeline import composition_questions

    cfg = str(config_file or root / CONFIG)
    if not spec:
        return {}, {}
    if not isinstance(spec, dict):
        raise MinyiError.of("config-not-mapping", file=cfg, key="margins", value=said_value(spec),
                            example="margins: {district: pop_district.csv, gender: pop_gender.csv}")
    dims = composition_questions(q)
    by_qid = {v: k for k, v in dims.items()}
    out: dict = {}
    totals: dict = {}
    for key, rel in spec.items():
        key = str(key)
        dim = key if key in dims else by_qid.get(key)
        if dim is None:
            raise MinyiError.of("config-margins-not-dimension", file=cfg, key=f"margins.{key}", dimension=key,
                                suggestion=did_you_mean(key, list(dims)) or f"use one of: {', '.join(dims)}")
        if not isinstance(rel, (str, Path)) or not str(rel).strip():
            raise MinyiError.of("config-margins-not-path", file=cfg, key=f"margins.{key}", dimension=key,
                                value=said_value(rel))
        path = Path(rel) if Path(rel).is_absolute() else root / str(rel)
        qq = q.question(dims[dim])
        labels = {o.label: o.label for o in qq.options}
        labels.update({str(o.code): o.label for o in qq.options if str(o.code) not in labels})
        shares: dict = {}
        unknown = []
        if not path.exists():
            raise MinyiError.of("margin-file-missing", file=str(path), path=str(path))
        for c, v in zip(*read_margin_file(path)):
            lab = labels.get(c)
            if lab is None:
                unknown.append(c)
                continue
            if lab in shares:
                raise MinyiError.of("margin-listed-twice", file=str(path), category=c)
            shares[lab] = v
        if unknown:
            raise MinyiError.of("margin-not-options", file=str(path), qid=qq.id, dim=dim,
                                categories=", ".join(f"'{u}'" for u in unknown[:10]),
                                labels="、".join(o.label for o in qq.options))
        total = sum(shares.values())
        if total <= 0:
            raise MinyiError.of("margin-sum-zero", file=str(path))
        out[dim] = {lab: v / total for lab, v in shares.items()}
        totals[dim] = total if any(v > 1 for v in shares.values()) else None
    return out, totals
