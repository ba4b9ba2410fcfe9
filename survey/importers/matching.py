"""Which question (and which row / option / fill-in part of it) a column header names, in every layout:
by question id or native column name, by Kobo group path, by number (``N、`` / ``N.`` / ``第N题(选项)``, checked
against the title) or by title (``题干:选项``, ``题干(选项)``, ``组名/题干``).  Also the metadata headers of every
known export (:data:`META_MAP`)."""

from __future__ import annotations

import re
from typing import Callable, Optional

from ..questionnaire import COLLECTOR_COLUMN, Question, Questionnaire
from . import kobo, wjx
from .text import nfkc_name, norm_text, title_key

# metadata columns (normalised header -> native meta column or None = known, not imported)
META_MAP = {
    "序号": "respondent_id", "编号": "respondent_id", "respondent_id": "respondent_id", "_uuid": "respondent_id",
    "_id": "respondent_id", "答卷编号": "respondent_id", "用户id": None, "提交答卷时间": "submitted_at",
    "结束答题时间": "submitted_at", "_submission_time": "submitted_at", "submitted_at": "submitted_at",
    "提交时间": "submitted_at", "所用时间": "duration_sec", "答题时长": "duration_sec", "duration_sec": "duration_sec",
    "开始答题时间": "_start", "start": "_start", "end": "_end", "来源": None, "来源详情": None, "来自ip": None,
    "ip": None, "总分": None, "地理位置": None, "ua": None, "referrer": None, "today": None, "deviceid": None,
    "username": None, "phonenumber": None, "simserial": None, "subscriberid": None, "audit": None,
    COLLECTOR_COLUMN[0]: COLLECTOR_COLUMN[0],  # survey serve's collector id (its exports carry it)
}
# when two columns give the same meta column, the lower rank wins (序号 before _uuid before _id)
META_RANK = {"序号": 0, "编号": 0, "respondent_id": 0, "_uuid": 1, "答卷编号": 1, "_id": 2}

PART_PARENS = re.compile(r"^\((.+)\)$")
NUM_HEAD = re.compile(r"^(\d+)(?:[、.:]|题)(.*)$")
OTHER_SUFFIX = ("填空", "文本", "_填空", "_文本", "说明", "_other", "other", "其他说明", "〖〗", "补充说明", "请注明", "具体内容",
                "填写内容", "内容")


def part_known(qq: Question, part: str) -> bool:
    """True when ``part`` names a row of matrix ``qq``, one of its options or its fill-in text column."""
    p = norm_text(part)
    if qq.type == "matrix":
        return any(p in (norm_text(r.label), r.id) for r in qq.rows)
    return any(p in (norm_text(o.label), str(o.code)) for o in qq.options) or other_part_index(qq, p) is not None


def other_part_index(qq: Question, p: str) -> Optional[int]:
    """Index of the 'other' option if ``p`` names its fill-in text column (e.g. 其他_填空, 其他〖〗, other)."""
    if qq.type not in ("multiple", "single", "scale", "yesno") or not qq.has_other:
        return None
    if p.lower() in ("other", "_other", "其他_填空", "其他填空", "其他文本"):
        return next(j for j, o in enumerate(qq.options) if o.other)
    for j, o in enumerate(qq.options):
        lab = norm_text(o.label)
        if o.other and p.startswith(lab) and len(p) > len(lab):
            tail = p[len(lab):].strip("()[]_-:")
            if tail in OTHER_SUFFIX or tail.startswith("〖") or tail == "":
                return j
    return None


