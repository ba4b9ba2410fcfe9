"""Waves of a project: ids, the labels readers see, and fielding periods (``waves:`` in minyi.yaml).

A wave id (``2026Q3``) is what ``survey import --wave`` stores; readers never see it raw.  Every
output shows :func:`wave_label` instead.  ``waves:`` in ``minyi.yaml`` takes any of these forms:

* a list of ids — what ``survey import`` keeps for a new project: ``waves: [2026Q1, 2026Q3]``;
* a mapping id → label: ``waves: {2026Q3: 2026年第三季度}``;
* a mapping id → details: ``waves: {2026Q3: {label: 2026年第三季度, label_en: 2026 Q3,
  start: 2026-07-01, end: 2026-09-30}}`` (every key optional; forms may be mixed in one mapping).

Without a label, a label is derived from the common id patterns (``2026Q3`` → 2026年第三季度 /
2026 Q3, ``2026H1`` → 2026年上半年, ``2026-09`` or ``202609`` → 2026年9月, ``2026`` → 2026年); any
other id is shown as written.  When every wave has a ``start`` date, waves are ordered by it
(otherwise in the order of their first import).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .errors import MinyiError
from .labels import label as fixed_word
from .messages import did_you_mean, invisible_characters, problem, said_value, shown_plainly
from .project_files import CONFIG

DEFAULT_WAVE = "default"  # the wave of answers given none: an import without --wave, a serve with no waves

_KEYS = ("label", "label_en", "start", "end")
WAVE_NAME_MAX = 100  # characters of a wave's name: a cover, a listing line, a minyi.yaml key


def wave_name_problem(wave: Any) -> Optional[str]:
    """What is wrong with a wave's name, by the one rule every place a name enters follows (``survey import
    --wave``, ``survey serve --wave``, ``serve.wave`` and the keys of ``waves:`` in minyi.yaml); None when nothing.

    * ``"invisible"``: a control or invisible character (:func:`survey.messages.invisible_characters`, the rule of
      collector ids): ``--wave $'2026Q1\\n'`` splits the wave's line in minyi.yaml and every listing, U+202E shows
      it reversed, U+200B not at all;
    * ``"empty"``: nothing but spaces (``--wave ""``, an unset shell variable);
    * ``"spaces"``: spaces around the name (``"2026Q1 "`` would be a second wave beside 2026Q1);
    * ``"too-long"``: more than :data:`WAVE_NAME_MAX` characters.

    Checked in that order; each caller says the problem in its own words (the option or the key it came from)."""
    text = str(wave)
    if invisible_characters(text):
        return "invisible"
    if not text.strip():
        return "empty"
    if text != text.strip():
        return "spaces"
    if len(text) > WAVE_NAME_MAX:
        return "too-long"
    return None


@dataclass(frozen=True)
class Wave:
    """One wave: its id, labels (zh/en) and optional fielding period."""

    id: str
    label: str
    label_en: str
    start: Optional[dt.date] = None
    end: Optional[dt.date] = None

    def display(self, lang: str = "zh") -> str:
        """The label readers see in ``lang`` (zh or en)."""
        return self.label_en if lang == "en" else self.label

    def period(self, lang: str = "zh") -> Optional[str]:
        """The fielding period in words (2026年7月1日—9月30日 / 1 July – 30 September 2026; with one end only
        2026年7月1日起 / 2026年9月30日止), or None."""
        if self.start is None and self.end is None:
            return None
        if self.end is None:
            return fixed_word("date.from", lang).format(start=format_date(self.start, lang))
        if self.start is None:
            return fixed_word("date.until", lang).format(end=format_date(self.end, lang))
        return fixed_word("date.days_same_year" if self.start.year == self.end.year else "date.days", lang).format(
            start=format_date(self.start, lang), end=format_date(self.end, lang),
            end_month=month_word(self.end.month, lang), end_day=self.end.day)


def month_word(month: int, lang: str = "zh") -> str:
    """A month (1–12) as dates name it: 9月 / September (labels ``month.N``)."""
    return fixed_word(f"month.{month}", lang)


def format_date(d: dt.date, lang: str = "zh") -> str:
    """A date as written in reports: 2026年9月1日 (zh) or 1 September 2026 (en)."""
    return fixed_word("date.day", lang).format(y=d.year, month=month_word(d.month, lang), d=d.day)


def derived_label(wave_id: str, lang: str = "zh") -> str:
    """A readable label from a wave id of a common pattern; the id itself otherwise.  The wave minyi names itself,
    :data:`DEFAULT_WAVE` (an import without --wave), reads 本次调查 / this survey: a leader's text shows no raw id
    (docs/project-config.md, "waves")."""
    s = str(wave_id).strip()
    if s == DEFAULT_WAVE:
        return fixed_word("wave.default", lang)
    m = re.fullmatch(r"(\d{4})\s*[-_ ]?\s*[Qq]([1-4])", s)
    if m:
        y, k = int(m.group(1)), int(m.group(2))
        return fixed_word("wave.quarter", lang).format(y=y, quarter=fixed_word(f"quarter.{k}", lang))
    m = re.fullmatch(r"(\d{4})\s*[-_ ]?\s*[Hh]([12])", s)
    if m:
        y, h = int(m.group(1)), int(m.group(2))
        return fixed_word("wave.half", lang).format(y=y, half=fixed_word(f"half.{h}", lang))
    m = re.fullmatch(r"(\d{4})(?:[-_/.](\d{1,2})|(\d{2}))", s)
    if m and 1 <= int(m.group(2) or m.group(3)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2) or m.group(3))
        return fixed_word("date.month", lang).format(y=y, month=month_word(mo, lang))
    if re.fullmatch(r"\d{4}", s):
        return fixed_word("wave.year", lang).format(y=s)
    return s


def _date(v: Any, key: str, path: str) -> Optional[dt.date]:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip())
    except ValueError:
        raise MinyiError.of("config-not-date", file=path, key=key, value=said_value(v), suggestion=date_hint(v)) from None


def date_hint(v: Any) -> str:
    """What to write instead of ``v``: its ISO form when it is a date in another written form (2026/3/1,
    2026年3月1日, as :func:`survey.ledger_sheet.parse_date` reads them), else the general rule."""
    from .ledger_sheet import parse_date

    try:
        d = parse_date(v) if isinstance(v, str) else None
    except ValueError:
        d = None
    return f"write {d.isoformat()}" if d else "write dates as YYYY-MM-DD, e.g. 2026-07-01"


def read_waves(config: dict, path: str = CONFIG) -> dict[str, Wave]:
    """The waves configured in ``config['waves']`` (any form above), validated; ``{}`` when none.

    Raises :class:`MinyiError` (``config-waves-shape``, ``config-not-date``, ``config-wave-dates-reversed`` …)
    naming the key for a value of the wrong shape, a date that is not YYYY-MM-DD, or a start after the end.
    """
    raw = config.get("waves")
    if raw is None:
        return {}
    if isinstance(raw, list):
        raw = {w: None for w in raw}
    if not isinstance(raw, dict):
        raise MinyiError.of("config-waves-shape", file=path, key="waves", value=said_value(raw))
    out: dict[str, Wave] = {}
    probs: list = []
    for wid, spec in raw.items():  # every wave's problems at once (issue 2)
        try:
            _check_key(str(wid), path)
            out[str(wid)] = _wave(str(wid), spec, path)
        except MinyiError as e:
            probs += e.problems
    probs += _label_twice(raw, out, path)
    if probs:
        raise MinyiError(probs)
    return out


def _label_twice(raw: dict, waves: dict, path: str) -> list:
    """A wave shown under the label (zh or en, written or derived from its id) of an earlier one (catalogue
    ``config-wave-label-twice``): readers see waves only by their labels, so the trend would show two columns
    of one name and the brief compare 2026年第三季度 with 2026年第三季度."""
    probs, first = [], {}
    for w in waves.values():
        for written in ("label", "label_en"):
            text = getattr(w, written)
            other = first.setdefault((written, text), w.id)
            if other == w.id:
                continue
            spec = raw.get(w.id) if isinstance(raw.get(w.id), dict) else None
            key = f"waves.{w.id}.{written}" if spec is not None and spec.get(written) not in (None, "") else f"waves.{w.id}"
            probs.append(problem("config-wave-label-twice", file=path, key=key, wave=w.id, other=other, label=text,
                                 field=written))
            break
    return probs


def _check_key(wid: str, path: str) -> None:
    """A key of ``waves:`` held to the rule of ``--wave`` (:func:`wave_name_problem`): a wave listed under a name
    with a control or invisible character (U+200B pasted from a chat, a BOM, U+202E) is a wave no ``--wave`` typed
    by hand names and no listing shows as written (catalogue ``waves-key-invisible``, naming the key and the
    characters); quoted spaces around it, an empty or an over-long name likewise (``config-wave-name-…``)."""
    what = wave_name_problem(wid)
    if what == "invisible":
        raise MinyiError.of("waves-key-invisible", file=path, key=wid, where="waves", wave=shown_plainly(wid),
                            chars=", ".join(invisible_characters(wid)))
    if what == "empty":
        raise MinyiError.of("config-wave-name-empty", file=path, key="waves")
    if what == "spaces":
        raise MinyiError.of("config-wave-name-spaces", file=path, key="waves", wave=repr(wid), stripped=wid.strip())
    if what == "too-long":
        raise MinyiError.of("config-wave-name-too-long", file=path, key="waves", start=wid[:20], length=len(wid),
                            most=WAVE_NAME_MAX)


def _wave(wid: str, spec: Any, path: str) -> Wave:
    """One entry of ``waves:`` (an id with nothing, a label, or a mapping of :data:`_KEYS`); :class:`MinyiError`
    with all of its problems."""
    key = f"waves.{wid}"
    if spec is None:
        spec = {}
    elif isinstance(spec, (str, int, float)) and not isinstance(spec, bool):
        spec = {"label": str(spec)}
    if not isinstance(spec, dict):
        raise MinyiError.of("config-wave-shape", file=path, key=key, wave=wid, value=said_value(spec))
    probs = [problem("unknown-key", file=path, key=str(k), where=key,
                     suggestion=" ".join(x for x in (did_you_mean(str(k), _KEYS), "a wave has only: " + ", ".join(_KEYS))
                                         if x))
             for k in spec if k not in _KEYS]
    dates = []
    for part in ("start", "end"):
        try:
            dates.append(_date(spec.get(part), f"{key}.{part}", path))
        except MinyiError as e:
            probs += e.problems
            dates.append(None)
    start, end = dates
    if start and end and start > end:
        probs += MinyiError.of("config-wave-dates-reversed", file=path, key=key, wave=wid, start=start,
                               end=end).problems
    if probs:
        raise MinyiError(probs)
    label = str(spec["label"]).strip() if spec.get("label") not in (None, "") else derived_label(wid)
    label_en = (str(spec["label_en"]).strip() if spec.get("label_en") not in (None, "")
                else derived_label(wid, "en"))
    return Wave(wid, label, label_en, start, end)


def wave_info(config: dict, wave_id: str) -> Wave:
    """The configured wave, or one with derived labels when ``minyi.yaml`` does not describe it."""
    try:
        w = read_waves(config).get(str(wave_id))
    except MinyiError:
        w = None
    return w or Wave(str(wave_id), derived_label(wave_id), derived_label(wave_id, "en"))


def wave_label(config: dict, wave_id: str, lang: str = "zh") -> str:
    """What readers see for ``wave_id`` (see the module docstring)."""
    return wave_info(config, wave_id).display(lang)


def wave_by_label(config: dict, wave_ids: Iterable[str], given: Optional[str]) -> Optional[str]:
    """``--wave`` as typed: a wave id of ``wave_ids`` as is; else the id of the one wave whose label (zh or en) it
    is — readers see only labels (module docstring), so ``--wave 2026年第三季度`` names 2026Q3; else ``given``
    unchanged, for the caller's unknown-wave error."""
    ids = list(wave_ids)
    if given is None or given in ids:
        return given
    text = given.strip()
    hits = [w for w in ids if text in (wave_info(config, w).label, wave_info(config, w).label_en)]
    return hits[0] if len(hits) == 1 else given


