"""The ``survey`` command-line tool (typer).

Each command is one library call plus turning library errors into one message
(sqlite-utils style).  Exit codes: 0 ok, 1 user error (bad file, bad data, invalid
questionnaire), 2 usage error (unknown option, missing argument).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

def _finite_float(value) -> float:
    """A float option's value: a finite number, else ValueError (click then says "'nan' is not a valid
    float" and the command exits 2)."""
    import math

    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"not a finite number: {value!r}")
    return v


def _refuse_non_finite_float_options() -> None:
    """No float option takes ``nan`` or ``±inf``.

    Rule (issue 9: "``simulate --shift nan`` must be refused, not produce data", a class to close as a class):
    click reads a float option with ``float()``, which accepts ``nan`` and ``inf``, and its range check compares
    False with nan, so ``--confidence nan`` printed "nan% CI" and ``--quantile nan`` a "qnan" estimate.  One
    place for every command: the float type's number reader (typer vendors click).  ``--df inf`` is a text
    option with its own parser (``cli._common.parse_df``)."""
    try:
        from typer._click.types import FloatParamType
    except ImportError:  # pragma: no cover - a typer that uses click itself
        from click.types import FloatParamType
    FloatParamType._number_class = staticmethod(_finite_float)


_refuse_non_finite_float_options()

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
    limit: Annotated[Optional[List[str]], typer.Option(
        "--limit", metavar="NAME=VALUE",
        help="Raise (or lower) a size limit for this command, e.g. --limit options=5000 (repeatable; "
             "docs/limits.md lists them).")] = None,
) -> None:
    """民意 minyi — public-opinion surveys from questionnaire to report.

    Example:

        survey demo --out demo_out
    """
    earlier = sys.modules.get("survey.limits")
    if earlier is not None:  # a command run before in this process (a library caller, a test): its --limit ends with it
        earlier.OVERRIDES.clear()
    if limit:
        from survey.limits import OVERRIDES, parse_override

        for text in limit:
            name, value = parse_override(text)
            OVERRIDES[name] = value
    if version:
        from survey import __version__

        typer.echo(f"minyi {__version__}")
        raise typer.Exit(0)


# ----------------------------------------------------------------------------- entry point
def main(argv: Optional[List[str]] = None) -> int:
    """Console-script entry: run the app, turning library errors into one message."""
    from survey.errors import MinyiError

    from report.chart_pool import allow_worker_processes
    from report.section_worker import allow as allow_section_worker
    from report.sections import one_blas_thread
    from survey.allocator import keep_freed_memory, no_huge_page_advice

    one_blas_thread()  # before numpy loads: the section threads use the cores, not a BLAS pool
    no_huge_page_advice()  # before numpy loads: new pages without on-the-spot compaction (survey/allocator.py)
    allow_worker_processes()  # the command's main module is safe to import again in a worker
    allow_section_worker()  # some analysis sections in a forked copy of the command (report/section_worker.py)
    keep_freed_memory()  # column-sized arrays reuse freed memory instead of new pages (survey/allocator.py)
    try:
        if any("\x00" in str(a) for a in (sys.argv[1:] if argv is None else argv)):
            # no file name, option or value can hold one (the OS refuses it as "embedded null byte")
            raise MinyiError.of("argument-nul")
        rc = app(args=argv, standalone_mode=False)
    except MinyiError as e:
        from survey.config_marks import locate

        for p in locate(e.problems):  # a key of minyi.yaml named with its line (survey/config_marks.py)
            typer.echo(str(p), err=True)
        # the message is out; a half-written library object failing again in its destructor (a ZipFile
        # closing on a full disk) is not news to the user
        sys.unraisablehook = lambda _u: None
        from survey.messages import is_usage_error

        return _exit(2 if any(is_usage_error(p) for p in e.problems) else 1)  # a wrong command line: 2
    except typer.Exit as e:
        return _exit(e.exit_code)
    except SystemExit as e:
        return _exit(int(e.code or 0))
    except typer.Abort:
        typer.echo("aborted", err=True)
        return _exit(1)
    except Exception as e:  # design errors, click usage errors and anything unexpected
        if _is_design_error(e):  # analysis (and pandas) load only when a command needs them
            from survey.design_messages import design_problem, is_said

            if is_said(e):  # its catalogue entry; no file is known here
                from survey.messages import is_usage_error

                problems = design_problem(e).problems
                for p in problems:
                    typer.echo(str(p), err=True)
                return _exit(2 if any(is_usage_error(p) for p in problems) else 1)
            typer.echo(f"error: {e}", err=True)  # a subclass (weighting) not caught where its kinds are said
            return _exit(1)
        if hasattr(e, "show") and hasattr(e, "exit_code"):  # click/typer ClickException (vendored or not)
            e.show()
            return _exit(e.exit_code)
        if isinstance(e, (KeyboardInterrupt,)):
            return _exit(130)
        from survey.dbfile import is_damage, read_error

        if is_damage(e):  # a project database whose blocks DuckDB found cut short or overwritten, in a lazy read
            import re as _re

            m = _re.search(r'file "([^"]+)"', str(e))
            if m:
                for p in read_error(Path(m.group(1)), e).problems:
                    typer.echo(str(p), err=True)
                return _exit(1)
        from survey.atomic import os_error_in, write_error

        cause = os_error_in(e)  # a full disk or a file-size limit met inside a library (DuckDB's WAL …)
        if cause is not None:
            import re as _re

            m = _re.search(r'file "([^"]+)"', str(e))
            for p in write_error(Path(m.group(1)) if m else Path("."), cause).problems:
                typer.echo(str(p), err=True)
            return _exit(1)
        typer.echo(f"error: internal error: {type(e).__name__}: {e} (please report this as a bug)", err=True)
        return _exit(1)
    return _exit(rc if isinstance(rc, int) else 0)


def _is_design_error(e: BaseException) -> bool:
    """Is ``e`` an :class:`analysis.design.DesignError`?  Checked without importing analysis (and
    pandas): when ``analysis.design`` was never imported, no such error can have been raised."""
    mod = sys.modules.get("analysis.design")
    return mod is not None and isinstance(e, mod.DesignError)


def _exit(code: int) -> int:
    if _exit.called_from_console:
        _before_teardown()
        sys.exit(code)
    return code


def _before_teardown() -> None:
    """The command is done: collect the garbage once (its finalizers run, as at any exit), then freeze
    what is left (``gc.freeze``: the objects of every library imported).  Python's teardown collects
    garbage again while it clears the modules, each pass over all those objects; frozen, they are
    skipped (freed by their reference counts as before).  At the end of the first ``survey analyze`` of
    1,000,000 responses the interpreter took 0.17 s to end, now 0.10 s (docs/scale.md)."""
    import gc

    gc.collect()
    gc.freeze()


_exit.called_from_console = True  # type: ignore[attr-defined]
