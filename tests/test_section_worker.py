"""Sections run in a forked worker process (report/section_worker.py) come back in order from another
process; a worker that fails in any way leaves its sections to the caller, and a caller that fails stops
it.  The analysis with a worker is compared with one thread in test_sections.py."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from report import section_worker
from report.sections import run_sections

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked on Linux only")


def test_the_sections_apart_run_in_another_process_and_keep_their_order():
    me = os.getpid()
    out = run_sections({"a": os.getpid, "b": os.getpid, "c": lambda: "c", "d": os.getpid}, n_threads=2,
                       apart=("b", "d"))
    assert list(out) == list("abcd")
    assert out["a"] == me and out["c"] == "c"
    assert out["b"] == out["d"] != me  # both in one worker
    with pytest.raises(ProcessLookupError):
        os.kill(out["b"], 0)  # and it was reaped


def _either_tasks(me, slow_here: float, slow_there: float) -> dict:
    """"a" here and "b" in the worker take ``slow_here`` / ``slow_there`` seconds; "c", "d", "e" may run in
    either process and give the id of the one that ran them."""
    def here():
        assert os.getpid() == me
        time.sleep(slow_here)
        return "a"

    def there():
        time.sleep(slow_there)
        return os.getpid()

    def either():
        time.sleep(0.02)
        return os.getpid()

    return {"a": here, "b": there, "c": either, "d": either, "e": either}


def test_the_shared_sections_go_to_the_process_that_is_free_first():
    me = os.getpid()
    kw = {"n_threads": 2, "apart": ("b",), "either": ("c", "d", "e")}
    out = run_sections(_either_tasks(me, 3.0, 0.0), **kw)  # busy here: the worker takes them all
    assert list(out) == list("abcde") and out["a"] == "a"
    assert out["b"] != me and out["c"] == out["d"] == out["e"] == out["b"]
    out = run_sections(_either_tasks(me, 0.0, 3.0), **kw)  # busy there: this process takes them all
    assert out["b"] != me and out["c"] == out["d"] == out["e"] == me
    out = run_sections(_either_tasks(me, 0.0, 0.0), n_threads=1, apart=("b",), either=("c", "d", "e"))
    assert out["b"] == out["c"] == out["d"] == out["e"] == me  # one thread: no worker


def test_a_shared_section_failing_in_the_worker_raises_here(tmp_path):
    me = os.getpid()
    log = tmp_path / "ran"

    class Boom(Exception):
        pass

    def bad():
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        raise Boom("section c")

    def busy():
        time.sleep(2.0)
        return 1

    with pytest.raises(Boom, match="section c"):  # the worker takes c while this process is busy
        run_sections({"a": busy, "b": lambda: 2, "c": bad}, n_threads=2, apart=("b",), either=("c",))
    ran = [int(x) for x in log.read_text().split()]
    assert len(ran) == 2 and ran[0] != me and ran[1] == me  # in the worker, then again here
    log.unlink()
    with pytest.raises(Boom, match="section c"):  # taken here
        run_sections({"a": lambda: 1, "b": lambda: time.sleep(2.0), "c": bad}, n_threads=2, apart=("b",),
                     either=("c",))
    assert [int(x) for x in log.read_text().split()] == [me]


def test_more_shared_sections_than_a_byte_counts_run_here(monkeypatch):
    from report.sections import Shared

    me = os.getpid()
    monkeypatch.setattr(Shared, "MAX", 2)
    tasks = {"a": lambda: time.sleep(0.5), "b": lambda: 0, **{k: os.getpid for k in "cdef"}}
    out = run_sections(tasks, n_threads=2, apart=("b",), either=tuple("cdef"))
    assert list(out) == list("abcdef") and out["e"] == out["f"] == me  # beyond MAX: here
    assert out["c"] != me and out["d"] != me  # the worker, free first, took the shared ones


def test_a_section_failing_in_the_worker_raises_here():
    me = os.getpid()
    ran = []

    class Boom(Exception):
        pass

    def bad():
        if os.getpid() == me:
            ran.append("here")
        raise Boom("section b")

    with pytest.raises(Boom, match="section b"):
        run_sections({"a": lambda: 1, "b": bad}, n_threads=2, apart=("b",))
    assert ran == ["here"]  # run again in the caller, where its error is raised


def test_a_dead_worker_or_a_result_that_does_not_pickle_is_made_here():
    me = os.getpid()

    def dies():
        if os.getpid() != me:
            os._exit(3)  # the worker killed mid-section
        return "made here"

    def unpicklable():
        return (os.getpid(), lambda: None)

    out = run_sections({"a": lambda: 1, "b": dies}, n_threads=2, apart=("b",))
    assert out == {"a": 1, "b": "made here"}
    out = run_sections({"a": lambda: 1, "b": unpicklable}, n_threads=2, apart=("b",))
    assert out["b"][0] == me and callable(out["b"][1])


def _slow_section(pid_file: Path):
    """A section that records its process's id (whole, by a rename) and then takes a minute."""
    def slow():
        part = pid_file.with_suffix(".part")
        part.write_text(str(os.getpid()))
        os.replace(part, pid_file)
        time.sleep(60)
    return slow


