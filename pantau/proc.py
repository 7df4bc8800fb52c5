"""Child processes: one way to stop them."""

from __future__ import annotations

import subprocess


def stop(proc: subprocess.Popen, grace: float) -> int:
    """SIGTERM, wait up to `grace` seconds for a clean exit, then SIGKILL; returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()
