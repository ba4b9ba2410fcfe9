"""The report's 区县问题清单 names a unit for every problem (session 29).

A problem of an area that no unit owns (``owner:``), such as overall satisfaction or the 知晓率, left its 责任单位
cell blank, while the brief and the report's ledger table name the issuing office as its lead (市文明办（牵头）,
one rule: :func:`survey.owners.unit_or_lead`).
"""

from __future__ import annotations

from report.district_problems import DistrictList, DistrictProblem, problem_table


def _lists() -> list:
    d = DistrictList("西城区")
    d.problems = [DistrictProblem("西城区", "城市环境满意度", 0.64, 0.70, 0.80, True, True, 0.71, -0.06, 0.001,
                                  "市城市管理局"),
                  DistrictProblem("西城区", "城市总体满意度", 0.72, 0.77, 0.85, True, True, 0.78, -0.05, 0.002, "")]
    return [d]


def test_a_problem_no_unit_owns_is_led_by_the_issuing_office():
    cols, rows = problem_table(_lists(), "zh", "某市文明办")
    unit = [c for c, _ in cols].index("责任单位")
    assert [r[unit] for r in rows] == ["市城市管理局", "某市文明办（牵头）"]


def test_without_an_org_the_default_office_leads():
    cols, rows = problem_table(_lists(), "zh")
    unit = [c for c, _ in cols].index("责任单位")
    assert rows[1][unit] == "市文明办（牵头）" and all(r[unit] for r in rows)
