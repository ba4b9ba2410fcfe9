"""The end-to-end demo: bundled questionnaire → two simulated waves → analysis → full report.

Uses only what ships with minyi.  Steps: validate the bundled questionnaire; simulate two
waves (the second with a small improvement and realistic faults); analyze each; compare;
render HTML, DOCX, PDF and XLSX with charts.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable, Sequence

from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

from .project import report_project
from .render import FORMATS


def run_demo(out_dir: Path, *, n1: int = 3000, n2: int = 4000, seed: int = 2026,
             formats: Sequence[str] = FORMATS, log: Callable[[str], None] = lambda s: None) -> dict:
    """Run the demo into ``out_dir``; returns the written paths and timings."""
    t0 = time.perf_counter()
    from survey.atomic import make_dir

    make_dir(out_dir)
    qpath = bundled_path()
    q = load_questionnaire(qpath)
    log(f"questionnaire valid: {q.title} — {len(q.questions)} questions, {q.n_items} items")
    waves = [("2026Q1", n1, seed, 0.0, "2026-03-01", False), ("2026Q3", n2, seed + 1, 0.15, "2026-09-01", True)]
    proj_dir = out_dir / "project"
    if proj_dir.exists():
        shutil.rmtree(proj_dir)
    project = Project.create(proj_dir, qpath)
    log(f"project created: {proj_dir}")
    for name, n, s, shift, start, messy in waves:
        frame = simulate(q, n, s, shift=shift, start=start, messy=messy)
        csv = out_dir / f"responses_{name}.csv"
        write_csv(frame, csv)
        log(f"simulated {len(frame):,} responses for {name}{' (with realistic faults)' if messy else ''} → {csv.name}")
        summary = project.import_file(csv, wave=name)
        for line in summary.lines():
            log("  " + line)
    flags = project.check()
    log(f"quality check: {len(flags):,} flags; exclusion rules: "
        + ", ".join(k for k, v in project.config["exclusions"].items() if v))
    t1 = time.perf_counter()
    log(f"data ready in {t1 - t0:.1f} s; writing the report ({', '.join(formats)}) …")
    out = report_project(project, out_dir, wave="2026Q3", compare_wave="2026Q1", formats=formats)
    paths = out["paths"]
    dt = time.perf_counter() - t0
    for fmt, p in paths.items():
        log(f"{fmt:5s} {p}")
    n_charts = len(list((out_dir / "charts").glob("*.png"))) if (out_dir / "charts").exists() else 0
    log(f"report with {n_charts} charts (PNG+SVG) in {time.perf_counter() - t1:.1f} s; done in {dt:.1f} s")
    return {"paths": paths, "seconds": dt, "result": out["result"], "changes": out["changes"], "project": project}
