"""Bundled CJK fonts: charts draw Chinese without missing glyphs; fonts resolve from the installed package."""

from __future__ import annotations

import base64
import io
import re
import warnings
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from report.fonts import SANS_FAMILY, font_face_css, font_path, register_matplotlib

LABELS = ["环境卫生", "市容市貌", "背街小巷", "农贸市场", "公共厕所", "干部作风与行政效能", "满意率（%）"]
REPO = Path(__file__).resolve().parents[1]


def _draw(family: str | None = None) -> list[str]:
    """Draw a bar chart with Chinese labels to Agg; return the warning messages emitted."""
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.barh(LABELS, range(len(LABELS)))
    kw = {"fontfamily": family} if family else {}
    ax.set_title("创建全国文明城市满意度调查：各领域满意率", **kw)
    ax.set_xlabel("满意率（百分比）", **kw)
    for t in ax.get_yticklabels():
        if family:
            t.set_fontfamily(family)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def test_no_missing_glyph_warning_with_registered_font():
    assert register_matplotlib() == SANS_FAMILY
    msgs = _draw()
    assert not [m for m in msgs if "Glyph" in m and "missing" in m], msgs


def test_detector_catches_missing_glyphs_with_a_latin_only_font():
    # the negative control: DejaVu Sans has no Han glyphs, so the check above can fail
    register_matplotlib()
    msgs = _draw(family="DejaVu Sans")
    assert any("Glyph" in m and "missing" in m for m in msgs)


def test_matplotlib_resolves_the_bundled_font():
    from matplotlib import font_manager

    register_matplotlib()
    found = font_manager.findfont(font_manager.FontProperties(family=SANS_FAMILY), fallback_to_default=False)
    assert Path(found).resolve() == font_path("sans").resolve()


@pytest.mark.parametrize("kind", ["sans", "serif"])
def test_fonts_come_from_the_installed_package_and_cover_chinese(kind):
    import pylopdf_fonts_zh_cn

    p = font_path(kind)
    assert p.is_file() and p.stat().st_size > 1_000_000
    pkg_dir = Path(pylopdf_fonts_zh_cn.__file__).resolve().parent
    assert p.resolve().parent == pkg_dir  # from the installed dependency, not the checkout
    assert REPO not in p.resolve().parents
    cmap = TTFont(str(p), lazy=True, fontNumber=0).getBestCmap()
    for ch in "民意满意率知晓率支持率参与率创建全国文明城市背街小巷农贸市场":
        assert ord(ch) in cmap, ch


def test_font_face_css_embeds_a_subset_covering_the_text():
    text = "城市环境满意度：非常满意、满意、一般"
    css = font_face_css(text, kind="sans")
    m = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css)
    assert m and f"font-family: '{SANS_FAMILY}'" in css
    data = base64.b64decode(m.group(1))
    assert len(data) < font_path("sans").stat().st_size / 20  # a subset, not the whole font
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    for ch in set(text):
        assert ord(ch) in cmap, ch
    assert ord("鑫") not in cmap  # characters not on the page are left out


def test_font_subsets_are_kept_between_runs(tmp_path, monkeypatch):
    """A subset is built once and read back from the cache folder; a damaged cache is not needed."""
    from report import fonts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    chars = "".join(sorted(set("缓存测试：文明城市")))
    fonts._subset_bytes.cache_clear()
    built, _ = fonts._subset_bytes("sans", chars)
    files = list((tmp_path / "minyi" / "fonts").glob("*.woff"))
    assert len(files) == 1 and files[0].read_bytes() == built
    files[0].write_bytes(b"wOFFmarker")  # the next process reads the file, it does not rebuild
    fonts._subset_bytes.cache_clear()
    assert fonts._subset_bytes("sans", chars)[0] == b"wOFFmarker"
    files[0].write_bytes(b"junk")  # not a WOFF file: rebuilt
    fonts._subset_bytes.cache_clear()
    assert fonts._subset_bytes("sans", chars)[0] == built
    files[0].unlink()
    fonts._subset_bytes.cache_clear()
    assert fonts._subset_bytes("sans", chars)[0] == built  # rebuilt identically when the file is gone
    (tmp_path / "minyi").chmod(0o500)  # an unwritable cache only means building every time
    try:
        fonts._subset_bytes.cache_clear()
        assert fonts._subset_bytes("sans", chars + "新")[0]
    finally:
        (tmp_path / "minyi").chmod(0o700)
        fonts._subset_bytes.cache_clear()