def register_wave(config: dict, wave_id: str) -> bool:
    """Add an imported wave id to ``config['waves']`` keeping its form; True when the config changed."""
    raw = config.get("waves")
    if raw is None:
        config["waves"] = [wave_id]
        return True
    if isinstance(raw, list):
        if wave_id in raw:
            return False
        config["waves"] = list(raw) + [wave_id]
        return True
    if isinstance(raw, dict):
        if wave_id in raw or wave_id in {str(k) for k in raw}:
            return False
        raw[wave_id] = None
        return True
    return False


def unregister_wave(config: dict, wave_id: str) -> bool:
    """Forget a wave whose last import was removed; a wave with a label or dates stays described.

    True when the config changed."""
    raw = config.get("waves")
    if isinstance(raw, list) and wave_id in raw:
        config["waves"] = [w for w in raw if w != wave_id]
        return True
    if isinstance(raw, dict) and wave_id in raw and raw[wave_id] is None:
        del raw[wave_id]
        return True
    return False


def stored_waves(con, config: dict) -> list[str]:
    """The waves of the open project database ``con`` in :func:`order_waves` order."""
    rows = con.execute("SELECT wave, min(id) FROM imports GROUP BY wave ORDER BY 2").fetchall()
    return order_waves([r[0] for r in rows], config)


