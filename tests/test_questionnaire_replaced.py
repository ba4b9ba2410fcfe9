"""questionnaire.yaml replaced by another questionnaire after imports: every command that reads the project warns
that those imports were made with another questionnaire, whose answers are now read as not answered
(catalogue ``questionnaire-replaced``); a questionnaire that shares questions with the imports' is compared
question by question as before (``coding-changed``).

Before: nothing was said — survey analyze of the wave printed n=200 and no estimate, survey export wrote empty
answer columns, as if nobody had answered."""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_capture import run_main
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

OTHER = Path(__file__).parent / "data" / "wjx_questionnaire.yaml"


def test_imports_of_another_questionnaire_are_warned_about(tmp_path, capsys):
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 80, seed=1), tmp_path / "a.csv")
    proj = tmp_path / "p"
    assert run_main(capsys, "init", str(proj), "--questionnaire", str(bundled_path()))[0] == 0
    assert run_main(capsys, "import", str(proj), str(tmp_path / "a.csv"), "--wave", "W1", "--quiet")[0] == 0
    rc, out = run_main(capsys, "status", str(proj))
    assert rc == 0 and "warning" not in out  # the questionnaire it was imported with: nothing to say
    shutil.copyfile(OTHER, proj / "questionnaire.yaml")
    first = sorted(x.id for x in q.questions)[0]  # the stored codings are keyed in sorted order
    for command in (["status"], ["export", "--wave", "W1"], ["check"]):
        rc, out = run_main(capsys, command[0], str(proj), *command[1:])
        warned = [ln for ln in out.splitlines() if "warning:" in ln]
        assert rc == 0 and len(warned) == 1, out
        assert warned[0].startswith(f"{proj / 'questionnaire.yaml'}: warning: the answers of wave(s) W1 (import #1) "
                                    "were imported with another questionnaire: this one has none of their questions ("
                                    f"{first}, "), warned[0]
        assert "read as not answered" in warned[0]
    (change,) = Project.open(proj).coding_changes()
    assert change.replaced and change.imports == (1,) and change.waves == ("W1",)
    shutil.copyfile(bundled_path(), proj / "questionnaire.yaml")  # put back: nothing to say again
    rc, out = run_main(capsys, "status", str(proj))
    assert rc == 0 and "warning" not in out
    assert Project.open(proj).coding_changes() == []
