"""README.md and docs/*.md (benchmarks' scale*.md aside) against the program they describe.

* every ``survey CMD … --option`` the pages name is an option of that command (its ``--help``);
* the README's one-line examples of ``estimate`` and ``crosstab`` run on the file its ``simulate`` row writes
  (before: ``--var Q8 --level 知道``, a column and a value that no file of the bundled questionnaire has);
* docs/analyze-json.md ("what ``survey analyze --json`` returns, field by field") names every top-level key and
  every key of ``meta`` and ``sample`` (before: ``questions``, ``reliability``, ``drivers``, ``open_themes``,
  ``meta.owners`` and ``sample.weighted`` were missing).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md"] + sorted(p for p in (ROOT / "docs").glob("*.md") if not p.name.startswith("scale"))
runner = CliRunner()


@functools.lru_cache(maxsize=None)
def _help(command: str) -> str:
    r = runner.invoke(cli.app, [command, "--help"], terminal_width=200)
    assert r.exit_code == 0, r.output
    return r.output


def _commands() -> set[str]:
    return set(re.findall(r"^  ([a-z][a-z-]+)\s", runner.invoke(cli.app, ["--help"]).output, re.M))


def _snippets(text: str) -> list[str]:
    """Code blocks line by line (continuations joined) and inline code spans."""
    out = []
    for block in re.findall(r"```.*?```", text, flags=re.S):
        out += block.replace("\\\n", " ").split("\n")
    out += re.findall(r"`([^`\n]*)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return out


def _named_options() -> list[tuple[str, str, str]]:
    commands = _commands()
    found = []
    for page in PAGES:
        for line in _snippets(page.read_text(encoding="utf-8")):
            for m in re.finditer(r"survey (?:--limit \S+ )*([a-z][a-z-]*)([^`#|]*)", line):
                if m.group(1) not in commands:
                    continue
                for opt in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", m.group(2)):
                    found.append((page.name, m.group(1), opt))
    return found


def test_pages_name_options_at_all():
    assert len(_named_options()) > 50


@pytest.mark.parametrize("page,command,option", sorted(set(_named_options())))
def test_every_option_named_in_the_docs_exists(page, command, option):
    if option == "--limit":  # the global option, before the command
        return
    assert re.search(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])", _help(command)), \
        f"{page}: survey {command} has no option {option}"


def test_readme_estimate_and_crosstab_examples_run(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    simulate_cmd = re.search(r"`(survey simulate Q\.yaml [^`\[]*)", readme).group(1).split()
    out = simulate_cmd[simulate_cmd.index("--out") + 1]
    write_csv(simulate(load_questionnaire(bundled_path()), 300, seed=1), tmp_path / out)
    monkeypatch.chdir(tmp_path)
    for name in ("estimate", "crosstab"):
        cmd = re.search(rf"`survey ({name} [^`]*)`", readme).group(1).split()
        r = runner.invoke(cli.app, cmd)
        assert r.exit_code == 0, f"README: survey {' '.join(cmd)}: {r.output}"


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    root = tmp_path_factory.mktemp("drift")
    write_csv(simulate(load_questionnaire(bundled_path()), 400, seed=3), root / "r.csv")
    proj = root / "proj"
    assert runner.invoke(cli.app, ["init", str(proj), "--questionnaire", str(bundled_path())]).exit_code == 0
    assert runner.invoke(cli.app, ["import", str(proj), str(root / "r.csv")]).exit_code == 0
    r = runner.invoke(cli.app, ["analyze", str(proj), "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_analyze_json_doc_names_every_key(analysis):
    doc = (ROOT / "docs" / "analyze-json.md").read_text(encoding="utf-8")
    top = set(re.findall(r"^\| `([a-z_]+)` \|", doc.split("## Top level", 1)[1].split("###", 1)[0], re.M))
    assert set(analysis) <= top, sorted(set(analysis) - top)
    named = set(re.findall(r"`([a-z_][a-z0-9_]*)`", doc))
    for section in ("meta", "sample"):
        missing = sorted(k for k in analysis[section] if k not in named)
        assert not missing, f"{section}: {missing}"


def test_demo_help_counts_the_waves_the_demo_makes():
    """``survey demo --help`` said "simulates two waves" while the demo simulates ``DEMO_WAVES`` (three)."""
    from report.demo import DEMO_WAVES

    words = {2: "two", 3: "three", 4: "four"}
    text = " ".join(_help("demo").split())
    assert f"simulates {words[len(DEMO_WAVES)]} " in text, text
