"""`survey plan --strata`: an empty cell is said to be empty, with its column (product rule: one clear message naming
file, line and column; no Python internals in a message).

Found by a fieldwork coordinator planning a wave from a district list with one population left blank: the message
was "d.csv:3: error: population size None of stratum '西城区' is not a number >= 1" — Python's None for the empty
cell and no column."""

from __future__ import annotations

import tracking_world as W


def test_an_empty_population_or_sd_is_named_empty_with_its_column(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("区县,人口\n东城区,120000\n西城区,\n南湖区,60000\n", encoding="utf-8")
    rc, _, err = W.survey("plan", "--margin", "0.03", "--strata", f)
    assert rc == 1
    assert "d.csv:3:人口" in err and "population size (empty) of stratum '西城区'" in err
    assert "None" not in err and "nan" not in err
    f.write_text("district,population,sd\n东城区,120000,\n西城区,95000,0.4\n", encoding="utf-8")
    rc, _, err = W.survey("plan", "--margin", "0.03", "--strata", f, "--allocate", "neyman")
    assert rc == 1 and "d.csv:2:sd" in err and "sd (empty) of stratum '东城区'" in err
