"""Contract audit of issues 2 and 3 (foundation; responses in), from outside, through the `survey` CLI.

Each test pins a sentence of the issue text that the code had drifted from (quoted in its docstring), and
fails on the code before the fix: quarantine records and messages, `--site` / `--wave` of `survey import`,
`survey status` of an empty project, `survey convert` errors and notes, `survey simulate` ("other" fill-ins,
`--messy` on a small file), `survey validate` wording, the speeder default, `survey export --out` formats.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli import app

SKIP_Q = """\
id: skipq
title: 跳题问卷
sections:
  - id: A
    title: 基本
    questions:
      - id: Q1
        type: yesno
        text: 您是否参加过活动？
        options: [参加过, 没有参加过]
      - id: Q2
        type: single
        text: 您没有参加的原因是
        when: Q1 == "没有参加过"
        options: [没时间, 不知道, 其他]
      - id: Q3
        type: number
        text: 参加次数
        when: Q1 == "参加过"
        min: 0
        max: 50
"""


def _project(tmp_path: Path, text: str) -> tuple[CliRunner, Path]:
    q = tmp_path / "q.yaml"
    q.write_text(text, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["init", str(tmp_path / "p"), "--questionnaire", str(q)])
    assert res.exit_code == 0, res.output
    return runner, tmp_path / "p"


def test_should_skip_record_carries_the_answered_value(tmp_path):
    runner, proj = _project(tmp_path, SKIP_Q)
    data = tmp_path / "answers.csv"
    # row 2: Q1 = 参加过 (1), Q3 answered, but Q2 answered with 3 too;
    # row 3: Q1 = 没有参加过 (2), Q2 answered, but Q3 answered with 7 too; row 4 is good
    data.write_text("respondent_id,Q1,Q2,Q3\nR1,1,3,5\nR2,2,1,7\nR3,1,,4\n", encoding="utf-8")
    res = runner.invoke(app, ["import", str(proj), str(data)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "quarantine.csv"
    res = runner.invoke(app, ["quarantine", str(proj), "--export", str(out)])
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        recs = {(r["row"], r["column"], r["value"], r["code"]) for r in csv.DictReader(fh)}
    assert recs == {("2", "Q2", "3", "should-skip"), ("3", "Q3", "7", "should-skip")}


SITE_Q = """\
id: siteq
title: 调查点问卷
site_question: S1
sites:
  - name: 机关
  - name: 社区
sections:
  - id: A
    title: 基本
    questions:
      - id: S1
        type: single
        text: 调查点
        options: [机关, 社区]
      - id: Q1
        type: yesno
        text: 您是否知道创文？
        options: [知道, 不知道]
"""


def test_site_option_says_which_rows_keep_the_site_of_the_file(tmp_path):
    """issue 3 `--site NAME`: the site fills rows that have none; rows whose site the file gives keep it, and
    the import says so (before, `--site 机关` on a file of 社区 rows was silently not applied)."""
    runner, proj = _project(tmp_path, SITE_Q)
    data = tmp_path / "answers.csv"
    data.write_text("respondent_id,S1,Q1\nR1,,1\nR2,2,1\nR3,2,2\nR4,1,1\n", encoding="utf-8")
    res = runner.invoke(app, ["import", str(proj), str(data), "--site", "机关"])
    assert res.exit_code == 0, res.output
    assert "--site '机关' filled 1 row(s) with no site; 2 row(s) keep another site the file gives in S1 (社区 2)" \
        in res.output
    res = runner.invoke(app, ["status", str(proj)])
    assert "site: 机关 2, 社区 2" in res.output, res.output
    same = tmp_path / "same.csv"  # every site the file gives is the one --site names: nothing to say
    same.write_text("respondent_id,S1,Q1\nR5,,1\nR6,1,2\n", encoding="utf-8")
    res = runner.invoke(app, ["import", str(proj), str(same), "--site", "机关", "--strict"])
    assert res.exit_code == 0 and "another site" not in res.output, res.output


def test_site_option_on_a_file_without_sites_is_quiet(tmp_path):
    runner, proj = _project(tmp_path, SITE_Q)
    data = tmp_path / "answers.csv"
    data.write_text("respondent_id,Q1\nR1,1\nR2,2\n", encoding="utf-8")
    res = runner.invoke(app, ["import", str(proj), str(data), "--site", "社区"])
    assert res.exit_code == 0, res.output
    assert "another site" not in res.output
    assert "site: 社区 2" in runner.invoke(app, ["status", str(proj)]).output


def test_status_of_a_project_without_imports_says_so(tmp_path):
    """issue 3 `survey status DIR`: waves, counts, quarantined rows, last imports — and, before any import,
    that there are none (the output was the project's title alone)."""
    runner, proj = _project(tmp_path, SITE_Q)
    res = runner.invoke(app, ["status", str(proj)])
    assert res.exit_code == 0, res.output
    assert f"no responses imported yet (survey import {proj} FILE)" in res.output


BUNDLED = Path(__file__).resolve().parents[1] / "questionnaires" / "civic_hot_issues.yaml"


def survey(*args: object) -> subprocess.CompletedProcess:
    """The `survey` command as a user runs it (its own process: messages and exit codes as printed)."""
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *map(str, args)], capture_output=True,
                          text=True)


