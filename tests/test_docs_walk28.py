"""A new user follows the documentation (README.md, docs/*.md), command by command: what broke.

* ``survey check`` with a partial ``exclusions:`` block in minyi.yaml.  docs/project-config.md: ``exclusions`` is
  ``{flag: true/false}``, and the store's rules in force are that block *over* the defaults
  (``Project.exclusion_rules``: duplicate_id, identical_answers and speeder on).  A user who follows
  docs/questionnaire-format.md and writes ``exclusions: {identical_answers: false}`` saw ``survey check`` print
  ``speeder (答题时间过短): 3 flagged — kept (rule off)`` and, two lines below, ``excluded from analysis: 3 row(s)
  (答题时间过短 3)``: the check named the rules of the file only, while analysis applied the defaults too.
* The wave of an import without ``--wave`` (``default``) was shown by its id in the brief and the report.
* Pages pinned where a command or example on them did not do what they said: the README's ``weight`` row, the
  mapping example of docs/import-formats.md, the note under the minimal questionnaire, the columns an export adds
  (docs/questionnaire-format.md), the default exclusion rules (docs/project-config.md).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

import cli
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv

runner = CliRunner()


def _project(tmp_path: Path, exclusions: str) -> Path:
    """A project of the bundled questionnaire with 400 simulated answers (some speeders) and ``exclusions``
    written into its minyi.yaml in place of the block ``survey init`` wrote."""
    data = tmp_path / "r.csv"
    write_csv(simulate(load_questionnaire(bundled_path()), 400, seed=3, messy=True), data)
    proj = tmp_path / "proj"
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(bundled_path())]).exit_code == 0
    r = runner.invoke(cli.app, ["import", str(proj), str(data)])
    assert r.exit_code == 0, r.output
    cfg = proj / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(re.sub(r"exclusions:\n(?:  .*\n)+", f"exclusions: {exclusions}\n", text), encoding="utf-8")
    return proj


def test_check_names_the_rules_in_force_with_a_partial_exclusions_block(tmp_path):
    proj = _project(tmp_path, "{identical_answers: false}")
    r = runner.invoke(cli.app, ["check", str(proj), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    rules = doc["rules"]
    # the defaults the block does not name stay on; the one it names is off
    assert rules["speeder"] is True and rules["duplicate_id"] is True
    assert rules["identical_answers"] is False and rules["straightliner"] is False
    w = doc["waves"][0]
    # every kind counted as excluded is a rule the check calls on
    assert w["exclusions"], "the simulated messy data has rows the default rules exclude"
    text = runner.invoke(cli.app, ["check", str(proj)]).output
    for line in text.splitlines():
        m = re.match(r"  (\w+) \((.+?)\): ([\d,]+) flagged — (.*)$", line)
        if m and m.group(2) in w["exclusions"]:
            assert m.group(4) == "excluded by rule", line


def test_check_text_agrees_with_the_analysed_count(tmp_path):
    proj = _project(tmp_path, "{identical_answers: false}")
    text = runner.invoke(cli.app, ["check", str(proj)]).output
    said_on = {m.group(1) for m in re.finditer(r"  (\w+) \(.+?\): [\d,]+ flagged — excluded by rule", text)}
    assert {"speeder", "duplicate_id"} <= said_on
    assert "identical_answers" not in said_on


def test_project_config_page_states_the_default_exclusion_rules():
    """docs/project-config.md's ``exclusions`` row names which rules are on and off when minyi.yaml does not name
    them; those must be :data:`survey.quality.DEFAULT_EXCLUSIONS`."""
    from survey.quality import DEFAULT_EXCLUSIONS

    page = (Path(__file__).resolve().parents[1] / "docs" / "project-config.md").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| `exclusions` |"))
    m = re.search(r"keeps its default \(([^;]*) on; ([^)]*) off\)", row)
    assert m, row
    on = set(re.findall(r"`(\w+)`", m.group(1)))
    off = set(re.findall(r"`(\w+)`", m.group(2)))
    assert on == {k for k, v in DEFAULT_EXCLUSIONS.items() if v}
    assert off == {k for k, v in DEFAULT_EXCLUSIONS.items() if not v}


def test_minimal_questionnaire_note_on_identical_answers(tmp_path):
    """docs/questionnaire-format.md, "A minimal file": the note under the example says how many of 200 simulated
    answers (``survey simulate my.yaml --n 200 --seed 1``) the default ``identical_answers`` rule leaves out,
    and that ``exclusions: {identical_answers: false}`` keeps them (the other default rules staying on)."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    my = tmp_path / "my.yaml"
    my.write_text(re.findall(r"```yaml\n(.*?)```", page, re.S)[0], encoding="utf-8")
    said = int(re.search(r"the 200 answers `survey simulate my.yaml --n 200 --seed 1` writes, (\d+) are out", page).group(1))
    data = tmp_path / "r.csv"
    assert runner.invoke(cli.app, ["simulate", str(my), "--n", "200", "--seed", "1", "--out", str(data)]).exit_code == 0
    proj = tmp_path / "p"
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(my)]).exit_code == 0
    assert runner.invoke(cli.app, ["import", str(proj), str(data)]).exit_code == 0
    doc = json.loads(runner.invoke(cli.app, ["check", str(proj), "--json"]).output)
    assert doc["waves"][0]["flags"].get("identical_answers") == said
    assert doc["waves"][0]["analysed"] == 200 - said
    cfg = proj / "minyi.yaml"
    text = re.sub(r"exclusions:\n(?:  .*\n)+", "exclusions: {identical_answers: false}\n", cfg.read_text(encoding="utf-8"))
    cfg.write_text(text, encoding="utf-8")
    doc = json.loads(runner.invoke(cli.app, ["check", str(proj), "--json"]).output)
    assert doc["waves"][0]["analysed"] == 200 - sum(doc["waves"][0]["exclusions"].values())
    assert doc["rules"]["identical_answers"] is False and doc["rules"]["speeder"] is True


