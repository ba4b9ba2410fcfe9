"""Two columns that both give the respondent id (a workbook with 序号 — the row number — and 编号 — the paper
questionnaire's number — or two columns mapped to ``respondent_id``): the first was read and the second left out
without a word, so the ids the user meant (and their repeated-id checks) were silently others.  The second is now
said, as a second column of a question is (``second-column``); a layout's own ranking of id columns (Kobo's
``_uuid`` before ``_id``) stays silent."""

from __future__ import annotations

from pathlib import Path

from cli_capture import csv_text, init_project, run_main

DATA = Path(__file__).parent / "data"
QFILE = DATA / "wjx_questionnaire.yaml"
HEAD = ["序号", "编号", "1、您的工作单位：", "2、您是否听说过《市民文明公约》？", "3、(环境卫生)", "3、(交通秩序)",
        "3、(社会治安)", "4、您最关心的问题有哪些？（可多选）", "5、请对以下问题按紧迫程度排序（选3项）", "6、您的其他意见："]
ROWS = [[str(i), f"A{i:03d}", "社区", "听说过", "满意", "一般", "满意", "住房┋看病", "交通拥堵→停车难→食品安全", ""]
        for i in range(1, 4)]


def test_a_second_id_column_is_said(tmp_path, capsys):
    f = tmp_path / "two_ids.csv"
    f.write_text(csv_text([HEAD] + ROWS), encoding="utf-8-sig")
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W")
    assert rc == 0, out
    assert ("column '编号' is a second column for respondent_id (first: '序号'); ignored (remove one of them or map "
            "it with --mapping)") in out, out


def test_two_columns_mapped_to_the_id_are_said(tmp_path, capsys):
    f = tmp_path / "mapped.csv"
    f.write_text(csv_text([["代码", "手工编号"] + HEAD[2:]] + ROWS), encoding="utf-8-sig")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {手工编号: respondent_id, 代码: respondent_id}\n", encoding="utf-8")
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(f), "--wave", "W", "--mapping", str(mapping))
    assert rc == 0, out
    assert "column '手工编号' is a second column for respondent_id (first: '代码'); ignored" in out, out


def test_kobo_uuid_before_id_is_silent(tmp_path, capsys):
    proj = init_project(tmp_path, capsys, QFILE)
    rc, out = run_main(capsys, "import", proj, str(DATA / "kobo_xml.csv"), "--wave", "W")
    assert rc == 0, out
    assert "second column for respondent_id" not in out, out
