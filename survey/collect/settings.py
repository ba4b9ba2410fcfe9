"""Serve settings and quotas, from ``minyi.yaml`` (and the ``survey serve`` options).

``minyi.yaml``::

    serve:
      wave: 2026Q3          # wave of the collected answers (--wave wins; without either: the wave
                            # whose start..end contains today; else the latest wave; else 'default')
      access_code: "2468"   # respondents type it once before answering (optional)
      rate_limit: 30        # answers stored per minute from one IP address (0 = no limit); answers refused
                            # are counted apart, up to 5 times as many (survey.collect.app.REFUSED_PER_STORED);
                            # collectors' signed links are not limited
      one_per_device: true  # one submission per phone, except through a collector's link
      max_body_kb: 256      # largest accepted request
      merge_every: 10       # seconds between merges of the journal into the project store
    quotas:
      mode: stop            # stop: a full cell takes no more answers; keep: count on, over target
      cells:
        - {site: 社区, district: 东城区, target: 120}
        - {district: 西城区, target: 300}    # a district over all sites

``quotas`` may also be the list of cells alone (mode ``stop``).  Sites and districts are option
labels (or codes) of the questionnaire's ``site_question`` / ``district_question``; targets can
be written by ``survey plan --strata … --quotas DIR`` (one cell per stratum, survey.plan_quotas) or be typed in.
A cell counts the answers collected by ``survey serve`` in the serve wave.  The quotas in force while a
wave is served are kept in the journal for that wave (:meth:`Quotas.to_json`): an answer of an older wave
that arrives late from a phone's outbox is checked against its own wave's quotas, never against today's.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..errors import MinyiError
from ..messages import did_you_mean, problem, said_value
from ..project_files import CONFIG
from ..questionnaire import Questionnaire
from ..waves import DEFAULT_WAVE

SERVE_KEYS = {"wave", "access_code", "rate_limit", "one_per_device", "max_body_kb", "merge_every"}
QUOTA_MODES = ("stop", "keep")
# the most characters of an access code: the form's code box takes no more (its maxlength), so a longer code could
# never be typed and every answer would be refused
ACCESS_CODE_MOST = 64
DEFAULTS = {"rate_limit": 30, "one_per_device": True, "max_body_kb": 256, "merge_every": 10.0}


@dataclass(frozen=True)
class QuotaCell:
    site: Optional[str]  # label; None = every site
    district: Optional[str]
    target: int

    def matches(self, site: Optional[str], district: Optional[str]) -> bool:
        return (self.site is None or self.site == site) and (self.district is None or self.district == district)

    @property
    def name(self) -> str:
        return "·".join(x for x in (self.site, self.district) if x) or "全部"


@dataclass(frozen=True)
class Quotas:
    mode: str = "stop"
    cells: tuple = ()

    def to_json(self) -> str:
        """The quotas as JSON, kept in the journal as the quotas in force for a wave (:meth:`from_json`)."""
        import json

        return json.dumps({"mode": self.mode, "cells": [[c.site, c.district, c.target] for c in self.cells]},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Quotas":
        import json

        d = json.loads(text)
        return cls(mode=str(d["mode"]), cells=tuple(QuotaCell(s, di, int(t)) for s, di, t in d["cells"]))

    def full_cells(self, counts: dict, site: Optional[str], district: Optional[str]) -> list[QuotaCell]:
        """Cells that ``(site, district)`` falls in and that have reached their target."""
        out = []
        for c in self.cells:
            if c.matches(site, district):
                n = sum(v for (s, d), v in counts.items() if c.matches(s, d))
                if n >= c.target:
                    out.append(c)
        return out


@dataclass
class ServeSettings:
    wave: str = DEFAULT_WAVE
    access_code: Optional[str] = None
    rate_limit: int = DEFAULTS["rate_limit"]
    one_per_device: bool = True
    max_body_kb: int = DEFAULTS["max_body_kb"]
    merge_every: float = DEFAULTS["merge_every"]
    quotas: Quotas = field(default_factory=Quotas)


def _err(config_path: str, code: str, key: str, **params) -> MinyiError:
    """The catalogue problem ``code`` about the key ``key`` of minyi.yaml (located at its line by
    :func:`survey.config_marks.locate`)."""
    return MinyiError.of(code, file=config_path, key=key, **params)


def default_wave(config: dict, today: Optional[_dt.date] = None, path: str = CONFIG) -> str:
    """The serve wave when neither --wave nor serve.wave says: the wave whose fielding period
    (``waves:`` start/end, :mod:`survey.waves`) contains today, else the last wave — the latest by start date when
    every wave has one (:func:`survey.waves.order_waves`, the order trend/score/ledger/brief use), else the last
    listed — else 'default'.  A list written out of date order must not send today's answers to an old wave."""
    from ..waves import order_waves, read_waves

    waves = read_waves(config, path)
    today = today or _dt.date.today()
    for w in waves.values():
        if (w.start or w.end) and (w.start is None or w.start <= today) and (w.end is None or today <= w.end):
            return w.id
    return order_waves(list(waves), config)[-1] if waves else DEFAULT_WAVE


