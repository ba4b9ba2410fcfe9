"""The built wheel ships the templates, the bundled questionnaire and the CLI, and works outside the checkout.

The source tree is copied to a temporary folder first, so building never writes ``build/``
into the checkout.  ``--no-build-isolation`` keeps it fast and offline (the ``test`` extra
installs setuptools and wheel); if the environment cannot build that way, an isolated build
is tried instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ["pyproject.toml", "README.md", "cli", "survey", "analysis", "report", "report_templates",
           "questionnaires"]


def _build(tmp: Path) -> Path:
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        p = REPO / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif p.exists():
            shutil.copy2(p, src / name)
    out = tmp / "dist"
    base = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-w", str(out), "-q"]
    r = subprocess.run(base + ["--no-build-isolation"], capture_output=True, text=True, cwd=tmp)
    if r.returncode != 0:  # e.g. no 'wheel' package in this environment: isolated build
        r = subprocess.run(base, capture_output=True, text=True, cwd=tmp)
    assert r.returncode == 0, r.stdout + r.stderr
    wheels = list(out.glob("minyi-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("wheel"))


def test_wheel_contains_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for j2 in (REPO / "report_templates").glob("*.j2"):
        assert f"report_templates/{j2.name}" in names
    assert "report_templates/form_zh.html.j2" in names
    assert "report_templates/report.html.j2" in names
    for y in (REPO / "questionnaires").glob("*.yaml"):
        assert f"questionnaires/{y.name}" in names
    assert "questionnaires/civic_hot_issues.yaml" in names
    for f in [*(REPO / "survey/collect/templates").glob("*.j2"), *(REPO / "survey/collect/static").iterdir()]:
        assert f"survey/collect/{f.parent.name}/{f.name}" in names  # the web survey's pages and scripts
    for mod in ("cli/__init__.py", "cli/report.py", "survey/form.py", "survey/qload.py", "survey/expr.py", "report/fonts.py",
                "analysis/__init__.py"):
        assert mod in names, mod
    assert not any(n.startswith("tests/") for n in names)


def test_wheel_metadata_entry_point_and_font_dependency(wheel):
    z = zipfile.ZipFile(wheel)
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    text = z.read(meta).decode("utf-8")
    # the CJK fonts ship in this dependency (report/fonts.py loads them from it)
    assert any(line.startswith("Requires-Dist: pylopdf-fonts-zh-cn") for line in text.splitlines())
    assert "Requires-Python: >=3.10" in text
    eps = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "survey = cli:main" in eps


def test_installed_wheel_works_from_another_directory(wheel, tmp_path):
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target",
                        str(target), str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = (
        "import sys, survey, report_templates, questionnaires, cli\n"
        f"assert survey.__file__.startswith({str(target)!r}), survey.__file__\n"
        f"assert report_templates.__file__.startswith({str(target)!r})\n"
        "from survey.qload import bundled_path, load_questionnaire\n"
        "from survey.form import render_form\n"
        "from report.fonts import font_path\n"
        "q = load_questionnaire(bundled_path())\n"
        "import html as H\n"
        "page = H.unescape(render_form(q))\n"
        "assert '选\\'不知道\\'者跳至第10题' in page\n"
        "assert font_path('sans').is_file()\n"
        "print('OK', len(q.questions), flush=True)\n"
        "cli.main(['form', str(bundled_path()), '--out', 'form.html'])  # exits with the command's code\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=work, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK 34" in r.stdout
    assert (work / "form.html").stat().st_size > 10_000
