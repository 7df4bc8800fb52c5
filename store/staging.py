"""Staging posts for DuckDB: the flat line layout of a post, the checks of Post.from_payload written in SQL for
`Store.ingest_file` (DuckDB reads a chunk of lines itself), the insert from the temp table `staging`, and the
temporary files it all goes through (named by pid, so files of killed processes can be removed)."""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import duckdb

from pantau.post import (MAX_DEPTH, MAX_POST_BYTES, MEDIA_TYPES, POST_COLUMNS, POST_KINDS, JsonlError, Post, SharedFrom,
                         format_time, iter_jsonl_posts)

from .clusters import BatchWork, assign_clusters

log = logging.getLogger(__name__)

# The staging layout: the Post's columns (pantau.post.POST_COLUMNS, the one list of them) and the watchlist whose
# crawl found the post.
_POST_COLUMNS = {**POST_COLUMNS, "watchlist": "VARCHAR"}
# The posts columns filled from staging (every one but ingested_at; `raw` goes to raw_payloads), named in the
# INSERTs: the columns added by ALTER TABLE (schema.sql) come after ingested_at in every database.
_STORED_COLUMNS = tuple(c for c in POST_COLUMNS if c != "raw")


# Store.ingest_file: the fields of a post line read by DuckDB (typed JSON, so their types can be checked the way
# Post.from_payload checks them) and the checks. Scalars Post.from_payload turns into text: strings and integers.
_FILE_FIELDS = tuple(f.name for f in fields(Post))
# Nested fields, checked and normalised by the DuckDB path the way Post.from_payload / Post.to_payload do.
_NESTED_FIELDS = ("author", "shared_from", "media")
_AUTHOR_KEYS = tuple(f.name for f in fields(Post.__dataclass_fields__["author"].default_factory()))
_SHARED_KEYS = tuple(f.name for f in fields(SharedFrom))
_TEXTUAL = "('VARCHAR', 'BIGINT', 'UBIGINT')"
# read_json's limit on one line, above any post Post.from_payload takes (MAX_POST_BYTES characters: written back as
# JSON, a character takes up to 6 bytes) plus the staging keys; DuckDB's default (16 MB) stopped bigger ones.
_MAX_STAGED_BYTES = 6 * MAX_POST_BYTES + (1 << 20)
_NULL_OR_TEXTUAL = "('NULL', 'VARCHAR', 'BIGINT', 'UBIGINT')"
# ISO 8601 times DuckDB's cast (with TimeZone UTC) reads exactly as parse_time does: naive = UTC, Z or an offset.
# Other forms (epoch numbers, no seconds, years outside 1000-8999 where an offset could leave Python's range...)
# send the chunk to the Python path.
_ISO_TIME = (r"[1-8][0-9]{3}-[0-9]{2}-[0-9]{2}"
             r"([T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?")
# JSON that DuckDB reads but Python's json module rejects: trailing commas and case-insensitive nan/inf literals
# (matched in the lower-cased chunk; a match inside a string only costs the Python path for that chunk).
_TRAILING_COMMA = re.compile(rb",[ \t\r\n]*[}\]]")
_NAN_INF = (re.compile(rb"nan[ \t\r\n]*[,}\]]"), re.compile(rb"inf(?:inity)?[ \t\r\n]*[,}\]]"))
_BEFORE_LITERAL = re.compile(rb"[:,\[][ \t\r\n]*-?$")


