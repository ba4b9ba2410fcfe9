"""The HTML report: a jinja2 template (``report_templates/report_zh.html.j2`` / ``report_en.html.j2``, or
a user's copy via ``template_dir``) filled from the report context (:func:`report.render.build_context`).

The templates print the chapter records' table and figure captions with their numbers
(``tcap``/``fcap``, :mod:`report.numbering`), so HTML, PDF and DOCX number alike. Autoescaping is on:
respondent text is data, never template source. Charts are PNG data URIs and the bundled CJK fonts
subset ``@font-face`` data URIs, so the file needs no network.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Optional

from survey.cells import clean_text
from survey.errors import MinyiError

from .html_print import print_ready


def _env(template_dir: Optional[Path]):
    import jinja2

    root = Path(template_dir) if template_dir is not None else Path(str(files("report_templates")))
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), autoescape=True,
                              undefined=jinja2.ChainableUndefined), root


def render_html(context: dict, *, lang: str = "zh", template_dir: Optional[Path] = None) -> str:
    """Render the HTML report and embed the font subsets for exactly the characters it uses.

    Templates come only from files (the bundled folder or ``template_dir``); values are
    autoescaped, so respondent text such as ``<script>`` or ``{{ 7*7 }}`` appears literally."""
    import jinja2

    from ..fonts import font_face_css

    env, root = _env(template_dir)
    name = f"report_{lang}.html.j2"
    try:
        tmpl = env.get_template(name)
        html = tmpl.render(**context)
    except jinja2.TemplateNotFound:
        raise MinyiError.of("template-missing", file=str(root), name=name, path=str(root))
    except jinja2.TemplateSyntaxError as e:
        raise MinyiError.of("template-error", file=str(root / (e.name or name)), line=e.lineno, name=name,
                            reason=e.message)
    except (jinja2.TemplateError, TypeError, AttributeError, KeyError, ValueError) as e:
        raise MinyiError.of("template-error", file=str(root / name), name=name, reason=f"{type(e).__name__}: {e}")

    html = print_ready(html)  # thead, small tables kept with their captions, print rules
    html = clean_text(html)  # no control characters from stored text or labels (HTML and the PDF made from it)
    if "/*FONTFACE*/" in html:
        css = font_face_css(html, kind="sans") + "\n" + font_face_css(html, kind="serif")
        html = html.replace("/*FONTFACE*/", css, 1)
    return html
