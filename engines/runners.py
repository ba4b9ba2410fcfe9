"""Where the SQL of :mod:`engines.sql` runs: embedded DuckDB (a project store or Parquet files, out
of core) or Apache Spark (local mode, or a cluster through spark-submit / a session config)."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator, Optional

import pandas as pd

from .sql import transpile

DUCKDB_MEMORY = os.environ.get("MINYI_DUCKDB_MEMORY", "2GB")  # beyond this DuckDB spills to disk


class DuckDBRunner:
    """Statements on DuckDB; ``con`` a project's connection, or a fresh in-memory one (Parquet)."""

    dialect = "duckdb"
    max_terms = None  # influence terms per moments query: all in one scan

    def __init__(self, con=None):
        import duckdb

        self._tmp = tempfile.TemporaryDirectory(prefix="minyi-duckdb-")
        self.con = con if con is not None else duckdb.connect()
        self.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        self.con.execute(f"SET temp_directory = '{self._tmp.name}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET enable_progress_bar = false")

    def parquet_source(self, folder: Path) -> str:
        """The files :func:`engines.parquet_input.parquet_files` lists (the ones that were checked)."""
        from .parquet_input import parquet_files, sql_list

        return f"read_parquet({sql_list(parquet_files(folder))}, union_by_name = true)"

    def columns(self, source: str) -> list[str]:
        return [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            self._tmp.cleanup()


_SPARK = None


def spark_session():
    """The Spark session: the one spark-submit (or the caller) configured, else local mode on every core.

    Arrow transfers results to the driver; the UI is off in local mode.  One session per process."""
    global _SPARK
    if _SPARK is not None:
        return _SPARK
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    import warnings

    # pyspark warns on every Arrow transfer that it does not yet support pandas 3; the transfers here are
    # plain numeric tables, and tests/test_engines.py checks the results
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    conf = SparkConf()
    b = SparkSession.builder.appName("minyi").config("spark.sql.execution.arrow.pyspark.enabled", "true")
    if not conf.contains("spark.master"):  # minyi starts Spark itself: quiet (errors only), no console progress bar
        log4j = Path(__file__).with_name("spark_log4j2.properties")
        conf = (conf.setMaster(os.environ.get("MINYI_SPARK_MASTER", "local[*]")).set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j.as_uri()}")
                .set("spark.sql.shuffle.partitions", os.environ.get("MINYI_SPARK_PARTITIONS", "8"))
                .set("spark.driver.memory", os.environ.get("MINYI_SPARK_DRIVER_MEMORY", "2g")))
        _start_jvm(conf)
        b = b.config(conf=conf)
    _SPARK = b.getOrCreate()
    _SPARK.sparkContext.setLogLevel("ERROR")
    _quiet_codegen_fallback(_SPARK)
    return _SPARK


JVM_NOTICES = (b"WARNING: Using incubator modules",)  # the JVM's notice of the module Spark loads (no setting turns it off)


def _start_jvm(conf) -> None:
    """Start the driver's JVM (PySpark's gateway, with ``conf``) for a local Spark that minyi starts itself,
    its stderr relayed to this process's by a thread, without the lines :data:`JVM_NOTICES` begin with:
    the JVM announces the incubator module Spark 4 loads on every start, and no Spark or JVM option
    turns that line off.  Everything else the JVM writes there (its errors, a failed start) still shows."""
    import threading

    from pyspark import SparkContext
    from pyspark.java_gateway import launch_gateway

    if SparkContext._gateway is not None:  # a JVM is running already in this process
        return
    from pyspark.errors import PySparkRuntimeError

    from survey.errors import MinyiError

    r, w = os.pipe()  # read from before the JVM starts: a full pipe cannot stop its start
    relay = threading.Thread(target=_relay, args=(r,), name="minyi-spark-stderr", daemon=True)
    relay.start()
    try:
        try:
            gateway = launch_gateway(conf, popen_kwargs={"stderr": w})
        finally:
            os.close(w)  # the JVM holds its own copy (the relay reads to its end)
    except PySparkRuntimeError as e:  # the JVM exited first (a bad setting, no usable Java): its messages shown
        relay.join(5)
        raise MinyiError.of("spark-no-start", reason=_first_line(e)) from None
    SparkContext._ensure_initialized(gateway=gateway, conf=conf)


def _first_line(e: BaseException) -> str:
    """The first line of ``e``'s message, without pyspark's ``[ERROR_CLASS]`` prefix."""
    text = (str(e).strip().splitlines() or [type(e).__name__])[0]
    return re.sub(r"^\[[A-Z_]+\]\s*", "", text)


def _relay(fd: int) -> None:
    """Copy the lines read from ``fd`` to stderr, but those that begin with one of :data:`JVM_NOTICES`."""
    import sys

    with os.fdopen(fd, "rb") as f:
        for line in f:
            if not line.startswith(JVM_NOTICES):
                sys.stderr.write(line.decode("utf-8", "replace"))
                sys.stderr.flush()


CODEGEN_LOGGERS = ("org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator",
                   "org.apache.spark.sql.execution.WholeStageCodegenExec")


