"""The words minyi prints live in one zh/en table keyed by code (survey/labels.py LABELS, read with ``label(code,
lang)`` / ``labels(kind, lang)``): report/, survey/ and cli/ hold no language dict of their own (``{"zh": …, "en":
…}``), no inline pair of words (``"…" if lang == "en" else "…"``) and no branch on the language that gives its
own words (``if lang == "en": return f"{m} {y}"``), and the table names each code once.

A scan of the source (ast), so that a new module cannot grow its own second table again unnoticed."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = {"zh", "en"}


# what the scan leaves alone, and why
EXEMPT = {
    # the message catalogue: the other table of words (CATALOGUE / CATALOGUE_ZH), with its rendering in each language
    ("survey/messages.py", None),
    # XLSForm's names of the label columns' languages (label::Chinese (zh)): the format's identifiers, not words
    ("survey/xlsform_columns.py", 'dict keyed {"zh", "en"}'),
}


def _source_files() -> list[Path]:
    """The modules that say things to users (survey/labels.py, the table itself, included: it has no pair of its own)."""
    return sorted(p for folder in ("report", "survey", "cli") for p in (ROOT / folder).rglob("*.py"))


def _exempt(path: Path, what: str) -> bool:
    name = path.relative_to(ROOT).as_posix()
    return (name, None) in EXEMPT or (name, what) in EXEMPT


def _is_lang_test(node: ast.expr) -> bool:
    """``lang == "en"``, ``self.lang != "zh"``, ``en`` (a flag named for a language), ``not en`` …"""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _is_lang_test(node.operand)
    if isinstance(node, ast.Name):
        return node.id in LANGS
    if isinstance(node, ast.Compare) and len(node.comparators) == 1:
        sides = [node.left, node.comparators[0]]
        return any(isinstance(s, ast.Constant) and s.value in LANGS for s in sides)
    return False


def _is_words(node: ast.expr) -> bool:
    """A literal text (a plain string or an f-string) with something of its own besides line breaks (``f"{m} {y}"``
    orders words; ``f"{stem}\\n{rest}"`` only lays a name out on two lines), and not a language code (``"zh" if zh
    else "en"``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    else:
        return False
    return bool(text.strip("\n")) and text not in LANGS


def _gives_words(node: ast.stmt) -> bool:
    """A statement that returns or assigns literal words (plain, or a pair of them chosen by a condition)."""
    value = node.value if isinstance(node, (ast.Return, ast.Assign, ast.AnnAssign, ast.AugAssign)) else None
    if value is None:
        return False
    if isinstance(value, ast.IfExp):
        return _is_words(value.body) and _is_words(value.orelse)
    return _is_words(value)


def language_tables(source: str) -> list[tuple[int, str]]:
    """(line, what) of every language dict, every inline pair of words and every branch on the language that
    returns or assigns its own words in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Constant) for k in node.keys) \
                and {k.value for k in node.keys} == LANGS:
            found.append((node.lineno, 'dict keyed {"zh", "en"}'))
        elif isinstance(node, ast.IfExp) and _is_lang_test(node.test) and _is_words(node.body) \
                and _is_words(node.orelse):
            found.append((node.lineno, "inline pair of words chosen by language"))
        elif isinstance(node, ast.If) and _is_lang_test(node.test):
            # the words of both branches (nested statements too: ``if lang == "en": if same: return …``), not those
            # of an ``elif`` (an ``elif`` on the language is an If of its own here)
            elif_ = len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)
            said = [s for s in node.body + ([] if elif_ else node.orelse) for s in ast.walk(s)
                    if isinstance(s, ast.stmt) and _gives_words(s)]
            if said:
                found.append((said[0].lineno, "words of a branch on the language"))
    return sorted(found)


def test_the_scan_finds_both_patterns():
    src = ('A = {"zh": "表", "en": "Table"}\n'
           'b = "Note" if lang == "en" else "注"\n'
           'c = f"{x}期" if self.lang == "zh" else f"wave {x}"\n'
           'd = "、" if not en else ", "\n'
           'e = {"zh": TREND_METHOD_ZH, "en": TREND_METHOD}[lang]\n'
           'ok = w.label_en if lang == "en" else w.label\n'  # a data record's own field in each language
           'ok2 = 14 if lang == "en" else 7.5\n'  # typography, not words
           'def f(lang, a, b):\n'
           '    if lang == "en":\n'
           '        if a == b:\n'
           '            return f"{a} {b}"\n'  # 11: a branch's own words, nested
           '        return "x"\n'
           '    if self.lang != "zh":\n'
           '        basis = "the test" if a else "the change"\n'  # 14: a pair assigned in the branch
           '    if not en:\n'
           '        word = "期"\n'  # 16
           '    if lang == "en":\n'
           '        return name.lower()\n'  # casing, no words of its own
           '    if lang == "zh":\n'
           '        x = label("a", lang)\n'  # words from the table
           '    if lang == "zh":\n'
           '        return f"{stem}\\n{rest}"\n'  # a name laid out on two lines
           '    else:\n'
           '        return "Note"\n'  # 24: the other branch's words
           '    if lang == "en":\n'
           '        y = 1\n'
           '    elif a:\n'
           '        y = "是"\n'  # an elif on something else: not the language's branch
           '    code = "zh" if zh else "en"\n')  # language codes, not words
    assert [line for line, _ in language_tables(src)] == [1, 2, 3, 4, 5, 11, 14, 16, 24]


def test_no_module_has_a_language_table_of_its_own():
    bad = [f"{p.relative_to(ROOT)}:{line}: {what}" for p in _source_files()
           for line, what in language_tables(p.read_text(encoding="utf-8")) if not _exempt(p, what)]
    assert not bad, "words belong in survey/labels.py LABELS (read with label/labels):\n" + "\n".join(bad)


def test_label_codes_are_each_defined_once():
    tree = ast.parse((ROOT / "survey" / "labels.py").read_text(encoding="utf-8"))
    table = next(n.value for n in tree.body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "LABELS")
    assert isinstance(table, ast.Dict)
    codes = [k.value for k in table.keys]
    assert len(codes) > 400
    dup = sorted({c for c in codes if codes.count(c) > 1})
    assert not dup, dup  # a later entry would silently replace the earlier one's words
    assert all(isinstance(v, ast.Tuple) and len(v.elts) == 2 for v in table.values)  # (zh, en) each


def test_the_significance_level_is_the_constant():
    """A text that names the tests' level takes it as ``{alpha:g}`` filled from analysis.thresholds.ALPHA (the one
    constant the tests use), never a written 0.05 that a changed ALPHA would leave wrong."""
    from analysis.thresholds import ALPHA
    from survey.labels import LABELS

    written = [c for c, pair in LABELS.items() for t in pair if "0.05" in t]
    assert not written, written
    named = sorted(c for c, pair in LABELS.items() if all("{alpha:g}" in t for t in pair))
    assert {"note.channels", "trend.wavy_note", "note.group_compare", "method.group_compare", "method.hot_issues",
            "note.district_problems", "brief.changes_note"} <= set(named)
    # every text naming the level fills it in (no text is printed with its placeholder)
    from report.brief import CHANGES_NOTE

    assert f"p<{ALPHA:g}" in CHANGES_NOTE and "{" not in CHANGES_NOTE
