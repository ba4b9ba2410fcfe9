"""KoboToolbox label exports: select_multiple labels joined by spaces, labels that hold spaces themselves.

The fixture tests/data/kobo_labels_spaces.csv (with tests/data/kobo_spaces_questionnaire.yaml) is hand-made:
group-path headers, ``_uuid``, ``_submission_time``; the expected selections below were written by hand from
the options each respondent chose.  Q3's labels (A, "A B", "B C", D) make cutting at every space, and a greedy
longest-first split, wrong: "A B C" can only be read as A + "B C".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.importers import norm_text, read_responses, split_spaced
from survey.qload import load_questionnaire

DATA = Path(__file__).parent / "data"
Q = load_questionnaire(DATA / "kobo_spaces_questionnaire.yaml")
N = np.nan

# respondent: Q1 code | Q2 Public transport, Car, Bicycle, 公共 交通, Walking | Q3 A, A B, B C, D
EXPECTED = {
    "k-0001": (1, [1, 1, 0, 0, 0], [1, 0, 1, 0]),  # Public transport Car | A B C = A + "B C"
    "k-0002": (3, [0, 0, 0, 1, 1], [0, 1, 0, 0]),  # 公共 交通 Walking | "A B" (the whole cell is a label)
    "k-0003": (2, [1, 1, 1, 0, 0], [0, 1, 1, 0]),  # Car Public transport Bicycle | B C A B = "B C" + "A B"
    "k-0004": (1, [1, 0, 0, 0, 0], [1, 0, 0, 0]),  # Public transport Taxi ride (unknown part) | A
    "k-0005": (N, [N] * 5, [N] * 4),  # nothing answered
    "k-0006": (2, [1, 0, 1, 0, 0], [0, 1, 1, 0]),  # XML names "1 3" | A B B C = "A B" + "B C"
}


def test_labels_with_spaces_split_by_full_cover():
    t = read_responses(DATA / "kobo_labels_spaces.csv", Q)
    assert t.format == "kobo"
    f = t.frame.set_index("respondent_id")
    assert list(f.index) == list(EXPECTED)
    for rid, (q1, q2, q3) in EXPECTED.items():
        np.testing.assert_array_equal(f.loc[rid, "Q1"], q1)
        np.testing.assert_array_equal(f.loc[rid, [f"Q2_{k}" for k in range(1, 6)]].to_numpy(dtype=float), q2, err_msg=rid)
        np.testing.assert_array_equal(f.loc[rid, [f"Q3_{k}" for k in range(1, 5)]].to_numpy(dtype=float), q3, err_msg=rid)
    assert f.loc["k-0003", "submitted_at"] == "2026-09-01 10:05:00"
    assert f.loc["k-0002", "duration_sec"] == 150.0


def test_unmatched_part_reported_as_unknown_option():
    t = read_responses(DATA / "kobo_labels_spaces.csv", Q)
    assert t.problems[["row", "column", "value", "code"]].values.tolist() == [[5, "travel/Q2", "Taxi ride", "unknown-option"]]
    assert "'Taxi ride' is not an option of Q2" in t.problems["message"].iloc[0]


def test_cell_without_full_cover(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("_uuid,travel/Q3,travel/Q2\nu1,A B C D E,Car\nu2,B,Very Car\nu3,D A,Car Car\n", encoding="utf-8")
    t = read_responses(p, Q)
    got = t.problems[["row", "column", "value"]].values.tolist()
    # "A B C D E": A + "B C" + D, then E is unknown; "B" alone is no option (only "A B" / "B C" hold it); "Car Car"
    # names one option twice (choice-twice: it was read as one choice without a word)
    assert sorted(got) == [[2, "travel/Q3", "E"], [3, "travel/Q2", "Very"], [3, "travel/Q3", "B"],
                           [4, "travel/Q2", "Car Car"]]
    assert t.problems.loc[t.problems["value"] == "Car Car", "code"].tolist() == ["choice-twice"]
    np.testing.assert_array_equal(t.frame.loc[2, [f"Q3_{k}" for k in range(1, 5)]].to_numpy(dtype=float), [1, 0, 0, 1])


def test_split_spaced_examples():
    single = {"a": 0, "d": 3, "1": 0}
    multi = {"a b": 1, "b c": 2}
    assert split_spaced("A B C", single, multi, 2) == [("A", 0), ("B C", 2)]
    assert split_spaced("A B C", {**single, "c": 4}, multi, 2) == [("A B", 1), ("C", 4)]  # fewest pieces
    assert split_spaced("x A y z", single, multi, 2) == [("x", None), ("A", 0), ("y z", None)]
    assert split_spaced("公共 交通", {}, {"公共 交通": 0}, 2) == [("公共 交通", 0)]


WORDS = st.sampled_from(["a", "b", "c", "bus", "公共", "交通"])


@settings(max_examples=60, deadline=None)
@given(labels=st.lists(st.lists(WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=6, unique=True),
       data=st.data())
def test_any_join_of_labels_is_fully_covered(labels, data):
    chosen = data.draw(st.lists(st.sampled_from(labels), min_size=1, max_size=5))
    single = {norm_text(x).lower(): j for j, x in enumerate(labels) if " " not in x}
    multi = {x: j for j, x in enumerate(labels) if " " in x}
    cell = " ".join(chosen)
    parts = split_spaced(cell, single, multi, 3)
    assert all(j is not None for _, j in parts)  # a full cover exists (the chosen labels), so one is found
    assert " ".join(p for p, _ in parts) == cell
    assert all(labels[j] == p for p, j in parts)
    assert len(parts) <= len(chosen)
