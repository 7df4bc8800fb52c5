"""The connection to pantau's DuckDB file: opening it (with backoff while another process holds it), who owns it,
the schema, and the one `transaction()` every write runs in.

A DuckDB file opened read-write locks out every other process, even readers, so a Store either opens the file per
operation (CLI jobs, flows, tests) or one process owns it for its whole life (the triage app, see ownership.py).
`Connection` is the base of `Store` (store/db.py), which adds one class per concern.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import duckdb

from . import owner_api
from . import owner_client
from .errors import StoreBusy, StoreError
from .clusters import backfill_clusters
from .owner_client import live_owner, owner_info
from .queue_items import _refresh_queue_items
from .search import fill_search_docs, stash_keyless_search_docs

log = logging.getLogger(__name__)

SCHEMA_VERSION = "3"  # 3: posts.kind, author_verified, author_location, shared_from, media
STORAGE_VERSION = "v1.2.0"  # DuckDB storage format of new database files (readable by DuckDB >= 1.2)
# One DuckDB database may be open in one configuration per process (read-only and read-write connections to the
# same file conflict), so connections from threads of one process take turns; other processes are waited for.
_PATH_LOCKS: dict[str, threading.RLock] = {}
_PATH_LOCKS_GUARD = threading.Lock()
# The long-lived connection of a Store that owns its file (see Store.own), shared by every Store of this process
# for that file: DuckDB refuses a second connection with another configuration (e.g. read-only) in one process.
_OWNED: dict[str, duckdb.DuckDBPyConnection] = {}


def _path_lock(path: Path, turn: str = "") -> threading.RLock:
    """The lock of `path`'s writers (`turn` ''), or of its posts' writers (`turn` 'posts', see Store.transaction)."""
    key = str(path.resolve()) + ("\0" + turn if turn else "")
    with _PATH_LOCKS_GUARD:
        return _PATH_LOCKS.setdefault(key, threading.RLock())


@contextmanager
def _all_turns(path: Path) -> Iterator[None]:
    """Both writers' turns, in the one order (see Store._write_turn): nothing may write beside the block."""
    with _path_lock(path), _path_lock(path, "posts"):
        yield


def inbox_dir(db: str | Path) -> Path:
    """`<db>.inbox/`: batches other processes hand to the owner; `failed/` keeps files that could not be read."""
    db = Path(db)
    return db.with_name(db.name + ".inbox")


def snapshot_file(db: str | Path) -> Path:
    """`<db>.snapshot.duckdb`: the owner's latest copy of the database for other processes' reads."""
    db = Path(db)
    return db.with_name(db.name + ".snapshot.duckdb")


class Rollback(Exception):
    """Raised inside a `transaction()` block to undo it quietly: its writes are rolled back and no error follows
    (a dry run, a chunk of lines left to the Python path)."""


def schema_sql() -> str:
    return resources.files("pantau.store").joinpath("schema.sql").read_text(encoding="utf-8")


def _is_lock_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg and ("conflicting" in msg or "could not set" in msg)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT on `con`, the one way the store writes (Store.transaction, the DuckLake store).

    An error in the block rolls it back and goes on (the block's error, even when the ROLLBACK fails too: after a
    COMMIT that failed, DuckDB has no transaction left); `Rollback` rolls it back quietly."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except Rollback:
        con.execute("ROLLBACK")
    except BaseException:
        with suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def wal_left(path: str | Path) -> bool:
    """The file's write-ahead log is not empty: the last process that wrote the file did not close it (killed,
    crashed, power cut), and the next open replays the log."""
    try:
        return os.stat(f"{path}.wal").st_size > 0
    except FileNotFoundError:
        return False


