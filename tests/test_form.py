"""`survey form`: the printable paper form (codes, skip instructions in words, grids, escaping).

Expected question numbers come from reading questionnaires/civic_hot_issues.yaml by hand:
section A has 7 questions, so B1 is question 8, B3 is 10, B6 is 13, B7 14, B8 15, B9 16.
"""

from __future__ import annotations

import html as htmllib
import re
import subprocess
import sys
from importlib.resources import files

import pytest

from survey.form import build_form, chinese_number, condition_words, render_form
from survey.qload import bundled_path, load_questionnaire, validate_text


@pytest.fixture(scope="module")
def civic():
    return load_questionnaire(bundled_path())


@pytest.fixture(scope="module")
def civic_html(civic):
    return render_form(civic)


def text_of(html: str) -> str:
    """Visible text: tags dropped, entities decoded."""
    body = html.split("<body>", 1)[1]
    return htmllib.unescape(re.sub(r"<[^>]+>", "", body))


def test_cli_writes_the_form_with_embedded_font(tmp_path):
    out = tmp_path / "sub" / "form.html"
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "form", str(bundled_path()), "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert "创建全国文明城市干部群众热点问题调查问卷" in page
    assert "@font-face" in page and "base64," in page  # the bundled CJK font subset, no system font needed
    assert "size: A4" in page
    assert [f.name for f in out.parent.iterdir()] == ["form.html"]  # atomic write left no temp file


def test_cli_invalid_questionnaire_one_message_exit_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: t\ntitle: T\nsections:\n  - id: A\n    questionz: []\n", encoding="utf-8")
    out = tmp_path / "form.html"
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "form", str(bad), "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "not a valid questionnaire" in r.stderr and f"{bad}:5:5" in r.stderr
    assert not out.exists()


def test_template_ships_as_package_data():
    assert files("report_templates").joinpath("form_zh.html.j2").is_file()


def test_every_option_code_is_printed_next_to_its_box(civic, civic_html):
    for qq in civic.questions:
        if qq.type in ("single", "multiple", "yesno", "scale"):
            for o in qq.options:
                pat = (r'<span class="box"></span><span class="code">' + str(o.code) + r"</span>"
                       + re.escape(htmllib.escape(o.label)))
                assert re.search(pat, civic_html), (qq.id, o.code, o.label)
    # K1: 60 hot issues, the exclusive last one included
    assert re.search(r'<span class="code">60</span>以上都没有', civic_html)


def test_matrices_are_grids(civic, civic_html):
    c1 = civic.question("C1")
    table = re.search(r'id="q-C1".*?<table class="matrix">(.*?)</table>', civic_html, re.S).group(1)
    assert table.count("<tr>") == 1 + len(c1.rows)  # header + one row per item
    for lbl in ("非常满意", "满意", "一般", "不满意", "非常不满意", "不了解"):
        assert f"<th>{lbl}<span" in table
    assert "背街小巷" in table and "城乡结合部环境" in table
    # every cell of every row has a box and the scale code
    assert table.count('<span class="box"></span>') == len(c1.rows) * len(c1.options)
    assert table.count('<span class="box"></span><span class="code">9</span>') == len(c1.rows)


def test_skip_instructions_in_words(civic_html):
    t = text_of(civic_html)
    assert "选'不知道'者跳至第10题" in t  # B1 (8) → B2 skipped → B3 (10)
    assert "（仅回答第8题选'知道'或'听说过但不太了解'者作答）" in t  # B2 and B10
    assert t.count("（仅回答第8题选'知道'或'听说过但不太了解'者作答）") == 2
    assert "选'没有参加过'者跳至第15题" in t  # B6 (13) → B7 skipped → B8 (15)
    assert "（仅回答第13题选'参加过'者作答）" in t  # B7
    assert "（仅回答第13题选'没有参加过'者作答）" in t  # B8
    assert "（答完本题请跳至第16题）" in t  # after B7, B8 is not for them → B9 (16)
    assert "不知道→跳至第10题" in t  # next to the option itself


