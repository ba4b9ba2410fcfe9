"""survey/margins.py: population values, margin files and strata files (hand-made fixtures)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.errors import MinyiError
from survey.margins import parse_population_value, read_margin_file, read_strata_file


@pytest.mark.parametrize("text, expected", [
    ("125000", (125000.0, False)),
    ("1,234", (1234.0, False)),
    ("1，234,567.5", (1234567.5, False)),
    (" 0.23 ", (0.23, False)),
    ("23%", (0.23, True)),
    ("52.3％", (0.523, True)),
    ("12,34", (None, False)),     # not groups of three
    ("很多", (None, False)),
    ("", (None, False)),
    (None, (None, False)),
    ("nan", (None, False)),
    ("inf", (None, False)),
    ("abc%", (None, True)),
])
def test_parse_population_value(text, expected):
    v, pct = parse_population_value(text)
    assert pct == expected[1]
    assert (v is None) if expected[0] is None else v == pytest.approx(expected[0])


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_population_value_thousands_separators(n):
    assert parse_population_value(f"{n:,}") == (float(n), False)
    assert parse_population_value(f"{n}%")[0] == pytest.approx(n / 100)


def _write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def test_header_optional_and_blank_rows_skipped(tmp_path):
    with_header = _write(tmp_path / "h.csv", "区县,人口\n西湖区,1200000\n\n上城区,\"1,000,000\"\n")
    assert read_margin_file(with_header) == (["西湖区", "上城区"], [1200000.0, 1000000.0])
    no_header = _write(tmp_path / "n.csv", "西湖区,1200000\n,\n上城区,1000000\n")
    assert read_margin_file(no_header) == (["西湖区", "上城区"], [1200000.0, 1000000.0])


def test_gbk_and_percentages(tmp_path):
    f = _write(tmp_path / "sex.csv", "性别,比例\n男,50.5%\n女,49.5%\n", encoding="gbk")
    cats, vals = read_margin_file(f)
    assert cats == ["男", "女"] and vals == pytest.approx([0.505, 0.495])


def test_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["district", "N"])
    ws.append(["A", 300])
    ws.append(["B", 700])
    wb.save(tmp_path / "m.xlsx")
    cats, vals = read_margin_file(tmp_path / "m.xlsx")
    assert cats == ["A", "B"] and vals == pytest.approx([300, 700])


def test_k2_cross_classified(tmp_path):
    f = _write(tmp_path / "cells.csv", "sex,age,N,note\n男,18-39,100,x\n男,40+,200,\n女,18-39,150,\n女,40+,250,\n")
    cats, vals = read_margin_file(f, k=2, column="sex+age")
    assert cats == [("男", "18-39"), ("男", "40+"), ("女", "18-39"), ("女", "40+")]
    assert vals == [100.0, 200.0, 150.0, 250.0]


def _err(fn, *a, **kw) -> str:
    with pytest.raises(MinyiError) as e:
        fn(*a, **kw)
    return str(e.value)


def test_margin_errors_name_file_and_lines(tmp_path):
    f = _write(tmp_path / "bad.csv", "district,N\n西湖区,很多\n上城区,-\n拱墅区,800000\n")
    msg = _err(read_margin_file, f)
    assert "bad.csv:2:N:" in msg and "'西湖区'" in msg and "bad.csv:3:N:" in msg and "'上城区'" in msg and "很多" in msg
    assert "拱墅区" not in msg
    f = _write(tmp_path / "nocat.csv", "district,N\n西湖区,1\n,5\n")
    msg = _err(read_margin_file, f)
    assert "nocat.csv" in msg and "3" in msg and "no category" in msg
    f = _write(tmp_path / "k2.csv", "sex,age,N\n男,,5\n")
    assert "no category" in _err(read_margin_file, f, k=2)
    f = _write(tmp_path / "mix.csv", "district,N\nA,20%\nB,800\n")
    assert "percentages" in _err(read_margin_file, f)
    f = _write(tmp_path / "neg.csv", "A,-5\n")
    assert "neg.csv:1:2:" in _err(read_margin_file, f)  # no header: the value column by its number


def test_margin_errors_columns_missing_empty(tmp_path):
    one = _write(tmp_path / "one.csv", "district\nA\nB\n")
    assert "needs two columns" in _err(read_margin_file, one)
    assert "the margin for 'sex+age' needs 3 columns" in _err(read_margin_file, one, k=2, column="sex+age")
    with pytest.raises(MinyiError) as e:
        read_margin_file(tmp_path / "none.csv")
    assert e.value.problems[0].code == "file-not-found" and "none.csv" in str(e.value)
    only_header = _write(tmp_path / "h.csv", "district,N\n,\n")
    with pytest.raises(MinyiError) as e:
        read_margin_file(only_header)
    assert e.value.problems[0].code == "file-empty"


def test_strata_file(tmp_path):
    f = _write(tmp_path / "s.csv", "区县,人口,sd\n西湖区,\"120,000\",0.5\n\n上城区,80000,0.4\n", encoding="gbk")
    assert read_strata_file(f) == (["西湖区", "上城区"], [120000.0, 80000.0], "sd", [0.5, 0.4])
    f = _write(tmp_path / "p.csv", "stratum,N,比例\nA,100,30%\nB,200,0.6\n")
    names, pops, kind, extra = read_strata_file(f)
    assert kind == "p" and extra == pytest.approx([0.3, 0.6])
    f = _write(tmp_path / "two.csv", "stratum,N\nA,100\n")
    assert read_strata_file(f) == (["A"], [100.0], None, [None])


def test_strata_errors(tmp_path):
    f = _write(tmp_path / "s.csv", "stratum,N,p\nA,100,0.3\nB,lots,0.5\n,50,0.1\nC,10,1.5\n")
    with pytest.raises(MinyiError) as e:
        read_strata_file(f)
    lines = sorted(p.line for p in e.value.problems)
    assert lines == [3, 4, 5] and "lots" in str(e.value) and "1.5" in str(e.value)
    f = _write(tmp_path / "dup.csv", "stratum,N\nA,100\nA,200\n")
    assert "listed twice" in _err(read_strata_file, f)
    f = _write(tmp_path / "one.csv", "stratum\nA\n")
    assert "at least two columns" in _err(read_strata_file, f)
    f = _write(tmp_path / "zero.csv", "stratum,N\nA,0\n")
    assert "s.csv" not in _err(read_strata_file, f) and "zero.csv" in _err(read_strata_file, f)
