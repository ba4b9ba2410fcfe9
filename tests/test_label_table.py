"""The report's words live in one zh/en table keyed by code (survey/labels.py LABELS, read with ``label(code,
lang)`` / ``labels(kind, lang)``): report/ holds no language dict of its own (``{"zh": …, "en": …}``) and no
inline pair of words (``"…" if lang == "en" else "…"``), and the table names each code once.

A scan of the source (ast), so that a new module cannot grow its own second table again unnoticed."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = {"zh", "en"}


def _report_files() -> list[Path]:
    return sorted((ROOT / "report").rglob("*.py"))


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
    """A literal text (a plain string or an f-string)."""
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr)


def language_tables(source: str) -> list[tuple[int, str]]:
    """(line, what) of every language dict and every inline pair of words in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Constant) for k in node.keys) \
                and {k.value for k in node.keys} == LANGS:
            found.append((node.lineno, 'dict keyed {"zh", "en"}'))
        elif isinstance(node, ast.IfExp) and _is_lang_test(node.test) and _is_words(node.body) \
                and _is_words(node.orelse):
            found.append((node.lineno, "inline pair of words chosen by language"))
    return found


def test_the_scan_finds_both_patterns():
    src = ('A = {"zh": "表", "en": "Table"}\n'
           'b = "Note" if lang == "en" else "注"\n'
           'c = f"{x}期" if self.lang == "zh" else f"wave {x}"\n'
           'd = "、" if not en else ", "\n'
           'e = {"zh": TREND_METHOD_ZH, "en": TREND_METHOD}[lang]\n'
           'ok = w.label_en if lang == "en" else w.label\n'  # a data record's own field in each language
           'ok2 = 14 if lang == "en" else 7.5\n')  # typography, not words
    assert [line for line, _ in language_tables(src)] == [1, 2, 3, 4, 5]


def test_report_has_no_language_table_of_its_own():
    bad = [f"{p.relative_to(ROOT)}:{line}: {what}" for p in _report_files()
           for line, what in language_tables(p.read_text(encoding="utf-8"))]
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
