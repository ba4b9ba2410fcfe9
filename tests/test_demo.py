"""`survey demo`: the end-to-end job on bundled material produces a Chinese HTML report with charts."""

from __future__ import annotations

import re
import subprocess
import sys


def test_demo_html(tmp_path):
    out = tmp_path / "demo"
    r = subprocess.run([sys.executable, "-W", "always", "-c", "import cli; cli.main()", "demo", "--out", str(out),
                        "--format", "html"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    assert "Glyph" not in r.stderr  # matplotlib's "Glyph ... missing from font" warning
    htmls = list(out.glob("*.html"))
    assert htmls, list(out.iterdir())
    page = htmls[0].read_text(encoding="utf-8")
    han = re.findall(r"[\u4e00-\u9fff]", page)
    assert len(han) > 500  # a Chinese report, not a stub
    for word in ("知晓率", "支持率", "参与率", "满意"):
        assert word in page
    assert "@font-face" in page  # Chinese text renders with the embedded bundled font
    assert page.count("data:image/") + page.count("<svg") >= 1  # at least one chart
    # the simulated responses the demo used are kept next to the report
    assert list(out.glob("*.csv"))
