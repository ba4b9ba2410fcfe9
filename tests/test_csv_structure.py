"""Structural CSV faults are reported with their line, never absorbed (issue 9).

A quote left open in the last column of a row is closed only by a stray quote some lines further down:
the CSV reader then returns one row whose text holds the records in between, with the right number of
fields, and "20 rows read, 20 accepted" hid 20 folded respondents.  Every reading path (UTF-8 through
pyarrow, UTF-8 with BOM and GBK through the careful path) must refuse such a file with the line where
the quote opened; a quote never closed, and a row with too many fields, likewise.  Answers that really
span lines (with a few commas) are still read as they are.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.errors import MinyiError
from survey.importers import read_responses
from survey.qload import load_questionnaire

DATA = Path(__file__).parent / "data"
Q = load_questionnaire(DATA / "wjx_questionnaire.yaml")
COLS = ["respondent_id", "submitted_at", "duration_sec"] + [c for c in Q.columns(meta=False) if c != "Q6"] + ["Q6"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030"]


def _lines(n: int, texts: list[str]) -> list[str]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLS)
    for i in range(n):
        row = {c: "" for c in COLS}
        row.update(respondent_id=f"R{i:03d}", submitted_at="2026-03-01 10:00:00", duration_sec="300", Q1="1", Q2="2",
                   Q6=texts[i % len(texts)])
        w.writerow([row[c] for c in COLS])
    return buf.getvalue().split("\n")


def _codes(text: str, enc: str, d: Path) -> list:
    p = d / f"t_{enc}.csv"
    p.write_bytes(text.encode(enc))
    try:
        t = read_responses(p, Q)
    except MinyiError as e:
        return [(x.code, x.line) for x in e.problems]
    return [("ok", len(t.frame))]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(4, 40), data=st.data())
def test_quote_open_in_last_column_is_refused_on_every_path(n, data):
    k = data.draw(st.integers(0, n - 3), label="row opening the quote")
    m = data.draw(st.integers(k + 2, n - 1), label="row closing it")
    lines = _lines(n, ["好", "意见", ""])
    # data row i is physical line i + 2 (the header is line 1); lines[] is 0-based
    head, sep, last = lines[k + 1].rpartition(",")
    lines[k + 1] = head + sep + '"' + last.strip('"')
    lines[m + 1] = lines[m + 1] + '"'
    text = "\n".join(lines)
    with tempfile.TemporaryDirectory() as d:
        for enc in ENCODINGS:
            got = _codes(text, enc, Path(d))
            assert got == [("csv-absorbed-lines", k + 2)], (enc, got)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(3, 30), data=st.data())
def test_quote_never_closed_is_refused_with_its_line(n, data):
    k = data.draw(st.integers(0, n - 2))
    lines = _lines(n, ["好"])
    head, sep, last = lines[k + 1].rpartition(",")
    lines[k + 1] = head + sep + '"' + last
    text = "\n".join(lines)
    with tempfile.TemporaryDirectory() as d:
        for enc in ENCODINGS:
            got = _codes(text, enc, Path(d))
            assert got in ([("csv-unclosed-quote", k + 2)], [("csv-absorbed-lines", k + 2)]), (enc, got)


def test_quote_open_in_a_middle_column_is_refused_with_its_line():
    lines = _lines(10, ["好"])
    cells = next(csv.reader([lines[4]]))
    cells[1] = '"2026-03-01'  # opened in submitted_at, closed two rows later in the same column: counts agree
    lines[4] = ",".join(cells)
    lines[6] = lines[6].replace("2026-03-01 10:00:00", '2026-03-01 10:00:00"', 1)
    with tempfile.TemporaryDirectory() as d:
        for enc in ENCODINGS:
            assert _codes("\n".join(lines), enc, Path(d)) == [("csv-absorbed-lines", 5)], enc


def test_row_with_too_many_fields_gives_its_line():
    lines = _lines(10, ["好"])
    lines[4] = lines[4] + ",多出的值"
    with tempfile.TemporaryDirectory() as d:
        for enc in ENCODINGS:
            got = _codes("\n".join(lines), enc, Path(d))
            assert got == [("csv-ragged-row", 5)], (enc, got)


def test_quote_closed_in_another_column_is_refused():
    lines = _lines(10, ["好"])
    cells = next(csv.reader([lines[4]]))
    cells[1] = '"2026-03-01'  # closed two rows later in the last column: the record is short, not absorbed
    lines[4] = ",".join(cells)
    lines[6] = lines[6] + '"'
    with tempfile.TemporaryDirectory() as d:
        for enc in ENCODINGS:
            got = _codes("\n".join(lines), enc, Path(d))
            assert got and got[0][0] in ("csv-absorbed-lines", "csv-ragged-row") and got[0][1] == 5, (enc, got)


def test_answers_that_span_lines_are_kept():
    texts = ["第一，停车难，\n第二，绿化少", "a, b\r\nc, d\n e", "只有一行"]
    lines = _lines(9, texts)
    with tempfile.TemporaryDirectory() as d:
        for enc in ENCODINGS:
            p = Path(d) / f"ok_{enc}.csv"
            p.write_bytes("\n".join(lines).encode(enc))
            t = read_responses(p, Q)
            got = [v.replace("\r\n", "\n") if isinstance(v, str) else v for v in t.frame["Q6"].tolist()]
            assert got == [texts[i % 3].replace("\r\n", "\n").strip() for i in range(9)], enc


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(3, 30), data=st.data())
def test_rows_with_fewer_fields_are_refused_with_their_lines(n, data):
    """pandas pads a short row with missing values: every path must name each short line instead."""
    rows = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=min(n, 25)), label="short rows"))
    lines = _lines(n, ["好"])
    for k in rows:  # drop the last field (and its delimiter): the row is one field short
        lines[k + 1] = lines[k + 1].rpartition(",")[0]
    with tempfile.TemporaryDirectory() as d:
        for enc in ENCODINGS:
            got = _codes("\n".join(lines), enc, Path(d))
            shown = [(c, line) for c, line in got if c == "csv-ragged-row"]
            assert shown == [("csv-ragged-row", k + 2) for k in rows[:20]], (enc, got)
            assert (("csv-short-rows-more", None) in got) == (len(rows) > 20), (enc, got)


def test_a_line_break_in_an_unquoted_answer_is_refused_not_split():
    lines = _lines(6, ["好"])
    lines[3] = lines[3] + "第一行\n第二行"  # the answer's line break was not quoted by the tool that wrote it
    with tempfile.TemporaryDirectory() as d:
        for enc in ENCODINGS:
            got = _codes("\n".join(lines), enc, Path(d))
            assert got and got[0][0] == "csv-ragged-row" and got[0][1] == 5, (enc, got)


def test_blank_lines_are_not_short_rows_and_every_path_keeps_them_alike():
    """An empty line is a blank row on every path (quarantined as such), so row numbers stay the file's."""
    lines = _lines(5, ["好"])
    lines.insert(3, "")
    with tempfile.TemporaryDirectory() as d:
        got = []
        for enc in ENCODINGS:
            p = Path(d) / f"blank_{enc}.csv"
            p.write_bytes(("\n".join(lines) + "\n\n").encode(enc))
            t = read_responses(p, Q)
            ids = [None if not isinstance(v, str) else v for v in t.frame["respondent_id"].tolist()]
            got.append((ids, t.frame["_row"].tolist()))
        assert got[0][0][:3] == ["R000", "R001", None] and got[0][1][:4] == [2, 3, 4, 5], got[0]
        assert got[1] == got[0] and got[2] == got[0], got


def test_swallowed_records_found_alike_beside_the_conversions(monkeypatch):
    """Above PARALLEL_ROWS the fast path looks for a quoted value that swallowed records on a thread beside
    the code conversions: the same refusal, with the same line, as on one thread; a clean file reads."""
    from survey.cores import PARALLEL_ROWS

    n = PARALLEL_ROWS + 100
    k = n // 2
    lines = _lines(n, ["好", "意见", ""])
    clean = "\n".join(lines)
    head, sep, last = lines[k + 1].rpartition(",")
    lines[k + 1] = head + sep + '"' + last.strip('"')
    lines[k + 4] = lines[k + 4] + '"'
    with tempfile.TemporaryDirectory() as d:
        for threads in ("1", "2"):
            monkeypatch.setenv("MINYI_THREADS", threads)
            assert _codes("\n".join(lines), "utf-8", Path(d)) == [("csv-absorbed-lines", k + 2)], threads
            assert _codes(clean, "utf-8", Path(d)) == [("ok", n)], threads