def _file_staging_sql() -> str:
    """CREATE TEMP TABLE staging (the `_POST_COLUMNS` layout) from a chunk of post lines, one row per line, with
    `valid`: the row passes Post.from_payload's checks. Each value is parsed once (its JSON type and its text).
    Parameters: $1 the chunk file, $2 the default captured_at (text), $3 the watchlist, $4 and $5 the earliest
    and latest time a post may carry (TIMESTAMPTZ)."""
    cols = ", ".join(f"'{f}': 'JSON'" for f in _FILE_FIELDS)
    scalars = [f for f in _FILE_FIELDS if f not in _NESTED_FIELDS]
    keys = _AUTHOR_KEYS
    struct = "{" + ", ".join(f'"{k}": "JSON"' for k in keys) + "}"
    fields = ", ".join(f"""json_type(j."{f}") AS "{f}_type", j."{f}"->>'$' AS "{f}\"""" for f in scalars)
    author = ", ".join(f"json_type(a.{k}) AS author_{k}_type, a.{k}->>'$' AS author_{k}" for k in keys)

    def opt(f: str) -> str:
        return f"coalesce({f}_type, 'NULL') IN {_NULL_OR_TEXTUAL}"

    def time_ok(f: str) -> str:  # the form parse_time reads, within its range (pantau.post.time_range)
        return (f"(coalesce({f}_type, 'NULL') = 'NULL' OR ({f}_type = 'VARCHAR' AND "
                f"({f} = '' OR (regexp_full_match({f}, '{_ISO_TIME}') AND {ts(f)} BETWEEN $4 AND $5))))")

    def ts(f: str) -> str:
        return f"CAST(nullif({f}, '') AS TIMESTAMPTZ)"

    def author_ok(p: str) -> str:  # `author` or `sf_author` (a share's original author)
        return (f"(coalesce({p}_type, 'NULL') = 'NULL' OR ({p}_type = 'OBJECT' AND {p}_keys_unique AND "
                + " AND ".join(opt(f"{p}_{k}") for k in keys if k != "verified")
                + f" AND coalesce({p}_verified_type, 'NULL') IN ('NULL', 'BOOLEAN')))")

    def utc_text(f: str) -> str:  # format_time: YYYY-MM-DDTHH:MM:SS[.ffffff]Z (the session is in UTC)
        t = ts(f)
        return (f"(strftime({t}, '%Y-%m-%dT%H:%M:%S') || CASE WHEN epoch_us({t}) % 1000000 = 0 THEN '' "
                f"ELSE '.' || lpad((epoch_us({t}) % 1000000)::VARCHAR, 6, '0') END || 'Z')")

    sf_struct = "{" + ", ".join(f'"{k}": "JSON"' for k in _SHARED_KEYS) + "}"
    sf_scalars = [k for k in _SHARED_KEYS if k != "author"]
    sf_fields = ", ".join(f"json_type(s.{k}) AS sf_{k}_type, s.{k}->>'$' AS sf_{k}" for k in sf_scalars)
    sf_author = ", ".join(f"json_type(sa.{k}) AS sf_author_{k}_type, sa.{k}->>'$' AS sf_author_{k}" for k in keys)
    shared_json = "json_object(" + ", ".join(
        "'author', json_object(" + ", ".join(
            f"'{a}', sf_author_verified::BOOLEAN" if a == "verified" else f"'{a}', sf_author_{a}" for a in keys) + ")"
        if k == "author" else f"'{k}', {utc_text('sf_created_at')}" if k == "created_at" else f"'{k}', sf_{k}"
        for k in _SHARED_KEYS) + ")"
    textual = _NULL_OR_TEXTUAL
    media_item_ok = ("json_type(m) = 'OBJECT' AND len(list_distinct(json_keys(m))) = len(json_keys(m)) AND "
                     "json_type(m, '$.type') = 'VARCHAR' AND json_extract_string(m, '$.type') IN ("
                     + ", ".join(f"'{t}'" for t in MEDIA_TYPES) + f") AND coalesce(json_type(m, '$.url'), 'NULL') IN "
                     f"{textual} AND coalesce(json_type(m, '$.alt'), 'NULL') IN {textual}")
    media_json = ("to_json(list_transform(media_list, lambda m: {'type': json_extract_string(m, '$.type'), "
                  "'url': json_extract_string(m, '$.url'), 'alt': json_extract_string(m, '$.alt')}))")

    checks = [
        f"platform_type IN {_TEXTUAL} AND platform <> ''",
        f"post_id_type IN {_TEXTUAL} AND post_id <> ''",
        "text_type = 'VARCHAR' AND \"text\" <> ''",
        *(opt(f) for f in ("url", "lang", "region", "raw", "raw_sha256")),
        "(raw_sha256 IS NULL OR regexp_full_match(raw_sha256, '[0-9a-f]{64}'))",
        # a key twice: Python keeps the last value, DuckDB the first (read_json refuses duplicates at the top level)
        author_ok("author"),
        "(coalesce(kind_type, 'NULL') = 'NULL' OR (kind_type = 'VARCHAR' AND kind IN ("
        + ", ".join(f"'{k}'" for k in POST_KINDS) + ")))",
        "(coalesce(shared_from_type, 'NULL') = 'NULL' OR (shared_from_type = 'OBJECT' AND sf_keys_unique AND "
        + " AND ".join(opt(f"sf_{k}") for k in sf_scalars if k != "created_at")
        + f" AND {time_ok('sf_created_at')} AND {author_ok('sf_author')}))",
        f"(coalesce(media_type, 'NULL') = 'NULL' OR (media_type = 'ARRAY' AND "
        f"coalesce(list_bool_and(list_transform(media_list, lambda m: {media_item_ok})), true)))",
        time_ok("created_at"),
        time_ok("captured_at"),
    ]
    valid = " AND ".join(f"({c})" for c in checks)
    return f"""CREATE TEMP TABLE staging AS
        WITH f AS (
            SELECT {fields}, json_type(j.author) AS author_type, json_type(j.shared_from) AS shared_from_type,
                   json_type(j.media) AS media_type,
                   CASE WHEN json_type(j.media) = 'ARRAY' THEN from_json(j.media, '["JSON"]') END AS media_list,
                   CASE WHEN json_type(j.shared_from) = 'OBJECT' THEN from_json(j.shared_from, '{sf_struct}') END AS s,
                   CASE WHEN json_type(j.shared_from) = 'OBJECT' THEN len(list_distinct(json_keys(j.shared_from)))
                        = len(json_keys(j.shared_from)) END AS sf_keys_unique,
                   CASE WHEN json_type(j.author) = 'OBJECT' THEN from_json(j.author, '{struct}') END AS a,
                   CASE WHEN json_type(j.author) = 'OBJECT' THEN len(list_distinct(json_keys(j.author)))
                        = len(json_keys(j.author)) END AS author_keys_unique
            FROM read_json($1, format='newline_delimited', columns={{{cols}}},
                           maximum_object_size={_MAX_STAGED_BYTES}) AS j
        ), g AS (
            SELECT *, {author}, {sf_fields}, json_type(s.author) AS sf_author_type,
                   CASE WHEN json_type(s.author) = 'OBJECT' THEN from_json(s.author, '{struct}') END AS sa,
                   CASE WHEN json_type(s.author) = 'OBJECT' THEN len(list_distinct(json_keys(s.author)))
                        = len(json_keys(s.author)) END AS sf_author_keys_unique
            FROM f
        ), h AS (SELECT *, {sf_author} FROM g)
        SELECT platform, post_id, url, "text", {ts("created_at")} AS created_at,
               author_id, author_handle, author_name, author_bio, lang, region,
               coalesce({ts("captured_at")}, $2::TIMESTAMPTZ) AS captured_at, raw_sha256, raw,
               $3::VARCHAR AS watchlist, coalesce(kind, 'post') AS kind, author_verified::BOOLEAN AS author_verified,
               author_location, CASE WHEN shared_from_type = 'OBJECT' THEN {shared_json} END AS shared_from,
               CASE WHEN len(media_list) > 0 THEN {media_json} END AS media, coalesce({valid}, false) AS valid
        FROM h"""


