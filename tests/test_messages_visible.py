"""A file's values and names are shown, not acted on, by the terminal (an outside audit of imports): an answer
holding an escape sequence (``\\x1b]0;…\\x07`` sets the window title, ``\\x1b[31m`` colours the rest) or a carriage
return (“a\\rOVERWRITE” hid the start of its message) was echoed raw by `survey import` and `survey quarantine`.
Messages now write control characters out (``survey.messages.visible``)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from cli_capture import init_project, run_main
from survey.messages import visible

DATA = Path(__file__).parent / "data"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_visible_writes_control_characters_out():
    assert visible("a\rB\x1b[31mC\x07\x9b") == "a\\rB\\x1b[31mC\\x07\\x9b"
    assert visible("同意\t两列\n") == "同意\t两列\n"  # tab and line feed are not acted on as commands


def test_import_and_quarantine_show_an_escape_sequence_as_text(tmp_path, capsys):
    proj = init_project(tmp_path, capsys, DATA / "wjx_questionnaire.yaml")
    rows = list(csv.reader(io.StringIO((DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig"))))
    q1 = next(i for i, h in enumerate(rows[0]) if h.startswith("1、"))
    rows[1][q1], rows[2][q1] = "\x1b]0;pwned\x07", "a\rOVERWRITE"  # the \r quoted, as Excel writes it
    data = tmp_path / "esc.csv"
    with open(data, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    rc, out = run_main(capsys, "import", proj, str(data))
    assert rc == 0, out
    assert not CONTROL.search(out.replace("\r\n", "\n")), out
    rc, listing = run_main(capsys, "quarantine", proj)
    assert rc == 0 and "2 record(s)" in listing, listing
    assert "\\x1b]0;pwned\\x07" in listing and "a\\rOVERWRITE" in listing
    assert not CONTROL.search(listing), listing
