"""The file hash that makes an import idempotent, computed while a new file is read.

A file whose byte size no recorded import had cannot have been imported: `survey import` starts its SHA-256
on a thread and reads the file meanwhile (the hash is only needed when the import is recorded).  A file
of a size some import had — or any file when an import's size is unknown (projects from before sizes were
recorded) — is hashed first, so a file imported before is still not read again.
"""

from __future__ import annotations

import hashlib
import os

import duckdb
import pandas as pd

from survey.importers import file_hash, hash_ahead
from survey.ingest import _size_recorded
from survey.store import Project

from test_rowcheck import ROWS, write_csv as write_rows, write_tiny


def _sizes(p: Project) -> dict:
    con = duckdb.connect(str(p.root / "minyi.duckdb"))
    try:
        return dict(con.execute("SELECT import_id, bytes FROM import_sizes ORDER BY import_id").fetchall())
    finally:
        con.close()


def _same_size_twin(src, dst):
    """``dst``: the bytes of ``src`` with one respondent id changed, the size kept."""
    text = src.read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")[0]
    twin = first[:-1] + ("9" if first[-1] != "9" else "8")
    dst.write_text(text.replace(first, twin, 1), encoding="utf-8")
    assert dst.stat().st_size == src.stat().st_size and dst.read_bytes() != src.read_bytes()
    return dst


def test_sizes_are_recorded_and_a_same_size_file_with_other_bytes_is_new(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    a = write_rows(tmp_path / "a.csv", [r for r, _ in ROWS])
    b = _same_size_twin(a, tmp_path / "b.csv")
    s1 = p.import_file(a, wave="w1")
    s2 = p.import_file(b, wave="w1")
    assert not s1.already and not s2.already
    imps = p.imports()
    assert list(imps["sha256"]) == [hashlib.sha256(f.read_bytes()).hexdigest() for f in (a, b)]
    assert _sizes(p) == {int(i): a.stat().st_size for i in imps["id"]}
    s3 = p.import_file(b, wave="w2")  # the same bytes again: found by the hash
    assert s3.already and "wave w1" in s3.already
    # not read: reading this text file as xlsx would be an error
    assert p.import_file(a, wave="w2", format="xlsx").already
    p.remove_import(int(imps["id"].iloc[0]))
    assert list(_sizes(p)) == [int(imps["id"].iloc[1])]


def test_a_project_without_recorded_sizes_still_finds_a_file_imported_before(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    a = write_rows(tmp_path / "a.csv", [r for r, _ in ROWS])
    p.import_file(a, wave="w1")
    con = duckdb.connect(str(p.root / "minyi.duckdb"))
    con.execute("DROP TABLE import_sizes")  # as a project imported before sizes were recorded
    con.close()
    again = Project.open(p.root)
    s = again.import_file(a, wave="w1", format="xlsx")  # hashed first, not read (as xlsx it would fail)
    assert s.already
    b = write_rows(tmp_path / "b.csv", [r for r, _ in ROWS[:2]])  # a new file is imported, its size recorded
    s2 = again.import_file(b, wave="w1")
    assert not s2.already and _sizes(again) == {s2.import_id: b.stat().st_size}
    assert again.import_file(b, wave="w1").already


def test_the_hash_ahead_is_the_files_sha256_and_follows_a_change(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(os.urandom(3 << 20))
    hash_ahead(f)
    assert file_hash(f) == hashlib.sha256(f.read_bytes()).hexdigest()
    f.write_bytes(os.urandom(1 << 20))
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))  # a new modification time
    assert file_hash(f) == hashlib.sha256(f.read_bytes()).hexdigest()


def test_rows_of_survey_serve_never_stand_for_a_file(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    a = write_rows(tmp_path / "a.csv", [r for r, _ in ROWS])
    frame = pd.read_csv(a, dtype=str, keep_default_na=False)
    s = p.commit_batch(p.prepare_rows(frame, source="serve", key="serve:1", wave="w1"))
    assert _sizes(p) == {s.import_id: -1}
    con = p.connect()
    try:
        assert not _size_recorded(con, a.stat().st_size)  # a file of any size is new: hashed while read
    finally:
        con.close()
    s2 = p.import_file(a, wave="w1")
    assert not s2.already and _sizes(p)[s2.import_id] == a.stat().st_size
