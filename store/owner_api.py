"""The owner's read API: other pantau processes read the database through the process that owns it (issue 17).

While the triage app owns the DuckDB file, nobody else may open it (one process owns a DuckDB file read-write). Reads
used to get a copy of the whole file (a snapshot: seconds per GB, and one more copy of personal data on disk); now
the owner answers them on its own connection, in a read-only transaction of their own, and streams the rows back.

* Transport: a Unix socket in a private folder (`<tmp>/pantau-<uid>/`, 0700; the socket 0600) named in the owner
  file (`<db>.owner`, 0600) with a random token that each request must carry.
* Protocol: one JSON line `{"token", "sql", "params", "sync"}` (`sync`: store the inbox first, for a reader that
  has just handed batches over); the answer is a JSON line `{"ok": true, "columns": [...]}`,
  then the rows in JSON lines of up to `CHUNK` rows each, then `{"end": rows}` (or `{"ok": false, "error": ...}`).
  Values that JSON has no type for travel tagged (`{"$t": "2026-12-06T08:00:00+00:00"}` and so on) and come back as
  the same Python values DuckDB would have returned.
* Only reads: every statement must be a SELECT; it runs in `BEGIN TRANSACTION READ ONLY` on a fresh cursor (no lock
  held: the app's own requests and writes go on meanwhile); table functions that read files or the network and
  file-path table names are refused, as is `getenv` (the app's environment holds its secrets).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import socketserver
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb

from .owner_client import ReadRefused, _decode, _encode

log = logging.getLogger(__name__)

CHUNK = 2_000  # rows per JSON line
MAX_REQUEST = 1 << 20  # bytes of one request line
ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest", "match_bm25"})
REFUSED_FUNCTIONS = frozenset({"getenv"})


def socket_path(db: str | Path) -> Path:
    """A short path (Unix socket paths are limited to ~107 bytes) in a folder only this user can enter."""
    folder = Path(tempfile.gettempdir()) / f"pantau-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    digest = hashlib.sha256(str(Path(db).resolve()).encode()).hexdigest()[:20]
    return folder / f"{digest}.sock"


# -- what may be read --------------------------------------------------------------------------------------------


def check_read(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but SELECTs of the database's own tables and views."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadRefused(str(exc)) from None
    if not statements:
        raise ReadRefused("no SQL given")
    for st in statements:
        if st.type != duckdb.StatementType.SELECT:
            raise ReadRefused(f"only reads are answered while the triage app owns the database, not "
                              f"{st.type.name}")
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [st.query]).fetchone()[0])
        if tree.get("error"):
            raise ReadRefused(tree.get("error_message") or "not a plain SELECT")
        for kind, name in _references(tree):
            if kind == "table_function" and name not in ALLOWED_TABLE_FUNCTIONS:
                raise ReadRefused(f"{name}() reads outside the database: refused")
            if kind == "function" and name in REFUSED_FUNCTIONS:
                raise ReadRefused(f"{name}() is refused")
            if kind == "table" and any(c in name for c in "/\\:.") :
                raise ReadRefused(f"{name!r} is not a table of the database: files are refused")


def _references(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if node.get("type") == "TABLE_FUNCTION" and isinstance(node.get("function"), dict):
            yield "table_function", str(node["function"].get("function_name", "")).lower()
        elif node.get("class") == "FUNCTION":
            yield "function", str(node.get("function_name", "")).lower()
        elif node.get("type") == "BASE_TABLE":
            yield "table", str(node.get("table_name", ""))
        for v in node.values():
            yield from _references(v)
    elif isinstance(node, list):
        for v in node:
            yield from _references(v)


# -- server (in the owner) ---------------------------------------------------------------------------------------


class OwnerServer:
    """Answers read requests on `con` (the owner's long-lived connection) until `stop()`."""

    def __init__(self, db: str | Path, con: duckdb.DuckDBPyConnection, *, sync: Callable[[], Any] | None = None):
        self.path = socket_path(db)
        self.token = os.urandom(32).hex()
        self._con = con
        self._sync = sync  # stores the inbox's batches before a read that asks for it (the reader handed some over)
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                server._handle(self.rfile, self.wfile)

        self.path.unlink(missing_ok=True)
        old_umask = os.umask(0o177)  # the socket is born 0600
        try:
            self._server = socketserver.ThreadingUnixStreamServer(str(self.path), Handler)
        finally:
            os.umask(old_umask)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="pantau-owner-api", daemon=True)

    def start(self) -> "OwnerServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.path.unlink(missing_ok=True)

    def _handle(self, rfile, wfile) -> None:
        def send(obj: Any) -> None:
            wfile.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")

        try:
            line = rfile.readline(MAX_REQUEST + 1)
            if len(line) > MAX_REQUEST:
                raise ReadRefused("request too large")
            request = json.loads(line or b"{}")
            if not hmac.compare_digest(str(request.get("token", "")), self.token):
                raise PermissionError("wrong or missing token")
            sql, params = str(request.get("sql") or ""), request.get("params") or []
            if request.get("sync") and self._sync is not None:
                self._sync()
            cur = self._con.cursor()
        except (ValueError, PermissionError) as exc:
            send({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            return
        try:
            cur.execute("SET python_enable_replacements = false")  # no Python variables of this process as tables
            check_read(cur, sql)
            cur.execute("BEGIN TRANSACTION READ ONLY")
            result = cur.execute(sql, [_decode(p) for p in params])
            columns = [d[0] for d in result.description] if result.description else []
            send({"ok": True, "columns": columns})
            total = 0
            while columns:
                rows = result.fetchmany(CHUNK)
                if not rows:
                    break
                total += len(rows)
                send([[_encode(v) for v in row] for row in rows])
            send({"end": total})
        except (ReadRefused, duckdb.Error) as exc:
            send({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        except (BrokenPipeError, ConnectionResetError):  # the reader went away (Ctrl-C): nothing to answer
            pass
        finally:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass
            cur.close()


