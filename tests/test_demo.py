"""`survey demo`: the end-to-end job on bundled material produces a Chinese HTML report with charts (the test run's
one demo, tests/shared_demo.py: exit 0 checked there)."""

from __future__ import annotations

import re

from shared_demo import demo_run


def test_demo_html(tmp_path_factory):
    run = demo_run(tmp_path_factory)  # `survey demo --out demo_out`, every warning shown (tests/shared_demo.py)
    out, r = run.out, run
    assert "Traceback" not in r.stderr
    assert "Glyph" not in r.stderr  # matplotlib's "Glyph ... missing from font" warning
    assert (out / "report.html").is_file(), list(out.iterdir())
    page = (out / "report.html").read_text(encoding="utf-8")
    han = re.findall(r"[\u4e00-\u9fff]", page)
    assert len(han) > 500  # a Chinese report, not a stub
    for word in ("知晓率", "支持率", "参与率", "满意"):
        assert word in page
    assert "@font-face" in page  # Chinese text renders with the embedded bundled font
    assert page.count("data:image/") + page.count("<svg") >= 1  # at least one chart
    # the simulated responses the demo used are kept next to the report
    assert list(out.glob("*.csv"))
    # the tracking loop: the 变化 chapter over all three waves, open ledger items, scores, ledger, brief
    change = page[page.index("<h2 id=\"sec-7\""):page.index("<h2 id=\"sec-8\"")]
    assert "主要指标历次调查结果" in change
    assert all(w in change for w in ("2026年第一季度", "2026年第二季度", "2026年第三季度"))
    assert "整改台账在办事项" in page[page.index("<h2 id=\"sec-8\""):]
    score = (out / "score.txt").read_text(encoding="utf-8")
    assert "全市" in score and "北山区" in score and "95%置信区间" in score
    assert "创建全国文明城市年度测评" in r.stdout  # the score table is shown
    from openpyxl import load_workbook

    ws = load_workbook(out / "ledger.xlsx").active
    ids = [c.value for c in ws["A"][1:] if c.value]
    assert ids and all(str(i).startswith("ZG-") for i in ids)
    brief = (out / "brief_2026Q3.html").read_text(encoding="utf-8")
    assert "工作简报" in brief and "五、整改台账" in brief
