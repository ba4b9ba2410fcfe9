"""A text file mixing UTF-8 and GBK is refused naming the line, in every branch and in both directions (outside
audit, defects 2 and 3): a GBK file with an open answer pasted in as UTF-8 bytes was decoded as GB18030 and stored
as mojibake (鑿滃競鍦…) without a word; a UTF-8 file with a BOM and a GBK part, and a file whose first part is GBK
and whose rest is UTF-8, were refused naming a byte, not a line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from test_import_redteam import _main
from survey.errors import MinyiError
from survey.importers import read_responses
from survey.qload import load_questionnaire
from survey.store import Project

DATA = Path(__file__).parent / "data"
SHARED = Path("/work/shared/formats/wjx")
Q = load_questionnaire(DATA / "wjx_questionnaire.yaml")
WJX_TEXT = (DATA / "wjx_by_text.csv").read_text(encoding="utf-8-sig")


def _refused(path: Path) -> str:
    with pytest.raises(MinyiError) as e:
        read_responses(path, Q)
    return str(e.value)


def _lines() -> list[str]:
    return WJX_TEXT.splitlines()


def test_gbk_file_with_an_answer_pasted_as_utf8_names_the_line(tmp_path):
    lines = _lines()
    p = tmp_path / "pasted.csv"
    third = lines[2]
    cut = third.rfind(",")
    p.write_bytes("\n".join(lines[:2]).encode("gbk") + b"\n" + third[: cut + 1].encode("gbk")
                  + "菜市场环境要改善".encode("utf-8") + b"\n" + "\n".join(lines[3:]).encode("gbk") + b"\n")
    msg = _refused(p)
    assert "pasted.csv:3" in msg and "line 3 '菜市场环境要改善'" in msg and "mixed encodings" in msg
    assert "鑿滃競" in msg  # what it would have been stored as


def test_bom_utf8_file_with_a_gbk_part_names_the_line(tmp_path):
    lines = _lines()
    p = tmp_path / "bom_mix.csv"
    p.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines[:5]) + "\n").encode("utf-8")
                  + ("\n".join(lines[5:]) + "\n").encode("gbk"))
    msg = _refused(p)
    assert "bom_mix.csv:6" in msg and "line 6 is not UTF-8" in msg and "mixed encodings" in msg


def test_gbk_file_with_a_utf8_part_names_the_line(tmp_path):
    lines = _lines()
    p = tmp_path / "gbk_first.csv"
    p.write_bytes(("\n".join(lines[:5]) + "\n").encode("gbk") + ("\n".join(lines[5:]) + "\n").encode("utf-8"))
    msg = _refused(p)
    assert "gbk_first.csv:" in msg and "mixed encodings" in msg and "byte" in msg
    line = int(msg.split("gbk_first.csv:")[1].split(":")[0])
    assert line >= 6 and f"line {line} is UTF-8" in msg


def test_neither_encoding_names_the_line(tmp_path):
    p = tmp_path / "neither.csv"
    p.write_bytes("Q1,Q2\n1,2\n".encode() + b"1,\x81\x20\n")  # 0x81 0x20: no UTF-8, no GB18030
    msg = _refused(p)
    assert "neither.csv:3" in msg and "line 3 is neither UTF-8 nor GBK/GB18030" in msg


def test_three_chinese_characters_in_utf8_are_not_taken_for_a_mix(tmp_path):
    """The rule needs four characters in a row: shorter UTF-8 runs are left alone (documented)."""
    from survey.encodings import utf8_runs

    assert utf8_runs("你好".encode("gbk") + "菜市场".encode("utf-8")) == []
    assert utf8_runs("你好".encode("gbk") + "菜市场好".encode("utf-8")) == [(1, "菜市场好")]


def _gbk_files() -> list[Path]:
    files = [DATA / "wjx_by_text_gbk.csv"]
    files += [p for p in sorted(DATA.iterdir()) if p.suffix in (".csv", ".txt") and _is_gbk(p)]
    return sorted(set(files))


def _is_gbk(p: Path) -> bool:
    raw = p.read_bytes()
    try:
        raw.decode("utf-8")
        return False
    except UnicodeDecodeError:
        try:
            raw.decode("gb18030")
            return True
        except UnicodeDecodeError:
            return False


@pytest.mark.parametrize("path", _gbk_files(), ids=lambda p: p.name)
def test_real_gbk_files_of_the_repo_still_decode(path):
    from survey.tabular import decode_bytes

    text, enc = decode_bytes(path.read_bytes(), str(path))
    assert enc == "gb18030" and text == path.read_bytes().decode("gb18030")


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared 问卷星 examples are not on this machine")
@pytest.mark.parametrize("name", ["example_by_code.csv", "example_by_text.csv"])
def test_shared_wjx_examples_saved_as_gbk_still_import(tmp_path, capsys, name):
    """Each example saved as GBK stores exactly what the UTF-8 download stores."""
    src = (SHARED / name).read_text(encoding="utf-8-sig")
    p = tmp_path / "gbk" / name
    p.parent.mkdir()
    p.write_bytes(src.encode("gbk"))
    stored = []
    for proj, path in ((str(tmp_path / "u"), SHARED / name), (str(tmp_path / "g"), p)):
        assert _main(capsys, "init", proj, "--questionnaire", str(DATA / "wjx_questionnaire.yaml"))[0] == 0
        rc, out = _main(capsys, "import", proj, str(path), "--wave", "W")
        assert rc == 0, out
        stored.append(Project.open(proj).responses("W")[0].drop(columns=["_source"]))
    assert "GBK/GB18030" in out
    assert len(stored[1]) >= 10
    pd.testing.assert_frame_equal(stored[0], stored[1])


def test_a_large_random_gbk_text_is_not_taken_for_a_mix():
    """2 MB of GB2312 characters drawn at random (far less regular than real text): no UTF-8 run found."""
    import random

    from survey.encodings import utf8_runs

    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gbk"))
            except UnicodeDecodeError:
                pass
    rnd = random.Random(7)
    raw = "".join(rnd.choices(chars + list("，。、；：？！“”《》（）"), k=1_000_000)).encode("gbk")
    assert utf8_runs(raw) == []
