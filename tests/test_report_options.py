"""`survey report` options and project config added after the first report version:
--small-base/--min-cell/--org, population margins in minyi.yaml (总体占比), --by/--na checks,
questionnaires without site/district, English boilerplate, and the open-answer stopwords.

Expected values are hand-made: the district sizes are planted in the simulated data (40 and 12
respondents), the population counts are written here and their shares computed by hand.
"""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import cli
from report_tables import xlsx_table
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")


def invoke(args, code=0):
    r = runner.invoke(cli.app, [str(a) for a in args])
    assert r.exit_code == code, r.output + repr(r.exception)
    return r


def _set_config(proj, **kw):
    path = proj / "minyi.yaml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    cfg.update(kw)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("report_opts")
    q = load_questionnaire(bundled_path())
    proj = root / "proj"
    invoke(["init", proj, "--questionnaire", bundled_path()])
    dq = q.question(q.district_question)
    codes = [o.code for o in dq.options]
    f = simulate(q, 500, 21, start="2026-03-01")
    d = f[q.district_question].to_numpy()
    mid = np.flatnonzero(d == codes[-2])
    f.loc[mid[40:], q.district_question] = codes[0]       # second to last district: 40 respondents
    small = np.flatnonzero(d == codes[-1])
    f.loc[small[12:], q.district_question] = codes[1]     # last district: 12 respondents
    path = root / "W1.csv"
    write_csv(f, path)
    invoke(["import", proj, path, "--wave", "W1"])
    return {"root": root, "proj": proj, "q": q, "mid": dq.options[-2].label, "small": dq.options[-1].label,
            "districts": [o.label for o in dq.options]}


def _row(html, label):
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f"<td>{label}" in r]
    assert rows, label
    return rows[0]


# ----------------------------------------------------------------------------- 1. thresholds and --org
def test_small_base_and_min_cell_options(project):
    out = project["root"] / "thr"
    invoke(["report", project["proj"], "--format", "html,xlsx", "--out", out, "--small-base", 50, "--min-cell", 15,
            "--org", "南湖市文明办"])
    html = (out / "report.html").read_text(encoding="utf-8")
    a = json.loads(invoke(["analyze", project["proj"], "--json"]).output)
    league = {r["group"]: r for r in a["league"]["rows"]}
    assert league[project["mid"]]["n"] == 40 and league[project["small"]]["n"] == 12
    # 40 lies between the thresholds (15 ≤ n < 50): reported and marked; 12 < 15: suppressed.
    # With the defaults (30, 10) neither would be: the options are what takes effect.
    mid_row, small_row = _row(html, project["mid"]), _row(html, project["small"])
    assert f"<td>{project['mid']} △</td>" in mid_row and f"<td>{league[project['mid']]['estimate']:.1f}</td>" in mid_row
    assert "样本过少，不予报告" in small_row and f"{league[project['small']]['estimate']:.1f}" not in small_row
    assert "△ 样本量小于50，仅供参考；小于15不予报告" in html
    assert "南湖市文明办组织开展了本次问卷调查" in html
    from openpyxl import load_workbook

    wb = load_workbook(out / "report.xlsx")
    _, rows = xlsx_table(wb["6群体与区县比较"], "各区县综合满意度指数排名")
    by = {r[1]: r for r in rows}
    assert by[project["small"]][2] is None and by[project["mid"]][2] == pytest.approx(league[project["mid"]]["estimate"])


def test_thresholds_from_project_config(project, tmp_path):
    import shutil

    proj = tmp_path / "p"
    shutil.copytree(project["proj"], proj)
    _set_config(proj, small_base=50, min_cell=15)
    out = tmp_path / "out"
    invoke(["report", proj, "--format", "html", "--out", out])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "样本过少，不予报告" in _row(html, project["small"]) and "△" in _row(html, project["mid"])
    # the command-line option wins over the config
    invoke(["report", proj, "--format", "html", "--out", out, "--min-cell", 5, "--small-base", 10])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "不予报告" not in _row(html, project["small"]) and "△" not in _row(html, project["mid"])


# ----------------------------------------------------------------------------- 2. population margins
POP_DISTRICT = [120000, 95000, 80000, 60000, 30000, 15000]  # written by hand; shares = count / 400000


