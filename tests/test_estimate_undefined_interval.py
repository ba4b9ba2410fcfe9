"""An estimate whose interval is not defined says why (never a bare NA/NaN): a domain with no degrees of
freedom, and a Woodruff quantile interval whose share leaves [0, 1] (R gives NaN in both; the numbers
themselves are pinned against R by tests/test_differential_r_golden.py and tests/test_quantiles_r_golden.py)."""

import json

from cli_capture import run_main

# strata S0 (one PSU, lonely) and S1 (three PSUs); x missing in three rows
ROWS = [("S0", "P0_0", 3.812, "8.756", "a"), ("S0", "P0_0", 2.949, "7.746", "a"), ("S0", "P0_0", 2.406, "", "a"),
        ("S1", "P1_0", 4.978, "8.803", "a"), ("S1", "P1_0", 2.128, "12.061", "a"), ("S1", "P1_0", 4.662, "7.475", "a"),
        ("S1", "P1_0", 2.69, "10.468", "a"), ("S1", "P1_0", 1.865, "12.617", "a"), ("S1", "P1_1", 4.584, "12", "a"),
        ("S1", "P1_1", 4.343, "15", "a"), ("S1", "P1_1", 2.131, "", "a"), ("S1", "P1_2", 2.854, "14", "b"),
        ("S1", "P1_2", 4.723, "", "a")]


def _csv(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("st,psu,w,x,d\n" + "".join(f"{a},{b},{c},{x},{d}\n" for a, b, c, x, d in ROWS), encoding="utf-8")
    return str(f)


DESIGN = ["--weight", "w", "--strata", "st", "--psu", "psu", "--lonely-psu", "adjust"]


def test_woodruff_share_outside_zero_one_is_said(tmp_path, capsys):
    # R: svyquantile(~x, subset(des, !is.na(x)), 0.5, ci=TRUE) gives 10.468 with NaN bounds and se (df 2)
    rc, out = run_main(capsys, "estimate", _csv(tmp_path), "--var", "x", "--quantile", "0.5", *DESIGN)
    assert rc in (0, None), out
    assert "CI NA – NA" in out
    assert "the Woodruff interval's share p ± t·SE leaves 0–100 %" in out and "--ci logit" in out
    rc, out = run_main(capsys, "estimate", _csv(tmp_path), "--var", "x", "--quantile", "0.5", *DESIGN, "--ci", "logit")
    assert "leaves 0–100 %" not in out


def test_domain_without_degrees_of_freedom_is_said(tmp_path, capsys):
    # domain d=b is one row in one PSU: df 0, so no t interval (R's confint(df=0) gives NaN)
    rc, out = run_main(capsys, "estimate", _csv(tmp_path), "--var", "x", *DESIGN, "--by", "d", "--json")
    assert rc in (0, None), out
    recs, _ = json.JSONDecoder().raw_decode(out)
    b = next(r for r in recs if r["domain"] == {"d": "b"})
    assert b["df"] == 0 and b["ci_low"] is None and b["estimate"] == 14
    assert "x [d=b]: no degrees of freedom (df 0" in out
    assert "x [d=a]: no degrees of freedom" not in out
