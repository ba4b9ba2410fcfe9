"""Constant-time comparison of what a request sends against a secret of the server (admin token, signed
cookies, CSRF token, link signature, access code).

``hmac.compare_digest`` refuses two ``str`` holding non-ASCII characters (``TypeError: comparing strings with
non-ASCII characters is not supported``), so a non-ASCII admin token (``--admin-token 管理口令2026``) or any
non-ASCII cookie, header or parameter a client sends turned the request into a 500.  Here both sides are
compared as UTF-8 bytes: any text compares, and text that is not the secret is simply not equal.

Header values (and the cookies parsed from the ``Cookie`` header) reach the application decoded as latin-1
(ASGI gives bytes; Starlette decodes them so), so :func:`header_bytes` gives back the bytes the client sent —
an ``Authorization: Bearer 管理口令2026`` sent as UTF-8 then matches the token.
"""

from __future__ import annotations

import hmac
from typing import Any


def _bytes(v: str) -> bytes:
    return v.encode("utf-8", "surrogatepass")  # a lone surrogate (from JSON "\\ud800") is bytes too, never an error


def same_secret(given: Any, expected: str) -> bool:
    """Is ``given`` (text or bytes from a request; anything else is not) exactly ``expected``?  Constant time."""
    if isinstance(given, str):
        given = _bytes(given)
    elif not isinstance(given, (bytes, bytearray)):
        return False
    return hmac.compare_digest(bytes(given), _bytes(expected))


def header_bytes(value: str) -> bytes:
    """The bytes of a header value (or a cookie from the ``Cookie`` header) as the client sent them."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:  # not from a header after all: its UTF-8
        return _bytes(value)
