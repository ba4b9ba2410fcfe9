"""docs/python-api.md: every ```python block runs, top to bottom, in one namespace; the public API is
importable from `minyi` and listed in its __all__."""

import re
from pathlib import Path

import minyi

DOC = Path(__file__).resolve().parents[1] / "docs" / "python-api.md"


def test_every_example_in_the_python_api_doc_runs(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 8
    monkeypatch.chdir(tmp_path)
    ns = {"workdir": tmp_path}
    for i, code in enumerate(blocks, 1):
        exec(compile(code, f"{DOC.name} block {i}", "exec"), ns)  # noqa: S102 - the documentation's own code
    out = capsys.readouterr().out
    assert "Estimate(" in out and "rao-scott-F" in out


def test_public_names():
    for name in minyi.__all__:
        assert hasattr(minyi, name), name
    for name in ("svymean", "svyglm", "svyquantile", "Estimate", "DesignSpec", "tidy", "open_project", "responses",
                 "rake", "calibrate", "domain_estimates", "contrast", "as_svrepdesign", "svrepdesign"):
        assert name in minyi.__all__
