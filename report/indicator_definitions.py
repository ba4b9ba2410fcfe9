"""What counts for each indicator: the answer options that make an awareness, support or participation
rate (知晓/支持/参与) or the share satisfied (满意率), stated once under the indicator table.

The options come from the analysis result (``indicators[].positive_labels``, the questionnaire's
``positive:`` of the indicator or its scale, set by :func:`report.pipeline.indicator_sections`);
indicators counting the same options are named together.
"""

from __future__ import annotations

from .labels import join_list, label


def definitions_note(result: dict, lang: str = "zh") -> str:
    """One sentence naming, for every indicator with a rate, the options counted as positive."""
    groups: dict = {}
    for ind in result.get("indicators") or []:
        labels = ind.get("positive_labels")
        if not labels or not ind.get("rate"):
            continue
        groups.setdefault(tuple(labels), []).append(ind["name"])
    if not groups:
        return ""
    parts = [label("defs.part", lang).format(names=join_list(names, lang), options=label("defs.option_sep", lang).join(
        f"“{x}”" for x in labels)) for labels, names in groups.items()]
    return label("text.what_counts", lang) + label("defs.part_sep", lang).join(parts) + label("defs.end", lang)
