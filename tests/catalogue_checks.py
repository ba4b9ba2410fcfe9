"""Checks shared by the tests that trigger every kind of a library error and look at its catalogue message
(tests/test_weighting_messages.py, tests/test_design_messages.py)."""

from __future__ import annotations

import string

import pytest

from survey.errors import MinyiError
from survey.messages import CATALOGUE


def raised(trigger, exc, *, exact: bool = False):
    """The ``exc`` that ``trigger()`` raises (``exact``: of that class, not a subclass)."""
    with pytest.raises(exc) as e:
        trigger()
    if exact:
        assert type(e.value) is exc, type(e.value)
    return e.value


def fields(template: str) -> set:
    """The placeholders of a catalogue template."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def one_filled(err: MinyiError, *, no_braces: bool = False):
    """The one problem of ``err``, with every placeholder of its entry filled by its params (``no_braces``: and no
    brace left in its text, for entries whose words have none of their own)."""
    assert isinstance(err, MinyiError) and len(err.problems) == 1
    p = err.problems[0]
    msg, hint = CATALOGUE[p.code]
    assert (fields(msg) | fields(hint)) <= set(p.extra), (p.code, (fields(msg) | fields(hint)) - set(p.extra))
    if no_braces:
        assert "{" not in p.message and "}" not in p.hint.replace("{{", ""), str(p)
    return p
