"""Defects of `survey serve` found by posting as clumsy or hostile respondents would (each test failed before its fix):

1. the plain form's ``POST /submit`` read an urlencoded body with Starlette's parser, which takes raw bytes as
   Latin-1: ``B5=中文意见`` posted unescaped (curl --data, a hand-made client) was stored as ``ä¸\\xadæ…`` and
   bytes that are not UTF-8 (``%E4%B8``, a GBK body) as U+FFFD — answers changed without a word.  Now the body is
   read as the URL standard says (percent-decoded bytes, UTF-8): raw UTF-8 is stored as sent, anything that is
   not UTF-8 is refused with the form's 400 page and a catalogue line in the log, nothing stored;
2. a matrix row, a number, or a rank of the plain form's ranking sent twice (``B4_r1=1&B4_r1=2``) was stored
   with the first value, silently — while the page sent back after another error showed the second one
   selected.  Now it is a problem of its own (``too-many`` / ``not-a-number`` / ``rank-invalid``), as for a
   single choice answered twice;
3. every refused ranking told the respondent "请按重要程度依次点选2项", also when two options of the plain form
   got the same rank or a rank was out of range: now the reason is said (每个名次只能给一个选项…).
"""

from __future__ import annotations

import logging
import uuid as _uuid
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from serve_helpers import make_project
from survey.collect.app import Service, build_app
from survey.collect.journal import Journal, journal_path

QUESTIONNAIRE = """\
id: hunt32
title: 社区服务调查
sections:
  - id: A
    title: 基本情况
    questions:
      - {id: A1, type: single, text: 您的单位, options: [机关, 社区, 企业]}
      - {id: A3, type: number, text: 您的年龄, min: 18, max: 99}
      - {id: B3, type: ranking, text: 请按重要程度排序, k: 2, options: [停车, 卫生, 治安, 绿化]}
      - id: B4
        type: matrix
        text: 您对以下方面是否满意
        options: [{label: 满意, score: 100}, {label: 一般, score: 60}, {label: 不满意, score: 20}]
        rows: [{id: r1, label: 环境}, {id: r2, label: 交通}]
      - {id: B5, type: text, text: 您的意见, required: false}
"""


def _project(tmp_path: Path):
    src = tmp_path / "q.yaml"
    src.write_text(QUESTIONNAIRE, encoding="utf-8")
    return make_project(tmp_path, questionnaire=src)


def _records(project) -> dict:
    j = Journal(journal_path(project.root))
    try:
        return {rec.uuid: rec.answers for rec in j.records()}
    finally:
        j.close()


def _form(uid: str, **extra: str) -> str:
    """An urlencoded body of a complete answer (as the plain form sends it), ``extra`` fields appended raw."""
    fields = f"__uuid={uid}&A1=2&A3=30&B3_1=1&B3_2=2&B4_r1=1&B4_r2=2"
    return fields + "".join(f"&{k}={v}" for k, v in extra.items())


def _post_form(client, body: bytes):
    return client.post("/submit", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})


# --------------------------------------------------------------------------- 1. the plain form's text is UTF-8
def test_raw_utf8_in_the_plain_form_is_stored_as_sent(tmp_path):
    project = _project(tmp_path)
    client = TestClient(build_app(Service(project, admin_token="tok")))
    raw, escaped = str(_uuid.uuid4()), str(_uuid.uuid4())
    with client:
        client.get("/")
        r1 = _post_form(client, _form(raw, B5="中文意见 ok").encode("utf-8"))
        client.cookies.clear()
        client.get("/")
        r2 = _post_form(client, _form(escaped, B5=quote("住房+就业 “难”", safe="") + "+end").encode("ascii"))
    assert r1.status_code == 200 and "提交成功" in r1.text, r1.text
    assert r2.status_code == 200 and "提交成功" in r2.text, r2.text
    got = _records(project)
    assert got[raw]["B5"] == "中文意见 ok"
    assert got[escaped]["B5"] == "住房+就业 “难” end"  # %2B is a plus, a raw + a space
    assert got[raw]["A1"] == 2.0 and got[raw]["B4_r2"] == 2.0


