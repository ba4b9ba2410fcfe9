"""The quarantine's 说明 in Chinese (session 31; the export test failed before).

The row problems found on import are stored as quarantine records built from the English catalogue
(survey.messages.CATALOGUE), and the Chinese .xlsx export (``survey quarantine DIR --export q.xlsx``) showed that
English to a Chinese analyst under Chinese headers: 说明 "required answer Q2 is missing".  Now every row-problem
code has a Chinese text (CATALOGUE_ZH, the same codes and params), a record keeps its message's params, and the
export of a Chinese questionnaire says the 说明 in Chinese from code and params (本题 for the question the 问题列
beside it names).  The English export, the .csv and ``--json`` keep the English message; a record stored before
params were kept keeps its English message.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import string
from pathlib import Path

import duckdb
import openpyxl

from survey.messages import CATALOGUE, CATALOGUE_ZH, PHRASES, problem, record_message, render
from survey.store import DB
from test_import_redteam import _main  # the import red-team tests share one CLI runner

ROOT = Path(__file__).resolve().parents[1]

QUESTIONNAIRE = """\
id: zhmsg
title: 测试问卷
language: {lang}
sections:
  - id: S
    title: 问卷
    questions:
      - {{id: Q1, type: single, text: 您的工作单位：, options: [机关, 社区, 企业]}}
      - {{id: Q2, type: yesno, text: 您是否参加过志愿服务？}}
      - {{id: Q3, type: single, text: 您参加过几次？, options: [1次, 2-5次, 5次以上], when: 'Q2 == "是"'}}
      - id: Q4
        type: multiple
        text: 您最关心的问题有哪些？（最多选2项）
        max: 2
        options: [住房, 就业, 物价, {{label: 以上都没有, exclusive: true}}]
      - {{id: Q5, type: number, text: 您的年龄, min: 16, max: 99}}
      - {{id: Q6, type: ranking, text: 请排序（选2项）, k: 2, options: [交通拥堵, 停车难, 食品安全]}}
"""

HEADER = ["序号", "1、您的工作单位：", "2、您是否参加过志愿服务？", "3、您参加过几次？",
          "4、您最关心的问题有哪些？（最多选2项）", "5、您的年龄", "6、请排序（选2项）"]
GOOD = ["社区", "是", "1次", "住房", "30", "交通拥堵→停车难"]
# row of the file -> (the cells that differ from GOOD, what the Chinese 说明 says)
BAD = {
    3: ({1: "社会"}, "“社会”不是本题的选项（可选：1=机关, 2=社区, 3=企业；最接近的是“社区”）"),
    4: ({2: "", 3: ""}, "本题为必答题，未作答"),
    5: ({2: "否"}, "按跳题条件（仅第2题选'是'者作答）本题应跳过，却有回答"),
    6: ({4: "住房┋就业┋物价"}, "本题选了3项，最多只能选2项"),
    7: ({4: "住房┋以上都没有"}, "本题的“以上都没有”不能与其他选项同时选择"),
    8: ({5: "abc"}, "本题填写的“abc”不是数字（请填写数字）"),
    9: ({5: "150"}, "本题填写的 150 超出允许范围（16—99）"),
    10: ({6: "交通拥堵→交通拥堵"}, "本题排序无效：同一选项排了两次（名次应为 1–2，各用一次）"),
    11: ({j: "" for j in range(1, 7)}, "整行为空"),
}


def _project(tmp_path: Path, capsys, lang: str = "zh") -> str:
    qfile = tmp_path / f"q_{lang}.yaml"
    qfile.write_text(QUESTIONNAIRE.format(lang=lang), encoding="utf-8")
    rows = [HEADER, ["1"] + GOOD]
    for r, (cells, _) in BAD.items():
        row = [str(r - 1)] + GOOD
        for j, v in cells.items():
            row[j] = v
        rows.append(row)
    rows[-1][0] = ""  # the blank row is blank throughout
    data = tmp_path / "wjx.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    proj = str(tmp_path / f"p_{lang}")
    assert _main(capsys, "init", proj, "--questionnaire", str(qfile))[0] == 0
    rc, out = _main(capsys, "import", proj, str(data))
    assert rc == 0 and "9 quarantined" in out, out
    return proj


def _sheet(proj: str, tmp_path: Path, capsys, name: str = "q.xlsx") -> list[dict]:
    dest = tmp_path / name
    rc, out = _main(capsys, "quarantine", proj, "--export", str(dest))
    assert rc == 0, out
    ws = openpyxl.load_workbook(dest).active
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_the_chinese_export_says_every_problem_in_chinese(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    sheet = _sheet(proj, tmp_path, capsys)
    for r in sheet:  # what the analyst reads: printed once, as the sheet holds it
        print(r["行号"], r["问题列"], r["原因"], r["说明"])
    said = {r["行号"]: r["说明"] for r in sheet}
    assert said == {row: text for row, (_, text) in BAD.items()}
    for r in sheet:
        text = r["说明"]
        assert re.search(r"[\u4e00-\u9fff]", text), text  # no ASCII-only (English) sentence
        assert not re.search(r"\b(value|answer|missing|options?|selected|required|is not)\b", text), text
        assert not re.search(r"\bQ\d", text), text  # no question ids: the 问题列 names the column, 第2题 the condition


def test_english_outputs_keep_the_english_message(tmp_path, capsys):
    """The .csv export, --json and the listing of a Chinese project, and every output of an English one, keep
    the catalogue's English message, word for word as before."""
    proj = _project(tmp_path, capsys)
    rc, out = _main(capsys, "quarantine", proj, "--json")
    recs = json.loads(out)
    assert set(recs[0]) == {"wave", "source", "row", "column", "value", "code", "message", "raw", "header",
                            "sheet_column"}  # the store's params are not a field of the JSON
    by_row = {r["row"]: r["message"] for r in recs}
    assert by_row[4] == "required answer Q2 is missing"
    assert by_row[3] == "value '社会' is not an option of Q1 (use one of: 1=机关, 2=社区, 3=企业 (closest: '社区'))"
    assert by_row[10] == "Q6: the same option is ranked twice (ranks must be 1..2, each used once)"
    rc, out = _main(capsys, "quarantine", proj)
    assert "row 4, column “2、您是否参加过志愿服务？” (Q2): required answer Q2 is missing" in out, out
    dest = tmp_path / "q.csv"
    assert _main(capsys, "quarantine", proj, "--export", str(dest))[0] == 0
    with dest.open(encoding="utf-8-sig", newline="") as fh:
        assert [r["message"] for r in csv.DictReader(fh)] == [r["message"] for r in recs]
    # an English questionnaire: its .xlsx says the English message
    en = _project(tmp_path, capsys, lang="en")
    sheet = _sheet(en, tmp_path, capsys, "q_en.xlsx")
    assert [r["Message"] for r in sheet] == [r["message"] for r in recs]


