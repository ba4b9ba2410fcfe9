"""The district × wave heat map tells "not surveyed" from "too few answers to show" (outside audit of the waves
loop, item 1): one "—" stood for both, so a leader could not tell a district nobody was asked in from one whose
few answers were suppressed.  Now a cell with no respondent that wave shows "—", a cell with respondents, fewer
than min_cell, shows "n<10", and a legend line under the map explains each mark (labels from the zh/en table) —
in the chart (the report's HTML, Word and PDF place that image) and in trend.xlsx's heat sheet.

The world: three waves of the tracking questionnaire; in the third, 北山区 has no respondent and 高新区 five."""

from __future__ import annotations

import re

import pytest

import tracking_world as W
from survey.labels import LABELS
from survey.qload import load_questionnaire
from survey.simulate import simulate, write_csv
from survey.store import Project

ABSENT, SMALL, SMALL_N = "北山区", "高新区", 5


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("heat_marks")
    qpath = W.questionnaire_file(root)
    q = load_questionnaire(qpath)
    project = Project.create(root / "project", qpath)
    project.config["waves"] = {w: {"label": lab, "start": start, "end": end} for w, lab, start, end in W.WAVES[:3]}
    project.save_config()
    codes = {o.label: o.code for o in q.get(q.district_question).options}
    for i, (wid, _, start, _) in enumerate(W.WAVES[:3]):
        frame = simulate(q, 420, 900 + i, start=start, days=60, district_spread=0.0)
        if i == 2:
            col = frame[q.district_question]
            frame = frame.drop(frame.index[col == codes[ABSENT]].append(frame.index[col == codes[SMALL]][SMALL_N:]))
        csv = root / f"{wid}.csv"
        write_csv(frame, csv)
        project.import_file(csv, wave=wid)
    from report.trend import project_trend

    project = Project.open(root / "project")
    return {"root": root, "project": project,
            **{lang: project_trend(project, lang=lang) for lang in ("zh", "en")}}


def _composite(trend):
    return next(h for h in trend.heat if h.id == "composite")


def test_the_heat_table_knows_why_a_cell_is_blank(world):
    h = _composite(world["zh"])
    g = list(h.groups)
    assert h.min_cell == 10
    assert h.blank(g.index(ABSENT), 2) == "none" and h.n[g.index(ABSENT)][2] == 0
    assert h.blank(g.index(SMALL), 2) == "small" and h.n[g.index(SMALL)][2] == SMALL_N
    assert h.blank(g.index(SMALL), 1) is None  # an earlier wave has its value


def _drawn(svg: str) -> list:
    """The texts a matplotlib SVG draws (as glyph paths, each group preceded by its text in a comment)."""
    import html

    return [html.unescape(t.strip()) for t in re.findall(r"<!-- (.*?) -->", svg, flags=re.S)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_heat_map_marks_the_two_blanks_apart_with_a_legend(world, lang, tmp_path):
    from report.trend_charts import heat_map

    trend = world[lang]
    c = heat_map("heat", "t", trend, _composite(trend), out_dir=tmp_path / lang, lang=lang)
    texts = _drawn(c.svg_path.read_text(encoding="utf-8"))
    none_mark, small_mark = LABELS["trend.heat_mark_none"][lang == "en"], LABELS["trend.heat_mark_small"][lang == "en"].format(n=10)
    assert texts.count(none_mark) == 1 and texts.count(small_mark) == 1, texts  # one cell each, told apart
    key = [LABELS[f"trend.heat_key_{k}"][lang == "en"].format(n=10) for k in ("none", "small")]
    assert set(key) <= set(texts), texts  # the legend under the map explains both marks


def test_a_heat_map_without_blanks_draws_no_legend(world, tmp_path):
    import dataclasses

    from report.trend_charts import heat_map

    h = _composite(world["zh"])
    full = dataclasses.replace(h, groups=h.groups[:1], values=h.values[:1], n=h.n[:1], ci=h.ci[:1])
    assert full.groups == ("东城区",) and None not in full.values[0]
    texts = _drawn(heat_map("heat", "t", world["zh"], full, out_dir=tmp_path).svg_path.read_text(encoding="utf-8"))
    assert not any(t.startswith(("—：", "n<")) for t in texts), texts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_heat_sheet_marks_the_two_blanks_apart_with_a_legend(world, lang, tmp_path):
    from openpyxl import load_workbook

    from report.tracking_xlsx import write_trend_xlsx

    trend = world[lang]
    write_trend_xlsx(trend, tmp_path / "trend.xlsx", lang=lang)
    ws = load_workbook(tmp_path / "trend.xlsx").worksheets[1]
    rows = {r[0]: [v for v in r[1:4]] for r in ws.iter_rows(values_only=True)}
    h = _composite(trend)
    absent, small = (next(g for i, g in enumerate(h.groups) if h.blank(i, 2) == k) for k in ("none", "small"))
    assert (absent, small) == ((ABSENT, SMALL) if lang == "zh" else ("Beishan District", "High-tech Zone"))
    assert rows[absent][2] == "—" and rows[small][2] == "n<10"
    assert isinstance(rows[small][1], float)  # the wave before: a number
    key = [LABELS[f"trend.heat_key_{k}"][lang == "en"].format(n=10) for k in ("none", "small")]
    assert set(key) <= set(rows), list(rows)  # the legend lines under the table