@pytest.mark.parametrize("tail", [b"%E4%B8", "中文".encode("gbk"), b"\xff"], ids=["cut-utf8", "gbk", "ff"])
def test_plain_form_text_that_is_not_utf8_is_refused_not_changed(tmp_path, caplog, tail):
    project = _project(tmp_path)
    client = TestClient(build_app(Service(project, admin_token="tok")))
    uid = str(_uuid.uuid4())
    with client, caplog.at_level(logging.WARNING, logger="minyi.serve"):
        client.get("/")
        r = _post_form(client, _form(uid).encode("ascii") + b"&B5=" + tail)
    assert r.status_code == 400, r.text
    assert "提交的内容无法识别，答卷未能提交" in r.text and "Traceback" not in r.text
    assert _records(project) == {}
    assert "the text of its field 'B5' is not UTF-8" in caplog.text, caplog.text


def test_multipart_text_that_is_not_utf8_is_refused(tmp_path, caplog):
    project = _project(tmp_path)
    client = TestClient(build_app(Service(project, admin_token="tok")))
    uid = str(_uuid.uuid4())
    parts = [("__uuid", uid.encode()), ("A1", b"2"), ("A3", b"30"), ("B3_1", b"1"), ("B3_2", b"2"),
             ("B4_r1", b"1"), ("B4_r2", b"2"), ("B5", "中文".encode("gbk"))]
    body = b"".join(b"--XX\r\nContent-Disposition: form-data; name=\"" + k.encode() + b"\"\r\n\r\n" + v + b"\r\n"
                    for k, v in parts) + b"--XX--\r\n"
    with client, caplog.at_level(logging.WARNING, logger="minyi.serve"):
        client.get("/")
        bad = client.post("/submit", content=body, headers={"Content-Type": "multipart/form-data; boundary=XX"})
        good = client.post("/submit", content=body.replace("中文".encode("gbk"), "中文".encode("utf-8")),
                           headers={"Content-Type": "multipart/form-data; boundary=XX"})
    assert bad.status_code == 400 and "提交的内容无法识别" in bad.text, bad.text
    assert "multipart) was refused: its body is not UTF-8" in caplog.text
    assert good.status_code == 200, good.text
    assert _records(project)[uid]["B5"] == "中文"


def test_plain_form_field_limit_still_holds(tmp_path):
    """The form's own parser keeps the limit on fields (svc.form_fields) and its page."""
    project = _project(tmp_path)
    svc = Service(project, admin_token="tok")
    client = TestClient(build_app(svc))
    uid = str(_uuid.uuid4())
    over = _form(uid) + "".join(f"&Z{i}=1" for i in range(svc.form_fields))
    with client:
        client.get("/")
        r = _post_form(client, over.encode())
    assert r.status_code == 400 and f"超过 {svc.form_fields:,} 项" in r.text, r.text
    assert _records(project) == {}


# --------------------------------------------------------------------------- 2. one value sent twice
@pytest.mark.parametrize("extra, column, code, zh", [
    ("&B4_r1=2", "B4_r1", "too-many", "最多选1项"),
    ("&A3=40", "A3", "not-a-number", "请填写数字"),
    ("&B3_1=2", "B3_1", "rank-invalid", "同一选项只能排一个名次"),
], ids=["matrix-row", "number", "rank"])
def test_a_value_sent_twice_is_refused_not_the_first_kept(tmp_path, extra, column, code, zh):
    project = _project(tmp_path)
    client = TestClient(build_app(Service(project, admin_token="tok")))
    uid, other = str(_uuid.uuid4()), str(_uuid.uuid4())
    fields = {"A1": "2", "A3": "30", "B3": ["1", "2"], "B4_r1": "1", "B4_r2": "2"}
    name, value = extra[1:].split("=")
    if name.startswith("B3_"):
        fields = dict(fields, B3_1="1", B3_2="2")
        del fields["B3"]
    fields[name] = [fields[name], value]
    with client:
        client.get("/")
        form = _post_form(client, (_form(uid) + extra).encode())
        js = client.post("/api/submit", json={"uuid": other, "answers": fields, "link": {}, "form": 2})
    assert form.status_code == 422 and zh in form.text, form.text
    assert js.status_code == 422, js.text
    errs = [(e["column"], e["code"], e["message"]) for e in js.json()["errors"]]
    assert (column, code) in [e[:2] for e in errs], errs
    assert any(m.startswith(zh) for c, _, m in errs if c == column), errs
    assert _records(project) == {}


