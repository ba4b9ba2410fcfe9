"""The report's chart images (charts/<name>.png and .svg) on a disk that fills up: one message naming the image
(catalogue ``disk-full``) and no image left under its name, empty or cut off — as every file minyi writes
(survey.atomic).  The disk is made full for the child process by a file-size limit (RLIMIT_FSIZE, as
tests/test_atomic.py's writers meet it): writes beyond it fail with EFBIG.

Before: the PNG was written straight to its name and the SVG saved straight there, so a full disk left empty
PNGs and a cut-off SVG in the report's charts folder, and the report said "cannot write .", naming no file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
from report import charts
from survey.errors import MinyiError

out = Path(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
labels = [f"指标 {i}" for i in range(12)]
try:
    charts.bar_ci("rates", "满意度", labels, [0.5 + i / 40 for i in range(12)], [0.4 + i / 40 for i in range(12)],
                  [0.6 + i / 40 for i in range(12)], out_dir=out)
    said = []
except MinyiError as e:
    said = [(p.code, p.message) for p in e.problems]
print(json.dumps(said))
"""


def _draw(out: Path, limit: int) -> list:
    # no bytecode written under the limit: a .pyc cut short would break every later import of its module
    r = subprocess.run([sys.executable, "-c", CHILD, str(out), str(limit)], capture_output=True, text=True, cwd=ROOT,
                       timeout=300, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_a_chart_on_a_full_disk_leaves_no_image_under_its_name(tmp_path):
    out = tmp_path / "charts"
    assert _draw(out, 1 << 30) == []  # room enough: both images written
    sizes = {p.name: p.stat().st_size for p in out.iterdir()}
    assert set(sizes) == {"rates.png", "rates.svg"} and min(sizes.values()) > 0
    for limit, cut in ((sizes["rates.png"] // 2, "rates.png"), ((sizes["rates.svg"] // 2), "rates.svg")):
        if limit <= sizes["rates.png"] and cut == "rates.svg":
            continue  # the PNG would fail first
        full = tmp_path / f"full_{cut}"
        said = _draw(full, limit)
        assert [c for c, _ in said] == ["disk-full"], said
        assert str(full / cut) in said[0][1], said
        left = sorted(p.name for p in full.iterdir())
        assert left == ([] if cut == "rates.png" else ["rates.png"]), left  # nothing cut off, no temporary file
