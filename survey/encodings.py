"""UTF-8 or GBK/GB18030: which of the two an 8-bit text file is in, and where a file mixes them.

A CSV that Excel or WPS re-saved on Chinese Windows is GBK/GB18030; one downloaded from 问卷星 is UTF-8.  A file
made by pasting one into the other holds both.  Read in either encoding, the other part would be stored as
mojibake (``菜市场`` as ``鑿滃競鍦``) without a word, so a mix is refused, naming the line, in both directions
(docs/import-formats.md, "Encodings"):

* a UTF-8 file (with or without a BOM) with a GBK part: the first line that is not UTF-8;
* a GBK file with a UTF-8 part that GB18030 cannot decode: the first such line;
* a GBK file with UTF-8 text that GB18030 *can* decode (it decodes nearly anything): every line holding a run
  of at least :data:`UTF8_RUN_MIN` consecutive 3-byte UTF-8 sequences that are Chinese characters or
  punctuation.  In 80 MB of uniformly random GB2312 characters encoded as GBK one such run of four occurs
  (runs of three: 35); real text, whose characters are far from uniform, has none in the repository's tests
  and examples, so the rule has a negligible false-positive rate.  A UTF-8 part of fewer than four Chinese
  characters is not recognised.
"""

from __future__ import annotations

import re

from .errors import MinyiError

UTF8_RUN_MIN = 4  # consecutive 3-byte UTF-8 sequences of Chinese text that make a line of a GBK file "UTF-8"
_UTF8_RUN = re.compile(rb"(?:[\xe3-\xe9\xef][\x80-\xbf]{2}){%d,}" % UTF8_RUN_MIN)
# CJK punctuation, ideographs and full-width forms, as many as a run needs
_CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]{%d,}" % UTF8_RUN_MIN)
_CJK = re.compile(r"[\u4e00-\u9fff]")
LINES_SHOWN = 10  # lines named in a message (the count covers them all)


def line_at(raw: bytes, pos: int) -> int:
    """The 1-based line of byte ``pos`` (lines end with ``\\n``, an ASCII byte in UTF-8 and GBK alike)."""
    return raw.count(b"\n", 0, pos) + 1


def decode_utf8_or_gbk(raw: bytes, path: str) -> tuple[str, str]:
    """(text, encoding) of an 8-bit text file: UTF-8 with BOM, UTF-8, else GB18030; a mix of the two, or bytes
    that are neither, raise naming the line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:  # the BOM says UTF-8: a part that is not is another encoding
            raise _gbk_part(raw, e.start + 3, path) from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        prefix = raw[: e.start].decode("utf-8")
        if len(_CJK.findall(prefix[:65536])) >= 3:  # Chinese written in UTF-8 before the bad byte
            if e.start >= len(raw) - 3:  # cut off in the middle of the last character
                return prefix, "utf-8"
            raise _gbk_part(raw, e.start, path) from None
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as e:
        line = line_at(raw, e.start)
        start = raw.rfind(b"\n", 0, e.start) + 1
        end = raw.find(b"\n", e.start)
        try:
            raw[start: end if end >= 0 else len(raw)].decode("utf-8")
        except UnicodeDecodeError:
            raise MinyiError.of("encoding-neither", file=path, line=line, line_no=line, byte=f"{e.start:,}") from None
        raise MinyiError.of("encoding-utf8-part", file=path, line=line, line_no=line, byte=f"{e.start:,}") from None
    utf8 = utf8_runs(raw)
    if utf8:
        shown = "; ".join(f"line {n} '{t}' (read as GBK: '{t.encode('utf-8').decode('gb18030', 'replace')}')"
                          for n, t in utf8[:LINES_SHOWN])
        raise MinyiError.of("encoding-utf8-cells", file=path, line=utf8[0][0], count=len({n for n, _ in utf8}),
                            cells=shown + (" …" if len(utf8) > LINES_SHOWN else ""))
    return text, "gb18030"


_CLASSES = bytes(ord("L") if b in range(0xE3, 0xEA) or b == 0xEF else ord("C") if 0x80 <= b <= 0xBF else ord(".")
                 for b in range(256))  # lead bytes of 3-byte UTF-8 Chinese text, continuation bytes, the rest
_RUN_SHAPE = b"LCC" * UTF8_RUN_MIN


def utf8_runs(raw: bytes) -> list[tuple[int, str]]:
    """(line, text) of each run of Chinese text written in UTF-8 (:data:`UTF8_RUN_MIN` characters or more) in
    the bytes of a file that decodes as GB18030; [] for a file that has none.  The candidates are found by
    mapping each byte to its class and searching the shape of a run (``bytes.translate`` and ``find``: 0.05 s
    for 17 MB, where a regular expression took 4 s), then checked one by one."""
    shape = raw.translate(_CLASSES)
    out: list[tuple[int, str]] = []
    pos, line = 0, 1  # lines counted from the previous run on (one pass over the file)
    start = shape.find(_RUN_SHAPE)
    while start >= 0:
        m = _UTF8_RUN.match(raw, start)
        c = _CHINESE.search(m.group().decode("utf-8"))
        if c:
            t = c.group()
            line += raw.count(b"\n", pos, start)
            pos = start
            out.append((line, t))
        start = shape.find(_RUN_SHAPE, m.end())
    return out


def _gbk_part(raw: bytes, pos: int, path: str) -> MinyiError:
    line = line_at(raw, pos)
    return MinyiError.of("encoding-gbk-part", file=path, line=line, line_no=line, byte=f"{pos:,}",
                         bom=" (it starts with a UTF-8 byte-order mark)" if raw.startswith(b"\xef\xbb\xbf") else "")