# --------------------------------------------------------------------------- 3. why a ranking is refused
@pytest.mark.parametrize("ranks, zh", [
    ({"B3_1": "1", "B3_2": "1"}, "每个名次只能给一个选项，请重新排序"),
    ({"B3_1": "1", "B3_3": "3"}, "名次应为1—2"),
    ({"B3_1": "1", "B3_2": "2", "B3_3": "2"}, "最多排2项，请去掉多余的名次"),
    ({"B3_1": "1"}, "请按重要程度依次点选2项"),
], ids=["same-rank", "outside", "too-many", "too-few"])
def test_a_refused_ranking_says_why(tmp_path, ranks, zh):
    project = _project(tmp_path)
    client = TestClient(build_app(Service(project, admin_token="tok")))
    base = {"A1": "2", "A3": "30", "B4_r1": "1", "B4_r2": "2"}
    with client:
        client.get("/")
        r = client.post("/api/submit", json={"uuid": str(_uuid.uuid4()), "answers": {**base, **ranks}, "link": {},
                                             "form": 2})
    assert r.status_code == 422, r.text
    said = [e["message"] for e in r.json()["errors"] if e["question"] == "B3"]
    assert zh in said, said
    assert "请按重要程度依次点选2项" not in said or zh == "请按重要程度依次点选2项", said


# --------------------------------------------------------------------------- 4. an access code respondents can type
@pytest.mark.parametrize("code", [" 2468", "2468 ", "\t2468\u3000"], ids=["lead", "trail", "tab-ideographic"])
def test_an_access_code_given_with_spaces_around_it_lets_respondents_in(tmp_path, code):
    """`--access-code " 2468"` (a shell variable with a blank, a code pasted from a message): the form and the server
    drop the spaces around what a respondent types, so the code kept with them refused every respondent, whatever
    they typed ("访问码不正确" each time).  The code is now kept as it can be typed."""
    project = _project(tmp_path)
    client = TestClient(build_app(Service(project, admin_token="tok", access_code=code)))
    answers = {"A1": "2", "A3": "30", "B3": ["1", "2"], "B4_r1": "1", "B4_r2": "2"}
    with client:
        client.get("/")
        checks = [client.post("/api/code", json={"code": g}).status_code for g in ("2468", code, "2469")]
        wrong = client.post("/api/submit", json={"uuid": str(_uuid.uuid4()), "answers": answers, "link": {}, "form": 2,
                                                 "access_code": "2469"})
        right = client.post("/api/submit", json={"uuid": str(_uuid.uuid4()), "answers": answers, "link": {},
                                                 "form": 2, "access_code": "2468"})
    assert checks == [200, 200, 403]
    assert wrong.status_code == 403 and wrong.json()["status"] == "access_code"
    assert right.status_code == 200, right.text


@pytest.mark.parametrize("written, said", [
    ('"   "', "serve.access_code is '   ', only blanks: no respondent could type it"),
    ("yes", "serve.access_code must be one text, not True"),
    ("[2468, 1357]", "serve.access_code must be one text, not [2468, 1357]"),
    ("1.50", "serve.access_code must be one text, not 1.5"),
], ids=["blanks", "yes", "list", "float"])
def test_an_access_code_no_respondent_could_type_is_refused_at_its_line(tmp_path, capsys, written, said):
    """minyi.yaml's serve.access_code of blanks refused every answer; `yes` became the code "True", a list "[2468,
    1357]", 1.50 the code "1.5" — codes nobody was told.  `survey serve` now refuses them (exit status 1), at the
    key's line, and a running server keeps its settings when such an edit is made."""
    from cli_capture import run_main

    project = _project(tmp_path)
    cfg = project.root / "minyi.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + f"serve:\n  access_code: {written}\n", encoding="utf-8")
    line = len(cfg.read_text(encoding="utf-8").splitlines())
    # an address nothing can listen on: without the check the server would stop there, not serve
    code, out = run_main(capsys, "serve", str(project.root), "--host", "256.1.1.1", "--port", "18559")
    assert code == 1, (code, out)
    assert f"minyi.yaml:{line}:" in out and said in out, out
    assert "Traceback" not in out


