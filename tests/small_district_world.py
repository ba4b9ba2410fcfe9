"""A one-wave project where one district (北山区) has only 18 respondents — at least ``min_cell`` (10), fewer than
``small_base`` (30) — and lags the city clearly on every satisfaction area (−1.5 latent SD), the other five districts
alike (~240 respondents each).  Shared by the small-base district tests (tests/test_small_base_districts.py)."""

from __future__ import annotations

from pathlib import Path

from survey.qload import load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

from tracking_world import questionnaire_file

SMALL_DISTRICT = "北山区"
SMALL_N = 18
AREAS = ("sat_env", "sat_traffic", "sat_civility", "sat_safety", "sat_service")


def build(root: Path, *, n: int = 1200, seed: int = 77) -> Project:
    """The project under ``root / 'project'``: wave 2025Q1, 北山区 cut to ``SMALL_N`` respondents."""
    qpath = questionnaire_file(root)
    q = load_questionnaire(qpath)
    project = Project.create(root / "project", qpath)
    project.config["waves"] = {"2025Q1": {"label": "2025年第一季度", "start": "2025-01-06", "end": "2025-03-28"}}
    project.save_config()
    frame = simulate(q, n, seed, start="2025-01-06", days=60, district_spread=0.0,
                     effects={f"{SMALL_DISTRICT}/{a}": -1.5 for a in AREAS})
    code = next(o.code for o in q.get(q.district_question).options if o.label == SMALL_DISTRICT)
    col = frame[q.district_question]
    small = frame.index[col == code]
    frame = frame.drop(small[SMALL_N:])
    csv = root / "2025Q1.csv"
    write_csv(frame, csv)
    project.import_file(csv, wave="2025Q1")
    return Project.open(root / "project")
