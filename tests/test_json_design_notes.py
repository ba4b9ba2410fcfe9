"""With --json, how the design was read (weights derived from the fpc) is said on stderr, as the text output
says it on stdout; stdout stays the JSON alone."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tracking_world import survey


@pytest.fixture()
def data(tmp_path):
    f = tmp_path / "d.csv"
    pd.DataFrame({"y": [1, 0, 1, 1, 0, 1, 0, 1], "g": ["a", "b"] * 4, "N": [80] * 8}).to_csv(f, index=False)
    return f


@pytest.mark.parametrize("command", [("estimate", "--var", "y", "--level", "1"), ("crosstab", "--row", "y", "--col", "g")])
def test_json_says_weights_derived_from_fpc_on_stderr(data, command):
    rc, text, _ = survey(command[0], data, *command[1:], "--fpc", "N")
    assert rc == 0
    said = [ln for ln in text.splitlines() if "derived from the fpc" in ln]
    assert said
    rc, out, err = survey(command[0], data, *command[1:], "--fpc", "N", "--json")
    assert rc == 0
    json.loads(out)  # stdout: the JSON alone
    assert said[0] in err.splitlines()
