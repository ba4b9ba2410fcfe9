"""`survey ledger` says on screen what its file says (product rule: consistent wording between outputs).

Found by a fieldwork coordinator verifying the last wave's items on a new wave: the screen said
"✓ ZG-002 城市环境满意度（满意率） (全市): 显著恶化" — a tick before a worsening, and without what the file's
核验结果 says, "显著恶化，仍未达标" (the problem is still there); only a reopened item said 仍未达标.  Now each
verification line carries the file's 核验结果 words, marked ✓ when the data show the problem gone, ✗ when
not, ? when it could not be checked."""

from __future__ import annotations

import re

from openpyxl import load_workbook

import tracking_world as W
from survey.ledger import COLUMNS


def test_each_verification_line_says_the_files_result(tmp_path):
    W.build(tmp_path, waves=2, n=400)
    project = tmp_path / "project"
    rc, _, err = W.survey("ledger", project, "--wave", W.WAVES[0][0])
    assert rc == 0, err
    out_file = tmp_path / "ledger.xlsx"
    rc, text, err = W.survey("ledger", project, "--wave", W.WAVES[1][0], "--out", out_file)
    assert rc == 0, err
    col = {k: j for j, (k, _, _) in enumerate(COLUMNS)}
    ws = load_workbook(out_file)["整改台账"]
    in_file = {r[col["id"]]: r[col["check_result"]] for r in ws.iter_rows(min_row=2, values_only=True)}
    lines = [x for x in text.splitlines() if re.match(r"\s+[✓✗?] ZG-\d{3} ", x)]
    assert lines, text
    for line in lines:
        mark, item = line.split()[:2]
        words = in_file[item]
        assert line.endswith(f": {words}") or f": {words} → " in line or f": {words}：" in line, (line, words)
        assert (mark == "✓") == ("问题已消除" in words), line
        assert (mark == "?") == words.startswith("无法核验"), line
    assert any("仍" in x and x.lstrip().startswith("✗") for x in lines)  # a problem still there is said so
