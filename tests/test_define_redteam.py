"""Red-team findings on defining a questionnaire (survey validate / init / form / convert).

Each test writes the questionnaire a careless author could write and checks that minyi reports the mistake
(file:line:column, exit 1, no traceback) instead of silently collecting or analysing something else.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from survey.qload import validate_text

HEAD = "id: t1\ntitle: 测试问卷\n"


def _probs(text: str, code: str) -> list:
    _, probs = validate_text(textwrap.dedent(text), "q.yaml")
    return [p for p in probs if p.code == code]


def _line_of(text: str, needle: str) -> int:
    return textwrap.dedent(text).splitlines().index(next(ln for ln in textwrap.dedent(text).splitlines()
                                                          if needle in ln)) + 1


def _survey(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


# --- duplicate keys: PyYAML keeps the last one ------------------------------------------------------------
DUP_SCALE = HEAD + """\
scales:
  sat:
    options: [{label: 满意, score: 100}, {label: 不满意, score: 0}]
  sat:
    options: [{label: 很好, score: 100}, {label: 不好, score: 0}]
sections:
  - id: A
    questions:
      - {id: Q1, type: scale, scale: sat, text: 您满意吗}
"""


def test_scale_defined_twice_is_one_clear_problem_at_the_second_key():
    """Two scales named ``sat``: YAML drops the first silently.  The report was a 'must be a mapping, not
    ('__duplicate_key__', 'sat', {... Node(...) ...})' dump plus a false 'Q1 needs the key scale'."""
    _, probs = validate_text(DUP_SCALE, "q.yaml")
    assert [p.code for p in probs] == ["duplicate-key"]
    p = probs[0]
    assert (p.line, p.column) == (6, 3) and "'sat'" in p.message and "line 4" in p.message
    assert "Node(" not in p.message and "__duplicate_key__" not in p.message


def test_duplicate_key_inside_an_option_mapping_is_reported():
    text = HEAD + """\
sections:
  - id: A
    questions:
      - id: Q1
        type: single
        text: 您的性别
        options:
          - {code: 1, label: 男, code: 2}
          - {code: 3, label: 女}
"""
    probs = _probs(text, "duplicate-key")
    assert len(probs) == 1 and probs[0].line == _line_of(text, "code: 1, label: 男, code: 2")


# --- native columns that differ only by case -------------------------------------------------------------
CASE = HEAD + """\
sections:
  - id: A
    questions:
      - {id: Q1, type: single, text: 您的性别, options: [男, 女]}
      - {id: q1, type: single, text: 您的年龄段, options: [青年, 中年, 老年]}
      - id: M1
        type: matrix
        text: 满意度
        options: [{label: 满意, score: 100}, {label: 不满意, score: 0}]
        rows: [{id: R1, label: 卫生}, {id: r1, label: 交通}]
"""


def test_ids_that_differ_only_by_case_are_a_column_collision():
    """DuckDB does not tell ``Q1`` from ``q1``: the file validated, then ``survey init`` died with
    'internal error: CatalogException: Column with name "q1" already exists!'."""
    probs = _probs(CASE, "column-collision")
    assert [(p.line, p.extra["name"]) for p in probs] == [(_line_of(CASE, "id: q1"), "q1"),
                                                             (_line_of(CASE, "id: M1"), "M1_r1")]
    assert "upper from lower case" in probs[0].message


def test_init_with_case_clashing_ids_exits_1_without_traceback(tmp_path):
    f = tmp_path / "q.yaml"
    f.write_text(CASE, encoding="utf-8")
    r = _survey("init", str(tmp_path / "p"), "-q", str(f), cwd=Path(__file__).resolve().parents[1])
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert f"q.yaml:{_line_of(CASE, 'id: q1')}:" in r.stderr


