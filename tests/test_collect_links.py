"""survey links: signed links, QR codes (PNG/SVG) that encode them, links.csv and the A4 sheet (HTML/PDF)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import numpy as np
import pytest

from serve_helpers import ROOT, make_project
from survey.collect.links import LinkError, make_links, project_secret, verify


def _survey(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=str(ROOT), env=env, capture_output=True,
                          text=True, timeout=300)


def _png_modules(path, size: int, border: int = 4, scale: int = 10) -> np.ndarray:
    """The dark/light modules of a QR PNG written with ``scale`` pixels per module."""
    from PIL import Image

    img = np.asarray(Image.open(path).convert("L"))
    assert img.shape == ((size + 2 * border) * scale,) * 2
    centres = (np.arange(size) + border) * scale + scale // 2
    return img[np.ix_(centres, centres)] < 128


def test_links_command_writes_codes_csv_and_sheet(tmp_path):
    import segno
    from pypdf import PdfReader

    p = make_project(tmp_path)
    out = tmp_path / "qr"
    r = _survey("links", str(p.root), "--site", "社区", "--district", "东城区", "--collector", "V001",
                "--collector", "V002,V003", "--base-url", "https://survey.example.gov.cn/city", "--out", str(out))
    assert r.returncode == 0, r.stderr
    urls = [line for line in r.stdout.splitlines() if line.startswith("https://")]
    assert len(urls) == 3 and all(u.startswith("https://survey.example.gov.cn/city/?s=2&d=1&c=V00") for u in urls)
    secret = project_secret(p.root)
    with open(out / "links.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(x["site"], x["district"], x["collector"]) for x in rows] == [("社区", "东城区", f"V00{i}") for i in (1, 2, 3)]
    for x in rows:
        png = out / x["qr"]
        svg = png.with_suffix(".svg")
        assert png.exists() and svg.exists() and "<svg" in svg.read_text()
        want = segno.make(x["url"], error="m")
        got = _png_modules(png, len(want.matrix))
        assert (got == np.array(want.matrix, dtype=bool)).all()  # the picture is the code of this URL
        params = dict(kv.split("=", 1) for kv in x["url"].split("?", 1)[1].split("&"))
        ln = verify(p.questionnaire, secret, {k: v for k, v in params.items()})
        assert (ln.site_label, ln.district_label, ln.collector) == ("社区", "东城区", x["collector"])
    html = (out / "qr-sheet.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and p.questionnaire.title in html
    for words in ("调查点：</b>社区", "区县：</b>东城区", "调查员：</b>V003"):
        assert words in html
    pdf = PdfReader(str(out / "qr-sheet.pdf"))
    assert len(pdf.pages) == 1 and pdf.pages[0].mediabox.width == pytest.approx(595.3, abs=1)
    text = pdf.pages[0].extract_text()
    assert "V001" in text and "V003" in text


def test_links_without_values_and_bad_options(tmp_path):
    p = make_project(tmp_path)
    out = tmp_path / "plain"
    r = _survey("links", str(p.root), "--base-url", "http://192.0.2.10:8000", "--out", str(out), "--no-pdf")
    assert r.returncode == 0, r.stderr
    assert "http://192.0.2.10:8000/\n" in r.stdout and (out / "qr-survey.png").exists()
    assert not (out / "qr-sheet.pdf").exists()
    r = _survey("links", str(p.root), "--collector", "A1", "A2", "A3", "--base-url", "http://x.cn", "--out",
                str(tmp_path / "three"), "--no-pdf")
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "three").glob("*.png"))) == 3 and len(list((tmp_path / "three").glob("*.svg"))) == 3
    r = _survey("links", str(p.root), "--site", "学校", "--base-url", "http://x.cn", "--out", str(out))
    assert r.returncode == 2 and "学校" in r.stderr and "社区" in r.stderr and "Traceback" not in r.stderr
    r = _survey("links", str(p.root), "--base-url", "javascript:alert(1)", "--out", str(out))
    assert r.returncode == 2 and "--base-url" in r.stderr
    r = _survey("links", str(p.root), "--collector", "V1&k=x", "--base-url", "http://x.cn", "--out", str(out))
    assert r.returncode == 2 and "--collector" in r.stderr


def test_signatures_bind_every_value(tmp_path):
    p = make_project(tmp_path)
    q = p.questionnaire
    secret = project_secret(p.root)
    assert project_secret(p.root) == secret and oct(os.stat(p.root / ".serve_secret").st_mode & 0o777) == "0o600"
    ln = make_links(q, site="企业", collectors=["张三"])[0]
    params = ln.query(secret)
    assert verify(q, secret, params).collector == "张三"
    for k, v in (("s", "2"), ("c", "李四"), ("d", "1")):
        with pytest.raises(LinkError):
            verify(q, secret, {**params, k: v})
    with pytest.raises(LinkError):
        verify(q, b"another project's key" * 2, params)
