"""Report building blocks without rendering: PII masking, spreadsheet-formula guard, small-group rules,
number formats, chart files."""

from __future__ import annotations

import string

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from report.findings import fmt_n, fmt_num, fmt_pct, fmt_target
from report.render import apply_thresholds, mask_pii
from report.writers.xlsx_cells import cell_value as _cell

HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=12)


@given(HAN, st.integers(3, 9), st.integers(0, 10**9 - 1), HAN)
def test_mobile_numbers_masked(before, second, rest, after):
    phone = f"1{second}{rest:09d}"
    out = mask_pii(before + phone + after)
    assert phone not in out
    assert out == before + "1**********" + after


@given(HAN, st.integers(10**16, 10**17 - 1), st.sampled_from(["X", "x", "7"]), HAN)
def test_id_numbers_masked(before, body, last, after):
    idn = f"{body}{last}"
    out = mask_pii(before + idn + after)
    assert idn not in out and out.startswith(before) and out.endswith(after)


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=40)
       .filter(lambda s: "@" not in s and "＠" not in s and "我" not in s and "名字" not in s and "本人" not in s))
def test_text_without_digits_unchanged(text):  # names after 我叫/我是 are masked too: tests/test_pii.py
    assert mask_pii(text) == text


def test_short_numbers_kept():
    # counts, years and hotline numbers are not personal data
    for text in ("希望增加12345热线人手", "2026年以来停车难", "等了30分钟"):
        assert mask_pii(text) == text


@given(st.sampled_from("=+-@"), st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)
       .filter(lambda s: "_x" not in s))  # line breaks, control characters, _xHHHH_: tests/test_cells.py
def test_formula_guard(first, rest):
    v = _cell(first + rest)
    assert isinstance(v, str) and v.startswith("'") and v[1:] == first + rest


@given(st.text(alphabet=string.ascii_letters + "中文 ", max_size=20))
def test_plain_text_kept(text):
    assert _cell(text) == text


def test_number_formats():
    assert fmt_pct(0.9132) == "91.3%" and fmt_pct(0.0005) == "0.1%" and fmt_pct(None) == "—"
    assert fmt_pct(float("nan")) == "—"
    assert fmt_num(79.46) == "79.5" and fmt_n(4812) == "4,812" and fmt_n(None) == "—"
    assert fmt_target(0.9) == "90%" and fmt_target(0.875) == "87.5%" and fmt_target(0.85) == "85%"


def _result(ns):
    rows = [{"group": f"g{i}", "n": n, "estimate": 0.5 + i / 100, "se": 0.01, "ci_low": 0.48 + i / 100,
             "ci_high": 0.52 + i / 100, "deff": 1.0, "df": n - 1} for i, n in enumerate(ns)]
    league = [{"group": r["group"], "n": r["n"], "estimate": 70 + 3 * i, "ci_low": 69 + 3 * i, "ci_high": 71 + 3 * i}
              for i, r in enumerate(rows)]
    return {"indicators": [{"id": "x", "rate": {}, "rate_by": {"district": rows}}], "items": [], "areas": [],
            "composite": {"by": {"district": [dict(r) for r in rows]}}, "league": {"rows": league}}


@settings(max_examples=60)
@given(st.lists(st.integers(0, 80), min_size=1, max_size=8), st.integers(1, 40), st.integers(1, 60))
def test_thresholds_property(ns, min_cell, small_base):
    res = _result(ns)
    out = apply_thresholds(res, small_base=small_base, min_cell=min_cell)
    for d, orig in zip(out["indicators"][0]["rate_by"]["district"], res["indicators"][0]["rate_by"]["district"]):
        assert d["suppressed"] == (orig["n"] < min_cell)
        assert d["small_base"] == (orig["n"] < small_base)
        if d["suppressed"]:
            assert d["estimate"] is None and d["ci_low"] is None and d["ci_high"] is None and d["se"] is None
        else:
            assert d["estimate"] == orig["estimate"] and d["ci_low"] == orig["ci_low"]
    lg = out["league"]["rows"]
    shown = [r for r in lg if not r["suppressed"]]
    assert [r["rank"] for r in shown] == list(range(1, len(shown) + 1))
    assert all(r["rank"] is None and r["estimate"] is None for r in lg if r["suppressed"])
    assert [r["estimate"] for r in shown] == sorted((r["estimate"] for r in shown), reverse=True)
    # the league rows here have disjoint CIs, so every rank range is a single rank
    assert all(r["rank_best"] == r["rank_worst"] == r["rank"] for r in shown)


def test_league_rank_ranges_overlapping():
    """Three groups: A [80, 84], B [79, 83] overlap; C [70, 72] lies below both."""
    res = {"indicators": [], "items": [], "areas": [], "league": {"rows": [
        {"group": "A", "n": 100, "estimate": 82.0, "ci_low": 80.0, "ci_high": 84.0},
        {"group": "B", "n": 100, "estimate": 81.0, "ci_low": 79.0, "ci_high": 83.0},
        {"group": "C", "n": 100, "estimate": 71.0, "ci_low": 70.0, "ci_high": 72.0}]}}
    rows = {r["group"]: r for r in apply_thresholds(res)["league"]["rows"]}
    assert (rows["A"]["rank_best"], rows["A"]["rank_worst"]) == (1, 2)
    assert (rows["B"]["rank_best"], rows["B"]["rank_worst"]) == (1, 2)
    assert (rows["C"]["rank_best"], rows["C"]["rank_worst"]) == (3, 3)
    assert rows["A"]["tied"] and not rows["C"]["tied"]


def test_chart_written_as_png_and_svg(tmp_path):
    from report import charts as C

    c = C.bar_ci("x", "“停车难”最突出", ["停车难", "噪音", "垃圾分类"], [0.2, 0.5, 0.35], [0.18, 0.47, 0.33],
                 [0.22, 0.53, 0.37], out_dir=tmp_path)
    assert c.png_path.read_bytes()[:4] == b"\x89PNG" and c.png == c.png_path.read_bytes()
    svg = c.svg_path.read_text(encoding="utf-8")
    assert "<svg" in svg and "<text" not in svg  # text drawn as paths: the SVG needs no CJK font
    assert c.data_uri.startswith("data:image/png;base64,")
    shares = np.array([[0.1, 0.3, 0.3, 0.2, 0.1], [0.4, 0.4, 0.1, 0.05, 0.05]])
    lk = C.likert_diverging("l", "t", ["a", "b"], shares, ["非常满意", "满意", "一般", "不满意", "非常不满意"],
                            out_dir=tmp_path)
    assert lk.svg_path.exists() and lk.png_path.exists()
