"""What every chapter builder uses: the report context, its language's labels, and the table and
figure adders that register keyed tables for the HTML template (``context["tables"]``)."""

from __future__ import annotations

from typing import Optional

from ..labels import label, verdict_labels
from ..records import Section, Table
from .titles import SECTIONS, SHEETS


class Kit:
    """The context of one report (``report.render.build_context``) as the chapter builders read it."""

    def __init__(self, ctx: dict):
        self.ctx = ctx
        self.lang = ctx["lang"]
        self.en = self.lang == "en"
        self.res = ctx["result"]
        self.s = self.res["sample"]
        self.tables = ctx.setdefault("tables", {})  # key → Table: the HTML template prints these records' captions
        self._verdicts = verdict_labels(self.lang)

    def L(self, code: str) -> str:
        """A fixed word of the label table (survey.labels) in the report's language."""
        return label(code, self.lang)

    def vt(self, v: Optional[str]) -> Optional[str]:
        """A verdict (as the analysis gives it) in the report's language."""
        return self._verdicts.get(v, v) if v else None

    def in_text(self, word: str) -> str:
        """A variable's name as it reads inside a sentence or caption (lower case in English)."""
        return word.lower() if self.en else word

    def section(self, i: int) -> Section:
        """Chapter ``i`` (0-based) with its title and sheet name, no blocks yet."""
        return Section(SECTIONS[self.lang][i], SHEETS[self.lang][i])

    def table(self, sec: Section, caption, columns: Optional[list] = None, rows: Optional[list] = None,
              note: str = "", key: str = "") -> None:
        """Append a table (a :class:`Table`, or its caption, columns, rows and note) to ``sec``; a
        ``key`` makes it findable by the HTML template."""
        t = caption if isinstance(caption, Table) else Table(caption, columns, rows, note=note)
        t.key = key or t.key
        if t.key:
            self.tables[t.key] = t
        sec.blocks.append(("table", t))

    def fig(self, sec: Section, chart) -> None:
        """Append a figure (a report.charts.Chart) to ``sec`` when there is one."""
        if chart is not None:
            sec.blocks.append(("figure", chart))
