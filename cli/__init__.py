"""The ``survey`` command-line tool (typer).

Each command is one library call plus turning library errors into one message
(sqlite-utils style).  Exit codes: 0 ok, 1 user error (bad file, bad data, invalid
questionnaire), 2 usage error (unknown option, missing argument).

One module per group of commands registers them on the one :data:`app`:
:mod:`cli.questionnaire` (validate, form, simulate, demo, convert), :mod:`cli.project`
(init, import, status, quarantine, check, export), :mod:`cli.estimate` (estimate,
crosstab, weight, plan on a data file), :mod:`cli.analyze`, :mod:`cli.report`, :mod:`cli.tracking` (trend,
score, ledger, brief), :mod:`cli.collect` (serve, links).  Shared
option groups and JSON output live in :mod:`cli._common`; heavy libraries are imported
inside the commands, so ``survey --help`` stays fast.
"""

from __future__ import annotations

# registration order = the order of `survey --help`
from . import questionnaire  # noqa: F401,I001  (validate, form, simulate, demo, convert)
from . import project  # noqa: F401  (init, import, status, quarantine, check, export)
from . import estimate  # noqa: F401  (estimate, crosstab, weight, plan)
from . import analyze  # noqa: F401
from . import report  # noqa: F401
from . import tracking  # noqa: F401  (trend, score, ledger, brief)
from . import collect  # noqa: F401  (serve, links)
from ._app import _exit, app, main  # noqa: F401  (_exit: tests turn off sys.exit)

__all__ = ["app", "main"]
