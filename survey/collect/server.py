"""Run the web survey: bind the address, start uvicorn with the Starlette app, stop cleanly on Ctrl-C.

On Ctrl-C (SIGINT) or SIGTERM uvicorn stops accepting connections and lets running requests
finish; the application's shutdown then answers every submission still queued for the writer,
and merges the journal into the project store.  Nothing acknowledged is lost either way: an
answer is acknowledged only after the journal's commit, and a journal left unmerged (the store
was busy, or the process was killed) is merged when the server next starts.
"""

from __future__ import annotations

import logging
import secrets
import signal
import socket
import threading
import sys
from pathlib import Path
from typing import Callable, Optional

from ..errors import MinyiError
from ..project_files import CONFIG
from ..store import Project
from .settings import wave_dates_warning


class _Stopped(Exception):
    """SIGTERM, raised again by uvicorn after its graceful shutdown."""


def _stopped(signum, frame):
    raise _Stopped()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise MinyiError.of("serve-address", host=host, port=port, reason=e.strerror or str(e))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host


def _token_in_url(token: str) -> str:
    """The admin token as the printed URL carries it: ASCII that means something in a URL (``+ & # %`` …)
    percent-encoded, so the URL gives the token back; other characters (管理口令) kept readable — a browser
    encodes them as UTF-8, which the server decodes."""
    from urllib.parse import quote

    return "".join(ch if ord(ch) > 127 else quote(ch, safe="") for ch in token)


def serve(project_dir: str | Path, *, host: str = "127.0.0.1", port: int = 8000, admin_token: Optional[str] = None,
          wave: Optional[str] = None, access_code: Optional[str] = None, rate_limit: Optional[int] = None,
          merge_every: Optional[float] = None, font_css: Optional[Callable[[str], str]] = None,
          echo: Callable[[str], None] = print) -> None:
    """Serve the project's questionnaire until interrupted (see module docstring)."""
    import uvicorn

    from .app import Service, build_app

    project = Project.open(project_dir)
    token = admin_token or secrets.token_urlsafe(18)
    svc = Service(project, admin_token=token, wave=wave, access_code=access_code, rate_limit=rate_limit,
                  merge_every=merge_every, font_css=font_css)
    app = build_app(svc)
    svc.start()  # lock, journal, first merge: problems are one message here, not a traceback from uvicorn
    try:
        sock = _bind(host, port)
    except MinyiError:
        svc.stop()
        raise
    actual_port = sock.getsockname()[1]
    base = f"http://{_url_host(host)}:{actual_port}"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    s = svc.settings
    echo(f"serving '{project.questionnaire.title}' from {project.root} (wave {s.wave}); Ctrl-C stops")
    echo(f"  respondents: {base}/")
    echo(f"  admin:       {base}/admin?token={_token_in_url(token)}")
    if host in ("0.0.0.0", "::"):
        echo("  (listening on every network interface: respondents use this machine's address in the network)")
    echo(f"  answers are kept in {svc.journal_file.name} and merged into the project every {s.merge_every:g} s")
    late = wave_dates_warning(project.config, s.wave, path=str(project.root / CONFIG))
    if late is not None:
        echo(f"  {late}")
    if not svc.open:  # the admin closed it on the dashboard in an earlier run: the state outlives restarts
        echo("  the survey is CLOSED (closed on the dashboard earlier): respondents see 调查已结束 and no answer is "
             "taken; reopen it on the admin page (开放与关闭: 重新开放)")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=15,
                            server_header=False, proxy_headers=True)
    server = uvicorn.Server(config)
    # uvicorn stops gracefully on SIGINT/SIGTERM, then raises the signal again for the caller: here that
    # means "stopped as asked", not an error
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stopped) if main_thread else None
    try:
        server.run(sockets=[sock])
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        sock.close()
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    echo(f"stopped; answers stored this run: {svc.stored_this_run}, all merged into the project"
         if svc.merge_error is None else
         f"stopped; answers stored this run: {svc.stored_this_run}; the project store was busy ({svc.merge_error}): "
         "the rest is merged when survey serve next starts")
