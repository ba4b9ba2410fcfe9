"""An access code a respondent's phone can type: the form's code box takes at most
``survey.collect.settings.ACCESS_CODE_MOST`` characters (its maxlength), so a longer code refused every answer;
and the box asked for the numeric keypad whatever the code, which on iOS has no letters (a code like ``a8k2`` could
not be typed at all).  A longer code is refused (minyi.yaml at its line, exit 1; --access-code, exit 2), and the
keypad follows the code."""

from __future__ import annotations

import re
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cli_capture import run_main
from serve_helpers import make_project
from survey.collect.app import Service, build_app
from survey.collect.settings import ACCESS_CODE_MOST


@pytest.mark.parametrize("code, keypad", [("2468", "numeric"), ("a8k2", "text"), ("二四六八", "text")])
def test_the_code_box_keypad_follows_the_code(tmp_path, code, keypad):
    project = make_project(tmp_path)
    with TestClient(build_app(Service(project, admin_token="tok", access_code=code))) as client:
        html = client.get("/").text
    box = re.search(r'<input id="access-code"[^>]*>', html).group(0)
    assert f'inputmode="{keypad}"' in box and f'maxlength="{ACCESS_CODE_MOST}"' in box, box


def test_a_code_longer_than_the_box_is_refused_in_minyi_yaml(tmp_path, capsys):
    project = make_project(tmp_path)
    cfg = project.root / "minyi.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + f"serve:\n  access_code: \"{'7' * (ACCESS_CODE_MOST + 1)}\"\n",
                   encoding="utf-8")
    line = len(cfg.read_text(encoding="utf-8").splitlines())
    code, out = run_main(capsys, "serve", str(project.root), "--host", "256.1.1.1", "--port", "18561")
    assert code == 1, out
    assert f"minyi.yaml:{line}:" in out and f"has {ACCESS_CODE_MOST + 1} characters, more than the" in out, out


def test_a_code_longer_than_the_box_is_refused_as_an_option(tmp_path, capsys):
    project = make_project(tmp_path)
    code, out = run_main(capsys, "serve", str(project.root), "--host", "256.1.1.1", "--port", "18562",
                         "--access-code", "9" * (ACCESS_CODE_MOST + 1))
    assert code == 2 and "'--access-code'" in out and "no respondent could type it" in out, out
    code, out = run_main(capsys, "serve", str(project.root), "--host", "256.1.1.1", "--port", "18563",
                         "--access-code", "9" * ACCESS_CODE_MOST)
    assert "no respondent could type it" not in out, out
