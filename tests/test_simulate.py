"""Simulated responses: deterministic, native layout, skip logic and selection limits obeyed, messy faults."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.skip import asked_masks

N = 3000


@pytest.fixture(scope="module")
def q():
    return load_questionnaire(bundled_path())


@pytest.fixture(scope="module")
def frame(q):
    return simulate(q, N, seed=11)


@pytest.fixture(scope="module")
def messy(q):
    return simulate(q, N, seed=11, messy=True)


def _filled(df: pd.DataFrame) -> pd.DataFrame:
    """True where a cell holds an answer (not NaN, not empty text)."""
    return df.notna() & (df.astype(str) != "")


# ----------------------------------------------------------------------------- determinism and layout
def test_same_seed_same_data_different_seed_different_data(q, frame, tmp_path):
    again = simulate(q, N, seed=11)
    pd.testing.assert_frame_equal(frame, again)
    other = simulate(q, N, seed=12)
    assert not frame.drop(columns=["respondent_id"]).equals(other.drop(columns=["respondent_id"]))
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(frame, a)
    write_csv(again, b)
    assert a.read_bytes() == b.read_bytes()


def test_cli_is_deterministic(tmp_path):
    outs = []
    for name in ("x.csv", "y.csv"):
        out = tmp_path / name
        r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "simulate", str(bundled_path()),
                            "--n", "200", "--seed", "5", "--out", str(out)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    back = pd.read_csv(tmp_path / "x.csv")
    assert len(back) == 200


def test_native_layout(q, frame):
    assert list(frame.columns) == q.columns()
    assert "C1_r1" in frame and "K1_60" in frame and "B2_other" in frame and "K2_1" in frame
    assert frame["respondent_id"].is_unique
    assert (frame["duration_sec"] > 0).all()
    ts = pd.to_datetime(frame["submitted_at"])
    assert ts.min() >= pd.Timestamp("2026-03-01") and ts.max() < pd.Timestamp("2026-04-01")


def test_codes_are_options(q, frame):
    for qq in q.questions:
        if qq.type in ("single", "scale", "yesno", "matrix"):
            for c in qq.columns():
                vals = set(frame[c].dropna().unique())
                assert vals <= set(qq.codes), (c, vals - set(qq.codes))
        elif qq.type == "number":
            v = frame[qq.id].dropna()
            assert v.between(qq.min, qq.max).all()


# ----------------------------------------------------------------------------- skip logic and limits
def test_skip_logic_obeyed(q, frame):
    masks = asked_masks(q, frame)
    for qq in q.questions:
        cols = [c for c in qq.columns() if not c.endswith("_other")]
        filled = _filled(frame[cols])
        asked = masks[qq.id]
        assert not filled[~asked].any().any(), f"{qq.id} answered where it was not asked"
        if qq.type != "text" and qq.required:
            assert filled[asked].any(axis=1).all(), f"{qq.id} left empty where it was asked"


def test_skip_conditions_by_hand(q, frame):
    # B6: 1 = 参加过, 2 = 没有参加过; B7 only for 参加过, B8 only for 没有参加过 (read from the YAML)
    b7 = _filled(frame[[c for c in q.question("B7").columns()]]).any(axis=1)
    assert (b7 == (frame["B6"] == 1)).all()
    assert (frame["B8"].notna() == (frame["B6"] == 2)).all()
    # B2 and B10 are skipped by those who answered B1 = 3 (不知道)
    assert (frame["B10"].notna() == (frame["B1"] != 3)).all()
    assert ((frame["B1"] == 3).sum() > 0) and ((frame["B1"] != 3).sum() > 0)


def test_site_sections(q, frame):
    # 机关 = 1 gets H, 社区 = 2 gets J, 企业 = 3 gets I (sites: in the YAML)
    for col, code in (("H1_r1", 1), ("J1_r1", 2), ("I1_r1", 3)):
        assert (frame.loc[frame["A5"] != code, col].isna()).all()
        assert frame.loc[frame["A5"] == code, col].notna().all()


def test_selection_limits(q, frame):
    masks = asked_masks(q, frame)
    for qq in q.questions:
        if qq.type != "multiple":
            continue
        sel = frame[[f"{qq.id}_{o.code}" for o in qq.options]][masks[qq.id]]
        count = sel.sum(axis=1)
        assert count.min() >= (qq.min or 1), qq.id
        assert count.max() <= (qq.max or len(qq.options)), qq.id
        for o in qq.options:
            if o.exclusive:  # 以上都没有 stands alone
                chosen = sel[f"{qq.id}_{o.code}"] == 1
                assert (count[chosen] == 1).all()
            if o.other:
                text = frame.loc[masks[qq.id], f"{qq.id}_other"].astype(str)
                chosen = sel[f"{qq.id}_{o.code}"] == 1
                assert (text[chosen] != "").all() and (text[~chosen] == "").all()
    k2 = q.question("K2")
    ranks = frame[[f"K2_{o.code}" for o in k2.options]].to_numpy()
    for r in ranks[:500]:
        got = sorted(x for x in r if not np.isnan(x))
        assert got == list(range(1, k2.k + 1))


# ----------------------------------------------------------------------------- realism
def test_some_dont_know_answers(frame):
    c1 = frame[[f"C1_r{i}" for i in range(1, 13)]].to_numpy()
    share = np.mean(c1 == 9)
    assert 0.01 < share < 0.15


def test_items_correlate_within_respondent(frame):
    a, b = frame["C1_r1"], frame["E1_r5"]
    ok = a.notna() & b.notna() & (a != 9) & (b != 9)
    r = np.corrcoef(a[ok], b[ok])[0, 1]
    assert r > 0.2  # latent satisfaction shared by items of different areas


def test_varies_by_site_and_district(q):
    big = simulate(q, 20000, seed=3)
    items = big[[c for c in big.columns if c.startswith(("C1_", "D1_", "E1_", "F1_", "G1_"))]]
    score = items.where(items != 9).mean(axis=1)
    by_site = score.groupby(big["A5"]).mean()
    by_district = score.groupby(big["A6"]).mean()
    se = score.std() / np.sqrt(len(score) / 6)  # generous: the SE of the smallest group mean
    assert by_site.max() - by_site.min() > 3 * se
    assert by_district.max() - by_district.min() > 3 * se


# ----------------------------------------------------------------------------- messy
def test_messy_faults_present(q, frame, messy):
    answers = [c for c in q.columns(meta=False)]
    # blank rows
    blank = ~_filled(messy[answers]).any(axis=1)
    assert blank.sum() >= 1
    # a duplicate respondent
    ids = messy["respondent_id"][~blank]
    assert ids.duplicated().sum() >= 1
    # an out-of-range code
    codes = set(q.question("C1").codes)
    c1 = messy[q.question("C1").columns()].to_numpy().ravel()
    c1 = c1[~pd.isna(c1)]
    assert any(v not in codes for v in c1)
    # speeders: completion far below the median
    dur = messy["duration_sec"].dropna()
    assert (dur < 0.2 * dur.median()).sum() >= N // 100
    # a multiple choice with one selection too many
    too_many = [qq.id for qq in q.questions if qq.type == "multiple" and qq.max
                and (messy[[f"{qq.id}_{o.code}" for o in qq.options]].sum(axis=1) > qq.max).any()]
    assert too_many
    # an answer to a question its condition skips
    masks = asked_masks(q, messy)
    assert any(_filled(messy.loc[~masks[qq.id], [c for c in qq.columns() if not c.endswith("_other")]]).any().any()
               for qq in q.questions if qq.when)
    # the clean frame has none of these
    assert not (frame["respondent_id"].duplicated().any())
    assert (frame[[f"K1_{o.code}" for o in q.question("K1").options]].sum(axis=1) <= 5).all()


def test_messy_is_deterministic(q, messy):
    pd.testing.assert_frame_equal(messy, simulate(q, N, seed=11, messy=True))


def test_invalid_n():
    with pytest.raises(ValueError):
        simulate(load_questionnaire(bundled_path()), 0)


def test_write_csv_errors_and_atomicity(q, tmp_path):
    from survey.errors import MinyiError

    small = simulate(q, 20, seed=1)
    with pytest.raises(MinyiError, match="folder"):
        write_csv(small, tmp_path)
    out = tmp_path / "new" / "r.csv"
    write_csv(small, out)
    assert len(pd.read_csv(out)) == 20
    assert [p.name for p in out.parent.iterdir()] == ["r.csv"]  # no temporary file left behind
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "simulate", str(bundled_path()), "--n", "5",
                        "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "internal error" not in r.stderr
