"""XLSForm workbooks for the conversion tests: one written from rows (:func:`xlsform_workbook`), and a questionnaire
exported with ``survey convert --to xlsform`` and checked by pyxform (:func:`exported_xlsform`)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from pyxform.xls2xform import convert as pyxform_convert

from cli_capture import run_main


def workbook(path: Path, sheets: dict) -> Path:
    """An .xlsx at ``path`` with one sheet per ``{name: rows}``, in that order (the first is the one read by default)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def xlsform_workbook(path: Path, survey: list, choices: list, settings: list | None = None) -> Path:
    """An XLSForm at ``path`` with the sheets survey, choices and (given rows) settings."""
    return workbook(path, {"survey": survey, "choices": choices, **({"settings": settings} if settings else {})})


def exported_xlsform(tmp_path: Path, capsys, yaml_text: str, name: str) -> tuple[Path, str]:
    """``yaml_text`` written to NAME.yaml and converted to NAME.xlsx by the CLI (exit 0, a valid XLSForm for
    pyxform): the workbook's path and the command's output."""
    src = tmp_path / f"{name}.yaml"
    src.write_text(yaml_text, encoding="utf-8")
    form = tmp_path / f"{name}.xlsx"
    rc, out = run_main(capsys, "convert", str(src), "--to", "xlsform", "--out", str(form))
    assert rc == 0, out
    pyxform_convert(str(form))
    return form, out
