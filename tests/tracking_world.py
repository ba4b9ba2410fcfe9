"""A project with six simulated waves and planted problems, shared by the trend, ledger and brief tests.

The world (``survey.simulate`` with ``effects``, districts alike otherwise: ``district_spread=0``):

* 城市环境 (sat_env) and 交通秩序 (sat_traffic) improve every wave (+0.1 latent SD per wave);
* 文明风尚 (sat_civility) declines slowly (−0.05 latent SD per wave: a trend over six waves, never a significant drop between two);
* 北山区 lags the city on 交通秩序 in every wave (−0.8);
* 社会治安 (sat_safety) drops sharply in wave 5 (−0.5) and recovers in wave 6;
* 公共服务 (sat_service) has a target (满意率 80%) far above its level (~51%), and improves in wave 6
  (+0.6) without reaching it; every other target is set far below its indicator;
* the hot issue 停车难 is boosted (log-popularity +1.5, ~38% of respondents) until wave 5 and
  drops back (~10%) in wave 6.

Waves are configured with labels and start dates in minyi.yaml and imported out of order, so every
output must order them by date and show labels.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

WAVES = [("2025Q1", "2025年第一季度", "2025-01-06", "2025-03-28"),
         ("2025Q2", "2025年第二季度", "2025-04-07", "2025-06-27"),
         ("2025Q3", "2025年第三季度", "2025-07-07", "2025-09-26"),
         ("2025Q4", "2025年第四季度", "2025-10-08", "2025-12-26"),
         ("2026Q1", "2026年第一季度", "2026-01-05", "2026-03-27"),
         ("2026Q2", "2026年第二季度", "2026-04-07", "2026-06-26")]
IMPORT_ORDER = [2, 0, 5, 1, 4, 3]  # not the time order
N = 1200
LAG_DISTRICT = "北山区"


def effects(i: int) -> dict:
    """The planted effects of wave ``i`` (0-based)."""
    return {"sat_env": 0.1 * i, "sat_traffic": 0.1 * i, "sat_civility": -0.05 * i,
            "sat_safety": -0.5 if i == 4 else 0.0, "sat_service": 0.6 if i == 5 else 0.0,
            f"{LAG_DISTRICT}/sat_traffic": -0.8, "K1=停车难": 1.5 if i <= 4 else 0.0}


def questionnaire_file(folder: Path) -> Path:
    """The bundled questionnaire with test targets: every target far below its indicator except
    公共服务满意率 (80%)."""
    doc = yaml.safe_load(bundled_path().read_text(encoding="utf-8"))
    for ind in doc["indicators"]:
        ind["target"] = 0.8 if ind["id"] == "sat_service" else 0.3
        if "index_target" in ind:
            ind["index_target"] = 0.3
    path = folder / "questionnaire_targets.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build(root: Path, *, waves: int = 6, n: int = N) -> Project:
    """Create the project under ``root / 'project'`` with the first ``waves`` waves."""
    qpath = questionnaire_file(root)
    q = load_questionnaire(qpath)
    project = Project.create(root / "project", qpath)
    project.config["waves"] = {w: {"label": lab, "start": start, "end": end} for w, lab, start, end in WAVES}
    project.config["ledger"] = {"hot_issue_share": 0.30}
    project.save_config()
    for i in [j for j in IMPORT_ORDER if j < waves]:
        wid, _, start, _ = WAVES[i]
        frame = simulate(q, n, 500 + i, start=start, days=60, effects=effects(i), district_spread=0.0)
        csv = root / f"{wid}.csv"
        write_csv(frame, csv)
        project.import_file(csv, wave=wid)
    return Project.open(root / "project")


def add_wave(root: Path, i: int, n: int = N) -> Project:
    """Import wave ``i`` (0-based) into the project built by :func:`build`."""
    q = load_questionnaire(root / "project" / "questionnaire.yaml")
    project = Project.open(root / "project")
    wid, _, start, _ = WAVES[i]
    frame = simulate(q, n, 500 + i, start=start, days=60, effects=effects(i), district_spread=0.0)
    csv = root / f"{wid}.csv"
    write_csv(frame, csv)
    project.import_file(csv, wave=wid)
    return Project.open(root / "project")


def survey(*args: str) -> tuple[int, str, str]:
    """Run ``survey ARGS`` in-process through :func:`cli.main` (errors become messages and exit codes);
    returns (exit code, stdout, stderr)."""
    import contextlib
    import io

    import cli

    out, err = io.StringIO(), io.StringIO()
    old = cli._exit.called_from_console
    cli._exit.called_from_console = False
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cli.main([str(a) for a in args])
    finally:
        cli._exit.called_from_console = old
    return rc, out.getvalue(), err.getvalue()
