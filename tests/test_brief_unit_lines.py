"""The PDF brief's 三、突出问题及责任单位 puts each problem's responsible unit on a line of its own.  The unit was an
unbreakable piece inline: after a short sentence it stayed on that line, after a longer one it went to the next,
so the demo's five problems showed their units two different ways (one beside, four below)."""

from __future__ import annotations

import subprocess

from report.brief import TOP_PROBLEMS
from shared_demo import demo_run


def test_every_unit_starts_its_own_line_in_the_pdf_brief(tmp_path_factory):
    pdf = demo_run(tmp_path_factory).out / "brief_2026Q3.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    part = text.split("三、突出问题及责任单位", 1)[1].split("四、后进区县", 1)[0]
    lines = [ln.strip() for ln in part.splitlines() if ln.strip()]
    problems = [ln for ln in lines if ln[:2] in {f"{k}." for k in range(1, TOP_PROBLEMS + 1)}]
    units = [ln for ln in lines if ln.startswith("责任单位：")]
    assert len(problems) == TOP_PROBLEMS, lines  # the demo has more problems than the brief lists
    assert len(units) == len(problems), lines
    assert not any("责任单位" in ln for ln in problems), problems
