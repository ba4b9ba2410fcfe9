"""YAML read with budgets: size, nesting depth and nodes after alias expansion.

PyYAML's composer and every recursive walk of a YAML tree are unsafe on hostile text: a 642-byte "billion
laughs" file (aliases of aliases) expands to 10^9 nodes and hangs, and 600 levels of ``[`` raise
RecursionError.  :func:`check` runs before anything composes or walks the text:

* ``yaml_bytes``: the length of the text;
* ``yaml_depth``: nesting depth, counted on PyYAML's event stream (iterative, so deep text is safe);
* ``yaml_nodes``: nodes after expanding aliases, counted on the composed node graph with each node's
  expanded size computed once (so the count itself is linear in the file).

Each gives one message naming the limit and how to raise it (:mod:`survey.limits`).

Text is parsed with libyaml (PyYAML's ``CSafeLoader``, several times faster: the bundled questionnaire took
0.3 s to load with the pure-Python parser) when PyYAML has it; it gives the same nodes, positions and
values.  Text that libyaml rejects is parsed again by the pure-Python parser, so error messages and their
positions are PyYAML's, as before.
"""

from __future__ import annotations

from typing import Any, Optional

import yaml

from .errors import MinyiError
from .limits import Limits, exceeded


FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, when PyYAML was built with it


YAML_ENCODINGS = ("utf-8-sig", "gb18030")  # a hand-written YAML file: UTF-8 (with or without a BOM), else GBK
# (a UTF-16 file is recognised by its BOM first: decode_yaml)


def decode_yaml(raw: bytes) -> Optional[str]:
    """The text of a hand-written YAML file's bytes (:data:`YAML_ENCODINGS`, in order), or None when neither
    decodes them.  One rule for the questionnaire (:func:`survey.qload.read_text`), minyi.yaml and the analysis
    cache's look-up (:func:`survey.cache.cached_analysis`), which must read a file as the project does."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM (Windows Notepad's "Unicode")
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for enc in YAML_ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return None  # pragma: no cover - gb18030 decodes nearly anything


def compose(text: str):
    """``yaml.compose`` (libyaml; a text it rejects goes to PyYAML, whose error is raised)."""
    try:
        return yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


def _load(text: str) -> Any:
    """``yaml.safe_load`` (libyaml; a text it rejects goes to PyYAML, whose error is raised)."""
    try:
        return yaml.load(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


def check(text: str, file: str, limits: Optional[Limits] = None) -> None:
    """Raise :class:`MinyiError` when ``text`` exceeds a YAML budget; YAML syntax errors are left to the caller."""
    lim = limits or Limits()
    lim.check("yaml_bytes", len(text.encode("utf-8", errors="replace")), file=file)
    try:
        aliases = _depth_and_aliases(text, lim, file, FAST_LOADER)
    except yaml.YAMLError:
        try:  # what libyaml rejects, PyYAML may read (then it is checked the same way)
            aliases = _depth_and_aliases(text, lim, file, yaml.SafeLoader)
        except yaml.YAMLError:
            return  # the caller's parse reports the syntax error with its position
    if not aliases:
        return
    try:
        root = compose(text)
    except yaml.YAMLError:  # e.g. an alias with no anchor ("*0"): events parse, composing does not
        return  # the caller's parse reports it with its position
    _check_nodes(root, lim, file)


def _depth_and_aliases(text: str, lim: Limits, file: str, loader) -> bool:
    """Raise when the nesting depth exceeds ``yaml_depth``; True when the text has aliases."""
    depth = 0
    aliases = False
    for ev in yaml.parse(text, Loader=loader):
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > lim["yaml_depth"]:
                raise exceeded("yaml_depth", depth, lim["yaml_depth"], file=file, line=ev.start_mark.line + 1,
                               column=ev.start_mark.column + 1)
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(ev, yaml.AliasEvent):
            aliases = True
    return aliases


def _check_nodes(root, lim: Limits, file: str) -> None:
    """Raise when the nodes after expanding aliases exceed ``yaml_nodes``."""
    size: dict[int, int] = {}
    # iterative post-order over the node graph; each node's expanded size computed once
    stack: list[tuple[Any, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        if node is None or id(node) in size:
            continue
        kids = _children(node)
        if not done and id(node) in open_:  # an alias of an enclosing node: infinite expansion
            raise exceeded("yaml_nodes", float("inf"), lim["yaml_nodes"], file=file,
                           line=node.start_mark.line + 1, column=node.start_mark.column + 1,
                           what="YAML nodes after expanding aliases (an alias refers to its own ancestor, endless)")
        if done:
            open_.discard(id(node))
            size[id(node)] = 1 + sum(size.get(id(k), 1) for k in kids)
            if size[id(node)] > lim["yaml_nodes"]:
                raise exceeded("yaml_nodes", size[id(node)], lim["yaml_nodes"], file=file,
                               line=node.start_mark.line + 1, column=node.start_mark.column + 1)
        else:
            open_.add(id(node))
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in size)


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [x for kv in node.value for x in kv]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def safe_load(text: str, file: str, limits: Optional[Limits] = None) -> Any:
    """:func:`yaml.safe_load` after :func:`check`."""
    check(text, file, limits)
    return _load(text)


def problems(text: str, file: str, limits: Optional[Limits] = None) -> list:
    """The budget problems of ``text`` as a list (empty when within every budget)."""
    try:
        check(text, file, limits)
    except MinyiError as e:
        return list(e.problems)
    return []
