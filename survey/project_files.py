"""The file names of a project folder (``survey init`` writes them; :mod:`survey.store` reads them).

Kept apart from :mod:`survey.store` so that a module that must stay light (the cache lookup of
:mod:`survey.cache`, run before NumPy and pandas load) names the same files."""

CONFIG = "minyi.yaml"  # the project's settings
DB = "minyi.duckdb"  # the DuckDB store of imports, responses, checks and history
QFILE = "questionnaire.yaml"  # the project's copy of its questionnaire


def require_project(root) -> "Path":
    """``root`` as a :class:`~pathlib.Path` when it holds a project (its settings and its store), else
    :meth:`survey.store.Project.open`'s one message (``not-a-project``) — told before the store's
    libraries (pandas, DuckDB) load, so a mistyped folder is answered at once."""
    from pathlib import Path

    from .errors import MinyiError

    root = Path(root)
    if root.is_file():  # "create one with: survey init FILE" would only fail again ("is a file, not a folder")
        raise MinyiError.of("project-is-file", file=str(root), path=str(root))
    if not (root / CONFIG).exists() or not (root / DB).exists():
        raise MinyiError.of("not-a-project", file=str(root), path=str(root))
    return root