# --- conditions that can never hold ----------------------------------------------------------------------
NEVER = HEAD + """\
sections:
  - id: A
    questions:
      - {id: Q1, type: single, text: 您的性别, options: [男, 女]}
      - {id: N1, type: number, text: 您的年龄, min: 18, max: 80}
      - {id: K1, type: multiple, text: 热点问题, options: [停车难, 噪音, 垃圾]}
      - {id: Q2, type: single, text: 甲, when: "Q1 == 1 and Q1 == 2", options: [是, 否]}
      - {id: Q3, type: single, text: 乙, when: "N1 > 100", options: [是, 否]}
      - {id: Q4, type: single, text: 丙, when: "Q3 == 1 or Q2 == 2", options: [是, 否]}
      - {id: Q5, type: single, text: 丁, when: 'K1 selected "噪音" and not answered(K1)', options: [是, 否]}
      - {id: Q6, type: single, text: 戊, when: "false", options: [是, 否]}
      - {id: Q7, type: single, text: 己, when: "Q6 == 1", options: [是, 否]}
"""
FINE = HEAD + """\
sections:
  - id: A
    questions:
      - {id: Q1, type: single, text: 您的性别, options: [男, 女]}
      - {id: N1, type: number, text: 您的年龄, min: 18, max: 80}
      - {id: N2, type: number, text: 子女数}
      - {id: K1, type: multiple, text: 热点问题, options: [停车难, 噪音, 垃圾]}
      - {id: T1, type: text, text: 建议}
      - {id: Q2, type: single, text: 甲, when: "Q1 == 1 or Q1 == 2", options: [是, 否]}
      - {id: Q3, type: single, text: 乙, when: "N1 >= 80 and N1 > 79.5", options: [是, 否]}
      - {id: Q4, type: single, text: 丙, when: "N2 > 3 and N2 < 4", options: [是, 否]}
      - {id: Q5, type: single, text: 丁, when: 'K1 selected "噪音" and not K1 selected "停车难" and not K1 selected "垃圾"',
         options: [是, 否]}
      - {id: Q6, type: single, text: 戊, when: 'answered(K1) and not K1 selected "噪音"', options: [是, 否]}
      - {id: Q7, type: single, text: 己, when: "answered(T1) and Q1 != 1 and Q2 == 2", options: [是, 否]}
      - {id: Q8, type: single, text: 庚, when: "not answered(Q1)", options: [是, 否]}
"""


def test_conditions_that_can_never_hold_are_errors_at_the_condition():
    """Each of these passed validation: the question was never asked, the paper form sent everyone past it
    and nothing was ever collected for it.  Q4 and Q7 depend only on questions that are never asked."""
    probs = _probs(NEVER, "skip-never-true")
    assert [p.extra["qid"] for p in probs] == ["Q2", "Q3", "Q4", "Q5", "Q7"]
    assert [p.line for p in probs] == [_line_of(NEVER, f"id: {q},") for q in ("Q2", "Q3", "Q4", "Q5", "Q7")]
    assert "Q3, Q2" in probs[2].message or "Q2, Q3" in probs[2].message
    assert "Q6" in probs[4].message  # depends on Q6, retired on purpose with when: false (not itself an error)


def test_conditions_that_can_hold_are_not_flagged():
    _, probs = validate_text(FINE, "q.yaml")
    assert [p for p in probs if p.severity == "error"] == []


def test_bundled_questionnaire_has_no_condition_that_never_holds():
    from survey.qload import bundled_path, validate_file

    _, probs = validate_file(bundled_path())
    assert [p for p in probs if p.code == "skip-never-true"] == []


# --- the paper form's jump instructions ------------------------------------------------------------------
NESTED = HEAD + """\
sections:
  - id: A
    questions:
      - {id: Q1, type: yesno, text: 您是否听说过创文？}
      - {id: Q2, type: single, text: 您是否支持创文？, when: Q1 == 1, options: [支持, 不支持]}
      - {id: Q3, type: single, text: 您为什么支持？, when: Q2 == 1, options: [甲, 乙]}
      - {id: Q4, type: single, text: 您的性别, options: [男, 女]}
      - {id: Q5, type: single, text: 您的年龄段, options: [青年, 老年]}
      - {id: Q6, type: single, text: 青年追问, when: Q5 == 1 and Q1 == 1, options: [甲, 乙]}
      - {id: Q7, type: single, text: 您的职业, options: [工人, 农民]}
"""


