"""`survey estimate` and `survey crosstab` read an SPSS .sav data file as SPSS does: the values it declares
user-missing (9 = 不了解) are left out; before, a .sav was refused ("use survey import")."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyreadstat

import tracking_world as W


def _sav(path) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 200
    df = pd.DataFrame({"sex": rng.integers(1, 3, n).astype(float), "sat": rng.integers(1, 6, n).astype(float),
                       "w": rng.uniform(0.5, 2.0, n)})
    df.loc[rng.choice(n, 30, replace=False), "sat"] = 9.0  # 不了解, declared missing
    pyreadstat.write_sav(df, str(path), missing_ranges={"sat": [9.0]},
                         variable_value_labels={"sat": {1.0: "很不满意", 5.0: "很满意", 9.0: "不了解"}})
    return df


def test_estimate_reads_a_sav_leaving_out_user_missing_values(tmp_path):
    df = _sav(tmp_path / "d.sav")
    rc, out, err = W.survey("estimate", tmp_path / "d.sav", "--var", "sat", "--weight", "w", "--json")
    assert rc == 0, err
    rec = json.loads(out)[0]
    ok = df["sat"] != 9
    assert rec["n"] == int(ok.sum())
    assert abs(rec["estimate"] - np.average(df.loc[ok, "sat"], weights=df.loc[ok, "w"])) < 1e-12


def test_crosstab_reads_a_sav(tmp_path):
    df = _sav(tmp_path / "d.sav")
    rc, out, err = W.survey("crosstab", tmp_path / "d.sav", "--row", "sex", "--col", "sat", "--json")
    assert rc == 0, err
    cells = json.loads(out)["cells"]
    assert sum(c["n"] for c in cells) == int((df["sat"] != 9).sum())
    assert "9" not in {c["col"] for c in cells}
