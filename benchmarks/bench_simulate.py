"""Benchmark: ``survey simulate`` of 1,000,000 respondents of the bundled questionnaire, written as the CSV.

Target (issue 2): under 60 seconds on the project's 2-core machine.  The real command runs in its own
child process (wall clock of the whole process, start-up included; peak RSS from GNU ``time``), so it
runs with the command's own start-up policy (survey/allocator.py: no huge-page advice for NumPy, freed
memory kept), as a user's run does.  Prints the figures.

Run: python benchmarks/bench_simulate.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile

from bench_project import ROOT, run, survey  # one child process under GNU time: wall clock and peak RSS


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sys.path.insert(0, str(ROOT))
    from survey.qload import bundled_path, load_questionnaire

    q = load_questionnaire(bundled_path())
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "responses.csv")
        wall, gb = run(survey("simulate", bundled_path(), "--n", n, "--seed", 1, "--out", path))
        size = os.path.getsize(path)
        with open(path, encoding="utf-8") as f:
            columns = len(f.readline().rstrip("\n").split(","))
    print(f"survey simulate --n {n:,}: {wall:.1f} s (target < 60 s), peak memory {gb:.2f} GB")
    print(f"columns: {columns}  items: {q.n_items}  file: {size / 1e6:.0f} MB  rate: {n / wall:,.0f} rows/s")


if __name__ == "__main__":
    main()
