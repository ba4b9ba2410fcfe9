"""`survey estimate` / `crosstab` on a .sav or on minyi's Excel export read what the file says its codes mean
(survey.codebook): a .sav's codes are shown by their value labels and ``--level 满意`` means its code; the
categories of a labelled Excel export come in the questionnaire's code order, not alphabetically."""

from __future__ import annotations

import json

import pandas as pd
import pyreadstat
import pytest

from survey.qload import bundled_path, load_questionnaire
from tracking_world import survey


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("codebook")
    q = bundled_path()
    assert survey("init", root / "p", "-q", q)[0] == 0
    assert survey("simulate", q, "--n", "400", "--out", root / "r.csv")[0] == 0
    assert survey("import", root / "p", root / "r.csv")[0] == 0
    for name, extra in (("codes.sav", ()), ("labels.xlsx", ("--labels",)), ("labels.csv", ("--labels",))):
        assert survey("export", root / "p", "--out", root / name, *extra)[0] == 0
    return root


def _row_labels(out: str) -> list[str]:
    """The row labels of `survey crosstab`'s plain-text table (between its two header lines and the test)."""
    lines = out.splitlines()[2:]
    return [ln.split()[0] for ln in lines if "%" in ln and "=" not in ln]


def _options(qid: str) -> list[str]:
    return [o.label for o in load_questionnaire(bundled_path()).question(qid).options]


def test_labelled_excel_export_keeps_code_order(exports):
    order = _options("A3")  # 初中及以下, 高中（中专、职高）, 大专, 大学本科, 研究生及以上
    assert order != sorted(order)  # alphabetical order would differ: the test can fail
    rc, out, err = survey("crosstab", exports / "labels.xlsx", "--row", "A3", "--col", "A1")
    assert rc == 0, err
    assert _row_labels(out) == order
    # a CSV says nothing about its codes: its categories stay sorted as text (R's factor levels)
    rc, out, _ = survey("crosstab", exports / "labels.csv", "--row", "A3", "--col", "A1")
    assert _row_labels(out) == sorted(order)


def test_sav_codes_shown_by_value_labels_in_code_order(exports):
    rc, out, err = survey("crosstab", exports / "codes.sav", "--row", "A3", "--col", "A1")
    assert rc == 0, err
    assert _row_labels(out) == _options("A3")
    assert out.splitlines()[1].split()[:2] == _options("A1")
    # the same table as from the labelled export, number for number
    _, same, _ = survey("crosstab", exports / "labels.xlsx", "--row", "A3", "--col", "A1")
    assert out.splitlines()[1:] == same.splitlines()[1:]
    # the JSON keeps the values as the file holds them (codes)
    _, js, _ = survey("crosstab", exports / "codes.sav", "--row", "A3", "--col", "A1", "--json")
    assert {c["row"] for c in json.loads(js)["cells"]} == {"1", "2", "3", "4", "5"}


def test_sav_level_by_label_equals_level_by_code(exports):
    female = _options("A1").index("女") + 1
    by_label = survey("estimate", exports / "codes.sav", "--var", "A1", "--level", "女", "--by", "A6", "--json")
    by_code = survey("estimate", exports / "codes.sav", "--var", "A1", "--level", str(female), "--by", "A6", "--json")
    assert by_label[0] == by_code[0] == 0, by_label[2]
    assert json.loads(by_label[1]) == json.loads(by_code[1])
    rc, out, _ = survey("estimate", exports / "codes.sav", "--var", "A1", "--level", "女", "--by", "A6")
    assert [ln.split("=")[1].split("]")[0] for ln in out.splitlines() if ln.startswith("A1 [")] == _options("A6")


def test_spss_file_of_another_tool(tmp_path):
    """A .sav written by pyreadstat (as SPSS or another tool would): labels whose alphabetical order is not
    their code order, and a value without a label shown as it is, after the labelled ones."""
    df = pd.DataFrame({"q": [3, 1, 2, 1, 3, 2, 7, 1] * 5, "g": [1, 2] * 20})
    f = tmp_path / "other.sav"
    pyreadstat.write_sav(df, str(f), variable_value_labels={"q": {1: "很好", 2: "一般", 3: "差"},
                                                            "g": {1: "城区", 2: "郊区"}})
    rc, out, err = survey("crosstab", f, "--row", "q", "--col", "g")
    assert rc == 0, err
    assert _row_labels(out) == ["很好", "一般", "差", "7"]
    assert out.splitlines()[1].split()[:2] == ["城区", "郊区"]
