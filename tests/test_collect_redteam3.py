"""Third red-team of `survey serve`, the server side (each test failed before its fix):

3. the dashboard's QR sheet takes at most SHEET_MAX_COLLECTORS collectors per request (a URL with 5,000 made
   5,000 QR codes in one request), refused in Chinese; `survey links` keeps taking any number.

The phone-side findings (back button, a form sent after the close, two tabs) are in
tests/test_serve_browser_redteam3.py.
"""

from __future__ import annotations

import re
import warnings

from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from serve_helpers import make_project
from survey.collect.app import SHEET_MAX_COLLECTORS, Service, build_app


def _ids(n: int) -> str:
    return ",".join(f"V{i:04d}" for i in range(1, n + 1))


def test_qr_sheet_from_the_dashboard_is_capped_in_chinese(tmp_path):
    """A supervisor (or a script with a stolen admin cookie) opened /admin/sheet?collectors=V1,...,V5000: the
    server built 5,000 QR codes in one request.  Now a sheet takes at most SHEET_MAX_COLLECTORS collectors
    (counted after duplicates are dropped); more are refused with 400 and one Chinese sentence that names
    the limit and the number entered; exactly the limit is still made, every card on it."""
    project = make_project(tmp_path)
    client = TestClient(build_app(Service(project, admin_token="tok-123")))
    base = {"base_url": "https://survey.example.gov.cn"}
    with client:
        client.get("/admin", params={"token": "tok-123"})
        assert f"一次最多{SHEET_MAX_COLLECTORS}名" in client.get("/admin").text
        over = client.get("/admin/sheet", params={**base, "collectors": _ids(SHEET_MAX_COLLECTORS + 1)})
        dup = client.get("/admin/sheet", params={**base, "collectors": _ids(SHEET_MAX_COLLECTORS) + ",V0001,V0002"})
        full = client.get("/admin/sheet", params={**base, "collectors": _ids(SHEET_MAX_COLLECTORS)})
    assert over.status_code == 400, over.status_code
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", over.text))
    assert (f"二维码页一次最多为{SHEET_MAX_COLLECTORS}名调查员生成，这次填写了{SHEET_MAX_COLLECTORS + 1}名" in text), text
    assert "collector" not in text and "survey links" not in text, text
    assert "返回管理后台" in over.text
    assert over.text.count("<svg") == 0
    assert dup.status_code == 200 and full.status_code == 200
    assert full.text.count(f"V{SHEET_MAX_COLLECTORS:04d}") >= 1 and full.text.count("<svg") >= SHEET_MAX_COLLECTORS


def test_links_cli_takes_more_collectors_than_the_dashboard(tmp_path):
    """`survey links` runs on the operator's machine and writes one PNG and SVG per collector: a city with more
    volunteers than one dashboard sheet takes gets every link from one command (the limit is the dashboard's)."""
    from cli import app

    project = make_project(tmp_path)
    out = tmp_path / "qr"
    n = SHEET_MAX_COLLECTORS + 1
    r = CliRunner().invoke(app, ["links", str(project.root), "--base-url", "https://survey.example.gov.cn",
                                 "--out", str(out), "--no-pdf", "--collector", _ids(n)])
    assert r.exit_code == 0, r.output
    assert f"wrote {n} QR code(s)" in r.output
    assert len(list(out.glob("qr-*.png"))) == n