def test_import_formats_mapping_example_maps_its_values(tmp_path):
    """docs/import-formats.md, "Mapping file": the example maps the cells ``yes``/``no`` of Q2.  Written unquoted
    (``{yes: 听说过, no: 2}``) YAML reads the keys as true/false, which the mapping takes as the cells 1/0, and
    every row was quarantined (``value 'yes' is not an option of Q2``)."""
    root = Path(__file__).resolve().parents[1]
    page = (root / "docs" / "import-formats.md").read_text(encoding="utf-8")
    mapping = next(b for b in re.findall(r"```yaml\n(.*?)```", page, re.S) if b.startswith("columns:"))
    (tmp_path / "MAP.yaml").write_text(mapping, encoding="utf-8")
    data = tmp_path / "f.csv"
    data.write_text("编号x,单位,Q2,环境,备注\nr1,A,yes,1,x\nr2,C,no,2,\n", encoding="utf-8")
    proj = tmp_path / "p"
    q = root / "tests" / "data" / "wjx_questionnaire.yaml"
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(q)]).exit_code == 0
    r = runner.invoke(cli.app, ["import", str(proj), str(data), "--mapping", str(tmp_path / "MAP.yaml")])
    assert r.exit_code == 0, r.output
    recs = json.loads(runner.invoke(cli.app, ["quarantine", str(proj), "--json"]).output)
    assert not [x for x in recs if x["column"] in ("Q2", "单位", "环境")], recs


