"""survey.atomic: a failed write keeps the old file and leaves no temporary file."""

import pytest

from survey.atomic import atomic_write, atomic_write_text
from survey.errors import MinyiError


def test_write_replaces_and_leaves_only_the_target(tmp_path):
    p = tmp_path / "sub" / "out.csv"
    atomic_write_text(p, "a\n1\n")
    atomic_write_text(p, "a\n2\n")
    assert p.read_text(encoding="utf-8") == "a\n2\n"
    assert [f.name for f in p.parent.iterdir()] == ["out.csv"]


def test_failed_write_keeps_the_old_file(tmp_path):
    p = tmp_path / "out.xlsx"
    p.write_text("old", encoding="utf-8")

    def broken(tmp):
        assert tmp.suffix == ".xlsx" and tmp.parent == p.parent  # the extension stays last, same folder
        tmp.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(MinyiError) as e:
        atomic_write(p, broken)
    assert "No space left on device" in str(e.value) and str(p) in str(e.value)
    assert p.read_text(encoding="utf-8") == "old"
    assert [f.name for f in tmp_path.iterdir()] == ["out.xlsx"]


def test_a_folder_is_not_a_target(tmp_path):
    with pytest.raises(MinyiError) as e:
        atomic_write_text(tmp_path, "x")
    assert "folder" in str(e.value)


def test_an_interrupting_exception_also_cleans_up(tmp_path):
    p = tmp_path / "out.csv"

    def interrupted(tmp):
        tmp.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(p, interrupted)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path, umask, expected):
    import os

    old = os.umask(umask)
    try:
        p = atomic_write_text(tmp_path / f"r{umask}.html", "<p>x</p>")
    finally:
        os.umask(old)
    assert p.stat().st_mode & 0o777 == expected


def test_replacing_keeps_the_mode_and_mode_is_settable(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("old", encoding="utf-8")
    p.chmod(0o640)
    atomic_write_text(p, "new")
    assert p.stat().st_mode & 0o777 == 0o640
    q = atomic_write_text(tmp_path / "secret", "s", mode=0o600)
    assert q.stat().st_mode & 0o777 == 0o600
