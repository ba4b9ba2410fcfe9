"""Responsible units (责任单位) per area: who acts on a finding.

An area's unit is ``owner:`` in the questionnaire (``areas: [{id: env, name: 城市环境, owner: 市城管局}]``),
overridden per project by ``owners:`` in ``minyi.yaml`` (``owners: {env: 市城管局, traffic: 市公安局交警支队}``)
— the same questionnaire serves several cities whose departments differ.  The report's district problem
list, the brief and the rectification ledger name these units.
"""

from __future__ import annotations

from .errors import MinyiError
from .messages import did_you_mean, said_value
from .project_files import CONFIG
from .questionnaire import Questionnaire


def responsible_units(q: Questionnaire, config: dict, path: str = CONFIG) -> dict[str, str]:
    """Area id → responsible unit (areas without one are left out).

    Raises :class:`MinyiError` when ``owners:`` is not a mapping of known area ids to text.
    """
    units = {a.id: a.owner for a in q.areas if a.owner}
    raw = config.get("owners")
    if raw is None:
        return units
    if not isinstance(raw, dict):
        raise MinyiError.of("config-not-mapping", file=path, key="owners", value=said_value(raw),
                            example="owners: {env: 市城管局, traffic: 市公安局交警支队}")
    ids = [a.id for a in q.areas]
    for k, v in raw.items():
        if str(k) not in ids:
            raise MinyiError.of("unknown-ref", file=path, where="owners", what="area", ref=k,
                                suggestion=did_you_mean(str(k), ids) or "use an area id of the questionnaire")
        if isinstance(v, bool) or (v is not None and not isinstance(v, (str, int, float))):
            raise MinyiError.of("config-owner-unit", file=path, key=f"owners.{k}", area=k, value=said_value(v))
        if v not in (None, ""):
            units[str(k)] = str(v).strip()
    return units


def issuing_office(config: dict, org: str | None, lang: str = "zh") -> str:
    """The office that issues the report and the brief: ``--org``, else ``org:`` in ``minyi.yaml``, else the
    default (市文明办 / the civilisation office), so both documents name the same office."""
    from .labels import label

    given = org if org not in (None, "") else config.get("org")
    return str(given).strip() if given not in (None, "") else label("word.default_org", lang)


def unit_or_lead(unit: str | None, office: str, lang: str = "zh") -> str:
    """A finding's or a ledger item's responsible unit; one no unit owns (no ``owner:``, no ``ledger:
    default_unit``, e.g. overall satisfaction) is led by the issuing office — ``市文明办（牵头）`` — in the brief
    and in the report's ledger table alike."""
    from .labels import label, line_start

    return unit if unit not in (None, "") else line_start(label("word.lead_unit", lang).format(org=office))
