"""`survey crosstab --ci logit` says where its cells' logit intervals differ from R's at very few degrees of
freedom (R's level conversion rounds to 1 and gives 0 and NaN as bounds), as `survey estimate` does; a table
with ample degrees of freedom gets no such note."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import tracking_world as W

LIK = Path(__file__).parent / "golden" / "r_differential_lik.csv"  # a domain with 1 df (r_differential.R)
NOTE = "use the t quantile; R's svyciprop(method='logit') converts the t level"


def test_cells_with_one_degree_of_freedom_are_noted_in_text_and_json():
    rc, out, err = W.survey("crosstab", LIK, "--row", "d", "--col", "q", "--psu", "psu", "--weight", "w", "--ci", "logit")
    assert rc == 0, err
    assert "the logit intervals with 1 degree(s) of freedom " + NOTE in out
    rc, out, err = W.survey("crosstab", LIK, "--row", "d", "--col", "q", "--psu", "psu", "--weight", "w", "--ci",
                            "logit", "--json")
    assert rc == 0 and NOTE not in out and NOTE in err  # stdout holds the JSON only


def test_ample_degrees_of_freedom_give_no_note(tmp_path):
    rng = np.random.default_rng(3)
    pd.DataFrame({"a": rng.integers(1, 3, 300), "b": rng.integers(1, 4, 300)}).to_csv(tmp_path / "d.csv", index=False)
    rc, out, err = W.survey("crosstab", tmp_path / "d.csv", "--row", "a", "--col", "b", "--ci", "logit")
    assert rc == 0 and NOTE not in out + err
