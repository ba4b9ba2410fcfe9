"""Benchmark: import a 1,000,000-row simulated file of the bundled questionnaire into a project.

Target (issue 3): ``Project.import_file`` (what ``survey import`` runs) takes at most 3x the time
``pyarrow.csv.read_csv`` needs for the same file, with peak memory under 4 GB.

Each measurement runs in its own child process; its peak resident memory is the child's
``ru_maxrss`` reported by ``os.wait4`` (kernel accounting, no tracing overhead).  The times are
measured inside the child around the one call (interpreter start-up and imports excluded).
The simulated file is cached (default ``/tmp/minyi_bench/responses_<N>.csv``).

Run: python benchmarks/bench_import.py [N] [--csv FILE]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READ_CHILD = """
import json, sys, time
import pyarrow.csv as pacsv
t = time.perf_counter()
tab = pacsv.read_csv(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "rows": tab.num_rows, "columns": tab.num_columns}))
"""

IMPORT_CHILD = """
import json, sys, time
from survey.qload import bundled_path
from survey.store import Project
p = Project.create(sys.argv[2], bundled_path())
t = time.perf_counter()
s = p.import_file(sys.argv[1], wave="bench")
print(json.dumps({"seconds": time.perf_counter() - t, "rows": s.rows_read, "accepted": s.accepted,
                  "quarantined": s.quarantined, "format": s.format}))
"""


def _run_child(code: str, *args: str) -> tuple[dict, float]:
    """Run ``code`` in a fresh interpreter; return (its JSON output + its CPU seconds, its peak RSS in GB)."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"child failed ({proc.returncode}):\n{err.decode(errors='replace')}")
    peak_gb = usage.ru_maxrss * 1024 / 1e9  # Linux reports kilobytes
    res = json.loads(out.decode().strip().splitlines()[-1])
    res["cpu"] = usage.ru_utime + usage.ru_stime  # whole child, start-up included
    return res, peak_gb


def ensure_file(n: int, path: Path) -> Path:
    if path.exists():
        return path
    from survey.qload import bundled_path, load_questionnaire
    from survey.simulate import simulate, write_csv

    path.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    q = load_questionnaire(bundled_path())
    frame = simulate(q, n, seed=1)
    tmp = path.with_suffix(".part")
    write_csv(frame, tmp)
    os.replace(tmp, path)
    print(f"simulated {n:,} rows in {time.perf_counter() - t:.1f} s -> {path}")
    return path


def main() -> None:
    args = sys.argv[1:]
    csv = None
    if "--csv" in args:
        i = args.index("--csv")
        csv = Path(args[i + 1])
        del args[i:i + 2]
    n = int(args[0]) if args else 1_000_000
    path = ensure_file(n, csv or Path(tempfile.gettempdir()) / "minyi_bench" / f"responses_{n}.csv")
    size = path.stat().st_size
    read, read_mem = _run_child(READ_CHILD, str(path))
    with tempfile.TemporaryDirectory() as d:
        imp, imp_mem = _run_child(IMPORT_CHILD, str(path), os.path.join(d, "proj"))
    ratio = imp["seconds"] / read["seconds"]
    print(f"file: {path} ({size / 1e6:.0f} MB, {read['rows']:,} rows x {read['columns']} columns)")
    print(f"pyarrow.csv.read_csv: {read['seconds']:.1f} s  (peak memory {read_mem:.2f} GB; child CPU {read['cpu']:.1f} s)")
    print(f"survey import:        {imp['seconds']:.1f} s  (peak memory {imp_mem:.2f} GB; child CPU {imp['cpu']:.1f} s; "
          f"format {imp['format']}, {imp['accepted']:,} accepted, {imp['quarantined']:,} quarantined)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (times are wall clock)")
    print(f"ratio import / read_csv: {ratio:.2f}x (target <= 3x)  "
          f"peak memory {'OK' if imp_mem < 4 else 'OVER'} (target < 4 GB)")


if __name__ == "__main__":
    main()
