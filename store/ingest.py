"""Posts in: `Store.ingest` (Post objects, in batches) and `Store.ingest_file` (a JSON Lines file read by DuckDB,
chunk by chunk, with the Python path for chunks it cannot judge); idempotent, a post keeps its first captured_at."""

from __future__ import annotations

import logging
import os
import tempfile
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Sequence

import duckdb

from pantau.post import JsonlError, Post, format_time, iter_jsonl_posts, line_chunks, time_range, utcnow
from pantau.progress import counted

from .clusters import BatchWork, ChunkWork
from .connection import Rollback
from .connection import inbox_dir
from .staging import (_MAX_STAGED_BYTES, _POST_COLUMNS, _chunk_posts, _file_staging_sql, _insert_staging,
                      _lenient_json, _staged, _staging_line, _temp_prefix, _within_limits, remove_dead_temp_files)

log = logging.getLogger(__name__)

# Posts a transaction stores (a batch of `ingest`, a chunk of lines of `ingest_file`): DuckDB's row group (122,880
# rows). An INSERT that fills a row group writes it to the database file during the transaction, not to the
# write-ahead log to be copied into the file by the checkpoint after the COMMIT (measured, 1M posts of
# bench.ingest_throughput in chunks of 50,000: the COMMITs took 22 s of CPU; in chunks of 200,000: 9 s).
BATCH_SIZE = 122_880
# Posts a batch handed to the owning app holds: the app stores each in one write transaction, which takes the posts'
# writers' turn (reviewers' writes go on beside it) and keeps the batch in memory. Measured at 10M posts: a
# 10,000-post batch 0.33 s in its transaction; a BATCH_SIZE one would hold it about 12 times as long.
HANDOVER_SIZE = 10_000


@dataclass(frozen=True)
class IngestResult:
    received: int  # posts handed to ingest()
    new: int  # rows added to `posts`
    already_known: int  # posts that were stored before (captured_at kept)
    queued: int = 0  # posts handed to the owning process's inbox (it counts them when it ingests them)


class IngestStopped(JsonlError):
    """A bad line stopped an ingest (no skip_invalid): every post of the lines before it is stored (`result`),
    nothing from it on; fixing the line and ingesting the file again resumes it (stored posts are skipped)."""

    def __init__(self, error: JsonlError, result: IngestResult):
        super().__init__(error.path, error.lineno, error.reason)
        self.result = result