def test_jump_skips_questions_that_depend_on_a_skipped_question():
    """选'否' at Q1 skips Q2, and so Q3 (asked only to those who chose 支持 at Q2): the form said
    '选'否'者跳至第3题', sending the respondent to a question they are not asked."""
    from survey.form import build_form

    q, probs = validate_text(NESTED, "q.yaml")
    assert probs == []
    qs = {fq.id: fq for s in build_form(q).sections for fq in s.questions}
    assert qs["Q1"].jumps == ["选'否'者跳至第4题"]
    assert [o.jump for o in qs["Q1"].options] == [None, "跳至第4题"]
    assert qs["Q2"].jumps == ["选'不支持'者跳至第4题"]
    # a condition on two questions: Q6 is skipped for 老年 whatever Q1 was
    assert qs["Q5"].jumps == ["选'老年'者跳至第7题"]


# --- XLSForm round trip ----------------------------------------------------------------------------------
ROUND = HEAD + """\
scales:
  sat:
    options:
      - {code: 1, label: 满意, score: 100}
      - {code: 2, label: 一般, score: 60}
      - {code: 3, label: 不满意, score: 20}
sections:
  - id: A
    questions:
      - id: A4
        type: ranking
        text: 您认为最需要改进的三个方面
        note: 请在方框内填写序号
        k: 3
        options: [交通秩序, 环境卫生, 公共设施, 市民素质, 窗口服务]
      - id: A5
        type: ranking
        text: 请对以下两项排序
        options: [甲, 乙]
      - id: B1
        type: matrix
        text: 您对以下方面的满意程度
        scale: sat
        rows: [环境卫生, 公共厕所]
"""


def _round_trip(tmp_path: Path, text: str):
    from survey.qload import load_questionnaire
    from survey.xlsform import write_xlsform, xlsform_to_yaml

    src = tmp_path / "q.yaml"
    src.write_text(text, encoding="utf-8")
    write_xlsform(load_questionnaire(src), tmp_path / "q.xlsx")
    back = tmp_path / "back.yaml"
    back.write_text(xlsform_to_yaml(tmp_path / "q.xlsx").yaml_text, encoding="utf-8")
    return {qq.id: qq for qq in load_questionnaire(back).questions}


def test_xlsform_round_trip_keeps_ranking_k_and_matrix_text(tmp_path):
    """Through XLSForm and back, 'rank the top 3 of 5' became 'rank all 5' (k lost, more ranks counted) and
    the matrix question's text became its id 'B1' (pyxform moves a table-list group's label into a note)."""
    qs = _round_trip(tmp_path, ROUND)
    assert (qs["A4"].k, qs["A4"].note) == (3, "请在方框内填写序号")
    assert (qs["A5"].k, qs["A5"].note) == (2, None)
    assert qs["B1"].text == "您对以下方面的满意程度"
    assert [r.label for r in qs["B1"].rows] == ["环境卫生", "公共厕所"]


# --- keys that silently did nothing ----------------------------------------------------------------------
WRONG_KEYS = HEAD + """\
scales:
  sat:
    options:
      - {code: 1, label: 满意, score: 100}
      - {code: 2, label: 不满意, score: 0}
      - {code: 9, label: 不了解, na: true}
    positive: [1, 9]
sections:
  - id: A
    questions:
      - id: Q1
        type: single
        text: 您对以下方面是否满意
        options: [满意, 不满意]
        rows: [环境卫生, 交通秩序]
      - id: Q2
        type: multiple
        text: 最需要改进的三项（按顺序）
        k: 3
        options: [交通, 环境, 治安, 教育]
      - id: Q3
        type: scale
        text: 总体满意度
        scale: sat
        max: 2
      - id: Q4
        type: text
        text: 您的年龄
        unit: 岁
      - id: M1
        type: matrix
        text: 满意程度
        scale: sat
        rows: [环境卫生, 交通秩序, 环境卫生]
      - {id: S1, type: scale, text: 满意度, scale: sat, positive: [满意, 不了解]}
indicators:
  - {id: sat1, kind: satisfaction, question: S1, positive: [不了解]}
"""