class ColumnMatcher:
    """Match headers of one file to the questions of ``q``; ``note(column, code, **params)`` records a warning
    (a header matched by number whose title differs, …)."""

    def __init__(self, q: Questionnaire, note: Callable):
        self.q, self.note = q, note
        self.widened: list[tuple[str, str]] = []  # (header as written, the id it spells): said in one note
        self.by_num = {qq.number: qq for qq in q.questions}
        self.by_title = {title_key(qq.text): qq for qq in q.questions}
        self.native = {}
        for qq in q.questions:
            if qq.type == "matrix":
                for r in qq.rows:
                    self.native[f"{qq.id}_{r.id}"] = (qq, r.id)
            elif qq.type in ("multiple", "ranking"):
                for o in qq.options:
                    self.native[f"{qq.id}_{o.code}"] = (qq, str(o.code))
                if qq.type == "multiple" and qq.has_other:
                    self.native[f"{qq.id}_other"] = (qq, "_other")
            elif qq.has_other:  # single / scale / yes-no with "other, please specify"
                self.native[f"{qq.id}_other"] = (qq, "_other")

    def match(self, header: str) -> tuple[Optional[Question], Optional[str], str]:
        """(question, part, how) for a header; part is a row/option id or label, '_other', or None."""
        q = self.q
        h = header.strip()
        if q.get(h):
            return q.get(h), None, "id"
        if h in self.native:
            return (*self.native[h], "id")
        w = nfkc_name(h)  # Ｋ４, Ｂ２＿１: an id typed in full-width characters, matched only when h matches nothing
        if w != h and (q.get(w) or w in self.native):
            self.widened.append((header, w))
            return (q.get(w), None, "id") if q.get(w) else (*self.native[w], "id")
        # Kobo/ODK group paths: grp/q, grp/sub/q, q/option (with / or .)
        parts = kobo.group_path(h)
        if parts:
            if q.get(parts[-1]):
                return q.get(parts[-1]), None, "id"
            if parts[-1] in self.native:
                return (*self.native[parts[-1]], "id")
            if len(parts) >= 2 and q.get(parts[-2]):
                return q.get(parts[-2]), parts[-1], "id"
        t = norm_text(h)
        m = wjx.OPTION_HEAD.match(t)
        if m and int(m.group(1)) in self.by_num:
            return self.moved(header, self.by_num[int(m.group(1))], m.group(2))
        m = NUM_HEAD.match(t)
        if m and int(m.group(1)) not in self.by_num and m.group(2):  # 7、题干 of a six-question survey: one inserted
            hit = self.split_title(m.group(2))
            if hit:  # the title (and part) as the questionnaire words it: split_title matches whole titles only
                self.note(header, "column-number-unknown", number=int(m.group(1)), other=hit[0].id)
                return hit[0], hit[1], "title"
        if m and int(m.group(1)) in self.by_num:
            qq = self.by_num[int(m.group(1))]
            rest = m.group(2)
            by_title = self.split_title(rest)
            if by_title and by_title[0] is not qq and title_key(rest) == title_key(by_title[0].text):
                self.note(header, "title-mismatch", qid=qq.id, other=by_title[0].id)
                return by_title[0], by_title[1], "title"
            part = self.part_of(qq, rest)
            if part is None and rest and not PART_PARENS.match(rest):
                # any other title is said (a similarity cut-off let 您配偶的工作单位 pass for 您的工作单位); a title
                # cut short, or one with an addition such as （单选）, is the same question
                said, known = title_key(rest), title_key(qq.text)
                if said != known and said not in known and known not in said:
                    self.note(header, "column-number-only", qid=qq.id, number=qq.number, title=qq.text)
            return self.moved(header, qq, part) if part is not None else (qq, part, "number")
        hit = self.split_title(t)
        if hit:
            return hit[0], hit[1], "title"
        if "/" in t:  # Kobo label headers carry the group path too: 组名/题干 or 题干/选项
            comps = [x for x in t.split("/") if x]
            for i in range(len(comps) - 1, 0, -1):
                qq, part, how = self.match("/".join(comps[i:]))
                if qq is not None:
                    return qq, part, how
            if len(comps) >= 2:
                hit = self.split_title("/".join(comps[:-1]))
                if hit and hit[1] is None:
                    return hit[0], comps[-1], "title"
        return None, None, ""

    def moved(self, header: str, qq: Question, part: str) -> tuple[Question, str, str]:
        """(question, part, how) of a header ``N、(part)`` / ``第N题(part)`` whose number is that of ``qq``: ``qq``
        when it has that row or option (or ``part`` names no other question's either), else the one other matrix,
        multiple choice or ranking that has a row or option so labelled, with a note (``column-part-elsewhere``): a
        question inserted in the export shifts the numbers after it, and a matrix's rows then carry the number of
        the next question, whose options they are not (v_insert3: ``4、(环境卫生)`` beside a new question 3)."""
        if part_known(qq, part):
            return qq, part, "number"
        holders = [o for o in self.q.questions if o is not qq and o.type in ("matrix", "multiple", "ranking")
                   and part_known(o, part)]
        if len(holders) != 1:
            return qq, part, "number"
        other = holders[0]
        self.note(header, "column-part-elsewhere", qid=qq.id, part=part, other=other.id,
                  what="row" if other.type == "matrix" else "option")
        return other, part, "title"

    def split_title(self, t: str) -> Optional[tuple[Question, Optional[str]]]:
        """Match a header without number by title, possibly followed by a part (``题干:选项`` / ``题干(选项)``)."""
        key = title_key(t)
        if key in self.by_title:
            return self.by_title[key], None
        for sep in (":", "-", "_", "/"):
            if sep in t:
                stem, part = t.rsplit(sep, 1)
                if title_key(stem) in self.by_title and part:
                    return self.by_title[title_key(stem)], part
        m = re.match(r"^(.*)\((.+)\)$", t)
        if m and title_key(m.group(1)) in self.by_title:
            return self.by_title[title_key(m.group(1))], m.group(2)
        return None

    def part_of(self, qq: Question, rest: str) -> Optional[str]:
        """The option/row part of the header text after ``N、`` (None for the whole question)."""
        if not rest:
            return None
        m = PART_PARENS.match(rest)
        if m:
            return m.group(1)
        m = re.match(r"^\((.+?)\)(〖.*〗|[_:-]?(?:填空|文本|其他说明|other))$", rest)  # (其他)〖填空〗: the fill-in column
        if m:
            return m.group(1) + m.group(2)
        if qq.type not in ("matrix", "multiple", "ranking"):
            key = norm_text(qq.text)  # a single choice has one part only: the fill-in text of its "other"
            if qq.has_other and rest.startswith(key) and len(rest) > len(key):
                tail = rest[len(key):].lstrip(":-_/—–|")
                if other_part_index(qq, norm_text(tail)) is not None:
                    return tail
            return None
        key = norm_text(qq.text)
        if rest.startswith(key) and len(rest) > len(key):
            tail = rest[len(key):].lstrip(":-_/—–|")
            tail = PART_PARENS.match(tail).group(1) if PART_PARENS.match(tail) else tail
            return tail or None
        for sep in (":", "-", "_", "—", "|"):
            if sep in rest:
                tail = rest.rsplit(sep, 1)[1]
                if tail and part_known(qq, tail):
                    return tail
        m = re.match(r"^(.*)\((.+)\)$", rest)
        if m and part_known(qq, m.group(2)):
            return m.group(2)
        return None