def test_records_stored_before_params_keep_their_english_message(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    con = duckdb.connect(str(Path(proj) / DB))
    con.execute("ALTER TABLE quarantine DROP COLUMN params")
    con.close()
    sheet = _sheet(proj, tmp_path, capsys)
    assert {r["行号"]: r["说明"] for r in sheet}[4] == "required answer Q2 is missing"


def test_params_that_do_not_give_the_stored_message_back_are_not_used():
    pr = problem("required-missing", qid="Q2")
    params = json.dumps(pr.extra)
    assert record_message("required-missing", pr.message, params, "zh") == "Q2为必答题，未作答"
    assert record_message("required-missing", "required answer Q9 is missing", params, "zh") == \
        "required answer Q9 is missing"
    assert record_message("required-missing", pr.message, params, "en") == pr.message


def _fields(template: str) -> set:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def _row_problem_codes() -> set:
    """The catalogue codes the row checks and the importers' cell problems record (the quarantine's reasons), and
    those of the answers ``survey serve`` receives (checked alike), read from their sources: the code argument of
    ``.bad(…)`` / ``.add(…)`` / ``._cell_marks(…)`` calls, ``code, params = "…", …`` and header_rows' problem
    that is a record (not a note: no severity)."""
    files = [ROOT / "survey" / "rowcheck.py", ROOT / "survey" / "header_rows.py",
             ROOT / "survey" / "collect" / "answers.py", *sorted((ROOT / "survey" / "importers").glob("*.py"))]
    codes = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            consts = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in ("bad", "add", "_cell_marks") or (name == "problem" and f.name == "header_rows.py"
                                                             and not any(k.arg == "severity" for k in node.keywords)):
                    consts = node.args
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and node.value.elts:
                consts = node.value.elts[:1]
            codes |= {c.value for c in consts if isinstance(c, ast.Constant) and c.value in CATALOGUE}
    return codes


def test_every_row_problem_code_has_chinese_with_the_same_placeholders():
    codes = _row_problem_codes()
    assert {"required-missing", "unknown-option", "should-skip", "repeated-header", "formula-no-value",
            "excel-error", "text-too-long", "other-text-missing"} <= codes and len(codes) >= 15, codes
    assert codes <= set(CATALOGUE_ZH), codes - set(CATALOGUE_ZH)
    for code, (msg, hint) in CATALOGUE_ZH.items():
        en_msg, en_hint = CATALOGUE[code]
        assert _fields(msg) == _fields(en_msg), code
        assert _fields(hint) == _fields(en_hint), code
        assert re.search(r"[\u4e00-\u9fff]", msg) and re.search(r"[\u4e00-\u9fff]", hint), code
    for code, (en, zh) in PHRASES.items():  # "rank outside 1..k": the English words kept as they were
        assert _fields(zh) <= _fields(en) | ({"k"} if code == "rank-outside" else set()), code


def test_phrases_are_said_in_the_language_of_the_message():
    from survey.messages import phrase

    pr = problem("rank-invalid", qid="Q6", reason=phrase("rank-too-many", k=3), k=3)
    assert pr.message == "Q6: more than 3 options ranked"
    assert render("rank-invalid", pr.extra, "zh")[0] == "Q6排序无效：排序的选项超过3项"
    pr = problem("unknown-option", qid="Q1", value="社会",
                 choices=phrase("choices-closest", choices="1=机关", closest=["社区", "社会"]))
    assert pr.hint == "use one of: 1=机关 (closest: '社区', '社会')"
    assert render("unknown-option", pr.extra, "zh", {"qid": "本题"}) == ("“社会”不是本题的选项",
                                                                        "可选：1=机关；最接近的是“社区”、“社会”")
    # an open end of a range, whole numbers without .0
    pr = problem("out-of-range", qid="Q5", value="150", min=16.0, max=None)
    assert pr.message == "value 150 of Q5 is outside [16.0, None]"
    assert render("out-of-range", pr.extra, "zh")[0] == "Q5填写的 150 超出允许范围（16—不限）"


def test_a_workbooks_formula_and_error_cells_are_said_in_chinese_with_their_hint(tmp_path, capsys):
    qfile = tmp_path / "q.yaml"
    qfile.write_text(QUESTIONNAIRE.format(lang="zh"), encoding="utf-8")
    wb = openpyxl.Workbook()
    for r in (HEADER, ["1"] + GOOD, ["2"] + GOOD):
        wb.active.append(r)
    wb.active["G2"] = "#N/A"  # an Excel error value
    wb.active["F3"] = "=20+10"  # a formula openpyxl stores without its value
    wb.save(tmp_path / "wjx.xlsx")
    proj = str(tmp_path / "p")
    assert _main(capsys, "init", proj, "--questionnaire", str(qfile))[0] == 0
    assert _main(capsys, "import", proj, str(tmp_path / "wjx.xlsx"))[0] == 0
    said = {r["行号"]: (r["问题列"], r["说明"]) for r in _sheet(proj, tmp_path, capsys)}
    assert said == {
        2: ("列 G「6、请排序（选2项）」",
            "单元格 Sheet!G2 是 Excel 错误值 #N/A，不是回答，按空值读取（在 Excel 或 WPS 中改正该单元格或产生错误的公式，再重新导入）"),
        3: ("列 F「5、您的年龄」",
            "单元格 Sheet!F3 是公式（=20+10），没有计算结果，按空值读取（用 Excel 或 WPS 打开文件并保存，使公式算出结果，再重新导入）")}


def test_the_message_column_wraps_its_sentences_within_its_width(tmp_path, capsys):
    """说明 sentences longer than the column's width cap wrap inside it (session 32: they were cut at the next
    column's edge, the end of “…（可选：…；最接近的是“社区”）” unseen); the other columns do not wrap."""
    proj = _project(tmp_path, capsys)
    dest = tmp_path / "wrap.xlsx"
    assert _main(capsys, "quarantine", proj, "--export", str(dest))[0] == 0
    ws = openpyxl.load_workbook(dest).active
    head = [c.value for c in ws[1]]
    said, shown = head.index("说明") + 1, head.index("原因") + 1
    assert ws.cell(2, said).alignment.wrap_text and ws.cell(ws.max_row, said).alignment.wrap_text
    assert not ws.cell(2, shown).alignment.wrap_text
    letter = ws.cell(1, said).column_letter
    longest = max(len(str(ws.cell(r, said).value)) for r in range(2, ws.max_row + 1))
    assert ws.column_dimensions[letter].width < 2 * longest  # capped: the long sentence needs the wrap