def _name_key(wave_id: str) -> list:
    """Natural sort key of a wave id: its runs of digits compared as numbers (2026-9 before 2026-10)."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(wave_id)) if p]


def id_period(wave_id: str) -> Optional[tuple[dt.date, dt.date]]:
    """The period a wave id of a common pattern names (2026Q3 → 2026-07-01…2026-09-30, 2026H1, 2026-09, 2026), as
    :func:`derived_label` reads it; None for any other id."""
    s = str(wave_id).strip()
    m = re.fullmatch(r"(\d{4})\s*[-_ ]?\s*[Qq]([1-4])", s)
    if m:
        y, k = int(m.group(1)), int(m.group(2))
        return dt.date(y, 3 * k - 2, 1), _month_end(y, 3 * k)
    m = re.fullmatch(r"(\d{4})\s*[-_ ]?\s*[Hh]([12])", s)
    if m:
        y, h = int(m.group(1)), int(m.group(2))
        return dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h)
    m = re.fullmatch(r"(\d{4})(?:[-_/.](\d{1,2})|(\d{2}))", s)
    if m and 1 <= int(m.group(2) or m.group(3)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2) or m.group(3))
        return dt.date(y, mo, 1), _month_end(y, mo)
    if re.fullmatch(r"\d{4}", s):
        return dt.date(int(s), 1, 1), dt.date(int(s), 12, 31)
    return None


def same_wave_as(wave_id: str, known: Iterable[str]) -> Optional[str]:
    """The wave of ``known`` that ``wave_id`` is another spelling of — upper/lower case or full-width characters
    (``2026q2``, ``２０２６Q2`` for ``2026Q2``), or the same period written another way (``2026-Q2``); None when
    ``wave_id`` is one of ``known`` or spells none of them.  Stored under its own spelling such a wave is a
    second wave beside the first, with the same label: the trend and the report would split one wave in two."""
    import unicodedata

    def folded(w: str) -> str:
        return unicodedata.normalize("NFKC", str(w)).strip().casefold()

    known = [str(k) for k in known]
    if wave_id in known:
        return None
    key, period = folded(wave_id), id_period(unicodedata.normalize("NFKC", str(wave_id)))
    for k in known:
        if folded(k) == key or (period is not None and id_period(unicodedata.normalize("NFKC", k)) == period):
            return k
    return None


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))


def id_date_warnings(config: dict, path: str = CONFIG) -> list:
    """Warnings (catalogue ``wave-id-dates``, each naming ``waves.<id>.start`` so that its minyi.yaml line is found)
    for a wave whose ``start:``/``end:`` lie wholly outside the period its id names while its label is the one
    derived from the id: the cover would print 2026年第三季度 above 2026年1月.  A wave with a label of its own is
    not warned about (readers never see the id).  [] when ``waves:`` cannot be read (its own errors say why)."""
    try:
        info = read_waves(config, path)
    except MinyiError:
        return []
    out = []
    for w in info.values():
        period = id_period(w.id)
        if period is None or (w.start is None and w.end is None) or w.label != derived_label(w.id):
            continue
        lo, hi = w.start or w.end, w.end or w.start
        if hi < period[0] or lo > period[1]:
            out.append(problem("wave-id-dates", file=path, severity="warning", key=f"waves.{w.id}."
                               + ("start" if w.start is not None else "end"), wave=w.id, start=lo, end=hi,
                               period=f"{period[0]} to {period[1]}", label=w.label))
    return out


def undated_order_warning(wave_ids: Iterable[str], config: dict, path: str = CONFIG):
    """A warning (catalogue ``wave-order-undated``) when ``wave_ids`` — a project's waves as :func:`order_waves`
    gives them — are in first-import order because not every wave has a ``start:`` date, and that order is
    not the order their names sort in (2026Q3 imported before 2026Q1): trend, score, ledger and brief would
    take the last imported wave as the newest.  None when the order is unambiguous."""
    from .messages import problem

    ids = list(wave_ids)
    try:
        info = read_waves(config, path)
    except MinyiError:
        info = {}
    if len(ids) < 2 or all(w in info and info[w].start is not None for w in ids):
        return None
    named = sorted(ids, key=_name_key)
    if named == ids:
        return None
    undated = next(w for w in ids if w not in info or info[w].start is None)
    return problem("wave-order-undated", file=path, severity="warning", imported=", ".join(ids),
                   named=", ".join(named), newest=ids[-1], example=undated)


def order_waves(wave_ids: Iterable[str], config: dict) -> list[str]:
    """``wave_ids`` (in first-import order) re-ordered by start date when every one of them has one."""
    ids = list(wave_ids)
    try:
        info = read_waves(config)
    except MinyiError:
        return ids
    starts = [info[w].start if w in info else None for w in ids]
    if ids and all(s is not None for s in starts):
        return [w for _, _, w in sorted(zip(starts, range(len(ids)), ids))]
    return ids
