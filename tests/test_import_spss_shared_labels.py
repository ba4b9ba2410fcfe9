"""An SPSS file whose value labels give one option's label to two values (2 and 3 both 社区) is refused naming the
variable, the values and the label (outside audit, defect 7): read by label, the answers stored as 3 became 2 and
企业 disappeared, said only as "the labels were followed"."""

from __future__ import annotations

from pathlib import Path

import pyreadstat

from test_import_redteam import _main
from survey.store import Project

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"


def _sav(tmp_path: Path, labels_v3: dict) -> Path:
    df, meta = pyreadstat.read_sav(str(DATA / "wjx_by_code.sav"))
    assert set(df["V3"].dropna()) >= {2.0, 3.0}  # both values answered
    vl = dict(meta.variable_value_labels)
    vl["V3"] = labels_v3
    out = tmp_path / "answers.sav"
    pyreadstat.write_sav(df, str(out), column_labels=meta.column_names_to_labels, variable_value_labels=vl)
    return out


def _import(tmp_path: Path, capsys, data: Path) -> tuple[int, str, str]:
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(QFILE))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data), "--wave", "W")
    return rc, out, proj


def test_one_label_on_two_codes_is_refused(tmp_path, capsys):
    data = _sav(tmp_path, {1.0: "机关", 2.0: "社区", 3.0: "社区"})
    rc, out, proj = _import(tmp_path, capsys, data)
    assert rc != 0, out
    assert "answers.sav" in out and "'V3' (Q1)" in out and "'社区' to the values 2, 3" in out, out
    assert "Traceback" not in out
    assert Project.open(proj).waves() == []


def test_distinct_labels_still_import(tmp_path, capsys):
    data = _sav(tmp_path, {1.0: "机关", 2.0: "社区", 3.0: "企业"})
    rc, out, proj = _import(tmp_path, capsys, data)
    assert rc == 0, out
    assert set(Project.open(proj).responses("W")[0]["Q1"].dropna()) >= {2, 3}
