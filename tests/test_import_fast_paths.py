"""The import's faster steps give what the straightforward ones gave.

* the accepted rows as Arrow (``survey.ingest.arrow_rows``): codes converted in numpy and checked exact,
  text taken from pandas' Arrow strings; one chunk per column and zeros under null codes (both change
  how DuckDB stores the rows), a fraction in a code column still refused by Arrow's checked cast;
* option codes compared one by one (``survey.rowcheck._in_codes``) equal ``np.isin``;
* the skip masks with the site sections computed once per frame equal the masks computed per question;
* YAML through libyaml gives PyYAML's nodes, and PyYAML's own error for bad text;
* the Arrow memory pool switch leaves a pool chosen by the user alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import yaml

from survey import safeyaml
from survey.ingest import _int_codes, arrow_rows
from survey.qload import bundled_path, load_questionnaire
from survey.questionnaire import column_types
from survey.rowcheck import _in_codes
from survey.simulate import simulate
from survey.skip import asked_masks, condition_mask

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def q():
    return load_questionnaire(bundled_path())


@pytest.fixture(scope="module")
def frame(q):
    return simulate(q, 400, seed=3)


def _reference_rows(q, frame: pd.DataFrame, good: np.ndarray) -> pa.Table:
    """The accepted rows built the plain way: every value through Python, Arrow's checked cast."""
    arrays, names = [], []
    for c, t in column_types(q):
        if c not in frame.columns or c in ("_wave", "_import_id", "_source"):
            continue
        s = frame[c][good]
        if t in ("SMALLINT", "INTEGER", "DOUBLE", "BIGINT"):
            x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
            typ = {"SMALLINT": pa.int16(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "BIGINT": pa.int64()}[t]
            arrays.append(pa.array(x, mask=np.isnan(x)).cast(typ))
        else:
            arrays.append(pa.array([None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                                    for v in s.astype(object).tolist()], type=pa.string()))
        names.append(c)
    return pa.Table.from_arrays(arrays, names=names)


def _native_like(q, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the native reader hands it on: float32 codes, text as pandas' Arrow strings in chunks."""
    out = frame.copy()
    for c, t in column_types(q):
        if c not in out.columns:
            continue
        if t in ("SMALLINT", "INTEGER"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(np.float32)
        elif t == "VARCHAR":
            vals = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                    for v in out[c].astype(object).tolist()]
            half = len(vals) // 2
            chunked = pa.chunked_array([pa.array(vals[:half], pa.large_string()), pa.array(vals[half:], pa.large_string())])
            out[c] = pd.Series(pd.arrays.ArrowStringArray(chunked), index=out.index)
    out = out.copy()  # one block per dtype again after the column-by-column replacements
    out["_row"] = np.arange(len(out), dtype=np.int64) + 2
    return out


@pytest.mark.parametrize("all_good", [True, False])
def test_arrow_rows_equal_the_plain_conversion(q, frame, all_good):
    f = _native_like(q, frame)
    good = np.ones(len(f), dtype=bool)
    if not all_good:
        good[::7] = False
    got = arrow_rows(q, f, good)
    want = _reference_rows(q, f, good)
    assert got.schema == want.schema
    assert got.num_rows == int(good.sum())
    for c in want.column_names:
        assert got.column(c).equals(want.column(c)), c
        assert got.column(c).num_chunks == 1, c  # DuckDB stores each record batch apart


@pytest.mark.parametrize("dtype", [np.int16, np.int32])
def test_null_codes_have_zeros_underneath(dtype):
    x = np.array([1, np.nan, 3, np.nan, 99], dtype=np.float32)
    arr = _int_codes(x, dtype)
    assert arr.type == pa.from_numpy_dtype(dtype)
    assert arr.to_pylist() == [1, None, 3, None, 99]
    data = np.frombuffer(arr.buffers()[1], dtype=dtype)[arr.offset:arr.offset + len(arr)]
    assert data.tolist() == [1, 0, 3, 0, 99]  # NaN cast to int32 is -2**31: stored, it compresses badly


def test_a_fraction_in_a_code_column_is_still_refused(q, frame):
    f = _native_like(q, frame)
    code_col = next(c for c, t in column_types(q) if t == "SMALLINT" and c in f.columns)
    f[code_col] = f[code_col].astype(np.float32)
    f.loc[f.index[0], code_col] = 1.5
    with pytest.raises(pa.ArrowInvalid):
        arrow_rows(q, f, np.ones(len(f), dtype=bool))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_in_codes_equals_isin(dtype):
    rng = np.random.default_rng(5)
    x = rng.integers(-3, 12, size=5000).astype(dtype)
    x[rng.random(5000) < 0.2] = np.nan
    x[:3] = [0.1, 1.5, 16777217.0]
    for codes in ([1, 2, 3, 4, 5], [0.1, 1, 9], [16777217.0, 2], list(range(40)), []):
        c = np.array(codes, dtype=float)
        assert np.array_equal(_in_codes(x, c), np.isin(x, c)), codes


def test_skip_masks_with_sections_once_per_frame_equal_per_question(q, frame):
    assert any(s.sections for s in q.sites)
    masks = asked_masks(q, frame)
    for qq in q.questions:
        assert np.array_equal(masks[qq.id], condition_mask(q, qq, frame)), qq.id
    some = next(iter(masks.values()))
    some[:] = False  # the caller may change a mask: the next frame's masks are not affected
    again = asked_masks(q, frame)
    assert any(m.any() for m in again.values())


def _nodes(n, out):
    out.append((type(n).__name__, n.tag, n.start_mark.line, n.start_mark.column, n.end_mark.line,
                n.end_mark.column, n.value if isinstance(n, yaml.ScalarNode) else None))
    if isinstance(n, yaml.MappingNode):
        for k, v in n.value:
            _nodes(k, out)
            _nodes(v, out)
    elif isinstance(n, yaml.SequenceNode):
        for v in n.value:
            _nodes(v, out)
    return out


def test_yaml_nodes_equal_pyyaml_and_errors_are_pyyaml_s():
    files = sorted((ROOT / "questionnaires").glob("*.yaml")) + sorted((ROOT / "tests" / "data").glob("*.yaml"))
    assert files
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert _nodes(safeyaml.compose(text), []) == _nodes(yaml.compose(text, Loader=yaml.SafeLoader), []), f
        assert safeyaml.safe_load(text, str(f)) == yaml.safe_load(text), f
    bad = "a: 1\nb: [1, 2\nc: 3\n"
    with pytest.raises(yaml.YAMLError) as ours:
        safeyaml.compose(bad)
    with pytest.raises(yaml.YAMLError) as theirs:
        yaml.compose(bad, Loader=yaml.SafeLoader)
    assert str(ours.value) == str(theirs.value)


def test_memory_pool_switch_respects_the_user_s_choice():
    code = ("from survey.arrow_memory import use_fast_pool; import pyarrow as pa; use_fast_pool(); "
            "print(pa.default_memory_pool().backend_name)")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    env["PYTHONPATH"] = str(ROOT)
    ours = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert ours.stdout.strip() in ("jemalloc", "system")
    chosen = subprocess.run([sys.executable, "-c", code], env={**env, "ARROW_DEFAULT_MEMORY_POOL": "mimalloc"},
                            capture_output=True, text=True, check=True)
    assert chosen.stdout.strip() == "mimalloc"


def _native_file(q, tmp_path, frame, blank_site: bool) -> Path:
    from survey.simulate import write_csv

    f = frame.copy()
    code_col = next(c for c, t in column_types(q) if t == "SMALLINT" and c in f.columns and c != q.site_question)
    f[code_col] = ["" if pd.isna(v) else str(int(v)) for v in f[code_col]]
    f.loc[f.index[3], code_col] = "77"  # a number but no option: the row is quarantined by the checks
    if blank_site:
        f[q.site_question] = f[q.site_question].astype(float)
        f.loc[f.index[5:10], q.site_question] = np.nan  # filled by --site
    path = tmp_path / "native.csv"
    write_csv(f, path)
    return path


@pytest.mark.parametrize("site", [None, "社区"])
def test_codes_as_read_are_stored_as_the_frame_holds_them(q, frame, tmp_path, site):
    """The native reader's int16 arrays (ImportedTable.codes) give the rows the frame's floats give, with zeros
    under nulls; a column replaced since the read (--site fills the site question) is taken from the frame."""
    from survey.importers import read_responses
    from survey.ingest import build_batch

    path = _native_file(q, tmp_path, frame, blank_site=site is not None)
    table = read_responses(path, q)
    assert table.format == "native" and table.codes  # the fast path
    plain = read_responses(path, q)
    plain.codes = {}
    kw = dict(source="native.csv", path=str(path), key="k", wave="w", site=site, strict=False, hash_pii=False)
    fast, slow = build_batch(q, table, **kw), build_batch(q, plain, **kw)
    assert fast.quarantined == slow.quarantined >= 1
    assert fast.rows.equals(slow.rows)
    if site is not None:
        assert fast.rows.column(q.site_question).null_count == 0
    checked = 0
    for c in fast.rows.column_names:
        arr = fast.rows.column(c).chunk(0)
        if arr.type == pa.int16() and arr.null_count:
            data = np.frombuffer(arr.buffers()[1], dtype=np.int16, count=arr.offset + len(arr))[arr.offset:]
            assert (data[arr.is_null().to_numpy(zero_copy_only=False)] == 0).all(), c
            checked += 1
    assert checked > 0
