"""Benchmark: ``survey import`` of a 问卷星 export beside the same answers in minyi's native CSV, each beside its floor.

Most surveys reach minyi as 问卷星 (or 腾讯问卷, Kobo) downloads: option labels as text, a multiple choice in one
cell joined by ``┋``, a ranking joined by ``→``.  Those files take the careful path (survey/tabular.py decodes
and parses the text, survey/importers/converter.py maps each column's distinct values to codes), not the
native file's typed pyarrow read.  For each size (default 100,000 and 300,000 simulated respondents of the
bundled 120-item questionnaire) the script writes the 问卷星 按文本 export of the simulated answers
(benchmarks/wjx_file.py) and measures, each in its own child process (wall clock of the whole process; peak
RSS by GNU ``time``):

* ``survey import p wjx.csv`` beside ``pyarrow.csv.read_csv`` of the same file (pyarrow's default memory
  pool, and jemalloc);
* ``survey import p native.csv`` of the same answers, for comparison.

Then the fitted exponent b of time ≈ a·n^b (1 = linear).  ``--repeat N`` (default 3): medians of N rounds.
The issue sets no target for these files; the figures show what the careful path costs beside a read.

Run: python benchmarks/bench_import_layouts.py [--sizes 100000,300000] [--repeat 3] [--work /tmp/minyi_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_project import READ, _spread, compile_sources, ensure_csv, recorder, run, survey  # noqa: E402


def ensure_wjx(n: int, work: Path) -> Path:
    """The 问卷星 按文本 export of the answers in ``responses_<n>.csv`` (same simulation, same seed)."""
    path = work / f"wjx_{n}.csv"
    if path.exists():
        return path
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate
    from wjx_file import write_wjx

    t = time.perf_counter()
    q = load_questionnaire(bundled_path())
    write_wjx(simulate(q, n, seed=1), q, path)
    print(f"  (wrote the 问卷星 export of {n:,} rows in {time.perf_counter() - t:.0f} s, not timed)")
    return path


KEYS = ("wjx", "read", "read_je", "native")


def measure(n: int, work: Path, repeat: int) -> dict:
    from survey.qload import bundled_path

    native, wjx = ensure_csv(n, work), ensure_wjx(n, work)
    proj = work / f"layouts_{n}"
    runs, rss, timed = recorder(KEYS)

    def imported(key: str, path: Path) -> None:
        if proj.exists():
            shutil.rmtree(proj)
        run(survey("init", proj, "--questionnaire", bundled_path()))
        timed(key, survey("import", proj, path, "--wave", "w1", "--quiet"))

    for _ in range(repeat):
        timed("read", [sys.executable, "-c", READ, str(wjx)])
        timed("read_je", [sys.executable, "-c", READ, str(wjx)], env={"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"})
        imported("wjx", wjx)
        imported("native", native)
    shutil.rmtree(proj, ignore_errors=True)
    r: dict = {"n": n, "mb": wjx.stat().st_size / 1e6, "runs": runs}
    for k in KEYS:
        r[k] = float(np.median(runs[k]))
        r[k + "_rss"] = max(rss[k])
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,300000")
    ap.add_argument("--work", default="/tmp/minyi_bench")
    ap.add_argument("--repeat", type=int, default=3, help="rounds: medians")
    a = ap.parse_args()
    if a.repeat < 1:
        ap.error("--repeat must be 1 or more")
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    compile_sources()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start (wall-clock times"
          + (f"; medians of {a.repeat} runs, range in brackets)" if a.repeat > 1 else ")"))
    rows = []
    for n in (int(s) for s in a.sizes.split(",")):
        r = measure(n, work, a.repeat)
        rows.append(r)
        print(f"{n:,} respondents, 问卷星 按文本 export ({r['mb']:.0f} MB):")
        print(f"  import 问卷星 {_spread(r, 'wjx')} ({r['wjx_rss']:.2f} GB) | pyarrow read_csv {_spread(r, 'read')} "
              f"-> {r['wjx'] / r['read']:.2f}×; with jemalloc {_spread(r, 'read_je')} -> {r['wjx'] / r['read_je']:.2f}×")
        print(f"  import native CSV of the same answers {_spread(r, 'native')} ({r['native_rss']:.2f} GB)")
    if len(rows) >= 2:
        ln = np.log([r["n"] for r in rows])
        for key in ("wjx", "read", "native"):
            b = np.polyfit(ln, np.log([r[key] for r in rows]), 1)[0]
            print(f"fitted exponent of {key}: {b:.2f} (time ≈ a·n^b; 1 = linear)")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
