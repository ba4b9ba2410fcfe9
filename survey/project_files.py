"""The file names of a project folder (``survey init`` writes them; :mod:`survey.store` reads them).

Kept apart from :mod:`survey.store` so that a module that must stay light (the cache lookup of
:mod:`survey.cache`, run before NumPy and pandas load) names the same files."""

from typing import TYPE_CHECKING

CONFIG = "minyi.yaml"  # the project's settings
DB = "minyi.duckdb"  # the DuckDB store of imports, responses, checks and history
QFILE = "questionnaire.yaml"  # the project's copy of its questionnaire

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path


def setting(config: dict, key: str, default):
    """``config[key]``, or ``default`` when the key is absent or left empty (``ci_method:`` with nothing after it is
    YAML's null: read as not set, as every setting is, not as a method named 'None')."""
    value = config.get(key)
    return default if value is None else value


def require_project(root) -> "Path":
    """``root`` as a :class:`~pathlib.Path` when it holds a project (its settings and its store), else
    :meth:`survey.store.Project.open`'s one message (``not-a-project``) — told before the store's
    libraries (pandas, DuckDB) load, so a mistyped folder is answered at once."""
    from pathlib import Path

    from .errors import MinyiError

    root = Path(root)
    if root.is_file():  # "create one with: survey init FILE" would only fail again ("is a file, not a folder")
        raise MinyiError.of("project-is-file", file=str(root), path=str(root))
    has_config, has_db = (root / CONFIG).exists(), (root / DB).exists()
    if has_db and not has_config:  # a project whose settings file was deleted or not copied: name that file
        raise MinyiError.of("project-config-missing", file=str(root / CONFIG), path=str(root), config=CONFIG, db=DB,
                            qfile=QFILE)
    if has_config and not has_db and (root / QFILE).exists():  # the store gone from a project survey init made
        raise MinyiError.of("project-store-missing", file=str(root / DB), path=str(root), config=CONFIG, db=DB)
    if not has_config or not has_db:
        raise MinyiError.of("not-a-project", file=str(root), path=str(root))
    return root


# the files of a project folder that an output must never replace (the store and its log, the settings, the
# questionnaire copy, the salt of hashed identifying values, the write lock, survey serve's journal)
OWN_FILES = {DB: "store of imported answers", DB + ".wal": "store's log", CONFIG: "settings file",
             QFILE: "questionnaire copy", ".pii_salt": "salt of the hashed identifying values",
             ".minyi.lock": "write lock", "serve-journal.sqlite": "web survey's journal"}


def refuse_own_file(root, out, option: str) -> None:
    """Refuse an output path that is one of the project's own files (:data:`OWN_FILES`), however it is written
    (relative, through a link, another spelling of the folder): ``survey export DIR --out DIR/minyi.duckdb``
    replaced the store with a CSV file, losing every import."""
    from pathlib import Path

    from .errors import MinyiError

    if out is None:
        return
    try:
        target = Path(out).resolve()
        folder = Path(root).resolve()
    except (OSError, RuntimeError):
        return
    if target.parent == folder and target.name in OWN_FILES:
        raise MinyiError.of("out-is-project-file", file=str(out), option=option, path=str(out),
                            what=OWN_FILES[target.name])


def set_top_key(path, key: str, value) -> None:
    """Set the top-level ``key`` of the YAML file ``path`` to ``value``, rewriting only that key's block (the
    line ``key:`` and its indented or list lines) or appending it; other keys, comments and layout are kept.
    The result is checked by parsing it (the same mapping with ``key`` set); text too unusual to edit that way
    is written out again in full.  Atomic (:func:`survey.atomic.atomic_write_text`)."""
    import re

    import yaml

    from .atomic import atomic_write_text

    from .config_marks import config_text

    text = config_text(path)  # UTF-8 (BOM or not) or GBK, as the project read it; written back as UTF-8
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
