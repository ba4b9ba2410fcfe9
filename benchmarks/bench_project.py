"""Benchmark: the commands users wait for, on a real project, each beside its floor measured in the same run.

For each size (default 100,000, 300,000 and 1,000,000 simulated respondents of the bundled
120-item questionnaire) the script builds a project with the real commands and measures, each in its
own child process (wall clock of the whole process, start-up included; peak RSS from ``os.wait4``):

* ``survey import p responses.csv``  beside  ``pyarrow.csv.read_csv`` of the same file (same columns);
* ``survey analyze p --by site --json``, first run (the data-quality checks run and are stored) and a
  second run with nothing changed,  beside  the floor: a Python process that opens the project store
  with DuckDB and runs the GROUP BY of the sufficient statistics of every item (Σw, Σw², rows per
  site × stratum × PSU × answer value; the statement of ``--engine duckdb``, engines/sql.py) over the
  rows the analysis uses;
* ``survey analyze p --by site --engine duckdb --json`` (for information);
* ``survey report p --format html,xlsx`` (its analysis by site and district is not the cached one of
  ``analyze --by site``: computed) and once more, nothing changed (the analysis from the project's
  cache, survey/cache.py);
* with ``--spark``, at the largest size: ``survey analyze p --by site --engine spark --json`` (Spark in
  local mode, JVM start included) beside ``--engine duckdb``;
* ``survey --help`` and ``survey analyze --help``.

Then the fitted exponent b of time ≈ a·n^b over the sizes (1 = linear).

``--repeat N`` (default 3, as the issue's own table: medians of 3 runs): the reads, the import, both
``analyze`` runs and the floor are measured N times, one after the other in each round (a new project is
made and imported each round, so every first ``analyze`` is a first run), and the figures are the medians,
printed with their range; the ratios are those of the medians.  The reports, ``--engine`` runs and
``--help`` are measured once.

Targets (issue 14), at 1,000,000 × 120 items: analyze ≤ 3× the floor, second run ≤ 1.5× the floor,
report < 30 s, peak RSS analyze < 2 GB and report < 3 GB, import ≤ 1.5× the pyarrow read, --help < 0.5 s.

Run: python benchmarks/bench_project.py [--sizes 100000,300000,1000000] [--repeat 3] [--work /tmp/minyi_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

FLOOR = """
import sys, time, duckdb
t = time.perf_counter()
sys.path.insert(0, sys.argv[2])
from engines import sql as S
proj, items, site, codes, src = sys.argv[1], sys.argv[3].split(","), sys.argv[4], sys.argv[5], sys.argv[6]
con = duckdb.connect(proj + "/minyi.duckdb", read_only=True)
con.execute("SET enable_progress_bar = false")
con.execute(S.base_view("(" + src + ")", items, [(site, [float(c) for c in codes.split(",")])], {}))
n = len(con.execute(S.items_sql(items)).fetchall())
print(n, file=sys.stderr)
"""

READ = """
import sys, pyarrow.csv as pacsv
tab = pacsv.read_csv(sys.argv[1])
print(tab.num_rows, file=sys.stderr)
"""


def run(cmd: list, *, stdout=subprocess.DEVNULL, env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS GB) of one child process.  The child runs under GNU ``time`` (a small
    process): a child forked straight from this one would inherit this process's RSS high-water mark."""
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "MINYI_RSS_KB %M", *map(str, cmd)], stdout=stdout,
                          stderr=subprocess.PIPE, env={**ENV, **(env or {})}, cwd=ROOT)
    wall = time.perf_counter() - t
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{err[-2000:]}")
    kb = int(next(line for line in err.splitlines()[::-1] if line.startswith("MINYI_RSS_KB")).split()[1])
    return wall, kb * 1024 / 1e9


def survey(*args) -> list:
    return [sys.executable, "-m", "cli", *map(str, args)]


def ensure_csv(n: int, work: Path) -> Path:
    path = work / f"responses_{n}.csv"
    if path.exists():
        return path
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate, write_csv

    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    frame = simulate(load_questionnaire(bundled_path()), n, seed=1)
    tmp = path.with_suffix(".part")
    write_csv(frame, tmp)
    os.replace(tmp, path)
    print(f"  (simulated {n:,} rows in {time.perf_counter() - t:.0f} s, not timed)")
    return path


def recorder(keys) -> tuple[dict, dict, Callable]:
    """``(runs, rss, timed)``: ``timed(key, cmd, env=None)`` runs ``cmd`` (:func:`run`) and appends its wall
    time to ``runs[key]`` and its peak RSS to ``rss[key]``."""
    runs: dict = {k: [] for k in keys}
    rss: dict = {k: [] for k in keys}

    def timed(key: str, cmd: list, env: dict | None = None) -> None:
        wall, gb = run(cmd, env=env)
        runs[key].append(wall)
        rss[key].append(gb)

    return runs, rss, timed


REPEATED = ("read", "read_je", "import", "analyze1", "analyze2", "floor")  # measured --repeat times: medians


