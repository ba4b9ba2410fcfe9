"""``minyi.yaml`` read the way the questionnaire is (:mod:`survey.qload`): every problem with its line and column.

The rule (issue 2, "errors are one readable message naming the file, line/row and column"; the configs brief
of session 28): a hand-edited ``minyi.yaml`` gets the same treatment as a questionnaire —

* read as UTF-8 (with or without a BOM) or GBK/GB18030, Windows line endings alike (:func:`survey.qload.read_text`);
* a YAML syntax error, a tab in the indentation or a full-width colon at its line and column;
* a key written twice in one mapping is an error at the second one (PyYAML keeps the last value and drops the
  first silently: a silent change of a setting);
* an empty file is said so (a project's settings are never empty: ``survey init`` writes them);
* the key-based problems of the settings' readers (the ``config-…`` entries, ``unknown-key``, ``unknown-ref``: waves,
  owners, ledger, serve, quotas, margins, limits …) get the line and column of that key in the file
  (:func:`locate`), so a reader names only the key and the position is found once, here.

:func:`read_yaml` reads any other hand-written YAML the same way (the ``--mapping`` file of ``survey import``).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Iterable, Optional

from .errors import MinyiError
from .messages import Problem, problem, said_value
from .project_files import CONFIG

# the codes whose ``key`` names a place in minyi.yaml; for these the key itself is marked, for a value
# problem (the config-… entries of VALUE_CODES) the value
KEY_CODES = ("unknown-key", "unknown-ref", "wave-id-dates", "waves-key-invisible")
VALUE_CODES = ("config-not-mapping", "config-not-list", "config-not-share", "config-not-share-upto-one",
               "config-not-positive", "config-not-number", "config-not-whole-number", "config-not-bool",
               "config-not-text", "config-not-date", "config-questionnaire-copy", "config-design-column",
               "config-ledger-adjust", "config-weighting-method", "config-weighting-no-margins",
               "config-margins-not-dimension", "config-margins-not-path", "config-owner-unit", "config-waves-shape",
               "config-wave-shape", "config-wave-name-empty", "config-wave-name-spaces", "config-wave-name-too-long",
               "config-wave-dates-reversed", "config-wave-label-twice", "config-quota-no-question", "config-quota-unknown-value",
               "config-quota-target-missing", "config-quota-cell-empty", "config-quota-cell-twice",
               "config-quota-mode", "config-serve-wave", "config-serve-access-code-blank", "config-serve-access-code-long",
               "config-serve-body-too-small", "config-serve-merge-every-too-long", "config-na-policy",
               "config-ci-method", "config-design-one-column", "config-design-values-not-names", "config-design-choice",
               "config-design-replicates-twice")


def config_text(path: Path) -> str:
    """The text of ``path`` (UTF-8 with or without BOM, else GBK); :class:`MinyiError` when unreadable."""
    from .qload import read_text

    text, probs = read_text(path)
    if text is None:
        raise MinyiError(probs)
    return text


def read_yaml(path: Path, limits=None, empty: str = "yaml-empty") -> tuple[Any, Any]:
    """The value of the hand-written YAML file at ``path`` and its :class:`survey.qload.Node` tree, or
    :class:`MinyiError` with every problem of its text (UTF-8 or GBK; syntax, tabs, full-width colons, a key
    written twice, an exceeded YAML budget, no content as the catalogue code ``empty``), each at its line and
    column."""
    from .qload import _Checker, compose
    from .safeyaml import safe_load

    text = config_text(path)
    ck = _Checker(str(path))
    root = compose(text, ck, limits)
    probs = [problem(empty, file=str(path), line=1, column=1) if p.code == "yaml-empty" else p for p in ck.problems]
    if probs:
        raise MinyiError(probs)
    return safe_load(text, str(path), limits), root


def read_config(path: Path, limits=None) -> dict:
    """The settings mapping of the ``minyi.yaml`` at ``path``, or :class:`MinyiError` with every problem of its
    text (:func:`read_yaml`; empty, not a mapping), each at its line and column."""
    value, root = read_yaml(path, limits, empty="config-empty")
    if not isinstance(value, dict):
        raise MinyiError.of("config-root-not-mapping", file=str(path), line=root.line, column=root.column,
                            value=said_value(value))
    return value


def _is_config(file: Optional[str]) -> bool:
    return bool(file) and Path(file).name == CONFIG and Path(file).is_file()


def _key_path(p: Problem) -> Optional[str]:
    """The dotted place in minyi.yaml that ``p`` names (``waves.2026Q1.start``, ``quotas.cells[2].target``)."""
    key = p.extra.get("key") if p.code != "unknown-ref" else p.extra.get("ref")
    if key is None:
        return None
    where = p.extra.get("where")
    if p.code in KEY_CODES and where not in (None, CONFIG, ""):
        return f"{where}.{key}"
    return str(key)


def _find(root, dotted: str):
    """The node the dotted path leads to in the :class:`survey.qload.Node` tree, and whether all of it was found
    (else the deepest node on the way)."""
    node, rest = root, dotted
    while rest:
        v = node.value
        if isinstance(v, dict):
            k = next((k for k in sorted(v, key=len, reverse=True)
                      if rest == k or rest.startswith(k + ".") or rest.startswith(k + "[")), None)
            if k is None:
                break
            node, rest = v[k], rest[len(k):].lstrip(".")
        elif isinstance(v, list):
            m = re.match(r"\[(\d+)\]\.?", rest)  # quotas.cells[1]: 1-based, as the readers count
            if m and 1 <= int(m.group(1)) <= len(v):
                node, rest = v[int(m.group(1)) - 1], rest[m.end():]
                continue
            hit = next((x for x in v if not isinstance(x.value, (dict, list)) and str(x.value) == rest), None)
            if hit is None:  # waves: [2026Q1, 2026Q3] names a wave by its item
                break
            node, rest = hit, ""
        else:
            break
    return node, rest == ""


def _position(root, p: Problem) -> Optional[tuple[int, int]]:
    dotted = _key_path(p)
    if dotted is None:
        return None
    node, whole = _find(root, dotted)
    if node is root:
        return None
    if whole and p.code in VALUE_CODES and not isinstance(node.value, (dict, list)):
        return node.line, node.column
    if node.key_line:
        return node.key_line, node.key_column
    return node.line, node.column


def locate(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` with the line and column filled in for those about a key of a ``minyi.yaml`` that have none
    (each file read once; a file that cannot be read or parsed leaves its problems as they are).  The YAML
    reader is imported only for such a problem: an error that names no key (not a project) stays as quick
    as before, without the questionnaire model and NumPy."""
    trees: dict[str, Any] = {}
    out = []
    for p in problems:
        if p.line is None and p.code in KEY_CODES + VALUE_CODES and _is_config(p.file):
            if p.file not in trees:
                from .qload import _Checker, compose

                try:
                    trees[p.file] = compose(config_text(Path(p.file)), _Checker(p.file))
                except (MinyiError, OSError):
                    trees[p.file] = None
            pos = _position(trees[p.file], p) if trees[p.file] is not None else None
            if pos is not None:
                p = dataclasses.replace(p, line=pos[0], column=pos[1])
        out.append(p)
    return out
