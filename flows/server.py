"""A local Prefect server for `pantau worker --server`: `prefect server start` on 127.0.0.1 as a child process, its
state (SQLite database, logs) in a folder of its own, stopped with the worker.

Teams that run Prefect elsewhere set PREFECT_API_URL instead; see docs/operations.md.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pantau.proc import stop


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_server(home: Path, port: int = 4200, *, timeout: float = 180,
                 env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `prefect server start --host 127.0.0.1 --port PORT` with PREFECT_HOME=`home` and yield its API URL
    once /api/health answers; stop it on exit. The server log is `home/server.log`."""
    home = Path(home).absolute()
    home.mkdir(parents=True, exist_ok=True)
    child_env = {**(os.environ if env is None else env), "PREFECT_HOME": str(home),
                 "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                 "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}"}
    child_env.pop("PREFECT_API_URL", None)
    api = f"http://127.0.0.1:{port}/api"
    log = open(home / "server.log", "a", encoding="utf-8")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=child_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (home / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"the Prefect server on port {port} did not start (log {home / 'server.log'}):\n"
                                   + tail)
            time.sleep(0.5)
        yield api
    finally:
        stop(proc, grace=30)
        log.close()
