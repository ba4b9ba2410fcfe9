"""The drivers table (report/drivers.py result) as the writers take it."""

from __future__ import annotations

DRIVERS_TITLE = {"zh": "总体满意度的影响因素（各领域得分的回归系数）", "en": "Drivers of overall satisfaction (regression on area scores)"}


def drivers_table(drv: dict, lang: str = "zh") -> tuple[list, list, str]:
    """(columns, rows, note): one row per area, largest coefficient first."""
    en = lang == "en"
    cols = [("Area" if en else "领域", "text"), ("Coefficient" if en else "系数", "num3"), ("SE" if en else "标准误", "num3"),
            ("low" if en else "下限", "num3"), ("high" if en else "上限", "num3")]
    rows = [[t["name"], t["coef"], t["se"], t["ci_low"], t["ci_high"]] for t in drv["terms"]]
    note = (f"Linear model of the overall score (0–100) on the area scores, design-based SEs; n = {drv['n']:,}. A coefficient "
            "is the change of the overall score per point of the area score, the others held fixed." if en else
            f"以总体满意度得分（0–100）为因变量、各领域得分为自变量的线性回归，标准误按抽样设计计算；n={drv['n']:,}。"
            "系数表示其他领域不变时，该领域得分每提高1分总体满意度得分的变化。")
    return cols, rows, note
