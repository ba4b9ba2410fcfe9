"""Charts do not crash on NaN confidence bounds (a design where a stratum/PSU gives NaN variance),
nor on a group whose bounds are all NaN, and draw finite axes."""

from __future__ import annotations

import io
import warnings

from PIL import Image

from report import charts as C

NAN = float("nan")


def _ok(chart):
    im = Image.open(io.BytesIO(chart.png))
    assert im.size[0] > 200 and im.size[1] > 100


def test_bar_ci_nan_bounds():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _ok(C.bar_ci("a", "t", ["x", "y", "z"], [0.5, 0.6, NAN], [NAN, 0.5, NAN], [NAN, 0.7, NAN],
                     targets=[0.8, NAN, 0.6]))
        _ok(C.bar_ci("b", "t", ["x", "y"], [0.5, 0.6], [NAN, NAN], [NAN, NAN]))


def test_panels_ci_all_nan_panel_first():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _ok(C.panels_ci("p", "t", {"B": (["x", "y"], [0.5, 0.6], [NAN, NAN], [NAN, NAN]),
                                   "A": (["x", "y"], [0.5, NAN], [NAN, 0.5], [NAN, 0.7])}))


def test_trend_nan_bounds_and_estimate():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _ok(C.trend("t", "t", ["W1", "W2"], {"a": ([0.5, 0.6], [NAN, 0.5], [NAN, 0.7]),
                                             "b": ([0.4, NAN], [NAN, NAN], [NAN, NAN])}))
