"""Property tests: whatever bytes or text a file holds, read_responses returns a table or raises MinyiError.

Never another exception type (a traceback for the user).  Hypothesis generates raw bytes, text in several
encodings, CSV built from the real 问卷星 headers with random cells, and damaged copies of real fixtures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.errors import MinyiError
from survey.importers import ImportedTable, read_responses
from survey.limits import Limits
from survey.qload import load_questionnaire

DATA = Path(__file__).parent / "data"
Q = load_questionnaire(DATA / "wjx_questionnaire.yaml")
HEADER = (DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
FIXTURES = {n: (DATA / n).read_bytes() for n in ("wjx_by_code.xlsx", "wjx_by_code.sav", "tencent.zip", "wjx_by_text.xls")}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# pyreadstat runs in a forked child (survey.isolated); here capped low so a hostile header cannot use gigabytes
BOUNDED = Limits({"reader_memory": 400_000_000, "reader_seconds": 30})


def _read(data: bytes, name: str = "f.csv", **kw):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        try:
            t = read_responses(p, Q, limits=BOUNDED, **kw)
        except MinyiError as e:
            assert e.problems and name in str(e)  # one clear message naming the file
            return None
        assert isinstance(t, ImportedTable)
        assert len(t.frame) == t.rows_read and "_row" in t.frame.columns
        return t


@SETTINGS
@given(st.binary(max_size=3000), st.sampled_from(["f.csv", "f.xlsx", "f.sav", "f.zip", "f"]))
def test_random_bytes(data, name):
    _read(data, name)


@SETTINGS
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_random_text(text, encoding):
    _read(text.encode(encoding, errors="replace"))


cell = st.one_of(st.sampled_from(["", "-3", "-2", "(跳过)", "(空)", "社区", "听说过", "满意", "住房┋看病", "其他〖x〗",
                                  "环境污染→食品安全", "1", "0", "2", "268秒", "2026/9/1 09:01:00", '"', "┋", "→",
                                  "〖", "\n"]),
                 st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=12))  # a bare CR is a line break


@SETTINGS
@given(st.lists(st.lists(cell, min_size=1, max_size=len(HEADER) + 2), min_size=1, max_size=15),
       st.sampled_from([",", "\t", ";"]))
def test_random_cells_under_real_wjx_header(rows, sep):
    df = pd.DataFrame([(r + [""] * len(HEADER))[:len(HEADER)] for r in rows], columns=HEADER)
    t = _read(df.to_csv(index=False, sep=sep).encode("utf-8-sig"))
    if t is not None:
        assert t.format == "wjx" and len(t.frame) == len(rows)


@SETTINGS
@given(st.sampled_from(sorted(FIXTURES)), st.integers(0, 10_000), st.integers(1, 64), st.binary(min_size=1, max_size=64))
def test_damaged_real_files(name, at, cut, junk):
    data = FIXTURES[name]
    at = at % len(data)
    _read(data[:at] + junk + data[at + cut:], name)
    _read(data[:at], name)


NATIVE = ["respondent_id", "submitted_at", "duration_sec"] + Q.columns(meta=False)


@SETTINGS
@given(st.lists(st.lists(cell, min_size=1, max_size=len(NATIVE)), min_size=1, max_size=10),
       st.sampled_from(["utf-8", "gb18030"]))
def test_random_cells_under_native_header(rows, encoding):
    """The pyarrow fast path falls back to the careful converter (or a MinyiError), never a traceback."""
    df = pd.DataFrame([(r + [""] * len(NATIVE))[:len(NATIVE)] for r in rows], columns=NATIVE)
    t = _read(df.to_csv(index=False).encode(encoding, errors="replace"))
    if t is not None:
        assert t.format == "native"
