"""Commands that collect answers: serve (the mobile web survey) and links (QR codes for it)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from ._app import app
from ._common import open_project, option_problem


@app.command()
def serve(
    dir: Annotated[Path, typer.Argument(help="Project folder (survey init).")],
    host: Annotated[str, typer.Option("--host", help="Address to listen on; 0.0.0.0 for every network interface.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
    admin_token: Annotated[Optional[str], typer.Option(
        "--admin-token", help="Token for the admin dashboard (default: a new random one, printed).")] = None,
    wave: Annotated[Optional[str], typer.Option(
        "--wave", help="Wave of the collected answers (default: serve.wave in minyi.yaml, the dated wave containing "
                       "today, the last wave, or 'default').")] = None,
    access_code: Annotated[Optional[str], typer.Option(
        "--access-code", help="Code respondents type once before answering (collectors' links need none).")] = None,
    rate_limit: Annotated[Optional[int], typer.Option(
        "--rate-limit", help="Answers stored per minute from one IP address (0 = no limit; default 30); answers "
        "refused are counted apart, up to 5 times as many.", min=0)] = None,
    merge_every: Annotated[Optional[float], typer.Option(
        "--merge-every", help="Seconds between merges of the answer journal into the project (default 10).",
        min=0.1, max=86400)] = None,
) -> None:
    """Serve the project's questionnaire as a mobile web survey; answers go into the project as they arrive.

    Prints the respondent URL and the admin URL (with a new admin token unless --admin-token is given) and
    runs until Ctrl-C, which stops cleanly.  An answer is acknowledged only once it is durably stored in the
    project's journal (serve-journal.sqlite), which is merged into the project store every few seconds,
    each batch one import (source serve) in `survey status`; status, check, analyze, report and export work
    while it runs.  Phones keep the form and unsent answers offline.  Quotas, access code and rate limit:
    minyi.yaml (docs/collect.md).

    Example:

        survey serve city2026 --host 0.0.0.0 --port 8000 --wave 2026Q3
    """
    from report.fonts import font_face_css
    from survey.collect.server import serve as run
    from survey.collect.settings import ACCESS_CODE_MOST

    # an unset shell variable must not open the server to every network, weaken the admin token or drop the code
    for code, option, bad in (("serve-host-blank", "--host", not host.strip()),
                              ("serve-admin-token-blank", "--admin-token",
                               admin_token is not None and admin_token != "" and admin_token != "".join(admin_token.split())),
                              ("serve-access-code-blank", "--access-code", access_code is not None and not access_code.strip())):
        if bad:
            option_problem(code, option, value={"--host": host, "--admin-token": admin_token}.get(option, access_code))
    if access_code is not None and len(access_code.strip()) > ACCESS_CODE_MOST:
        option_problem("serve-access-code-long", "--access-code", value=access_code[:20] + "…",
                       count=len(access_code.strip()), most=ACCESS_CODE_MOST)
    run(dir, host=host, port=port, admin_token=admin_token, wave=wave, access_code=access_code,
        rate_limit=rate_limit, merge_every=merge_every, font_css=font_face_css, echo=typer.echo)


@app.command()
def links(
    dir: Annotated[Path, typer.Argument(help="Project folder.")],
    base_url: Annotated[str, typer.Option("--base-url", help="Address respondents open, e.g. https://survey.example.gov.cn")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the QR codes and the A4 sheet.")],
    site: Annotated[Optional[str], typer.Option("--site", help="Fielding site (label or code), locked in the form.")] = None,
    district: Annotated[Optional[str], typer.Option("--district", help="District (label or code), locked in the form.")] = None,
    collector: Annotated[Optional[List[str]], typer.Option(
        "--collector", help="Collector id (repeat, or separate with commas): one link each, stored with every answer.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the sheet as PDF.")] = True,
    more: Annotated[Optional[List[str]], typer.Argument(
        help="More collector ids (so that --collector V001 V002 V003 works too).", show_default=False,
        metavar="COLLECTOR")] = None,
) -> None:
    """Write a signed link and QR code (PNG and SVG) per collector, links.csv and a printable A4 sheet (HTML, PDF).

    The link carries the site, district and collector: the form shows site and district filled in and
    locked, and every answer records the collector's id (column collector).  Links are signed with the
    project's key, so a changed link is refused; a collector's link may send many answers from one phone.

    Example:

        survey links city2026 --site 社区 --district 东城区 --collector V001 --collector V002 --base-url https://survey.example.gov.cn --out qr
    """
    from report.fonts import font_face_css
    from survey.collect.links import check_base_url, local_only, make_links, project_secret, write_links
    from survey.messages import problem

    p = open_project(dir)
    base = check_base_url(base_url)
    made = make_links(p.questionnaire, site=site, district=district, collectors=list(collector or []) + list(more or []))
    write_links(p.questionnaire, made, base, project_secret(p.root), out, font_css=font_face_css, pdf=pdf)
    for ln in made:
        typer.echo(f"{ln.url(base, project_secret(p.root))}")
    typer.echo(f"wrote {len(made)} QR code(s) (PNG and SVG), links.csv and qr-sheet.html"
               f"{' and qr-sheet.pdf' if pdf else ''} to {out}")
    if local_only(base):  # written all the same (a test print), but said before anyone prints 200 sheets of it
        typer.echo(str(problem("links-local-url", severity="warning", value=base)), err=True)
