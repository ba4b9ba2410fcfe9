"""minyi.yaml ``waves:`` (labels, periods, order) and ``owners:``; ``owner:`` on areas and ``area:`` on options."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from survey.errors import MinyiError
from survey.owners import responsible_units
from survey.qload import bundled_path, load_questionnaire, validate_text
from survey.store import Project
from survey.waves import derived_label, format_date, order_waves, read_waves, register_wave, wave_label

from test_rowcheck import GOOD, write_csv, write_tiny


@pytest.mark.parametrize("wid, zh, en", [
    ("2026Q3", "2026年第三季度", "2026 Q3"), ("2026-q1", "2026年第一季度", "2026 Q1"),
    ("2026H1", "2026年上半年", "H1 2026"), ("2026-H2", "2026年下半年", "H2 2026"),
    ("2026-09", "2026年9月", "September 2026"), ("202603", "2026年3月", "March 2026"),
    ("2026", "2026年", "2026"), ("2026Q5", "2026Q5", "2026Q5"), ("2026-13", "2026-13", "2026-13"),
    ("第一轮", "第一轮", "第一轮"),
])
def test_labels_derived_from_common_ids(wid, zh, en):
    assert derived_label(wid) == zh
    assert derived_label(wid, "en") == en


def test_every_form_of_waves_is_read():
    cfg = {"waves": {"2026Q1": None, "W2": "第二轮", "2026Q3": {"label": "三季度", "label_en": "Q3",
                                                           "start": dt.date(2026, 7, 1), "end": "2026-09-30"}}}
    w = read_waves(cfg)
    assert [w[k].label for k in w] == ["2026年第一季度", "第二轮", "三季度"]
    assert w["2026Q3"].label_en == "Q3" and w["2026Q3"].end == dt.date(2026, 9, 30)
    assert w["2026Q3"].period() == "2026年7月1日—9月30日"
    assert w["2026Q3"].period("en") == "1 July 2026 – 30 September 2026"
    assert read_waves({"waves": ["2026Q1"]})["2026Q1"].label == "2026年第一季度"
    assert wave_label(cfg, "W2") == "第二轮" and wave_label(cfg, "2026Q3", "en") == "Q3"
    assert wave_label({}, "2026Q4") == "2026年第四季度"
    assert format_date(dt.date(2026, 9, 1)) == "2026年9月1日"


@pytest.mark.parametrize("waves, key, words", [
    ({"W": {"start": "2026-02-30"}}, "waves.W.start", "not a date"),
    ({"W": {"start": "2026-09-30", "end": "2026-07-01"}}, "waves.W", "after it ends"),
    ({"W": {"lable": "x"}}, "waves.W", "unknown key 'lable'"),
    ({"W": ["x"]}, "waves.W", "a label or a mapping"),
    ("2026Q1", "waves", "list of wave names"),
])
def test_bad_waves_name_the_key(waves, key, words):
    with pytest.raises(MinyiError) as e:
        read_waves({"waves": waves}, "p/minyi.yaml")
    text = str(e.value)
    assert "p/minyi.yaml" in text and key in text and words in text


def test_register_wave_keeps_the_form():
    cfg = {"waves": []}
    assert register_wave(cfg, "A") and cfg["waves"] == ["A"]
    assert not register_wave(cfg, "A")
    cfg = {"waves": {"A": "甲"}}
    assert register_wave(cfg, "B") and cfg["waves"] == {"A": "甲", "B": None}
    assert read_waves(cfg)["B"].label == "B"


def test_order_by_start_date_only_when_every_wave_has_one():
    cfg = {"waves": {"b": {"start": "2026-01-01"}, "a": {"start": "2026-07-01"}}}
    assert order_waves(["a", "b"], cfg) == ["b", "a"]
    cfg["waves"]["c"] = None
    assert order_waves(["a", "b", "c"], cfg) == ["a", "b", "c"]


def test_project_orders_waves_by_date_and_keeps_labels_on_import(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    cfg = yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))
    cfg["waves"] = {"late": {"label": "秋季", "start": "2026-09-01"}}
    (p.root / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    p = Project.open(p.root)
    p.import_file(write_csv(tmp_path / "a.csv", GOOD[:2]), wave="late")
    p.import_file(write_csv(tmp_path / "b.csv", GOOD[2:]), wave="early")
    cfg = yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))
    assert cfg["waves"]["late"]["label"] == "秋季" and "early" in cfg["waves"]
    assert Project.open(p.root).waves() == ["late", "early"]  # 'early' has no start: import order
    cfg["waves"]["early"] = {"start": "2026-03-01"}
    (p.root / "minyi.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    assert Project.open(p.root).waves() == ["early", "late"]


def test_project_with_bad_waves_or_owners_is_one_error(tmp_path):
    p = Project.create(tmp_path / "proj", write_tiny(tmp_path))
    cfg = yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))
    bad = dict(cfg, waves={"W1": {"end": "soon"}})
    (p.root / "minyi.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MinyiError, match="waves.W1.end"):
        Project.open(p.root)
    bad = dict(cfg, owners={"nosuch": "市城管局"})
    (p.root / "minyi.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MinyiError, match="owners"):
        Project.open(p.root)


def test_owners_from_questionnaire_overridden_by_config():
    q = load_questionnaire(bundled_path())
    units = responsible_units(q, {})
    assert set(units) == {a.id for a in q.areas}  # the bundled questionnaire names a unit for every area
    assert units["env"] == "市城市管理局"
    assert responsible_units(q, {"owners": {"env": "区城管执法局"}})["env"] == "区城管执法局"
    with pytest.raises(MinyiError, match="did you mean 'env'"):
        responsible_units(q, {"owners": {"evn": "x"}})
    with pytest.raises(MinyiError, match="owners.env"):
        responsible_units(q, {"owners": {"env": ["a", "b"]}})


def test_option_area_is_checked_with_its_position():
    text = """id: t
title: t
areas:
  - {id: traffic, name: 交通, owner: 交警支队}
sections:
  - id: A
    questions:
      - id: K1
        type: multiple
        text: 热点
        options:
          - {code: 1, label: 停车难, area: traffic}
          - {code: 2, label: 物价, area: trafic}
"""
    q, probs = validate_text(text, "t.yaml")
    errs = [p for p in probs if p.severity == "error"]
    assert len(errs) == 1
    assert errs[0].line == 13 and errs[0].column == 13
    assert "trafic" in errs[0].message and "did you mean 'traffic'" in errs[0].hint
    assert q.question("K1").options[0].area == "traffic"
    assert q.areas[0].owner == "交警支队"


def test_bundled_hot_issues_link_to_areas():
    q = load_questionnaire(bundled_path())
    k1 = q.question("K1")
    by_label = {o.label: o.area for o in k1.options}
    assert by_label["停车难"] == "traffic" and by_label["公共厕所"] == "env" and by_label["以上都没有"] is None
    assert sum(1 for o in k1.options if o.area) >= 40