def _lenient_json(chunk: bytes) -> bool:
    """Whether the chunk may hold JSON that DuckDB accepts and Python's json module rejects."""
    if _TRAILING_COMMA.search(chunk):
        return True
    low = chunk.lower()
    for pattern in _NAN_INF:
        for m in pattern.finditer(low):
            if _BEFORE_LITERAL.search(low, max(0, m.start() - 64), m.start()):
                return True
    return False


def _insert_staging(con: duckdb.DuckDBPyConnection, now: datetime, work: BatchWork | None = None,
                    pause: Callable[[], None] | None = None) -> int:
    """Store the rows of the temp table `staging` (columns of `_POST_COLUMNS`, one row per post key) with INSERT OR
    IGNORE into posts, raw_payloads and post_watchlists, gives the new posts their near-copy cluster (store/clusters.py;
    `work`: its batch work started by the caller), then drops it; the caller holds the transaction. `pause()` is
    called between the posts' rows and their clusters (the owner's drainer gives way to requests there).
    Returns the number of posts added."""
    if work is None:  # the clusters' batch-only work, in a thread while DuckDB inserts
        work = BatchWork.of_table(con, "staging")
    try:
        added = con.execute(  # the posts this INSERT adds (a hash of each key), for their clusters
            f"""INSERT OR IGNORE INTO posts ({", ".join(_STORED_COLUMNS)}, ingested_at)
            SELECT {", ".join(_STORED_COLUMNS)}, ?::TIMESTAMPTZ FROM staging RETURNING hash(platform, post_id) AS h""",
            [now],
        ).fetchnumpy()["h"]
        con.execute(
            """INSERT OR IGNORE INTO raw_payloads
            SELECT platform, post_id, raw_sha256, raw FROM staging
            WHERE raw IS NOT NULL AND raw_sha256 IS NOT NULL"""
        )
        con.execute(
            """INSERT OR IGNORE INTO post_watchlists
            SELECT platform, post_id, watchlist, captured_at FROM staging WHERE watchlist IS NOT NULL"""
        )
        if pause is not None:
            pause()
        assign_clusters(con, "staging", added, work)  # near-copy clusters of the new posts, in the same transaction
        con.execute("DROP TABLE staging")
        return len(added)
    finally:
        work.close()


