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


def missing_question_note(qq, file: str):
    """The warning that no column of the file holds question ``qq`` (its answers are stored empty)."""
    return problem("missing-column", file=file, qid=qq.id, severity="warning",
                   suggestion=f"no column matched {qq.number}、{qq.text}; "
                              "add it to a --mapping file if the file has it under another name")


def missing_options_note(qq, unseen: list, column: str, file: str):
    """The warning that options ``unseen`` of the multiple choice / ranking ``qq`` have no column of their own
    (``column``: one of the question's columns that the file has); their cells are stored empty."""
    return problem("missing-options", file=file, column=column, severity="warning", qid=qq.id,
                   options=", ".join(f"{o.code}={o.label}" for o in unseen))


def missing_native_notes(q, names, file: str) -> list:
    """:func:`missing_options_note` and :func:`missing_question_note` for a file in minyi's native layout read
    on the fast path (header ``names``), as the careful path gives them: a question none of whose native
    columns is in the file, and options of a multiple choice / ranking without their ``<id>_<code>`` column.
    Without them a native UTF-8 file missing a column was imported silently where the same file in GBK was
    not (issue 9: one reading pipeline, identical results)."""
    present = set(names)
    options, missing = [], []
    for qq in q.questions:
        have = [c for c in qq.columns() if c in present]
        if not have:
            missing.append(missing_question_note(qq, file))
        elif qq.type in ("multiple", "ranking"):
            unseen = [o for o in qq.options if f"{qq.id}_{o.code}" not in present]
            if unseen and len(unseen) < len(qq.options):
                options.append(missing_options_note(qq, unseen, have[0], file))
    return options + missing


def widened_note(pairs: list, file: str):
    """The info note that headers written in full-width characters (``Ｋ４``) were read as the ids they spell
    (:func:`survey.importers.text.nfkc_name`), listing the first :data:`GROUP_NOTES` as ``'Ｋ４' → K4``."""
    names = ", ".join(f"'{h}' → {w}" for h, w in pairs[:GROUP_NOTES]) + (" …" if len(pairs) > GROUP_NOTES else "")
    return problem("header-full-width", file=file, severity="info", count=f"{len(pairs):,}", names=names)
