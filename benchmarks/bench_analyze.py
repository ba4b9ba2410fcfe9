"""Benchmark: every questionnaire indicator, overall and by site and by district, with CIs,
on 1,000,000 simulated respondents of the bundled 120-item questionnaire.

Target (issue 4): under 10 seconds on the project's 2-core machine.  The data get a realistic
design: strata = district, ~200 clusters (PSUs) per district, unequal weights.

Timed sets:
  * indicators — every item's rate (logit CI) and index (mean score), every indicator, area and the
    composite index (joint linearisation), overall + every site + every district
    (``analysis.indicators.compute_indicators``): the target;
  * choice     — the hot-issue multiple-choice question (% respondents, % mentions) and the
    ranking question (first choice, Borda), same groups;
  * pipeline   — the whole ``survey analyze`` result (the above plus composition, open-answer
    words, IPA, league), for information.

Where ``Rscript`` with the survey package is installed, R runs the per-item part of the same set
(for every item: ``svyciprop`` and ``svyby(..., svyciprop)`` of the rate by site and by district,
``svymean`` and ``svyby(..., svymean)`` of the index, each on ``subset(des, valid)``) on the first
``--r-rows`` rows (default 100,000; R on 1M rows takes too long) and on a quarter of them, and the
script extrapolates R's time to the full size with the straight line through those two runs
(fixed per-call cost + cost per row), stating so.  It
also times minyi on those same rows, so the ratio at equal size is printed too.

Run: python benchmarks/bench_analyze.py [--n 1000000] [--r-rows 100000] [--no-r]

Last run (2026-12-05, the 2-core machine, load average 1.0):
  1M rows, stratified cluster design: design and columns 1.42 s, indicators 1.58 s, hot issues and
  ranking 0.73 s: 3.72 s wall (3.72 s CPU); no design: 2.73 s; the whole ``analyze`` result of the
  pipeline on this frame, by site and district under the cluster design, in this process (threads, no
  section worker) 16.0 s, and 12.0 s with ``NUMPY_MADVISE_HUGEPAGE=0`` (what the ``survey`` command
  sets: survey/allocator.py; the indicators then 3.17 s).  R survey on 100k rows: 149 s wall (149 s CPU) vs minyi 0.58 s (255× wall, 245× CPU); R on
  25k rows 48 s; extrapolated to 1M rows (not run): ~1,364 s, ≈ 455×.
  (2026-11-25, load average ~4.6: indicators 2.77 s, 3.54 s with hot issues and ranking; R 343×.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

from analysis import Design
from analysis.indicators import AreaSpec, compute_indicators
from analysis.multiple import asked_rows, multiple_choice, ranking_scores
from report.item_scores import coded_column
from report.pipeline import _grouping, analyze, item_specs
from survey.columns import answer_array, float_column
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate


def add_design(frame: pd.DataFrame, q, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(frame)
    dist = pd.to_numeric(frame[q.district_question], errors="coerce").fillna(0).astype(int).to_numpy()
    frame["_st"] = dist
    frame["_psu"] = dist * 1000 + rng.integers(0, 200, n)
    frame["_w"] = np.round(rng.uniform(0.5, 2.5, n), 3)
    return frame


DESIGN = {"weights": "_w", "strata": "_st", "psu": "_psu"}


def run_minyi(q, frame: pd.DataFrame, design: str = "cluster") -> dict:
    t = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    if design == "cluster":
        des = Design.from_frame(frame, weights="_w", strata="_st", psu="_psu", lonely_psu="certainty")
    else:  # no design: equal weights, each respondent its own PSU
        des = Design.from_frame(frame)
    groupings = [_grouping(q, frame, "site"), _grouping(q, frame, "district")]
    items = item_specs(q)
    cols = {it.key: coded_column(frame, it.key) for it in items}  # each item's answer codes, as the pipeline codes them
    areas = [AreaSpec(a.id, a.name, a.weight) for a in q.areas]
    t1 = time.perf_counter()
    res = compute_indicators(des, cols, items, areas, groupings)
    t2 = time.perf_counter()
    t["cpu_ind"] = time.process_time() - c0
    mq = max((x for x in q.questions if x.type == "multiple"), key=lambda x: len(x.options))
    M = [answer_array(frame, f"{mq.id}_{o.code}") for o in mq.options]
    multiple_choice(des, M, [o.code for o in mq.options], [o.label for o in mq.options], groupings=groupings,
                    asked=asked_rows(M, len(frame)))
    rq = next(x for x in q.questions if x.type == "ranking")
    R = [float_column(frame, f"{rq.id}_{o.code}") for o in rq.options]
    ranking_scores(des, R, [o.code for o in rq.options], [o.label for o in rq.options], k=rq.k, groupings=groupings)
    t3 = time.perf_counter()
    t["cpu"] = time.process_time() - c0
    n_est = sum(len(v["rate"]) + len(v.get("index", [])) for v in res.items.values())
    t.update(prepare=t1 - t0, indicators=t2 - t1, choice=t3 - t2, items=len(items), groups=len(res.groups),
             estimates=n_est, composite=res.composite[0])
    return t


R_SCRIPT = r"""
suppressMessages(library(survey))
options(survey.lonely.psu = "certainty")
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
items <- read.csv(args[2], stringsAsFactors = FALSE)
des <- svydesign(ids = ~X_psu, strata = ~X_st, weights = ~X_w, nest = TRUE, data = d)
t0 <- proc.time()
n_est <- 0
for (i in seq_len(nrow(items))) {
  key <- items$key[i]
  x <- d[[key]]
  pos <- as.integer(strsplit(as.character(items$positive[i]), ";")[[1]])
  na <- if (!is.na(items$na[i]) && nchar(items$na[i])) as.integer(strsplit(as.character(items$na[i]), ";")[[1]]) else integer(0)
  valid <- !is.na(x) & !(x %in% na)
  sc <- NA
  if (items$scored[i] == 1) {
    codes <- as.integer(strsplit(as.character(items$codes[i]), ";")[[1]])
    scores <- as.numeric(strsplit(as.character(items$scores[i]), ";")[[1]])
    sc <- scores[match(x, codes)]
  }
  des2 <- update(des, hit = as.numeric(x %in% pos), sc = sc)
  dsub <- subset(des2, valid)
  p <- svyciprop(~hit, dsub, method = "logit")
  b1 <- svyby(~hit, ~A5, dsub, svyciprop, method = "logit", vartype = c("se", "ci"))
  b2 <- svyby(~hit, ~A6, dsub, svyciprop, method = "logit", vartype = c("se", "ci"))
  n_est <- n_est + 1 + nrow(b1) + nrow(b2)
  if (items$scored[i] == 1) {
    m <- svymean(~sc, dsub)
    confint(m, df = degf(dsub))
    b3 <- svyby(~sc, ~A5, dsub, svymean)
    b4 <- svyby(~sc, ~A6, dsub, svymean)
    n_est <- n_est + 1 + nrow(b3) + nrow(b4)
  }
}
dt <- proc.time() - t0
cat(sprintf("%.3f %d %.3f\n", dt[["elapsed"]], n_est, dt[["user.self"]] + dt[["sys.self"]]))
"""


def run_r(q, frame: pd.DataFrame, rows: int) -> tuple[float, int, float] | None:
    if shutil.which("Rscript") is None:
        return None
    items = item_specs(q)
    sub = frame.iloc[:rows]
    keep = [it.key for it in items] + ["A5", "A6", "_st", "_psu", "_w"]
    with tempfile.TemporaryDirectory() as tmp:
        data_csv = os.path.join(tmp, "d.csv")
        sub[keep].to_csv(data_csv, index=False)
        pd.DataFrame({"key": [it.key for it in items],
                      "positive": [";".join(str(int(c)) for c in it.positive) for it in items],
                      "na": [";".join(str(int(c)) for c in it.na_codes) for it in items],
                      "scored": [1 if it.scores else 0 for it in items],
                      "codes": [";".join(str(int(c)) for c in (it.scores or {})) for it in items],
                      "scores": [";".join(repr(float(v)) for v in (it.scores or {}).values()) for it in items]}).to_csv(os.path.join(tmp, "items.csv"), index=False)
        script = os.path.join(tmp, "bench.R")
        with open(script, "w") as f:
            f.write(R_SCRIPT)
        r = subprocess.run(["Rscript", script, data_csv, os.path.join(tmp, "items.csv")], capture_output=True, text=True)
    if r.returncode != 0:
        print("R failed:", r.stderr.strip()[-500:])
        return None
    secs, n_est, cpu = r.stdout.split()
    return float(secs), int(n_est), float(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--r-rows", type=int, default=100_000)
    ap.add_argument("--no-r", action="store_true")
    ap.add_argument("--no-pipeline", action="store_true")
    a = ap.parse_args()
    q = load_questionnaire(bundled_path())
    t0 = time.perf_counter()
    frame = add_design(simulate(q, a.n, seed=1), q)
    print(f"simulated {a.n:,} rows × {frame.shape[1]} columns ({q.n_items} items) in {time.perf_counter() - t0:.1f} s "
          f"(not timed below); design: 6 strata (districts), {frame['_psu'].nunique():,} PSUs, unequal weights")
    print(f"(wall-clock times; the machine is shared, so CPU time of this process is shown too; "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for design in ("cluster", "none"):
        t = run_minyi(q, frame, design)
        total = t["prepare"] + t["indicators"] + t["choice"]
        label = "stratified cluster design" if design == "cluster" else "no design (equal weights, SRS)"
        print(f"minyi {a.n:,} rows, {label}: {t['items']} items × {t['groups']} groups (overall, sites, districts): "
              f"{t['estimates']:,} item estimates + indicators, areas, composite")
        print(f"  design + columns {t['prepare']:.2f} s | indicators {t['indicators']:.2f} s | hot issues + ranking "
              f"{t['choice']:.2f} s | total {total:.2f} s wall, {t['cpu']:.2f} s CPU (target < 10 s) -> "
              f"{'OK' if total < 10 else 'OVER TARGET'}")
        print(f"  composite index {t['composite'].estimate:.2f} (95% CI {t['composite'].ci_low:.2f}–"
              f"{t['composite'].ci_high:.2f})")
        if design == "cluster":
            t_cluster = t
    if not a.no_pipeline:
        t1 = time.perf_counter()
        analyze(q, frame, by=("site", "district"), design=DESIGN)  # noqa: the result is not printed
        print(f"  whole `survey analyze` result (pipeline, incl. composition, open answers, IPA): "
              f"{time.perf_counter() - t1:.2f} s")
    if a.no_r:
        return
    rows = min(a.r_rows, a.n)
    if shutil.which("Rscript") is None:
        print("R: Rscript not installed; no comparison")
        return
    sub = frame.iloc[:rows].reset_index(drop=True)
    ts = run_minyi(q, sub)
    small = ts["prepare"] + ts["indicators"]
    r = run_r(q, frame, rows)
    if r is None:
        return
    r_secs, r_est, r_cpu = r
    print(f"R survey {rows:,} rows, per-item svyciprop/svymean + svyby by site and by district: {r_secs:.1f} s wall, "
          f"{r_cpu:.1f} s CPU ({r_est:,} estimates)")
    print(f"minyi {rows:,} rows, same items and groups (plus aggregates): {small:.2f} s wall, {ts['cpu_ind']:.2f} s CPU "
          f"-> R/minyi = {r_secs / small:.0f}× (wall), {r_cpu / ts['cpu_ind']:.0f}× (CPU)")
    if rows < a.n:
        # R's time = fixed per-call cost + cost linear in rows: fit both from a second, smaller run
        rows2 = rows // 4
        r2 = run_r(q, frame, rows2)
        if r2 is None:
            return
        slope = (r_secs - r2[0]) / (rows - rows2)
        r_ext = r_secs + slope * (a.n - rows)
        print(f"R survey {rows2:,} rows: {r2[0]:.1f} s wall, {r2[2]:.1f} s CPU; fitted R time = {r_secs - slope * rows:.1f} s + "
              f"{slope * 1e6:.1f} s per million rows")
        cpu_ext = r_cpu + (r_cpu - r2[2]) / (rows - rows2) * (a.n - rows)
        print(f"R extrapolated to {a.n:,} rows (R was NOT run at this size; linear fit through the two runs): "
              f"~{r_ext:.0f} s wall, ~{cpu_ext:.0f} s CPU -> R/minyi ≈ "
              f"{r_ext / (t_cluster['prepare'] + t_cluster['indicators']):.0f}× (wall), "
              f"{cpu_ext / t_cluster['cpu_ind']:.0f}× (CPU) (minyi indicators at {a.n:,} rows: "
              f"{t_cluster['prepare'] + t_cluster['indicators']:.2f} s wall, {t_cluster['cpu_ind']:.2f} s CPU)")


if __name__ == "__main__":
    sys.exit(main())