def measure(n: int, work: Path, spark: bool = False, repeat: int = 3) -> dict:
    from report.pipeline import item_specs
    from survey.qload import bundled_path, load_questionnaire

    csv = ensure_csv(n, work)
    proj = work / f"project_{n}"
    q = load_questionnaire(bundled_path())
    items = ",".join(it.key for it in item_specs(q))
    codes = ",".join(str(o.code) for o in q.question(q.site_question).options)
    runs, rss, timed = recorder(REPEATED)
    for _ in range(repeat):  # each round: a new project, imported, analysed twice, and the floors beside
        if proj.exists():
            shutil.rmtree(proj)
        run(survey("init", proj, "--questionnaire", bundled_path()))
        timed("read", [sys.executable, "-c", READ, str(csv)])
        # the same read with the allocator survey import uses (survey/arrow_memory.py): pyarrow's default
        # (mimalloc) spends seconds in page faults on some machines, which flatters the ratio
        timed("read_je", [sys.executable, "-c", READ, str(csv)], env={"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"})
        timed("import", survey("import", proj, csv, "--wave", "w1", "--quiet"))
        timed("analyze1", survey("analyze", proj, "--by", "site", "--json"))
        timed("analyze2", survey("analyze", proj, "--by", "site", "--json"))
        timed("floor", [sys.executable, "-c", FLOOR, str(proj), str(ROOT), items, q.site_question, codes,
                        _floor_source(proj)])
    r: dict = {"n": n, "repeat": repeat, "runs": runs}
    for k in REPEATED:
        r[k] = float(np.median(runs[k]))
        r[k + "_rss"] = max(rss[k])
    r["engine"], r["engine_rss"] = run(survey("analyze", proj, "--by", "site", "--engine", "duckdb", "--json"))
    out = work / f"report_{n}"
    r["report"], r["report_rss"] = run(survey("report", proj, "--format", "html,xlsx", "--out", out, "--quiet"))
    r["report2"], r["report2_rss"] = run(survey("report", proj, "--format", "html,xlsx", "--out", out, "--quiet"))
    if spark:
        r["spark"], r["spark_rss"] = run(survey("analyze", proj, "--by", "site", "--engine", "spark", "--json"))
    r["help"], _ = run(survey("--help"))
    r["help_analyze"], _ = run(survey("analyze", "--help"))
    return r


def _floor_source(proj: Path) -> str:
    """The floor's rows: those the analysis uses (the stored responses without the excluded ones), as SQL."""
    from engines.analyze import _inline
    from survey.store import Project

    src, params = Project.open(proj).analysis_source_sql("w1")
    return _inline(src, params)


def _spread(r: dict, key: str) -> str:
    """The median of ``key``'s runs with their range, e.g. ``5.4 s (5.3–5.6)``; one run: its time."""
    t = r["runs"][key]
    if len(t) < 2:
        return f"{r[key]:5.1f} s"
    return f"{r[key]:5.1f} s ({min(t):.1f}–{max(t):.1f})"


PACKAGES = ("cli", "survey", "analysis", "report", "engines", "minyi")


def compile_sources() -> None:
    """Compile the checkout's modules to bytecode first, as ``pip install`` does for an installed minyi.
    The commands run from this checkout (``PYTHONPATH``); without current ``__pycache__`` files (a module
    changed since, or ``PYTHONDONTWRITEBYTECODE`` set, as on our CI machine) every child process would
    compile them again, which the installed command never does (a first ``analyze`` at 1M: 7.2–7.4 s with no
    current bytecode, 7.0–7.1 s with it, two alternating runs)."""
    import compileall

    for pkg in PACKAGES:
        compileall.compile_dir(str(ROOT / pkg), quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--work", default="/tmp/minyi_bench")
    ap.add_argument("--spark", action="store_true", help="also --engine spark at the largest size")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of the reads, import, analyze and floor: medians")
    a = ap.parse_args()
    if a.repeat < 1:
        ap.error("--repeat must be 1 or more")
    work = Path(a.work)
    sizes = [int(s) for s in a.sizes.split(",")]
    compile_sources()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start (wall-clock times"
          + (f"; medians of {a.repeat} runs, range in brackets)" if a.repeat > 1 else ")"))
    rows = []
    for n in sizes:
        print(f"{n:,} respondents × 120 items:")
        r = measure(n, work, spark=a.spark and n == max(sizes), repeat=a.repeat)
        rows.append(r)
        print(f"  import   {_spread(r, 'import')} ({r['import_rss']:.2f} GB)  | pyarrow read_csv {_spread(r, 'read')} "
              f"-> {r['import'] / r['read']:.2f}× (target ≤ 1.5×); with jemalloc {_spread(r, 'read_je')} "
              f"-> {r['import'] / r['read_je']:.2f}×")
        print(f"  analyze  {_spread(r, 'analyze1')} ({r['analyze1_rss']:.2f} GB) first run, {_spread(r, 'analyze2')} "
              f"({r['analyze2_rss']:.2f} GB) second run | floor (DuckDB sufficient statistics) {_spread(r, 'floor')} "
              f"-> {r['analyze1'] / r['floor']:.2f}× / {r['analyze2'] / r['floor']:.2f}× (targets ≤ 3× / ≤ 1.5×)")
        print(f"  analyze --engine duckdb {r['engine']:5.1f} s ({r['engine_rss']:.2f} GB)")
        print(f"  report html,xlsx {r['report']:6.1f} s ({r['report_rss']:.2f} GB) (targets < 30 s, < 3 GB); "
              f"again, nothing changed {r['report2']:5.1f} s ({r['report2_rss']:.2f} GB)")
        if "spark" in r:
            print(f"  analyze --engine spark (local mode) {r['spark']:5.1f} s ({r['spark_rss']:.2f} GB, driver process) "
                  f"vs --engine duckdb {r['engine']:5.1f} s")
        print(f"  --help {r['help']:.2f} s, analyze --help {r['help_analyze']:.2f} s (target < 0.5 s)")
        r["load"] = os.getloadavg()[0]
        print(f"  load average now {r['load']:.1f}")
    if len(rows) >= 2:
        ln = np.log([r["n"] for r in rows])
        for key in ("import", "analyze1", "analyze2", "floor", "report"):
            b = np.polyfit(ln, np.log([r[key] for r in rows]), 1)[0]
            print(f"fitted exponent of {key}: {b:.2f} (time ≈ a·n^b; 1 = linear)")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
