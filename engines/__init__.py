"""Analysis engines beyond one machine's memory: the sufficient statistics computed in SQL on DuckDB
(a project store, or Parquet files out of core) or Apache Spark, finished by :mod:`analysis.sufficient`.
See docs/scale.md."""

ENGINES = ("memory", "duckdb", "spark")


def is_url(data) -> bool:
    """DATA named by a URL (``hdfs://``, ``s3a://``, ``file://`` …): a folder on a cluster's file system,
    which only Spark reads (this module stays light: the command line asks before loading anything)."""
    import re

    return isinstance(data, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", data) is not None