def _chunk_posts(path: str | Path, chunk: Path, first_line: int, skip_invalid: bool,
                 errors: list[JsonlError] | None) -> tuple[list[Post], JsonlError | None]:
    """The Python path for one chunk of `path` (its lines after `first_line`), with the line numbers of `path`:
    (the posts, None), or without skip_invalid (the posts before the first bad line, its JsonlError)."""
    chunk_errors: list[JsonlError] = []
    posts: list[Post] = []
    stop = None
    try:
        posts.extend(iter_jsonl_posts(chunk, skip_invalid=skip_invalid, errors=chunk_errors))
    except JsonlError as exc:
        stop = JsonlError(str(path), first_line + exc.lineno, exc.reason)
    if errors is not None:
        errors.extend(JsonlError(str(path), first_line + e.lineno, e.reason) for e in chunk_errors)
    return posts, stop


def _within_limits(lines: Sequence[bytes], chunk: bytes) -> bool:
    """No line of the chunk (`lines`: the chunk split at its newlines) can exceed MAX_POST_BYTES or MAX_DEPTH
    (nesting needs an opening bracket a level): the DuckDB path may read them. Else the Python path
    (iter_jsonl_posts) judges the chunk, line by line."""
    if max(map(len, lines)) > MAX_POST_BYTES + 1:  # \r
        return False
    return max(map(len, chunk.translate(None, _NOT_OPENING).split(b"\n"))) <= MAX_DEPTH


_NOT_OPENING = bytes(b for b in range(256) if b not in b"{[\n")  # deleted: what is left counts the openings a line


# Staging files: pantau-<kind>-<pid>-<random>.jsonl in the temp folder; the pid tells whose they are.
_TEMP_NAME = re.compile(r"pantau-(?:ingest-file|ingest|results)-([0-9]+)-[A-Za-z0-9_]+\.jsonl")
TEMP_GRACE = 60.0  # seconds a dead process's staging file is left alone (a process in another pid namespace?)


def _temp_prefix(kind: str) -> str:
    return f"pantau-{kind}-{os.getpid()}-"


def remove_dead_temp_files(folder: str | Path | None = None) -> int:
    """Remove the staging files of pantau processes that are gone (killed mid-ingest: nothing else removes them):
    only files named by `_temp_prefix` whose process is not running and that were not touched for TEMP_GRACE
    seconds. Returns how many were removed."""
    removed = 0
    for path in Path(folder or tempfile.gettempdir()).glob("pantau-*.jsonl"):
        m = _TEMP_NAME.fullmatch(path.name)
        if m is None or _running(int(m.group(1))):
            continue
        try:
            if time.time() - path.stat().st_mtime < TEMP_GRACE:
                continue
            path.unlink()
            removed += 1
        except OSError:  # gone meanwhile, or another user's
            continue
    if removed:
        log.info("removed %d staging file(s) left by pantau processes that were stopped", removed)
    return removed


def _running(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _staging_line(p: Post, captured_default: str, watchlist: str | None = None) -> str:
    """One post as a flat JSON line in the column layout `_POST_COLUMNS` (read back by DuckDB's read_json)."""
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
        "watchlist": watchlist,
        "kind": p.kind,
        "author_verified": a.verified,
        "author_location": a.location,
        "shared_from": p.to_payload(include_raw=False)["shared_from"] if p.shared_from is not None else None,
        "media": [{"type": m.type, "url": m.url, "alt": m.alt} for m in p.media] or None,
    }
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


@contextmanager
def _staged_lines(lines: Iterable[str], kind: str) -> Iterator[Path]:
    """Lines written to a temporary JSON Lines file for one DuckDB read_json, deleted afterwards."""
    fd, name = tempfile.mkstemp(prefix=_temp_prefix(kind), suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line)
                fh.write("\n")
        yield Path(name)
    finally:
        os.unlink(name)


def _staged(batch: Sequence[Post], now: datetime, watchlist: str | None = None):  # noqa: ANN202
    """A batch as flat JSON Lines for DuckDB's read_json (fast bulk path)."""
    captured_default = format_time(now)
    return _staged_lines((_staging_line(p, captured_default, watchlist) for p in batch), "ingest")
