"""A mapping file for anything the automatic matching cannot do: ``columns: {source column: target}`` (a question
id, a native column, or null to ignore the column) and ``values: {qid: {value: code}}``; checked against the
file and the questionnaire before anything is converted."""

from __future__ import annotations

from ..errors import MinyiError
from ..messages import did_you_mean
from ..questionnaire import Questionnaire
from .text import norm_text


def check_mapping(mapping, q: Questionnaire, columns: list[str], source: str) -> tuple[dict, dict]:
    """Validate a mapping; return ({source column: target or None}, {qid: {normalised value: code}})."""
    def bad(where: str, reason: str, suggestion: str = "") -> MinyiError:
        return MinyiError.of("bad-data", file=source, reason=f"mapping {where}: {reason}",
                             hint=suggestion or "write columns: {source column: question id} and values: {qid: {value: code}}")

    if not isinstance(mapping, dict):
        raise bad("file", f"must be a YAML mapping, not {type(mapping).__name__}")
    extra = [k for k in mapping if k not in ("columns", "values")]
    if extra:
        raise bad(f"key '{extra[0]}'", "unknown key", did_you_mean(str(extra[0]), ["columns", "values"]))
    cols = mapping.get("columns") or {}
    vals = mapping.get("values") or {}
    if not isinstance(cols, dict) or not isinstance(vals, dict):
        raise bad("columns/values", "must be mappings")
    targets = set(q.columns()) | {qq.id for qq in q.questions}
    col_map: dict = {}
    for src, tgt in cols.items():
        src = str(src).strip()
        if src not in columns:
            hit = [c for c in columns if norm_text(c) == norm_text(src)]
            if not hit:
                raise bad(f"column '{src}'", "is not a column of the file", did_you_mean(src, columns))
            src = hit[0]
        if tgt is not None and str(tgt) not in targets:
            raise bad(f"column '{src}'", f"target '{tgt}' is not a question id or native column",
                      did_you_mean(str(tgt), sorted(targets)))
        col_map[src] = None if tgt is None else str(tgt)
    val_map: dict = {}
    for qid, vm in vals.items():
        qq = q.get(str(qid))
        if qq is None:
            raise bad(f"values of '{qid}'", "is not a question id", did_you_mean(str(qid), [x.id for x in q.questions]))
        if not isinstance(vm, dict):
            raise bad(f"values of '{qid}'", "must map values to option codes")
        out = {}
        for v, code in vm.items():
            if isinstance(v, bool):  # YAML 1.1 reads an unquoted yes/no/on/off/true/false key as true/false
                raise bad(f"values of '{qid}'", f"a key was read by YAML as {str(v).lower()} (an unquoted yes, no, on, "
                          "off, true or false), so it would match no cell of the file",
                          f"put the file's value in quotes, e.g. 'yes': {code}")
            try:
                c = q.resolve_code(qq.id, code)
            except KeyError:
                raise bad(f"values of '{qid}'", f"'{code}' (for '{v}') is not an option of {qid}",
                          "use one of: " + ", ".join(f"{o.code}={o.label}" for o in qq.options[:10]))
            out[norm_text(yaml_key(v))] = float(c)
        val_map[qq.id] = out
    return col_map, val_map


def yaml_key(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
