"""Analysis engines beyond one machine's memory: the sufficient statistics computed in SQL on DuckDB
(a project store, or Parquet files out of core) or Apache Spark, finished by :mod:`analysis.sufficient`.
See docs/scale.md."""

ENGINES = ("memory", "duckdb", "spark")
