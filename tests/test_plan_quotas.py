"""`survey plan --strata F --quotas DIR` writes the allocation as the web survey's quota cells in DIR/minyi.yaml
(one per district or site), read back by the same reader `survey serve` uses; strata that name no district or
site write nothing and are listed with a suggestion."""

from __future__ import annotations

import yaml

import tracking_world as W
from survey.collect.settings import parse_quotas
from survey.qload import bundled_path
from survey.store import Project

POP = {"东城区": 120000, "西城区": 90000, "南湖区": 60000, "北山区": 50000, "高新区": 40000, "临江县": 30000}


def _project(tmp_path) -> Project:
    return Project.create(tmp_path / "p", bundled_path())


def _strata(path, pops: dict) -> str:
    path.write_text("区县,人口\n" + "".join(f"{k},{v}\n" for k, v in pops.items()), encoding="utf-8")
    return str(path)


def _plan(*args) -> tuple[int, str]:
    rc, out, err = W.survey("plan", "--margin", "0.03", *map(str, args))  # as from a console: messages, exit codes
    return rc, out + err


def test_the_allocation_becomes_one_quota_cell_per_district(tmp_path):
    p = _project(tmp_path)
    p.config["quotas"] = {"mode": "keep", "cells": [{"district": "东城区", "target": 5}]}
    p.save_config()
    rc, out = _plan("--strata", _strata(tmp_path / "d.csv", POP), "--quotas", p.root, "--json")
    assert rc == 0, out
    plan = __import__("json").loads(out[:out.rindex("}") + 1])
    cfg = yaml.safe_load((p.root / "minyi.yaml").read_text(encoding="utf-8"))
    assert cfg["quotas"]["mode"] == "keep"  # the mode the coordinator chose is kept
    assert cfg["quotas"]["cells"] == [{"district": a["stratum"], "target": a["n"]} for a in plan["allocation"]]
    quotas = parse_quotas(cfg["quotas"], p.questionnaire, str(p.root / "minyi.yaml"))
    assert sum(c.target for c in quotas.cells) == plan["n_allocated"]
    assert "wrote 6 quota cell(s) by district" in out and "replacing 1 earlier cell(s)" in out


def test_strata_that_are_no_district_write_nothing(tmp_path):
    p = _project(tmp_path)
    before = (p.root / "minyi.yaml").read_bytes()
    rc, out = _plan("--strata", _strata(tmp_path / "d.csv", {"东城区": 1000, "西城": 900}), "--quotas", p.root)
    assert rc == 1 and "'西城'" in out and "西城区" in out and "no quotas were written" in out
    assert (p.root / "minyi.yaml").read_bytes() == before


def test_quotas_need_strata(tmp_path):
    p = _project(tmp_path)
    rc, out = _plan("--quotas", p.root)
    assert rc == 2 and "--quotas needs --strata" in out


def test_only_the_quotas_block_is_rewritten(tmp_path):
    """The coordinator's comments and other keys in minyi.yaml stay as they were (only quotas: is rewritten)."""
    p = _project(tmp_path)
    path = p.root / "minyi.yaml"
    text = path.read_text(encoding="utf-8")
    text = "# 临江市2026年创文测评项目\n" + text + ("quotas:\n  mode: keep   # 满额后继续接收\n  cells:\n"
                                             "    - {district: 东城区, target: 5}\n\n# 网上问卷\nserve:\n"
                                             "  rate_limit: 20   # 每分钟\n")
    path.write_text(text, encoding="utf-8")
    before = yaml.safe_load(text)
    rc, out = _plan("--strata", _strata(tmp_path / "d.csv", POP), "--quotas", p.root)
    assert rc == 0, out
    after_text = path.read_text(encoding="utf-8")
    after = yaml.safe_load(after_text)
    assert {k: v for k, v in after.items() if k != "quotas"} == {k: v for k, v in before.items() if k != "quotas"}
    assert after["quotas"]["mode"] == "keep" and len(after["quotas"]["cells"]) == len(POP)
    for kept in ("# 临江市2026年创文测评项目", "# 网上问卷", "rate_limit: 20   # 每分钟"):
        assert kept in after_text
