"""The careful import path (问卷星 / 腾讯 / Kobo files, CSV data files) against independent references.

* A 问卷星 按文本 export of simulated answers (benchmarks/wjx_file.py: labels, ``┋``-joined multiple choices
  with ``其他〖…〗``, ``→``-joined rankings, ``(跳过)``, ``(空)``) imports to exactly the answers of the same
  simulation imported from minyi's native CSV, which takes the other reader (typed pyarrow columns).
* The column conversions that work on distinct values (``as_string``, ``map_option_values``) equal pandas'
  per-cell ``astype("string")`` and a per-cell lookup, on generated columns.
* The text reader gives the parser UTF-8 bytes: the frame equals Python's ``csv`` module on the decoded text.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from survey.importers.options import map_option_values, option_lookup
from survey.importers.text import as_string, norm_text
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project
from survey.tabular import read_text_table

ROOT = Path(__file__).resolve().parents[1]


def _wjx_module():
    spec = importlib.util.spec_from_file_location("wjx_file", ROOT / "benchmarks" / "wjx_file.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    q = load_questionnaire(bundled_path())
    frame = simulate(q, 3000, seed=5)
    d = tmp_path_factory.mktemp("careful")
    write_csv(frame, d / "native.csv")
    _wjx_module().write_wjx(frame, q, d / "wjx.csv")
    out = {}
    for name in ("native", "wjx"):
        p = Project.create(d / f"p_{name}", bundled_path())
        s = p.import_file(d / f"{name}.csv", wave="w")
        out[name] = (s, p.responses("w")[0])
    out["dir"] = d
    return q, out


def test_wjx_export_imports_to_the_same_answers_as_the_native_file(imported):
    q, out = imported
    (sn, a), (sw, b) = out["native"], out["wjx"]
    assert (sn.format, sw.format) == ("native", "wjx")
    assert sn.accepted == sw.accepted == 3000 and sw.quarantined == 0
    for c in q.columns(meta=False):  # every question column, other-texts included
        pd.testing.assert_series_equal(a[c].reset_index(drop=True), b[c].reset_index(drop=True), check_names=False)
    assert a["submitted_at"].tolist() == b["submitted_at"].tolist()
    assert np.array_equal(np.floor(a["duration_sec"].to_numpy()), b["duration_sec"].to_numpy())  # "268秒": whole seconds


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_wjx_export_with_other_line_ends_imports_the_same_answers(imported, tmp_path, eol):
    """Excel's "CSV (Macintosh)" ends lines with a bare CR: the header check before parsing counted the whole
    file as its first line (250,126 "columns", refused over the import_columns limit)."""
    q, out = imported
    src = out["dir"] / "wjx.csv"
    text = src.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", eol.encode())
    (tmp_path / "wjx.csv").write_bytes(text)
    p = Project.create(tmp_path / "p", bundled_path())
    s = p.import_file(tmp_path / "wjx.csv", wave="w")
    assert (s.format, s.accepted, s.quarantined) == ("wjx", 3000, 0)
    b = p.responses("w")[0]
    for c in q.columns(meta=False):
        pd.testing.assert_series_equal(out["wjx"][1][c].reset_index(drop=True), b[c].reset_index(drop=True),
                                       check_names=False)


_cells = st.one_of(st.none(), st.just(np.nan), st.text(alphabet=" 满意一般ab1２.〖〗\t", max_size=6))


@settings(max_examples=150, deadline=None)
@given(st.lists(_cells, max_size=40))
def test_as_string_equals_pandas_astype(values):
    s = pd.Series(values, dtype=object, index=np.arange(len(values)) + 7, name="c")
    pd.testing.assert_series_equal(as_string(s), s.astype("string"))


def test_as_string_of_numbers_falls_back_to_pandas():
    s = pd.Series([1, 2.5, None, "x"], dtype=object)
    pd.testing.assert_series_equal(as_string(s), s.astype("string"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["1", "2", "5", "1.0", "２", " 满意", "满意", "非常满意",
                                                         "其他〖楼道〗", "〖只写了字〗", "abc", "99", "不了解", "一般"])),
                max_size=40))
def test_option_codes_equal_a_per_cell_lookup(cells):
    qq = load_questionnaire(bundled_path()).question("L1")  # 非常满意 … 不了解
    s = pd.Series(cells, dtype="string")
    codes, other = map_option_values(qq, s)
    lk = option_lookup(qq)

    def one(v):  # the rules of map_option_values, cell by cell
        if v is None:
            return np.nan
        nk = norm_text(v)
        hit = lk.get(v, lk.get(nk, lk.get(nk.lower())))
        if hit is None and nk.replace(".", "", 1).isdigit() and float(nk).is_integer():
            hit = lk.get(str(int(float(nk))))
        if hit is None and v in other:
            hit = lk.get(norm_text(v.split("〖")[0]))
        return np.nan if hit is None else hit

    expected = np.array([one(v) for v in cells], dtype=float)
    assert np.array_equal(codes, expected, equal_nan=True)


def test_text_reader_equals_the_csv_module_on_chinese_text():
    rows = [["编号", "意见", "区县", "评价", "备注"]]
    rng = np.random.default_rng(3)
    words = ["满意", "很好，\"非常\"好", "环境\n卫生", "", "交通拥堵；停车难", "a,b", "  空格  ", "NA", "null", "#N/A"]
    for i in range(500):
        rows.append([str(i)] + [words[k] for k in rng.integers(0, len(words), 4)])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    raw = read_text_table(buf.getvalue(), "t.csv")
    expected = pd.DataFrame([[v if v != "" else None for v in r] for r in rows[1:]], columns=rows[0], dtype=object)
    pd.testing.assert_frame_equal(raw.frame, expected)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["268秒", "4分28秒", "1小时2分", "00:04:28", "1:02:03", "268",
                                                         "268.5", "２６８秒", " 30 秒", "abc", "", "5min"])),
                max_size=30))
def test_durations_by_distinct_value_equal_the_whole_column(cells):
    from survey.importers.text import _duration_seconds, parse_duration

    s = pd.Series(cells, dtype=object)
    assert np.array_equal(parse_duration(s), _duration_seconds(s.astype("string")), equal_nan=True)


@pytest.mark.parametrize("name", ["wjx_by_text.xlsx", "generic_title_rows.xlsx", "wjx_by_code.sav", "generic_labels.sav"])
def test_isolated_readers_return_the_frame_they_read(name):
    """The Excel, SPSS (and Parquet) readers run in a child and send their table back packed as Arrow arrays
    (tabular._packed): the frame that arrives equals the one read in this process, cell for cell."""
    from survey.limits import Limits
    from survey.excel_table import _read_excel, read_excel_table
    from survey.tabular import RawTable, _packed, _read_sav, _unpacked, read_sav_table

    path = ROOT / "tests" / "data" / name
    if name.endswith(".sav"):
        here, there = _read_sav(str(path)), read_sav_table(path)
    else:
        packed = _read_excel(str(path), None, "xlsx", dict(Limits().values))  # packed in the child already
        assert _packed(lambda: packed) is packed
        here, there = _unpacked(packed), read_excel_table(path)
    pd.testing.assert_frame_equal(there.frame, here.frame)
    assert (there.kind, there.detail, there.header_line, there.var_labels, there.value_labels) == \
           (here.kind, here.detail, here.header_line, here.var_labels, here.value_labels)
    packed = _packed(lambda: here)
    assert not isinstance(packed, RawTable)  # Python strings (both readers' cells) travel as Arrow arrays
    pd.testing.assert_frame_equal(_unpacked(packed).frame, here.frame)


def test_a_column_that_is_not_text_travels_as_it_is():
    from survey.tabular import RawTable, _packed, _unpacked

    raw = RawTable(pd.DataFrame({"a": ["x", None], "b": [1.5, 2.0]}, dtype=object), "sav", "t")
    assert _packed(lambda: raw) is raw and _unpacked(raw) is raw


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "满意", "x,y", "一\n二", "p\r\nq", "r\rs", 'say "hi"', "", "1,2,3,4,5,6"]),
                         min_size=6, max_size=6), min_size=1, max_size=12),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.integers(0, 11))
def test_line_break_precheck_decides_as_the_full_scan(rows, eol, stray, k):
    """check_absorbed_frame skips the scan of the values when every line end ends a record: it raises exactly
    when the scan of every value (absorbed_records over all cells) finds swallowed records."""
    from survey.errors import MinyiError
    from survey.tabular import absorbed_records, check_absorbed_frame

    header = ["c1", "c2", "c3", "c4", "c5", "c6"]
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerows([header] + rows)
    lines = buf.getvalue().split(eol)
    if stray and k + 1 < len(lines) - 1:  # a quote opened in a last column …
        lines[k + 1:] = ['a,a,a,a,a,"open'] + ["b,b,b,b,b,b"] * (len(lines) - k - 2) + ['"']
        # … and closed by a stray quote at the end: the records between are swallowed
    text = eol.join(lines)
    try:
        df = pd.read_csv(io.BytesIO(text.encode()), dtype=object, keep_default_na=False, na_values=[""],
                         skip_blank_lines=False, engine="c", quotechar='"')
    except (pd.errors.ParserError, ValueError):
        return
    df = df.where(df.notna(), None)
    cells = ((i, c, v) for c in df.columns for i, v in enumerate(df[c]) if isinstance(v, str) and ("\n" in v or "\r" in v))
    expected = absorbed_records(cells, df.shape[1]) is not None
    try:
        check_absorbed_frame(df, text, "t.csv", ",")
        raised = False
    except MinyiError:
        raised = True
    assert raised == expected
    event(f"swallowed records: {expected}")


@pytest.mark.parametrize("text, message", [
    # a bare carriage return ends a line for pandas' reader: the row after it is short, and is named
    ("c1,c2,c3,c4,c5,c6\na,a,a,a,a,r\rs\na,a,a,a,a,a\n", "t.csv:3: error: cannot read this line as a row"),
    # … and a quote left open further down is reported with its line (was an internal error of the csv module)
    ('c1,c2,c3,c4,c5,c6\na,a,a,a,a,r\rs\na,a,a,a,a,"open\nb,b,b,b,b,b\n"', "t.csv:4:c6: error: the quoted value"),
])
def test_bare_carriage_returns_are_line_ends_in_every_check(tmp_path, text, message):
    (tmp_path / "t.csv").write_bytes(text.encode())
    r = subprocess.run([sys.executable, "-m", "cli", "estimate", "t.csv", "--var", "c1", "--json"], cwd=tmp_path,
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith(message) and "internal error" not in r.stderr, r.stderr


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "", "满意", "x,y", "一\n二", 'say "hi"']), min_size=1, max_size=6),
                min_size=1, max_size=10), st.sampled_from(["\n", "\r\n"]))
def test_short_rows_are_looked_for_whenever_one_can_be_there(rows, eol):
    """read_text_table runs the short-row check only when some row's last column is empty: every file the
    check refuses has one (a row pandas padded), and such a file is refused by read_text_table too."""
    from survey.errors import MinyiError
    from survey.tabular import check_short_rows

    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerows([["c1", "c2", "c3", "c4", "c5", "c6"]] + rows)
    text = buf.getvalue()
    try:
        check_short_rows(text, "t.csv", ",", 0, 6)
        refused = False
    except MinyiError:
        refused = True
    try:
        raw = read_text_table(text, "t.csv")
    except MinyiError:
        return
    assert not refused  # read without error: the check would not have refused it either
    event(f"last column empty somewhere: {raw.frame.iloc[:, -1].isna().any()}")