def test_sites_limits_ranking_number_text(civic_html):
    t = text_of(civic_html)
    assert "干部作风与行政效能（仅机关填写）" in t  # section H only for 机关
    assert "营商环境（企业填写）" in t and "（仅企业填写）" not in t  # title already says it
    assert "最多选5项" in t  # K1 (in its text)
    assert "（选'以上都没有'者请勿再选其他选项）" in t
    assert "请选出3项，按先后顺序在方框内填写序号1—3" in t  # K2 ranking
    assert re.search(r'<span class="blank"></span> 次', civic_html)  # K4 number with unit
    assert "（请填写0—99之间的整数）" in t
    k3 = re.search(r'id="q-K3".*?<div class="textlines">((?:<div></div>)*)</div>', civic_html, re.S).group(1)
    assert k3.count("<div></div>") == 3  # open text: lines to write on
    assert "（请注明）" in t  # "other, please specify"


def test_html_in_labels_is_escaped():
    yaml_text = """\
id: x
title: <b>标题</b> & co
sections:
  - id: A
    title: <i>部分</i>
    questions:
      - id: Q1
        type: single
        text: "<script>alert('题干')</script> A & B"
        options: ["<img src=x onerror=alert(1)>", 选项"二"]
      - id: Q2
        type: single
        text: 后续
        when: Q1 == "<img src=x onerror=alert(1)>"
        options: [是, 否]
"""
    q, probs = validate_text(yaml_text)
    assert probs == [], probs
    page = render_form(q)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>标题" not in page
    assert "&lt;script&gt;alert(&#39;题干&#39;)&lt;/script&gt; A &amp; B" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;标题&lt;/b&gt; &amp; co" in page
    assert "&lt;i&gt;部分&lt;/i&gt;" in page
    # the skip instruction quoting the label is escaped too
    assert "（仅回答第1题选&#39;&lt;img src=x onerror=alert(1)&gt;&#39;者作答）" in page


SMALL = """\
id: s
title: 小问卷
scales:
  sat:
    options:
      - {code: 1, label: 满意, score: 100}
      - {code: 2, label: 一般, score: 50}
      - {code: 3, label: 不满意, score: 0}
      - {code: 9, label: 不了解, na: true}
site_question: S
sites:
  - {name: 机关, sections: [A, B, C]}
  - {name: 社区, sections: [A, C]}
sections:
  - id: A
    questions:
      - {id: Q1, type: single, text: 知道吗, options: [知道, 听说过, 不知道]}
      - {id: Q2, type: multiple, text: 渠道, max: 2, options: [电视, 报纸, 网络, {code: 4, label: 都没有, exclusive: true}]}
      - {id: Q3, type: number, text: 次数, min: 0, max: 20, unit: 次}
      - {id: M, type: matrix, text: 满意度, scale: sat, rows: [{id: r1, label: 环境}, {id: r2, label: 交通}]}
      - {id: Q4, type: yesno, text: 参加过吗, options: [参加过, 没参加过]}
  - id: B
    title: 机关部分
    questions:
      - {id: Q5, type: text, text: 建议, when: Q4 == "没参加过"}
      - {id: Q6, type: single, text: 结束, options: [好, 不好]}
  - id: C
    title: 调查点
    questions:
      - {id: S, type: single, text: 调查点, options: [机关, 社区]}
"""


@pytest.fixture(scope="module")
def small():
    q, probs = validate_text(SMALL)
    assert probs == []
    return q


@pytest.mark.parametrize("cond, words", [
    ('Q1 == "知道"', "第1题选'知道'"),
    ("Q1 == 2", "第1题选'听说过'"),
    ('Q1 != "不知道"', "第1题选'知道'或'听说过'"),
    ("Q1 in [1, 3]", "第1题选'知道'或'不知道'"),
    ("Q1 not in [1]", "第1题选'听说过'或'不知道'"),
    ("Q1 <= 2", "第1题选'知道'或'听说过'"),
    ('Q2 selected "报纸"', "第2题选了'报纸'"),
    ('not Q2 selected "报纸"', "第2题未选'报纸'"),
    ("Q3 > 5", "第3题填写的数值大于5"),
    ("Q3 <= 5", "第3题填写的数值不大于5"),
    ("M.r2 == 3", "第4题“交通”一项选'不满意'"),
    ("M.r1 in [1, 2]", "第4题“环境”一项选'满意'或'一般'"),
    ('Q1 == "知道" and Q3 >= 1', "第1题选'知道'且第3题填写的数值不小于1"),
    ('Q1 == 1 or Q1 == 2 and Q3 > 0', "第1题选'知道'或（第1题选'听说过'且第3题填写的数值大于0）"),
    ("not Q1 == 3", "第1题选'知道'或'听说过'"),
    ("answered(Q3)", "回答了第3题"),
    ("not answered(Q3)", "未回答第3题"),
    ("not (Q1 == 1 and Q3 > 0)", "不符合“第1题选'知道'且第3题填写的数值大于0”"),
    ("M.r1 == M.r2", "第4题“环境”一项与第4题“交通”一项的答案相同"),
    ("not Q1 <= 1", "第1题选'听说过'或'不知道'"),
    ("not Q3 > 5", "第3题填写的数值不大于5"),
    ("not M.r1 <= M.r2", "第4题“环境”一项的答案大于第4题“交通”一项"),
])
def test_condition_words(small, cond, words):
    assert condition_words(small, cond) == words


