"""A throwaway PostgreSQL server from Debian's postgresql package, on 127.0.0.1 and a free port, for tests.

`make test` installs the package when it is missing; the server runs as the `postgres` system user when the tests
run as root (PostgreSQL refuses to run as root) and is stopped and deleted afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} not found: install Debian's postgresql package (make test does)")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server(user: str = "pantau") -> Iterator[Callable[[str], str]]:
    """Start a server; yield `create(dbname)`, which makes a database and returns its libpq connection string
    (no password: trust on loopback)."""
    root = Path(tempfile.mkdtemp(prefix="pantau-pg-"))
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    data, sock, port = root / "data", root / "sock", _free_port()
    sock.mkdir()
    if as_root:
        os.chmod(root, 0o755)
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    try:
        subprocess.run(run_as + [_bin("initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True, env=env)
        subprocess.run(run_as + [_bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60", "-o",
                                 f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True, env=env)
        def create(dbname: str) -> str:
            subprocess.run(run_as + [_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, dbname],
                           check=True, capture_output=True, env=env)
            return f"dbname={dbname} host=127.0.0.1 port={port} user={user}"

        try:
            yield create
        finally:
            subprocess.run(run_as + [_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, env=env)
    except subprocess.CalledProcessError as exc:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}\n{log}") from exc
    finally:
        shutil.rmtree(root, ignore_errors=True)
