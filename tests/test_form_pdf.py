"""`survey form --out form.pdf` writes A4 PDF pages (it used to write the HTML into a file named .pdf, which
no PDF reader opens); a name of another kind is refused and nothing is written."""

from __future__ import annotations

import subprocess

import pytest

from survey.qload import bundled_path, load_questionnaire
from tracking_world import survey


def test_form_pdf_is_a4_pdf_with_the_questions(tmp_path):
    out = tmp_path / "form.pdf"
    rc, _, err = survey("form", bundled_path(), "--out", out)
    assert rc == 0, err
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    q = load_questionnaire(bundled_path())
    assert q.title in text
    assert q.questions[-1].text[:10] in text.replace("\n", "")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Noto" in fonts and " no " not in fonts.split("\n", 2)[2]  # every font embedded


@pytest.mark.parametrize("name", ["form.docx", "form.xlsx", "form.txt"])
def test_other_names_refused(tmp_path, name):
    rc, _, err = survey("form", bundled_path(), "--out", tmp_path / name)
    assert rc != 0
    assert "form.pdf" in err and "Traceback" not in err
    assert not (tmp_path / name).exists()


def test_html_unchanged(tmp_path):
    rc, _, _ = survey("form", bundled_path(), "--out", tmp_path / "form.htm")
    assert rc == 0 and (tmp_path / "form.htm").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_pdf_onto_a_folder_is_one_message_and_leaves_nothing(tmp_path):
    """report.writers.pdf.write_pdf wrote FILE.pdf.tmp beside the target and renamed it: onto a folder named
    form.pdf that was an internal error (IsADirectoryError) and a left-over form.pdf.tmp."""
    (tmp_path / "form.pdf").mkdir()
    rc, _, err = survey("form", bundled_path(), "--out", tmp_path / "form.pdf")
    assert rc != 0 and "is a folder" in err and "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.pdf"]