def test_keys_of_another_question_type_are_errors_at_the_key():
    """rows: on a single choice collected one answer where a grid was meant; k: on a multiple choice, max: on
    a scale, unit: on a text were dropped without a word."""
    probs = _probs(WRONG_KEYS, "key-not-for-type")
    got = [(p.extra["qid"], p.extra["key"], p.line) for p in probs]
    assert got == [("Q1", "rows", _line_of(WRONG_KEYS, "rows: [环境卫生, 交通秩序]")),
                   ("Q2", "k", _line_of(WRONG_KEYS, "k: 3")),
                   ("Q3", "max", _line_of(WRONG_KEYS, "max: 2")),
                   ("Q4", "unit", _line_of(WRONG_KEYS, "unit: 岁"))]
    assert "type: matrix" in probs[0].hint and "type: ranking" in probs[1].hint


def test_a_non_substantive_option_listed_as_positive_is_an_error():
    """不了解 (na: true) in a positive list: under na_policy='unsatisfied' it counted as satisfied."""
    probs = _probs(WRONG_KEYS, "positive-na")
    assert [(p.line, p.extra["label"]) for p in probs] == [
        (_line_of(WRONG_KEYS, "positive: [1, 9]"), "不了解"),
        (_line_of(WRONG_KEYS, "id: S1"), "不了解"),
        (_line_of(WRONG_KEYS, "id: sat1"), "不了解")]


def test_a_matrix_row_given_twice_is_an_error():
    probs = _probs(WRONG_KEYS, "duplicate-row-label")
    assert len(probs) == 1 and probs[0].extra["label"] == "环境卫生"
    assert probs[0].line == _line_of(WRONG_KEYS, "rows: [环境卫生, 交通秩序, 环境卫生]")


def test_full_width_and_punctuated_ids_are_errors():
    """Ｑ２ (typed with a Chinese input method) passed str.isalnum, yet no condition can name it; a row id
    'r-1' made the column M1_r-1 that no condition can name either."""
    text = HEAD + """\
sections:
  - id: A
    questions:
      - {id: Ｑ２, type: single, text: 性别, options: [男, 女]}
      - {id: 问题3, type: single, text: 年龄段, options: [青年, 老年]}
      - id: M1
        type: matrix
        text: 满意程度
        options: [{label: 好, score: 1}, {label: 坏, score: 0}]
        rows: [{id: r-1, label: 卫生}, {id: r2, label: 交通}]
"""
    probs = _probs(text, "question-id-characters") + _probs(text, "row-id-characters")
    assert [p.line for p in probs] == [_line_of(text, "Ｑ２"), _line_of(text, "r-1")]
    assert "half-width: Q2" in probs[0].hint


