"""The light side of the owner (issue 17): finding the process that owns a database and reading through it.

Standard library only, so a fresh process that reads while the triage app runs (`pantau sql`) answers without
importing DuckDB or the rest of the store (measured: `pantau sql` 0.25 s instead of 0.9 s on an idle 2-core machine,
most of it Python's own start-up). The owner's side, the server, is store/owner_api.py; the protocol is described
there.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Sequence


class ReadRefused(ValueError):
    """The statement is not a plain read of the database."""


class OwnerUnavailable(ConnectionError):
    """No owner API to talk to (no owner, an older owner, or it stopped)."""


class OwnerReadError(RuntimeError):
    """The owner ran the read and DuckDB answered with an error (the message is DuckDB's)."""



# -- the owner file ----------------------------------------------------------------------------------------------


def owner_file(db: str | Path) -> Path:
    """`<db>.owner`: JSON {pid, since} written by the process that keeps the database open (the triage app)."""
    db = Path(db)
    return db.with_name(db.name + ".owner")


def owner_info(db: str | Path) -> dict[str, Any] | None:
    """The owner file of another live process ({pid, since, socket, token}), or None."""
    pid = live_owner(db)
    if pid is None:
        return None
    try:
        info = json.loads(owner_file(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and info.get("pid") == pid else None


def live_owner(db: str | Path) -> int | None:
    """The pid of another live process that owns `db`, or None (no owner file, stale file, or this process)."""
    try:
        info = json.loads(owner_file(db).read_text(encoding="utf-8"))
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, owned by another user
        return pid
    return pid


# -- values ------------------------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    return str(value)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "$t": datetime.fromisoformat, "$date": date.fromisoformat, "$time": time.fromisoformat,
    "$td": lambda v: timedelta(days=v[0], seconds=v[1], microseconds=v[2]), "$dec": Decimal,
    "$b": base64.b64decode, "$uuid": uuid.UUID,
    "$map": lambda pairs: {_decode(k): _decode(v) for k, v in pairs},
}


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        return _DECODERS[tag](inner)
    return value


# -- reading through the owner -----------------------------------------------------------------------------------


def read(info: dict[str, Any], sql: str, params: Sequence[Any] | None = None, *, sync: bool = False,
         timeout: float = 300.0) -> tuple[list[str], list[tuple]]:
    """Run `sql` through the owner described by the owner file `info` ({socket, token}); (columns, rows).

    Raises OwnerUnavailable when there is no API to talk to, ReadRefused / duckdb.Error-like RuntimeError for an
    answer that is an error."""
    path = info.get("socket")
    if not path:
        raise OwnerUnavailable("the owning process has no read API (an older pantau)")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
    except OSError as exc:
        sock.close()
        raise OwnerUnavailable(f"cannot reach the owning process at {path}: {exc}") from None
    with sock, sock.makefile("rb") as rfile:
        request = {"token": info.get("token", ""), "sql": sql, "params": [_encode(p) for p in (params or [])],
                   "sync": sync}
        sock.sendall(json.dumps(request).encode() + b"\n")
        head = json.loads(rfile.readline() or b'{"ok": false, "error": "OwnerUnavailable: no answer"}')
        if not head.get("ok"):
            error = str(head.get("error"))
            if error.startswith("ReadRefused"):
                raise ReadRefused(error.split(": ", 1)[-1])
            raise OwnerReadError(error)
        rows: list[tuple] = []
        for line in rfile:
            chunk = json.loads(line)
            if isinstance(chunk, dict):
                if "end" in chunk:
                    return head["columns"], rows
                raise OwnerReadError(str(chunk.get("error")))
            rows.extend(tuple(_decode(v) for v in row) for row in chunk)
    raise OwnerUnavailable("the owning process stopped while answering")

