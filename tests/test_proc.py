"""pantau.proc.stop: the one way child processes (crawls, the local Prefect server) are stopped; pantau.proc.Foreground:
background work gives way to requests."""

import signal
import subprocess
import sys
import threading
import time

from pantau.proc import Foreground, stop


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


# A parent that starts a grandchild-to-be (this test's grandchild) which arms die_with_parent, prints its pid, and
# then waits to be killed with the parent.
PARENT = """
import os, subprocess, sys, time
env = {**os.environ, "PANTAU_PARENT_PID": str(os.getpid())}
child = subprocess.Popen([sys.executable, "-c", "from pantau.proc import die_with_parent\\n"
                          "armed = die_with_parent()\\nprint(armed, flush=True)\\nimport time\\ntime.sleep(120)"],
                         env=env, stdout=subprocess.PIPE, text=True)
print(child.pid, child.stdout.readline().strip(), flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_child_started_with_pantau_parent_pid_dies_with_its_parent():
    """A crawl whose parent was killed kept writing to the resume folder (duplicates on the next run)."""
    import os
    import time

    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    pid, armed = parent.stdout.readline().split()
    assert armed == "True" and _alive(int(pid))
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(int(pid))


def test_die_with_parent_does_nothing_unless_asked_and_exits_if_the_parent_is_gone():
    from pantau.proc import die_with_parent

    assert die_with_parent({}) is False
    orphan = subprocess.run([sys.executable, "-c", "from pantau.proc import die_with_parent\n"
                             "die_with_parent({'PANTAU_PARENT_PID': '1'})\nprint('still here')"],
                            capture_output=True, text=True, timeout=60)
    assert orphan.returncode == 1 and "still here" not in orphan.stdout


def test_background_work_waits_while_a_request_is_served_and_for_the_quiet_after_it():
    fg = Foreground(quiet=0.2, max_wait=30)
    fg.give_way()  # nothing served yet: no wait
    served, passed = threading.Event(), []

    def request():
        with fg.serving():
            served.set()
            time.sleep(0.5)
        passed.append(("request ended", time.monotonic()))

    t = threading.Thread(target=request)
    t.start()
    served.wait()
    fg.give_way()
    passed.append(("gave way", time.monotonic()))
    t.join()
    (first, ended), (second, went_on) = passed
    assert (first, second) == ("request ended", "gave way") and went_on - ended >= 0.19  # after the quiet


def test_background_work_goes_on_after_max_wait_while_requests_keep_coming():
    fg = Foreground(quiet=0.05, max_wait=0.3)
    with fg.serving():
        started = time.monotonic()
        fg.give_way()
        waited = time.monotonic() - started
    assert 0.29 <= waited < 5  # bounded: never starved
