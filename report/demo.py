"""The end-to-end demo: bundled questionnaire → three simulated waves → analysis → full report, and
the tracking loop (evaluation scores, rectification ledger, meeting brief).

Uses only what ships with minyi.  Steps: validate the bundled questionnaire; simulate three
quarterly waves (labels and fielding periods in minyi.yaml ``waves:``; each a little better, the
last with realistic faults); analyze; compare the last two and follow all three (the 变化
chapter); propose the rectification ledger on 2026Q2 and verify it on 2026Q3 (``ledger.xlsx``);
render HTML, DOCX, PDF and XLSX with charts (the open ledger items in 重点与对策建议); then score
the districts with the bundled evaluation framework and external scores (``score.txt``) and
write the meeting brief (``brief_2026Q3.*``).
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

DEMO_WAVES = {"2026Q1": {"label": "2026年第一季度", "start": "2026-03-01", "end": "2026-03-31"},
              "2026Q2": {"label": "2026年第二季度", "start": "2026-06-01", "end": "2026-06-30"},
              "2026Q3": {"label": "2026年第三季度", "start": "2026-09-01", "end": "2026-09-30"}}


def run_demo(out_dir: Path, *, n1: int = 3000, n2: int = 4000, seed: int = 2026,
             formats: Sequence[str] = FORMATS, log: Callable[[str], None] = lambda s: None) -> dict:
    """Run the demo into ``out_dir`` (module docstring); returns the written paths and timings."""
    t0 = time.perf_counter()
    from survey.atomic import atomic_write_text, make_dir

    make_dir(out_dir)
    qpath = bundled_path()
    q = load_questionnaire(qpath)
    log(f"questionnaire valid: {q.title} — {len(q.questions)} questions, {q.n_items} items")
    waves = [("2026Q1", n1, seed, 0.0, "2026-03-01", False),
             ("2026Q2", (n1 + n2) // 2, seed + 2, 0.08, "2026-06-01", False),
             ("2026Q3", n2, seed + 1, 0.15, "2026-09-01", True)]
    proj_dir = out_dir / "project"
    refuse_to_discard_ledger_work(out_dir)
    if proj_dir.exists():
        shutil.rmtree(proj_dir)
    project = Project.create(proj_dir, qpath)
    project.config["waves"] = dict(DEMO_WAVES)
    project.config["ledger"] = {"deadline_days": 30}  # items fall due 30 days after their wave ends
    # the city's population by gender (census shares): shown next to the sample, which is not weighted,
    # so the report says where the sample differs from the population (report.representativeness)
    genders = [o.label for o in q.question("A1").options]
    atomic_write_text(proj_dir / "pop_gender.csv", f"性别,人口占比\n{genders[0]},50.6%\n{genders[1]},49.4%\n")
    project.config["margins"] = {"gender": "pop_gender.csv"}
    project.save_config()
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
    log(f"data ready in {t1 - t0:.1f} s")
    paths = _ledger(project, out_dir, log)
    log(f"writing the report ({', '.join(formats)}) …")
    out = report_project(project, out_dir, wave="2026Q3", compare_wave="2026Q2", formats=formats)
    paths = {**out["paths"], **paths}
    for fmt, p in out["paths"].items():
        log(f"{fmt:5s} {p}")
    n_charts = len(list((out_dir / "charts").glob("*.png"))) if (out_dir / "charts").exists() else 0
    log(f"report with {n_charts} charts (PNG+SVG) in {time.perf_counter() - t1:.1f} s")
    paths.update(_tracking(project, out_dir, formats, log))
    dt = time.perf_counter() - t0
    log(f"done in {dt:.1f} s")
    return {"paths": paths, "seconds": dt, "result": out["result"], "changes": out["changes"], "project": project}


def refuse_to_discard_ledger_work(out_dir: Path) -> None:
    """The demo rebuilds ``out_dir`` from scratch: its project (with the ledger store) and ledger.xlsx.  An analyst
    who tried the ledger on the demo's files has work there that the rebuild would discard — edits stored by
    ``survey ledger --update`` in the project's history, or edits in ledger.xlsx not stored yet — so the demo
    stops before changing anything (:class:`MinyiError` ``demo-ledger-work``).  The demo itself makes no edits."""
    from survey.errors import MinyiError
    from survey.ledger import LedgerStore
    from survey.ledger_sheet import unsaved_edits
    from survey.project_files import CONFIG

    proj_dir, sheet = out_dir / "project", out_dir / "ledger.xlsx"
    items, what = [], []
    if (proj_dir / CONFIG).exists():
        store = LedgerStore(Project.open(proj_dir))
        items = store.items()
        stored = store.analyst_edits()
        if stored:
            what.append(f"{len(stored)} edit(s) stored in {proj_dir.name} by survey ledger --update")
    if sheet.exists():
        try:
            count, cells = unsaved_edits(sheet, items)
        except MinyiError:  # not a ledger the demo wrote: not the demo's to overwrite
            what.append(f"{sheet.name}, which is not a ledger the demo wrote")
        else:
            if count:
                what.append(f"{count} edit(s) in {sheet.name} not stored yet ({cells})")
    if what:
        raise MinyiError.of("demo-ledger-work", file=str(out_dir), folder=str(out_dir), what="; ".join(what))


def _ledger(project: Project, out_dir: Path, log: Callable[[str], None]) -> dict:
    """The rectification ledger: items proposed on 2026Q2, verified (and new ones proposed) on 2026Q3."""
    from .ledger import project_ledger

    for wave in ("2026Q2", "2026Q3"):
        run = project_ledger(project, wave, out=out_dir / "ledger.xlsx" if wave == "2026Q3" else None)
        lines = run.lines()
        log(f"rectification ledger: {lines[0] if lines else ''}")
    return {"ledger": out_dir / "ledger.xlsx"}


def _tracking(project: Project, out_dir: Path, formats: Sequence[str], log: Callable[[str], None]) -> dict:
    """Scores (bundled framework + external scores) and the brief of the last wave."""
    from survey.atomic import atomic_write_text
    from survey.framework import bundled_external_path, bundled_framework_path

    from .brief import build_brief
    from .brief_render import BRIEF_FORMATS, write_brief
    from .score import project_scores

    t = time.perf_counter()
    scores = project_scores(project, bundled_framework_path(), external=bundled_external_path(), wave="2026Q3")
    lines = scores.lines()
    atomic_write_text(out_dir / "score.txt", "\n".join(lines) + "\n")
    log("evaluation scores (bundled framework civic_framework.yaml, external scores civic_external_scores.csv):")
    for line in lines[:14]:
        log("  " + line)
    brief = write_brief(build_brief(project, "2026Q3"), out_dir,
                        [f for f in formats if f in BRIEF_FORMATS] or ["html"])
    log(f"score.txt and the brief ({', '.join(brief)}) in {time.perf_counter() - t:.1f} s")
    return {"score": out_dir / "score.txt", **{f"brief_{k}": v for k, v in brief.items()}}
