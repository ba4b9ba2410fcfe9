"""A 问卷星 按分数 export of a questionnaire with a scale whose scores are codes too (importance scored 5…1 on codes
1…5): each column was judged alone, and a column whose values were all codes was read as codes, so 非常重要 (score
5) became 不重要 (code 5), every answer reversed without a word, while the satisfaction column beside it (scores
100…20, no code) was read as scores.  When another column of the file holds scores that are no option code, such a
column is now read as scores as well, and a warning says so (``scores-read-either``); a 按序号 file of the same
questionnaire (no column of scores that are no code) is read as codes, as before."""

from __future__ import annotations

import json
from pathlib import Path

from cli_capture import csv_text, init_project, run_main

QFILE = Path(__file__).parent / "data" / "scores_two_scales_questionnaire.yaml"
HEAD = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您对社区环境是否满意", "2、您认为社区环境是否重要"]
# the answers as codes (Q1 satisfaction, Q2 importance), and each option's score from the questionnaire
CODES = [(1, 1), (2, 2), (4, 1), (5, 5), (3, 4)]
SAT_SCORE = {1: 100, 2: 80, 3: 60, 4: 40, 5: 20}
IMP_SCORE = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}


def _file(tmp_path: Path, name: str, by_score: bool) -> Path:
    rows = [HEAD]
    for i, (a, b) in enumerate(CODES, 1):
        cells = (SAT_SCORE[a], IMP_SCORE[b]) if by_score else (a, b)
        rows.append([str(i), f"2026/9/1 09:0{i}:00", "100秒", "微信", "N/A", f"10.0.0.{i}", *map(str, cells)])
    f = tmp_path / name
    f.write_text(csv_text(rows), encoding="utf-8-sig")
    return f


def _project(tmp_path: Path, capsys) -> str:
    """A project of the questionnaire whose every row is analysed and exported (five answers: the quality rules
    would judge two of them speeders or identical)."""
    proj = init_project(tmp_path, capsys, QFILE)
    cfg = Path(proj) / "minyi.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "speeder: true" in text and "identical_answers: true" in text
    cfg.write_text(text.replace("speeder: true", "speeder: false").replace("identical_answers: true",
                                                                          "identical_answers: false"), encoding="utf-8")
    return proj


def _stored(capsys, proj: str) -> list[tuple[int, int]]:
    rc, out = run_main(capsys, "export", proj, "--format", "csv")
    assert rc == 0, out
    lines = [ln.split(",") for ln in out.strip().splitlines()]
    i1, i2 = lines[0].index("Q1"), lines[0].index("Q2")
    return [(int(r[i1]), int(r[i2])) for r in lines[1:]]


def test_a_scale_scored_with_codes_is_read_as_scores_in_a_score_export(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    rc, out = run_main(capsys, "import", proj, str(_file(tmp_path, "by_score.csv", True)), "--wave", "W", "--json")
    assert rc == 0, out
    notes = json.loads(out)["unmatched"]
    assert any("Q2: values read as scores (问卷星 按分数), as column '1、您对社区环境是否满意' holds scores that are no "
               "option code, although each of them is an option code too: score→code 5→1, 4→2, 2→4, 1→5" in n
               for n in notes), notes
    assert _stored(capsys, proj) == CODES


def test_the_same_answers_by_code_stay_codes(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    rc, out = run_main(capsys, "import", proj, str(_file(tmp_path, "by_code.csv", False)), "--wave", "W")
    assert rc == 0, out
    assert "scores" not in out, out
    assert _stored(capsys, proj) == CODES
