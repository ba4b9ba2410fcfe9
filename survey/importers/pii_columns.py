"""Identifying columns (IP, phone, name, ID card, location …), found by header or by values, in every layout;
the store keeps them apart from the answers (hashed with ``--hash-pii``)."""

from __future__ import annotations

import re

import pandas as pd

from .text import norm_text

PII_HEADERS = re.compile(r"(^ip$|来自ip|^ip地址|^ip_?address|手机|电话|phone|mobile|姓名|^name$|^username$|身份证|id_?card|"
                         r"地理位置|昵称|微信号|openid|deviceid|^email|邮箱|^_submitted_by$)", re.I)
PII_VALUES = [re.compile(r"^1[3-9]\d{9}$"), re.compile(r"^\d{17}[\dXx]$"),
              re.compile(r"^\d{1,3}(\.\d{1,3}){3}(\s*[(（].*[)）])?$")]


def detect_pii(raw: pd.DataFrame, used: set) -> list[str]:
    """Identifying columns: by header (IP, 手机, 姓名, 身份证, 地理位置 …) or by values (phone, ID card, IPv4)."""
    out = []
    for c in raw.columns:
        if c in used:
            continue
        if PII_HEADERS.search(norm_text(c)):
            out.append(c)
            continue
        s = raw[c].dropna().astype(str).head(200)
        if len(s) and any(s.str.match(rx).mean() > 0.8 for rx in PII_VALUES):
            out.append(c)
    return out
