"""The single write path to pantau's DuckDB file.

Every INSERT/UPDATE in the project goes through `Store`. Connections are
short-lived: a DuckDB file opened read-write locks out every other process, so
each operation opens, works and closes, retrying for a while when another
process holds the lock (e.g. a flow ingesting while the triage app reads).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb

from pantau.post import Post, format_time, utcnow

SCHEMA_VERSION = "1"
DECISIONS = ("violation", "not_violation", "needs_info", "duplicate")
FINAL_DECISIONS = ("violation", "not_violation", "duplicate")
BATCH_SIZE = 50_000

# read_json column types for the staging file written by _stage_posts().
_POST_COLUMNS = {
    "platform": "VARCHAR",
    "post_id": "VARCHAR",
    "url": "VARCHAR",
    "text": "VARCHAR",
    "created_at": "TIMESTAMPTZ",
    "author_id": "VARCHAR",
    "author_handle": "VARCHAR",
    "author_name": "VARCHAR",
    "author_bio": "VARCHAR",
    "lang": "VARCHAR",
    "region": "VARCHAR",
    "captured_at": "TIMESTAMPTZ",
    "raw_sha256": "VARCHAR",
    "raw": "VARCHAR",
}


class StoreError(RuntimeError):
    pass


class StoreBusy(StoreError):
    """Another process kept the database locked for longer than the retry budget."""


@dataclass(frozen=True)
class IngestResult:
    received: int  # posts handed to ingest()
    new: int  # rows added to `posts`
    already_known: int  # posts that were stored before (captured_at kept)


def schema_sql() -> str:
    return resources.files("pantau.store").joinpath("schema.sql").read_text(encoding="utf-8")


def _is_lock_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg and ("conflicting" in msg or "could not set" in msg)


class Store:
    """pantau's DuckDB database: schema, ingest, classifier results, decisions."""

    def __init__(self, path: str | Path, *, lock_timeout: float = 30.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._initialised = False

    # -- connections -----------------------------------------------------------------

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; waits (with backoff) while another process holds the file."""
        if not self._initialised and not read_only:
            self._initialised = True
            self.init()
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except (duckdb.IOException, duckdb.ConnectionException) as exc:
                if not _is_lock_error(exc) or time.monotonic() >= deadline:
                    if _is_lock_error(exc):
                        raise StoreBusy(f"{self.path} stayed locked by another process for {self.lock_timeout:.0f}s") from exc
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        try:
            yield con
        finally:
            con.close()

    def init(self) -> None:
        """Create the schema if needed (idempotent)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._initialised = True
        with self.connect() as con:
            con.execute(schema_sql())
            con.execute(
                "INSERT OR REPLACE INTO schema_info VALUES ('schema_version', ?)", [SCHEMA_VERSION]
            )

    # -- writes ----------------------------------------------------------------------

    def ingest(self, posts: Iterable[Post], *, now: datetime | None = None) -> IngestResult:
        """Store posts; a post already stored keeps its row and its first captured_at.

        Streams in batches, so memory stays bounded for any input size.
        """
        now = now or utcnow()
        received = new = 0
        batch: list[Post] = []
        for post in posts:
            batch.append(post)
            if len(batch) >= BATCH_SIZE:
                new += self._ingest_batch(batch, now)
                received += len(batch)
                batch = []
        if batch:
            new += self._ingest_batch(batch, now)
            received += len(batch)
        return IngestResult(received=received, new=new, already_known=received - new)

    def _ingest_batch(self, batch: Sequence[Post], now: datetime) -> int:
        with _staged(batch, now) as staging, self.connect() as con:
            cols = ", ".join(f"'{k}': '{v}'" for k, v in _POST_COLUMNS.items())
            con.execute("BEGIN")
            try:
                con.execute(
                    f"""CREATE TEMP TABLE staging AS
                    SELECT * FROM read_json(?, format='newline_delimited', columns={{{cols}}})
                    QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY captured_at) = 1""",
                    [str(staging)],
                )
                before = con.execute("SELECT count(*) FROM posts").fetchone()[0]
                con.execute(
                    """INSERT OR IGNORE INTO posts
                    SELECT platform, post_id, url, text, created_at, author_id, author_handle, author_name,
                           author_bio, lang, region, captured_at, raw_sha256, ?::TIMESTAMPTZ
                    FROM staging""",
                    [now],
                )
                con.execute(
                    """INSERT OR IGNORE INTO raw_payloads
                    SELECT platform, post_id, raw_sha256, raw FROM staging
                    WHERE raw IS NOT NULL AND raw_sha256 IS NOT NULL"""
                )
                after = con.execute("SELECT count(*) FROM posts").fetchone()[0]
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return after - before

    def save_classifications(self, results: Iterable[dict[str, Any]], *, now: datetime | None = None) -> int:
        """Store classifier results; re-classifying with the same model version replaces the row."""
        now = now or utcnow()
        rows = [
            (
                r["platform"],
                r["post_id"],
                r["model_version"],
                float(r["score"]),
                bool(r["flagged"]),
                r.get("category"),
                json.dumps(r.get("signals", []), ensure_ascii=False),
                now,
            )
            for r in results
        ]
        if not rows:
            return 0
        with self.connect() as con:
            con.execute("BEGIN")
            con.executemany("INSERT OR REPLACE INTO classifications VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            con.execute("COMMIT")
        return len(rows)

    def record_decision(
        self,
        platform: str,
        post_id: str,
        decision: str,
        *,
        reviewer: str,
        reason: str | None = None,
        duplicate_of: str | None = None,
        now: datetime | None = None,
    ) -> int:
        """Append a reviewer decision and return its id."""
        if decision not in DECISIONS:
            raise StoreError(f"unknown decision {decision!r}; expected one of {', '.join(DECISIONS)}")
        if not reviewer or not reviewer.strip():
            raise StoreError("a decision needs a reviewer")
        if decision == "duplicate" and not duplicate_of:
            raise StoreError("a 'duplicate' decision needs duplicate_of")
        with self.connect() as con:
            exists = con.execute(
                "SELECT count(*) FROM posts WHERE platform = ? AND post_id = ?", [platform, post_id]
            ).fetchone()[0]
            if not exists:
                raise StoreError(f"no post {platform}/{post_id}")
            row = con.execute(
                """INSERT INTO decisions (platform, post_id, decision, reason, duplicate_of, reviewer, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING decision_id""",
                [platform, post_id, decision, reason, duplicate_of, reviewer.strip(), now or utcnow()],
            ).fetchone()
        return int(row[0])

    # -- reads -----------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read query on a short-lived read-only connection; rows as dicts."""
        if not self.path.exists():
            self.init()
        with self.connect(read_only=True) as con:
            cur = con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

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


@contextmanager
def _staged(batch: Sequence[Post], now: datetime) -> Iterator[Path]:
    """Write a batch as flat JSON Lines for DuckDB's read_json (fast bulk path)."""
    fd, name = tempfile.mkstemp(prefix="pantau-ingest-", suffix=".jsonl")
    captured_default = format_time(now)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for p in batch:
                a = p.author
                rec = {
                    "platform": p.platform,
                    "post_id": p.post_id,
                    "url": p.url,
                    "text": p.text,
                    "created_at": format_time(p.created_at),
                    "author_id": a.id,
                    "author_handle": a.handle,
                    "author_name": a.name,
                    "author_bio": a.bio,
                    "lang": p.lang,
                    "region": p.region,
                    "captured_at": format_time(p.captured_at) or captured_default,
                    "raw_sha256": p.raw_sha256,
                    "raw": p.raw,
                }
                fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
                fh.write("\n")
        yield Path(name)
    finally:
        os.unlink(name)