def rebuild_indexes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop and create again every index made by CREATE INDEX (primary keys are not among them), from the tables'
    rows; returns their names. Needed after a replayed write-ahead log (see `connect_waiting`). Each index in its own
    statement: DROP and CREATE of a damaged index in one explicit transaction crashed DuckDB 1.5.5 ("pure virtual
    method called")."""
    indexes = con.execute("SELECT index_name, sql FROM duckdb_indexes() "
                          "WHERE database_name = current_database() AND sql IS NOT NULL AND NOT is_primary").fetchall()
    for name, sql in indexes:
        con.execute(f'DROP INDEX "{name}"')
        con.execute(sql)
    return [name for name, _ in indexes]


def _open_repairing(path: Path, read_only: bool, config: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, repairing the file's indexes first when a killed writer left a write-ahead log.

    DuckDB 1.5.5 replays such a log into the tables and indexes, but when the instance that replayed it is closed
    without an explicit CHECKPOINT, the rows the log added are missing from every CREATE INDEX index (primary keys
    keep them). Measured on files of a killed `Store.save_classifications` (issue 21): after the reopen, deleting
    those rows from queue_items fails at COMMIT ("Failed to delete all rows from index. Only deleted 220 out of 265
    rows"), which invalidates the database, and lookups through the index miss them. So the log is replayed by a
    read-write connection that rebuilds the indexes from the rows and checkpoints before anything else runs; a
    reader then opens the repaired file."""
    if wal_left(path):
        try:
            repair = duckdb.connect(str(path), config=config if not read_only else {})
        except duckdb.IOException as exc:
            if not read_only or _is_lock_error(exc):
                raise
            log.warning("%s: cannot open it read-write to repair it after a crash (%s); reading it as it is", path, exc)
            return duckdb.connect(str(path), read_only=True, config=config)
        try:
            rebuilt = rebuild_indexes(repair)
            repair.execute("CHECKPOINT")
        except BaseException:
            repair.close()
            raise
        if rebuilt:
            log.warning("%s: a write-ahead log left by a process that did not close the file was replayed; "
                        "indexes rebuilt: %s", path, ", ".join(rebuilt))
        if not read_only:
            return repair
        repair.close()
    return duckdb.connect(str(path), read_only=read_only, config=config)


def connect_waiting(path: Path, *, read_only: bool, lock_timeout: float, owned: Callable[[int], StoreBusy],
                    config: dict[str, Any] | None = None, db: Path | None = None) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect(path)`, tried again with backoff while another process holds the file's lock, for up to
    `lock_timeout` seconds; a live owner of `db` (default `path`) keeps the file until it stops, so then waiting
    would not help: `owned(pid)` is raised at once. A file left with a write-ahead log by a killed writer has its
    indexes rebuilt first (`_open_repairing`)."""
    deadline = time.monotonic() + lock_timeout
    delay = 0.02
    while True:
        try:
            return _open_repairing(path, read_only, config or {})
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc):
                raise
            owner = live_owner(db or path)
            if owner is not None:
                raise owned(owner) from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(f"{path} stayed locked by another process for {lock_timeout:.0f}s") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """The rows of a query as dicts (column name -> value)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


class Reads:
    """Reads built on `query()`, shared by Store and the DuckLake store (store/lake.py)."""

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        rows = self.query(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def counts(self) -> dict[str, int]:
        row = self.query(
            """SELECT (SELECT count(*) FROM posts) AS posts,
                      (SELECT count(*) FROM latest_classification) AS classified,
                      (SELECT count(*) FROM latest_classification WHERE flagged) AS flagged,
                      (SELECT count(*) FROM triage_queue) AS queue,
                      (SELECT count(*) FROM decisions) AS decisions"""
        )[0]
        return {k: int(v) for k, v in row.items()}


class Connection(Reads):
    """The database file, its connections and transactions (the base of `Store`)."""

    def __init__(self, path: str | Path, *, lock_timeout: float = 30.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._initialised = False
        self._local = threading.local()
        self._owner_con: duckdb.DuckDBPyConnection | None = None
        self._handed_over_ns = 0  # when this Store last wrote a batch into the owner's inbox
        self._synced_ns = 0  # when this Store last read through the owner after asking it to drain its inbox
        self._api: owner_api.OwnerServer | None = None  # the read API while this process owns the file
        self._drain_lock = threading.Lock()

    # -- connections -----------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[None]:
        """Share one connection among all Store calls of this thread inside the block.

        Opening a DuckDB file costs far more than a query on it, so a web request opens it once; the file is
        still held only for the length of the block, so other processes (flows) get their turn in between. In the
        owning process the session is a cursor of the owner's connection, and holds no lock: its reads run beside
        the other threads' write transactions (DuckDB's MVCC), its writes take turns (`connect`, `transaction`).
        """
        if getattr(self._local, "con", None) is not None:
            yield
            return
        owned = self._owned_con()
        if owned is not None:
            cur = owned.cursor()
            self._local.con, self._local.shared = cur, True
            try:
                yield
            finally:
                self._local.con, self._local.shared = None, False
                cur.close()
            return
        with self.connect() as con:
            self._local.con = con
            try:
                yield
            finally:
                self._local.con = None

    def _owned_con(self) -> duckdb.DuckDBPyConnection | None:
        """The owner's long-lived connection when this process owns the file (see Store.own), else None."""
        return self._owner_con or _OWNED.get(str(self.path.resolve()))

    @contextmanager
    def _write_turn(self, *, posts: bool = False) -> Iterator[None]:
        """In the owning process, writes take turns (the path's lock) so write transactions never conflict; a file
        connection of this thread already holds the lock for its life (`connect`). The posts' writers (ingest,
        retention) take another turn, `posts`: see `transaction`. Who takes both takes them in this order: the
        writers' turn, then the posts' turn (a purge, a CHECKPOINT, closing the owner's connection)."""
        if self._owned_con() is None:
            yield
            return
        with _path_lock(self.path, "posts" if posts else ""):
            yield

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; waits (with backoff) while another process holds the file.

        Inside `session()` the session's connection is reused (and not closed here). In the owning process each
        block gets a cursor of the owner's connection; unless `read_only`, the block takes its turn with the other
        writers of this process (the path's lock) for its whole length, so a read-then-write in it stays atomic."""
        held = getattr(self._local, "con", None)
        if held is not None:
            if read_only or not getattr(self._local, "shared", False):
                yield held
            else:
                with self._write_turn():
                    yield held
            return
        owned = self._owned_con()
        if owned is not None:
            # One database instance for the process's life; each caller gets its own cursor (own transaction and
            # temp tables). Reads need no turn: DuckDB's MVCC shows each its own consistent view.
            cur = owned.cursor()
            try:
                if read_only:
                    yield cur
                else:
                    with self._write_turn():
                        yield cur
            finally:
                cur.close()
            return
        if read_only and live_owner(self.path) is not None:
            # the triage app keeps the file open read-write, which locks out even readers: read its snapshot
            con = duckdb.connect(str(self.snapshot_for_reading()), read_only=True)
            try:
                yield con
            finally:
                con.close()
            return
        if not read_only:
            owner = live_owner(self.path)
            if owner is not None:  # never write behind the owner's back, even if the file's lock were lost
                raise self._owned_by(owner)
        if not self._initialised and not read_only:
            self._initialised = True
            self.init()
        with _path_lock(self.path):
            con = self._open(read_only=read_only)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def before_writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for work that prepares a write (temp tables, reads) before its `transaction(con)`: in the
        owning process a cursor that leaves the other writers alone until that transaction takes its turn;
        elsewhere `connect()`."""
        with self.connect(read_only=self._owned_con() is not None) as con:
            yield con

    def _open(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        return connect_waiting(self.path, read_only=read_only, lock_timeout=self.lock_timeout, owned=self._owned_by)

    def _owned_by(self, owner: int) -> StoreBusy:
        return StoreBusy(f"{self.path} is owned by the running triage app (process {owner}); posts and classifier "
                         "results are handed to it, other jobs need it stopped first")

    def init(self) -> None:
        """Create the schema if needed (idempotent)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._initialised = True
        if not self.path.exists() and self._owner_con is None:
            # New files get storage version v1.2.0 (kept in the file; later connections need no option): it lets
            # raw_payloads.raw use ZSTD, which also compresses payloads over ~4 KB (article pages), see schema.sql.
            with _path_lock(self.path):
                duckdb.connect(str(self.path), config={"storage_compatibility_version": STORAGE_VERSION}).close()
        with self.connect() as con:
            if con.execute(  # databases made when every post kept one; before the schema's index on the table,
                    # which DuckDB's ALTER refuses ("entries that depend on it")
                    "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND "
                    "table_name = 'post_clusters' AND column_name = 'signature' AND NOT is_nullable").fetchone()[0]:
                con.execute("ALTER TABLE post_clusters ALTER COLUMN signature DROP NOT NULL")
            stash_keyless_search_docs(con)
            con.execute(schema_sql())
            con.execute(
                "INSERT OR REPLACE INTO schema_info VALUES ('schema_version', ?)", [SCHEMA_VERSION]
            )
            # Databases from schema 1 get their queue_items filled once.
            if con.execute("SELECT count(*) FROM queue_items").fetchone()[0] == 0 and con.execute(
                "SELECT count(*) FROM classifications WHERE flagged"
            ).fetchone()[0]:
                _refresh_queue_items(con, None)
            with transaction(con):
                fill_search_docs(con)
            backfill_clusters(con, transaction)  # posts stored before clusters existed (store/clusters.py)

    @contextmanager
    def transaction(self, con: duckdb.DuckDBPyConnection | None = None, *,
                    posts: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """`transaction(con)` on `con` (a connection of this Store already open) or on a new one from `connect()`.

        `posts`: a transaction that stores posts (their rows, payloads, watchlists and clusters) on `con` from
        `before_writing()`. In the owning process it takes the posts' turn instead of the writers' turn: no other
        writer touches those tables (a purge takes both turns), so a reviewer's claim or decision commits beside
        an inbox batch being stored (DuckDB's MVCC) instead of waiting for it (0.33 s a 10,000-post batch at 10M
        posts). Nested in the writers' turn (a `connect()` block) it takes both, in the one order."""
        if con is not None:
            with self._write_turn(posts=posts), transaction(con):
                yield con
            return
        with self.connect() as new, self._write_turn(posts=posts), transaction(new):
            yield new

    # -- reads -----------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read query on a short-lived read-only connection; rows as dicts. While another process owns the
        file, it answers the query (store/owner_api.py): it sees everything handed over before."""
        if not self.path.exists():
            self.init()
        if self._owner_con is None and getattr(self._local, "con", None) is None:
            info = owner_info(self.path)
            if info is not None:
                try:  # after a hand-over, the owner first stores what is in its inbox
                    asked_ns = time.time_ns()
                    columns, rows = owner_client.read(info, sql, params, sync=self._handed_over_ns > self._synced_ns)
                    self._synced_ns = asked_ns
                    return [dict(zip(columns, row)) for row in rows]
                except owner_client.OwnerUnavailable:  # an owner without the API (older pantau): its snapshot
                    pass
                except (owner_client.ReadRefused, owner_client.OwnerReadError) as exc:
                    raise StoreError(str(exc)) from None
        with self.connect(read_only=True) as con:
            return fetch_dicts(con, sql, params)
