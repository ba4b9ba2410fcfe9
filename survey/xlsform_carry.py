"""What a minyi questionnaire says that XLSForm has no column for, carried through an XLSForm in its ``minyi``
sheet (one row per key: ``what``, ``id``, ``key``, ``value`` as JSON), which pyxform, ODK and Kobo ignore: the
questionnaire's description, roles (site/district/overall questions), sites, areas and indicators; a question's
type where XLSForm has none of its own (yesno), its area, ``positive`` codes (满意率), the areas of its options
and rows, its unit's translation and its ``when`` as written.  :func:`minyi_rows` writes the sheet for
:func:`survey.xlsform.write_xlsform`; :func:`read_minyi_sheet`, :func:`apply_carried` and
:func:`questionnaire_carried` put it back in :func:`survey.xlsform.xlsform_to_yaml`, each key only while what it
names is still in the form (what is not is warned about)."""

from __future__ import annotations

from pathlib import Path

from .questionnaire import Questionnaire


def _i18n_keys(obj) -> dict:
    """``{"text_en": …}`` from a model object's translations."""
    return {f"{k}_{lang}": v for lang, kv in (getattr(obj, "i18n", None) or {}).items() for k, v in kv.items() if v}


def _plain(d: dict, keys: tuple) -> dict:
    return {k: d[k] for k in keys if d.get(k) not in (None, "", [], {})}


def minyi_rows(q: Questionnaire, relevant: dict, names: dict | None = None) -> list[list]:
    """The ``minyi`` sheet: what a minyi questionnaire says that XLSForm has no column for, one row per key
    (``what``, ``id``, ``key``, ``value`` as JSON) — the questionnaire's description, site/district/overall
    questions, sites, areas and indicators; a question's type when XLSForm has no own (yesno), its area,
    ``positive`` codes (满意率), options' and rows' areas, the unit's translation, and its ``when`` as written
    (with the ``relevant`` it was exported as, so an edited ``relevant`` wins).  pyxform ignores the sheet;
    :func:`xlsform_to_yaml` reads it back.  ``names`` ({id: XLSForm name}, :func:`survey.xlsform.xml_names`): the
    ids exported under another name (``101`` as ``q101``) get a row ``name`` saying it, so the import restores them."""
    import json
    from dataclasses import asdict

    out = [["what", "id", "key", "value"]]

    def put(what, id_, key, value):
        if value not in (None, "", [], {}):
            out.append([what, id_, key, json.dumps(value, ensure_ascii=False)])

    names = names or {}
    put("questionnaire", None, "description", q.description)
    for k, v in _i18n_keys(q).items():  # title_en, description_en
        put("questionnaire", None, k, v)
    for k in ("site_question", "district_question", "overall_question"):
        put("questionnaire", None, k, getattr(q, k))
    put("questionnaire", None, "sites", [_plain({"name": s.name, "sections": s.sections}, ("name", "sections"))
                                         for s in q.sites])
    put("questionnaire", None, "areas", [{**_plain(asdict(a), ("id", "name", "weight", "code", "recommendation",
                                                                "owner")), **_i18n_keys(a)} for a in q.areas])
    put("questionnaire", None, "indicators",
        [{**_plain(asdict(i), ("id", "kind", "question", "name", "positive", "area", "target", "index_target",
                               "recommendation")), **_i18n_keys(i)} for i in q.indicators])
    for sec in q.sections:
        put("section", sec.id, "name", names.get(sec.id))
    for qq in q.questions:
        put("question", qq.id, "name", names.get(qq.id))
        if qq.type == "yesno":
            put("question", qq.id, "type", "yesno")
        put("question", qq.id, "area", qq.area)
        if qq.type == "multiple":  # min 1 / max = all options are no constraint in the form, but minyi's keys
            put("question", qq.id, "limits", {k: v for k, v in (("min", qq.min), ("max", qq.max)) if v is not None})
        if qq.type in ("scale", "matrix"):
            put("question", qq.id, "positive", list(qq.positive))
        put("question", qq.id, "unit_en", (qq.i18n.get("en") or {}).get("unit"))
        put("question", qq.id, "option_areas", {str(o.code): o.area for o in qq.options if o.area})
        put("question", qq.id, "row_areas", {r.id: r.area for r in qq.rows if r.area})
        if qq.when:
            put("question", qq.id, "when", {"when": qq.when, "relevant": relevant.get(qq.id)})
    if q.sites:
        for sec in q.sections:  # the site condition the export wrote on the group: sites: says it again
            put("section", sec.id, "relevant", relevant.get(sec.id))
    return out


