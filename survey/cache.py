"""Cache of derived per-wave results of a project, keyed by everything they were derived from.

``survey analyze`` on a million responses reads the wave, checks it and computes every indicator;
run again with nothing changed it should not do that work twice (and ``survey report`` after
``survey analyze`` with the same options should not either).  A result is stored as JSON in the
project folder (``.minyi-cache/<kind>-<key>.json``, written atomically, owner-only) under a key
that is the SHA-256 of:

* the wave's imports as recorded by the store (id, file hash, rows accepted, time imported) and
  the stored data-quality checks of the wave (their signature and time) — any import, removal,
  collection batch or re-check changes it;
* the project's ``minyi.yaml`` and questionnaire file (bytes) and every file ``minyi.yaml`` names
  under ``margins`` (bytes);
* the command's options (wave, groupings, NA policy, CI method, confidence, df);
* the code that computes it: the minyi version and the size and modification time of every
  Python file of the ``survey``, ``analysis``, ``report`` and ``engines`` packages.

A stale entry is therefore never returned; entries are simply never found again and the oldest
are removed (:data:`KEEP` per kind).  The cache is an optimisation only: a folder that cannot be
written, or an entry that cannot be read, means the result is computed as without it.  The value
stored is the result as ``--json`` writes it (NaN as null), and that is what a hit returns.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Optional

from .jsontext import json_default
from .project_files import CONFIG, DB, QFILE

CACHE_DIR = ".minyi-cache"
KEEP = 8  # entries per kind
_PACKAGES = ("survey", "analysis", "report", "engines")


def code_version() -> str:
    """Digest of the minyi version and of (path, size, mtime) of the Python files of the packages
    that derive results (a few ms: stat calls only)."""
    if _CODE[0] is None:
        from . import __version__

        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(__version__.encode())
        for pkg in _PACKAGES:
            for p in sorted((root / pkg).rglob("*.py")):
                st = p.stat()
                h.update(f"{p.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
        _CODE[0] = h.hexdigest()
    return _CODE[0]


_CODE: list = [None]


def file_digest(path: Path) -> Optional[str]:
    """SHA-256 of a file's bytes (None when it does not exist)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def make_key(parts: dict) -> str:
    """The cache key of ``parts`` (any JSON-able mapping) together with :func:`code_version`."""
    text = json.dumps({"code": code_version(), **parts}, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _path(root: Path, kind: str, key: str) -> Path:
    return Path(root) / CACHE_DIR / f"{kind}-{key}.json"


def load(root: Path, kind: str, key: str) -> Optional[Any]:
    """The value stored under ``key``, or None (absent or unreadable)."""
    p = _path(root, kind, key)
    try:
        with open(p, encoding="utf-8") as f:
            value = json.load(f)
    except (OSError, ValueError):
        return None
    try:
        os.utime(p)  # most recently used: kept longest
    except OSError:
        pass
    return value


def store(root: Path, kind: str, key: str, value: Any, *, text: Optional[str] = None) -> None:
    """Store ``value`` (made JSON-safe: NaN as null, NumPy scalars as numbers) under ``key``; any
    failure to write leaves the project as it was.  ``text``: ``value`` already :func:`encoded`."""
    from .atomic import atomic_write_text

    try:
        if text is None:
            text = encoded(value)
        folder = Path(root) / CACHE_DIR
        folder.mkdir(mode=0o700, exist_ok=True)
        atomic_write_text(_path(root, kind, key), text, mode=0o600)
        entries = sorted(folder.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - an optimisation: never fail the command over it
        return


def encoded(value: Any) -> str:
    """``value`` as :func:`store` writes it: JSON text, NaN as null, NumPy scalars as numbers."""
    from .export import json_safe

    return json.dumps(json_safe(value), ensure_ascii=False, default=json_default, allow_nan=False)


def decoded(value: Any) -> Any:
    """``value`` as :func:`load` would return it after :func:`store` (the JSON round trip)."""
    return json.loads(encoded(value))


def clear(root: Path) -> int:
    """Remove every cached entry of the project; returns how many."""
    folder = Path(root) / CACHE_DIR
    n = 0
    for p in folder.glob("*.json") if folder.is_dir() else ():
        p.unlink(missing_ok=True)
        n += 1
    return n


def wave_state(project, wave: str) -> Optional[dict]:
    """What a wave's derived results depend on in the project folder (see the module docstring), or
    None when the wave's stored checks predate its imports (the next command re-checks it first)."""
    con = project.connect()
    try:
        return _state(Path(project.root), project.config, con, wave)
    finally:
        con.close()


def _state(root: Path, config: dict, con, wave: str) -> Optional[dict]:
    from .check_signature import check_signature

    imports = con.execute("SELECT id, sha256, accepted, imported_at FROM imports WHERE wave = ? ORDER BY id",
                          [wave]).fetchall()
    checks = con.execute("SELECT signature, checked_at FROM checks WHERE wave = ?", [wave]).fetchall()
    if not (checks and checks[0][0] == check_signature(con, wave, config)):
        return None
    margins = config.get("margins") if isinstance(config.get("margins"), dict) else {}
    themes = config.get("themes")
    return {"themes": file_digest(root / str(themes)) if themes else None, "wave": wave,
            "imports": [list(map(str, r)) for r in imports], "checks": list(map(str, checks[0])),
            "config": file_digest(root / CONFIG), "questionnaire": file_digest(root / QFILE),
            "margins": {str(k): file_digest(root / str(v)) for k, v in sorted(margins.items(), key=lambda kv: str(kv[0]))}}


def analysis_options(wave, by, na_policy, ci_method, confidence, df, lang: Optional[str] = None) -> dict:
    """The options part of an analysis's cache key, as given on the command line (defaults are
    resolved from minyi.yaml and the questionnaire, whose bytes are in the key); ``lang`` only when
    it is not the questionnaire's own language."""
    given = {"wave": wave, "by": None if by is None else list(by), "na": na_policy, "ci": ci_method,
             "confidence": confidence, "df": df}
    if lang:
        given["lang"] = lang
    return given


# the sections of an analysis result (report.pipeline.analyze), as --json writes it and the cache stores it
ANALYSIS_SECTIONS = frozenset({"meta", "sample", "indicators", "items", "areas", "composite", "hot_issues", "ranking",
                               "open_text", "ipa", "league", "group_tests", "questions", "reliability", "drivers",
                               "open_themes", "decisions"})


def is_analysis(value: Any, wave: str, options: dict) -> bool:
    """Whether an entry read from the cache is an analysis of ``wave`` made with ``options``: every section, the
    wave and the options given that the result records (``meta``).  An entry that is valid JSON but something
    else — cut short by hand, written by another program, a stray file under the entry's name — is computed
    again instead of printed (``{"meta": {}}`` stopped survey analyze with KeyError 'sample', and --json printed
    it as the analysis)."""
    if not isinstance(value, dict) or set(value) != ANALYSIS_SECTIONS:
        return False
    meta, sample = value["meta"], value["sample"]
    if not (isinstance(meta, dict) and isinstance(sample, dict) and isinstance(value["indicators"], list)):
        return False
    n = sample.get("n")
    if meta.get("wave") != wave or isinstance(n, bool) or not isinstance(n, int):
        return False
    na = options.get("na")
    # --na as given (excluded, unsatisfied, or the policy's own name, any case): the result records the policy
    # (exclude, count_negative) and its treatment (excluded, unsatisfied)
    if na is not None and str(na).strip().lower() not in (meta.get("na_policy"), meta.get("na_treatment")):
        return False
    said = {"ci": "ci_method", "confidence": "confidence"}
    return all(options.get(k) is None or meta.get(m) == options[k] for k, m in said.items())


def cached_analysis(root: Path, options: dict) -> Optional[dict]:
    """The analysis stored for ``options`` (:func:`analysis_options`) in the project at ``root``, or
    None: not a project, no such wave, checks out of date, or no entry.

    This is the path of a command run again on an unchanged project, so it reads only what the key
    needs — ``minyi.yaml``, the imports and checks tables, the hashed files — and loads neither the
    questionnaire model nor NumPy/pandas; nothing is validated here (an entry exists only for
    project files, options and code that were valid when it was stored)."""
    from .dbfile import open_db
    from .safeyaml import decode_yaml, safe_load
    from .waves import stored_waves

    root = Path(root)
    try:
        # read as the project reads it (UTF-8, else GBK): a Notepad-saved minyi.yaml is looked up too
        text = decode_yaml((root / CONFIG).read_bytes())
        config = (safe_load(text, str(root / CONFIG)) or {}) if text is not None else None
    except Exception:  # noqa: BLE001 - an unreadable config: the command proper reports it
        return None
    if not isinstance(config, dict) or not (root / DB).exists():
        return None
    try:
        con = open_db(root / DB, read_only=True, wait=0)
    except Exception:  # noqa: BLE001 - busy or damaged: the command proper waits or reports it
        return None
    try:
        waves = stored_waves(con, config)
        wave = options.get("wave") or (waves[-1] if waves else None)
        if wave not in waves:
            return None
        state = _state(root, config, con, wave)
    except Exception:  # noqa: BLE001 - an older or damaged store: the command proper reports it
        return None
    finally:
        con.close()
    if state is None:
        return None
    hit = load(root, "analyze", make_key({**state, "options": options}))
    if is_analysis(hit, state["wave"], options):
        import datetime as _dt

        hit["meta"]["generated_at"] = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")  # this command's time
        return hit
    return None