# --------------------------------------------------------------------------- 5. what is wrong with a --base-url
@pytest.mark.parametrize("url, said, zh", [
    ("https://survey.example.gov.cn/?from=wechat", "ends in '?from=wechat': each link adds its own ?s=…&k=…",
     "末尾带有“?from=wechat”"),
    ("https://survey.example.gov.cn/#top", "ends in '#top'", "末尾带有“#top”"),
    ("https://", "names no host", "缺少网站地址"),
    ("https://[::1", "names no host", "缺少网站地址"),
    ("ftp://survey.example.gov.cn", "must be an http:// or https:// address", "须是以 http:// 或 https:// 开头"),
], ids=["query", "fragment", "no-host", "broken-ipv6", "ftp"])
def test_a_wrong_base_url_is_told_what_is_wrong_with_it(tmp_path, capsys, url, said, zh):
    """An https address with ?from=wechat was refused as "must be an http:// or https:// address" (it is one), and
    https://[::1 made urlsplit raise: `survey links` said "internal error", the dashboard's QR sheet answered 500.
    Each is now said as it is, on the command line (exit status 2) and on the dashboard (400, in Chinese)."""
    from cli_capture import run_main

    project = _project(tmp_path)
    code, out = run_main(capsys, "links", str(project.root), "--base-url", url, "--out", str(tmp_path / "qr"),
                         "--no-pdf", "--collector", "V001")
    assert code == 2, (code, out)
    assert said in out and "internal error" not in out, out
    assert not (tmp_path / "qr" / "links.csv").exists()
    client = TestClient(build_app(Service(project, admin_token="tok")))
    with client:
        client.get("/admin", params={"token": "tok"})
        r = client.get("/admin/sheet", params={"base_url": url, "collectors": "V001"})
    assert r.status_code == 400, r.status_code
    assert zh in r.text and "服务器内部错误" not in r.text, r.text


# --------------------------------------------------------------------------- 6. a full comment box with line breaks
def test_a_full_comment_box_with_line_breaks_is_taken_from_the_plain_form(tmp_path):
    """The plain form's comment box stops at maxlength=2000, which counts a line break as one character; the
    browser posts each as CR LF (HTML's form data set), so a box filled to the limit in 20 paragraphs arrived as
    2,020 characters and was refused "回答太长了（最多2000字）" — a respondent cannot see what to shorten.  The
    line breaks are read back as the box had them (LF, as the phone form's JSON sends them); 2,001 is still too
    long."""
    from survey.collect.answers import MAX_TEXT

    project = _project(tmp_path)
    client = TestClient(build_app(Service(project, admin_token="tok")))
    text = ("意" * 99 + "\n") * 20
    assert len(text) == MAX_TEXT
    full, over = str(_uuid.uuid4()), str(_uuid.uuid4())
    with client:
        client.get("/")
        r = _post_form(client, _form(full, B5=quote(text.replace("\n", "\r\n"))).encode())
        client.cookies.clear()
        client.get("/")
        r_over = _post_form(client, _form(over, B5=quote((text + "x").replace("\n", "\r\n"))).encode())
    assert r.status_code == 200 and "提交成功" in r.text, r.text
    assert _records(project)[full]["B5"] == text.strip()  # as the JSON path keeps it (ends trimmed)
    assert r_over.status_code == 422 and "回答太长了（最多2000字）" in r_over.text
    assert over not in _records(project)
