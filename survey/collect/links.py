"""Respondent links with site, district and collector, their QR codes, and the printable A4 sheet.

A link is the survey address with the fielding site, district and collector written into its
query (option codes and the collector's id) and signed: ``?s=2&d=1&c=V001&k=<signature>``,
where the signature is an HMAC-SHA256 (truncated to 96 bits, base64url) of the three values under
the project's secret (``.serve_secret`` in the project folder, readable by the owner only,
created on first use).  The server locks the site and district a valid link names and stores
the collector's id with each answer; a changed link is refused.  Because only the project's
owner can make a collector's link, such links may submit many answers from one phone
(an interviewer handing over a phone), while ordinary visitors get one answer per device.

QR codes come from ``segno`` (error correction M, PNG and SVG); the A4 sheet is HTML (and PDF
through weasyprint) with the code, the survey title and the site/district/collector in words.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional
from urllib.parse import urlencode, urlsplit

from ..atomic import atomic_write, atomic_write_text
from ..errors import MinyiError
from ..messages import invisible_characters, shown_plainly  # noqa: F401 (the rule collector ids and wave names share)
from ..questionnaire import Questionnaire
from .secret_compare import same_secret

SECRET_FILE = ".serve_secret"
_COLLECTOR_RE = re.compile(r"^[^\x00-\x1f\x7f&=#?/\\<>\"']{1,40}$")


def project_secret(root: str | Path) -> bytes:
    """The project's signing key (created on first use, mode 0600)."""
    f = Path(root) / SECRET_FILE
    if not f.exists():
        tmp = f.with_name(f"{SECRET_FILE}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, f)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return bytes.fromhex(f.read_text().strip())


def signature(secret: bytes, site: Optional[int], district: Optional[int], collector: Optional[str]) -> str:
    msg = "\x1f".join("" if v is None else str(v) for v in (site, district, collector)).encode("utf-8")
    mac = hmac.new(secret, b"minyi-link\x1e" + msg, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(mac).decode("ascii")


@dataclass(frozen=True)
class Link:
    site: Optional[int]  # option code of the site question
    district: Optional[int]
    collector: Optional[str]
    site_label: Optional[str] = None
    district_label: Optional[str] = None

    def query(self, secret: bytes) -> dict[str, str]:
        if self.site is None and self.district is None and self.collector is None:
            return {}
        params = {}
        if self.site is not None:
            params["s"] = str(self.site)
        if self.district is not None:
            params["d"] = str(self.district)
        if self.collector is not None:
            params["c"] = self.collector
        params["k"] = signature(secret, self.site, self.district, self.collector)
        return params

    def url(self, base_url: str, secret: bytes) -> str:
        params = self.query(secret)
        base = base_url.rstrip("/") + "/"
        return base + ("?" + urlencode(params) if params else "")

    @property
    def words(self) -> list[tuple[str, str]]:
        out = []
        if self.site_label:
            out.append(("调查点", self.site_label))
        if self.district_label:
            out.append(("区县", self.district_label))
        if self.collector:
            out.append(("调查员", self.collector))
        return out

    @property
    def stem(self) -> str:
        """A file name for this link's QR code."""
        parts = [p for p in (self.site_label, self.district_label, self.collector) if p] or ["survey"]
        return "qr-" + "-".join(re.sub(r"[^\w.-]+", "_", p) for p in parts)


class LinkError(ValueError):
    """A link whose values or signature do not check out."""


class CollectorLinkError(LinkError):
    """A link signed before collector ids holding invisible characters were refused (:func:`make_links`): its
    signature checks out, but its collector id holds :func:`invisible_characters`, so it is refused as such a
    link is refused when made.  ``chars``: those characters (``U+202E``), ``shown``: the id with them written out."""

    def __init__(self, collector: str):
        self.chars = invisible_characters(collector)
        self.shown = shown_plainly(collector)
        super().__init__(f"the link's collector id {self.shown!r} holds invisible characters {', '.join(self.chars)}")


def verify(q: Questionnaire, secret: bytes, params: dict) -> Link:
    """The :class:`Link` a request's ``s``/``d``/``c``/``k`` parameters name; LinkError if forged or wrong."""
    s, d, c, k = (params.get(x) for x in ("s", "d", "c", "k"))
    if s is None and d is None and c is None and k is None:
        return Link(None, None, None)
    try:
        site = int(s) if s not in (None, "") else None
        district = int(d) if d not in (None, "") else None
    except (TypeError, ValueError):
        raise LinkError("site or district is not a code")
    collector = c if c not in (None, "") else None
    if not k or not same_secret(str(k), signature(secret, site, district, collector)):
        raise LinkError("the link's signature does not match")
    if collector is not None and invisible_characters(collector):  # signed before make_links refused it
        raise CollectorLinkError(collector)
    return _labelled(q, site, district, collector)


def _labelled(q: Questionnaire, site: Optional[int], district: Optional[int], collector: Optional[str]) -> Link:
    sl = dl = None
    if site is not None:
        o = q.question(q.site_question).option_by_code(site) if q.site_question else None
        if o is None:
            raise LinkError("unknown site")
        sl = o.label
    if district is not None:
        o = q.question(q.district_question).option_by_code(district) if q.district_question else None
        if o is None:
            raise LinkError("unknown district")
        dl = o.label
    return Link(site, district, collector, sl, dl)


def _code(q: Questionnaire, qid: Optional[str], value: Optional[str], option: str, what: str) -> Optional[int]:
    if value is None:
        return None
    if not qid:
        raise MinyiError.of("links-no-question", option=option)
    try:
        return int(q.resolve_code(qid, value))
    except KeyError:
        raise MinyiError.of("links-choice", option=option, value=value, what=f"{what}s ({qid})",
                            choices=", ".join(o.label for o in q.question(qid).options))


def make_links(q: Questionnaire, *, site: Optional[str] = None, district: Optional[str] = None,
               collectors: Iterable[str] = ()) -> list[Link]:
    """One link per collector (one link without a collector when none is given)."""
    sc = _code(q, q.site_question, site, "site", "site")
    dc = _code(q, q.district_question, district, "district", "district")
    names: list[str] = []
    collectors = list(collectors)
    for c in collectors:
        for part in re.split(r"[,，、]", str(c)):
            part = part.strip()
            if re.search(r"\s", part):
                raise MinyiError.of("links-collector-space", value=part)
            hidden = invisible_characters(part)
            if hidden:  # U+202E shows "ABC123" reversed on the sheet and the dashboard, U+200B not at all
                raise MinyiError.of("links-collector-invisible", value=shown_plainly(part), chars=", ".join(hidden))
            if part and part not in names:
                names.append(part)
    if collectors and not names:  # --collector "" (an unset shell variable): no link without a collector unasked
        raise MinyiError.of("links-collector-empty", value=",".join(str(c) for c in collectors))
    for c in names:
        if not _COLLECTOR_RE.match(c):
            raise MinyiError.of("links-collector-chars", value=c)
    return [_labelled(q, sc, dc, c) for c in (names or [None])]


def check_base_url(base_url: str) -> str:
    """The address respondents open, checked: http(s), a host, and nothing after the path — each problem said as
    it is (an https address with ``?x=1`` was told it "must be an http:// or https:// address")."""
    try:
        parts = urlsplit(base_url.strip())
        host = parts.hostname
    except ValueError:  # a malformed bracketed address such as https://[::1 (urlsplit raised: a traceback, a 500)
        if not base_url.strip().lower().startswith(("http://", "https://")):
            raise MinyiError.of("links-base-url", value=base_url) from None
        raise MinyiError.of("links-base-url-host", value=base_url) from None
    if parts.scheme not in ("http", "https"):
        raise MinyiError.of("links-base-url", value=base_url)
    if not host:
        raise MinyiError.of("links-base-url-host", value=base_url)
    if parts.query or parts.fragment or base_url.strip().endswith(("?", "#")):
        raise MinyiError.of("links-base-url-query", value=base_url,
                            part=("?" + parts.query) if parts.query or "?" in base_url else "#" + parts.fragment)
    return base_url.strip()


def local_only(url: str) -> bool:
    """Does ``url`` name this machine only (localhost, 127.x, ::1)?  Phones scanning a QR code of it reach
    nothing; behind a reverse proxy the dashboard's own address is often such a one."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.")


# ----------------------------------------------------------------------------- QR codes and the sheet
def qr_svg_inline(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


@dataclass
class SheetCard:
    url: str
    svg: str
    words: list
    png: Optional[str] = None


def sheet_html(q: Questionnaire, links: list[Link], base_url: str, secret: bytes,
               font_css: Optional[Callable[[str], str]] = None, note: Optional[str] = None) -> str:
    """The printable A4 sheet: four cards per page, each with the QR code, title and the values in words;
    ``note``: a warning shown on screen above the cards, never printed."""
    from .pages import environment

    cards = []
    for ln in links:
        url = ln.url(base_url, secret)
        cards.append(SheetCard(url=url, svg=qr_svg_inline(url), words=ln.words))
    html = environment().get_template("sheet.html.j2").render(title=q.title, cards=cards, note=note)
    return html.replace("/*FONTFACE*/", font_css(html) if font_css else "", 1)


def write_links(q: Questionnaire, links: list[Link], base_url: str, secret: bytes, out: str | Path, *,
                font_css: Optional[Callable[[str], str]] = None, pdf: bool = True) -> list[Path]:
    """QR codes (PNG + SVG) per link, links.csv, qr-sheet.html and qr-sheet.pdf in ``out``; the files written."""
    import csv
    import io

    import segno

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise MinyiError.of("links-out-is-file", out=str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        blocker = next((a for a in out.parents if a.exists() and not a.is_dir()), None)
        why = f"{blocker} is a file, not a folder" if blocker is not None else (e.strerror or type(e).__name__)
        raise MinyiError.of("links-out-unmakeable", out=str(out), reason=why)
    written: list[Path] = []
    stems: dict[str, int] = {}
    rows = []
    for ln in links:
        url = ln.url(base_url, secret)
        qr = segno.make(url, error="m")
        stem = ln.stem
        stems[stem] = stems.get(stem, 0) + 1
        if stems[stem] > 1:
            stem = f"{stem}-{stems[stem]}"
        png, svg = out / f"{stem}.png", out / f"{stem}.svg"
        atomic_write(png, lambda tmp, qr=qr: qr.save(str(tmp), kind="png", scale=10, border=4))
        atomic_write(svg, lambda tmp, qr=qr: qr.save(str(tmp), kind="svg", scale=10, border=4,
                                                      title=f"{q.title} {url}"))
        written += [png, svg]
        rows.append([ln.site_label or "", ln.district_label or "", ln.collector or "", url, png.name])
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["site", "district", "collector", "url", "qr"])
    w.writerows(rows)
    written.append(atomic_write_text(out / "links.csv", "\ufeff" + buf.getvalue()))
    html = sheet_html(q, links, base_url, secret, font_css=font_css)
    written.append(atomic_write_text(out / "qr-sheet.html", html))
    if pdf:
        from weasyprint import HTML

        target = out / "qr-sheet.pdf"
        atomic_write(target, lambda tmp: HTML(string=html, base_url=str(out)).write_pdf(str(tmp)))
        written.append(target)
    return written
