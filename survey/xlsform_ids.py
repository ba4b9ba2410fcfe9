"""The minyi ids of an XLSForm's questions and groups, for :func:`survey.xlsform_read.xlsform_to_yaml`: a name that
is a valid minyi id stays (性别 does), one that is not gets a cleaned-up id, warned about, and a question's renamed
data column goes into the mapping file; the ids minyi's own export renamed (101 → q101) come back from the
``minyi`` sheet."""

from __future__ import annotations

import re
from typing import Callable


def valid_id(name: str) -> bool:
    """Is ``name`` usable as it is as a minyi question/section id (the validator's rule, :func:`survey.qload._id_char`:
    ASCII letters, digits, ``_`` and CJK ideographs, no ``__``; and a first character the condition language can
    name)?  性别, 问卷一 and ``_x`` are; ``q-1`` and ``q.1`` are not."""
    from .qload import _id_char

    return bool(name) and "__" not in name and all(_id_char(ch) for ch in name) and not name[0].isdigit()


def new_ident(name: str, taken: set, reserved: frozenset = frozenset()) -> str:
    """A minyi id for the XLSForm name ``name``: the name itself when it is a valid id not yet taken (ids are
    compared case-insensitively, as minyi's columns are), else a cleaned-up name that neither an id taken so far
    nor a name ``reserved`` for a later element of the form uses.  ``taken`` holds casefolded ids."""
    if valid_id(name) and name.casefold() not in taken:
        taken.add(name.casefold())
        return name
    base = re.sub(r"[^A-Za-z0-9_\u4e00-\u9fff]", "_", name).strip("_") or "q"
    base = re.sub(r"_{2,}", "_", base)
    if base[0].isdigit():
        base = "q" + base
    out, i = base, 2
    while out.casefold() in taken or (out != name and out.casefold() in reserved):
        out = f"{base}_{i}"
        i += 1
    taken.add(out.casefold())
    return out


def all_names(d: dict) -> list[str]:
    """The names of every element of pyxform's form (questions and groups, at any depth)."""
    out = []
    for c in d.get("children") or ():
        if c.get("name"):
            out.append(str(c["name"]))
        out += all_names(c)
    return out


class Ids:
    """The ids given so far (``taken``, casefolded), the XLSForm names whose minyi id came back from the minyi
    sheet (``restored``) and the mapping of renamed data columns (``columns``: XLSForm name, the Kobo/ODK data
    column -> the minyi column it became)."""

    def __init__(self, form: dict, renamed: dict[tuple[str, str], str], warn: Callable[[str], None]):
        self.taken: set = set()
        self.reserved = frozenset(n.casefold() for n in all_names(form) if valid_id(n))
        self.renamed = renamed  # {("question"/"section", XLSForm name): minyi id} from the minyi sheet
        self.restored: set = set()
        self.columns: dict[str, str] = {}
        self._warn = warn

    def fresh(self, name: str) -> str:
        """A new id for ``name`` (the ``S1`` of questions outside any group), taken now."""
        return new_ident(name, self.taken, self.reserved)

    def ident(self, name: str, what: str = "question", carried: str = "question") -> str:
        """The minyi id of the XLSForm element ``name``: the id minyi's export renamed it from (``minyi`` sheet);
        its own name when that is a valid minyi id (性别 is); else a new one, warned about and — for a question,
        whose name is a data column — written to the mapping."""
        from .qload import _id_char

        orig = self.renamed.get((carried, name))
        if orig and orig.casefold() not in self.taken and "__" not in orig and all(_id_char(ch) for ch in orig):
            self.taken.add(orig.casefold())
            self.restored.add(name)
            if what != "group":
                self.columns[name] = orig  # Kobo/ODK data name the column q101: the mapping file maps it back
            return orig
        new = new_ident(name, self.taken, self.reserved)
        if new != name:
            self.column(name, new, what)
        return new

    def column(self, name: str, new: str, what: str = "question", quiet: bool = False) -> None:
        """The data column ``name`` is minyi's ``new``: into the mapping, warned about unless ``quiet`` (a name
        minyi's own export gave); a group (no data column) is only warned about."""
        if quiet:  # a name minyi's own export gave (q101_other for 101): mapped, nothing to warn about
            self.columns[name] = new
            return
        if what == "group":
            self._warn(f"group '{name}' is section {new} (minyi ids may only hold letters, digits, _ and Chinese "
                       "characters, each id once, whatever its case)")
            return
        self.columns[name] = new
        self._warn(f"{what} '{name}' renamed to {new} (minyi ids may only hold letters, digits, _ and Chinese "
                   f"characters, each id once, whatever its case); the mapping file maps the Kobo/ODK column {name} "
                   f"to {new}")
