"""What counts for each indicator: the answer options that make an awareness, support or participation
rate (知晓/支持/参与) or the share satisfied (满意率), stated once under the indicator table.

The options come from the analysis result (``indicators[].positive_labels``, the questionnaire's
``positive:`` of the indicator or its scale, set by :func:`report.pipeline.indicator_sections`);
indicators counting the same options are named together.
"""

from __future__ import annotations

LEAD = {"zh": "计入比率的选项：", "en": "What counts: "}


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
    parts = []
    for labels, names in groups.items():
        if lang == "en":
            parts.append(f"{', '.join(names)}: {' or '.join(f'“{x}”' for x in labels)}")
        else:
            parts.append(f"{'、'.join(names)}为{''.join(f'“{x}”' for x in labels)}")
    if lang == "en":
        return LEAD[lang] + "; ".join(parts) + "."
    return LEAD[lang] + "；".join(parts) + "。"