def test_population_shares_from_margins(project, tmp_path):
    import shutil

    proj = tmp_path / "p"
    shutil.copytree(project["proj"], proj)
    lines = ["区县,人口"] + [f"{lab},{c}" for lab, c in zip(project["districts"], POP_DISTRICT)]
    (proj / "pop_district.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (proj / "pop_gender.csv").write_text("男,50.5%\n女,49.5%\n", encoding="gbk")  # no header, percentages, GBK
    _set_config(proj, margins={"district": "pop_district.csv", "gender": "pop_gender.csv"})
    a = json.loads(invoke(["analyze", proj, "--json"]).output)
    comp = a["sample"]["composition"]
    assert [r["population_share"] for r in comp["district"]["rows"]] == pytest.approx(
        [c / 400000 for c in POP_DISTRICT])
    assert [r["population_share"] for r in comp["gender"]["rows"]] == pytest.approx([0.505, 0.495])
    assert all("population_share" not in r for r in comp["age"]["rows"])
    out = tmp_path / "out"
    invoke(["report", proj, "--format", "html,xlsx", "--out", out])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<th>总体占比</th>" in html
    from openpyxl import load_workbook

    hdr, rows = xlsx_table(load_workbook(out / "report.xlsx")["2样本构成"], "样本区县构成")
    assert hdr[3] == "总体占比"
    assert [r[3] for r in rows] == pytest.approx([c / 400000 for c in POP_DISTRICT])
    hdr, rows = xlsx_table(load_workbook(out / "report.xlsx")["2样本构成"], "样本年龄构成")
    assert len(hdr) == 3 or hdr[3] is None  # no margin for age: no population column
    # the composition chart draws population ticks (a scatter) in the two panels with margins (district,
    # gender) and one legend key for the whole figure; without margins it has none
    svg = (out / "charts" / "sample.svg").read_text(encoding="utf-8")
    assert len(re.findall(r'<g id="PathCollection_\d+"', svg)) == 2 + 1
    from report.charts import composition

    panels = {k: ([r["label"] for r in c["rows"]], [r["share"] for r in c["rows"]], None) for k, c in comp.items()}
    composition("sample", "no margins", panels, out_dir=tmp_path / "nomargins")
    svg = (tmp_path / "nomargins" / "sample.svg").read_text(encoding="utf-8")
    assert not re.findall(r'<g id="PathCollection_\d+"', svg)


def test_margin_errors_name_the_file(project, tmp_path):
    import shutil

    proj = tmp_path / "p"
    shutil.copytree(project["proj"], proj)
    (proj / "pop.csv").write_text("区县,人口\n东城区,100\n不存在区,50\n", encoding="utf-8")
    _set_config(proj, margins={"district": "pop.csv"})
    r = _main(["analyze", str(proj)])
    assert r[0] == 1 and "pop.csv" in r[1] and "不存在区" in r[1] and len(r[1].strip().splitlines()) == 1
    (proj / "pop.csv").write_text("区县,人口\n东城区,many\n", encoding="utf-8")
    r = _main(["report", str(proj), "--format", "html", "--out", str(tmp_path / "o")])
    assert r[0] == 1 and "pop.csv" in r[1] and "many" in r[1]
    _set_config(proj, margins={"district": "missing.csv"})
    r = _main(["analyze", str(proj)])
    assert r[0] == 1 and "missing.csv" in r[1]
    _set_config(proj, margins={"distrct": "pop.csv"})
    r = _main(["analyze", str(proj)])
    assert r[0] == 1 and "minyi.yaml" in r[1] and "district" in r[1]


def _main(argv):
    """Run the console entry point (errors → one message, exit code) capturing stderr."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            rc = cli.main(argv)
        except SystemExit as e:
            rc = e.code
    return rc, err.getvalue()


# ----------------------------------------------------------------------------- 5. --by / --na checks
def test_report_unknown_by_exits_2_listing_choices(project, tmp_path):
    r = runner.invoke(cli.app, ["report", str(project["proj"]), "--by", "nosuch", "--out", str(tmp_path)])
    assert r.exit_code == 2
    assert "nosuch" in r.output and "site" in r.output and "district" in r.output and "A1" in r.output
    r = runner.invoke(cli.app, ["report", str(project["proj"]), "--na", "maybe", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "excluded or unsatisfied" in r.output


def test_report_na_unsatisfied(project, tmp_path):
    """--na unsatisfied keeps 不了解 in the base: the rate's n is then every answer to the question."""
    out = tmp_path / "out"
    invoke(["report", project["proj"], "--format", "xlsx", "--out", out, "--na", "unsatisfied", "--by", "site"])
    a_ex = json.loads(invoke(["analyze", project["proj"], "--json", "--by", "site"]).output)
    a_un = json.loads(invoke(["analyze", project["proj"], "--json", "--by", "site", "--na", "unsatisfied"]).output)
    from openpyxl import load_workbook

    _, rows = xlsx_table(load_workbook(out / "report.xlsx")["4三率与满意度"], "主要指标及达标判定")
    sat = [i for i in a_un["indicators"] if i["kind"] == "satisfaction" and i.get("rate")]
    ns = {r[0]: r[5] for r in rows}
    assert all(ns[i["name"]] == i["rate"]["n"] for i in sat)
    ex = {i["id"]: i for i in a_ex["indicators"]}
    assert any(i["rate"]["n"] > ex[i["id"]]["rate"]["n"] for i in sat)


SMALL_Q = """
id: small_q
title: 小型满意度调查问卷
sections:
  - id: A
    title: 基本情况
    questions:
      - {id: A1, type: single, text: 您的性别, options: [男, 女]}
      - {id: B1, type: single, text: 您是否知道我市正在创建全国文明城市？, options: [知道, 不知道]}
      - id: C1
        type: matrix
        text: 您对以下方面是否满意
        area: env
        options:
          - {code: 1, label: 非常满意, score: 100}
          - {code: 2, label: 满意, score: 80}
          - {code: 3, label: 一般, score: 60}
          - {code: 4, label: 不满意, score: 40}
          - {code: 5, label: 非常不满意, score: 20}
          - {code: 9, label: 不了解, na: true}
        rows: [{id: r1, label: 道路保洁}, {id: r2, label: 垃圾清运}]
      - {id: D1, type: text, text: 您还有什么意见和建议？, required: false}
areas:
  - {id: env, name: 城市环境, weight: 1.0}
indicators:
  - {id: aware, kind: awareness, name: 创文知晓率, question: B1, positive: [知道], target: 0.9}
  - {id: sat_env, kind: satisfaction, name: 城市环境满意度, question: C1, area: env, target: 0.8}
"""


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    from survey.qload import load_questionnaire

    root = tmp_path_factory.mktemp("small_q")
    qpath = root / "q.yaml"
    qpath.write_text(SMALL_Q, encoding="utf-8")
    q = load_questionnaire(qpath)
    assert q.site_question is None and q.district_question is None
    f = simulate(q, 200, 5, start="2026-03-01")
    csv = root / "r.csv"
    write_csv(f, csv)
    proj = root / "proj"
    invoke(["init", proj, "--questionnaire", qpath])
    # with four questions many honest answers coincide: no quality exclusions for this project
    _set_config(proj, exclusions={"duplicate_id": False, "identical_answers": False, "speeder": False,
                                  "straightliner": False, "same_ip": False})
    invoke(["import", proj, csv, "--wave", "W1"])
    return {"root": root, "proj": proj, "frame": f}


def test_questionnaire_without_site_or_district(small_project):
    a = json.loads(invoke(["analyze", small_project["proj"], "--json"]).output)
    assert a["meta"]["by"] == [] and a["sample"]["n"] == 200
    aware = next(i for i in a["indicators"] if i["id"] == "aware")
    b1 = small_project["frame"]["B1"].dropna()
    assert aware["rate"]["estimate"] == pytest.approx((b1 == 1).mean())
    out = small_project["root"] / "out"
    invoke(["report", small_project["proj"], "--format", "html,xlsx", "--out", out])
    assert (out / "report.html").exists()
    # asked explicitly, a grouping the questionnaire lacks is still an error listing the choices
    r = runner.invoke(cli.app, ["report", str(small_project["proj"]), "--by", "district", "--out", str(out)])
    assert r.exit_code == 2 and "A1" in r.output
    r = runner.invoke(cli.app, ["analyze", str(small_project["proj"]), "--by", "site"])
    assert r.exit_code == 2
    a = json.loads(invoke(["analyze", small_project["proj"], "--json", "--by", "A1"]).output)
    assert a["meta"]["by"] == ["A1"]


def test_library_default_groupings(small_project):
    from report.project import analyze_project
    from survey.errors import MinyiError
    from survey.store import Project

    p = Project.open(small_project["proj"])
    assert analyze_project(p)["meta"]["by"] == []
    with pytest.raises(MinyiError, match="choose from: A1"):
        analyze_project(p, by=["site"])


# ----------------------------------------------------------------------------- 4. English boilerplate
def test_english_report_has_no_chinese_boilerplate(small_project):
    out = small_project["root"] / "out_en"
    invoke(["report", small_project["proj"], "--format", "html,xlsx", "--out", out, "--lang", "en"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "equal weights, simple random sampling" in html
    q = load_questionnaire(small_project["proj"] / "questionnaire.yaml")
    allowed = {q.title, q.title.replace("问卷", "")} | {qq.text for qq in q.questions}
    for qq in q.questions:
        allowed |= {o.label for o in qq.options} | {r.label for r in (qq.rows or [])}
    allowed |= {a.name for a in q.areas} | {i.name for i in q.indicators}
    a = json.loads(invoke(["analyze", small_project["proj"], "--json"]).output)
    allowed |= {w["word"] for w in a["open_text"]["top_words"]}  # respondents' words
    text = re.sub(r"<style.*?</style>|<[^>]+>", "\n", html, flags=re.S)
    from survey.simulate import OPEN_ANSWERS

    leftover = []
    for line in text.splitlines():
        for a_ in sorted(allowed | set(OPEN_ANSWERS), key=len, reverse=True):
            line = line.replace(a_, "")
        if CJK.search(line):
            leftover.append(line.strip())
    # only questionnaire labels and respondent words (open-answer word counts) may stay Chinese
    leftover = [x for x in leftover if not re.fullmatch(r"[\u4e00-\u9fff]+", x)]
    assert leftover == []


def test_english_quality_reasons():
    """Reasons and rules are named from their codes through the label table (no reverse mapping of Chinese)."""
    from report.render import quality_words
    from survey.quality import FLAG_NAMES
    from survey.store import REASONS_ZH

    q = {"rows_read": 10, "quarantine_reasons": {REASONS_ZH["unknown-option"]: 3},
         "exclusions": {FLAG_NAMES["speeder"]: 2},
         "quarantine_codes": {"unknown-option": 3}, "exclusion_codes": {"speeder": 2}}
    en = quality_words(q, "en")
    assert en["quarantine_reasons"] == {"invalid option code": 3}
    assert en["exclusions"] == {"completed too fast": 2}
    assert q["exclusions"] == {FLAG_NAMES["speeder"]: 2}  # input unchanged
    zh = quality_words(q, "zh")
    assert zh["quarantine_reasons"] == {"无效选项代码": 3} and zh["exclusions"] == {"答题时间过短": 2}


def test_flag_names_come_from_the_label_table():
    from survey.labels import LABELS, label
    from survey.quality import FLAG_NAMES

    assert list(FLAG_NAMES) == [c.split(".", 1)[1] for c in LABELS if c.startswith("flag.")]
    assert all(FLAG_NAMES[k] == label(f"flag.{k}", "zh") for k in FLAG_NAMES)


# ----------------------------------------------------------------------------- 6. stopwords
GENERIC = ["增加", "提高", "整治", "加强", "希望", "政府", "问题", "建议", "解决", "进一步", "加大"]


def test_stopwords_never_in_top_words():
    import pandas as pd

    from report.pipeline import _open_text
    from report.stopwords import STOPWORDS

    assert set(GENERIC) <= STOPWORDS
    q = load_questionnaire(bundled_path())
    tq = next(x for x in q.questions if x.type == "text")
    answers = (["希望政府加强停车管理，解决停车难问题"] * 30 + ["建议增加公共厕所，提高保洁水平"] * 20
               + ["进一步整治噪音扰民问题"] * 10 + ["加大垃圾分类宣传力度"] * 5)
    res = _open_text(q, pd.DataFrame({tq.id: answers}))
    words = [w["word"] for w in res["top_words"]]
    assert not set(words) & STOPWORDS
    # the substantive words remain: the most frequent answer's topic leads
    assert "停车" in words[0] and "公共厕所" in words and "垃圾" in "".join(words)


def test_words_counted_in_the_worker_process_equal_those_counted_here(monkeypatch):
    """report.segmenter: the survey command loads jieba and counts the open answers' words in a worker
    process (spawn); the counts equal those of this process, and a second call (no worker left) counts here."""
    from concurrent.futures import ProcessPoolExecutor

    from report import segmenter
    from report.stopwords import STOPWORDS

    monkeypatch.setenv("MINYI_THREADS", "2")  # worker processes allowed, as for the survey command
    answers = [("希望政府加强停车管理，解决停车难问题", 30), ("建议增加公共厕所，提高保洁水平", 20),
               ("小区垃圾分类宣传不够，垃圾桶太少", 20), ("公交车太少 等车时间长", 7), ("2024年路灯坏了", 3)]
    segmenter.preload()
    pool = segmenter._POOL[0]
    assert isinstance(pool, ProcessPoolExecutor)
    pid = pool.submit(os.getpid).result()
    assert pid != os.getpid()  # a separate process
    in_worker = segmenter.top_words(answers, 20, STOPWORDS)
    assert segmenter._POOL[0] is None
    here = segmenter.count_words(answers, 20, STOPWORDS)
    assert in_worker == here and here[0][1] == 30
    assert segmenter.top_words(answers, 20, STOPWORDS) == here


def test_a_worker_started_ahead_and_not_used_is_stopped(monkeypatch):
    """survey analyze starts the segmenter's worker before it knows the questionnaire (report.segmenter.ahead);
    leaving the block without counting words (no open question, an error) stops it."""
    from report import segmenter

    monkeypatch.setenv("MINYI_THREADS", "2")
    with pytest.raises(KeyError):
        with segmenter.ahead():
            pool = segmenter._POOL[0]
            assert pool is not None
            raise KeyError("an error in the analysis")
    assert segmenter._POOL[0] is None and pool._shutdown_thread
    with segmenter.ahead(start=False):
        assert segmenter._POOL[0] is None


def test_a_worker_ends_when_the_command_is_killed(tmp_path):
    """kill -9 (or the OOM killer) of a command left its idle pool worker behind for good (it holds both
    ends of its queue's pipe); report.chart_pool._worker_start makes every worker exit with its parent."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    script = tmp_path / "cmd.py"
    script.write_text("import os, sys, time\n"
                      "if __name__ == '__main__':\n"
                      "    from report import segmenter\n"
                      "    segmenter.preload()\n"
                      "    print(segmenter._POOL[0].submit(os.getpid).result(), flush=True)\n"
                      "    time.sleep(60)\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root), "MINYI_THREADS": "2"})
    worker = int(proc.stdout.readline())
    assert worker != proc.pid
    os.kill(worker, 0)  # alive
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        try:  # reap it if it became our zombie (it is the killed process's child, normally adopted by init)
            os.waitpid(worker, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    else:
        os.kill(worker, signal.SIGKILL)
        raise AssertionError("the worker outlived the command")


def test_league_tied_with_excludes_suppressed_groups():
    """Hand-made league: A and B overlap; C overlaps both but has n=5 (< min_cell 10): suppressed, so it is
    nobody's tie and has no rank."""
    from report.render import apply_thresholds

    rows = [{"group": "A", "estimate": 80.0, "ci_low": 78.0, "ci_high": 82.0, "n": 100, "tied_with": ["B", "C"]},
            {"group": "B", "estimate": 79.0, "ci_low": 77.0, "ci_high": 81.0, "n": 100, "tied_with": ["A", "C"]},
            {"group": "C", "estimate": 70.0, "ci_low": 60.0, "ci_high": 90.0, "n": 5, "tied_with": ["A", "B"]},
            {"group": "D", "estimate": 60.0, "ci_low": 58.0, "ci_high": 62.0, "n": 100, "tied_with": ["C"]}]
    r = apply_thresholds({"league": {"rows": rows}}, small_base=30, min_cell=10)
    by = {d["group"]: d for d in r["league"]["rows"]}
    assert by["A"]["tied_with"] == ["B"] and by["B"]["tied_with"] == ["A"] and by["D"]["tied_with"] == []
    assert by["C"]["tied_with"] == [] and by["C"]["rank"] is None and by["C"]["estimate"] is None
    assert (by["A"]["rank_best"], by["A"]["rank_worst"], by["D"]["rank"]) == (1, 2, 3)
    assert r["league"]["small_base"] == 30


# ----------------------------------------------------------------------------- 3. weighting from minyi.yaml
def _weighted_project(project, tmp_path, method, margins):
    import shutil

    proj = tmp_path / "p"
    shutil.copytree(project["proj"], proj)
    lines = ["区县,人口"] + [f"{lab},{c}" for lab, c in zip(project["districts"], POP_DISTRICT)]
    (proj / "pop_district.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (proj / "pop_gender.csv").write_text("性别,占比\n男,50.5%\n女,49.5%\n", encoding="utf-8")
    _set_config(proj, margins=margins, weighting={"method": method})
    return proj


def test_poststratify_equals_hand_formula(project, tmp_path):
    """Post-stratification on district: the estimate is Σ_g P_g p̂_g with P_g the population share and p̂_g
    the (equal-weight) sample proportion in district g (Holt & Smith 1979), computed here with pandas."""
    import pandas as pd

    from survey.store import Project

    proj = _weighted_project(project, tmp_path, "poststratify", {"district": "pop_district.csv"})
    a = json.loads(invoke(["analyze", proj, "--json", "--by", "site"]).output)
    w = a["meta"]["design"]["weighting"]
    assert w["method"] == "poststratify" and w["margins"] == ["district"] and w["population_total"] == 400000
    assert "事后分层" in a["meta"]["design"]["description"] and "post-stratification" in a["meta"]["design"]["description_en"]
    q = project["q"]
    data, _ = Project.open(proj).responses("W1")
    ind = next(i for i in q.indicators if i.kind == "awareness")
    qq = q.question(ind.question)
    pos = [o.code for o in qq.options if o.label in ind.positive or o.code in ind.positive]
    na = [o.code for o in qq.options if o.na]
    d = pd.DataFrame({"g": data[q.district_question], "y": data[ind.question]})
    d = d[d["y"].notna() & ~d["y"].isin(na)]
    p_g = d.groupby("g")["y"].apply(lambda s: s.isin(pos).mean())
    codes = [o.code for o in q.question(q.district_question).options]
    # domain of valid answers: the post-stratified weights are P_g N / n_g over all rows of g
    n_g = data[q.district_question].value_counts()
    wt = {c: POP_DISTRICT[i] / n_g[c] for i, c in enumerate(codes)}
    d["w"] = d["g"].map(wt)
    expected = (d["w"] * d["y"].isin(pos)).sum() / d["w"].sum()
    got = next(i for i in a["indicators"] if i["id"] == ind.id)["rate"]["estimate"]
    assert got == pytest.approx(expected, rel=1e-10)
    if d["y"].notna().all():  # no item non-response: the textbook form Σ P_g p̂_g
        assert got == pytest.approx(sum(POP_DISTRICT[i] / 400000 * p_g[c] for i, c in enumerate(codes)), rel=1e-10)
    comp = a["sample"]["composition"]["district"]["rows"]
    assert [r["share"] for r in comp] == pytest.approx([c / 400000 for c in POP_DISTRICT], rel=1e-9)


def test_rake_meets_both_margins_and_report_states_it(project, tmp_path):
    proj = _weighted_project(project, tmp_path, "rake", {"district": "pop_district.csv", "A1": "pop_gender.csv"})
    a = json.loads(invoke(["analyze", proj, "--json"]).output)
    comp = a["sample"]["composition"]
    # R rake's default control (epsilon = 1 weighted count of 400,000): margins met to within 1/400,000
    assert [r["share"] for r in comp["district"]["rows"]] == pytest.approx([c / 400000 for c in POP_DISTRICT], abs=1e-5)
    assert [r["share"] for r in comp["gender"]["rows"]] == pytest.approx([0.505, 0.495], abs=1e-5)
    w = a["meta"]["design"]["weighting"]
    assert w["converged"] and 0 < w["efficiency"] <= 1 and w["deff_weighting"] == pytest.approx(1 / w["efficiency"])
    out = tmp_path / "out"
    invoke(["report", proj, "--format", "html", "--out", out])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert re.search(r"按(区县、性别|性别、区县)的总体结构加权，方法为raking", html)
    assert f"加权效率{100 * w['efficiency']:.1f}%" in html and "等权重" not in html


def test_weighting_errors(project, tmp_path):
    proj = _weighted_project(project, tmp_path, "rake", {"district": "pop_district.csv"})
    lines = ["区县,人口"] + [f"{lab},{c}" for lab, c in zip(project["districts"][:-1], POP_DISTRICT[:-1])]
    (proj / "pop_district.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")  # a sampled district left out
    rc, err = _main(["analyze", str(proj)])
    assert rc == 1 and "pop_district.csv" in err and len(err.strip().splitlines()) == 1
    _set_config(proj, weighting={"method": "ipf"})
    rc, err = _main(["analyze", str(proj)])
    assert rc == 1 and "minyi.yaml" in err and "rake or poststratify" in err
    _set_config(proj, weighting={"method": "rake"}, margins=None)
    rc, err = _main(["analyze", str(proj)])
    assert rc == 1 and "margins" in err
