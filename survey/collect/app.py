"""The web survey as a Starlette application (served by uvicorn, see :mod:`survey.collect.server`).

Respondents: ``GET /`` the form (a signed link's ``s``/``d``/``c``/``k`` lock site and district and
name the collector), ``POST /api/code`` (the access code checked when it is entered, from form.js),
``POST /api/submit`` (JSON, from form.js) or ``POST /submit`` (the plain HTML form), ``/logic.js`` (the
compiled skip logic), ``/sw.js`` (the service worker), ``/static/…``.
Admins: ``/admin`` (dashboard; ``?token=`` once, then a cookie), ``POST /admin/state`` (open or
close), ``/admin/api/stats`` (JSON), ``/admin/sheet`` (the printable QR sheet).

Answers to submissions: 200 stored (also for a retry of a stored UUID), 422 field errors, 409
quota full, device already answered or a wave that is not the project's (an answer is stored in the wave
its page was served under), 403 closed / wrong access code / refused device, 429 too many
answers stored or refused from one address (:data:`REFUSED_PER_STORED`), 413 request too large, 400
malformed, forged or old link (:class:`~survey.collect.links.CollectorLinkError`).

Security: every page is autoescaped; a Content-Security-Policy allows scripts from this origin
only (no inline script, no eval); static files are served by Starlette's ``StaticFiles`` from one
folder (no path traversal); admin pages need the token (cookie ``SameSite=Strict``, forms carry a
CSRF token); errors are short pages without tracebacks (which go to the server's log).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import deque
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import unquote_to_bytes

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..labels import label
from ..messages import said_value
from ..store import CONFIG, Project
from .answers import FIELD_MESSAGES_ZH
from .committer import Committer, Outcome, Pending
from .dashboard import QualityCache, build_stats, notes_lines
from .journal import Journal, journal_path
from .links import CollectorLinkError, Link, LinkError, local_only, make_links, project_secret, sheet_html, verify
from .logic import logic_js
from .merge import merge_pending
from .secret_compare import header_bytes, same_secret
from .pages import environment, form_page, selected, static_version
from .settings import ServeSettings, load_settings

log = logging.getLogger("minyi.serve")

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DEVICE_COOKIE = "minyi_device"
ADMIN_COOKIE = "minyi_admin"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SHEET_CSP = ("default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; base-uri 'none'; "
             "form-action 'none'; frame-ancestors 'none'")

# What the page says besides field errors (one table, handed to form.js with the field messages).
PAGE_MESSAGES_ZH = {
    "access-code-missing": "请输入访问码",
    "quota-full": "感谢您的参与！{cell}的样本已经收集完成，无需再填写本问卷。",
    "outbox": "{n} 份答卷保存在本机，联网后自动发送",
    "invalid": "有题目需要修改，请按提示检查后再提交",
    "saved-title": "已保存在本机",
    "saved-offline": "当前网络不通，答卷已保存在本机，网络恢复后会自动提交，请勿清除浏览器数据。",
    "done-title": "提交成功",
    "done": "问卷到此结束，衷心感谢您的支持与配合！",
    "not-stored-title": "未能提交",
    "not-stored": "答卷未能提交，请联系调查工作人员。",
    "closed": "本次调查已经结束，感谢您的关注！",
    "access-code": "访问码不正确，请向调查工作人员确认后重新输入。",
    "access-code-tries": "访问码输错次数过多，请约{s}秒后再试。",
    "no-device": "请允许浏览器保存 Cookie，刷新页面后重新提交。",
    "rate": "提交过于频繁，请稍后再试。",
    "saved-rate": "提交过于频繁，服务器请您稍候：答卷已保存在本机，约{s}秒后会自动重新提交，无需重新填写。",
    "saved-busy": "服务器暂时无法接收，答卷已保存在本机，稍后会自动重新提交，请勿清除浏览器数据。",
    "refused": "{n} 份保存在本机的答卷未被服务器接收：{reasons}。这些答卷仍保留在本机，没有删除，请联系调查工作人员。",
    "refused-invalid": "有题目不符合要求",
    "refused-quota_full": "配额已满",
    "refused-closed": "调查已结束",
    "refused-already": "本设备已经提交过",
    "refused-access_code": "访问码不正确",
    "refused-bad_link": "链接无效",
    "refused-wave_unknown": "所属调查轮次不在本项目中",
    "refused-other": "服务器拒收",
    # the page's own answer refused for a reason the project can undo: kept on the phone (form.js RETRY_REFUSED)
    "not-sent-title-closed": "调查已结束，答卷未提交",
    "not-sent-closed": "本次调查已经结束，您的答卷没有提交到服务器。答卷仍保存在本手机上，没有删除；"
                       "如调查重新开放，再次打开本页面时会自动提交。如有疑问，请联系调查工作人员。",
    "not-sent-title-wave_unknown": "答卷未提交",
    "not-sent-wave_unknown": "服务器没有接收这份答卷：它所属的调查轮次不在本项目中。答卷仍保存在本手机上，没有删除；"
                             "调查工作人员补上这一轮次后，再次打开本页面时会自动提交。",
    "wave-unknown": "这份答卷是在调查轮次“{wave}”中填写的，本项目没有这一轮次，未能保存，请联系调查工作人员。",
    "bad-link": "此链接无效或已被修改，请扫描调查工作人员提供的二维码。",
    # a link signed before collector ids with invisible characters were refused (links.CollectorLinkError)
    "bad-link-collector": "此链接中的调查员编号含有看不见的字符，链接已不能使用，请向调查工作人员索取新的二维码。",
    "bad-request": "提交的内容无法识别，请刷新页面后重试。",
    "too-large": "提交的内容过大。",
    # the plain form without JavaScript (POST /submit) answered by a page, with the real cause
    "too-large-title": "提交的内容过大",
    "too-large-form": "提交的内容超过了服务器接收的上限（{kb} KB），答卷未能提交。请返回上一页，缩短较长的文字回答后重新提交。",
    "too-many-fields-title": "提交的项目过多",
    "too-many-fields-form": "提交的内容包含的项目过多（超过 {n} 项），答卷未能提交。请返回上一页检查后重新提交，"
                            "或刷新页面重新填写。",
    "unreadable-form": "提交的内容无法识别，答卷未能提交。请刷新页面后重新填写。",
}


# ----------------------------------------------------------------------------- pure ASGI middlewares
class SecurityHeaders:
    """Adds the CSP and related headers to every HTTP response (a route may set its own CSP)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                             (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                             (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")):
                    if k not in names:
                        headers.append((k, v))
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with 413, before the application reads them: JSON for the
    JSON endpoints, else the page ``page(status, title, text)`` makes (the plain form's ``POST /submit``)."""

    def __init__(self, app, limit_fn: Callable[[], int], page: Optional[Callable[[int, str, str], Response]] = None):
        self.app = app
        self.limit_fn = limit_fn
        self.page = page

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limit_fn()
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    if int(v) > limit:
                        return await self._too_large(scope, receive, send, limit)
                except ValueError:  # the phone's words, as for any body that cannot be read
                    if self.page is not None and not _json_path(scope["path"]):
                        return await self.page(400, PAGE_MESSAGES_ZH["not-stored-title"],
                                               PAGE_MESSAGES_ZH["unreadable-form"])(scope, receive, send)
                    return await JSONResponse({"status": "bad_request", "message": PAGE_MESSAGES_ZH["bad-request"]},
                                              status_code=400)(scope, receive, send)
        body = bytearray()
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body += msg.get("body", b"")
            if len(body) > limit:
                return await self._too_large(scope, receive, send, limit)
            if not msg.get("more_body"):
                break
        done = False

        async def replay():
            nonlocal done
            if not done:
                done = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope, receive, send, limit: int):
        if self.page is not None and not _json_path(scope["path"]):
            resp = self.page(413, PAGE_MESSAGES_ZH["too-large-title"],
                             PAGE_MESSAGES_ZH["too-large-form"].format(kb=f"{limit // 1024:,}"))
        else:
            resp = JSONResponse({"status": "too_large", "message": PAGE_MESSAGES_ZH["too-large"]}, status_code=413)
        await resp(scope, receive, send)


class PagesOnly:
    """Sends pages and scripts through ``pages`` (compression) and the small JSON answers of /api/ straight on."""

    def __init__(self, pages, api):
        self.pages, self.api = pages, api

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            return await self.api(scope, receive, send)
        return await self.pages(scope, receive, send)


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (sliding window)."""

    def __init__(self, limit_fn: Callable[[], int], window: float = 60.0):
        self.limit_fn = limit_fn
        self.window = window
        self.hits: dict[str, deque] = {}

    def wait(self, key: str) -> int:
        """Seconds until ``key`` may have another event (0: now), without counting one."""
        limit = self.limit_fn()
        dq = self.hits.get(key)
        if limit <= 0 or not dq:
            return 0
        now = time.monotonic()
        recent = [t for t in dq if t > now - self.window]
        return int(recent[-limit] + self.window - now) + 1 if len(recent) >= limit else 0

    def allow(self, key: str) -> tuple[bool, int]:
        ok, wait, _ = self.take(key)
        return ok, wait

    def take(self, key: str) -> tuple[bool, int, Optional[float]]:
        """Count an event for ``key`` when the limit allows: (allowed, seconds to wait, the time it was counted at
        — for :meth:`give_back`; None when nothing was counted)."""
        limit = self.limit_fn()
        if limit <= 0:
            return True, 0, None
        now = time.monotonic()
        dq = self.hits.setdefault(key, deque())
        while dq and dq[0] <= now - self.window:
            dq.popleft()
        if len(dq) >= limit:
            return False, int(dq[0] + self.window - now) + 1, None
        dq.append(now)
        if len(self.hits) > 20000:  # forget idle addresses
            for k in [k for k, d in self.hits.items() if not d or d[-1] <= now - self.window]:
                del self.hits[k]
        return True, 0, now

    def give_back(self, key: str, at: Optional[float]) -> None:
        """Uncount the event :meth:`take` counted at ``at`` (it turned out not to be one this limit counts)."""
        dq = self.hits.get(key)
        if at is not None and dq:
            with contextlib.suppress(ValueError):  # already out of the window
                dq.remove(at)


# The rate limit (serve.rate_limit, per minute and address) counts answers stored.  Answers refused after they were
# read — 422 field errors, 409 device already answered / quota full / unknown wave, 400 unreadable — are counted
# apart, up to this many times the rate limit a minute (150 at the default 30): a respondent putting right a field
# error, on a phone or in the plain form, is never locked out by it, while an address sending refused answers
# without end (each costs the writer a conversion and the checks) is answered 429 like a flood of stored ones.
REFUSED_PER_STORED = 5
# Wrong access codes one address may try per minute at ``POST /api/code`` (the check when the code is entered,
# before the questions); more are answered 429 until the minute has passed, so the check is no faster way to
# guess the code than sending whole answers.  A respondent typing the right code is never held up by it.
CODE_TRIES_PER_MINUTE = 10
# The rules of the phone form this server's pages check, sent back with each answer (``form`` in the JSON).  2: an
# "other, please specify" option needs its text.  An answer without it was made by a page from before (kept in a
# phone's outbox): its empty "please specify" text is stored and noted, not refused (docs/collect.md).
FORM_RULES = 2


# ----------------------------------------------------------------------------- the service
class Service:
    """Everything the routes share: project, settings (re-read when minyi.yaml changes), writer, merger."""

    def __init__(self, project: Project, *, admin_token: str, wave: Optional[str] = None,
                 access_code: Optional[str] = None, rate_limit: Optional[int] = None,
                 merge_every: Optional[float] = None, font_css: Optional[Callable[[str], str]] = None):
        self.project = project
        self.q = project.questionnaire
        self.root = project.root
        self.overrides = dict(wave=wave, access_code=access_code, rate_limit=rate_limit, merge_every=merge_every)
        self.config_path = self.root / CONFIG
        self._settings = load_settings(project.config, self.q, self.config_path, **self.overrides)
        self._config_mtime = self.config_path.stat().st_mtime_ns
        self._checked_at = time.monotonic()
        self.secret = project_secret(self.root)
        self.admin_token = admin_token
        self.font_css = font_css
        self.logic = logic_js(self.q)
        self.form_fields = _form_fields_limit(self.q)
        self.logic_version = hashlib.sha256(self.logic.encode()).hexdigest()[:12]
        self.version = static_version()
        self.journal_file = journal_path(self.root)
        self.committer: Optional[Committer] = None
        self.reader = threading.local()
        self.limiter = RateLimiter(lambda: self.settings.rate_limit)  # answers stored, per address
        self.refused = RateLimiter(lambda: REFUSED_PER_STORED * self.settings.rate_limit)  # answers refused
        self.code_tries = RateLimiter(lambda: CODE_TRIES_PER_MINUTE)  # wrong access codes per address
        self.quality = QualityCache()
        self._merge_stop = threading.Event()
        self._merge_thread: Optional[threading.Thread] = None
        self.merge_error: Optional[str] = None
        self.open = True
        self._lock = None
        self.stored_this_run = 0
        self._known_waves: set = set()

    def wave_exists(self, wave: str) -> bool:
        """Is ``wave`` a wave of the project: served now, listed in minyi.yaml ``waves:``, in the journal or in
        the store?  (For an answer filled in under another wave than the one served now.)"""
        if wave == self.settings.wave or wave in self._known_waves:
            return True
        from ..waves import read_waves

        found = False
        try:
            found = wave in read_waves(self.config_on_disk(), str(self.config_path))
        except Exception:  # an unreadable minyi.yaml: the journal and the store still say
            pass
        found = found or self.journal().count(wave) > 0 or wave in self.project.waves()
        if found:
            self._known_waves.add(wave)
        return found

    def config_on_disk(self) -> dict:
        """minyi.yaml as it is on disk now, read as when the project opened (:func:`survey.config_marks.read_config`:
        UTF-8 or GBK; a key written twice, a tab or a syntax error raise with their lines, never a silent last-wins)."""
        from ..config_marks import read_config

        return read_config(self.config_path)

    # -- settings -------------------------------------------------------------------
    @property
    def settings(self) -> ServeSettings:
        now = time.monotonic()
        if now - self._checked_at > 2:
            self._checked_at = now
            try:
                mtime = self.config_path.stat().st_mtime_ns
                if mtime != self._config_mtime:
                    self._settings = load_settings(self.config_on_disk(), self.q, self.config_path, **self.overrides)
                    self._config_mtime = mtime
                    log.warning("minyi.yaml changed: serve settings and quotas reloaded")
                    if self.committer is not None:  # the writer keeps the new quotas in the journal (its turn)
                        self.committer.hand_quotas()
            except Exception as e:  # keep the last good settings; say why once, each problem at its line
                from ..config_marks import locate

                self._config_mtime = self.config_path.stat().st_mtime_ns if self.config_path.exists() else 0
                why = "; ".join(map(str, locate(e.problems))) if hasattr(e, "problems") else e  # a MinyiError
                log.warning("minyi.yaml changed but cannot be used (%s); keeping the previous settings", why)
        return self._settings

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        """Lock the project for this server, open the journal, merge what a previous run left, start merging."""
        if self.committer is not None:
            return
        self._lock = _serve_lock(self.root)
        self.committer = Committer(self.q, self.journal_file, lambda: self.settings)
        self.open = self.journal().state("open", "1") == "1"  # a reader: the writer's connection is its thread's
        self.merge_now()  # what a previous run left in the journal
        self._merge_thread = threading.Thread(target=self._merge_loop, name="minyi-merge", daemon=True)
        self._merge_thread.start()

    def stop(self) -> None:
        self._merge_stop.set()
        if self._merge_thread is not None:
            self._merge_thread.join()
        if self.committer is not None:
            self.committer.stop()  # every queued submission answered
            self.stored_this_run = self.committer.stored
            self.committer = None
        self.merge_now()
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    def journal(self) -> Journal:
        """A read connection for this thread."""
        j = getattr(self.reader, "journal", None)
        if j is None:
            j = Journal(self.journal_file)
            self.reader.journal = j
        return j

    def merge_now(self) -> list:
        j = Journal(self.journal_file)
        try:
            res = merge_pending(self.project, j)
            self.merge_error = None
            for r in res:
                if r.rows:
                    log.info("merged %d answers into the project (import #%s, wave %s)", r.rows, r.import_id, r.wave)
            return res
        except Exception as e:  # the journal keeps everything; try again later
            self.merge_error = str(e).splitlines()[0] if str(e) else type(e).__name__
            log.warning("could not merge into the project store yet: %s", self.merge_error)
            return []
        finally:
            j.close()

    def _merge_loop(self) -> None:
        while not self._merge_stop.wait(self.settings.merge_every):
            self.merge_now()

    # -- tokens ---------------------------------------------------------------------
    def sign(self, purpose: str, value: str) -> str:
        return hmac.new(self.secret, f"{purpose}\x1f{value}".encode("utf-8", "surrogatepass"),
                        hashlib.sha256).hexdigest()[:32]

    def new_device(self) -> str:
        d = secrets.token_urlsafe(16)
        return f"{d}.{self.sign('device', d)}"

    def device_of(self, cookie: Optional[str]) -> Optional[str]:
        if not cookie or "." not in cookie:
            return None
        d, sig = cookie.rsplit(".", 1)  # a cookie with other bytes (non-ASCII) is simply not ours: None
        return d if same_secret(header_bytes(sig), self.sign("device", d)) else None

    def admin_session(self) -> str:
        return self.sign("admin", self.admin_token)

    def is_admin(self, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and same_secret(header_bytes(auth[7:].strip()), self.admin_token):
            return True
        c = request.cookies.get(ADMIN_COOKIE)
        return bool(c) and same_secret(header_bytes(c), self.admin_session())

    def csrf(self) -> str:
        return self.sign("csrf", self.admin_session())

    # -- quotas for the page --------------------------------------------------------
    def full_cells(self) -> list[dict]:
        s = self.settings
        if not s.quotas.cells:
            return []
        counts = self.journal().cell_counts(s.wave)
        out = []
        code = {}
        for qid in (self.q.site_question, self.q.district_question):
            if qid:
                code[qid] = {o.label: o.code for o in self.q.question(qid).options}
        for c in s.quotas.cells:
            n = sum(v for (si, di), v in counts.items() if c.matches(si, di))
            if n >= c.target:
                out.append({"site": code.get(self.q.site_question, {}).get(c.site) if c.site else None,
                            "district": code.get(self.q.district_question, {}).get(c.district) if c.district else None,
                            "name": c.name})
        return out


# ----------------------------------------------------------------------------- helpers
LOCK_FILE = "serve.lock"


def _serve_lock(root: Path):
    """An exclusive lock on the project's serve.lock: one `survey serve` per project (one merger)."""
    import fcntl

    from ..errors import MinyiError

    f = open(root / LOCK_FILE, "a+")
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise MinyiError.of("serve-busy", file=str(root), path=str(root))
    return f


def _render(name: str, status: int = 200, **ctx) -> HTMLResponse:
    html = environment().get_template(name).render(**ctx)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _message(svc: Service, heading: str, text: str = "", status: int = 200, **kw) -> HTMLResponse:
    return _render("message.html.j2", status, title=svc.q.title, version=svc.version, heading=heading, text=text,
                   more=kw.get("more"), link=kw.get("link"), link_text=kw.get("link_text"))


def _bad_link(e: LinkError) -> str:
    """What the respondent is told of a link refused (``e`` from :func:`~survey.collect.links.verify`); a collector id
    holding invisible characters is also logged with its catalogue problem, for the operator."""
    if isinstance(e, CollectorLinkError):
        from ..messages import problem

        pr = problem("serve-link-collector-invisible", value=e.shown, chars=", ".join(e.chars))
        log.warning("%s (%s)", pr.message, pr.hint)
        return PAGE_MESSAGES_ZH["bad-link-collector"]
    return PAGE_MESSAGES_ZH["bad-link"]


def _error_place(svc: Service, e: dict) -> str:
    """Where the plain form shows an error: the matrix row's card, else the question ("__form": the top)."""
    qq = svc.q.get(e["question"]) if e["question"] else None
    if qq is not None and qq.type == "matrix" and e["column"] in qq.columns():
        return e["column"]
    return e["question"] or "__form"


def sheet_problem_text(pr, lang: str = "zh") -> str:
    """Why the dashboard's QR-sheet form cannot make the sheet, in the dashboard's words: the label
    ``sheet.<catalogue code>`` of :mod:`survey.labels` (the CLI's message names its options, such as
    ``--collector``, which the dashboard's form does not have).  A code without a label is a bug: logged,
    and the form's general words are shown."""
    from ..labels import LABELS, label

    code = f"sheet.{pr.code}"
    if code not in LABELS:
        log.error("no dashboard words (labels %s) for the QR-sheet problem: %s", code, pr)
        return label("sheet.other", lang)
    params = {k: str(v) for k, v in pr.extra.items()}
    if params.get("option") in ("site", "district"):
        params["option"] = label(f"comp.{params['option']}", lang)
        params["option"] = params["option"].lower() if lang == "en" else params["option"]
    return label(code, lang).format_map(_Blank(params))


class _Blank(dict):
    """format_map parameters where a missing one is left empty rather than raising."""

    def __missing__(self, key: str) -> str:
        return ""


def _form_fields_limit(q) -> int:
    """Fields the plain form's ``POST /submit`` may carry: Starlette's 1,000, or more for a questionnaire whose
    form can send more (one field per ticked box, ranked option, matrix row: at most twice the fields
    :func:`~survey.collect.answers.known_fields` names, with room for the hidden ones)."""
    from .answers import known_fields

    return max(1000, 2 * len(known_fields(q)) + 20)


class TooManyFields(Exception):
    """A plain-form body with more fields than :func:`_form_fields_limit` allows."""


class NotUtf8(Exception):
    """A plain-form body whose text is not UTF-8: the catalogue ``code`` that says where, with its ``params``."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code, self.params = code, params


def urlencoded_fields(body: bytes, limit: int) -> list[tuple[str, str]]:
    """The fields of an ``application/x-www-form-urlencoded`` body as the URL standard reads them: ``+`` is a space,
    ``%XX`` a byte, and the bytes of a name or value are UTF-8 — also when a client sent them raw, unescaped.
    Starlette's parser read raw bytes as Latin-1, so ``B5=中文`` posted by curl was stored as ``ä¸\xadæ\x96\x87``,
    and bytes that are not UTF-8 (``%E4%B8``, a GBK page) as U+FFFD: an answer changed without a word.  Here such
    a body raises :class:`NotUtf8`, and one of more than ``limit`` fields :class:`TooManyFields`."""
    out: list[tuple[str, str]] = []
    for part in body.split(b"&"):
        if not part:
            continue
        if len(out) >= limit:
            raise TooManyFields()
        raw_name, _, raw_value = part.partition(b"=")
        name, value = unquote_to_bytes(raw_name.replace(b"+", b" ")), unquote_to_bytes(raw_value.replace(b"+", b" "))
        try:
            out.append((name.decode("utf-8"), value.decode("utf-8")))
        except UnicodeDecodeError:
            raise NotUtf8("serve-form-not-utf8", field=said_value(name.decode("utf-8", "backslashreplace"))) from None
    return out


def utf8_fields(body: bytes) -> None:
    """Raise :class:`NotUtf8` when a multipart body is not UTF-8 throughout (the form's page sends UTF-8; a part
    that is not would be read as Latin-1 and stored changed)."""
    try:
        bytes(body).decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotUtf8("serve-multipart-not-utf8", at=e.start) from None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _json_path(path: str) -> bool:
    """Is ``path`` one of the JSON endpoints (``/api/…``, the dashboard's ``/admin/api/…``), whose errors are
    JSON too, never an HTML page?"""
    return path.startswith(("/api/", "/admin/api/"))


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _submitted_at(finished_ms: Any, received: _dt.datetime) -> str:
    """The phone's finishing time when plausible (answers sent later from the outbox), else the receipt."""
    try:
        t = _dt.datetime.fromtimestamp(float(finished_ms) / 1000.0)
    except (TypeError, ValueError, OverflowError, OSError):
        return received.strftime("%Y-%m-%d %H:%M:%S")
    if received - _dt.timedelta(days=60) <= t <= received + _dt.timedelta(minutes=5):
        return t.strftime("%Y-%m-%d %H:%M:%S")
    return received.strftime("%Y-%m-%d %H:%M:%S")


def _plain_json(data: Any, max_depth: int = 4) -> bool:
    """Is a submission's JSON something the writer can take: nested at most ``max_depth`` levels (answers →
    a list of codes), text encodable as UTF-8 (no lone surrogates such as "\\ud800"), integers of at most 30
    digits?  A body that is not is refused alone (400) before it reaches the writer, never with the batch."""
    stack = [(data, 0)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(v, bool) or v is None or isinstance(v, float):
            continue
        elif isinstance(v, int):
            if abs(v) >= 10 ** 30:
                return False
        elif isinstance(v, (dict, list)):
            if depth >= max_depth:
                return False
            items = list(v.items()) if isinstance(v, dict) else [(None, x) for x in v]
            for k, x in items:
                if k is not None and not _plain_json(k, 0):
                    return False
                stack.append((x, depth + 1))
    return True


def _wave_words(svc: Service, wave: str) -> str:
    """The served wave as the dashboard says it: its label (minyi.yaml ``waves:``, :func:`survey.waves.wave_label`)
    with the id the commands take in brackets when they differ (2026年第三季度（2026Q3）)."""
    from ..waves import wave_label

    try:
        config = svc.config_on_disk()
    except Exception:  # an unreadable minyi.yaml: the derived label
        config = {}
    words = wave_label(config, wave)
    return words if words == wave else f"{words}（{wave}）"


LOCAL_ONLY_NOTE = "网址 {url} 只能在本机打开，手机扫描这些二维码将无法访问问卷：请在管理后台填写受访者手机能打开的公网网址后重新生成。"


# Collectors on one QR sheet made by the dashboard: each is a QR code built in the request (about 6 ms, and
# the page grows by about 2 kB), so one request for 5,000 held a worker thread for half a minute and sent
# 10 MB.  500 is 125 printed A4 pages, more than one print run.  The dashboard's limit only: `survey links`
# runs on the operator's own machine and writes one file per code, so it takes any number (1,000 in 30 s).
SHEET_MAX_COLLECTORS = 500
# The dashboard's referrer policy.  Every other page sends no referrer; under ``no-referrer`` a browser sends
# ``Origin: null`` with a form post (Fetch standard, "append a request Origin header"), so the dashboard's
# close/reopen button was refused by the same-origin check of /admin/state in Chromium.  ``same-origin``
# names the origin to this server only (the dashboard's address carries no token: it is dropped at login).
ADMIN_REFERRER = "same-origin"
CLOSED_AT = "closed_at"  # journal state: when the admin last closed the survey (ms since the epoch)


def _finished_before_closing(svc: Service, finished_ms: Any) -> bool:
    """Was this answer finished on the phone before the admin closed the survey?  Such an answer — kept in a
    volunteer's outbox without signal and sent after the close — is fieldwork of the open survey and is
    taken; a form filled after the close is refused (403 closed).  The phone's clock says when it was
    finished (as for ``submitted_at``): within the 60 days before the close, else not taken."""
    try:
        closed = float(svc.journal().state(CLOSED_AT) or "nan")
        finished = float(finished_ms)
    except (TypeError, ValueError, OverflowError):
        return False
    return closed - 60 * 86400 * 1000 <= finished <= closed


def _duration(v: Any) -> Optional[float]:
    try:
        x = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return x if 0 <= x <= 7 * 86400 else None


def _right_code(expected: str, given: Any) -> bool:
    """Is ``given`` (as typed, spaces around it ignored) the access code?  Compared in constant time."""
    return isinstance(given, (str, int)) and not isinstance(given, bool) \
        and same_secret(str(given).strip(), expected)


def check_code(svc: Service, request: Request, given: Any) -> Outcome:
    """``POST /api/code``: the access code checked when it is entered, before the questions (item 1 of
    docs/collect.md "The form").  200 right (or none needed), 403 ``access_code`` wrong, 429 after
    :data:`CODE_TRIES_PER_MINUTE` wrong codes from one address in a minute.  It says nothing but right or
    wrong about the one code in force; the answer's own check at sending stays (a phone offline cannot ask)."""
    expected = svc.settings.access_code
    if not expected:
        return Outcome(200, {"status": "ok"})
    ip = _client_ip(request)
    wait = svc.code_tries.wait(ip)
    if wait:
        return Outcome(429, {"status": "rate_limited", "retry_after": wait,
                             "message": PAGE_MESSAGES_ZH["access-code-tries"].format(s=wait)})
    if _right_code(expected, given):
        return Outcome(200, {"status": "ok"})
    svc.code_tries.allow(ip)  # counts this wrong code
    return Outcome(403, {"status": "access_code", "message": PAGE_MESSAGES_ZH["access-code"]})


async def _accept(svc: Service, request: Request, *, uuid: str, fields: dict, link_raw: dict, access_code: Any,
                  finished_at: Any, duration: Any, wave: Any = None, other_text: bool = True) -> Outcome:
    """The checks every submission passes before the writer: link, open, access code, rate, device, wave.

    ``wave``: the wave the form was served under (answers kept on a phone may arrive after the server was
    restarted for another wave); stored in that wave when it is a wave of the project, else refused (409)."""
    uuid = uuid.lower()
    if wave is not None and (not isinstance(wave, str) or not wave.strip() or len(wave) > 100):
        return Outcome(400, {"status": "bad_request", "message": PAGE_MESSAGES_ZH["bad-request"]})
    # A retry of a stored answer is answered 200 again before anything that may have changed since it was stored
    # (the survey closed, another access code after a restart, the rate limit, the cookie, the wave): "a retry
    # never creates a duplicate (stored once, answered 200 again)", and it is not counted by the rate limit.
    try:
        stored = svc.journal().existing([uuid])
    except Exception as e:  # the journal unreadable now: the phone keeps the answer and sends it again (as the writer)
        log.warning("cannot look up answer %s in the journal: %s", uuid, e)
        return Outcome(503, {"status": "error", "message": "服务器暂时无法保存，请稍后重试"})
    if stored:
        return Outcome(200, {"status": "stored", "uuid": uuid, "duplicate": True})
    try:
        link = verify(svc.q, svc.secret, {k: (None if v is None else str(v)) for k, v in (link_raw or {}).items()})
    except LinkError as e:
        return Outcome(400, {"status": "bad_link", "message": _bad_link(e)})
    s = svc.settings
    collector = link.collector
    if not svc.open and not _finished_before_closing(svc, finished_at):
        return Outcome(403, {"status": "closed", "message": PAGE_MESSAGES_ZH["closed"]})
    if s.access_code and collector is None and not _right_code(s.access_code, access_code):
        return Outcome(403, {"status": "access_code", "message": PAGE_MESSAGES_ZH["access-code"]})
    device = svc.device_of(request.cookies.get(DEVICE_COOKIE))
    if s.one_per_device and collector is None and device is None:  # refused before the rate limit counts it
        return Outcome(403, {"status": "no_device", "message": PAGE_MESSAGES_ZH["no-device"]})
    ip = _client_ip(request)
    slot = refused_slot = None
    if collector is None:  # docs/collect.md: serve.rate_limit counts answers stored, and refused ones apart
        # a place in both counts is taken now (requests sent together cannot all slip under a limit while the
        # writer reads them), and the one the outcome does not need is given back below
        ok, wait, slot = svc.limiter.take(ip)
        if ok:
            ok, wait, refused_slot = svc.refused.take(ip)
            if not ok:
                svc.limiter.give_back(ip, slot)
        if not ok:
            return Outcome(429, {"status": "rate_limited", "message": PAGE_MESSAGES_ZH["rate"], "retry_after": wait})
    out = await _store(svc, request, link, uuid=uuid, fields=fields, ip=ip, device=device, finished_at=finished_at,
                       duration=duration, wave=wave, other_text=other_text)
    if collector is None:
        if not (out.status == 200 and not out.body.get("duplicate")):  # not stored (a retry racing its copy: 200)
            svc.limiter.give_back(ip, slot)
        if out.status not in (400, 409, 422):  # not read and refused (REFUSED_PER_STORED): stored, 503, a retry
            svc.refused.give_back(ip, refused_slot)
    return out


async def _store(svc: Service, request: Request, link: Link, *, uuid: str, fields: dict, ip: str,
                 device: Optional[str], finished_at: Any, duration: Any, wave: Any, other_text: bool) -> Outcome:
    """The wave check, then the writer (:class:`~survey.collect.committer.Committer`): stored or refused."""
    s = svc.settings
    if wave is None:  # a page from before answers carried their wave
        wave = s.wave
    elif wave != s.wave:
        try:
            known = await asyncio.to_thread(svc.wave_exists, wave)
        except Exception as e:  # the store busy or unreadable: the phone keeps the answer and sends it again
            log.warning("cannot tell whether wave %r is a wave of the project yet: %s", wave, e)
            return Outcome(503, {"status": "error", "message": "服务器暂时无法保存，请稍后重试"})
        if not known:
            from ..messages import problem

            pr = problem("wave-unknown", wave=wave)
            log.warning("refused %s: %s (%s)", uuid, pr.message, pr.hint)
            return Outcome(409, {"status": "wave_unknown", "uuid": uuid, "wave": wave,
                                 "message": PAGE_MESSAGES_ZH["wave-unknown"].format(wave=wave)})
    received = _dt.datetime.now()
    item = Pending(uuid=uuid, fields=fields, wave=wave, received_at=received.strftime("%Y-%m-%d %H:%M:%S"),
                   submitted_at=_submitted_at(finished_at, received), duration_sec=_duration(duration),
                   site_code=link.site, district_code=link.district, collector=link.collector, device=device,
                   ip=ip, user_agent=(request.headers.get("user-agent") or "")[:400] or None, other_text=other_text)
    return await svc.committer.submit(item)


# ----------------------------------------------------------------------------- routes
def build_app(svc: Service) -> Starlette:
    def page_for(request: Request, link: Link, *, errors=None, values=None, form_error=None, uuid=None,
                 status: int = 200) -> HTMLResponse:
        s = svc.settings
        page = form_page(svc.q, link, link.query(svc.secret), access_code=bool(s.access_code) and
                         link.collector is None, quotas={"mode": s.quotas.mode, "full": svc.full_cells()},
                         logic_url=f"/logic.js?v={svc.logic_version}")
        page.code_keypad = "numeric" if (s.access_code or "").isdecimal() else "text"
        page.script_config["messages"] = {**FIELD_MESSAGES_ZH, **PAGE_MESSAGES_ZH}
        page.script_config["wave"] = s.wave
        page.script_config["form"] = FORM_RULES
        page.wave = (values or {}).get("__wave", [s.wave])[0] if values else s.wave
        page.errors = errors or {}
        page.values = values or {}
        page.form_error = form_error
        page.uuid = uuid or str(__import__("uuid").uuid4())
        resp = _render("form.html.j2", status, page=page, title=svc.q.title, version=svc.version,
                       logic_url=page.script_config["logic"], sel=lambda name, v: selected(page, name, v))
        resp.headers["Cache-Control"] = "no-cache"
        if svc.device_of(request.cookies.get(DEVICE_COOKIE)) is None:
            resp.set_cookie(DEVICE_COOKIE, svc.new_device(), max_age=365 * 86400, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
        return resp

    async def form(request: Request) -> Response:
        try:
            link = verify(svc.q, svc.secret, dict(request.query_params))
        except LinkError as e:
            return _message(svc, "链接无效", _bad_link(e), 400)
        if not svc.open:
            return _message(svc, "调查已结束", PAGE_MESSAGES_ZH["closed"])
        s = svc.settings
        if s.quotas.mode == "stop" and (link.site is not None or link.district is not None):
            full = s.quotas.full_cells(svc.journal().cell_counts(s.wave), link.site_label, link.district_label)
            if full and all((c.site is None or link.site_label) and (c.district is None or link.district_label)
                            for c in full):
                return _message(svc, "感谢您的关注", PAGE_MESSAGES_ZH["quota-full"].format(cell=full[0].name))
        return page_for(request, link)

    async def submit_json(request: Request) -> Response:
        try:
            data = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: JSON nested thousands deep
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("uuid"), str) or not UUID_RE.match(data["uuid"]) \
                or not isinstance(data.get("answers"), dict) or not isinstance(data.get("link") or {}, dict) \
                or not _plain_json(data):
            return JSONResponse({"status": "bad_request", "message": PAGE_MESSAGES_ZH["bad-request"]}, status_code=400)
        # to_row reads the answers warily (any JSON value)
        rules = data.get("form")
        out = await _accept(svc, request, uuid=data["uuid"], fields=data["answers"], link_raw=data.get("link") or {},
                            access_code=data.get("access_code"), finished_at=data.get("finished_at"),
                            duration=data.get("duration_sec"), wave=data.get("wave"),
                            other_text=isinstance(rules, int) and not isinstance(rules, bool) and rules >= FORM_RULES)
        headers = {"Cache-Control": "no-store"}
        if out.status == 429:
            headers["Retry-After"] = str(out.body.get("retry_after", 60))
        return JSONResponse(out.body, status_code=out.status, headers=headers)

    async def code_json(request: Request) -> Response:
        try:
            data = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError, RecursionError):
            data = None
        if not isinstance(data, dict):
            return JSONResponse({"status": "bad_request", "message": PAGE_MESSAGES_ZH["bad-request"]}, status_code=400)
        out = check_code(svc, request, data.get("code"))
        headers = {"Cache-Control": "no-store"}
        if out.status == 429:
            headers["Retry-After"] = str(out.body["retry_after"])
        return JSONResponse(out.body, status_code=out.status, headers=headers)

    async def submit_form(request: Request) -> Response:
        limit = svc.form_fields

        def too_many() -> Response:
            return _message(svc, PAGE_MESSAGES_ZH["too-many-fields-title"],
                            PAGE_MESSAGES_ZH["too-many-fields-form"].format(n=f"{limit:,}"), 400)

        def unreadable() -> Response:
            return _message(svc, PAGE_MESSAGES_ZH["not-stored-title"], PAGE_MESSAGES_ZH["unreadable-form"], 400)

        body = await request.body()
        try:
            if _media_type(request) == "application/x-www-form-urlencoded":  # the form's own encoding
                items = urlencoded_fields(body, limit)
            else:
                utf8_fields(body)  # Starlette's multipart parser reads a part that is not UTF-8 as Latin-1
                form_data = await request.form(max_fields=limit)
                items = [(k, v) for k, v in form_data.multi_items() if isinstance(v, str)]
        except TooManyFields:
            log.warning("plain form refused: more than %d fields", limit)
            return too_many()
        except NotUtf8 as e:
            from ..messages import problem

            pr = problem(e.code, **e.params)
            log.warning("%s (%s)", pr.message, pr.hint)
            return unreadable()
        except HTTPException as e:  # python-multipart's words in English: say the cause in the page's
            log.warning("plain form refused: %s", e.detail)
            return too_many() if "Too many fields" in str(e.detail) else unreadable()
        values: dict[str, list] = {}
        for k, v in items:  # a browser posts a textarea's line breaks as CR LF (HTML's form data set); its maxlength
            values.setdefault(k, []).append(v.replace("\r\n", "\n"))  # counted them as one: a full box was "too long"
        uuid = (values.get("__uuid") or [""])[0]
        if not UUID_RE.match(uuid):
            return _message(svc, "未能提交", PAGE_MESSAGES_ZH["bad-request"], 400)
        link_raw = {k: (values.get(f"__{k}") or [None])[0] for k in ("s", "d", "c", "k")}
        fields = {k: (v if len(v) > 1 else v[0]) for k, v in values.items() if not k.startswith("__")}
        out = await _accept(svc, request, uuid=uuid, fields=fields, link_raw=link_raw,
                            access_code=(values.get("__code") or [None])[0], finished_at=None, duration=None,
                            wave=(values.get("__wave") or [None])[0])
        if out.status == 200:
            return _message(svc, "提交成功", PAGE_MESSAGES_ZH["done"])
        if out.status == 422 or (out.status == 403 and out.body.get("status") == "access_code"):
            errors: dict[str, list] = {}
            for e in out.body.get("errors", []):
                errors.setdefault(_error_place(svc, e), []).append(e["message"])
            if out.status == 403:
                errors["__code"] = [out.body["message"]]
            link = verify(svc.q, svc.secret, {k: v for k, v in link_raw.items()})
            top = "；".join([out.body.get("message", "")] + errors.pop("__form", []))
            return page_for(request, link, errors=errors, values=values, form_error=top, uuid=uuid, status=out.status)
        return _message(svc, "未能提交", out.body.get("message", ""), out.status)

    async def logic(request: Request) -> Response:
        cache = "public, max-age=31536000, immutable" if request.query_params.get("v") == svc.logic_version else "no-cache"
        return Response(svc.logic, media_type="application/javascript; charset=utf-8", headers={"Cache-Control": cache})

    async def service_worker(request: Request) -> Response:
        text = (files("survey.collect") / "static" / "sw.js").read_text(encoding="utf-8")
        assets = [f"/static/form.js?v={svc.version}", f"/static/form.css?v={svc.version}",
                  f"/logic.js?v={svc.logic_version}", "/manifest.webmanifest"]
        text = text.replace("__VERSION__", f"{svc.version}-{svc.logic_version}").replace("__ASSETS__", json.dumps(assets))
        return Response(text, media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})

    async def manifest(request: Request) -> Response:
        return JSONResponse({"name": svc.q.title, "short_name": "问卷", "start_url": "/", "display": "standalone",
                             "background_color": "#f2f3f5", "theme_color": "#c8161d", "lang": "zh-CN"},
                            media_type="application/manifest+json")

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})

    async def favicon(request: Request) -> Response:
        return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})

    # -- admin ---------------------------------------------------------------------
    def login_page(status: int, text: str = "") -> HTMLResponse:
        return _render("login.html.j2", status, title="管理后台", version=svc.version, text=text)

    def with_admin_cookie(resp: Response, request: Request) -> Response:
        resp.set_cookie(ADMIN_COOKIE, svc.admin_session(), httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https", max_age=12 * 3600)
        return resp

    async def admin(request: Request) -> Response:
        token = request.query_params.get("token")
        if token is not None:
            if same_secret(token, svc.admin_token):
                return with_admin_cookie(RedirectResponse("/admin", status_code=303), request)
            return login_page(403, "管理口令不正确")
        if not svc.is_admin(request):
            return login_page(401)
        s = svc.settings
        stats = await asyncio.to_thread(_stats, svc)
        base_url = str(request.base_url).rstrip("/")
        page = _render("admin.html.j2", title="采集进度", version=svc.version, stats=stats, csrf=svc.csrf(),
                       note_title=label("serve_notes.title"), note_lines=notes_lines(stats.notes),
                       referrer=ADMIN_REFERRER,
                       settings=s, merge_error=svc.merge_error, q=svc.q, wave_label=_wave_words(svc, s.wave),
                       local_only=local_only(base_url), sheet_max=SHEET_MAX_COLLECTORS,
                       sites=[o.label for o in svc.q.question(svc.q.site_question).options] if svc.q.site_question else [],
                       districts=[o.label for o in svc.q.question(svc.q.district_question).options]
                       if svc.q.district_question else [], base_url=base_url)
        page.headers["Referrer-Policy"] = ADMIN_REFERRER
        return page

    async def admin_login(request: Request) -> Response:
        form_data = await request.form()
        token = str(form_data.get("token") or "")
        if token and same_secret(token, svc.admin_token):
            return with_admin_cookie(RedirectResponse("/admin", status_code=303), request)
        return login_page(403, "管理口令不正确")

    def same_origin(request: Request) -> bool:
        """A browser's form post names its origin; it must be this server (non-browser clients send none)."""
        origin = request.headers.get("origin")
        return origin is None or origin.rstrip("/") == str(request.base_url).rstrip("/")

    async def admin_state(request: Request) -> Response:
        if not svc.is_admin(request):
            return JSONResponse({"status": "forbidden"}, status_code=401)
        form_data = await request.form()
        if not same_origin(request) or not same_secret(str(form_data.get("csrf") or ""), svc.csrf()):
            return JSONResponse({"status": "forbidden", "message": "CSRF token missing or wrong"}, status_code=403)
        action = form_data.get("action")
        if action not in ("open", "close"):
            return JSONResponse({"status": "bad_request"}, status_code=400)
        svc.open = action == "open"
        if not svc.open:
            svc.journal().set_state(CLOSED_AT, str(int(time.time() * 1000)))
        svc.journal().set_state("open", "1" if svc.open else "0")
        log.warning("survey %s by the admin", "opened" if svc.open else "closed")
        return RedirectResponse("/admin", status_code=303)

    async def admin_stats(request: Request) -> Response:
        if not svc.is_admin(request):
            return JSONResponse({"status": "forbidden", "message": "admin token required"}, status_code=401)
        stats = await asyncio.to_thread(_stats, svc)
        return JSONResponse(stats.to_dict(), headers={"Cache-Control": "no-store"})

    async def admin_sheet(request: Request) -> Response:
        if not svc.is_admin(request):
            return login_page(401)
        p = request.query_params
        from ..errors import MinyiError
        from .links import check_base_url

        try:
            base = check_base_url(p.get("base_url") or str(request.base_url))
            links = make_links(svc.q, site=p.get("site") or None, district=p.get("district") or None,
                               collectors=[p.get("collectors") or ""])
            if len(links) > SHEET_MAX_COLLECTORS:
                raise MinyiError.of("links-too-many", n=len(links), max=SHEET_MAX_COLLECTORS)
        except MinyiError as e:
            return _message(svc, "无法生成二维码", sheet_problem_text(e.problems[0]), 400, link="/admin",
                            link_text="返回管理后台")
        note = LOCAL_ONLY_NOTE.format(url=base) if local_only(base) else None
        html = await asyncio.to_thread(sheet_html, svc.q, links, base, svc.secret, svc.font_css, note)
        return HTMLResponse(html, headers={"Content-Security-Policy": SHEET_CSP, "Cache-Control": "no-store"})

    # -- errors --------------------------------------------------------------------
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _json_path(request.url.path):
            return JSONResponse({"status": "error", "message": exc.detail}, status_code=exc.status_code)
        heading = {404: "页面不存在", 405: "请求方式不正确"}.get(exc.status_code, "请求有误")
        return _message(svc, heading, "请检查网址，或扫描调查工作人员提供的二维码。", exc.status_code)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        if _json_path(request.url.path):
            return JSONResponse({"status": "error", "message": "服务器内部错误，请稍后重试"}, status_code=500)
        return _message(svc, "服务器内部错误", "请稍后重试；如果问题持续，请联系调查工作人员。", 500)

    static = StaticFiles(directory=str(files("survey.collect") / "static"))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await asyncio.to_thread(svc.start)
        try:
            yield
        finally:
            await asyncio.to_thread(svc.stop)

    routes = [
        Route("/", form, methods=["GET", "HEAD"]),
        Route("/submit", submit_form, methods=["POST"]),
        Route("/api/submit", submit_json, methods=["POST"]),
        Route("/api/code", code_json, methods=["POST"]),
        Route("/logic.js", logic),
        Route("/sw.js", service_worker),
        Route("/manifest.webmanifest", manifest),
        Route("/healthz", health),
        Route("/favicon.ico", favicon),
        Route("/admin", admin),
        Route("/admin/login", admin_login, methods=["POST"]),
        Route("/admin/state", admin_state, methods=["POST"]),
        Route("/admin/api/stats", admin_stats),
        Route("/admin/sheet", admin_sheet),
        Mount("/static", app=static, name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, Exception: server_error, 500: server_error})
    limited = BodyLimit(app, lambda: svc.settings.max_body_kb * 1024,
                        page=lambda status, heading, text: _message(svc, heading, text, status))
    return SecurityHeaders(PagesOnly(GZipMiddleware(limited, minimum_size=2048), limited))


def _stats(svc: Service):
    j = svc.journal()
    p = svc.project
    params = {"speeder_fraction": float(p.config.get("speeder_fraction", 1 / 3)),
              "near_identical": float(p.config.get("same_ip_similarity", 0.9)),
              "straightline_min_rows": int(p.config.get("straightline_min_rows", 5))}
    return build_stats(svc.q, j, svc.settings.wave, svc.settings.quotas, is_open=svc.open, quality=svc.quality,
                       quality_params=params)

