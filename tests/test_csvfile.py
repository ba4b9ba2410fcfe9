"""survey.csvfile writes, byte for byte, what pandas' to_csv (QUOTE_MINIMAL, CRLF) writes: the reference is
pandas itself, on hostile frames and on frames hypothesis makes."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey import csvfile


def _pandas(df: pd.DataFrame, sep: str = ",") -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, sep=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue().encode("utf-8")


def _ours(df: pd.DataFrame, sep: str = ",") -> bytes:
    buf = io.BytesIO()
    csvfile.write_csv(df, buf, sep=sep)
    return buf.getvalue()


HOSTILE = ["plain", "", None, "a,b", 'say "hi"', "line\nbreak", "cr\ronly", "tab\there", "多字节", " lead", "trail ",
           "'=1+1", '"', ",", "\r\n", "a\tb,c\"d\ne"]


def _frame(n: int = 37, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ints = pd.array(rng.integers(-3, 12, n), dtype="Int64")
    ints[rng.random(n) < 0.3] = pd.NA
    small = pd.array(rng.integers(1, 6, n), dtype="Int16")
    small[::4] = pd.NA
    wide = pd.array(rng.integers(-10**12, 10**12, n), dtype="Int64")  # a range too wide for the lookup table
    floats = rng.choice([0.5, 2.0, np.nan, 1e20, 1e-7, -3.25, 123456789.123, 0.1 + 0.2], n)
    text = pd.Series([HOSTILE[i % len(HOSTILE)] for i in range(n)], dtype="str")
    obj = pd.Series([HOSTILE[(i * 7) % len(HOSTILE)] for i in range(n)], dtype=object)
    return pd.DataFrame({"id": text, "a,b": ints, 'q"uote': small, "wide": wide, "f": floats,
                         "npint": rng.integers(0, 300, n), "obj": obj, "all_na": pd.array([pd.NA] * n, dtype="Int16")})


@pytest.mark.parametrize("sep", [",", "\t"])
def test_hostile_frame_equals_pandas(sep, monkeypatch):
    df = _frame()
    assert _ours(df, sep) == _pandas(df, sep)
    monkeypatch.setattr(csvfile, "BLOCK_ROWS", 5)  # rows split across blocks
    assert _ours(df, sep) == _pandas(df, sep)


@pytest.mark.parametrize("column", ["id", "a,b", "f", "obj", "all_na"])
def test_one_column_frames_equal_pandas(column):
    """A lone empty field is quoted by the csv module ('""'); a missing value in a one-column frame too."""
    df = _frame()[[column]]
    assert _ours(df) == _pandas(df)


def test_no_rows_and_types_left_to_pandas():
    df = _frame()
    assert _ours(df.iloc[:0]) == _pandas(df.iloc[:0])
    mixed = df.assign(obj=[1, "x", 2.5, None] * 9 + ["y"], flag=[True, False] * 18 + [True],
                      when=pd.Timestamp("2026-01-02") + pd.to_timedelta(np.arange(len(df)), unit="h"))
    assert _ours(mixed) == _pandas(mixed)
    assert _ours(pd.DataFrame({"": ["", None]})) == _pandas(pd.DataFrame({"": ["", None]}))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.text(max_size=8)), st.one_of(st.none(), st.integers(-500, 500)),
                          st.floats(allow_infinity=False, width=64)), min_size=0, max_size=12))
def test_any_rows_equal_pandas(rows):
    df = pd.DataFrame({"t": pd.Series([r[0] for r in rows], dtype="str"),
                       "i": pd.array([r[1] for r in rows], dtype="Int32"),
                       "f": np.array([r[2] for r in rows], dtype=float)})
    assert _ours(df) == _pandas(df)
