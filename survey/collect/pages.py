"""What the phone form and the other pages show: jinja2 environment and the form's view model.

The form reuses the paper form's structure (:func:`survey.form.build_form`: question numbers,
"（最多选5项）" and ranking/number instructions, the sections a site does not fill) and adds what
an input needs (required, limits, the other-option fill-in, locked site/district).  Autoescaping
is on everywhere: every label is data.  The script's settings travel in a
``<script type="application/json">`` block (data, not code: the CSP allows no inline script).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any, Optional

from ..form import build_form, chinese_number
from ..questionnaire import Questionnaire
from .answers import integer_question
from .links import Link
from .settings import ACCESS_CODE_MOST


@lru_cache(maxsize=1)
def environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(files("survey.collect") / "templates")),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["chinese_number"] = chinese_number
    return env


@lru_cache(maxsize=8)
def static_version() -> str:
    """A hash of the static files, appended to their URLs so phones never keep an old copy."""
    h = hashlib.sha256()
    folder = files("survey.collect") / "static"
    for name in sorted(p.name for p in folder.iterdir()):
        h.update(name.encode())
        h.update((folder / name).read_bytes())
    return h.hexdigest()[:12]


@dataclass
class Lock:
    """Site and district fixed by a collector's link."""

    site_code: Optional[int] = None
    site_label: Optional[str] = None
    district_code: Optional[int] = None
    district_label: Optional[str] = None
    collector: Optional[str] = None


@dataclass
class FormPage:
    title: str
    description: str
    sections: list
    model: dict  # question id -> Question
    lock: Lock
    link_params: dict
    script_config: dict
    access_code: bool
    # the phone keyboard of the access code's box: digits for a code of digits, letters too for any other code
    # (inputmode="numeric" on iOS gives a keypad without letters: a code like a8k2 could not be typed)
    code_keypad: str = "numeric"
    code_most: int = ACCESS_CODE_MOST  # the box's maxlength: minyi.yaml and --access-code refuse a longer code
    errors: dict = field(default_factory=dict)  # question id or native column -> [Chinese messages]
    values: dict = field(default_factory=dict)  # field name -> [submitted values] (form re-shown after 422)
    form_error: Optional[str] = None
    uuid: str = ""
    wave: str = ""  # the wave the form is served under (sent back with the answers)


def lock_of(link: Link) -> Lock:
    return Lock(link.site, link.site_label, link.district, link.district_label, link.collector)


def form_page(q: Questionnaire, link: Link, link_params: dict, *, access_code: bool, quotas: dict,
              logic_url: str) -> FormPage:
    """The view model of the respondent's form."""
    form = build_form(q)
    for sec in form.sections:  # the paper form's "tick the box" wording, said for a screen
        for fq in sec.questions:
            if fq.type == "matrix":
                fq.instruction = "（每行选一项）"
            elif fq.type == "ranking":
                k = fq.k or len(fq.options)
                said = ("排序" in fq.text or "排列" in fq.text) and str(k) in fq.text
                fq.instruction = None if said else (f"（请选出{k}项并排序，1表示最重要）" if k > 1 else "（请选出最重要的1项）")
    model = {qq.id: qq for qq in q.questions}
    lock = lock_of(link)
    questions = []
    for qq in q.questions:
        questions.append({
            "id": qq.id, "type": qq.type, "section": qq.section, "required": bool(qq.required),
            "min": qq.min, "max": qq.max, "k": (qq.k or len(qq.options)) if qq.type == "ranking" else None,
            "columns": qq.columns(), "rows": [r.id for r in qq.rows],
            "codes": qq.codes, "exclusive": [o.code for o in qq.options if o.exclusive],
            "other": [o.code for o in qq.options if o.other], "text": qq.text, "number": qq.number,
            "integer": integer_question(qq),
        })
    config = {
        "questions": questions,
        "siteQuestion": q.site_question, "districtQuestion": q.district_question,
        "lock": {q.site_question: lock.site_code, q.district_question: lock.district_code}
        if (lock.site_code is not None or lock.district_code is not None) else {},
        "link": link_params, "collector": lock.collector, "accessCode": access_code,
        "quotas": quotas, "logic": logic_url,
        "integer": {qq.id: True for qq in q.questions if integer_question(qq)},
    }
    config["lock"] = {k: v for k, v in config["lock"].items() if k and v is not None}
    return FormPage(title=q.title, description=q.description, sections=form.sections, model=model, lock=lock,
                    link_params=link_params, script_config=config, access_code=access_code)


def selected(page: FormPage, name: str, value: Any) -> bool:
    """Was ``value`` submitted for field ``name`` (form shown again after a refused submission)?"""
    return str(value) in [str(v) for v in page.values.get(name, [])]
