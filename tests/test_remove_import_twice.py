"""survey remove-import given an import removed before (the command run twice, or the id typed again): said as done,
with the file, the wave and when, and nothing changed; an id that never was is still "no import #N".

Before: the second run said "the project has no import #2 (imports: #1)", as for a number that never existed."""

from __future__ import annotations

from cli_capture import run_main
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project


def test_an_import_removed_twice_is_said_as_removed_already(tmp_path, capsys):
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 60, seed=1), tmp_path / "a.csv")
    write_csv(simulate(q, 40, seed=2), tmp_path / "b.csv")
    proj = tmp_path / "p"
    assert run_main(capsys, "init", str(proj), "--questionnaire", str(bundled_path()))[0] == 0
    for f, w in (("a.csv", "W1"), ("b.csv", "W2")):
        assert run_main(capsys, "import", str(proj), str(tmp_path / f), "--wave", w, "--quiet")[0] == 0
    rc, out = run_main(capsys, "remove-import", str(proj), "2")
    assert rc == 0 and out.startswith("removed import #2 (b.csv, wave W2)"), out
    history = Project.open(proj).history()
    at = history[history["action"] == "remove-import"]["at"].iloc[0]
    rc, out = run_main(capsys, "remove-import", str(proj), "2")
    assert rc == 1
    assert out.strip() == (f"{proj}: error: import #2 (b.csv, wave W2) was removed already, at {at}; nothing was "
                           f"changed (survey status {proj} lists the imports left and the removals)")
    assert len(Project.open(proj).history()) == len(history)  # nothing recorded twice
    rc, out = run_main(capsys, "remove-import", str(proj), "7")
    assert rc == 1 and out.strip() == f"{proj}: error: the project has no import #7 (imports: #1)"
