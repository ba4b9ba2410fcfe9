"""A folder of Parquet files checked before it is analysed, and read as both engines read it.

``survey analyze FOLDER`` takes the answers of a Parquet folder as they are, without ``survey
import``'s row checks and quarantine.  So that a damaged file or a wrong code cannot change the
estimates silently, :func:`check_parquet_folder` looks at the folder first (a folder named by a URL,
``hdfs://`` or ``s3a://``, which only the cluster reads, is checked by :func:`check_spark_source`
with the same conditions in Spark SQL):

* every ``*.parquet`` file's footer is read (pyarrow); a file that is not Parquet, or is cut short, is
  named (``parquet-unreadable``);
* one DuckDB scan over all files (columns united by name, as the engines read them) counts, for every
  column of a single, scale, yes/no or matrix question, the values that are not one of its option
  codes; for every multiple-choice cell, the values other than 0 and 1 (``parquet-unknown-option``);
  for number questions, text that is not a number (``parquet-not-a-number``); and the design's weight
  and fpc columns (``minyi.yaml``), where every row needs a number that is not negative
  (``parquet-bad-design-number``).  Every column with a
  problem is reported at once: how many values, and the first one with its file and row (row 1 = the
  file's first row; on Spark, the first file with such a value, without a row).

What counts as a missing answer is the same in every engine: a null, NaN, or blank text (empty or
spaces only).  A column that some files lack is a missing answer in their rows (DuckDB's
``union_by_name``, Spark's ``mergeSchema``; :func:`read_parquet_frame` reads the in-memory engine's
frame as DuckDB does), and answers stored as text (``"3"``) are taken as their numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from survey.design_columns import check_design_columns
from survey.errors import MinyiError
from survey.project_files import CONFIG
from survey.messages import problem

from .sql import lit
from .sql import q as _q

MAX_CHOICES_SHOWN = 10


def parquet_files(folder: Path) -> list[Path]:
    """The ``*.parquet`` files under ``folder`` (any depth), in name order."""
    return sorted(Path(folder).rglob("*.parquet"))


def file_rows(folder: Path) -> list[dict]:
    """``[{"file", "rows"}]`` for every file of :func:`parquet_files` (path relative to ``folder``; rows
    from the file's footer): what an analysis of the folder pooled, file by file (``meta.files``)."""
    import pyarrow.parquet as pq

    return [{"file": f.relative_to(folder).as_posix(), "rows": int(pq.read_metadata(f).num_rows)}
            for f in parquet_files(Path(folder))]


def numeric_columns(q) -> dict[str, tuple[str, Optional[tuple], str]]:
    """{column: (question or cell id, allowed codes or None for any number, the choices shown)} for every
    column of ``q`` that holds a code or a number."""
    out: dict = {}
    for qq in q.questions:
        if qq.type in ("single", "scale", "yesno", "matrix"):
            codes = tuple(float(c) for c in qq.codes)
            shown = ", ".join(f"{o.code}={o.label}" for o in qq.options[:MAX_CHOICES_SHOWN])
            shown += " …" if len(qq.options) > MAX_CHOICES_SHOWN else ""
            for c in qq.code_columns():
                out[c] = (c, codes, shown)
        elif qq.type == "multiple":
            for o in qq.options:
                out[f"{qq.id}_{o.code}"] = (f"{qq.id}_{o.code}", (0.0, 1.0), "0, 1")
        elif qq.type == "number":
            out[qq.id] = (qq.id, None, "")
    return out


def sql_list(files: Sequence[Path]) -> str:
    """``files`` as a DuckDB list literal."""
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


# how a column is stored, for the cheapest condition that checks it
INT, FLOAT, TEXT, OTHER = "int", "float", "text", "other"
_DUCKDB_INT = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def _duckdb_kind(t: str) -> str:
    if t in _DUCKDB_INT:
        return INT
    if t in ("FLOAT", "DOUBLE") or t.startswith("DECIMAL"):
        return FLOAT
    return TEXT if t == "VARCHAR" else OTHER


def _spark_kind(t) -> str:
    from pyspark.sql import types as T

    if isinstance(t, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return INT
    if isinstance(t, (T.FloatType, T.DoubleType, T.DecimalType)):
        return FLOAT
    return TEXT if isinstance(t, T.StringType) else OTHER


def _present(col: str, kind: str) -> str:
    """The row has an answer in the column: not null, and for text not blank."""
    return f"NULLIF(trim({_q(col)}), '') IS NOT NULL" if kind == TEXT else f"{_q(col)} IS NOT NULL"


def _num(col: str, kind: str) -> str:
    """The column as a number: text trimmed; blank, or not a number → NULL."""
    if kind == TEXT:
        return f"TRY_CAST(NULLIF(trim({_q(col)}), '') AS DOUBLE)"
    return _q(col) if kind in (INT, FLOAT) else f"TRY_CAST({_q(col)} AS DOUBLE)"


def check_parquet_folder(folder: Path, q, design: Optional[dict] = None) -> None:
    """Raise :class:`MinyiError` with every problem of the Parquet files under ``folder`` (module
    docstring); nothing when they are readable and every code is an option."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = parquet_files(folder)
    problems = []
    names: set = set()
    rows = 0
    for f in files:
        try:
            meta = pq.read_metadata(f)
            names.update(meta.schema.to_arrow_schema().names)
            rows += meta.num_rows
        except (pa.ArrowException, OSError, ValueError) as e:
            reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
            problems.append(problem("parquet-unreadable", file=str(f), reason=reason))
    if problems:
        raise MinyiError(problems)
    if files and not rows:
        raise MinyiError.of("parquet-no-rows", file=str(folder), count=len(files))
    from .runners import partition_keys

    _check_design_names(folder, design, names | set(partition_keys([str(f) for f in files], str(folder))))
    wanted = {c: v for c, v in numeric_columns(q).items() if c in names}
    sizes = _design_numbers(design, names)
    if not (wanted or sizes) or not files:
        return
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        src = f"read_parquet({sql_list(files)}, union_by_name = true, filename = true, file_row_number = true)"
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {src})").fetchall())
        checks = _checks(wanted, sizes, {c: _duckdb_kind(t) for c, t in types.items()})
        counts = con.execute(_count_sql(checks, src)).fetchall()[0]
        failed = [(ck, int(n)) for ck, n in zip(checks, counts) if n]
        where = "struct_pack(f := filename, r := file_row_number, v := CAST({col} AS VARCHAR))"
        firsts = con.execute(_first_sql([ck for ck, _ in failed], src, where)).fetchall()[0] if failed else ()
    except duckdb.Error as e:
        raise MinyiError.of("parquet-unreadable", file=str(folder),
                            reason=(str(e).strip().splitlines() or [type(e).__name__])[0]) from None
    finally:
        con.close()
    _raise_found(failed, firsts)


def _check_design_names(folder, design: Optional[dict], names) -> None:
    """Every column that ``design:`` (the folder's minyi.yaml) names is a column of the files."""
    check_design_columns(design, names, config=f"{str(folder).rstrip('/')}/{CONFIG}", source="the Parquet files",
                         fallback="name a column of the data")


def check_spark_source(runner, source: str, folder: str, q, design: Optional[dict] = None) -> None:
    """:func:`check_parquet_folder`'s answer checks on Spark, for a folder only the cluster reads (a URL):
    a scan of the registered ``source`` that counts, and one more for the checks that fail; each problem
    names the first file (by name) with such a value, without a row number (Spark does not number a
    file's rows)."""
    fields = {f.name: f.dataType for f in runner.spark.table(source).schema.fields}
    _check_design_names(folder, design, fields)
    wanted = {c: v for c, v in numeric_columns(q).items() if c in fields}
    sizes = _design_numbers(design, set(fields))
    if not (wanted or sizes):
        return
    checks = _checks(wanted, sizes, {c: _spark_kind(t) for c, t in fields.items()})
    counts = runner.spark.sql(_count_sql(checks, source).replace('"', "`")).collect()[0]
    failed = [(ck, int(n)) for ck, n in zip(checks, counts) if n]
    if not failed:
        return
    where = "named_struct('f', _minyi_file, 'r', CAST(-1 AS BIGINT), 'v', CAST({col} AS STRING))"
    src = f"(SELECT *, input_file_name() AS _minyi_file FROM {source}) AS t"  # not inside an aggregate: Spark refuses
    firsts = runner.spark.sql(_first_sql([ck for ck, _ in failed], src, where).replace('"', "`")).collect()[0]
    _raise_found(failed, [v.asDict() if hasattr(v, "asDict") else v for v in firsts], default_file=folder)


def _design_numbers(design: Optional[dict], names: set) -> list[str]:
    """The design's weight and fpc columns present in the files: numbers, none missing or negative.  A
    multistage design lists one fpc column per stage (``fpc: [N1, N2]``, docs/report-data.md); the names are
    read as every other design reader reads them (:class:`analysis.design_spec.DesignSpec`)."""
    from analysis.design_spec import DesignSpec

    spec = DesignSpec.from_mapping(design or {})
    cols = ([spec.weights] if spec.weights else []) + list(spec.fpc)
    return list(dict.fromkeys(c for c in cols if c in names))


def _checks(wanted: dict, sizes: Sequence[str], kinds: dict) -> list[tuple]:
    """(catalogue code, column, question id, choices shown, condition) of every check of ``wanted``
    (:func:`numeric_columns`) and of the design's weight and fpc columns ``sizes``; ``kinds``: how each
    column is stored (a number column needs no "not a number" check, an integer one no NaN test).  The
    conditions are SQL that DuckDB and Spark both read."""
    out = []
    for c, (qid, codes, shown) in wanted.items():
        kind = kinds.get(c, OTHER)
        num = _num(c, kind)
        if kind not in (INT, FLOAT):
            out.append(("parquet-not-a-number", c, qid, shown, f"{_present(c, kind)} AND {num} IS NULL"))
        if codes is not None:  # NaN is a missing answer, as null is; a null fails no comparison
            nan = "" if kind == INT else f" AND NOT isnan({num})"
            out.append(("parquet-unknown-option", c, qid, shown, f"{num} NOT IN ({', '.join(map(lit, codes))}){nan}"))
    for c in dict.fromkeys(sizes):
        num = _num(c, kinds.get(c, OTHER))
        nan = "" if kinds.get(c) == INT else f" OR isnan({num})"
        out.append(("parquet-bad-design-number", c, c, "", f"{num} IS NULL OR {num} < 0{nan}"))
    return out


def _count_sql(checks: list, source: str) -> str:
    """One scan: how many rows fail each check."""
    return "SELECT " + ", ".join(f"sum(CASE WHEN {ck[4]} THEN 1 ELSE 0 END) AS n_{k}"
                                 for k, ck in enumerate(checks)) + f" FROM {source}"


def _first_sql(checks: list, source: str, where: str) -> str:
    """One scan: the least (file, row, value) failing each of ``checks`` (those that fail)."""
    return "SELECT " + ", ".join(f"min(CASE WHEN {ck[4]} THEN {where.format(col=_q(ck[1]))} END) AS x_{k}"
                                 for k, ck in enumerate(checks)) + f" FROM {source}"


def _raise_found(failed: list, firsts, default_file: Optional[str] = None) -> None:
    problems = []
    for ((code, c, qid, shown, _), n), first in zip(failed, firsts):
        r = int(first["r"])
        value = _shown(first["v"]) if first["v"] is not None else "(missing)"
        problems.append(problem(code, file=first["f"] or default_file, row=r + 1 if r >= 0 else None, column=c,
                                value=value, qid=qid, count=n, choices=shown))
    if problems:
        raise MinyiError(problems)


def _shown(value: Optional[str]) -> Optional[str]:
    """A stored value as the user wrote it: a whole number without ".0"."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return value
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 and "." in str(value) else value


def read_parquet_frame(folder: Path, columns: Sequence[str], q, design: Optional[dict] = None):
    """The ``columns`` present in any file under ``folder`` as one pandas frame, files in name order:
    columns united by name (a file without a column: missing values), code and number columns (and the
    ``design``'s weights and fpc) as float64 (text taken as its number, blank text missing; see the
    module docstring)."""
    import duckdb

    files = parquet_files(folder)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = true")
        src = f"read_parquet({sql_list(files)}, union_by_name = true)"
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {src})").fetchall())
        nums = set(numeric_columns(q)) | set(_design_numbers(design, set(types)))
        sel = [f"CAST({_num(c, _duckdb_kind(types[c]))} AS DOUBLE) AS {_q(c)}" if c in nums else _q(c)
               for c in dict.fromkeys(columns) if c in types]
        if not sel:
            import pandas as pd

            return pd.DataFrame(index=range(int(con.execute(f"SELECT count(*) FROM {src}").fetchall()[0][0])))
        table = con.sql(f"SELECT {', '.join(sel)} FROM {src}").to_arrow_table()
        return table.to_pandas(split_blocks=True, self_destruct=True)
    finally:
        con.close()
