"""Sample-size planning: textbook values, R formula evaluation (tests/golden/r_planning.R), allocation rules."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.planning import PlanningError, allocate, largest_remainder, plan, sample_size

GOLDEN = Path(__file__).parent / "golden"


def test_familiar_values():
    # the standard figures quoted for ±5 and ±3 points at 95 %, p = 0.5
    assert sample_size(0.05).n == 385
    assert sample_size(0.03).n == 1068
    assert sample_size(0.03, deff=1.5).n == 1601  # ceil(1067.07 × 1.5 = 1600.6)


# Krejcie & Morgan (1970), Table 1 ("Table for determining sample size from a given population"),
# e = 0.05, P = 0.5, χ²(1) = 3.841; the table rounds to the nearest unit, Cochran (and minyi) round up.
KREJCIE_MORGAN = {10: 10, 50: 44, 100: 80, 200: 132, 300: 169, 500: 217, 1000: 278, 2000: 322, 5000: 357,
                  10000: 370, 20000: 377, 50000: 381}


@pytest.mark.parametrize("N,table", list(KREJCIE_MORGAN.items()))
def test_krejcie_morgan_table(N, table):
    p = sample_size(0.05, 0.95, 0.5, population=N)
    assert round(p.n_fpc) == table
    assert p.n in (table, table + 1)


def test_against_r_formula_grid():
    g = pd.read_csv(GOLDEN / "r_planning_sizes.csv", dtype={"n0": float, "n_fpc": float})
    for r in g.itertuples():
        N = None if pd.isna(r.N) else float(r.N)
        p = sample_size(r.e, r.conf, r.p, population=N, deff=r.deff)
        assert p.n0 == pytest.approx(r.n0, rel=1e-12)
        assert p.n_fpc == pytest.approx(r.n_fpc, rel=1e-12)
        assert p.n == int(r.n), r


def test_allocations_against_r():
    strata = pd.read_csv(GOLDEN / "r_planning_strata.csv")
    al = pd.read_csv(GOLDEN / "r_planning_alloc.csv", dtype={"ideal": float})
    for (n, method), grp in al.groupby(["n", "method"]):
        res, total, notes = allocate(int(n), strata.N, method, sds=strata.sd, names=strata.stratum)
        assert total == n and not notes
        assert [a.n for a in res] == list(grp.alloc)
        np.testing.assert_allclose([a.ideal for a in res], grp.ideal, rtol=1e-12)


def test_minimum_and_population_bounds_by_hand():
    # proportional 200 over N = (50, 950, 9000): ideal (1, 19, 180); min 30 raises the first two;
    # 140 left for the third.  Population bound: a stratum of 20 gets at most 20.
    res, total, _ = allocate(200, [50, 950, 9000], "proportional", min_per_stratum=30)
    assert [a.n for a in res] == [30, 30, 140] and total == 200
    assert [a.bound for a in res] == ["minimum", "minimum", None]
    res, total, _ = allocate(100, [20, 80, 100], "equal")
    # equal: 33.3 each, but stratum 1 has only 20 → 20, the other 80 split equally: 40, 40
    assert [a.n for a in res] == [20, 40, 40] and res[0].bound == "population"
    res, total, notes = allocate(100, [50, 60, 70], "equal", min_per_stratum=40)
    assert total == 120 and [a.n for a in res] == [40, 40, 40] and "raises the total" in notes[0]
    res, total, notes = allocate(500, [50, 60, 70], "proportional")
    assert total == 180 and [a.n for a in res] == [50, 60, 70] and notes


def test_neyman_from_p():
    # S_h = sqrt(p(1-p)): p = 0.5 → 0.5, p = 0.1 → 0.3; N equal → n ∝ S: 500 × (0.5, 0.3)/0.8
    p = plan(0.05, strata=["x", "y"], strata_population=[10000, 10000], strata_p=[0.5, 0.1], allocation="neyman")
    assert p.population == 20000
    assert [a.ideal for a in p.allocation] == pytest.approx([p.n * 0.625, p.n * 0.375])
    assert p.n_allocated == p.n


def test_errors():
    with pytest.raises(PlanningError, match="margin"):
        sample_size(0)
    with pytest.raises(PlanningError, match="proportion"):
        sample_size(0.03, p=1.0)
    with pytest.raises(PlanningError, match="design effect"):
        sample_size(0.03, deff=0)
    with pytest.raises(PlanningError, match="Neyman"):
        allocate(100, [10, 20], "neyman")
    with pytest.raises(PlanningError, match="unknown allocation"):
        allocate(100, [10, 20], "optimal")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 50, allow_nan=False), min_size=1, max_size=12), st.integers(0, 500))
def test_largest_remainder_keeps_total(raw, total):
    q = np.asarray(raw)
    if q.sum() <= 0:
        q = np.ones_like(q)
    q = q / q.sum() * total
    r = largest_remainder(q, total)
    assert r.sum() == total
    assert np.all(np.abs(r - q) < 1 + 1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 5000), min_size=1, max_size=10), st.integers(1, 3000), st.integers(0, 60),
       st.sampled_from(["proportional", "equal", "neyman"]))
def test_allocation_invariants(pops, n, mn, method):
    sds = [0.5] * len(pops)
    res, total, _ = allocate(n, pops, method, sds=sds, min_per_stratum=mn)
    ns = np.array([a.n for a in res])
    N = np.array(pops)
    assert np.all(ns <= N)
    assert np.all(ns >= np.minimum(mn, N))
    assert total == ns.sum()
    assert total == max(min(n, N.sum()), np.minimum(mn, N).sum())


def run(args, capsys, monkeypatch):
    import cli

    monkeypatch.setattr(cli._exit, "called_from_console", False)
    rc = cli.main(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_plan_cli_json(tmp_path, capsys, monkeypatch):
    f = tmp_path / "strata.csv"
    f.write_text("区,人口,sd\n西湖区,120000,0.5\n上城区,80000,0.4\n", encoding="gbk")
    rc, out, _ = run(["plan", "--margin", "0.03", "--strata", str(f), "--allocate", "neyman", "--json"], capsys, monkeypatch)
    assert rc == 0
    d = json.loads(out)
    assert d["population"] == 200000
    # n0 = 1067.07; fpc with N = 200000 → 1061.41 → 1062
    assert d["n"] == 1062
    assert [a["stratum"] for a in d["allocation"]] == ["西湖区", "上城区"]
    # Neyman: 1062 × (120000·0.5, 80000·0.4)/(60000 + 32000) = (692.6, 369.4) → 693, 369
    assert [a["n"] for a in d["allocation"]] == [693, 369]


def test_plan_cli_text_and_errors(tmp_path, capsys, monkeypatch):
    rc, out, _ = run(["plan", "--margin", "0.05"], capsys, monkeypatch)
    assert rc == 0 and "required sample size: 385" in out
    rc, out, _ = run(["plan", "--margin", "0.03", "--deff", "1.5", "--population", "5000"], capsys, monkeypatch)
    # 1600.6 / (1 + 1599.6/5000) = 1212.7 → 1213
    assert rc == 0 and "required sample size: 1213" in out
    f = tmp_path / "s.csv"
    f.write_text("district,N\nA,1000\nB,lots\n", encoding="utf-8")
    rc, _, err = run(["plan", "--margin", "0.03", "--strata", str(f)], capsys, monkeypatch)
    assert rc == 1 and "s.csv:3" in err and "lots" in err
    f.write_text("district,N\nA,1000\nB,2000\n", encoding="utf-8")
    rc, _, err = run(["plan", "--margin", "0.03", "--strata", str(f), "--allocate", "neyman"], capsys, monkeypatch)
    assert rc == 1 and "Neyman" in err
    rc, _, err = run(["plan", "--margin", "0.03", "--strata", str(f), "--allocate", "optimal"], capsys, monkeypatch)
    assert rc == 2
    rc, _, err = run(["plan", "--margin", "3"], capsys, monkeypatch)
    assert rc == 2 and "margin of error" in err  # a bad option value
