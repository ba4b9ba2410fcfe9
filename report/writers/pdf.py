"""The PDF report: weasyprint renders the report HTML (its A4 print stylesheet, report/writers/html_print.py)."""

from __future__ import annotations

import re
from pathlib import Path

from survey.errors import MinyiError


_DEBIAN = {"pango": "libpango-1.0-0", "pangoft2": "libpangoft2-1.0-0", "gobject": "libglib2.0-0",
           "glib": "libglib2.0-0", "harfbuzz": "libharfbuzz0b", "harfbuzz-subset": "libharfbuzz-subset0",
           "fontconfig": "libfontconfig1", "cairo": "libcairo2", "gdk_pixbuf": "libgdk-pixbuf-2.0-0"}


def pdf_library_error(exc: BaseException) -> MinyiError:
    """One message naming the Debian package to install, from weasyprint's import error."""
    text = str(exc)
    m = re.search(r"cannot load library '([^']+)'", text) or re.search(r"(lib[\w.+-]+)", text)
    lib = m.group(1) if m else "Pango"
    key = re.sub(r"^lib|[-.]\d.*$|\.so.*$", "", lib).lower()
    pkg = next((v for k, v in sorted(_DEBIAN.items(), key=lambda kv: -len(kv[0])) if key.startswith(k)),
               "libpango-1.0-0 libpangoft2-1.0-0")
    return MinyiError.of("pdf-library", library=lib, package=pkg, reason=text)


def write_pdf(html: str, path: Path) -> None:
    """PDF from an HTML page with weasyprint (its own A4 print stylesheet: the report's, the brief's, the paper
    form's), written atomically (:func:`survey.atomic.atomic_write`: a folder or a full disk at ``path`` is one
    message naming it, and no temporary file is left behind)."""
    try:
        from weasyprint import HTML
    except OSError as e:  # missing pango/glib/harfbuzz system libraries
        raise pdf_library_error(e)
    import logging

    from survey.atomic import atomic_write

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    atomic_write(path, lambda tmp: HTML(string=html).write_pdf(str(tmp)))
