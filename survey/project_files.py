"""The file names of a project folder (``survey init`` writes them; :mod:`survey.store` reads them).

Kept apart from :mod:`survey.store` so that a module that must stay light (the cache lookup of
:mod:`survey.cache`, run before NumPy and pandas load) names the same files."""

CONFIG = "minyi.yaml"  # the project's settings
DB = "minyi.duckdb"  # the DuckDB store of imports, responses, checks and history
QFILE = "questionnaire.yaml"  # the project's copy of its questionnaire