class Ingest:
    """Posts in (a part of `Store`)."""

    def ingest(self, posts: Iterable[Post], *, now: datetime | None = None, watchlist: str | None = None) -> IngestResult:
        """Store posts; a post already stored keeps its row and its first captured_at.

        `watchlist` names the watchlist whose crawl found the posts (recorded in post_watchlists, for the queue filter).

        Streams in batches, so memory stays bounded for any input size.
        """
        now = now or utcnow()
        received = new = queued = 0
        inbox = self._inbox_target()
        if inbox is None:
            self._drain_leftovers()
            remove_dead_temp_files()
        batch: list[Post] = []

        def flush() -> None:
            nonlocal new, queued, received
            if inbox is not None:
                self._hand_over(inbox, "posts", (_staging_line(p, format_time(now), watchlist) for p in batch))
                queued += len(batch)
            else:
                new += self._ingest_batch(batch, now, watchlist)
            received += len(batch)

        size = HANDOVER_SIZE if inbox is not None else BATCH_SIZE
        for post in posts:
            batch.append(post)
            if len(batch) >= size:
                flush()
                batch = []
        if batch:
            flush()
        return IngestResult(received=received, new=new, already_known=received - new - queued, queued=queued)

    def ingest_file(self, path: str | Path, *, watchlist: str | None = None, now: datetime | None = None,
                    skip_invalid: bool = False, errors: list[JsonlError] | None = None,
                    progress: Callable[[int], None] | None = None) -> IngestResult:
        """Store the posts of a JSON Lines file: the same rows, result and errors as
        `ingest(iter_jsonl_posts(path, skip_invalid=..., errors=...))`, faster.

        The file is read in chunks of BATCH_SIZE lines; DuckDB reads each chunk itself (read_json) and checks every
        field as Post.from_payload does. A chunk DuckDB cannot read, or with any line that fails a check, goes
        through the Python path (Post.from_payload, JsonlError with the line number in `path`), as does one with a
        line that may exceed a limit (MAX_POST_BYTES, MAX_DEPTH). A bad line (without skip_invalid) raises
        IngestStopped once the posts of the lines before it are stored. When another
        process owns the database, the posts go to its inbox as with `ingest()`. `progress(lines)` is called
        after each chunk with the lines read so far (blank and skipped ones included).
        """
        now = now or utcnow()
        if self._inbox_target() is not None:
            return ingest_file_as_posts(self, path, watchlist=watchlist, now=now, skip_invalid=skip_invalid,
                                        errors=errors, progress=progress)
        self._drain_leftovers()
        remove_dead_temp_files()
        received = new = lines_read = 0
        files = [_chunk_file(), _chunk_file()]  # the next chunk is written while one is stored
        following: _Chunk | None = None
        try:
            with open(path, "rb") as fh, ThreadPoolExecutor(1, thread_name_prefix="pantau-checks") as checks:
                chunks = _chunks(fh, files, checks)
                current = next(chunks, None)
                while current is not None:
                    try:
                        # the next chunk's file, and its clusters' work, before this one is stored (ChunkWork)
                        following = next(chunks, None)
                        posts, python_path = current.judged.result()
                        added = None if python_path else self._ingest_chunk(
                            current.file, posts, now, watchlist, current.work)
                    finally:
                        current.close()
                    stop = None
                    if added is None:  # the Python path, for this chunk only
                        batch, stop = _chunk_posts(path, current.file, lines_read, skip_invalid, errors)
                        posts = len(batch)
                        added = self._ingest_batch(batch, now, watchlist) if batch else 0
                    received += posts
                    new += added
                    lines_read += current.lines
                    if stop is not None:  # the posts before the bad line are stored, nothing after it
                        raise IngestStopped(stop, IngestResult(received=received, new=new,
                                                               already_known=received - new))
                    if progress is not None:
                        progress(lines_read)
                    current, following = following, None
        finally:
            if following is not None:
                following.close()  # its thread reads a file removed next
            for file in files:
                file.unlink(missing_ok=True)
        return IngestResult(received=received, new=new, already_known=received - new)

    def _ingest_chunk(self, chunk: Path, posts: int, now: datetime, watchlist: str | None,
                      chunk_work: ChunkWork) -> int | None:
        """One chunk of a file read by DuckDB; the posts added, or None (nothing stored) when any line is not a
        valid post or DuckDB cannot read the chunk."""
        new = None
        with self.connect() as con:
            zone = con.execute("SELECT current_setting('TimeZone')").fetchone()[0]
            con.execute("SET TimeZone = 'UTC'")  # naive times are UTC, as parse_time reads them
            work = BatchWork.of_chunk(con, chunk_work)  # the clusters' plan, while DuckDB stages
            try:
                with self.transaction(con, posts=True):
                    try:
                        con.execute(_file_staging_sql(), [str(chunk), format_time(now), watchlist, *time_range()])
                        n_rows, invalid, keys = con.execute(
                            "SELECT count(*), count(*) FILTER (WHERE NOT valid), count(DISTINCT (platform, post_id)) "
                            "FROM staging").fetchone()
                    except duckdb.Error as exc:
                        log.debug("ingest_file: DuckDB cannot read a chunk of lines (%s)", exc)
                        n_rows = invalid = keys = None
                    if invalid != 0 or n_rows != posts:
                        log.debug("ingest_file: a chunk of %s lines goes through the Python path (%s invalid)",
                                  posts, invalid)
                        raise Rollback
                    if keys != n_rows:  # a post twice in the chunk: keep the first by captured_at, as _ingest_staged
                        con.execute("""DELETE FROM staging WHERE rowid IN (SELECT rowid FROM staging
                            QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY captured_at) > 1)""")
                    new = _insert_staging(con, now, work)
            finally:
                work.close()  # the chunk file is written again for the next chunk
                con.execute("SET TimeZone = '{}'".format(zone.replace("'", "''")))
        return new

    def _drain_leftovers(self) -> None:
        """Batches left in the inbox by an owner that has stopped are older than ours: store them first."""
        if self._owner_con is not None or getattr(self._local, "draining", False):
            return
        inbox = inbox_dir(self.path)
        if inbox.is_dir() and any(p.name.endswith(".jsonl") for p in inbox.iterdir()):
            self.drain_inbox()

    def _ingest_batch(self, batch: Sequence[Post], now: datetime, watchlist: str | None = None) -> int:
        with _staged(batch, now, watchlist) as staging:
            return self._ingest_staged(staging, now)

    def _ingest_staged(self, staging: Path, now: datetime) -> int:
        """Store a staged batch file. The file is read into a temp table and the clusters' plan is started before
        the write transaction: in the owning process that transaction holds the posts' writers' turn (the next
        inbox batch, an ingest_file chunk, a purge wait for it), so there the plan is also finished before it
        (measured at 10M posts, a 10,000-post batch of the inbox: 0.33 s in the transaction, 0.64-0.78 s when all
        of it ran there)."""
        cols = ", ".join(f"'{k}': '{v}'" for k, v in _POST_COLUMNS.items())
        self.give_way()
        with self.before_writing() as con:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE staging AS
                SELECT * FROM read_json(?, format='newline_delimited', columns={{{cols}}},
                                        maximum_object_size={_MAX_STAGED_BYTES})
                QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY captured_at) = 1""",
                [str(staging)],
            )
            work = BatchWork.of_table(con, "staging")  # planned against the clusters committed before
            if self.owning:  # planned before the transaction takes its turn (assign_clusters plans again if a
                work.close()  # cluster row was written since): in it 0.33 s of a 10,000-post batch, 0.64-0.78 before
            self.give_way()
            with self.transaction(con, posts=True):
                return _insert_staging(con, now, work, pause=self.give_way)


@dataclass
class _Chunk:
    """A chunk of a file's lines, written to `file`: its lines, (its posts (non-blank lines), whether it takes the
    Python path) when judged (`_judged`, in a thread), and its clusters' work (started when the file was written)."""
    file: Path
    lines: int
    judged: Future[tuple[int, bool]]
    work: ChunkWork

    def close(self) -> None:
        self.work.result()  # its thread is done with the file, which the chunk after next is written to


