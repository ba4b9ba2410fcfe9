"""One rule for an open ledger item that no unit owns: the brief and the report's ledger table name the same
unit, the issuing office as lead (``市文明办（牵头）``), and both take the office from ``org:`` in minyi.yaml.

Before, the brief named "市文明办（牵头）" (ignoring minyi.yaml's ``org:``) while the report's 整改台账在办事项
table said "待明确" for the same item: a leader holding both read two answers to "who acts on this?"."""

from __future__ import annotations

import yaml

import tracking_world as W
from report.brief import build_brief
from report.trend_chapter import trend_chapter
from survey.ledger import LedgerStore
from survey.store import Project

OFFICE = "临江市文明办"


def test_brief_and_report_name_the_same_lead_unit_from_minyi_yaml(tmp_path):
    project = W.build(tmp_path, waves=1, n=300)
    qfile = tmp_path / "project" / "questionnaire.yaml"
    doc = yaml.safe_load(qfile.read_text(encoding="utf-8"))
    for a in doc.get("areas", []):
        a.pop("owner", None)  # no area has a responsible unit
    qfile.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    project = Project.open(tmp_path / "project")
    project.config["org"] = OFFICE
    project.save_config()
    wave = W.WAVES[0][0]
    rc, _, err = W.survey("ledger", tmp_path / "project", "--wave", wave, "--out", tmp_path / "ledger.xlsx")
    assert rc == 0, err
    project = Project.open(tmp_path / "project")
    items = [it for it in LedgerStore(project).items() if it.is_open]
    assert items and all(not it.unit for it in items)  # the case this test is about

    chapter = trend_chapter(project, wave)
    brief = build_brief(project, wave)
    assert brief.org == OFFICE
    lead = f"{OFFICE}（牵头）"
    assert chapter.ledger and {r.unit for r in chapter.ledger} == {lead}
    assert brief.problems and {p.unit for p in brief.problems} == {lead}
    assert all(brief.ledger_unit(it) == lead for it in brief.ledger_due)
