"""Notes about a file's columns (unmatched, missing, matched by number only …): many unmatched columns are
grouped into one note."""

from __future__ import annotations

from ..messages import problem

GROUP_NOTES = 10  # more unmatched columns than this become one note


def grouped_notes(notes: list, file: str) -> list:
    """More than :data:`GROUP_NOTES` unmatched-column notes become one: "99,990 columns match no question;
    first 10: …" (a file with 100k junk columns printed 100k lines)."""
    um = [n for n in notes if n.code == "unmatched-column"]
    if len(um) <= GROUP_NOTES:
        return notes
    rest = [n for n in notes if n.code != "unmatched-column"]
    names = ", ".join(str(n.column) for n in um[:GROUP_NOTES])
    return [problem("unmatched-columns", file=file, severity="warning", count=f"{len(um):,}", shown=GROUP_NOTES,
                    names=names, suggestion="check the header row, or map columns with --mapping")] + rest