def _chunks(fh: BinaryIO, files: Sequence[Path], checks: Executor) -> Iterator[_Chunk]:
    """The chunks of BATCH_SIZE lines of `fh`, each written to the next of `files` in turn (the caller is done with
    a file's chunk before the chunk after next is made), judged by `checks` (a thread: the checks hold the GIL for
    ~0.6 s a chunk, while DuckDB, storing the chunk before, does not)."""
    for i, (chunk, lines) in enumerate(line_chunks(fh, BATCH_SIZE)):
        file = files[i % len(files)]
        file.write_bytes(chunk)
        # its clusters' work starts now, also for a chunk the checks send to the Python path (then unused)
        yield _Chunk(file, lines, checks.submit(_judged, chunk), ChunkWork(str(file), _MAX_STAGED_BYTES))


def _judged(chunk: bytes) -> tuple[int, bool]:
    """A chunk's posts (non-blank lines) and whether it takes the Python path."""
    lines = chunk.split(b"\n")
    return sum(map(bool, map(bytes.strip, lines))), _lenient_json(chunk) or not _within_limits(lines, chunk)


def _chunk_file() -> Path:
    fd, name = tempfile.mkstemp(prefix=_temp_prefix("ingest-file"), suffix=".jsonl")
    os.close(fd)
    return Path(name)


def ingest_file_as_posts(store: Any, path: str | Path, *, watchlist: str | None = None, now: datetime | None = None,
                         skip_invalid: bool = False, errors: list[JsonlError] | None = None,
                         progress: Callable[[int], None] | None = None) -> IngestResult:
    """`ingest_file` through `store.ingest` of the parsed posts (the inbox and DuckLake path)."""
    errs = errors if errors is not None else []
    stop: list[JsonlError] = []

    def until_bad_line() -> Iterator[Post]:  # the posts before a bad line are stored, then IngestStopped
        try:
            yield from iter_jsonl_posts(path, skip_invalid=skip_invalid, errors=errs)
        except JsonlError as exc:
            stop.append(exc)

    posts: Iterable[Post] = until_bad_line()
    if progress is not None:
        posts = counted(posts, progress, offset=lambda: len(errs))
    result = store.ingest(posts, now=now, watchlist=watchlist)
    if stop:
        raise IngestStopped(stop[0], result)
    return result
