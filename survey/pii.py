"""Mask personal data in respondents' free text: one function for every place text is shown to readers.

:func:`mask_pii` replaces

* mainland mobile numbers in every common form — ``13812345678``, ``138-1234-5678``, ``138 1234 5678``,
  ``+86 139 1234 5678``, ``+86-13912345678``, ``(+86)13912345678``, ``0086 13912345678``, full-width
  digits — by ``1**********``;
* fixed-line numbers with an area code (``010-12345678``, ``0571 8888 8888``) by ``0**********``;
* 18-digit resident ID numbers (last character a digit or X, optionally grouped by spaces or hyphens,
  ``110105 19491231 002X``) by ``******************``;
* e-mail addresses (also with a full-width ``＠``) by ``***@***``;
* a name introduced by 我叫 / 本人叫 / 我的名字是 / 名字叫 (the next 2–3 Chinese characters), or by 我是 when
  it is followed by a common surname and a short given name ending the phrase (我是张伟，… / 我是王小明。),
  by ``***`` (the introducing words are kept).

Numbers that are not personal data stay: hotlines (12345), years, counts, amounts.  The rules are
regular expressions, deliberately greedy about separators and conservative about names (我是退休职工 is
kept); property tests (tests/test_pii.py) pin every form with generated text around it.
"""

from __future__ import annotations

import re

_D = r"[0-9０-９]"
_SEP = r"(?:\s?[\-‐-―－.·]\s?|\s)?"  # one separator: a space, a dash or a dot (spaces around it)
_CC = r"(?:\+|＋|00|００)\s?[8８][6６]"  # country code
_86 = r"(?:[(（]" + _CC + r"[)）]|" + _CC + r"|[8８][6６](?=[\s\-－]))"
MOBILE = re.compile(r"(?<![0-9０-９])(?:" + _86 + _SEP + r")?"
                    r"[1１][3-9３-９]" + _D + r"(?:" + _SEP + _D + r"){8}(?![0-9０-９])")
LANDLINE = re.compile(r"(?<![0-9０-９])[(（]?[0０]" + _D + r"{2,3}[)）]?" + _SEP + r"[2-9２-９]" + _D + r"{2,3}"
                      + _SEP + _D + r"{4}(?![0-9０-９])")
ID_NUMBER = re.compile(r"(?<![0-9０-９])[1-9１-９]" + _D + r"{5}" + _SEP + r"(?:" + _D + _SEP + r"?){11}[0-9０-９XxＸｘ]"
                       r"(?![0-9０-９A-Za-z])")
_W = r"A-Za-z0-9Ａ-Ｚａ-ｚ０-９"
EMAIL = re.compile(r"[" + _W + r"._%+\-]+[@＠][" + _W + r"\-]+(?:[.．][" + _W + r"\-]+)+")
_HAN = r"[\u4e00-\u9fff]"
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
            "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_NAME_END = r"(?=$|[\s，,。.！!？?；;：:、）)]|住|家住|电话|手机|联系|今年|来自|是)"
_CALLED = r"((?:我叫|本人叫|我的名字是|我的名字叫|名字叫|本人姓名是?|我的姓名是?)[\s:：]?)"
NAME_CALLED = re.compile(_CALLED + r"(" + _HAN + r"{2,3}?)" + _NAME_END)
NAME_CALLED_ANY = re.compile(_CALLED + r"(?![不他她它们了过来去着的你我])(" + _HAN + r"{2,3})")
NAME_IS = re.compile(r"(我是|本人是)\s?([" + SURNAMES + r"]" + _HAN + r"{1,2}?)" + _NAME_END)

RULES = ((EMAIL, "***@***"), (ID_NUMBER, "******************"), (MOBILE, "1**********"), (LANDLINE, "0**********"))


def mask_pii(text: str) -> str:
    """``text`` with phone numbers, ID numbers, e-mail addresses and self-introduced names masked (see module)."""
    if not text:
        return text
    for rx, rep in RULES:
        text = rx.sub(rep, text)
    text = NAME_CALLED.sub(lambda m: m.group(1) + "***", text)
    text = NAME_CALLED_ANY.sub(lambda m: m.group(1) + "***", text)  # no clear end: the next 2-3 characters
    text = NAME_IS.sub(lambda m: m.group(1) + "***", text)
    return text


def has_pii(text: str) -> bool:
    """True when :func:`mask_pii` would change ``text``."""
    return mask_pii(text) != text
