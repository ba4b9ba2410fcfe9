"""Two imports that need the project's salt of hashed identifying values at the same moment (``survey import
--hash-pii`` run twice at once on a project without one) use the same salt, the one on disk.

Before: each wrote its own salt over the other's and hashed with its own, so the hashes of one of the imports
matched nothing else ever (a respondent's phone hashed two ways); 26 of 30 trials of two threads disagreed."""

from __future__ import annotations

import stat
import threading

from survey.qload import bundled_path
from survey.store import Project


def test_two_imports_making_the_salt_at_once_agree_on_it(tmp_path):
    root = tmp_path / "p"
    Project.create(root, bundled_path())
    for _ in range(20):
        (root / ".pii_salt").unlink(missing_ok=True)
        projects = [Project.open(root), Project.open(root)]
        start = threading.Barrier(2)
        got: list = [None, None]

        def run(i: int) -> None:
            start.wait()
            got[i] = projects[i]._salt()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        disk = (root / ".pii_salt").read_text().strip()
        assert got[0] == got[1] == disk and len(disk) == 32
        assert stat.S_IMODE((root / ".pii_salt").stat().st_mode) == 0o600
        assert sorted(p.name for p in root.iterdir() if p.name.startswith(".pii_salt")) == [".pii_salt"]  # no leftovers
    assert Project.open(root)._salt() == disk  # kept once made