def wave_dates_warning(config: dict, wave: str, today: Optional[_dt.date] = None, path: str = CONFIG):
    """A warning (catalogue ``serve-wave-dates``) when the served wave has dates in ``waves:`` and today is outside
    them — serve.wave or --wave left on last quarter's round, or no wave dated for today so the last one is taken
    (:func:`default_wave`): every answer collected now would be filed under the old round without a word.  The
    answers still go there (the wave is the operator's to choose); None when today is within the dates or the wave
    has none."""
    from ..messages import problem
    from ..waves import read_waves

    try:
        info = read_waves(config, path).get(wave)
    except MinyiError:
        return None
    today = today or _dt.date.today()
    if info is None or (info.start is None and info.end is None):
        return None
    if (info.start is None or info.start <= today) and (info.end is None or today <= info.end):
        return None
    period = (f"{info.start} to {info.end}" if info.start and info.end else
              f"from {info.start}" if info.start else f"until {info.end}")
    return problem("serve-wave-dates", file=path, severity="warning", today=today.isoformat(), wave=wave,
                   label=info.label, period=period)


def _label(q: Questionnaire, qid: Optional[str], value: Any, key: str, config_path: str, what: str) -> Optional[str]:
    if value is None:
        return None
    if not qid:
        raise _err(config_path, "config-quota-no-question", key, what=what)
    try:
        code = q.resolve_code(qid, value)
    except KeyError:
        labels = [o.label for o in q.question(qid).options]
        raise _err(config_path, "config-quota-unknown-value", key, value=value, what=what,
                   suggestion=did_you_mean(str(value), labels) or "use one of: " + ", ".join(labels))
    return q.question(qid).option_by_code(code).label


def parse_quotas(raw: Any, q: Questionnaire, config_path: str) -> Quotas:
    """Quotas from the ``quotas:`` value of minyi.yaml (see module docstring); errors name the key, every
    problem at once (one :class:`MinyiError`; issue 2's all-problems rule)."""
    if raw is None:
        return Quotas()
    probs: list = []
    mode, cells = "stop", raw
    if isinstance(raw, dict):
        for k in sorted(set(raw) - {"mode", "cells"}):
            probs.append(problem("unknown-key", file=config_path, key=k, where="quotas",
                                 suggestion=did_you_mean(k, ["mode", "cells"]) or "use mode and cells"))
        mode = str(raw.get("mode", "stop"))
        cells = raw.get("cells") or []
    if mode not in QUOTA_MODES:
        probs += _err(config_path, "config-quota-mode", "quotas.mode", value=said_value(mode)).problems
    if not isinstance(cells, list):
        probs += _err(config_path, "config-not-list", "quotas.cells", value=said_value(cells),
                      example="cells: [{site: 社区, district: 东城区, target: 120}]").problems
        cells = []
    out, seen = [], set()
    for i, c in enumerate(cells, start=1):
        try:
            cell = _quota_cell(c, f"quotas.cells[{i}]", q, config_path, seen)
        except MinyiError as e:
            probs += e.problems
            continue
        seen.add((cell.site, cell.district))
        out.append(cell)
    if probs:
        raise MinyiError(probs)
    return Quotas(mode=mode, cells=tuple(out))


def _quota_cell(c: Any, key: str, q: Questionnaire, config_path: str, seen: set) -> QuotaCell:
    """One entry of ``quotas.cells`` (``key`` names it); :class:`MinyiError` with its problems."""
    if not isinstance(c, dict):
        raise _err(config_path, "config-not-mapping", key, value=said_value(c),
                   example="- {site: 社区, district: 东城区, target: 120}")
    probs = [problem("unknown-key", file=config_path, key=k, where=key,
                     suggestion=did_you_mean(k, ["site", "district", "target"]) or "use site, district, target")
             for k in sorted(set(c) - {"site", "district", "target"})]
    t = c.get("target")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or t < 0 or float(t) != int(t):
        if t is None:  # no target: (or an empty one) is said so, not as Python's None
            probs += _err(config_path, "config-quota-target-missing", f"{key}.target").problems
        else:
            probs += _err(config_path, "config-not-whole-number", f"{key}.target", least=0, value=said_value(t),
                          example="target: 120").problems
    site = district = None
    try:
        site = _label(q, q.site_question, c.get("site"), f"{key}.site", config_path, "site")
    except MinyiError as e:
        probs += e.problems
    try:
        district = _label(q, q.district_question, c.get("district"), f"{key}.district", config_path, "district")
    except MinyiError as e:
        probs += e.problems
    if probs:
        raise MinyiError(probs)
    if site is None and district is None:
        raise _err(config_path, "config-quota-cell-empty", key)
    if (site, district) in seen:
        cell = "·".join(x for x in (site, district) if x)  # 社区·东城区 as the dashboard names a cell
        raise _err(config_path, "config-quota-cell-twice", key, cell=cell)
    return QuotaCell(site, district, int(t))