def _xlsform(tmp_path: Path) -> tuple[CliRunner, Path]:
    runner = CliRunner()
    form = tmp_path / "form.xlsx"
    res = runner.invoke(app, ["convert", str(BUNDLED), "--to", "xlsform", "--out", str(form)])
    assert res.exit_code == 0, res.output
    return runner, form


def test_convert_to_yaml_out_is_a_folder_one_message_nothing_left(tmp_path):
    """issue 2 "Errors are one readable message (no traceback)"; issue 3 "every file write goes through one
    atomic writer": `convert --to yaml --out FOLDER` gave "internal error: IsADirectoryError" and left
    FOLDER.part behind."""
    runner, form = _xlsform(tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    res = survey("convert", form, "--to", "yaml", "--out", folder)
    assert res.returncode == 1
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr
    assert f"cannot write {folder}: it is a folder" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.xlsx", "out"]


def test_convert_to_yaml_creates_the_out_folder(tmp_path):
    runner, form = _xlsform(tmp_path)
    target = tmp_path / "new" / "q.yaml"
    res = runner.invoke(app, ["convert", str(form), "--to", "yaml", "--out", str(target)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["validate", str(target)])
    assert res.exit_code == 0, res.output


def test_convert_given_the_file_of_the_other_direction(tmp_path):
    """`--to yaml` on a minyi questionnaire printed pyxform's "DefinitionData.__init__() got an unexpected
    keyword argument …"; `--to xlsform` on a workbook printed "cannot decode the text: neither UTF-8 nor GBK"."""
    runner, form = _xlsform(tmp_path)
    res = survey("convert", BUNDLED, "--to", "yaml")
    assert res.returncode == 1
    assert "--to yaml reads an XLSForm" in res.stderr and "use --to xlsform" in res.stderr
    assert "DefinitionData" not in res.stderr
    res = survey("convert", form, "--to", "xlsform", "--out", tmp_path / "x.xlsx")
    assert res.returncode == 1
    assert "--to xlsform reads a minyi questionnaire (YAML), but this file is an Excel workbook" in res.stderr
    assert "use --to yaml" in res.stderr and "decode" not in res.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_import_refuses_a_blank_or_padded_wave_name(tmp_path):
    """issue 3 `--wave NAME` ("several waves live in one project (e.g. 2025Q4, 2026Q1)"): `--wave ""` (an unset
    shell variable) stored the answers under a wave with an empty name; `--wave "2026Q1 "` would make a second
    wave beside 2026Q1.  Both are usage errors (exit 2) and nothing is stored."""
    runner, proj = _project(tmp_path, SITE_Q)
    data = tmp_path / "answers.csv"
    data.write_text("respondent_id,S1,Q1\nR1,1,1\nR2,2,2\n", encoding="utf-8")
    for bad in ("", "   ", "2026Q1 "):
        res = survey("import", proj, data, "--wave", bad)
        assert res.returncode == 2, (bad, res.stderr)
        assert f"--wave {bad!r}" in res.stderr
    assert "no responses imported yet" in survey("status", proj).stdout
    res = survey("import", proj, data, "--wave", "2026Q1")
    assert res.returncode == 0, res.stderr
    assert "wave 2026Q1: 2 rows read, 2 accepted" in res.stdout


OTHER_Q = """\
id: otherq
title: 其他选项问卷
sections:
  - id: A
    title: 基本
    questions:
      - id: C1
        type: single
        text: 您最不满意的社区服务是
        options: [环境卫生, 治安巡逻, 养老服务, {label: 其他, other: true}]
      - id: C2
        type: multiple
        text: 您参加过哪些活动
        max: 2
        options: [文明劝导, 环境清扫, {label: 其他, other: true}]
"""


def test_simulate_single_choice_other_comes_with_its_fill_in(tmp_path):
    """issue 2: simulated responses are realistic and the format has an "other, please specify" fill-in
    (survey.simulate's model: "other" comes with a fill-in text).  A single choice's 其他 got no text in
    `<id>_other` and was drawn as often as any substantive option (about a quarter of the answers)."""
    qf = tmp_path / "q.yaml"
    qf.write_text(OTHER_Q, encoding="utf-8")
    out = tmp_path / "r.csv"
    res = survey("simulate", qf, "--n", 2000, "--seed", 4, "--out", out)
    assert res.returncode == 0, res.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for qid, chose_other in (("C1", lambda r: r["C1"] == "4"), ("C2", lambda r: r["C2_3"] == "1")):
        other = [r for r in rows if chose_other(r)]
        assert other and all(r[f"{qid}_other"].strip() for r in other), qid
        assert not any(r[f"{qid}_other"].strip() for r in rows if not chose_other(r)), qid
        assert len(other) / len(rows) < 0.15, (qid, len(other))  # rarely chosen, as in real surveys


def test_validate_number_min_above_max_names_the_question(tmp_path):
    """issue 2 `survey validate`: each problem "with file:line:column and a plain explanation"; a number
    question with min above max read "min: min 10 is greater than max 1", naming no question."""
    qf = tmp_path / "q.yaml"
    qf.write_text(SITE_Q.replace("""      - id: Q1
        type: yesno""", """      - {id: Q3, type: number, text: 居住年数, min: 10, max: 1}
      - id: Q1
        type: yesno"""), encoding="utf-8")
    res = survey("validate", qf)
    assert res.returncode == 1
    line = next(i + 1 for i, t in enumerate(qf.read_text(encoding="utf-8").splitlines()) if "居住年数" in t)
    assert f"q.yaml:{line}:" in res.stdout + res.stderr
    assert "Q3: min 10 is greater than max 1 (swap them)" in res.stdout + res.stderr


SECTIONS_Q = """\
id: sectq
title: 分调查点问卷
site_question: S1
sites:
  - name: 机关
    sections: [A]
  - name: 企业
    sections: [A, B]
sections:
  - id: A
    title: 基本情况
    questions:
      - {id: S1, type: single, text: 调查点, options: [机关, 企业]}
  - id: B
    title: 营商环境
    questions:
      - {id: B1, type: yesno, text: 您是否享受过惠企政策？, options: [享受过, 没有享受过]}
"""


def test_should_skip_by_site_names_the_section_and_its_sites(tmp_path):
    """issue 3 quarantine reason "answered although skip logic says it should be skipped", for a question that
    only some sites get: the message read "its condition (site sections) says it should be skipped"."""
    runner, proj = _project(tmp_path, SECTIONS_Q)
    data = tmp_path / "answers.csv"
    data.write_text("respondent_id,S1,B1\nR1,1,1\nR2,2,1\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(proj), str(data)]).exit_code == 0
    res = runner.invoke(app, ["quarantine", str(proj)])
    assert res.output.splitlines() == [
        "answers.csv, row 2, column B1: B1 is answered although its condition (section 营商环境 is asked only at "
        "企业) says it should be skipped", "1 record(s)"]


def test_speeder_default_is_exactly_a_third_of_the_median(tmp_path):
    """issue 3: "speeders (completion time below a configurable fraction of the median, default 1/3)".  A new
    project's minyi.yaml said 0.3333, so a time just under a third of the median (199.99 s of 600 s) passed."""
    runner, proj = _project(tmp_path, SITE_Q)
    data = tmp_path / "answers.csv"
    data.write_text("respondent_id,duration_sec,S1,Q1\nR1,600,1,1\nR2,600,2,1\nR3,600,1,2\nR4,199.99,2,2\n"
                    "R5,601,1,1\nR6,200,2,1\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(proj), str(data)]).exit_code == 0
    res = survey("check", proj, "--json")
    assert res.returncode == 0, res.stderr
    wave = json.loads(res.stdout)["waves"][0]
    assert wave["flags"].get("speeder") == 1  # R4 (199.99 < 600/3); R6 (200) is not below a third


def test_simulate_messy_works_for_a_small_file(tmp_path):
    """issue 2 `survey simulate FILE --n N --messy`: "--messy adds realistic faults (blank rows, an out-of-range
    code, a duplicate respondent, a speeder)".  With a few respondents (--n 5) it failed with "internal error:
    IndexError"; now every fault is there, some rows carrying two."""
    out = tmp_path / "r.csv"
    res = survey("simulate", BUNDLED, "--n", 5, "--seed", 1, "--out", out, "--messy")
    assert res.returncode == 0, res.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    filled = [r for r in rows if r["respondent_id"]]
    assert len(rows) - len(filled) == 2  # blank rows
    assert len({r["respondent_id"] for r in filled}) == len(filled) - 1 == 5  # one duplicate respondent
    assert any(r["C1_r1"] == "7" for r in filled)  # an out-of-range code
    durations = sorted(float(r["duration_sec"]) for r in filled)
    assert durations[0] < durations[len(durations) // 2] / 3  # a speeder


def _imported(tmp_path: Path) -> Path:
    runner, proj = _project(tmp_path, SITE_Q)
    data = tmp_path / "answers.csv"
    data.write_text("respondent_id,S1,Q1\nR1,1,1\nR2,2,2\nR3,1,2\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(proj), str(data)]).exit_code == 0
    return proj


def test_export_out_extension_chooses_the_format(tmp_path):
    """issue 3 `survey export DIR --format csv|xlsx|sav|parquet [--out FILE]`: `--out clean.xlsx` without
    --format wrote CSV text into clean.xlsx (and .sav likewise), files Excel/SPSS then refuse to open.  The
    extension now chooses the format; a --format that contradicts it is a usage error."""
    import openpyxl
    import pyreadstat

    proj = _imported(tmp_path)
    assert survey("export", proj, "--out", tmp_path / "clean.xlsx").returncode == 0
    ws = openpyxl.load_workbook(tmp_path / "clean.xlsx").active
    assert [c.value for c in ws[1]][:5] == ["respondent_id", "submitted_at", "duration_sec", "S1", "Q1"]
    assert ws.max_row == 4
    assert survey("export", proj, "--out", tmp_path / "clean.sav").returncode == 0
    df, meta = pyreadstat.read_sav(str(tmp_path / "clean.sav"))
    assert df["Q1"].tolist() == [1, 2, 2] and meta.variable_value_labels["S1"] == {1: "机关", 2: "社区"}
    assert survey("export", proj, "--out", tmp_path / "clean.txt").returncode == 0  # another name: CSV
    assert (tmp_path / "clean.txt").read_text(encoding="utf-8-sig").startswith("respondent_id,")
    res = survey("export", proj, "--format", "xlsx", "--out", tmp_path / "x.csv")
    assert res.returncode == 2 and "add --format csv" in res.stderr
    assert not (tmp_path / "x.csv").exists()


def test_convert_to_xlsform_says_what_the_form_does_not_carry(tmp_path):
    """issue 3 `survey convert Q.yaml --to xlsform` (and "nothing is lost silently"): the bundled
    questionnaire's indicators, targets and area weights are not in the XLSForm; converted back, the
    questionnaire had 0 indicators without a word.  Now the conversion says so; a plain one says nothing."""
    res = survey("convert", BUNDLED, "--to", "xlsform", "--out", tmp_path / "f.xlsx")
    assert res.returncode == 0, res.stderr
    assert ("14 indicator(s) with their targets and 8 evaluation area(s) with their weights ride in the "
            "workbook's minyi sheet") in res.stderr
    qf = tmp_path / "q.yaml"
    qf.write_text(SITE_Q, encoding="utf-8")
    res = survey("convert", qf, "--to", "xlsform", "--out", tmp_path / "g.xlsx")
    assert res.returncode == 0 and "note:" not in res.stderr
    back = survey("convert", tmp_path / "f.xlsx", "--to", "yaml", "--out", tmp_path / "back.yaml")
    assert back.returncode == 0, back.stderr
    assert "14 indicators" in survey("validate", tmp_path / "back.yaml").stdout  # read back from the minyi sheet
