"""The typed records between the chapter builders and the writers: a :class:`Table` (caption, typed
columns, raw rows, its 表N number) and a :class:`Section` (a chapter: title, XLSX sheet name, blocks).

Blocks are ``(kind, value)`` pairs: ``("p", text)``, ``("h", text or Heading)``, ``("h4", sub-heading)``,
``("list", Lines)``, ``("kpis", [Kpi])`` (headline figures), ``("table", Table)``,
``("figure", report.charts.Chart)``, ``("placeholder", text)`` (the analyst box).
Every writer (report/writers/) walks the same sections; numbers come from :mod:`report.numbering`.
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
    anchor: str = ""  # an HTML id for the table (links and tests find it by this)
    intervals: dict = field(default_factory=dict)  # {column of a lower bound: header of the interval} —
    # the HTML prints that column and the next (the upper bound) as one "a–b" cell; DOCX/XLSX keep both
    fill_down: dict = field(default_factory=dict)  # {column given once per group: the group's key column} — the
    # HTML and DOCX print it on a group's first row only; XLSX writes it on every row of the group, so a sorted or
    # filtered sheet keeps it with each row (the 区县问题清单's 热点问题前三位 was on a district's first row only)

    def filled_rows(self) -> list:
        """The rows with each :attr:`fill_down` column's blank cells given the value above them in the same group."""
        rows = [list(r) for r in self.rows]
        for col, key in self.fill_down.items():
            for prev, r in zip(rows, rows[1:]):
                if r[col] in (None, "") and r[key] == prev[key]:
                    r[col] = prev[col]
        return rows

    def formatted(self, lang: str = "zh") -> list:
        """The rows as the HTML and DOCX writers print them, in ``lang`` (words such as a true cell's 是 / Yes)."""
        return [[format_value(v, k, lang) for v, (_, k) in zip(r, self.columns)] for r in self.rows]


@dataclass(frozen=True)
class Heading:
    """A sub-heading with the HTML id others link to; prints as its text."""

    text: str
    anchor: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class Lines:
    """A list block: its lines and how they read (``numbered``; ``bullets``; ``findings``, the numbered
    key findings; ``quotes``, respondents' own words; ``notes``, the numbered method notes in small type)."""

    items: list
    style: str = "bullets"
    lead: str = ""  # an unnumbered sentence before the lines: the 摘要's verdict, then its points 1, 2, 3…

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def numbered(self) -> bool:
        return self.style in ("numbered", "findings", "notes")


@dataclass(frozen=True)
class Kpi:
    """A headline figure: its name, the value as printed, and the interval and base under it."""

    name: str
    value: str
    detail: str


@dataclass
class Section:
    title: str
    sheet: str
    blocks: list = field(default_factory=list)  # (kind, value): see the module docstring
    anchor: str = ""  # the HTML id (sec-1 … sec-9, summary) that the contents and the summary link to

    @property
    def tables(self) -> list:
        return [b[1] for b in self.blocks if b[0] == "table"]
