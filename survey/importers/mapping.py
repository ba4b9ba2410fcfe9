"""A mapping file for anything the automatic matching cannot do: ``columns: {source column: target}`` (a question
id, a native column, or null to ignore the column) and ``values: {qid: {value: code}}``; checked against the
file and the questionnaire before anything is converted."""

from __future__ import annotations

from ..errors import MinyiError
from ..messages import did_you_mean
from ..questionnaire import Questionnaire
from .kobo import group_path
from .text import norm_text


class MappingFile(dict):
    """The content of a ``--mapping`` file with where it came from (its path and its
    :class:`survey.qload.Node` tree, :func:`survey.config_marks.read_yaml`), so that a problem of the mapping
    names the mapping file and the line of the entry, not the data file it was applied to."""

    def __init__(self, value: dict, path: str, root) -> None:
        super().__init__(value)
        self.path, self.root = path, root

    def position(self, *keys: str) -> tuple:
        """(line, column) of the entry at ``keys`` (``"values", "Q2"``), else of the deepest one found."""
        node, pos = self.root, (None, None)
        for k in keys:
            v = getattr(node, "value", None)
            hit = next((n for kk, n in v.items() if str(kk).strip() == str(k)), None) if isinstance(v, dict) else None
            if hit is None:
                break
            node, pos = hit, (hit.key_line or hit.line, hit.key_column or hit.column)
        return pos


def check_mapping(mapping, q: Questionnaire, columns: list[str], source: str) -> tuple[dict, dict]:
    """Validate a mapping; return ({source column: target or None}, {qid: {normalised value: code}}).
    A :class:`MappingFile` has its problems named in that file, at the entry's line."""
    def refused(entry: str, at: tuple = (), **params) -> MinyiError:
        """The catalogue problem ``entry`` at the entry ``at`` of the mapping file (its line, when it is one)."""
        line, column = mapping.position(*at) if isinstance(mapping, MappingFile) and at else (None, None)
        return MinyiError.of(entry, file=getattr(mapping, "path", None) or source, line=line, column=column, **params)

    if not isinstance(mapping, dict):
        raise refused("mapping-not-mapping", kind=type(mapping).__name__)
    extra = [k for k in mapping if k not in ("columns", "values")]
    if extra:
        raise refused("unknown-key", at=(extra[0],), key=extra[0], where="the mapping file",
                  suggestion=did_you_mean(str(extra[0]), ["columns", "values"]) or "a mapping has columns: and values:")
    cols = mapping.get("columns") or {}
    vals = mapping.get("values") or {}
    if not isinstance(cols, dict) or not isinstance(vals, dict):
        part = "columns" if not isinstance(cols, dict) else "values"
        raise refused("mapping-part-not-mapping", at=(part,), part=part)
    targets = set(q.columns()) | {qq.id for qq in q.questions}
    col_map: dict = {}
    for src, tgt in cols.items():
        src = key = str(src).strip()
        if src not in columns:
            hit = [c for c in columns if norm_text(c) == norm_text(src)]
            if not hit:  # a Kobo/ODK export's group-path header grp/q (or grp.q) for the form's name q
                hit = [c for c in columns if (group_path(c) or [None])[-1] == src]
            if not hit:
                raise refused("mapping-column-not-in-file", at=("columns", key), source_column=src,
                          suggestion=did_you_mean(src, columns) or "check the data file's header")
            src = hit[0]
        if tgt is not None and str(tgt) not in targets:
            raise refused("mapping-target-unknown", at=("columns", key), source_column=src, target=tgt,
                      suggestion=did_you_mean(str(tgt), sorted(targets)) or "survey columns QUESTIONNAIRE lists them")
        col_map[src] = None if tgt is None else str(tgt)
    val_map: dict = {}
    for qid, vm in vals.items():
        qq = q.get(str(qid))
        if qq is None:
            raise refused("mapping-values-question-unknown", at=("values", qid), qid=qid,
                      suggestion=did_you_mean(str(qid), [x.id for x in q.questions]) or "use a question id")
        if not isinstance(vm, dict):
            raise refused("mapping-values-not-mapping", at=("values", qid), qid=qid)
        out = {}
        for v, code in vm.items():
            if isinstance(v, bool):  # YAML 1.1 reads an unquoted yes/no/on/off/true/false key as true/false
                raise refused("mapping-values-yaml-bool", at=("values", qid), qid=qid, read=str(v).lower(), option_code=code)
            try:
                c = q.resolve_code(qq.id, code)
            except KeyError:
                raise refused("mapping-values-code-unknown", at=("values", qid, v), qid=qid, option_code=code, value=v,
                          choices=", ".join(f"{o.code}={o.label}" for o in qq.options[:10]))
            out[norm_text(yaml_key(v))] = float(c)
        val_map[qq.id] = out
    return col_map, val_map


def yaml_key(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