def test_readme_weight_example_runs_on_the_simulated_file(tmp_path, monkeypatch):
    """README's ``weight`` row names its margin columns; on the file its ``simulate`` row writes they must exist
    (before: ``--margin district=pop.csv --margin gender=sex.csv``: ``column 'district' is not in the data``).
    The margin files hold every option code of the column, with equal shares."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    simulate_cmd = re.search(r"`(survey simulate Q\.yaml [^`\[]*)`?", readme).group(1).split()
    out = simulate_cmd[simulate_cmd.index("--out") + 1]
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 300, seed=1), tmp_path / out)
    cmd = re.search(r"`survey (weight [^`]*)`", readme).group(1).split()
    assert cmd[1] == out, f"README: survey weight reads {cmd[1]}, the simulate row writes {out}"
    for i, arg in enumerate(cmd):
        if arg == "--margin":
            column, file = cmd[i + 1].split("=", 1)
            codes = [o.code for o in q.get(column).options]
            rows = "".join(f"{c},{1 / len(codes):.6f}\n" for c in codes)
            (tmp_path / file).write_text(f"{column},count\n{rows}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli.app, cmd)
    assert r.exit_code == 0, f"README: survey {' '.join(cmd)}: {r.output}"
    assert (tmp_path / cmd[cmd.index("--out") + 1]).is_file()


def test_native_layout_table_names_the_columns_export_adds(tmp_path):
    """docs/questionnaire-format.md, "The native data layout", is the table shape ``survey export`` writes; the
    export's columns beyond the questionnaire's (``collector``, and ``wave`` without ``--wave``) were missing."""
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 50, seed=2), tmp_path / "r.csv")
    proj = tmp_path / "p"
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(bundled_path())]).exit_code == 0
    assert runner.invoke(cli.app, ["import", str(proj), str(tmp_path / "r.csv"), "--wave", "2026Q1"]).exit_code == 0
    out = tmp_path / "all.csv"
    assert runner.invoke(cli.app, ["export", str(proj), "--out", str(out)]).exit_code == 0
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].replace('"', "").split(",")
    native = q.columns()
    extra = [c for c in header if c not in native]
    assert extra, header
    page = (Path(__file__).resolve().parents[1] / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    table = page.split("## The native data layout", 1)[1]
    for col in extra:
        assert f"| `{col}` |" in table, f"survey export writes column {col}, not in the native layout table"


def test_wave_of_an_import_without_wave_is_not_shown_by_its_id(tmp_path):
    """README's collect row writes ``survey import proj FILE [--wave 2026Q1]``: without ``--wave`` the answers go to
    minyi's own wave id ``default``, and the brief read “创建全国文明城市工作简报（default）” and “default共获得有效
    样本…” — a raw id in a leader's text.  docs/project-config.md: readers never see the id, every brief shows
    the wave's label."""
    q = load_questionnaire(bundled_path())
    write_csv(simulate(q, 300, seed=4), tmp_path / "r.csv")
    proj = tmp_path / "p"
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(bundled_path())]).exit_code == 0
    assert runner.invoke(cli.app, ["import", str(proj), str(tmp_path / "r.csv")]).exit_code == 0
    r = runner.invoke(cli.app, ["brief", str(proj)])
    assert r.exit_code == 0, r.output
    assert "default" not in r.output
    from survey.labels import label

    assert label("wave.default") in r.output.splitlines()[0]


def test_unquoted_yes_no_mapping_keys_are_refused_not_read_as_1_0(tmp_path):
    """A mapping ``values: {Q2: {yes: 听说过, no: 2}}`` (keys unquoted): YAML reads them as true/false, which
    matched no cell and quarantined every row.  Refused, naming the question and saying to quote them; nothing
    is imported."""
    root = Path(__file__).resolve().parents[1]
    (tmp_path / "MAP.yaml").write_text("values:\n  Q2: {yes: 听说过, no: 2}\n", encoding="utf-8")
    data = tmp_path / "f.csv"
    data.write_text("编号x,单位,Q2,环境,备注\nr1,A,yes,1,x\nr2,C,no,2,\n", encoding="utf-8")
    proj = tmp_path / "p"
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire",
                                   str(root / "tests" / "data" / "wjx_questionnaire.yaml")]).exit_code == 0
    from tracking_world import survey

    rc, _, err = survey("import", proj, data, "--mapping", tmp_path / "MAP.yaml")
    assert rc != 0
    assert "values of 'Q2'" in err and "'yes'" in err and "Traceback" not in err
    assert json.loads(runner.invoke(cli.app, ["status", str(proj), "--json"]).output)["waves"] in ([], {})


def test_analyze_text_says_how_many_rows_the_quality_rules_left_out(tmp_path):
    """`survey analyze P` printed n=20 for 200 imported answers without saying why; the rows quarantined and left
    out by the quality rules are counted on the next line, and they add up to the rows read."""
    from tracking_world import survey

    q = bundled_path()
    assert survey("init", tmp_path / "p", "-q", q)[0] == 0
    assert survey("simulate", q, "--n", "300", "--messy", "--out", tmp_path / "m.csv")[0] == 0
    assert survey("import", tmp_path / "p", tmp_path / "m.csv")[0] == 0
    rc, out, err = survey("analyze", tmp_path / "p")
    assert rc == 0, err
    n = int(re.search(r"n=([\d,]+);", out).group(1).replace(",", ""))
    m = re.search(r"rows: ([\d,]+) read, ([\d,]+) quarantined, ([\d,]+) left out by the quality rules \((.+)\)", out)
    assert m, out.splitlines()[:3]
    read, quarantined, excluded = (int(x.replace(",", "")) for x in m.groups()[:3])
    assert excluded > 0 and read - quarantined - excluded == n
    assert sum(int(x.replace(",", "")) for x in re.findall(r" ([\d,]+)(?:,|$)", m.group(4))) >= excluded
