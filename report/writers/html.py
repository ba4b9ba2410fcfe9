"""The HTML report: one jinja2 template for every language (``report_templates/report.html.j2``, or a
user's ``report_<lang>.html.j2`` / ``report.html.j2`` via ``template_dir``) filled from the report
context (:func:`report.render.build_context`).

The bundled template walks the chapter records (``sections``: headings, paragraphs, lists, headline
figures, tables, figures) that the DOCX and XLSX writers print too, with the table and figure
numbers of :mod:`report.numbering` (``tcap``/``fcap``), so every format shows the same content under
the same numbers; tables are shown through :func:`report.writers.html_table.table_view`. Autoescaping is on:
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


def template_name(template_dir: Optional[Path], lang: str) -> str:
    """The template file the report uses: in a user's ``template_dir`` ``report_<lang>.html.j2`` before
    ``report.html.j2`` (docs/report-data.md, "--template"); the bundled ``report.html.j2`` otherwise.
    Raises ``template-dir-empty`` naming both and saying to copy ``report.html.j2`` (the file minyi ships)
    when the user's folder holds neither, so ``survey report`` can stop before the analysis, not after it."""
    if template_dir is None:
        return "report.html.j2"
    names = [f"report_{lang}.html.j2", "report.html.j2"]
    root = Path(template_dir)
    name = next((n for n in names if (root / n).is_file()), None)
    if name is None:
        raise MinyiError.of("template-dir-empty", file=str(root), lang_name=names[0], name=names[-1], path=str(root))
    return name


def render_html(context: dict, *, lang: str = "zh", template_dir: Optional[Path] = None) -> str:
    """Render the HTML report and embed the font subsets for exactly the characters it uses.

    Templates come only from files (the bundled folder or ``template_dir``); values are
    autoescaped, so respondent text such as ``<script>`` or ``{{ 7*7 }}`` appears literally."""
    import jinja2

    from ..fonts import font_face_css

    from .html_table import table_view

    env, root = _env(template_dir)
    name = template_name(template_dir, lang)
    try:
        tmpl = env.get_template(name)
        html = tmpl.render(**context, table_view=lambda t: table_view(t, lang))
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
