"""LibreOffice's DOCX → PDF for the page tests, with fonts that do not depend on the machine.

LibreOffice lays a Word file out with whatever fonts fontconfig offers for the names the DOCX asks for (仿宋_GB2312,
宋体, 黑体, …, installed only on Chinese office PCs).  On one machine 仿宋_GB2312 became Noto Serif CJK, on another
DejaVu Sans, and the same report.docx broke its pages differently: the page test passed on one and failed on the
other (表27's last row alone on a page).  Here the conversion runs under a fontconfig configuration of its own
(``FONTCONFIG_FILE``): its only font folder is minyi's bundled Noto Sans SC / Noto Serif SC
(:func:`report.fonts.font_path`), and every font name the report's Word files use is mapped onto one of the two —
宋/仿宋/楷/小标宋 and Latin serif faces onto Noto Serif SC, 黑体 and sans faces onto Noto Sans SC.  LibreOffice runs
with its own user profile in the same folder, so a conversion never waits on (or is swallowed by) another
LibreOffice instance.  docs/report-rendering.md gives the same setup for a user's shell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from html import escape
from pathlib import Path

from report.fonts import font_path

SERIF = "Noto Serif SC"
SANS = "Noto Sans SC"
# every font name report.docx / brief docx name (report/writers/docx_style.py LOOKS, report/brief_render.py, the
# page numbers' Times New Roman) and those python-docx's default template lists in its font table and theme
SERIF_NAMES = ("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "宋体", "SimSun", "新宋体", "NSimSun",
               "楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312", "方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S",
               "Times New Roman", "Times", "Cambria", "ＭＳ 明朝", "Courier", "Courier New", "Symbol", "serif",
               "monospace")
SANS_NAMES = ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "Calibri", "Arial", "Helvetica", "ＭＳ ゴシック",
              "sans-serif")
SOFFICE = shutil.which("soffice")


def fonts_conf(folder: Path) -> Path:
    """Write ``folder``/fonts.conf: the bundled fonts only, every name above mapped onto one of them; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    dirs = sorted({str(font_path(k).parent) for k in ("sans", "serif")})
    rules = []
    for names, target in ((SERIF_NAMES, SERIF), (SANS_NAMES, SANS)):
        for name in names:
            n, t = escape(name), escape(target)
            rules.append(f'  <alias binding="same"><family>{n}</family><prefer><family>{t}</family></prefer></alias>')
            rules.append(f'  <match target="pattern"><test qual="any" name="family"><string>{n}</string></test>'
                         f'<edit name="family" mode="assign" binding="same"><string>{t}</string></edit></match>')
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
                    + "".join(f"  <dir>{escape(d)}</dir>\n" for d in dirs)
                    + f"  <cachedir>{escape(str(folder / 'fc-cache'))}</cachedir>\n"
                    + "\n".join(rules) + "\n</fontconfig>\n", encoding="utf-8")
    return conf


def office_env(folder: Path) -> dict:
    """The environment for ``soffice`` / ``fc-match``: the process's own, with FONTCONFIG_FILE set."""
    return {**os.environ, "FONTCONFIG_FILE": str(fonts_conf(folder))}


def fonts_named(docx: Path) -> set:
    """The font names a Word file asks for (w:rFonts of every part, the font table)."""
    import re

    names = set()
    with zipfile.ZipFile(docx) as z:
        for part in z.namelist():
            if part.startswith("word/") and part.endswith(".xml") and "theme" not in part:
                xml = z.read(part).decode("utf-8")
                names |= set(re.findall(r'w:(?:ascii|eastAsia|hAnsi|cs)="([^"]+)"', xml)) - {
                    v for v in re.findall(r'w:eastAsia="([a-z]{2}-[A-Z]{2})"', xml)}
                names |= set(re.findall(r'<w:font w:name="([^"]+)"', xml))
    return names


def docx_to_pdf(docx: Path, out_dir: Path, timeout: int = 300) -> Path:
    """``docx`` converted by LibreOffice under the bundled fonts into ``out_dir``; returns the PDF's path.
    Fails when the file names a font the configuration does not map (its pages would depend on the machine)."""
    assert SOFFICE, "LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui"
    unmapped = fonts_named(docx) - set(SERIF_NAMES) - set(SANS_NAMES)
    assert not unmapped, f"{docx} names fonts tests/office_pdf.py does not map: {sorted(unmapped)}"
    work = Path(out_dir) / ".office"
    env = office_env(work)
    subprocess.run([SOFFICE, f"-env:UserInstallation={(work / 'profile').resolve().as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
                   check=True, capture_output=True, timeout=timeout, env=env)
    pdf = Path(out_dir) / (Path(docx).stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no {pdf}"
    return pdf


def fc_match(name: str, folder: Path) -> str:
    """The family fontconfig gives for ``name`` under the configuration (``fc-match``)."""
    r = subprocess.run(["fc-match", "--format=%{family}", name.replace("-", "\\-")], capture_output=True, text=True, check=True,
                       env=office_env(folder))
    return r.stdout.split(",")[0]
