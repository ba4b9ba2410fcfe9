"""jieba's dictionary read from minyi's cache (report/segmenter.py) is jieba's own: the same words, counts
and total, so the same segmentation; a missing or damaged cache means jieba loads its own way and the
cache is written again."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT = "希望政府加强停车管理，解决停车难问题；小区垃圾分类宣传不够，公共厕所太少"

_SCRIPT = f"""
import hashlib, json, sys
import jieba
from report import segmenter
jieba.setLogLevel(60)
if sys.argv[1] == "own":  # jieba's own load
    jieba.initialize()
    via = "jieba"
else:
    via = "cache" if segmenter._load_prefix_dict(jieba) else "jieba"
    segmenter._load()
dt = jieba.dt
digest = hashlib.sha256(repr(sorted(dt.FREQ.items())).encode()).hexdigest()
print(json.dumps([via, len(dt.FREQ), dt.total, digest, jieba.lcut({TEXT!r})]))
"""


def _run(cache: Path, how: str) -> list:
    out = subprocess.run([sys.executable, "-c", _SCRIPT, how], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache)})
    return json.loads(out.stdout)


def test_the_cached_dictionary_is_jiebas_own(tmp_path):
    own = _run(tmp_path, "own")
    assert own[0] == "jieba" and own[1] > 300_000 and "停车" in own[4]
    first = _run(tmp_path, "cached")  # no cache yet: jieba's own load, then the cache is written
    files = list((tmp_path / "minyi" / "jieba").glob("prefix-*.npz"))
    assert first[0] == "jieba" and len(files) == 1
    second = _run(tmp_path, "cached")
    assert second[0] == "cache"
    assert first[1:] == second[1:] == own[1:]  # words, counts, total and the segmentation

    files[0].write_bytes(b"PK\x03\x04 not a whole file")  # damaged: jieba's own load, and written again
    again = _run(tmp_path, "cached")
    assert again[0] == "jieba" and again[1:] == own[1:]
    assert _run(tmp_path, "cached")[0] == "cache"
