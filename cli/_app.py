"""The ``survey`` command-line tool (typer).

Each command is one library call plus turning library errors into one message
(sqlite-utils style).  Exit codes: 0 ok, 1 user error (bad file, bad data, invalid
questionnaire), 2 usage error (unknown option, missing argument).
"""

from __future__ import annotations

import sys
from typing import List, Optional

import typer
from typing_extensions import Annotated

app = typer.Typer(
    name="survey",
    help="民意 minyi — public-opinion surveys from questionnaire to report.\n\n"
         "Example:\n\n    survey demo --out demo_out",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.", is_eager=True)] = False,
) -> None:
    """民意 minyi — public-opinion surveys from questionnaire to report.

    Example:

        survey demo --out demo_out
    """
    if version:
        from survey import __version__

        typer.echo(f"minyi {__version__}")
        raise typer.Exit(0)


# ----------------------------------------------------------------------------- entry point
def main(argv: Optional[List[str]] = None) -> int:
    """Console-script entry: run the app, turning library errors into one message."""
    from survey.errors import MinyiError

    try:
        from analysis.design import DesignError
    except Exception:  # pragma: no cover - analysis always importable
        DesignError = ValueError  # type: ignore
    try:
        rc = app(args=argv, standalone_mode=False)
    except MinyiError as e:
        for p in e.problems:
            typer.echo(str(p), err=True)
        return _exit(1)
    except DesignError as e:
        typer.echo(f"error: {e}", err=True)
        return _exit(1)
    except typer.Exit as e:
        return _exit(e.exit_code)
    except SystemExit as e:
        return _exit(int(e.code or 0))
    except typer.Abort:
        typer.echo("aborted", err=True)
        return _exit(1)
    except Exception as e:  # click usage errors and anything unexpected
        if hasattr(e, "show") and hasattr(e, "exit_code"):  # click/typer ClickException (vendored or not)
            e.show()
            return _exit(e.exit_code)
        if isinstance(e, (KeyboardInterrupt,)):
            return _exit(130)
        typer.echo(f"error: internal error: {type(e).__name__}: {e} (please report this as a bug)", err=True)
        return _exit(1)
    return _exit(rc if isinstance(rc, int) else 0)


def _exit(code: int) -> int:
    if _exit.called_from_console:
        sys.exit(code)
    return code


_exit.called_from_console = True  # type: ignore[attr-defined]
