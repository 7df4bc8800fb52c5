"""Child processes: one way to stop them, and one way for a child to die with its parent; and two ways for a thread
to leave the cores to others (`background_thread`; `Foreground`: background work gives way to requests)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from typing import Iterator

PARENT_ENV = "PANTAU_PARENT_PID"  # set by a parent whose child must not outlive it (crawlers/run.py)
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def stop(proc: subprocess.Popen, grace: float) -> int:
    """SIGTERM, wait up to `grace` seconds for a clean exit, then SIGKILL; returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def die_with_parent(environ: dict[str, str] | None = None) -> bool:
    """In a child started with PANTAU_PARENT_PID: ask Linux to SIGKILL this process when the parent dies, and exit
    at once if it is already gone. A crawl whose parent was killed kept appending to the resume folder's items file,
    and the next run of the same command wrote the same posts again (the kill -9 campaign measured 100-910 duplicates
    of 3,000). Returns whether the signal was armed (False: not asked, or not Linux)."""
    environ = os.environ if environ is None else environ
    parent = environ.get(PARENT_ENV)
    if not parent or not parent.isdigit():
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        armed = False
    if os.getppid() != int(parent):  # the parent died before the signal was armed
        os._exit(1)
    return armed


def background_thread(nice: int = 10) -> bool:
    """Lower the calling thread's priority (Linux: a thread's own nice value; at 10, ~a tenth of a core beside a
    nice-0 task), so that it takes what the other threads leave of the cores. Returns whether it was lowered
    (False: no per-thread priority here; the work just competes)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (AttributeError, OSError):
        return False
    return True


class Foreground:
    """Requests in flight, for background work that gives way to them: a request runs inside `serving()`, the
    background work calls `give_way()` between its steps, which waits until no request has been served for `quiet`
    seconds, for at most `max_wait` (so it always goes on, more slowly while requests come back to back)."""

    def __init__(self, quiet: float, max_wait: float):
        self.quiet, self.max_wait = quiet, max_wait
        self._serving = 0
        self._last_end = 0.0  # time.monotonic() when the last request ended
        self._cond = threading.Condition()

    @contextmanager
    def serving(self) -> Iterator[None]:
        with self._cond:
            self._serving += 1
        try:
            yield
        finally:
            with self._cond:
                self._serving -= 1
                self._last_end = time.monotonic()
                self._cond.notify_all()

    def give_way(self) -> None:
        deadline = time.monotonic() + self.max_wait
        with self._cond:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    return
                if self._serving == 0:
                    quiet_until = self._last_end + self.quiet
                    if now >= quiet_until:
                        return
                    self._cond.wait(min(quiet_until, deadline) - now)
                else:
                    self._cond.wait(deadline - now)
