"""Benchmark: simulate 1,000,000 respondents of the bundled questionnaire and write the CSV.

Target (issue 2): under 60 seconds on the project's 2-core machine.  Prints the figures.
Run: python benchmarks/bench_simulate.py [N]
"""

import os
import sys
import tempfile
import time

from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    q = load_questionnaire(bundled_path())
    t0 = time.perf_counter()
    frame = simulate(q, n, seed=1)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "responses.csv")
        write_csv(frame, path)
        t2 = time.perf_counter()
        size = os.path.getsize(path)
    print(f"rows: {n:,}  columns: {frame.shape[1]}  items: {q.n_items}")
    print(f"generate: {t1 - t0:.1f} s  write: {t2 - t1:.1f} s  total: {t2 - t0:.1f} s (target < 60 s)")
    print(f"file: {size / 1e6:.0f} MB  rate: {n / (t2 - t0):,.0f} rows/s")


if __name__ == "__main__":
    main()
