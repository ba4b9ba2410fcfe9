"""survey.pii.mask_pii: every common form of phone, ID number, e-mail and self-introduced name is masked
(generated forms and surrounding text), ordinary text and short numbers are kept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from survey.pii import mask_pii

HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=10)
CTX = st.one_of(HAN, st.sampled_from(["", "电话", "联系方式：", "我的手机 ", "请打", "（", "，谢谢", "。", " ok "]))
SEP = st.sampled_from(["", " ", "-", "－", " - ", "."])
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _digits(s: str) -> str:
    return "".join(ch for ch in s.translate({ord(f): ord(a) for a, f in zip("0123456789", "０１２３４５６７８９")})
                   if ch.isdigit())


@st.composite
def mobiles(draw):
    n = f"1{draw(st.integers(3, 9))}{draw(st.integers(0, 10**9 - 1)):09d}"
    s1, s2 = draw(SEP), draw(SEP)
    body = n[:3] + s1 + n[3:7] + (s2 if s1 else "") + n[7:]
    prefix = draw(st.sampled_from(["", "+86 ", "+86-", "+86", "(+86)", "（+86）", "0086 ", "86-", "86 ", "＋86 "]))
    text = prefix + body
    if draw(st.booleans()):
        text = text.translate(FULL)
    return n, text


@settings(max_examples=300, deadline=None)
@given(CTX, mobiles(), CTX)
def test_mobile_numbers_in_every_form_are_masked(before, phone, after):
    digits, text = phone
    out = mask_pii(before + text + after)
    assert out == before + "1**********" + after
    assert digits not in _digits(out)


@settings(max_examples=200, deadline=None)
@given(CTX, st.integers(10**16, 10**17 - 1), st.sampled_from(["X", "x", "7", "Ｘ"]), st.booleans(), CTX)
def test_id_numbers_masked_with_x_and_grouping(before, body, last, grouped, after):
    idn = f"{body}{last}"
    text = f"{idn[:6]} {idn[6:14]} {idn[14:]}" if grouped else idn
    out = mask_pii(before + text + after)
    assert out == before + "******************" + after


@settings(max_examples=200, deadline=None)
@given(CTX, st.from_regex(r"[a-z][a-z0-9._]{0,8}@[a-z0-9]{1,8}\.(com|cn|net)(\.cn)?", fullmatch=True), CTX)
def test_email_addresses_masked(before, mail, after):
    out = mask_pii(before + mail + " " + after)
    assert "@" not in out.replace("***@***", "") and mail not in out


SURNAME = st.sampled_from("王李张刘陈杨黄赵吴周")
GIVEN = st.text(alphabet="伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚", min_size=1, max_size=2)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["我叫", "本人叫", "我的名字是", "我是"]), SURNAME, GIVEN,
       st.sampled_from(["，", "。", "，住在幸福小区", " ", "，今年65岁", "！"]))
def test_names_after_self_introduction_masked(intro, surname, given_name, rest):
    name = surname + given_name
    out = mask_pii(f"大家好，{intro}{name}{rest}希望解决停车难")
    assert name not in out and f"{intro}***" in out and out.endswith("希望解决停车难")


def test_ordinary_text_and_short_numbers_kept():
    for text in ("希望增加12345热线人手", "2026年以来停车难", "等了30分钟", "我是退休职工，希望多建公园",
                 "我是社区志愿者", "金额123456789012元", "门牌号18栋2单元", "我叫不出它的名字", "a@b"):
        assert mask_pii(text) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=40)
       .filter(lambda s: "@" not in s and "＠" not in s and "我" not in s and "名字" not in s and "本人" not in s))
def test_text_without_digits_or_introductions_unchanged(text):
    assert mask_pii(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_masking_is_idempotent(text):
    once = mask_pii(text)
    assert mask_pii(once) == once