def test_small_form_structure(small):
    form = build_form(small)
    qs = {fq.id: fq for s in form.sections for fq in s.questions}
    assert qs["Q2"].instruction == "（最多选2项）（选'都没有'者请勿再选其他选项）"
    assert qs["Q3"].unit == "次" and qs["Q3"].instruction == "（请填写0—20之间的整数）"
    assert qs["Q4"].jumps == ["选'参加过'者跳至第7题"]  # Q5 (6) only for 没参加过 → Q6 (7)
    assert [o.jump for o in qs["Q4"].options] == ["跳至第7题", None]
    assert qs["Q5"].condition == "（仅回答第5题选'没参加过'者作答）"
    assert form.sections[1].sites_note == "（仅机关填写）"
    assert form.sections[0].sites_note is None
    assert [r.label for r in qs["M"].rows] == ["环境", "交通"]
    page = render_form(small)
    assert "（最多选2项）" in text_of(page)


def test_jump_to_end():
    q, probs = validate_text("""\
id: e
title: E
sections:
  - id: A
    questions:
      - {id: Q1, type: yesno, text: 是否, options: [是, 否]}
      - {id: Q2, type: single, text: 追问, when: Q1 == "是", options: [a, b]}
""")
    assert probs == []
    f = build_form(q)
    assert f.sections[0].questions[0].jumps == ["选'否'者结束答题"]


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 12, 20, 21, 99)] == \
        ["一", "九", "十", "十一", "十二", "二十", "二十一", "九十九"]


SMALL_ATOMS = ['Q1 == "知道"', "Q1 != 3", "Q1 in [1, 2]", "Q1 not in [2]", "Q1 >= 2", "2 > Q1", 'Q2 selected "报纸"',
               "selected(Q2, 4)", "Q3 < 7", "Q3 in [1, 2]", "M.r1 == 9", "M.r2 <= M.r1", "answered(Q3)", "answered(Q2)",
               "true"]


def _conditions():
    from hypothesis import strategies as st

    atom = st.sampled_from(SMALL_ATOMS)
    return st.recursive(atom, lambda c: st.one_of(
        c.map(lambda x: f"not ({x})"),
        st.tuples(c, c).map(lambda p: f"({p[0]}) and ({p[1]})"),
        st.tuples(c, c).map(lambda p: f"({p[0]}) or ({p[1]})")), max_leaves=6)


def test_any_valid_condition_renders_in_words():
    from hypothesis import given, settings

    @settings(max_examples=150, deadline=None)
    @given(_conditions())
    def check(cond):
        text = SMALL.replace('text: 建议, when: Q4 == "没参加过"', f"text: 建议, when: '{cond}'")
        q, probs = validate_text(text)
        # a condition that can never hold (Q1 == 1 and not Q1 == 1) is an error of its own (test_define_redteam)
        assert [p for p in probs if p.code != "skip-never-true"] == [], (cond, probs)
        form = build_form(q)
        fq = form.sections[1].questions[0]
        if cond == "true":
            assert fq.condition is None
            return
        # "仅回答" + a question's answer, else "仅限" (回答了…, 未回答…, 不符合…: "仅回答回答了第8题" was garbled)
        assert fq.condition.startswith(("（仅回答第", "（仅限")) and fq.condition.endswith("者作答）")
        assert "仅回答回答" not in fq.condition and "仅回答未" not in fq.condition and "仅回答不" not in fq.condition
        assert "满足条件" not in fq.condition  # every atom was translated
        render_form(q)

    check()


def test_unwritable_output_is_one_clear_error(tmp_path):
    r = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "form", str(bundled_path()), "--out",
                        str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert "cannot write" in r.stderr and "folder" in r.stderr
