"""Finding sentences on a pilot-sized sample: an estimate without an interval (one row, no degrees of freedom)
says so instead of "置信区间：—–—", and an area whose index has no interval is not named the highest."""

from __future__ import annotations

import math

from report.findings import ci_text, findings


def _est(x, lo, hi, n):
    return {"estimate": x, "ci_low": lo, "ci_high": hi, "n": n}


def _result():
    nan = math.nan
    return {"meta": {"confidence": 0.95},
            "indicators": [{"kind": "awareness", "id": "aware", "name": "创文知晓率", "rate": _est(1.0, nan, nan, 1)}],
            "areas": [{"id": "gov", "name": "干部作风与行政效能", "index": _est(92.0, nan, nan, 1)},
                      {"id": "env", "name": "城市环境", "index": _est(80.0, 70.0, 90.0, 4)},
                      {"id": "svc", "name": "公共服务", "index": _est(65.9, 47.6, 84.3, 4)}],
            "items": []}


def test_no_interval_is_said_in_words():
    for lang in ("zh", "en"):
        text = ci_text(_est(1.0, math.nan, math.nan, 1), lang=lang)
        assert "—" not in text and "n=1" in text
    assert "无法计算置信区间" in ci_text(_est(1.0, None, None, 1))
    assert ci_text(_est(0.5, 0.4, 0.6, 4812)) == "95%置信区间：40.0%–60.0%，n=4,812"


def test_area_without_interval_is_not_ranked():
    texts = [f["text"] for f in findings(_result())]
    assert not any("—–—" in t for t in texts)
    area = [t for t in texts if t.startswith("各领域中")]
    assert area == ["各领域中，城市环境满意度指数最高（80.0分，95%置信区间：70.0–90.0，n=4），公共服务最低（65.9分，"
                    "95%置信区间：47.6–84.3，n=4）。"]
    assert any("创文知晓率为100.0%（n=1，样本过少，无法计算置信区间）" in t for t in texts)