def _worker_pid(pid_file: Path) -> int:
    while not pid_file.exists():
        time.sleep(0.01)
    return int(pid_file.read_text())


def test_a_failing_caller_stops_its_worker(tmp_path):
    pid_file = tmp_path / "worker.pid"

    def bad():
        _worker_pid(pid_file)
        raise ValueError("section a")

    t = time.perf_counter()
    with pytest.raises(ValueError, match="section a"):
        run_sections({"a": bad, "b": _slow_section(pid_file)}, n_threads=2, apart=("b",))
    assert time.perf_counter() - t < 30
    with pytest.raises(ProcessLookupError):
        os.kill(_worker_pid(pid_file), 0)  # killed and reaped, not left running


def test_ctrl_c_while_waiting_for_the_worker_stops_it(tmp_path):
    import signal
    import threading

    pid_file = tmp_path / "worker.pid"

    def interrupt():
        _worker_pid(pid_file)
        time.sleep(0.2)  # the caller is waiting for the worker's results by now
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    t = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        run_sections({"a": lambda: 1, "b": _slow_section(pid_file)}, n_threads=2, apart=("b",))
    assert time.perf_counter() - t < 30
    with pytest.raises(ProcessLookupError):
        os.kill(_worker_pid(pid_file), 0)


def test_the_worker_ends_with_a_killed_caller(tmp_path):
    """kill -9 (or the OOM killer) of the command: its worker does not run on alone."""
    import signal

    pid_file = tmp_path / "worker.pid"
    code = textwrap.dedent("""
        import os, sys, time
        from report.sections import run_sections

        def slow():
            open(sys.argv[1], "w").write(str(os.getpid()))
            time.sleep(120)

        run_sections({"a": lambda: time.sleep(120), "b": slow}, n_threads=2, apart=("b",))
    """)
    caller = subprocess.Popen([sys.executable, "-c", code, str(pid_file)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.time() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.time() < deadline and caller.poll() is None
            time.sleep(0.05)
        worker = int(pid_file.read_text())
        caller.send_signal(signal.SIGKILL)
        caller.wait()
        deadline = time.time() + 20
        while _alive(worker):
            assert time.time() < deadline, "the worker outlived its caller"
            time.sleep(0.05)
    finally:
        if caller.poll() is None:
            caller.kill()


def _alive(pid: int) -> bool:
    """Running (a zombie left to a container's init that does not reap counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_a_worker_that_does_not_answer_in_time_is_killed_and_its_sections_made_here(monkeypatch):
    me = os.getpid()
    monkeypatch.setattr(section_worker, "WAIT_MIN", 1.0)

    def stuck():
        if os.getpid() != me:
            time.sleep(60)  # as if on a lock that another thread held at the fork
        return "made here"

    t = time.perf_counter()
    out = run_sections({"a": lambda: 1, "b": stuck}, n_threads=2, apart=("b",))
    assert out == {"a": 1, "b": "made here"} and time.perf_counter() - t < 30


def test_the_workers_warnings_are_raised_here():
    import warnings

    def warns():
        warnings.warn(f"from process {os.getpid()}", UserWarning)
        return os.getpid()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = run_sections({"a": lambda: 1, "b": warns}, n_threads=2, apart=("b",))
    assert out["b"] != os.getpid()
    assert [str(w.message) for w in caught] == [f"from process {out['b']}"]


def test_only_the_command_with_threads_and_enough_rows_forks(monkeypatch):
    monkeypatch.setenv("MINYI_THREADS", "2")
    monkeypatch.setattr(section_worker, "_ALLOWED", [False])
    assert not section_worker.usable(10 ** 6)  # a Python program using the library: threads only
    monkeypatch.setattr(section_worker, "_ALLOWED", [True])
    assert section_worker.usable(section_worker.MIN_ROWS)
    assert not section_worker.usable(section_worker.MIN_ROWS - 1)
    monkeypatch.setenv("MINYI_THREADS", "1")
    assert not section_worker.usable(10 ** 6)


def test_the_command_allows_the_worker():
    code = ("import sys, cli; sys.argv = ['survey', '--version']; cli._app._exit.called_from_console = False; "
            "cli.main(); from report import section_worker; print(section_worker._ALLOWED[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.split("\n")[-2] == "True"