def _quiet_codegen_fallback(spark) -> None:
    """Turn off the loggers of Spark's generated-code fallback (see spark_log4j2.properties) also in a
    session that spark-submit configured: the wide aggregations exceed the JVM's 64 KB method limit,
    Spark runs them without generated code, and logs each failed compile with a long stack trace.
    Nothing else of the cluster's logging changes.  A session without a JVM gateway (Spark Connect)
    is left as it is."""
    try:
        jvm = spark.sparkContext._jvm
        configurator = jvm.org.apache.logging.log4j.core.config.Configurator
        off = jvm.org.apache.logging.log4j.Level.OFF
        for name in CODEGEN_LOGGERS:
            configurator.setLevel(name, off)
    except Exception:  # pragma: no cover - no py4j gateway, or another logging backend
        pass


class SparkRunner:
    """Statements on Spark SQL (transpiled from DuckDB's dialect by sqlglot)."""

    dialect = "spark"
    max_terms = 200  # Spark compiles each query's expressions to Java: keep them moderate, a few scans

    def __init__(self, spark=None):
        self.spark = spark if spark is not None else spark_session()

    def parquet_source(self, folder) -> str:
        """Every Parquet file under ``folder`` (a local path or a URL, at any depth), columns matched by name
        across files (``mergeSchema``: a column some files lack is null in their rows, as DuckDB's
        ``union_by_name``), and the ``key=value`` folders of a partitioned dataset as columns (text), as
        DuckDB reads them.  Spark's own partition discovery is not used: it cannot be combined with
        reading every depth, and without that a file beside the partition folders is skipped silently."""
        from pyspark.sql import functions as F

        with spark_read_errors(str(folder)):
            df = (self.spark.read.option("recursiveFileLookup", "true").option("pathGlobFilter", "*.parquet")
                  .option("mergeSchema", "true").parquet(str(folder)))
        for key in partition_keys(df.inputFiles(), str(folder)):
            if key not in df.columns:
                pattern = "/" + re.escape(key) + "=([^/]*)/"
                df = df.withColumn(key, F.expr(f"NULLIF(regexp_extract(input_file_name(), '{pattern}', 1), '')"))
        df.createOrReplaceTempView("minyi_data")
        return "minyi_data"

    def read_text(self, path: str) -> Optional[str]:
        """The text of one small file on Spark's file system (e.g. ``hdfs://…/questionnaire.yaml``), or None
        when there is no such file."""
        from pyspark.errors import AnalysisException

        try:
            with spark_read_errors(path):
                rows = self.spark.read.text(path, wholetext=True).collect()
        except AnalysisException:
            return None
        return rows[0][0] if rows else None

    def columns(self, source: str) -> list[str]:
        return list(self.spark.table(source).columns)

    def execute(self, sql: str) -> None:
        for stmt in transpile(sql, self.dialect).split(";\n"):
            self.spark.sql(stmt)

    def query(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(transpile(sql, self.dialect)).toPandas()

    def close(self) -> None:
        return None


@contextlib.contextmanager
def spark_read_errors(location: str) -> Iterator[None]:
    """A Java error of Spark reading ``location`` as one located message instead of a Java stack trace:
    no file system for the URL's scheme (``s3a://`` without the hadoop-aws connector, a misspelt scheme)
    or any other failure to read there (its first line).  Spark's own ``AnalysisException`` (e.g. no such
    path) passes through: the callers handle it."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import AnalysisException
    from pyspark.errors.exceptions.captured import CapturedException

    from survey.errors import MinyiError

    try:
        yield
    except AnalysisException:
        raise
    except (Py4JJavaError, CapturedException) as e:  # a Java exception, raw or as pyspark's Python class
        java = str(e.java_exception) if isinstance(e, Py4JJavaError) and e.java_exception is not None else str(e)
        first = (java.strip().splitlines() or [type(e).__name__])[0]
        if "UnsupportedFileSystemException" in java or "No FileSystem for scheme" in java or \
                re.search(r"ClassNotFoundException: Class \S+FileSystem not found", java):
            scheme = location.split("://", 1)[0] if "://" in location else "file"
            raise MinyiError.of("spark-no-filesystem", file=location, scheme=scheme, reason=first) from None
        raise MinyiError.of("spark-unreadable", file=location, reason=first) from None


def partition_keys(files, folder: str) -> list[str]:
    """The keys of the ``key=value`` folders between ``folder`` and its ``files`` (URIs or paths), in the
    order they first appear (Hive-style partitioning, as Spark's ``partitionBy`` writes it)."""
    from urllib.parse import urlparse

    def parts(p: str) -> list[str]:
        return [c for c in (urlparse(p).path if "://" in p else p).split("/") if c]

    root = parts(folder)
    keys: dict = {}
    for f in files:
        comps = parts(f)[:-1]
        start = len(root) if comps[: len(root)] == root else 0
        for c in comps[start:]:
            if "=" in c and not c.startswith("="):
                keys.setdefault(c.split("=", 1)[0], None)
    return list(keys)


def make_runner(engine: str, con=None, spark=None):
    if engine == "duckdb":
        return DuckDBRunner(con)
    if engine == "spark":
        try:
            return SparkRunner(spark)
        except ImportError:
            from survey.errors import MinyiError

            raise MinyiError.of("spark-missing") from None
    raise ValueError(engine)


def export_parquet(con, sql: str, folder: Path, params: Optional[list] = None) -> Path:
    """Write the rows of ``sql`` (DuckDB) to a Parquet folder (for Spark reading a project's wave)."""
    folder.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({sql}) TO '{str(folder / 'part-0.parquet')}' (FORMAT parquet)", params or [])
    return folder
