"""Make the binary and derived import fixtures from the two hand-made 问卷星 examples.

All fixtures hold the same 12 answers to tests/data/wjx_questionnaire.yaml as
``wjx_by_code.csv`` / ``wjx_by_text.csv`` (copies of shared/formats/wjx/example_by_*.csv), written
the way each platform writes them, so tests can assert one hand-checked expected table for all.
Run from the repository root:  python tests/data/make_fixtures.py   (outputs are committed;
CI does not run this).  Needs openpyxl, pyreadstat and — for the .xls only — xlwt.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
CODE = pd.read_csv(HERE / "wjx_by_code.csv", dtype=str, encoding="utf-8-sig")
TEXT = pd.read_csv(HERE / "wjx_by_text.csv", dtype=str, encoding="utf-8-sig")
N = len(CODE)
Q3_ROWS = ["环境卫生", "交通秩序", "社会治安"]
Q4_OPTS = ["住房", "就业", "物价", "看病", "上学", "其他"]
Q5_OPTS = ["交通拥堵", "停车难", "食品安全", "环境污染"]
SAT = ["非常满意", "满意", "一般", "不满意", "非常不满意", "不了解"]
Q1 = ["机关", "社区", "企业"]
Q2 = ["听说过", "没听说过"]


def other_text(i: int) -> str:
    m = re.search(r"〖(.*)〗", TEXT.iloc[i, 11])
    return m.group(1) if m else ""


def q6(i: int) -> str:
    v = CODE.iloc[i, 21]
    return "" if v == "(空)" else v


def write_xlsx(path: Path, rows: list[list], title_rows: list[list] | None = None) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in (title_rows or []) + rows:
        ws.append([_num(v) for v in r])
    wb.save(path)


def _num(v):
    if isinstance(v, str) and re.fullmatch(r"-?\d+", v):
        return int(v)
    return v if v != "" else None


def wjx() -> None:
    # GBK: what Excel/WPS write when re-saving on Chinese Windows
    (HERE / "wjx_by_text_gbk.csv").write_bytes(TEXT.to_csv(index=False, lineterminator="\r\n").encode("gb18030"))
    # UTF-8 without BOM, tab-delimited, headers with 'N：题干' and 第N题(选项)
    code = CODE.copy()
    code.columns = [re.sub(r"^(\d+)、\((.*)\)$", r"第\1题(\2)", c) for c in code.columns]
    code.columns = [re.sub(r"^(\d+)、", r"\1：", c) for c in code.columns]
    (HERE / "wjx_by_code_tab.txt").write_text(code.to_csv(index=False, sep="\t"), encoding="utf-8")
    write_xlsx(HERE / "wjx_by_code.xlsx", [list(CODE.columns)] + CODE.values.tolist())
    write_xlsx(HERE / "wjx_by_text.xlsx", [list(TEXT.columns)] + TEXT.values.tolist())
    try:
        import xlwt
    except ImportError:  # pragma: no cover
        print("xlwt not installed: wjx_by_text.xls not refreshed")
    else:
        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet("Sheet1")
        for j, c in enumerate(TEXT.columns):
            ws.write(0, j, c)
        for i, row in enumerate(TEXT.values.tolist(), start=1):
            for j, v in enumerate(row):
                ws.write(i, j, _num(v))
        wb.save(str(HERE / "wjx_by_text.xls"))
    wjx_sav()


def wjx_sav() -> None:
    """问卷星 SPSS export: generic variable names, questions in the variable labels, codes with value labels."""
    import pyreadstat

    cols, labels, vlabels = {}, {}, {}
    cols["V1"] = CODE["序号"].astype(float)
    labels["V1"] = "序号"
    cols["V2"] = CODE["所用时间"]
    labels["V2"] = "所用时间"
    names = list(CODE.columns)
    for j, h in enumerate(names[6:], start=3):
        v = f"V{j}"
        s = CODE[h]
        if h.startswith("6、"):
            cols[v] = s.where(s != "(空)", "")
        else:
            cols[v] = pd.to_numeric(s).astype(float)
        labels[v] = h
        if h.startswith("1、"):
            vlabels[v] = {float(k + 1): lab for k, lab in enumerate(Q1)}
        elif h.startswith("2、"):
            vlabels[v] = {float(k + 1): lab for k, lab in enumerate(Q2)}
        elif h.startswith("3、"):
            vlabels[v] = {float(k + 1): lab for k, lab in enumerate(SAT)}
        elif h.startswith("4、"):
            vlabels[v] = {0.0: "未选中", 1.0: "选中"}
        elif h.startswith("5、"):
            vlabels[v] = {-3.0: "未排序"}
    df = pd.DataFrame(cols)
    pyreadstat.write_sav(df, str(HERE / "wjx_by_code.sav"), column_labels=labels, variable_value_labels=vlabels)


def generic_sav() -> None:
    """A hand-made SPSS file: variables named freely, matched by their *variable labels* (titles without
    numbers); option codes differ from the questionnaire's (10/20/30), so only the *value labels* say
    which option is meant."""
    import pyreadstat

    unit = pd.to_numeric(CODE.iloc[:, 6]).astype(int)
    heard = pd.to_numeric(CODE.iloc[:, 7]).astype(int)
    df = pd.DataFrame({"resp": [f"R{i + 1:02d}" for i in range(N)],
                       "unit": (unit * 10).astype(float),
                       "heard": heard.map({1: 1.0, 2: 0.0}),
                       "env": pd.to_numeric(CODE.iloc[:, 8]).astype(float)})
    pyreadstat.write_sav(
        df, str(HERE / "generic_labels.sav"),
        column_labels={"resp": "respondent_id", "unit": "您的工作单位", "heard": "您是否听说过《市民文明公约》",
                       "env": "您对以下方面是否满意(环境卫生)"},
        variable_value_labels={"unit": {10.0: "机关", 20.0: "社区", 30.0: "企业"},
                               "heard": {1.0: "听说过", 0.0: "没听说过"},
                               "env": {float(k + 1): lab for k, lab in enumerate(SAT)}})


def tencent() -> None:
    """腾讯问卷: 'N.题干' headers, 'N.题干:选项' sub-columns (selected option's label or blank), 编号 …"""
    header = ["编号", "开始答题时间", "结束答题时间", "答题时长", "IP", "地理位置", "UA", "Referrer",
              "1.您的工作单位：", "2.您是否听说过《市民文明公约》？"]
    header += [f"3.您对以下方面是否满意:{r}" for r in Q3_ROWS]
    header += [f"4.您最关心的问题有哪些？（可多选）:{o}" for o in Q4_OPTS]
    header += [f"5.请对以下问题按紧迫程度排序（选3项）:{o}" for o in Q5_OPTS]
    header += ["6.您的其他意见："]
    rows = []
    for i in range(N):
        c = CODE.iloc[i]
        secs = int(c["所用时间"].rstrip("秒"))
        end = pd.Timestamp(c["提交答卷时间"].replace("/", "-"))
        start = end - pd.Timedelta(seconds=secs)
        r = [str(1000 + i + 1), start.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S"),
             f"{secs // 60}分{secs % 60}秒", f"10.0.0.{i + 1}", "浙江省杭州市", "Mozilla/5.0", "https://wj.qq.com/s/1",
             TEXT.iloc[i, 6], TEXT.iloc[i, 7], *TEXT.iloc[i, 8:11].tolist()]
        for j, o in enumerate(Q4_OPTS):
            sel = CODE.iloc[i, 11 + j] == "1"
            r.append((other_text(i) or "其他") if (sel and o == "其他") else (o if sel else ""))
        for j in range(4):
            v = CODE.iloc[i, 17 + j]
            r.append("" if v == "-3" else v)
        r.append(q6(i))
        rows.append(r)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    (HERE / "tencent.csv").write_text(buf.getvalue(), encoding="utf-8-sig")
    with zipfile.ZipFile(HERE / "tencent.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("答卷数据_12份.csv", buf.getvalue().encode("gb18030"))


def kobo() -> None:
    """KoboToolbox: XML values with group paths (/), select_multiple as space-separated codes AND 0/1 columns,
    ranking as a space-separated ordered list; plus a label export (XLSX, '.' paths, labels)."""
    header = ["start", "end", "grp_bg/Q1", "grp_bg/Q2", "grp_sat/Q3_r1", "grp_sat/Q3_r2", "grp_sat/Q3_r3", "Q4"]
    header += [f"Q4/{k}" for k in range(1, 7)] + ["Q4_other", "Q5", "Q6", "_id", "_uuid", "_submission_time",
                                                 "_validation_status", "_index"]
    rows, lrows = [], []
    for i in range(N):
        c = CODE.iloc[i]
        secs = int(c["所用时间"].rstrip("秒"))
        end = pd.Timestamp(c["提交答卷时间"].replace("/", "-"))
        start = end - pd.Timedelta(seconds=secs)
        sel = [k + 1 for k in range(6) if CODE.iloc[i, 11 + k] == "1"]
        ranks = {k + 1: int(CODE.iloc[i, 17 + k]) for k in range(4) if CODE.iloc[i, 17 + k] != "-3"}
        order = [k for k, _ in sorted(ranks.items(), key=lambda kv: kv[1])]
        r = [start.isoformat() + ".000+08:00", end.isoformat() + ".000+08:00", c.iloc[6], c.iloc[7], *c.iloc[8:11].tolist(),
             " ".join(map(str, sel)), *["1" if k in sel else "0" for k in range(1, 7)], other_text(i) if 6 in sel else "",
             " ".join(map(str, order)), q6(i), str(500 + i), f"uuid-{i + 1:04d}", end.isoformat(), "", str(i + 1)]
        rows.append(r)
        lr = [TEXT.iloc[i, 6], TEXT.iloc[i, 7], *TEXT.iloc[i, 8:11].tolist(),
              " ".join(Q4_OPTS[k - 1] for k in sel), other_text(i) if 6 in sel else "",
              " ".join(Q5_OPTS[k - 1] for k in order), q6(i), f"uuid-{i + 1:04d}"]
        lrows.append(lr)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")  # Kobo's default CSV separator is ';'
    w.writerow(header)
    w.writerows(rows)
    (HERE / "kobo_xml.csv").write_text(buf.getvalue(), encoding="utf-8")
    lheader = ["背景.您的工作单位：", "背景.您是否听说过《市民文明公约》？", "满意度/您对以下方面是否满意/环境卫生",
               "满意度/您对以下方面是否满意/交通秩序", "满意度/您对以下方面是否满意/社会治安",
               "您最关心的问题有哪些？（可多选）", "您最关心的问题有哪些？（可多选）/其他_填空",
               "请对以下问题按紧迫程度排序（选3项）", "您的其他意见：", "_uuid"]
    lheader[0] = "背景/您的工作单位："
    lheader[1] = "背景/您是否听说过《市民文明公约》？"
    write_xlsx(HERE / "kobo_labels.xlsx", [lheader] + lrows)


def generic() -> None:
    """An Excel workbook with two title rows above the header, titles as headers (full-width punctuation and
    stray spaces), labels with stray spaces; and a CSV for the mapping-file test."""
    header = [" 您的工作单位： ", "您是否听说过 《市民文明公约》?", "您对以下方面是否满意（环境卫生）", "备注"]
    rows = [[f" {TEXT.iloc[i, 6]} ", TEXT.iloc[i, 7], f"{TEXT.iloc[i, 8]} ", "x"] for i in range(N)]
    write_xlsx(HERE / "generic_title_rows.xlsx", [header] + rows,
               title_rows=[["某市文明城市创建满意度调查 数据汇总表", None, None, None], [None, None, None, None]])
    m = pd.DataFrame({"单位": [{"1": "A", "2": "B", "3": "C"}[v] for v in CODE.iloc[:, 6]],
                      "知晓": [{"1": "yes", "2": "no"}[v] for v in CODE.iloc[:, 7]],
                      "环境": CODE.iloc[:, 8].tolist(),
                      "编号x": [f"M{i + 1}" for i in range(N)]})
    m.to_csv(HERE / "mapped.csv", index=False, encoding="utf-8")


def bad_files() -> None:
    (HERE / "bad_empty.csv").write_bytes(b"")
    import random

    rnd = random.Random(7)
    (HERE / "bad_garbage.bin").write_bytes(bytes(rnd.randrange(256) for _ in range(3000)))
    x = (HERE / "wjx_by_code.xlsx").read_bytes()
    (HERE / "bad_truncated.xlsx").write_bytes(x[: len(x) // 2])
    (HERE / "bad_not_spss.sav").write_bytes(b"$FL2@(#) IBM SPSS STATISTICS" + bytes(rnd.randrange(256) for _ in range(400)))
    (HERE / "bad_png_named.sav").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(400)))


if __name__ == "__main__":
    wjx()
    generic_sav()
    tencent()
    kobo()
    generic()
    bad_files()
    print("fixtures written to", HERE)
