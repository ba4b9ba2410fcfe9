"""``survey serve`` options an unset shell variable leaves blank, and a merge interval too long to wait.

``--host ""`` listened on every network interface instead of this machine only; ``--admin-token " "`` made a token
of a blank; ``--access-code ""`` served without the access code minyi.yaml sets; ``--merge-every 1e308`` (or
``serve.merge_every: .inf``) started the server and its merge thread died with a traceback (the wait overflowed),
so answers were never merged.  Each is refused before the server starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_capture import init_project
from survey.errors import MinyiError

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def proj(tmp_path, capsys):
    return init_project(tmp_path, capsys, DATA / "wjx_questionnaire.yaml")


@pytest.mark.parametrize("args,option,words", [
    (["--host", ""], "--host", "listen on every network interface"),
    (["--host", "  "], "--host", "names no address"),
    (["--admin-token", " "], "--admin-token", "holds blanks"),
    (["--admin-token", "ab cd"], "--admin-token", "holds blanks"),
    (["--access-code", ""], "--access-code", "without any access code"),
    (["--access-code", " "], "--access-code", "is blank"),
    (["--merge-every", "1e308"], "--merge-every", "0.1<=x<=86400"),
])
def test_blank_or_overflowing_option_is_refused_before_serving(proj, args, option, words):
    # in a child process with a deadline: where the option is taken, the server starts and runs until stopped
    import os
    import subprocess
    import sys

    import socket

    with socket.socket() as sock:  # a free port, should the server start
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent.parent))
    cmd = [sys.executable, "-c", "import cli; cli.main()", "serve", proj, "--port", str(port), *args]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=20, env=env)
    except subprocess.TimeoutExpired as e:  # the server started: the option was taken
        pytest.fail(f"survey serve {' '.join(args)} started serving: {e.stdout!r}")
    out = res.stdout + res.stderr
    assert res.returncode == 2, (res.returncode, out)
    assert f"'{option}'" in out and words in out and "serving" not in out, out


@pytest.mark.parametrize("value", ["inf", "1e308", "86401"])
def test_merge_every_in_minyi_yaml_over_a_day_is_refused(proj, value):
    from survey.collect.settings import load_settings
    from survey.store import Project

    q = Project.open(proj).questionnaire
    with pytest.raises(MinyiError) as e:
        load_settings({"serve": {"merge_every": float(value)}}, q, "minyi.yaml")
    assert "serve.merge_every" in str(e.value) and "more than a day (86400 s)" in str(e.value), str(e.value)
    assert load_settings({"serve": {"merge_every": 86400}}, q, "minyi.yaml").merge_every == 86400
