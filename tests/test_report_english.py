"""`survey report --lang en` on the demo project: no Chinese text but the respondents' own words (open answers
and the words counted in them), lists joined with ", " (zh: "、"), names from the questionnaire's translations."""

from __future__ import annotations

import html as html_mod
import re
import subprocess
import sys
import zipfile

import pytest

from survey.qload import bundled_path, load_questionnaire
from survey.translation import localized
from shared_demo import demo_copy, demo_english

CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=900)


@pytest.fixture(scope="module")
def demo_en(tmp_path_factory):
    return demo_copy(tmp_path_factory, "demo_en"), demo_english(tmp_path_factory)  # --compare 2026Q2 --lang en


def _open_answers(project_dir) -> str:
    """Every open answer of the project (all waves), one per line: the respondents' own words."""
    from survey.store import Project

    p = Project.open(project_dir)
    q = p.questionnaire
    cols = [x.id for x in q.questions if x.type == "text"] + [f"{x.id}_other" for x in q.questions if x.has_other]
    texts = []
    for w in p.waves():
        df, _ = p.responses(w, apply_exclusions_=False, columns=cols)
        for c in cols:
            texts += [str(t) for t in df[c].dropna() if str(t).strip()]
    return "\n".join(texts)


def _visible_html(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    alts = " ".join(re.findall(r'\b(?:alt|title)="([^"]*)"', page))
    page = re.sub(r'src="data:[^"]*"', "", page)
    return html_mod.unescape(re.sub(r"<[^>]+>", " ", page) + " " + alts)


def _docx_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = " ".join(z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("word/") and n.endswith(".xml") and "font" not in n and "style" not in n)
    return html_mod.unescape(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def _not_respondents_words(text: str, answers: str) -> list[str]:
    return sorted({run for run in CJK_RUN.findall(text) if run not in answers})


def test_english_html_has_no_chinese_but_respondents_words(demo_en):
    out, en = demo_en
    answers = _open_answers(out / "project")
    text = _visible_html((en / "report.html").read_text(encoding="utf-8"))
    assert CJK_RUN.search(text)  # the quoted open answers are there (so the scan can fail) …
    assert _not_respondents_words(text, answers) == []  # … and nothing else in Chinese


def test_english_docx_has_no_chinese_but_respondents_words(demo_en):
    out, en = demo_en
    answers = _open_answers(out / "project")
    text = _docx_text(en / "report.docx")
    assert "Key findings" in text
    assert _not_respondents_words(text, answers) == []


def test_lists_and_names_follow_the_language(demo_en):
    out, en = demo_en
    q = load_questionnaire(bundled_path())
    q_en = localized(q, "en")
    page_en = html_mod.unescape((en / "report.html").read_text(encoding="utf-8"))
    page_zh = (out / "report.html").read_text(encoding="utf-8")
    assert ", ".join(s.name for s in q_en.sites) in page_en
    assert "、".join(s.name for s in q.sites) in page_zh
    for ind in q_en.indicators:
        assert ind.name in page_en, ind.name
    policies = {a.recommendation for a in q_en.areas} | {i.recommendation for i in q_en.indicators}
    shown = [t.strip() for t in re.findall(r"Recommendation: ([^<]+)<", page_en)]
    assert len(shown) >= 3 and set(shown) <= policies, set(shown) - policies


def test_margins_apply_to_the_translated_labels(demo_en):
    """The demo's gender margin names 男/女; the English report relabels it by code, so the population
    column and the representativeness warning appear as they do in Chinese."""
    import html as _html

    out, en = demo_en
    zh = _html.unescape((out / "report.html").read_text(encoding="utf-8"))
    page = _html.unescape((en / "report.html").read_text(encoding="utf-8"))
    assert "总体占比" in zh and "Population share" in page
    from report.project import design_inputs
    from survey.store import Project

    women = design_inputs(Project(out / "project"))[1]["gender"]["女"]  # the margin's share, as the report reads it
    assert f"{100 * women:.1f}%" in zh and f"{100 * women:.1f}%" in page
    assert "differs significantly from the population" in page


def test_english_table_and_figure_numbers_identical_in_html_and_docx(demo_en):
    from report_tables import check_numbering, docx_captions, html_captions

    _, en = demo_en
    h = html_captions((en / "report.html").read_text(encoding="utf-8"))
    assert h == docx_captions(en / "report.docx") and len(h) > 40
    check_numbering(h, "Table ", "Figure ")
