"""What every chapter builder uses: the report context, its language's labels, and the table and
figure adders that register keyed tables for the HTML template (``context["tables"]``)."""

from __future__ import annotations

from typing import Optional

from ..labels import label, verdict_labels
from ..records import Heading, Lines, Section, Table
from ..table_cells import Tag, verdict_tone
from .titles import section_titles, sheet_names

# (lower, upper) bound columns of an interval, by their label codes: printed as one cell in HTML
BOUND_PAIRS = (("word.ci_low", "word.ci_high"), ("word.ci_low_long", "word.ci_high_long"),
               ("word.index_low", "word.index_high"))


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

    def verdict_cell(self, v: Optional[str], stat: Optional[dict] = None):
        """A verdict as a table cell: its word with its tone (达标 ok, 未达标 bad, 无显著差异 ns); for a ``stat`` whose
        verdict is withheld on a small base (:func:`report.findings.withhold_verdicts`), 不作判定 (the row is marked △
        and the table's note says why: ``text.small_base_verdict``)."""
        if stat is not None and stat.get("verdict_withheld"):
            return Tag(self.L("verdict.withheld_cell"), "ns")
        return Tag(self.vt(v), verdict_tone(v)) if v else None

    def p(self, sec: Section, text: str) -> None:
        sec.blocks.append(("p", text))

    def h(self, sec: Section, text: str, anchor: str = "") -> None:
        sec.blocks.append(("h", Heading(text, anchor) if anchor else text))

    def lines(self, sec: Section, items, style: str = "bullets") -> None:
        """Append a list block (:class:`report.records.Lines`) when it has lines."""
        if items:
            sec.blocks.append(("list", Lines(list(items), style)))

    def in_text(self, word: str) -> str:
        """A variable's name as it reads inside a sentence or caption (lower case in English)."""
        return word.lower() if self.en else word

    def section(self, i: int) -> Section:
        """Chapter ``i`` (0-based) with its title and sheet name, no blocks yet."""
        return Section(section_titles(self.lang)[i], sheet_names(self.lang)[i])

    def table(self, sec: Section, caption, columns: Optional[list] = None, rows: Optional[list] = None,
              note: str = "", key: str = "", anchor: str = "", fill_down: Optional[dict] = None) -> None:
        """Append a table (a :class:`Table`, or its caption, columns, rows and note) to ``sec``; a
        ``key`` makes it findable by the HTML template; ``fill_down`` as :attr:`Table.fill_down`."""
        t = caption if isinstance(caption, Table) else Table(caption, columns, rows, note=note)
        t.fill_down = fill_down or t.fill_down
        t.key = key or t.key
        t.anchor = anchor or t.anchor
        t.intervals = self._intervals(t.columns)
        if t.key:
            self.tables[t.key] = t
        sec.blocks.append(("table", t))

    def _intervals(self, columns: list) -> dict:
        """{lower-bound column: the interval's header} for each (lower, upper) pair of :data:`BOUND_PAIRS`."""
        pairs = {(self.L(lo), self.L(hi)) for lo, hi in BOUND_PAIRS}
        head = self.L("word.ci_merged").format(conf=f"{100 * self.res['meta'].get('confidence', 0.95):.0f}%")
        out, i = {}, 0
        while i + 1 < len(columns):
            if (columns[i][0], columns[i + 1][0]) in pairs and columns[i][1] == columns[i + 1][1]:
                out[i] = head
                i += 2
            else:
                i += 1
        return out

    def fig(self, sec: Section, chart) -> None:
        """Append a figure (a report.charts.Chart) to ``sec`` when there is one."""
        if chart is not None:
            sec.blocks.append(("figure", chart))
