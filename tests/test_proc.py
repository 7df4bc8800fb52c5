"""pantau.proc.stop: the one way child processes (crawls, the local Prefect server) are stopped."""

import signal
import subprocess
import sys

from pantau.proc import stop


def _child(code: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", code + "\nprint('ready', flush=True)\nimport time\ntime.sleep(60)"],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"  # handlers are installed before we signal
    return proc


def test_a_child_that_honours_sigterm_exits_with_it():
    proc = _child("")
    assert stop(proc, grace=10) == -signal.SIGTERM


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period():
    proc = _child("import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)")
    assert stop(proc, grace=0.5) == -signal.SIGKILL


def test_an_exited_child_keeps_its_exit_code():
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait()
    assert stop(proc, grace=1) == 3
