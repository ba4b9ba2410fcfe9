"""The typed records between the chapter builders and the writers: a :class:`Table` (caption, typed
columns, raw rows, its 表N number) and a :class:`Section` (a chapter: title, XLSX sheet name, blocks).

Blocks are ``(kind, value)`` pairs: ``("p", text)``, ``("h", heading)``, ``("list", [texts])``,
``("table", Table)``, ``("figure", report.charts.Chart)``, ``("placeholder", text)`` (the analyst box).
Every writer (report/writers/) reads the same sections; numbers come from :mod:`report.numbering`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .table_cells import format_value


@dataclass
class Table:
    """A report table: caption, columns (header, kind) and raw rows.  Kinds: text, int, pct (share
    shown as 12.3%), num1/num2/num3 (decimals), pp (difference of shares shown in percentage points)."""

    caption: str
    columns: list
    rows: list
    number: int = 0  # 表N, given once over all sections (report.numbering.number_blocks)
    note: str = ""
    key: str = ""  # how a template finds this table among ``context["tables"]``

    def formatted(self) -> list:
        return [[format_value(v, k) for v, (_, k) in zip(r, self.columns)] for r in self.rows]


@dataclass
class Section:
    title: str
    sheet: str
    blocks: list = field(default_factory=list)  # ("p", text) ("list", [..]) ("table", Table) ("figure", Chart) ("h", text)

    @property
    def tables(self) -> list:
        return [b[1] for b in self.blocks if b[0] == "table"]
