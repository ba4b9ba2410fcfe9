"""survey.codings: a questionnaire edited after answers were imported (options renumbered) is said by every
command that reads the project, naming the question, the waves and the change; nothing is said while the coding
is the one the answers were imported with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from survey.qload import bundled_path
from survey.simulate import simulate, write_csv
from survey.store import Project


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import cli, sys; cli.main(sys.argv[1:])", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "p", bundled_path("civic_hot_issues"))
    write_csv(simulate(p.questionnaire, n=60, seed=1), tmp_path / "a.csv")
    write_csv(simulate(p.questionnaire, n=60, seed=2), tmp_path / "b.csv")
    p.import_file(tmp_path / "a.csv", wave="2026Q1")
    p.import_file(tmp_path / "b.csv", wave="2026Q2")
    return p


B5_ZH = "options: [非常支持, 比较支持, 无所谓, 不支持]"
B5_EN = 'options_en: ["Strongly support", "Fairly support", "Indifferent", "Do not support"]'


def _set_b5(p: Project, labels: list[str]) -> None:
    """B5's options replaced by ``labels`` (English labels alike, one per option)."""
    qf = p.root / "questionnaire.yaml"
    text = qf.read_text(encoding="utf-8")
    assert B5_ZH in text and B5_EN in text
    en = ", ".join(f'"option {i + 1}"' for i in range(len(labels)))
    qf.write_text(text.replace(B5_ZH, f"options: [{', '.join(labels)}]").replace(B5_EN, f"options_en: [{en}]"),
                  encoding="utf-8")


def _recode(p: Project) -> None:
    _set_b5(p, ["非常支持", "支持", "比较支持", "无所谓", "不支持"])


def test_a_renumbered_option_is_said_by_the_commands_that_read_the_answers(project):
    for cmd in (["status", project.root], ["analyze", project.root, "--json"]):
        r = run(*cmd)
        assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    _recode(project)
    want = ("questionnaire.yaml: warning: B5: the answers of wave(s) 2026Q1, 2026Q2 (import #1, #2) were imported "
            "when the questionnaire coded it otherwise: code 2 was '比较支持', now '支持'; they are now read with "
            "today's options")
    for cmd in (["status", project.root], ["analyze", project.root, "--json"], ["trend", project.root]):
        r = run(*cmd)
        assert r.returncode == 0, r.stderr
        lines = [ln for ln in r.stderr.splitlines() if "warning" in ln]
        assert len(lines) == 1 and want in lines[0], r.stderr


def test_answers_imported_with_todays_coding_are_not_flagged(project, tmp_path):
    _recode(project)
    p = Project.open(project.root)
    write_csv(simulate(p.questionnaire, n=40, seed=3), tmp_path / "c.csv")
    p.import_file(tmp_path / "c.csv", wave="2026Q3")
    (change,) = p.coding_changes()
    assert (change.qid, change.waves, change.imports) == ("B5", ("2026Q1", "2026Q2"), (1, 2))
    for i in (1, 2):
        p.remove_import(i)
    assert Project.open(project.root).coding_changes() == []


@pytest.mark.parametrize("new, detail", [
    (["非常支持", "比较支持", "不支持"], "code 3 was '无所谓', now '不支持'"),
    (["非常支持", "比较支持", "无所谓"], "code 4 (不支持) is gone"),
    (["非常支持", "比较支持", "无所谓", "不支持", "说不清"], "code 5 (说不清) is new"),
])
def test_what_changed_is_named(project, new, detail):
    _set_b5(project, new)
    changes = Project.open(project.root).coding_changes()
    assert [(c.qid, c.detail) for c in changes] == [("B5", detail)]
