"""survey check on a full disk: the commit of its flags fails, and the user reads that the store's log cannot be
written (catalogue ``disk-full``), not an internal error; the store is whole afterwards and the check, run again
with room, stores them.  The disk is full for the child process by a file-size limit (RLIMIT_FSIZE: writes fail
with EFBIG, as tests/test_atomic.py's writers meet it).

Before: "internal error: TransactionException: … cannot rollback - no transaction is active (please report this as
a bug)" — the failed COMMIT had ended the transaction, and the ROLLBACK after it raised over the real error.  The
ledger's two transactions (survey ledger --wave, --update) rolled back the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_capture import run_main
from survey.qload import bundled_path, load_questionnaire
from survey.simulate import simulate, write_csv

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1024, resource.RLIM_INFINITY))
from cli import main
main(["check", sys.argv[1], "--quiet"])
"""


def test_check_on_a_full_disk_says_so_and_leaves_the_store_whole(tmp_path, capsys):
    write_csv(simulate(load_questionnaire(bundled_path()), 300, seed=1), tmp_path / "a.csv")
    proj = tmp_path / "p"
    assert run_main(capsys, "init", str(proj), "--questionnaire", str(bundled_path()))[0] == 0
    assert run_main(capsys, "import", str(proj), str(tmp_path / "a.csv"), "--quiet")[0] == 0
    # no bytecode written under the limit: a .pyc cut short would break every later import of its module
    r = subprocess.run([sys.executable, "-c", CHILD, str(proj)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"})
    err = r.stderr.strip()
    assert r.returncode == 1, (r.stdout, err)
    assert "internal error" not in err and "Traceback" not in err, err
    assert err == (f"{proj / 'minyi.duckdb.wal'}: error: cannot write {proj / 'minyi.duckdb.wal'}: File too large (over "
                   "the file-size limit of this system or account) (free some disk space (or choose another disk) and "
                   "run the command again)"), err
    rc, out = run_main(capsys, "status", str(proj))
    assert rc == 0 and "wave default: 300 responses" in out and "not checked yet" in out, out
    rc, out = run_main(capsys, "check", str(proj), "--quiet")
    assert rc == 0, out
    assert "not checked yet" not in run_main(capsys, "status", str(proj))[1]
