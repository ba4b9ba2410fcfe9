"""survey remove-import killed (SIGKILL) after its transaction committed, before it took the wave (left without
imports) out of minyi.yaml: the retry completes minyi.yaml and says so, as an import's retry completes ``waves:``
(tests/test_import_killed_after_commit.py); run once more it says the import was removed already.

Before: the retry said "import #2 … was removed already; nothing was changed" and the wave stayed listed in
minyi.yaml for good, a wave with no import."""

from __future__ import annotations

import yaml

from cli_capture import run_main
from killed_child import kill_when_paused, start_paused
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project


def _waves(proj):
    return yaml.safe_load((proj / "minyi.yaml").read_text(encoding="utf-8"))["waves"]


def test_the_retry_of_a_removal_killed_after_its_commit_completes_minyi_yaml(tmp_path, capsys):
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 60, seed=1), tmp_path / "a.csv")
    write_csv(simulate(q, 40, seed=2), tmp_path / "b.csv")
    proj = tmp_path / "p"
    assert run_main(capsys, "init", str(proj), "--questionnaire", str(bundled_path()))[0] == 0
    for f, w in (("a.csv", "W1"), ("b.csv", "W2")):
        assert run_main(capsys, "import", str(proj), str(tmp_path / f), "--wave", w, "--quiet")[0] == 0
    marker = tmp_path / "committed"
    child = start_paused(proj, "COMMIT", marker, "p.remove_import(2)")
    kill_when_paused(child, marker, "its commit")
    assert Project.open(proj).imports()["id"].tolist() == [1]  # the removal is committed, whole
    assert _waves(proj) == ["W1", "W2"]  # killed before it rewrote minyi.yaml
    rc, out = run_main(capsys, "remove-import", str(proj), "2")
    at = Project.open(proj).history().query("action == 'remove-import'")["at"].iloc[0]
    assert rc == 0, out
    assert out.strip() == (f"{proj}: note: import #2 (b.csv, wave W2) was removed at {at}, but that command was "
                           f"stopped before it took wave W2, left without imports, out of {proj / 'minyi.yaml'}; "
                           "done now")
    assert _waves(proj) == ["W1"]
    assert len(Project.open(proj).history()) == 3  # nothing recorded twice
    rc, out = run_main(capsys, "remove-import", str(proj), "2")  # complete now: said as removed before
    assert rc == 1 and "was removed already" in out and "nothing was changed" in out, out
    assert _waves(proj) == ["W1"]
