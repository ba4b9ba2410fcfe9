"""What the stored codes of each question meant when its answers were imported, so that a questionnaire edited
afterwards is said instead of silently reinterpreting them.

Answers are stored as codes (1, 2, 3 …); their labels, scores and the top box come from ``questionnaire.yaml``
every time a command reads them.  Insert an option in the middle of a list and renumber the rest, and every
wave imported before reads its old code 2 as the new option 2: the 支持率 of past waves moved from 88 % to 67 %
without a word in the red-team's test.  So each import records the coding of every question (its type, each
option's code, label, score and whether it is 不了解, the top-box codes, the matrix rows), in the table
``import_codings`` of the project store, and the commands that read the answers compare it with the
questionnaire of today (:func:`coding_changes`): a question whose coding differs for some imports is one
warning naming the question, the waves and imports, and the first codes that changed.  Imports made before
this record existed are not compared (nothing is known of them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .messages import Problem, problem
from .questionnaire import Question, Questionnaire

TABLE = "CREATE TABLE import_codings (import_id INTEGER, codings VARCHAR)"


def _question_coding(x: Question) -> dict[str, Any]:
    return {"type": x.type,
            "options": [[o.code, o.label, o.score, bool(o.na)] for o in x.options],
            "positive": sorted(x.positive or []),
            "rows": [r.id for r in x.rows]}


def question_codings(q: Questionnaire) -> dict[str, dict]:
    """The coding of every question of ``q`` (module docstring), by question id."""
    return {x.id: _question_coding(x) for x in q.questions}


def codings_json(q: Questionnaire) -> str:
    """:func:`question_codings` as the text stored with an import."""
    return json.dumps(question_codings(q), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class CodingChange:
    """A question whose coding today differs from the one some imports were made with."""

    qid: str
    waves: tuple[str, ...]
    imports: tuple[int, ...]
    detail: str  # the first difference, in words
    # the imports were made with another questionnaire: not one of their questions is in today's (qid ""; detail:
    # the first of their question ids)
    replaced: bool = False


def _difference(old: dict, new: dict) -> str:
    if old.get("type") != new.get("type"):
        return f"its type was {old.get('type')}, now {new.get('type')}"
    was = {o[0]: o for o in old.get("options", [])}
    now = {o[0]: o for o in new.get("options", [])}
    for code in sorted(set(was) | set(now)):
        a, b = was.get(code), now.get(code)
        if a is None:
            return f"code {code} ({b[1]}) is new"
        if b is None:
            return f"code {code} ({a[1]}) is gone"
        if a[1] != b[1]:
            return f"code {code} was '{a[1]}', now '{b[1]}'"
        if a[2] != b[2]:
            return f"the score of code {code} ({b[1]}) was {a[2]}, now {b[2]}"
        if a[3] != b[3]:
            return f"code {code} ({b[1]}) {'is now' if b[3] else 'is no longer'} counted as 不了解 (no opinion)"
    if old.get("positive") != new.get("positive"):
        return f"the top-box codes were {old.get('positive')}, now {new.get('positive')}"
    if old.get("rows") != new.get("rows"):
        return "its rows changed"
    return "its coding changed"


def coding_changes(con, q: Questionnaire) -> list[CodingChange]:
    """The questions of ``q`` whose coding differs from the one recorded with some import (open project
    database ``con``; a project without the table has nothing recorded)."""
    try:
        rows = con.execute("SELECT c.import_id, i.wave, c.codings FROM import_codings c JOIN imports i "
                           "ON i.id = c.import_id ORDER BY c.import_id").fetchall()
    except Exception:  # no table yet: a project made before the record existed (nothing to compare)
        return []
    now = json.loads(codings_json(q))  # as stored (lists, not tuples): compared with each import's as they are
    found: dict[str, tuple[list, list, str]] = {}
    other: tuple[list, list, list] = ([], [], [])  # waves, imports and question ids of another questionnaire
    for import_id, wave, text in rows:
        old = json.loads(text)
        if old and not set(old) & set(now):  # questionnaire.yaml replaced by another: all its answers unread
            if wave not in other[0]:
                other[0].append(wave)
            other[1].append(int(import_id))
            other[2].extend(q for q in old if q not in other[2])
            continue
        for qid, cur in now.items():
            before = old.get(qid)
            if before is None or before == cur:
                continue
            waves, ids, detail = found.setdefault(qid, ([], [], _difference(before, cur)))
            if wave not in waves:
                waves.append(wave)
            ids.append(int(import_id))
    replaced = [CodingChange("", tuple(other[0]), tuple(other[1]), ", ".join(other[2][:QUESTIONS_NAMED])
                             + (", …" if len(other[2]) > QUESTIONS_NAMED else ""), replaced=True)] if other[1] else []
    return replaced + [CodingChange(qid, tuple(w), tuple(i), d) for qid, (w, i, d) in found.items()]


QUESTIONS_NAMED = 4  # question ids of another questionnaire named in its warning


def coding_warnings(changes: list[CodingChange], path: str) -> list[Problem]:
    """One warning per changed question (catalogue ``coding-changed``); imports made with another questionnaire:
    one warning (``questionnaire-replaced``)."""
    return [problem("questionnaire-replaced" if c.replaced else "coding-changed", file=path, severity="warning",
                    qid=c.qid, detail=c.detail, waves=", ".join(c.waves), imports=", ".join(f"#{i}" for i in c.imports))
            for c in changes]
