"""A limit's message tells how to raise it; the hint must work when copied back (issue 9: "Every limit gives
one clear message with the limit and how to raise it"), and a refused list is reported once.

Before: the hint printed ``survey --limit options=50,000`` (refused: "must be a positive number") and
``limits: {options: 50,000}`` (a YAML flow mapping splits at the comma), and a question over the options
limit got a second, wrong error "needs the key 'options'".
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from survey.limits import Limits
from survey.qload import validate_text

ROOT = Path(__file__).parent.parent


def _questionnaire(n_options: int) -> str:
    opts = ", ".join(f"o{i}" for i in range(n_options))
    return ("id: t\ntitle: t\nsections:\n  - id: A\n    title: A\n    questions:\n"
            f"      - id: Q1\n        type: single\n        text: x\n        options: [{opts}]\n")


def _cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("n_options", [1_234, 20_000])
def test_options_over_limit_is_one_problem(n_options):
    _, probs = validate_text(_questionnaire(n_options), "q.yaml")
    assert [p.code for p in probs] == ["limit-exceeded"], [p.message for p in probs]


@pytest.mark.parametrize("n_options", [1_234, 20_000])
def test_hint_of_limit_message_works_when_copied(tmp_path, n_options):
    (tmp_path / "q.yaml").write_text(_questionnaire(n_options), encoding="utf-8")
    r = _cli("validate", "q.yaml", cwd=tmp_path)
    assert r.returncode == 1
    cli_value = re.search(r"survey --limit (options=\S+) ", r.stdout + r.stderr).group(1)
    yaml_text = re.search(r"`(limits: \{.*?\})`", r.stdout + r.stderr).group(1)
    again = _cli("--limit", cli_value, "validate", "q.yaml", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    limits = yaml.safe_load(yaml_text)["limits"]
    assert Limits(limits)["options"] >= n_options


def test_hint_of_reader_limit_message_is_usable(tmp_path):
    """The isolated readers' limit (``reader-limit``: here a 5 KB workbook with one cell at XFD1048576, which
    asks calamine for a dense grid of 17 billion cells) prints its hint the same way."""
    import openpyxl

    from survey.limits import parse_override

    (tmp_path / "q.yaml").write_text(_questionnaire(3), encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["respondent_id", "Q1"])
    ws.append(["R1", 1])
    ws["XFD1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    assert _cli("init", "p", "--questionnaire", "q.yaml", cwd=tmp_path).returncode == 0
    r = _cli("import", "p", "far.xlsx", cwd=tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "Traceback" not in out, out
    name, value = re.search(r"survey --limit (\w+)=(\S+) ", out).groups()
    assert parse_override(f"{name}={value}") == (name, float(value))
    limits = yaml.safe_load(re.search(r"`(limits: \{.*?\})`", out).group(1))["limits"]
    assert Limits(limits)[name] == float(value)
