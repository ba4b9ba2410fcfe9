"""`survey trend --json` says why a heat table's value is null (tracking fixes, item 2): the heat map and trend.xlsx
mark a group with no respondent that wave “—” and one with fewer than min_cell respondents “n<10”, the JSON gave
null for both.  Each heat table now has ``blank``, parallel to ``values``: "none", "small", or null where the value
is there (and ``min_cell``, the threshold "small" refers to).

The world is tests/test_heat_map_marks.py's: in the third wave 北山区 has no respondent and 高新区 five."""

from __future__ import annotations

import json

import tracking_world as W
import test_heat_map_marks as marks
from test_heat_map_marks import ABSENT, SMALL, SMALL_N

world = marks.world  # that module's fixture (built again for this module)


def test_trend_json_gives_the_reason_for_each_null(world):
    rc, out, err = W.survey("trend", world["root"] / "project", "--json")
    assert rc == 0, err
    heat = next(h for h in json.loads(out)["heat"] if h["id"] == "composite")
    g = heat["groups"]
    assert heat["min_cell"] == 10
    assert heat["values"][g.index(ABSENT)][2] is None and heat["blank"][g.index(ABSENT)][2] == "none"
    assert heat["values"][g.index(SMALL)][2] is None and heat["blank"][g.index(SMALL)][2] == "small"
    assert heat["n"][g.index(SMALL)][2] == SMALL_N
    # null exactly where the value is there, cell for cell
    for vals, blanks in zip(heat["values"], heat["blank"]):
        assert len(vals) == len(blanks) == len(heat["waves"])
        assert [v is None for v in vals] == [b is not None for b in blanks]