# --- the printed paper form ------------------------------------------------------------------------------
def test_printed_grids_never_leave_fewer_than_three_rows_on_a_page(tmp_path):
    """Printed on A4, the bundled form put grid E1's last row alone at the top of page 4, and grid H1's title
    with its first row alone at the bottom of that page (the other 13 rows on the next).  Rendered here
    with Chromium as a browser prints it; pdftotext gives the row ids ([H1_r3]) found on each page."""
    import re
    import shutil

    from survey.form import write_form
    from survey.qload import bundled_path, load_questionnaire

    chrome = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    assert chrome and shutil.which("pdftotext"), "the test needs Chromium and poppler-utils"
    html, pdf = tmp_path / "form.html", tmp_path / "form.pdf"
    write_form(load_questionnaire(bundled_path()), html)
    subprocess.run([chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], capture_output=True, timeout=120, check=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 3
    totals: dict[str, int] = {}
    per_page = []
    for i in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        ids = re.findall(r"\[([A-Z]\d+)_r\d+\]", text)
        counts = {m: ids.count(m) for m in set(ids)}
        per_page.append(counts)
        for m, c in counts.items():
            totals[m] = totals.get(m, 0) + c
    split = [(i + 1, m, c) for i, counts in enumerate(per_page) for m, c in counts.items() if c < totals[m]]
    assert split, "no grid runs over a page: the test no longer tests anything"
    assert [s for s in split if s[2] < 3] == []


# --- typing slips that break the YAML ----------------------------------------------------------------------
def test_full_width_colon_and_tab_are_named_at_their_own_line(tmp_path):
    """'type： single' (a Chinese input method's colon) gave only 'could not find expected ':'' a line
    below, and a tab only 'found character '\\t' that cannot start any token'."""
    text = HEAD + """\
sections:
  - id: A
    questions:
      - id: Q1
        type： single
        text: 您的性别
        options: [男, 女]
"""
    f = tmp_path / "q.yaml"
    f.write_text(text, encoding="utf-8")
    r = _survey("validate", str(f), cwd=Path(__file__).resolve().parents[1])
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"q.yaml:{_line_of(text, 'type：')}:13: error: 'type' is followed by a full-width colon" in r.stderr
    assert "type:" in r.stderr
    tabbed = text.replace("type： single", "type: single").replace("      - id: Q1", "\t- id: Q1")
    probs = validate_text(tabbed, "q.yaml")[1]
    assert [(p.code, p.line, p.column) for p in probs if p.code == "yaml-tab"] == [
        ("yaml-tab", _line_of(tabbed, "- id: Q1"), 1)]


# --- sites and their sections ----------------------------------------------------------------------------
SITES = HEAD + """\
site_question: A1
sites:
  - {name: 机关, sections: [A, B]}
  - {name: 社区, sections: [A, B]}
sections:
  - id: A
    questions:
      - {id: A1, type: single, text: 调查点, options: [机关, 社区]}
  - id: B
    questions:
      - {id: B1, type: single, text: 甲, options: [是, 否]}
  - id: C
    questions:
      - {id: C1, type: single, text: 乙, options: [是, 否]}
      - {id: C2, type: single, text: 丙, options: [是, 否]}
"""


def test_a_section_no_site_gets_is_an_error():
    """Section C was valid, printed as （各调查点均不填写） and never asked: nothing collected, silently."""
    probs = _probs(SITES, "section-no-site")
    assert [(p.line, p.extra["section"], p.extra["count"]) for p in probs] == [(_line_of(SITES, "- id: C"), "C", 2)]


def test_a_site_option_missing_from_sites_is_a_warning_and_keeps_its_sections():
    """企业 is an option of the site question but not a site: the analysis gives its respondents every section
    (C included), the form's site line has no box for it.  Said as a warning at the option."""
    text = SITES.replace("options: [机关, 社区]}", "options: [机关, 社区, 企业]}")
    _, probs = validate_text(text, "q.yaml")
    assert [(p.code, p.severity, p.line) for p in probs] == [("site-unlisted", "warning", _line_of(text, "企业"))]
    assert "'企业'" in probs[0].message


def test_an_exclusive_option_chosen_alone_meets_min(tmp_path):
    """min: 2 beside 以上都没有 (exclusive): whoever truly has none of them picks that one option alone, a whole
    answer; the import quarantined it ('1 options selected, at least 2 required').  Now it meets min, and a
    single other option still does not."""
    text = HEAD + """\
sections:
  - id: A
    questions:
      - id: K1
        type: multiple
        text: 您最关心的问题（至少选2项）
        min: 2
        options: [停车难, 噪音, 垃圾, {label: 以上都没有, exclusive: true}]
"""
    _, probs = validate_text(text, "q.yaml")
    assert probs == []
    (tmp_path / "q.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "a.csv").write_text("respondent_id,submitted_at,duration_sec,K1_1,K1_2,K1_3,K1_4\n"
                                    "R1,2026-03-01 10:00:00,100,0,0,0,1\n"
                                    "R2,2026-03-01 10:00:00,100,1,1,0,0\n"
                                    "R3,2026-03-01 10:00:00,100,1,0,0,0\n", encoding="utf-8")
    assert _survey("init", "p", "--questionnaire", "q.yaml", cwd=tmp_path).returncode == 0
    r = _survey("import", "p", "a.csv", "--wave", "W", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "3 rows read, 2 accepted, 1 quarantined" in r.stdout, r.stdout
    r = _survey("quarantine", "p", "--json", cwd=tmp_path)
    import json

    assert [(x["row"], x["code"]) for x in json.loads(r.stdout)] == [(4, "too-few")]  # R3 alone, not R1
