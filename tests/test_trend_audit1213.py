"""Trend small multiples (issue 13: "Small multiples chart per area"): a panel title that needs two lines
breaks between words, never inside one (社会治安与法治 → 社会治安与 / 法治, not 社会治安与法 / 治)."""

from __future__ import annotations

import pytest

from report.trend_charts import _panel_head
from survey.qload import bundled_path, load_questionnaire


@pytest.mark.parametrize("name, lines", [
    ("社会治安与法治", ["社会治安与", "法治"]),
    ("干部作风与行政效能", ["干部作风与", "行政效能"]),
    ("宣传发动与群众参与", ["宣传发动与", "群众参与"]),
    ("城市环境", ["城市环境"]),
    ("安全与法治", ["安全与法治"]),  # fits on one line: not broken
    ("一二三四五六七八九十一二三四", ["一二三四五六", "七八九十一…"]),  # no joining character: 6 a line, then cut
])
def test_panel_titles_break_after_a_joining_character(name, lines):
    assert _panel_head(name, "zh").split("\n") == lines


def test_every_bundled_area_title_fits_without_splitting_a_word_at_a_joining_character():
    q = load_questionnaire(bundled_path())
    for area in q.areas:
        head = _panel_head(area.name, "zh")
        first, *rest = head.split("\n")
        assert "".join([first, *rest]) == area.name  # nothing cut off
        assert all(len(x) <= 6 for x in [first, *rest])  # 6 characters a line (docstring)
        if "与" in area.name and rest:
            assert first.endswith("与")


# --------------------------------------------------------------------------- --indicators A B
# Issue 13 writes `survey trend DIR [--indicators ...]` as issue 12 writes `survey links ... [--collector V001 ...]`,
# which takes `--collector V001 V002`: `--indicators sat_env sat_traffic` follows both (as the comma and the
# repeated option do); a bare name with no --indicators is refused in one line, not taken silently.


@pytest.fixture(scope="module")
def two_waves(tmp_path_factory):
    import tracking_world as W

    root = tmp_path_factory.mktemp("trend_args")
    W.build(root, waves=2, n=300)
    return root / "project"


def _ids(text: str) -> set:
    import json

    return {s["id"] for s in json.loads(text)["series"]}


def test_indicators_separated_by_spaces_are_all_followed(two_waves):
    import tracking_world as W

    rc, out, err = W.survey("trend", two_waves, "--indicators", "sat_env", "sat_traffic", "--json")
    assert rc == 0, err
    assert _ids(out) == {"sat_env", "sat_traffic"}
    rc, comma, err = W.survey("trend", two_waves, "--indicators", "sat_env,sat_traffic", "--json")
    assert rc == 0 and _ids(comma) == _ids(out)


def test_a_bare_indicator_without_the_option_is_refused(two_waves):
    import tracking_world as W

    rc, out, err = W.survey("trend", two_waves, "sat_env", "--json")
    assert rc == 2 and "--indicators sat_env" in err and "Traceback" not in err
