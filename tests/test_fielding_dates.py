"""The fielding period of the sample section (report.pipeline.fielding_dates): ISO texts by their smallest
and largest text, anything else parsed — the same dates as parsing every text with pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from report.pipeline import fielding_dates


def _parsed(s: pd.Series):
    t = pd.to_datetime(s, errors="coerce", format="mixed").dropna()
    return [t.min().strftime("%Y-%m-%d"), t.max().strftime("%Y-%m-%d")] if len(t) else None


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]"])
def test_iso_times_give_the_dates_of_parsing_every_text(dtype):
    rng = np.random.default_rng(1)
    stamps = pd.Timestamp("2026-03-01") + pd.to_timedelta(rng.integers(0, 40 * 86400, 500), unit="s")
    texts = [t.strftime("%Y-%m-%d %H:%M:%S") for t in stamps]
    texts[3] = texts[3][:10]  # a date without a time
    texts[4] = texts[4][:16]  # hh:mm
    texts[7] = None
    s = pd.Series(texts, dtype=dtype)
    assert fielding_dates(s) == _parsed(s)
    assert fielding_dates(s) == [min(stamps).strftime("%Y-%m-%d"), max(stamps).strftime("%Y-%m-%d")]


@pytest.mark.parametrize("texts", [
    ["2026/3/5 10:00", "2026/3/1 09:00", "2026/12/1 08:00"],  # not ISO: 2026/12 sorts before 2026/3 as text
    ["2026-03-05 10:00:00", "2026-02-30 10:00:00", "2026-03-01 09:00:00"],  # 2026-02-30 is no date
    ["2026-03-05 10:00:00", "2026-13-01 10:00:00", "2026-03-01 09:00:00"],  # month 13 sorts last as text
    ["2026-03-05T10:00:00", "2026-03-01T09:00:00"],
    ["", "not a time", None],
])
def test_other_texts_are_parsed(texts):
    s = pd.Series(texts, dtype=object)
    assert fielding_dates(s) == _parsed(s)


def test_no_times():
    assert fielding_dates(pd.Series([None, None], dtype=object)) is None
    assert fielding_dates(pd.Series([], dtype=object)) is None