def load_settings(config: dict, q: Questionnaire, config_path: str | Path, *, wave: Optional[str] = None,
                  access_code: Optional[str] = None, rate_limit: Optional[int] = None,
                  merge_every: Optional[float] = None) -> ServeSettings:
    """Settings from minyi.yaml's ``serve:`` and ``quotas:``; the given options win.  Every problem of both at
    once (one :class:`MinyiError`; issue 2's all-problems rule), each naming its key."""
    path = str(config_path)
    raw = config.get("serve") or {}
    if not isinstance(raw, dict):
        raise _err(path, "config-not-mapping", "serve", value=said_value(raw), example="serve: {wave: 2026Q3, rate_limit: 30}")
    probs = [problem("unknown-key", file=path, key=k, where="serve",
                     suggestion=did_you_mean(k, sorted(SERVE_KEYS)) or "remove it") for k in raw if k not in SERVE_KEYS]
    s = ServeSettings()
    # the rule of survey import's --wave (survey.waves.wave_name_problem), in serve's words: the option, or the key
    # of the file; a wrong --wave is a wrong command line (exit status 2), a wrong serve.wave bad input (1)
    from ..store import check_wave_characters
    from ..waves import WAVE_NAME_MAX, wave_name_problem

    if wave is not None:
        what = wave_name_problem(wave)
        if what == "invisible":
            check_wave_characters(str(wave), done="served")
        elif what is not None:
            raise MinyiError.of("serve-wave-name", wave=str(wave), max=WAVE_NAME_MAX)
    else:
        wave = raw.get("wave") if raw.get("wave") is not None else default_wave(config, path=path)
        what = wave_name_problem(wave)
        if what == "invisible":
            try:
                check_wave_characters(str(wave), where="serve.wave", done="served", file=path)
            except MinyiError as e:
                probs += e.problems
        elif what is not None:
            probs += _err(path, "config-serve-wave", "serve.wave", value=said_value(str(wave))).problems
    s.wave = str(wave)
    # the code as a respondent can type it: the phone form and the server drop the spaces around what is typed, so a
    # code kept with them (--access-code " 2468", a quoted " 2468 " in minyi.yaml) refused every respondent
    code = access_code if access_code is not None else raw.get("access_code")
    if access_code is None and code is not None and (isinstance(code, bool) or not isinstance(code, (str, int))):
        # true, a list, 1.50 (read as 1.5): no respondent could type what the server would compare
        probs += _err(path, "config-not-text", "serve.access_code", value=said_value(code),
                      example='access_code: "2468"').problems
        code = None
    elif isinstance(code, str) and code and not code.strip():
        probs += _err(path, "config-serve-access-code-blank", "serve.access_code", value=said_value(code)).problems
    elif access_code is None and code is not None and len(str(code).strip()) > ACCESS_CODE_MOST:
        probs += _err(path, "config-serve-access-code-long", "serve.access_code", count=len(str(code).strip()),
                      most=ACCESS_CODE_MOST).problems
        code = None
    s.access_code = str(code).strip() if code not in (None, "") else None
    given = {"rate_limit": rate_limit, "merge_every": merge_every}
    for key, kind in (("rate_limit", int), ("max_body_kb", int), ("merge_every", float)):
        v = given.get(key) if given.get(key) is not None else raw.get(key, DEFAULTS[key])
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 or (kind is int and float(v) != int(v)):
            probs += _err(path, "config-not-whole-number" if kind is int else "config-not-number", f"serve.{key}",
                          least=0, value=said_value(v), example=f"{key}: {DEFAULTS[key]}").problems
        else:
            setattr(s, key, kind(v))
    probs += _range_problems(s, path)
    opd = raw.get("one_per_device", True)
    if not isinstance(opd, bool):
        probs += _err(path, "config-not-bool", "serve.one_per_device", value=said_value(opd)).problems
    else:
        s.one_per_device = opd
    try:
        s.quotas = parse_quotas(config.get("quotas"), q, path)
    except MinyiError as e:
        probs += e.problems
    if probs:
        raise MinyiError(probs)
    return s


def _range_problems(s: ServeSettings, path: str) -> list:
    """``max_body_kb`` of at least 8 (one questionnaire) and ``merge_every`` above 0 seconds and at most a day."""
    probs = []
    if s.max_body_kb < 8:
        probs += _err(path, "config-serve-body-too-small", "serve.max_body_kb", value=s.max_body_kb).problems
    if s.merge_every <= 0:
        probs += _err(path, "config-not-positive", "serve.merge_every", value=said_value(s.merge_every),
                      example="merge_every: 10 (seconds)").problems
    elif not s.merge_every <= 86400:  # .inf or 1e308: the merge thread's wait overflowed (a traceback, no merges)
        probs += _err(path, "config-serve-merge-every-too-long", "serve.merge_every",
                      value=said_value(s.merge_every)).problems
    return probs
