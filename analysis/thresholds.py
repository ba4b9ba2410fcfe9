"""Reporting thresholds, defined once for every layer (project defaults, analysis, report).

* ``SMALL_BASE`` — estimates from fewer respondents are flagged unreliable (△, 仅供参考);
* ``MIN_CELL`` — estimates from fewer respondents are suppressed (not reported).

A project's ``minyi.yaml`` (``small_base:``, ``min_cell:``) and the report options
``--small-base`` / ``--min-cell`` override them.
"""

SMALL_BASE = 30
MIN_CELL = 10

HIGH_NA = 0.5  # an indicator with more than half its answers 不了解/说不清 rests on the few who rated: said in the report

LARGEST_VALUE = 1e150  # |y| above this: y² (the variance's sums of squares) overflows float64 (max ≈ 1.8e308)
ALPHA = 0.05  # significance level of the report's tests (group vs rest, Rao–Scott, fit to the margins)
