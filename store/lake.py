"""DuckLake store: pantau's tables and views in a DuckLake, for many writers on one or several machines.

A DuckDB file admits one writing process at a time (see docs/store.md, "Concurrency"). When crawls and classifier
runs on several machines, or several processes on one, must write at once, the store can be a DuckLake instead:
the catalog lives in a database that many clients share (SQLite on one machine, PostgreSQL across machines) and the
data in Parquet files under a data path (local disk or object storage). Targets are written as

    ducklake:sqlite:/srv/pantau/catalog.sqlite                     data in /srv/pantau/catalog.sqlite.files/
    ducklake:postgres:dbname=pantau host=10.0.0.5 user=pantau      data path from PANTAU_LAKE_DATA when created

(a PostgreSQL password comes from the environment, PGPASSWORD or ~/.pgpass, never from the target). The schema is
store/schema.sql with what DuckLake does not have removed (primary keys, CHECK constraints, sequences, indexes):
same tables, columns and views. The keys are kept by the write path instead:

* `ingest()` adds a post only if its (platform, post_id) is not stored yet, raw payloads by (platform, post_id,
  raw_sha256), watchlist rows by (platform, post_id, watchlist);
* `save_classifications()` replaces the row of the same (platform, post_id, model_version).

Each such write is one transaction that also updates the one-row table `lake_writes`. DuckLake lets concurrent
inserts into a table commit side by side (they would duplicate a post two writers both found new), but two
transactions that update the same table conflict: the later one fails to commit, is rolled back and run again on the
newer snapshot, where it sees the other writer's rows. So concurrent writers never duplicate a key, and the Parquet
writing itself still happens in parallel. Triage (claims, decisions, the audit trail) stays on a DuckDB file owned by
the app; the lake is for ingestion at scale and for analysts (`pantau sql`, the analyst views).
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb

from pantau.post import Post, utcnow

from .connection import Reads, SCHEMA_VERSION, StoreBusy, StoreError, fetch_dicts, schema_sql, transaction
from .db import Store
from .extensions import load_extension
from .ingest import BATCH_SIZE, IngestResult, ingest_file_as_posts
from .results import _STAGED_RESULTS_SQL, _staged_results, result_rows
from .staging import _POST_COLUMNS, _STORED_COLUMNS, _staged

PREFIX = "ducklake:"
DATA_ENV = "PANTAU_LAKE_DATA"
CATALOG_KINDS = {"sqlite": "sqlite", "postgres": "postgres"}  # catalog kind -> DuckDB extension that reaches it
LAKE_TABLES = ("lake_writes",)  # lake-only: the conflict token of the write path (see the module docstring)


def is_lake(target: str | os.PathLike[str]) -> bool:
    return str(target).startswith(PREFIX)


def open_store(target: str | os.PathLike[str], **kwargs: Any) -> Store | "LakeStore":
    """The store a `--db` value names: a DuckLake for `ducklake:...`, else the DuckDB file at that path."""
    return LakeStore(str(target), **kwargs) if is_lake(target) else Store(target, **kwargs)


@dataclass(frozen=True)
class LakeTarget:
    kind: str        # sqlite or postgres
    catalog: str     # the SQLite file, or the libpq connection string
    data_path: str | None  # None: an existing lake's own (only a new PostgreSQL-catalog lake needs it given)

    @classmethod
    def parse(cls, target: str, data_path: str | None = None) -> "LakeTarget":
        if not is_lake(target):
            raise StoreError(f"{target!r} is not a DuckLake target (expected ducklake:sqlite:PATH or "
                             "ducklake:postgres:CONNINFO)")
        kind, sep, catalog = target[len(PREFIX):].partition(":")
        if not sep or kind not in CATALOG_KINDS or not catalog.strip():
            raise StoreError(f"{target!r}: expected ducklake:sqlite:PATH or ducklake:postgres:CONNINFO")
        if re.search(r"(?i)\bpassword\s*=", catalog):
            raise StoreError("a DuckLake target must not carry a password: set PGPASSWORD (or use ~/.pgpass)")
        data = data_path or os.environ.get(DATA_ENV)
        if kind == "sqlite":
            catalog = str(Path(catalog).expanduser().resolve())
            data = data or catalog + ".files"
        if data and "://" not in data:  # local disk: absolute, with the trailing slash DuckLake expects
            data = str(Path(data).expanduser().resolve())
        return cls(kind, catalog, data.rstrip("/") + "/" if data else None)

    def attach_sql(self, *, read_only: bool = False) -> str:
        """ATTACH the lake as `lake`. Without a data path, an existing lake uses the one kept in its catalog."""
        options = [f"DATA_PATH {_literal(self.data_path)}"] if self.data_path else []
        options += ["READ_ONLY"] if read_only else []
        return (f"ATTACH {_literal(PREFIX + self.kind + ':' + self.catalog)} AS lake"
                + (f" ({', '.join(options)})" if options else ""))

    @property
    def local_data(self) -> bool:
        return bool(self.data_path) and "://" not in self.data_path


def lake_schema_sql() -> str:
    """store/schema.sql without what DuckLake lacks: keys, CHECK constraints, sequences, indexes, forced compression
    (a lake never clusters, so post_clusters stays empty there)."""
    sql = schema_sql()
    sql = re.sub(r"^\s*CREATE (SEQUENCE|INDEX) [^;]*;\s*$", "", sql, flags=re.M)
    sql = re.sub(r",([ \t]*--[^\n]*)?\s*\n\s*PRIMARY KEY \([^)]*\)", r"\1", sql)
    sql = re.sub(r" PRIMARY KEY", "", sql)
    sql = re.sub(r" UNIQUE\b", "", sql)
    sql = re.sub(r" DEFAULT nextval\('[a-z_]+'\)", "", sql)
    sql = re.sub(r" CHECK \((?:[^()]|\([^()]*\))*\)", "", sql)
    sql = sql.replace(" USING COMPRESSION zstd", "")
    return sql + "\nCREATE TABLE IF NOT EXISTS lake_writes (n BIGINT NOT NULL);\n"


class LakeStore(Reads):
    """pantau's store in a DuckLake: schema, ingest, classifier results, read queries (many writers at once)."""

    def __init__(self, target: str, *, data_path: str | None = None, retry_timeout: float = 120.0,
                 lock_timeout: float | None = None):
        self.target = LakeTarget.parse(target, data_path)
        self.path = target  # what the CLI and flows print
        self.retry_timeout = retry_timeout
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.RLock()
        self._initialised = False
        self.conflicts = 0  # transactions run again after losing to a concurrent writer

    # -- connection --------------------------------------------------------------------

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """This store's connection (opened once: attaching the catalog costs far more than a query)."""
        with self._lock:
            if self._con is None:
                self._con = self._attach()
            cur = self._con.cursor()
            try:
                cur.execute("USE lake")
                yield cur
            finally:
                cur.close()

    def _attach(self, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        try:
            load_extension(con, CATALOG_KINDS[self.target.kind])
            load_extension(con, "ducklake")
            if self.target.kind == "sqlite" and not read_only:
                Path(self.target.catalog).parent.mkdir(parents=True, exist_ok=True)
                _sqlite_wal(self.target.catalog)
            if self.target.local_data and not read_only:
                Path(self.target.data_path).mkdir(parents=True, exist_ok=True)
            sql = self.target.attach_sql(read_only=read_only)
            self._retry(lambda: con.execute(sql))
        except duckdb.Error as exc:
            con.close()
            hint = ""
            if self.target.data_path is None and "data_path" in str(exc).lower():
                hint = f" (a new lake needs its data folder or object storage URL: set {DATA_ENV})"
            raise StoreError(f"cannot open the DuckLake {self.path}: {exc}{hint}") from exc
        return con

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def __enter__(self) -> "LakeStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------

    def init(self) -> None:
        """Create the tables and views once (idempotent; safe when several writers start at the same moment)."""
        if self._initialised:
            return
        with self.connect() as con:
            if self._schema_version(con) != SCHEMA_VERSION:
                def apply() -> None:
                    with transaction(con):
                        con.execute(lake_schema_sql())
                        if not con.execute("SELECT count(*) FROM lake_writes").fetchone()[0]:
                            con.execute("INSERT INTO lake_writes VALUES (0)")
                        con.execute("DELETE FROM schema_info WHERE key = 'schema_version'")
                        con.execute("INSERT INTO schema_info VALUES ('schema_version', ?)", [SCHEMA_VERSION])

                self._retry(apply, done=lambda: self._schema_version(con) == SCHEMA_VERSION)
        self._initialised = True

    @staticmethod
    def _schema_version(con: duckdb.DuckDBPyConnection) -> str | None:
        try:
            row = con.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            return None
        return row[0] if row else None

    # -- writes ------------------------------------------------------------------------

    def ingest(self, posts: Iterable[Post], *, now: datetime | None = None, watchlist: str | None = None) -> IngestResult:
        """Store posts; a post already stored keeps its row and first captured_at. Streams in batches."""
        self.init()
        now = now or utcnow()
        received = new = 0
        batch: list[Post] = []
        for post in posts:
            batch.append(post)
            if len(batch) >= BATCH_SIZE:
                new += self._ingest_batch(batch, now, watchlist)
                received += len(batch)
                batch = []
        if batch:
            new += self._ingest_batch(batch, now, watchlist)
            received += len(batch)
        return IngestResult(received=received, new=new, already_known=received - new)

    def _ingest_batch(self, batch: Sequence[Post], now: datetime, watchlist: str | None) -> int:
        cols = ", ".join(f"'{k}': '{v}'" for k, v in _POST_COLUMNS.items())
        with _staged(batch, now, watchlist) as staging, self.connect() as con:
            def write() -> int:
                with transaction(con):
                    con.execute("UPDATE lake_writes SET n = n + 1")  # the conflict token: see the module docstring
                    con.execute(
                        f"""CREATE OR REPLACE TEMP TABLE staging AS
                        SELECT * FROM read_json(?, format='newline_delimited', columns={{{cols}}})
                        QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY captured_at) = 1""",
                        [str(staging)],
                    )
                    new = con.execute(
                        f"""INSERT INTO posts ({", ".join(_STORED_COLUMNS)}, ingested_at)
                        SELECT {", ".join("s." + c for c in _STORED_COLUMNS)}, ?::TIMESTAMPTZ
                        FROM temp.main.staging s ANTI JOIN posts p USING (platform, post_id)""",
                        [now],
                    ).fetchone()[0]
                    con.execute(
                        """INSERT INTO raw_payloads
                        SELECT s.platform, s.post_id, s.raw_sha256, s.raw FROM temp.main.staging s
                        ANTI JOIN raw_payloads r USING (platform, post_id, raw_sha256)
                        WHERE s.raw IS NOT NULL AND s.raw_sha256 IS NOT NULL"""
                    )
                    con.execute(
                        """INSERT INTO post_watchlists
                        SELECT s.platform, s.post_id, s.watchlist, s.captured_at FROM temp.main.staging s
                        ANTI JOIN post_watchlists w USING (platform, post_id, watchlist)
                        WHERE s.watchlist IS NOT NULL"""
                    )
                return int(new)

            return self._retry(write)

    def ingest_file(self, path: str | Path, **kwargs: Any) -> IngestResult:
        """Store the posts of a JSON Lines file (Store.ingest_file's signature; parsed in Python, then `ingest`)."""
        return ingest_file_as_posts(self, path, **kwargs)

    def save_classifications(self, results: Iterable[dict[str, Any]], *, now: datetime | None = None) -> int:
        """Store classifier results; re-classifying with the same model version replaces the row."""
        self.init()
        now = now or utcnow()
        rows = result_rows(results, now)
        if not rows:
            return 0
        with _staged_results(rows) as staged, self.connect() as con:
            def write() -> int:
                with transaction(con):
                    con.execute("UPDATE lake_writes SET n = n + 1")
                    # staged in the catalog's temp schema: one read_json for the batch (the last result of a post and
                    # model version wins)
                    con.execute(f"CREATE OR REPLACE TEMP TABLE incoming AS {_STAGED_RESULTS_SQL}", [now, str(staged)])
                    con.execute(
                        """DELETE FROM classifications c USING temp.main.incoming i
                        WHERE c.platform = i.platform AND c.post_id = i.post_id AND c.model_version = i.model_version"""
                    )
                    con.execute("INSERT INTO classifications BY NAME SELECT * FROM temp.main.incoming")
                return len(rows)

            return self._retry(write)

    def _retry(self, fn, *, done=None):  # noqa: ANN001, ANN202
        """Run `fn` until it commits: a transaction that lost to a concurrent writer (or found the SQLite catalog
        busy) is rolled back and run again, after a randomised, growing pause."""
        deadline = time.monotonic() + self.retry_timeout
        delay = 0.05
        while True:
            try:
                return fn()
            except duckdb.Error as exc:  # transaction() rolled the write back
                if not _is_conflict(exc):
                    raise
                self.conflicts += 1
                if done is not None and done():
                    return None
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"{self.path}: gave up after {self.retry_timeout:.0f}s of write conflicts "
                                    f"({exc})") from exc
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 2.0)

    # -- reads -------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        self.init()
        with self.connect() as con:
            return fetch_dicts(con, sql, params)



def lake_read_only_connection(target: str) -> duckdb.DuckDBPyConnection:
    """The lake attached read-only, with no access to other files (for `pantau sql`): the caller closes it."""
    store = LakeStore(target)
    if store.target.kind == "sqlite" and not Path(store.target.catalog).is_file():
        raise StoreError(f"{target}: no such DuckLake catalog")
    con = store._attach(read_only=True)
    con.execute("USE lake")
    data = store.target.data_path or con.execute(
        "SELECT value FROM __ducklake_metadata_lake.ducklake_metadata WHERE key = 'data_path'").fetchone()[0]
    if "://" not in data:
        con.execute("SET allowed_directories = [?]", [data])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _is_conflict(exc: Exception) -> bool:
    """A lost race with another writer (worth running again), not an error in the statement or the data."""
    msg = str(exc).lower()
    return isinstance(exc, duckdb.TransactionException) or any(
        s in msg for s in ("conflict", "database is locked", "could not serialize", "duplicate key"))


def _sqlite_wal(path: str) -> None:
    """Put a new SQLite catalog in WAL mode (kept in the file): readers then never block the writers."""
    con = sqlite3.connect(path, timeout=30)
    try:
        if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