def read_minyi_sheet(path: Path, warn) -> dict:
    """{(what, id): {key: value}} from the ``minyi`` sheet minyi's export writes (:func:`minyi_rows`), {} without
    one.  A value that is not JSON is warned about, naming its cell, and left out."""
    import json

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # pyxform read the file: a reader failing here just means no minyi sheet
        return {}
    try:
        if "minyi" not in wb.sheetnames:
            return {}
        out: dict = {}
        for i, r in enumerate(wb["minyi"].iter_rows(min_row=2, values_only=True), start=2):
            if not r or len(r) < 4 or not r[0] or not r[2]:
                continue
            try:
                value = json.loads(str(r[3]))
            except ValueError:
                warn(f"sheet minyi, row {i}, column D: '{r[3]}' is not a value minyi wrote; {r[2]} of {r[1] or r[0]} "
                     "left out")
                continue
            out.setdefault((str(r[0]), None if r[1] in (None, "") else str(r[1])), {})[str(r[2])] = value
        return out
    finally:
        wb.close()


def apply_carried(item: dict, c: dict, warn) -> None:
    """What the ``minyi`` sheet carries for one question, put back (see :func:`minyi_rows`)."""
    if c.get("type") == "yesno" and item["type"] == "single":
        item["type"] = "yesno"
    if c.get("area"):
        item["area"] = c["area"]
    if item["type"] == "multiple":
        for k, v in (c.get("limits") or {}).items():
            item.setdefault(k, v)
    codes = [o["code"] for o in item.get("options", [])]
    if c.get("positive") and item["type"] in ("scale", "matrix"):
        if all(p in codes for p in c["positive"]):
            item["positive"] = c["positive"]
        else:
            warn(f"{item['id']}: positive {c['positive']} of the minyi sheet names options the form no longer has; "
                 "the top two options count as satisfied")
    if c.get("unit_en") and item.get("unit"):
        item["unit_en"] = c["unit_en"]
        shown = f" ({c['unit_en']})"
        if item.get("text_en", "").endswith(shown):
            item["text_en"] = item["text_en"][: -len(shown)]
    for o in item.get("options", []):
        if str(o["code"]) in (c.get("option_areas") or {}):
            o["area"] = c["option_areas"][str(o["code"])]
    for r in item.get("rows", []):
        if r["id"] in (c.get("row_areas") or {}):
            r["area"] = c["row_areas"][r["id"]]


def questionnaire_carried(c: dict, sections: list, warn) -> dict:
    """The questionnaire's keys the ``minyi`` sheet carries (description, site/district/overall questions, sites,
    areas, indicators), each kept only while what it names is still in the form; what is not is warned about."""
    out: dict = {}
    qids = {q["id"] for s in sections for q in s["questions"]}
    sids = {s["id"] for s in sections}
    for k in ("title_en", "description", "description_en"):
        if c.get(k):
            out[k] = c[k]
    for k in ("site_question", "district_question", "overall_question"):
        if c.get(k):
            if c[k] in qids:
                out[k] = c[k]
            else:
                warn(f"{k} {c[k]} is no longer a question of the form; left out")
    if c.get("sites") and "site_question" in out:
        out["sites"] = [{**s, **({"sections": [x for x in s["sections"] if x in sids]} if s.get("sections") else {})}
                        for s in c["sites"]]
    if c.get("areas"):
        out["areas"] = c["areas"]
    inds = []
    for i in c.get("indicators") or []:
        if i.get("question") in qids:
            inds.append(i)
        else:
            warn(f"indicator {i.get('id')}: its question {i.get('question')} is no longer in the form; left out")
    if inds:
        out["indicators"] = inds
    return out
