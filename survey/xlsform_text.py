"""Texts that an XLSForm would read as something else: ``${name}`` in a label, hint, message or the form's title is
a reference to the field ``name`` in XLSForm (pyxform turns it into the field's answer, and rejects the whole
form when no field has that name), while minyi shows the text as written.  XLSForm has no escape for it, so the
export writes ``$`` + WORD JOINER (U+2060, invisible and of no width) + ``{``: pyxform leaves it alone and ODK
Collect, Enketo and Kobo show the same text as minyi's paper and web forms.  The reading (``--to yaml``) takes the
joiner out again, so a questionnaire comes back as it was written."""

from __future__ import annotations

from typing import Any

REFERENCE = "${"
LITERAL = "$\u2060{"


def literal(text: Any) -> Any:
    """``text`` with every ``${`` kept as text (:data:`LITERAL`); anything that is not a string as it is."""
    return text.replace(REFERENCE, LITERAL) if isinstance(text, str) and REFERENCE in text else text


def unescaped(node: Any) -> Any:
    """pyxform's JSON of a form (or any part of it) with :data:`LITERAL` back to ``${`` in every string."""
    if isinstance(node, str):
        return node.replace(LITERAL, REFERENCE) if LITERAL in node else node
    if isinstance(node, dict):
        return {k: unescaped(v) for k, v in node.items()}
    if isinstance(node, list):
        return [unescaped(v) for v in node]
    return node
