"""The single write path to pantau's DuckDB file.

Every INSERT/UPDATE in the project goes through `Store`. A DuckDB file opened read-write locks out every other
process, even readers, so a Store works in one of two ways:

* **short-lived connections** (CLI jobs, flows, tests): each operation opens the file, works and closes it,
  retrying with backoff while another process holds the lock;
* **owner** (the triage app, `Store.own()`): one process keeps the file open for its whole life, which makes every
  request cheap. It writes an owner file (`<db>.owner`) and reads an inbox directory (`<db>.inbox/`). Any other
  process whose Store sees a live owner does not wait for the lock: `ingest()` and `save_classifications()` write
  their batch atomically as a file into the inbox, and the owner ingests it (`drain_inbox()`), in order, through
  the same code. Both writes are idempotent, so a file ingested twice after a crash changes nothing.

  Reads and the few operations that cannot be a batch go through the inbox as **requests**
  (`<name>.<kind>.request.json`, answered by `<name>.response.json`): a read-only query of another process asks the
  owner for a **snapshot** (`<db>.snapshot.duckdb`: the file copied after a CHECKPOINT while no owner connection is
  in use, so it holds every batch handed over before the request) and reads that copy; a snapshot younger than
  `SNAPSHOT_MAX_AGE` seconds is reused, unless this process handed over a batch since. `purge_unflagged`
  (`retention`), account changes (`user_add`, `user_remove`, `user_password`: the caller sends the argon2 hash,
  never the password), `build_search_index` (`reindex`), audit anchors (`audit_anchor`), referral status changes
  (`referral_status`) and referral packages (`refer`: `pantau.referral.register` registers its handler with
  `register_request_handler`, the store never imports it) are run by the owner on request.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import duckdb

from pantau.post import (MAX_DEPTH, MAX_POST_BYTES, MEDIA_TYPES, POST_KINDS, JsonlError, Post, SharedFrom, format_time,
                         iter_jsonl_posts,
                         read_lines, time_range, utcnow)
from pantau import timestamp

from . import anchors, owner_api
from . import audit as audit_chain
from . import passwords

# The review vocabulary and the four-eyes state machine live in the domain layer; re-exported here for callers.
from pantau.review import DECISIONS, FINAL_DECISIONS, OPEN_STATUSES, STATUSES, ItemState, ReviewRefused  # noqa: F401
from pantau import review

SCHEMA_VERSION = "3"  # 3: posts.kind, author_verified, author_location, shared_from, media
STORAGE_VERSION = "v1.2.0"  # DuckDB storage format of new database files (readable by DuckDB >= 1.2)
BATCH_SIZE = 50_000
CLAIM_MINUTES = 15
# Referral register (issue 7): a case moves forward through these; `closed` may follow any status.
REFERRAL_STATUSES = ("draft", "sent", "registered", "forwarded_bkn", "decided", "sanctioned", "closed")
# The column a status's reference number is kept in (the event keeps it too).
REFERRAL_REFERENCE_COLUMNS = {"sent": "sent_ref", "registered": "bawaslu_reg_no", "forwarded_bkn": "bkn_ref_no",
                              "decided": "decision_ref", "sanctioned": "sanction_ref"}


def referral_transition_error(current: str, new: str) -> str | None:
    """Why a case cannot go from `current` to `new`, or None when it can (forward only; closed from anywhere)."""
    if new not in REFERRAL_STATUSES:
        return f"unknown status {new!r}; expected one of {', '.join(REFERRAL_STATUSES)}"
    if current == "closed":
        return "the case is closed; a closed case cannot change status"
    if new == current:
        return f"the case is already {current!r}"
    if new != "closed" and REFERRAL_STATUSES.index(new) < REFERRAL_STATUSES.index(current):
        return f"cannot go back from {current!r} to {new!r} (statuses only move forward)"
    return None


def referral_next_statuses(current: str) -> list[str]:
    """The statuses a case may move to, the next one first."""
    return [s for s in REFERRAL_STATUSES if referral_transition_error(current, s) is None]

# One DuckDB database may be open in one configuration per process (read-only and read-write connections to the
# same file conflict), so connections from threads of one process take turns; other processes are waited for.
_PATH_LOCKS: dict[str, threading.RLock] = {}
_PATH_LOCKS_GUARD = threading.Lock()
# The long-lived connection of a Store that owns its file (see Store.own), shared by every Store of this process
# for that file: DuckDB refuses a second connection with another configuration (e.g. read-only) in one process.
_OWNED: dict[str, duckdb.DuckDBPyConnection] = {}


def _path_lock(path: Path) -> threading.RLock:
    key = str(path.resolve())
    with _PATH_LOCKS_GUARD:
        return _PATH_LOCKS.setdefault(key, threading.RLock())

# read_json column types for the staging file written by _stage_posts().
_RESULT_COLUMNS = ", ".join(f"'{k}': '{v}'" for k, v in {
    "n": "BIGINT", "platform": "VARCHAR", "post_id": "VARCHAR", "model_version": "VARCHAR", "score": "DOUBLE",
    "flagged": "BOOLEAN", "category": "VARCHAR", "signals": "VARCHAR", "identity_class": "VARCHAR",
    "partisan_score": "DOUBLE", "truncated_at": "INTEGER"}.items())
# Classifier results staged by `_staged_results`, in the column order of `classifications` (parameters:
# classified_at, the file); the last result of a (post, model version) in a batch wins, as row-by-row replaces did.
_STAGED_RESULTS_SQL = f"""SELECT platform, post_id, model_version, score, flagged, category, signals::JSON AS signals,
       ?::TIMESTAMPTZ AS classified_at, identity_class, partisan_score, truncated_at
FROM read_json(?, format='newline_delimited', columns={{{_RESULT_COLUMNS}}})
QUALIFY row_number() OVER (PARTITION BY platform, post_id, model_version ORDER BY n DESC) = 1"""

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
    "watchlist": "VARCHAR",
    "kind": "VARCHAR",
    "author_verified": "BOOLEAN",
    "author_location": "VARCHAR",
    "shared_from": "JSON",
    "media": "JSON",
}
# The posts columns filled from staging (every one but ingested_at), named in the INSERTs: the columns added by
# ALTER TABLE (schema.sql) come after ingested_at in every database.
_STORED_COLUMNS = tuple(c for c in _POST_COLUMNS if c not in ("raw", "watchlist"))


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


log = logging.getLogger(__name__)
_INBOX_SEQ = itertools.count()

# Retention (Store.purge_unflagged): the posts that may go, and the tables their rows are deleted from.
_RETENTION_TABLES = ("raw_payloads", "classifications", "post_watchlists", "search_docs", "claims", "posts")
_PURGEABLE_SQL = """
CREATE OR REPLACE TEMP TABLE purgeable AS
SELECT p.platform, p.post_id FROM posts p
WHERE p.captured_at < ?
  AND EXISTS (SELECT 1 FROM classifications c WHERE c.post_id = p.post_id AND c.platform = p.platform)
  AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.post_id = p.post_id AND c.platform = p.platform AND c.flagged)
  AND NOT EXISTS (SELECT 1 FROM queue_items q WHERE q.post_id = p.post_id AND q.platform = p.platform)
  AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.post_id = p.post_id AND d.platform = p.platform)
  AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.post_id = p.post_id AND n.platform = p.platform)
  AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.post_id = p.post_id AND r.platform = p.platform)
  AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.post_id = p.post_id AND e.platform = p.platform)
"""


def owner_file(db: str | Path) -> Path:
    """`<db>.owner`: JSON {pid, since} written by the process that keeps the database open (the triage app)."""
    db = Path(db)
    return db.with_name(db.name + ".owner")


def inbox_dir(db: str | Path) -> Path:
    """`<db>.inbox/`: batches other processes hand to the owner; `failed/` keeps files that could not be read."""
    db = Path(db)
    return db.with_name(db.name + ".inbox")


def snapshot_file(db: str | Path) -> Path:
    """`<db>.snapshot.duckdb`: the owner's latest copy of the database for other processes' reads."""
    db = Path(db)
    return db.with_name(db.name + ".snapshot.duckdb")


SNAPSHOT_MAX_AGE = 30.0  # seconds a snapshot is reused by readers before they ask for a new one
REQUEST_TIMEOUT = 300.0  # seconds a request waits for the owner's answer
REQUEST_KINDS = ("snapshot", "retention", "user_add", "user_remove", "user_password", "reindex", "audit_anchor",
                 "referral_status", "refer", "export")


# Requests carried out in the owner by a use case above the store, which registers its handler when imported (the
# triage app imports them all), so the store never imports a higher layer.
_REQUEST_HANDLERS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {}


def register_request_handler(kind: str, handler: Callable[[Any, dict[str, Any]], Any]) -> None:
    """Let the owner answer `kind` requests with `handler(store, args)`; `kind` must be one of REQUEST_KINDS."""
    if kind not in REQUEST_KINDS:
        raise ValueError(f"unknown request kind {kind!r}")
    _REQUEST_HANDLERS[kind] = handler


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


class StoreError(RuntimeError):
    pass


class StoreBusy(StoreError):
    """Another process kept the database locked for longer than the retry budget."""


class ClaimConflict(StoreError):
    """The item is claimed by another reviewer."""

    def __init__(self, holder: str):
        super().__init__(f"item is being reviewed by {holder}")
        self.holder = holder


class TransitionRefused(StoreError):
    """The review state machine (pantau.review) refuses the change; `code` is a key of review.REFUSALS."""

    def __init__(self, refused: ReviewRefused):
        super().__init__(str(refused))
        self.code = refused.code


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
        self._local = threading.local()
        self._owner_con: duckdb.DuckDBPyConnection | None = None
        self._handed_over_ns = 0  # when this Store last wrote a batch into the owner's inbox
        self._synced_ns = 0  # when this Store last read through the owner after asking it to drain its inbox
        self._api: owner_api.OwnerServer | None = None  # the read API while this process owns the file
        self._drain_lock = threading.Lock()

    # -- ownership (one long-lived process, others hand over batches through the inbox) --------------------

    @property
    def owning(self) -> bool:
        return self._owner_con is not None

    def own(self) -> None:
        """Keep the database open in this process until `disown()`; announce it so other processes use the inbox.

        Waits (like any connection) while another process holds the file; refuses if another live process owns it.
        """
        if self._owner_con is not None:
            return
        other = live_owner(self.path)
        if other is not None:
            raise StoreError(f"{self.path} is already owned by process {other} (see {owner_file(self.path)})")
        self.init()
        with _path_lock(self.path):
            self._owner_con = self._open(read_only=False)
            _OWNED[str(self.path.resolve())] = self._owner_con
        inbox_dir(self.path).mkdir(parents=True, exist_ok=True)
        # Imported here, not at the top: analyst imports this module; importing it registers the owner's `export`.
        from . import analyst  # noqa: F401
        self._api = owner_api.OwnerServer(self.path, self._owner_con, sync=self.drain_inbox).start()
        tmp = owner_file(self.path).with_suffix(".owner.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the read API's token
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"pid": os.getpid(), "since": format_time(utcnow()), "socket": str(self._api.path),
                                 "token": self._api.token}))
        os.replace(tmp, owner_file(self.path))

    def disown(self) -> None:
        """Close the long-lived connection and remove the owner file (batches still in the inbox stay there)."""
        con, self._owner_con = self._owner_con, None
        if con is None:
            return
        try:
            info = json.loads(owner_file(self.path).read_text(encoding="utf-8"))
            if info.get("pid") == os.getpid():
                owner_file(self.path).unlink()
        except (OSError, ValueError):
            pass
        api, self._api = self._api, None
        if api is not None:
            api.stop()
        with _path_lock(self.path):
            _OWNED.pop(str(self.path.resolve()), None)
            con.close()
        self._drop_snapshot()

    def owned_elsewhere(self) -> bool:
        """True when another live process (the triage app) owns the file: writes go to it as batches or requests."""
        return self._inbox_target() is not None

    def _inbox_target(self) -> Path | None:
        """The inbox to write to when another live process owns the database, else None."""
        if self._owner_con is not None or getattr(self._local, "con", None) is not None:
            return None
        return inbox_dir(self.path) if live_owner(self.path) is not None else None

    def drain_inbox(self) -> dict[str, int]:
        """Owner side: ingest every batch file in the inbox, oldest first, and delete it once stored.

        A file that cannot be read (bad JSON, wrong columns) is moved to `failed/` with an error logged; it is
        never deleted. A busy database leaves the file for the next call.
        """
        inbox = inbox_dir(self.path)
        done = {"files": 0, "posts_new": 0, "classifications": 0, "evidence": 0, "failed": 0, "requests": 0}
        if not inbox.is_dir() or getattr(self._local, "draining", False):
            return done
        self._local.draining = True
        try:
            with self._drain_lock:  # the drainer thread and the read API (a reader's sync) take turns
                self._drain(inbox, done)
        finally:
            self._local.draining = False
        return done

    def _drain(self, inbox: Path, done: dict[str, int]) -> None:
        files = [p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")]
        names = sorted(p for p in files if p.name.endswith(".jsonl") or p.name.endswith(".request.json"))
        stale = time.time() - 2 * REQUEST_TIMEOUT
        for f in files:  # answers whose caller gave up (timeout, Ctrl-C) are never read: remove them
            if f.name.endswith(".response.json") and f.stat().st_mtime < stale:
                f.unlink(missing_ok=True)
        for f in names:
            if f.name.endswith(".request.json"):
                self._answer(f)
                done["requests"] += 1
                continue
            try:
                if f.name.endswith(".posts.jsonl"):
                    done["posts_new"] += self._ingest_staged(f, utcnow())
                elif f.name.endswith(".classifications.jsonl"):
                    with f.open(encoding="utf-8") as fh:
                        done["classifications"] += self.save_classifications(
                            json.loads(line) for line in fh if line.strip()
                        )
                elif f.name.endswith(".evidence.jsonl"):
                    with f.open(encoding="utf-8") as fh:
                        done["evidence"] += self.record_evidence([json.loads(line) for line in fh if line.strip()])
                elif f.name.endswith(".evidence_checks.jsonl"):
                    with f.open(encoding="utf-8") as fh:
                        done["evidence"] += self.record_evidence_checks(
                            [json.loads(line) for line in fh if line.strip()])
                else:
                    raise ValueError("unknown batch kind")
            except StoreBusy:
                break
            except (ValueError, KeyError, TypeError, duckdb.InvalidInputException, duckdb.ConversionException) as exc:
                failed = inbox / "failed"
                failed.mkdir(exist_ok=True)
                shutil.move(str(f), str(failed / f.name))
                log.error("inbox batch %s could not be stored (%s); moved to %s", f.name, exc, failed)
                done["failed"] += 1
                continue
            f.unlink()
            done["files"] += 1

    def _drop_snapshot(self) -> None:
        """After a purge (and when the owner stops) the snapshot would still hold what was deleted: remove it."""
        snapshot_file(self.path).unlink(missing_ok=True)

    def _hand_over(self, inbox: Path, kind: str, lines: Iterable[str]) -> Path:
        path = _inbox_write(inbox, kind, lines)
        self._handed_over_ns = time.time_ns()  # the next read asks for a snapshot that holds this batch
        return path

    def _answer(self, request: Path) -> None:
        """Owner side: carry out one request file and write its response (never raises: the error is the answer)."""
        kind = request.name[: -len(".request.json")].rsplit(".", 1)[-1]
        try:
            args = json.loads(request.read_text(encoding="utf-8") or "{}")
            stamp = request.name.split("-", 1)[0]  # time_ns of the request (request_owner names it so)
            made_ns = int(stamp) if stamp.isdigit() else 0
            if time.time_ns() - made_ns > REQUEST_TIMEOUT * 1e9:  # its caller gave up long ago: never run it late
                raise StoreError(f"request {request.name} expired unanswered; nothing was done")
            if kind == "snapshot":
                result: Any = {"path": str(self.make_snapshot())}
            elif kind == "retention":
                result = self.purge_unflagged(int(args["days"]), dry_run=bool(args.get("dry_run")),
                                              actor=str(args.get("actor") or "cli"))
            elif kind == "user_add":  # the caller hashed the password: no password ever crosses the inbox
                result = self._insert_user(passwords.check_username(args["username"]),
                                           passwords.check_hash(str(args["password_hash"])),
                                           passwords.check_role(args["role"]), str(args.get("actor") or "cli"))
            elif kind == "user_remove":
                result = self.remove_user(str(args["username"]), actor=str(args.get("actor") or "cli"))
            elif kind == "user_password":
                result = self._store_password_hash(str(args["username"]), passwords.check_hash(str(args["password_hash"])),
                                                   str(args.get("actor") or "cli"))
            elif kind == "reindex":
                result = self.build_search_index()
            elif kind == "audit_anchor":
                result = self.anchor_audit(args.get("url"))
            elif kind == "referral_status":
                result = self.set_referral_status(int(args["referral_id"]), str(args["status"]), actor=str(args["actor"]),
                                                  reference=args.get("reference"), note=args.get("note"))
            elif kind in _REQUEST_HANDLERS:  # a use case above the store (refer: pantau.referral.register)
                result = _REQUEST_HANDLERS[kind](self, args)
            else:
                raise ValueError(f"unknown request kind {kind!r}")
            response = {"ok": True, "result": result}
        except StoreError as exc:  # a refusal (no such user, already sent...): the caller reports it
            log.warning("inbox request %s refused: %s", request.name, exc)
            response = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        except Exception as exc:  # noqa: BLE001 - the caller gets the error as the answer
            log.exception("inbox request %s failed", request.name)
            response = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        target = request.with_name(request.name[: -len(".request.json")] + ".response.json")
        tmp = target.with_name("." + target.name + ".tmp")
        tmp.write_text(json.dumps(response, default=str), encoding="utf-8")
        os.replace(tmp, target)
        request.unlink(missing_ok=True)

    def make_snapshot(self) -> Path:
        """Owner side: copy the database file, checkpointed, while no connection of this process uses it."""
        if self._owner_con is None:
            raise StoreError("only the owning process makes snapshots")
        target = snapshot_file(self.path)
        tmp = target.with_name("." + target.name + ".tmp")
        # The copy holds everything the database does (password hashes, reporters' contacts): private from birth.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(tmp, 0o600)  # an older leftover kept its mode through O_CREAT
        with _path_lock(self.path):
            cur = self._owner_con.cursor()
            try:
                cur.execute("CHECKPOINT")
            finally:
                cur.close()
            # Copied by a child process, never here: on POSIX, closing *any* descriptor of a file drops every fcntl
            # lock this process holds on it, so opening the database file in the owner (shutil.copyfile did)
            # silently released DuckDB's lock and let a second process open it read-write (issue 21: reproduced,
            # then the file was corrupted by two writers). `cp` onto the existing 0600 file keeps its mode.
            done = subprocess.run(["cp", "--", str(self.path), str(tmp)], capture_output=True, text=True)
            if done.returncode != 0:
                tmp.unlink(missing_ok=True)
                raise StoreError(f"could not copy {self.path} for readers: {done.stderr.strip()}")
        os.replace(tmp, target)
        return target

    def request_owner(self, kind: str, args: dict[str, Any] | None = None, *, timeout: float = REQUEST_TIMEOUT) -> Any:
        """Ask the owning process to carry out `kind` (REQUEST_KINDS) and wait for its answer."""
        if kind not in REQUEST_KINDS:
            raise StoreError(f"unknown request kind {kind!r}")
        inbox = inbox_dir(self.path)
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(_INBOX_SEQ):06d}.{kind}"
        tmp = inbox / f".{name}.request.json.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it may hold a password hash
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(args or {}, default=str))
        os.replace(tmp, inbox / f"{name}.request.json")
        request, response = inbox / f"{name}.request.json", inbox / f"{name}.response.json"
        deadline = time.monotonic() + timeout
        try:
            while not response.exists():
                owner = live_owner(self.path)
                if owner is None or time.monotonic() > deadline:
                    request.unlink(missing_ok=True)
                    if response.exists():  # answered just before it stopped
                        break
                    raise StoreBusy(f"the triage app owning {self.path} did not answer a {kind} request within "
                                    f"{timeout:.0f}s" if owner else
                                    f"the triage app owning {self.path} stopped before answering a {kind} request; "
                                    "run the job again")
                time.sleep(0.05)
        except BaseException:  # Ctrl-C or the errors above: withdraw the request, leave no answer behind
            request.unlink(missing_ok=True)
            if not response.exists():
                raise
            response.unlink(missing_ok=True)
            raise
        answer = json.loads(response.read_text(encoding="utf-8"))
        response.unlink(missing_ok=True)
        if not answer.get("ok"):
            raise StoreError(f"the triage app could not carry out {kind}: {answer.get('error')}")
        return answer["result"]

    def _snapshot_for_reading(self) -> Path:
        """A snapshot that holds everything committed before now, or at least SNAPSHOT_MAX_AGE fresh and newer than
        this Store's last hand-over."""
        snap = snapshot_file(self.path)
        try:
            made_ns = snap.stat().st_mtime_ns
        except FileNotFoundError:
            made_ns = 0
        if made_ns and made_ns > self._handed_over_ns and time.time_ns() - made_ns < SNAPSHOT_MAX_AGE * 1e9:
            return snap
        return Path(self.request_owner("snapshot")["path"])

    @contextmanager
    def session(self) -> Iterator[None]:
        """Share one read-write connection among all Store calls of this thread inside the block.

        Opening a DuckDB file costs far more than a query on it, so a web request opens it once; the file is
        still held only for the length of the block, so other processes (flows) get their turn in between.
        """
        if getattr(self._local, "con", None) is not None:
            yield
            return
        with self.connect() as con:
            self._local.con = con
            try:
                yield
            finally:
                self._local.con = None

    # -- connections -----------------------------------------------------------------

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; waits (with backoff) while another process holds the file.

        Inside `session()` the session's connection is reused (and not closed here)."""
        held = getattr(self._local, "con", None)
        if held is not None:
            yield held
            return
        owned = self._owner_con or _OWNED.get(str(self.path.resolve()))
        if owned is not None:
            # One database instance for the process's life; each caller gets its own cursor (own transaction and
            # temp tables); callers take turns so write transactions never conflict.
            with _path_lock(self.path):
                cur = owned.cursor()
                try:
                    yield cur
                finally:
                    cur.close()
            return
        if read_only and live_owner(self.path) is not None:
            # the triage app keeps the file open read-write, which locks out even readers: read its snapshot
            con = duckdb.connect(str(self._snapshot_for_reading()), read_only=True)
            try:
                yield con
            finally:
                con.close()
            return
        if not read_only:
            owner = live_owner(self.path)
            if owner is not None:  # never write behind the owner's back, even if the file's lock were lost
                raise StoreBusy(
                    f"{self.path} is owned by the running triage app (process {owner}); posts and classifier "
                    "results are handed to it, other jobs need it stopped first"
                )
        if not self._initialised and not read_only:
            self._initialised = True
            self.init()
        with _path_lock(self.path):
            con = self._open(read_only=read_only)
            try:
                yield con
            finally:
                con.close()

    def _open(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except (duckdb.IOException, duckdb.ConnectionException) as exc:
                if not _is_lock_error(exc):
                    raise
                owner = live_owner(self.path)
                if owner is not None:  # an owner keeps the file until it stops: waiting would not help
                    raise StoreBusy(
                        f"{self.path} is owned by the running triage app (process {owner}); posts and classifier "
                        "results are handed to it, other jobs need it stopped first"
                    ) from exc
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"{self.path} stayed locked by another process for {self.lock_timeout:.0f}s"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

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
            con.execute(schema_sql())
            con.execute(
                "INSERT OR REPLACE INTO schema_info VALUES ('schema_version', ?)", [SCHEMA_VERSION]
            )
            # Databases from schema 1 get their queue_items filled once.
            if con.execute("SELECT count(*) FROM queue_items").fetchone()[0] == 0 and con.execute(
                "SELECT count(*) FROM classifications WHERE flagged"
            ).fetchone()[0]:
                _refresh_queue_items(con, None)

    # -- writes ----------------------------------------------------------------------

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

        for post in posts:
            batch.append(post)
            if len(batch) >= BATCH_SIZE:
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
        fd, name = tempfile.mkstemp(prefix=_temp_prefix("ingest-file"), suffix=".jsonl")
        os.close(fd)
        chunk_file = Path(name)
        try:
            with open(path, "rb") as fh:
                while lines := list(itertools.islice(read_lines(fh), BATCH_SIZE)):
                    chunk = b"".join(lines)
                    chunk_file.write_bytes(chunk)
                    posts = sum(map(bool, map(bytes.strip, lines)))  # blank lines are no posts
                    n_lines = len(lines)
                    python_path = _lenient_json(chunk) or not _within_limits(lines, chunk)
                    del lines, chunk  # DuckDB reads the chunk file: no copy stays in memory meanwhile
                    added = None if python_path else self._ingest_chunk(chunk_file, posts, now, watchlist)
                    stop = None
                    if added is None:  # the Python path, for this chunk only
                        batch, stop = _chunk_posts(path, chunk_file, lines_read, skip_invalid, errors)
                        posts = len(batch)
                        added = self._ingest_batch(batch, now, watchlist) if batch else 0
                    received += posts
                    new += added
                    lines_read += n_lines
                    if stop is not None:  # the posts before the bad line are stored, nothing after it
                        raise IngestStopped(stop, IngestResult(received=received, new=new,
                                                               already_known=received - new))
                    if progress is not None:
                        progress(lines_read)
        finally:
            chunk_file.unlink(missing_ok=True)
        return IngestResult(received=received, new=new, already_known=received - new)

    def _ingest_chunk(self, chunk: Path, posts: int, now: datetime, watchlist: str | None) -> int | None:
        """One chunk of a file read by DuckDB; the posts added, or None (nothing stored) when any line is not a
        valid post or DuckDB cannot read the chunk."""
        with self.connect() as con:
            zone = con.execute("SELECT current_setting('TimeZone')").fetchone()[0]
            con.execute("SET TimeZone = 'UTC'")  # naive times are UTC, as parse_time reads them
            try:
                con.execute("BEGIN")
                try:
                    try:
                        con.execute(_file_staging_sql(), [str(chunk), format_time(now), watchlist, *time_range()])
                        n_rows, invalid, keys = con.execute(
                            "SELECT count(*), count(*) FILTER (WHERE NOT valid), count(DISTINCT (platform, post_id)) "
                            "FROM staging").fetchone()
                    except duckdb.Error as exc:
                        log.debug("ingest_file: DuckDB cannot read a chunk of lines (%s)", exc)
                        n_rows = invalid = keys = None
                    if invalid != 0 or n_rows != posts:
                        con.execute("ROLLBACK")
                        log.debug("ingest_file: a chunk of %s lines goes through the Python path (%s invalid)",
                                  posts, invalid)
                        return None
                    if keys != n_rows:  # a post twice in the chunk: keep the first by captured_at, as _ingest_staged
                        con.execute("""DELETE FROM staging WHERE rowid IN (SELECT rowid FROM staging
                            QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY captured_at) > 1)""")
                    new = _insert_staging(con, now)
                    con.execute("COMMIT")
                except Exception:
                    con.execute("ROLLBACK")
                    raise
            finally:
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
        with self.connect() as con:
            cols = ", ".join(f"'{k}': '{v}'" for k, v in _POST_COLUMNS.items())
            con.execute("BEGIN")
            try:
                con.execute(
                    f"""CREATE TEMP TABLE staging AS
                    SELECT * FROM read_json(?, format='newline_delimited', columns={{{cols}}},
                                            maximum_object_size={_MAX_STAGED_BYTES})
                    QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY captured_at) = 1""",
                    [str(staging)],
                )
                new = _insert_staging(con, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return new

    def save_classifications(self, results: Iterable[dict[str, Any]], *, now: datetime | None = None) -> int:
        """Store classifier results; re-classifying with the same model version replaces the row."""
        now = now or utcnow()
        rows = result_rows(results, now)
        if not rows:
            return 0
        inbox = self._inbox_target()
        if inbox is not None:
            self._hand_over(inbox, "classifications", (
                json.dumps({"platform": r[0], "post_id": r[1], "model_version": r[2], "score": r[3], "flagged": r[4],
                            "category": r[5], "signals": json.loads(r[6]), "identity_class": r[8],
                            "partisan_score": r[9], "truncated_at": r[10]}, ensure_ascii=False)
                for r in rows
            ))
            return len(rows)
        self._drain_leftovers()
        with _staged_results(rows) as staged, self.connect() as con:
            con.execute("BEGIN")
            try:
                con.execute(f"CREATE TEMP TABLE staged_results AS {_STAGED_RESULTS_SQL}", [now, str(staged)])
                con.execute("INSERT OR REPLACE INTO classifications BY NAME SELECT * FROM staged_results")
                con.execute("CREATE TEMP TABLE touched AS SELECT DISTINCT platform, post_id FROM staged_results")
                _refresh_queue_items(con, "touched")
                con.execute("DROP TABLE staged_results")
                con.execute("DROP TABLE touched")
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return len(rows)

    def record_decision(
        self,
        platform: str,
        post_id: str,
        decision: str,
        *,
        reviewer: str,
        role: str | None = None,
        reason: str | None = None,
        duplicate_of: str | None = None,
        checklist: dict[str, bool] | None = None,
        now: datetime | None = None,
    ) -> int:
        """Append a reviewer decision (with its legal-element checklist, if given) and return its id.

        The move must be allowed by the review state machine (pantau.review: TransitionRefused otherwise) for the
        reviewer's role: the account's role, else `role` (default reviewer, for scripts without accounts). Refuses
        (ClaimConflict) when another reviewer holds an unexpired claim on the item."""
        if decision not in DECISIONS:
            raise StoreError(f"unknown decision {decision!r}; expected one of {', '.join(DECISIONS)}")
        if not reviewer or not reviewer.strip():
            raise StoreError("a decision needs a reviewer")
        if decision == "duplicate" and not duplicate_of:
            raise StoreError("a 'duplicate' decision needs duplicate_of")
        now = now or utcnow()
        reviewer = reviewer.strip()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                exists = con.execute(
                    "SELECT count(*) FROM posts WHERE platform = ? AND post_id = ?", [platform, post_id]
                ).fetchone()[0]
                if not exists:
                    raise StoreError(f"no post {platform}/{post_id}")
                _check_review(con, platform, post_id, "decide", _actor_role(con, reviewer, role, "reviewer"), reviewer,
                              decision)
                holder = _claim_holder(con, platform, post_id, now)
                if holder is not None and holder != reviewer:
                    raise ClaimConflict(holder)
                decision_id = _insert_decision(con, platform, post_id, decision, reason, duplicate_of, reviewer, now)
                if checklist is not None:
                    _insert_note(con, platform, post_id, reviewer, None, checklist, now)
                con.execute("DELETE FROM claims WHERE platform = ? AND post_id = ?", [platform, post_id])
                _refresh_one(con, platform, post_id)
                _append_audit(
                    con, reviewer, "decision", f"{platform}/{post_id}",
                    {"decision_id": decision_id, "decision": decision, "reason": reason, "duplicate_of": duplicate_of,
                     "checklist": checklist},
                    now,
                )
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return decision_id

    def confirm_decision(
        self,
        decision_id: int,
        *,
        supervisor: str,
        agreed: bool,
        role: str | None = None,
        decision: str | None = None,
        reason: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Four-eyes: a second person agrees with a "violation" decision awaiting confirmation, or not.

        Agreeing makes it "confirmed". Disagreeing needs the supervisor's own `decision`, which is appended as a new
        decision by the supervisor (so the disagreement stays visible in the history). The state machine
        (pantau.review) checks the role (the account's, else `role`, default supervisor) and that the supervisor
        did not make the decision.
        """
        now = now or utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                row = con.execute(
                    "SELECT platform, post_id, decision, reviewer FROM decisions WHERE decision_id = ?", [decision_id]
                ).fetchone()
                if row is None:
                    raise StoreError(f"no decision {decision_id}")
                platform, post_id, original, reviewer = row
                label = original if agreed else decision
                _check_review(con, platform, post_id, "confirm" if agreed else "dispute",
                              _actor_role(con, supervisor, role, "supervisor"), supervisor, label)
                if con.execute("SELECT count(*) FROM confirmations WHERE decision_id = ?", [decision_id]).fetchone()[0]:
                    raise StoreError(f"decision {decision_id} already has a second opinion")
                latest = con.execute(
                    "SELECT max(decision_id) FROM decisions WHERE platform = ? AND post_id = ?", [platform, post_id]
                ).fetchone()[0]
                if latest != decision_id:
                    raise StoreError(f"decision {decision_id} is no longer the latest for {platform}/{post_id}")
                con.execute(
                    "INSERT INTO confirmations VALUES (?, ?, ?, ?, ?, ?)",
                    [decision_id, supervisor, agreed, label, reason, now],
                )
                if not agreed:
                    _insert_decision(con, platform, post_id, label, reason, None, supervisor, now)
                _refresh_one(con, platform, post_id)
                _append_audit(
                    con, supervisor, "confirmation", f"{platform}/{post_id}",
                    {"decision_id": decision_id, "agreed": agreed, "decision": label, "reason": reason}, now,
                )
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise

    def reopen(self, platform: str, post_id: str, *, supervisor: str, reason: str, role: str | None = None,
               now: datetime | None = None) -> str:
        """Reopen a confirmed violation: needs two supervisors. The first call records a request (returns
        "reopen_request"); a second supervisor's call reopens the item (returns "reopen"): a `needs_info` decision by
        them puts it back in the queue. Both steps are audited; a referred item is never reopened."""
        reason = (reason or "").strip()
        if not reason:
            raise StoreError("reopening a confirmed violation needs a reason")
        now = now or utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                state = _review_state(con, platform, post_id)
                action = review.reopen_action(state)
                _check_review(con, platform, post_id, action, _actor_role(con, supervisor, role, "supervisor"),
                              supervisor, state=state)
                target = f"{platform}/{post_id}"
                decision_id = con.execute("SELECT max(decision_id) FROM decisions WHERE platform = ? AND post_id = ?",
                                          [platform, post_id]).fetchone()[0]
                if action == "reopen_request":
                    con.execute("""INSERT INTO reopen_requests (platform, post_id, decision_id, requested_by, reason,
                                   requested_at) VALUES (?, ?, ?, ?, ?, ?)""",
                                [platform, post_id, decision_id, supervisor, reason, now])
                    _append_audit(con, supervisor, "reopen_request", target,
                                  {"decision_id": decision_id, "reason": reason}, now)
                else:
                    new_id = _insert_decision(con, platform, post_id, "needs_info", reason, None, supervisor, now)
                    con.execute("""UPDATE reopen_requests SET approved_by = ?, approved_at = ?, approval_reason = ?
                                   WHERE platform = ? AND post_id = ? AND decision_id = ? AND approved_by IS NULL""",
                                [supervisor, now, reason, platform, post_id, decision_id])
                    _refresh_one(con, platform, post_id)
                    _append_audit(con, supervisor, "reopen", target,
                                  {"decision_id": decision_id, "requested_by": state.reopen_requested_by,
                                   "new_decision_id": new_id, "reason": reason}, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return action

    def review_state(self, platform: str, post_id: str) -> ItemState:
        """The item's state for pantau.review (status, who decided, pending reopen request, draft referral)."""
        with self.connect(read_only=True) as con:
            return _review_state(con, platform, post_id)

    def add_note(
        self, platform: str, post_id: str, username: str, body: str | None, checklist: dict[str, bool] | None = None
    ) -> int:
        if not (body and body.strip()) and not checklist:
            raise StoreError("an empty note")
        now = utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                if not con.execute(
                    "SELECT count(*) FROM posts WHERE platform = ? AND post_id = ?", [platform, post_id]
                ).fetchone()[0]:
                    raise StoreError(f"no post {platform}/{post_id}")
                note_id = _insert_note(con, platform, post_id, username, body, checklist, now)
                _append_audit(con, username, "note", f"{platform}/{post_id}", {"note_id": note_id}, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return note_id

    def rebuild_queue_items(self) -> int:
        """Recompute queue_items from posts, classifications, decisions and confirmations (e.g. after a bulk load)."""
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                _refresh_queue_items(con, None)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            return int(con.execute("SELECT count(*) FROM queue_items").fetchone()[0])

    # -- claims ------------------------------------------------------------------------

    def claim(self, platform: str, post_id: str, username: str, *, now: datetime | None = None) -> str:
        """Claim an item for CLAIM_MINUTES; returns who holds it afterwards (the caller or another reviewer)."""
        now = now or utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                holder = _claim_holder(con, platform, post_id, now)
                if holder is None or holder == username:
                    con.execute(
                        "INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?)",
                        [platform, post_id, username, now, now + timedelta(minutes=CLAIM_MINUTES)],
                    )
                    holder = username
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return holder

    def open_item(self, platform: str, post_id: str, username: str, *, claim: bool, now: datetime | None = None) -> str | None:
        """Record that `username` viewed an item (audit `view_item`) and, if `claim`, claim it, in one transaction.

        Returns who holds the item's claim afterwards (None when nobody does)."""
        now = now or utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                holder = _claim_holder(con, platform, post_id, now)
                if claim and (holder is None or holder == username):
                    con.execute(
                        "INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?)",
                        [platform, post_id, username, now, now + timedelta(minutes=CLAIM_MINUTES)],
                    )
                    holder = username
                _append_audit(con, username, "view_item", f"{platform}/{post_id}", None, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return holder

    def release(self, platform: str, post_id: str, username: str) -> None:
        with self.connect() as con:
            con.execute(
                "DELETE FROM claims WHERE platform = ? AND post_id = ? AND username = ?", [platform, post_id, username]
            )

    # -- accounts ----------------------------------------------------------------------

    # Account changes while the triage app owns the file are carried out by the app (request kinds user_add,
    # user_remove, user_password): the password is hashed here, so only its argon2 hash crosses the inbox.

    def add_user(self, username: str, password: str, role: str, *, actor: str = "cli") -> str:
        username = passwords.check_username(username)
        passwords.check_role(role)
        hashed = passwords.hash_password(password)
        if self.owned_elsewhere():
            return self.request_owner("user_add", {"username": username, "password_hash": hashed, "role": role,
                                                   "actor": actor})
        return self._insert_user(username, hashed, role, actor)

    def _insert_user(self, username: str, hashed: str, role: str, actor: str) -> str:
        now = utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                if _user_exists(con, username):
                    raise StoreError(f"user {username!r} exists already")
                con.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)", [username, hashed, role, now, now])
                _append_audit(con, actor, "user_add", username, {"role": role}, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return username

    def remove_user(self, username: str, *, actor: str = "cli") -> None:
        username = (username or "").strip().lower()
        if self.owned_elsewhere():
            self.request_owner("user_remove", {"username": username, "actor": actor})
            return
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                if not _user_exists(con, username):
                    raise StoreError(f"no user {username!r}")
                con.execute("DELETE FROM users WHERE username = ?", [username])
                con.execute("DELETE FROM claims WHERE username = ?", [username])
                con.execute("DELETE FROM sessions WHERE username = ?", [username])  # its sessions end now
                _append_audit(con, actor, "user_remove", username, None, utcnow())
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise

    def set_password(self, username: str, password: str, *, actor: str = "cli") -> None:
        username = (username or "").strip().lower()
        hashed = passwords.hash_password(password)
        if self.owned_elsewhere():
            self.request_owner("user_password", {"username": username, "password_hash": hashed, "actor": actor})
            return
        self._store_password_hash(username, hashed, actor)

    def _store_password_hash(self, username: str, hashed: str, actor: str) -> None:
        now = utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                if not _user_exists(con, username):
                    raise StoreError(f"no user {username!r}")
                con.execute(
                    "UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?", [hashed, now, username]
                )
                ended = _end_sessions(con, username)  # a changed password ends every open session of the account
                _append_audit(con, actor, "user_password", username, {"sessions_ended": ended}, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise

    def user(self, username: str) -> dict[str, Any] | None:
        rows = self.query(
            "SELECT username, role, created_at, updated_at FROM users WHERE username = ?",
            [(username or "").strip().lower()],
        )
        return rows[0] if rows else None

    def authenticate(self, username: str, password: str) -> dict[str, Any] | None:
        """The user if the password is right, else None (same cost whether or not the user exists)."""
        rows = self.query(
            "SELECT username, role, password_hash, updated_at FROM users WHERE username = ?",
            [(username or "").strip().lower()],
        )
        row = rows[0] if rows else None
        if not passwords.verify_password(row["password_hash"] if row else None, password):
            return None
        assert row is not None
        return {"username": row["username"], "role": row["role"], "updated_at": row["updated_at"]}

    # Sessions of the triage app (table `sessions`): the app owns the file while it runs, so these go through its
    # owner connection; a CLI password change or removal is run by the owner (inbox request) and ends them too.

    def start_session(self, username: str, session_id: str, *, max_age: float, now: datetime | None = None) -> None:
        """Record a new session (only the SHA-256 of `session_id`); expired rows are dropped on the way."""
        now = now or utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                con.execute("DELETE FROM sessions WHERE expires_at <= ?", [now])
                con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                            [_session_hash(session_id), username, now, now + timedelta(seconds=max_age)])
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise

    def session_user(self, session_id: str, username: str) -> dict[str, Any] | None:
        """The account of a live session of `username` (None when ended, expired, or the account is gone)."""
        rows = self.query(
            """SELECT u.username, u.role, u.created_at, u.updated_at FROM sessions s JOIN users u USING (username)
               WHERE s.session_hash = ? AND s.username = ? AND s.expires_at > now()""",
            [_session_hash(session_id), username],
        )
        return rows[0] if rows else None

    def end_session(self, session_id: str) -> None:
        """Logout: the session's row goes, so its cookie no longer works anywhere."""
        with self.connect() as con:
            con.execute("DELETE FROM sessions WHERE session_hash = ?", [_session_hash(session_id)])

    def end_sessions(self, username: str, *, actor: str) -> int:
        """End every session of an account (admin "end all sessions"); audited; returns how many ended."""
        username = (username or "").strip().lower()
        now = utcnow()
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                if not _user_exists(con, username):
                    raise StoreError(f"no user {username!r}")
                ended = _end_sessions(con, username)
                _append_audit(con, actor, "sessions_end", username, {"sessions_ended": ended}, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return ended

    # -- audit trail -------------------------------------------------------------------

    def audit(self, actor: str, action: str, target: str | None = None, detail: Any = None) -> int:
        """Append an entry to the hash-chained audit log; returns its seq."""
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                seq = _append_audit(con, actor, action, target, detail, utcnow())
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return seq

    def verify_audit(self) -> tuple[int, list[str]]:
        """(entries checked, problems); no problems means the chain is intact and matches every trusted timestamp
        anchoring it (a chain edited and re-hashed after an anchor fails here, see store/anchors.py)."""
        checked, problems, _ = self.audit_report()
        return checked, problems

    def audit_report(self) -> tuple[int, list[str], list[str]]:
        """(entries checked, problems, notes on the anchors: how many, how many entries after the last)."""
        entries = self.query("SELECT * FROM audit_log ORDER BY seq")
        head_rows = self.query("SELECT key, value FROM schema_info WHERE key IN ('audit_head_seq', 'audit_head_sha256')")
        head_map = {r["key"]: r["value"] for r in head_rows}
        head = (int(head_map.get("audit_head_seq", 0)), head_map.get("audit_head_sha256", audit_chain.GENESIS))
        rows = self.query("SELECT seq, sha256, token FROM audit_anchors ORDER BY seq")
        n_anchors, anchor_problems, notes = anchors.verify(self.path, entries, rows)
        if n_anchors:
            notes.insert(0, f"{n_anchors} trusted timestamp anchor(s) checked")
        return len(entries), audit_chain.verify_chain(entries, head) + anchor_problems, notes

    def anchor_audit(self, url: str | None = None) -> dict[str, Any]:
        """Timestamp the audit chain's head at the TSA (`PANTAU_TSA_URL` or `url`) and keep the token twice (row and
        file). Nothing new since the last anchor: that anchor is returned. While the app owns the file, it does it."""
        if self.owned_elsewhere():
            return self.request_owner("audit_anchor", {"url": url})
        last = self.query("SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1")
        if not last:
            raise StoreError("the audit log is empty: nothing to anchor")
        seq, sha = int(last[0]["seq"]), str(last[0]["sha256"])
        done = self.query("SELECT seq, sha256, tsa_url, tsa_time FROM audit_anchors WHERE seq = ? AND sha256 = ?",
                          [seq, sha])
        if done:
            return {**done[0], "tsa_time": format_time(done[0]["tsa_time"]), "new": False}
        try:
            stamp = timestamp.stamp(anchors.message(seq, sha), url)
        except timestamp.TimestampError as exc:
            raise StoreError(str(exc)) from exc
        anchors.save_file(self.path, seq, sha, stamp.token)  # first the file: a row never lacks its copy
        with self.connect() as con:
            con.execute("INSERT OR IGNORE INTO audit_anchors VALUES (?, ?, ?, ?, ?, ?)",
                        [seq, sha, stamp.token, stamp.tsa_url, stamp.gen_time, utcnow()])
        return {"seq": seq, "sha256": sha, "tsa_url": stamp.tsa_url, "tsa_time": format_time(stamp.gen_time),
                "new": True}

    # -- search ------------------------------------------------------------------------

    def build_search_index(self) -> int:
        """(Re)build the DuckDB full-text index over the triage queue's posts; returns the number of documents.

        Only flagged posts (queue_items) are indexed: the search serves the queue, and an index over every post is
        ten times larger and slower to query (at 1M posts, 17M term rows against 1.7M). While the triage app owns
        the file, the app rebuilds it (request kind `reindex`)."""
        from .extensions import load_extension

        if self.owned_elsewhere():
            return int(self.request_owner("reindex"))

        with self.connect() as con:
            load_extension(con, "fts")
            con.execute(
                """CREATE OR REPLACE TABLE search_docs AS
                SELECT row_number() OVER (ORDER BY platform, post_id) AS doc_id, platform, post_id,
                       concat_ws(' ', text, author_handle, author_name, author_bio, region) AS body
                FROM posts SEMI JOIN queue_items USING (platform, post_id)"""
            )
            con.execute(
                "PRAGMA create_fts_index('search_docs', 'doc_id', 'body', stemmer='none', stopwords='none', "
                "strip_accents=1, lower=1, ignore='(\\.|[^a-z0-9])+', overwrite=1)"
            )
            n = con.execute("SELECT count(*) FROM search_docs").fetchone()[0]
            con.execute(
                "INSERT OR REPLACE INTO schema_info VALUES ('search_indexed_at', ?), ('search_indexed_classified_at', ?)",
                [format_time(con.execute("SELECT max(ingested_at) FROM posts").fetchone()[0]) or "",
                 format_time(con.execute("SELECT max(classified_at) FROM classifications").fetchone()[0]) or ""],
            )
        return int(n)

    def search_condition(self, text: str, alias: str = "qi") -> tuple[str, list[Any]]:
        """A SQL condition on `alias`.platform/post_id: the queue item's post contains every word of `text`.

        Indexed posts are matched through the FTS index tables (all query terms present, tokenised like the
        index: accents stripped, lower case, split at anything but a-z and 0-9). Queue items the index does not
        hold yet are matched by substring: posts stored after the last build_search_index() over their full
        text, bio and names; posts stored before it but flagged since (e.g. by a new model) over the queue row's
        240-character snippet, handle, name and region.
        """
        words = search_terms(text)
        if not words:
            return "TRUE", []
        # one read for the index state: when it was built, and whether posts were flagged since (a cheap check on
        # classified_at; usually nothing until a re-run of the classifier)
        [state] = self.query(
            """WITH s AS (SELECT max(value) FILTER (WHERE key = 'search_indexed_at') AS indexed_at,
                                 max(value) FILTER (WHERE key = 'search_indexed_classified_at') AS classified_at
                          FROM schema_info)
               SELECT indexed_at, EXISTS (SELECT 1 FROM classifications c WHERE c.flagged
                        AND c.classified_at > coalesce(nullif(s.classified_at, ''), '-infinity')::TIMESTAMPTZ) AS flagged_since
               FROM s""")
        indexed_at = state["indexed_at"]
        parts: list[str] = []
        params: list[Any] = []
        likes = lambda expr: " AND ".join(f"{expr} ILIKE ?" for _ in words)  # noqa: E731
        patterns = [f"%{w}%" for w in words]
        full = "concat_ws(' ', text, author_handle, author_name, author_bio, region)"
        if indexed_at is not None:
            parts.append(
                """SELECT (sd.platform, sd.post_id) FROM search_docs sd
                   JOIN fts_main_search_docs.docs fd ON fd.name = sd.doc_id
                   WHERE fd.docid IN (
                     SELECT t.docid FROM fts_main_search_docs.terms t
                     JOIN fts_main_search_docs.dict d ON d.termid = t.termid
                     WHERE d.term IN (SELECT unnest(?::VARCHAR[]))
                     GROUP BY t.docid HAVING count(DISTINCT d.term) = ?)"""
            )
            params += [words, len(words)]
            parts.append(f"SELECT (platform, post_id) FROM posts WHERE ingested_at > ?::TIMESTAMPTZ AND {likes(full)}")
            params += [indexed_at or "-infinity", *patterns]
            # flagged since the index was built: only then scan the queue rows by substring
            if state["flagged_since"]:
                parts.append(
                    f"""SELECT (q.platform, q.post_id) FROM queue_items q
                        WHERE {likes("concat_ws(' ', q.snippet, q.author_handle, q.author_name, q.region)")}
                          AND NOT EXISTS (SELECT 1 FROM search_docs sd
                                          WHERE sd.platform = q.platform AND sd.post_id = q.post_id)"""
                )
                params += patterns
        else:
            parts.append(f"SELECT (platform, post_id) FROM posts WHERE {likes(full)}")
            params += patterns
        return f"(({alias}.platform, {alias}.post_id) IN ({' UNION ALL '.join(parts)}))", params

    def search_keys(self, text: str, limit: int = 5000) -> list[tuple[str, str]]:
        """(platform, post_id) of queue posts containing every word of `text` (see search_condition)."""
        cond, params = self.search_condition(text, alias="p")
        rows = self.query(
            f"SELECT platform, post_id FROM posts p WHERE {cond} ORDER BY platform, post_id LIMIT {int(limit)}", params
        )
        return [(r["platform"], r["post_id"]) for r in rows]

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
                    columns, rows = owner_api.read(info, sql, params, sync=self._handed_over_ns > self._synced_ns)
                    self._synced_ns = asked_ns
                    return [dict(zip(columns, row)) for row in rows]
                except owner_api.OwnerUnavailable:  # an owner without the API (older pantau): its snapshot
                    pass
                except (owner_api.ReadRefused, owner_api.OwnerReadError) as exc:
                    raise StoreError(str(exc)) from None
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

    # -- referral register (issue 7) ---------------------------------------------------

    def register_referral(
        self,
        platform: str,
        post_id: str,
        *,
        package: str,
        package_dir: str,
        package_sha256: str,
        manifest_sha256: str,
        office: str | None,
        built_by: str,
        built_at: datetime | None = None,
        now: datetime | None = None,
    ) -> int:
        """Record a built referral package as a `draft` case and return its referral_id.

        A case still in draft that is built again keeps its id and gets the new package; a case already sent is
        refused (StoreError): the register keeps the package that was sent. Event + audit entry in one transaction.
        """
        now = now or utcnow()
        built_at = built_at or now
        if not built_by or not built_by.strip():
            raise StoreError("a referral needs the name of who built it")
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                if not con.execute(
                    "SELECT count(*) FROM posts WHERE post_id = ? AND platform = ?", [post_id, platform]
                ).fetchone()[0]:
                    raise StoreError(f"no post {platform}/{post_id}")
                row = con.execute(
                    "SELECT referral_id, status FROM referrals WHERE post_id = ? AND platform = ?", [post_id, platform]
                ).fetchone()
                if row is not None and row[1] != "draft":
                    raise StoreError(
                        f"{platform}/{post_id} is referral {row[0]} with status {row[1]!r}: already sent, "
                        "the register keeps the package that was sent")
                package_fields = [package, package_dir, package_sha256, manifest_sha256, office, built_at, built_by]
                if row is None:
                    referral_id = int(con.execute(
                        """INSERT INTO referrals (platform, post_id, package, package_dir, package_sha256,
                               manifest_sha256, office, built_at, built_by, status, status_at, status_by)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING referral_id""",
                        [platform, post_id, *package_fields, now, built_by],
                    ).fetchone()[0])
                else:
                    referral_id = int(row[0])
                    con.execute(
                        """UPDATE referrals SET package = ?, package_dir = ?, package_sha256 = ?, manifest_sha256 = ?,
                               office = ?, built_at = ?, built_by = ?, status_at = ?, status_by = ?
                           WHERE referral_id = ?""",
                        [*package_fields, now, built_by, referral_id],
                    )
                note = ("paket dibuat ulang: " if row else "paket dibuat: ") + package
                con.execute(
                    "INSERT INTO referral_events (referral_id, status, event_at, actor, reference, note) "
                    "VALUES (?, 'draft', ?, ?, NULL, ?)", [referral_id, now, built_by, note])
                _append_audit(con, built_by, "referral_status", f"{platform}/{post_id}", {
                    "referral_id": referral_id, "status": "draft", "rebuilt": row is not None, "package": package,
                    "sha256": package_sha256, "manifest_sha256": manifest_sha256, "office": office,
                }, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return referral_id

    def set_referral_status(
        self,
        referral_id: int,
        status: str,
        *,
        actor: str,
        reference: str | None = None,
        note: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Move a case to a later status (or to `closed` from any status) with an optional reference number.

        Refuses (StoreError) unknown statuses, going back, staying put and leaving `closed`. The reference goes to
        the status's column (REFERRAL_REFERENCE_COLUMNS) and to the event; event + audit entry in one transaction.
        Returns the updated case. While the triage app owns the file, the app makes the change (request
        `referral_status`)."""
        if not actor or not actor.strip():
            raise StoreError("a status change needs an actor")
        if now is None and self.owned_elsewhere():
            return self.request_owner("referral_status", {"referral_id": referral_id, "status": status, "actor": actor,
                                                          "reference": reference, "note": note})
        now = now or utcnow()
        reference = (reference or "").strip() or None
        note = (note or "").strip() or None
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                row = con.execute(
                    "SELECT platform, post_id, status FROM referrals WHERE referral_id = ?", [referral_id]
                ).fetchone()
                if row is None:
                    raise StoreError(f"no referral {referral_id}")
                platform, post_id, current = row
                problem = referral_transition_error(current, status)
                if problem:
                    raise StoreError(f"referral {referral_id}: {problem}")
                sets, params = ["status = ?", "status_at = ?", "status_by = ?"], [status, now, actor]
                column = REFERRAL_REFERENCE_COLUMNS.get(status)
                if column and reference:
                    sets.append(f"{column} = ?")
                    params.append(reference)
                if status != "closed":
                    sets.append("sent_at = coalesce(sent_at, ?)")
                    params.append(now)
                con.execute(f"UPDATE referrals SET {', '.join(sets)} WHERE referral_id = ?", [*params, referral_id])
                con.execute(
                    "INSERT INTO referral_events (referral_id, status, event_at, actor, reference, note) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [referral_id, status, now, actor, reference, note])
                _append_audit(con, actor, "referral_status", f"{platform}/{post_id}", {
                    "referral_id": referral_id, "from": current, "status": status, "reference": reference,
                    "note": note}, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return self.referral(referral_id)

    _REFERRAL_SELECT = """SELECT r.*, p.captured_at, reporting_deadline(p.captured_at) AS deadline_at, p.author_handle,
               p.author_name, p.region, p.url FROM referrals r LEFT JOIN posts p USING (platform, post_id)"""

    def referral(self, referral_id: int) -> dict[str, Any] | None:
        rows = self.query(self._REFERRAL_SELECT + " WHERE r.referral_id = ?", [referral_id])
        return rows[0] if rows else None

    def referral_for(self, platform: str, post_id: str) -> dict[str, Any] | None:
        """The case of an item, or None (the item page asks on every view: no scan of posts when there is none)."""
        if not self.query("SELECT 1 FROM referrals WHERE post_id = ? AND platform = ? LIMIT 1", [post_id, platform]):
            return None
        rows = self.query(self._REFERRAL_SELECT + " WHERE r.post_id = ? AND r.platform = ?", [post_id, platform])
        return rows[0] if rows else None

    def referrals(self) -> list[dict[str, Any]]:
        """Every case with its post's capture time and deadline (first capture + 7 days), by deadline."""
        return self.query(self._REFERRAL_SELECT + " ORDER BY deadline_at, r.referral_id")

    def referral_history(self, referral_id: int) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM referral_events WHERE referral_id = ? ORDER BY event_id", [referral_id])

    # -- evidence (issue 7): capture attempts, re-checks, purge; the files are handled by pantau.referral.evidence --

    def record_evidence(self, rows: Iterable[dict[str, Any]]) -> int:
        """Append capture attempts to `evidence`; returns the rows added.

        `attempt` is numbered here (1, 2, ... per platform, post_id, kind). An `ok` row whose file (same kind and
        sha256) is already recorded `ok` for the post is skipped, so storing a batch twice changes nothing."""
        cols = ("platform", "post_id", "kind", "status", "sha256", "path", "size", "url", "http_status",
                "captured_at", "error")
        rows = [{c: r.get(c) for c in cols} for r in rows]
        if not rows:
            return 0
        inbox = self._inbox_target()
        if inbox is not None:  # the triage app owns the file: hand the batch over (see drain_inbox)
            self._hand_over(inbox, "evidence", (json.dumps(r, ensure_ascii=False, default=str) for r in rows))
            return len(rows)
        added = 0
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                for r in rows:
                    key = [r["post_id"], r["platform"], r["kind"]]
                    if r["status"] == "ok" and con.execute(
                        "SELECT count(*) FROM evidence WHERE post_id = ? AND platform = ? AND kind = ? AND status = 'ok'"
                        " AND sha256 = ?", key + [r["sha256"]],
                    ).fetchone()[0]:
                        continue
                    attempt = con.execute(
                        "SELECT coalesce(max(attempt), 0) + 1 FROM evidence WHERE post_id = ? AND platform = ? AND kind = ?",
                        key,
                    ).fetchone()[0]
                    con.execute(
                        f"INSERT INTO evidence (attempt, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})",
                        [attempt] + [r[c] for c in cols],
                    )
                    added += 1
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return added

    def record_evidence_checks(self, rows: Iterable[dict[str, Any]]) -> int:
        """Append re-check results to `evidence_checks` (a repeated (platform, post_id, checked_at) is ignored)."""
        cols = ("platform", "post_id", "checked_at", "outcome", "url", "http_status", "old_sha256", "new_sha256",
                "error")
        rows = list(rows)
        values = [[r.get(c) for c in cols] for r in rows]
        if not values:
            return 0
        inbox = self._inbox_target()
        if inbox is not None:  # the triage app owns the file: hand the batch over (see drain_inbox)
            self._hand_over(inbox, "evidence_checks", (json.dumps(r, ensure_ascii=False, default=str) for r in rows))
            return len(values)
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                before = con.execute("SELECT count(*) FROM evidence_checks").fetchone()[0]
                con.executemany(
                    f"INSERT OR IGNORE INTO evidence_checks ({', '.join(cols)}) VALUES (?{', ?' * (len(cols) - 1)})",
                    values,
                )
                after = con.execute("SELECT count(*) FROM evidence_checks").fetchone()[0]
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return int(after - before)

    def purge_evidence(
        self, items: dict[tuple[str, str], str], *, actor: str = "cli", now: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Delete the `evidence` and `evidence_checks` rows of each (platform, post_id) -> reason, with one
        `evidence_purge` audit entry per post, in one transaction. Returns the deleted `ok` evidence rows (the
        caller removes the files no remaining row refers to)."""
        now = now or utcnow()
        deleted: list[dict[str, Any]] = []
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                for (platform, post_id), reason in sorted(items.items()):
                    cur = con.execute(
                        "SELECT kind, attempt, status, sha256, path, size FROM evidence WHERE post_id = ? AND platform = ?"
                        " ORDER BY kind, attempt", [post_id, platform],
                    )
                    names = [d[0] for d in cur.description]
                    rows = [dict(zip(names, r)) for r in cur.fetchall()]
                    checks = con.execute(
                        "SELECT count(*) FROM evidence_checks WHERE post_id = ? AND platform = ?", [post_id, platform]
                    ).fetchone()[0]
                    con.execute("DELETE FROM evidence WHERE post_id = ? AND platform = ?", [post_id, platform])
                    con.execute("DELETE FROM evidence_checks WHERE post_id = ? AND platform = ?", [post_id, platform])
                    _append_audit(con, actor, "evidence_purge", f"{platform}/{post_id}", {
                        "reason": reason, "rows": len(rows), "checks": int(checks),
                        "files": [{"kind": r["kind"], "sha256": r["sha256"], "path": r["path"]}
                                  for r in rows if r["status"] == "ok"],
                    }, now)
                    deleted.extend({"platform": platform, "post_id": post_id, **r} for r in rows if r["status"] == "ok")
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        self._drop_snapshot()
        return deleted

    def purge_unflagged(self, days: int, *, dry_run: bool = False, actor: str = "cli",
                        now: datetime | None = None) -> dict[str, Any]:
        """Delete posts captured more than `days` ago that no model flagged and nobody worked on (UU PDP: keep the
        least data), with their raw payloads, classifier results and watchlist rows, in one transaction with one
        `retention_purge` audit entry (counts only, no post ids).

        Kept whatever their age: posts any classification flagged, posts in the triage queue (incl. manual intake),
        posts with a decision, note, referral or evidence, and posts never classified (a failed classification
        must not lose a post; they are counted so that the operator sees them)."""
        if days < 1:
            raise StoreError("retention must be at least 1 day")
        if self._inbox_target() is not None:  # the triage app owns the file: it runs the purge (and its audit)
            if now is not None:
                raise StoreError("a purge run by the owning triage app uses its own clock: leave `now` unset")
            return self.request_owner("retention", {"days": days, "dry_run": dry_run, "actor": actor})
        now = now or utcnow()
        cutoff = now - timedelta(days=days)
        counts: dict[str, Any] = {"days": days, "cutoff": format_time(cutoff)}
        with self.connect() as con:
            con.execute("BEGIN")
            try:
                con.execute(_PURGEABLE_SQL, [cutoff])
                counts["posts"] = con.execute("SELECT count(*) FROM purgeable").fetchone()[0]
                counts["kept_unclassified"] = con.execute(
                    """SELECT count(*) FROM posts p WHERE p.captured_at < ? AND NOT EXISTS
                       (SELECT 1 FROM classifications c WHERE c.post_id = p.post_id AND c.platform = p.platform)""",
                    [cutoff]).fetchone()[0]
                for table in _RETENTION_TABLES:
                    counts[table] = con.execute(
                        f"SELECT count(*) FROM {table} t SEMI JOIN purgeable USING (platform, post_id)"
                    ).fetchone()[0]
                if dry_run:
                    con.execute("ROLLBACK")
                    return counts
                for table in _RETENTION_TABLES:
                    con.execute(f"DELETE FROM {table} t USING purgeable x WHERE t.post_id = x.post_id "
                                "AND t.platform = x.platform")
                if counts["posts"]:
                    counts["audit_seq"] = _append_audit(con, actor, "retention_purge", None, dict(counts), now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        self._drop_snapshot()
        return counts


def search_terms(text: str) -> list[str]:
    """Query words tokenised like the FTS index (strip accents, lower case, split at non [a-z0-9])."""
    import re
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c)).lower()
    return list(dict.fromkeys(w for w in re.split(r"[^a-z0-9]+", folded) if w))


# -- helpers that run inside a caller's transaction --------------------------------------------


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _end_sessions(con, username: str) -> int:
    return len(con.execute("DELETE FROM sessions WHERE username = ? RETURNING session_hash", [username]).fetchall())


def _actor_role(con, actor: str, role: str | None, default: str) -> str:
    """The role an actor acts in: an account's own role, whatever the caller says; without an account (scripts,
    tests, the CLI working on the file directly) the caller's `role`, else `default`."""
    row = con.execute("SELECT role FROM users WHERE username = ?", [actor]).fetchone()
    return row[0] if row is not None else (role or default)


def _review_state(con, platform: str, post_id: str) -> ItemState:
    latest = con.execute(
        """SELECT d.decision_id, d.decision, d.reviewer, f.agreed FROM decisions d
           LEFT JOIN confirmations f USING (decision_id)
           WHERE d.platform = ? AND d.post_id = ? ORDER BY d.decision_id DESC LIMIT 1""", [platform, post_id]
    ).fetchone()
    decision_id, decision, decided_by, agreed = latest if latest else (None, None, None, None)
    status = review.status_of(decision, agreed)
    sent, draft = con.execute(
        """SELECT count(*) FILTER (WHERE sent_at IS NOT NULL), count(*) FILTER (WHERE status = 'draft')
           FROM referrals WHERE platform = ? AND post_id = ?""", [platform, post_id]
    ).fetchone()
    if status == "confirmed" and sent:
        status = review.REFERRED
    pending = con.execute(
        """SELECT requested_by FROM reopen_requests WHERE platform = ? AND post_id = ? AND decision_id = ?
           AND approved_by IS NULL ORDER BY request_id LIMIT 1""", [platform, post_id, decision_id]
    ).fetchone() if decision_id is not None else None
    return ItemState(status=status, decided_by=decided_by, decision=decision,
                     reopen_requested_by=pending[0] if pending else None, draft_referral=bool(draft))


def _check_review(con, platform: str, post_id: str, action: str, role: str, actor: str, decision: str | None = None,
                  *, state: ItemState | None = None) -> str:
    try:
        return review.check(state or _review_state(con, platform, post_id), action, role, actor, decision)
    except ReviewRefused as exc:
        raise TransitionRefused(exc) from None


def _insert_decision(con, platform, post_id, decision, reason, duplicate_of, reviewer, now) -> int:
    row = con.execute(
        """INSERT INTO decisions (platform, post_id, decision, reason, duplicate_of, reviewer, decided_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING decision_id""",
        [platform, post_id, decision, reason, duplicate_of, reviewer, now],
    ).fetchone()
    return int(row[0])


def _insert_note(con, platform, post_id, username, body, checklist, now) -> int:
    row = con.execute(
        """INSERT INTO notes (platform, post_id, username, body, checklist, created_at)
        VALUES (?, ?, ?, ?, ?, ?) RETURNING note_id""",
        [platform, post_id, username, (body or "").strip() or None,
         json.dumps(checklist, sort_keys=True) if checklist is not None else None, now],
    ).fetchone()
    return int(row[0])


def _user_exists(con, username: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM users WHERE username = ?", [username]).fetchone()[0])


def _claim_holder(con, platform: str, post_id: str, now: datetime) -> str | None:
    row = con.execute(
        "SELECT username FROM claims WHERE platform = ? AND post_id = ? AND expires_at > ?", [platform, post_id, now]
    ).fetchone()
    return row[0] if row else None


_QUEUE_ITEMS_SELECT = """
SELECT p.platform, p.post_id, p.author_id, p.author_handle, p.author_name, p.region, left(p.text, 240),
       p.captured_at, reporting_deadline(p.captured_at), c.score, c.category,
       CASE
         WHEN d.decision IS NULL THEN 'new'
         WHEN d.decision = 'needs_info' THEN 'needs_info'
         WHEN d.decision = 'violation' AND f.agreed THEN 'confirmed'
         WHEN d.decision = 'violation' THEN 'awaiting_confirmation'
         ELSE d.decision
       END,
       d.decision_id
FROM posts p
JOIN (SELECT * FROM classifications {filter}
      QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY classified_at DESC, model_version DESC) = 1) c
  USING (platform, post_id)
LEFT JOIN (SELECT * FROM decisions {filter}
      QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY decision_id DESC) = 1) d
  USING (platform, post_id)
LEFT JOIN confirmations f ON f.decision_id = d.decision_id
WHERE c.flagged {post_filter}
"""


def _refresh_queue_items(con, keys_table: str | None) -> None:
    """Recompute queue_items for the posts in `keys_table` (platform, post_id), or for all posts."""
    if keys_table is None:
        con.execute("DELETE FROM queue_items")
        con.execute("INSERT INTO queue_items " + _QUEUE_ITEMS_SELECT.format(filter="", post_filter=""))
        return
    semi = f"(platform, post_id) IN (SELECT (platform, post_id) FROM {keys_table})"
    con.execute(f"DELETE FROM queue_items WHERE {semi}")
    con.execute(
        "INSERT INTO queue_items "
        + _QUEUE_ITEMS_SELECT.format(
            filter=f"WHERE {semi}", post_filter=f"AND (p.platform, p.post_id) IN (SELECT (platform, post_id) FROM {keys_table})"
        )
    )


def _refresh_one(con, platform: str, post_id: str) -> None:
    con.execute("DELETE FROM queue_items WHERE platform = ? AND post_id = ?", [platform, post_id])
    sel = _QUEUE_ITEMS_SELECT.format(
        filter="WHERE platform = $platform AND post_id = $post_id",
        post_filter="AND p.platform = $platform AND p.post_id = $post_id",
    )
    con.execute("INSERT INTO queue_items " + sel, {"platform": platform, "post_id": post_id})


def _append_audit(con, actor: str, action: str, target: str | None, detail: Any, now: datetime) -> int:
    # The head is kept in schema_info (written in the same transaction as each entry), so appending stays O(1) as
    # the log grows; databases without it fall back to the log itself.
    head = dict(con.execute(
        "SELECT key, value FROM schema_info WHERE key IN ('audit_head_seq', 'audit_head_sha256')"
    ).fetchall())
    if len(head) == 2:
        last = (head["audit_head_seq"], head["audit_head_sha256"])
    else:
        last = con.execute("SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(last[0]) + 1, last[1]) if last else (1, audit_chain.GENESIS)
    entry = {
        "seq": seq,
        "logged_at": now,
        "actor": actor,
        "action": action,
        "target": target,
        "detail": None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    }
    # The stored timestamp is what verify() reads back: hash the value DuckDB will return (microseconds, UTC).
    digest = audit_chain.entry_hash(prev, entry)
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, now, actor, action, target, entry["detail"], prev, digest],
    )
    con.execute("INSERT OR REPLACE INTO schema_info VALUES ('audit_head_seq', ?), ('audit_head_sha256', ?)",
                [str(seq), digest])
    return seq


def _insert_staging(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Store the rows of the temp table `staging` (columns of `_POST_COLUMNS`, one row per post key) with INSERT OR
    IGNORE into posts, raw_payloads and post_watchlists, then drop it; the caller holds the transaction.
    Returns the number of posts added."""
    before = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    con.execute(
        f"""INSERT OR IGNORE INTO posts ({", ".join(_STORED_COLUMNS)}, ingested_at)
        SELECT {", ".join(_STORED_COLUMNS)}, ?::TIMESTAMPTZ FROM staging""",
        [now],
    )
    con.execute(
        """INSERT OR IGNORE INTO raw_payloads
        SELECT platform, post_id, raw_sha256, raw FROM staging
        WHERE raw IS NOT NULL AND raw_sha256 IS NOT NULL"""
    )
    con.execute(
        """INSERT OR IGNORE INTO post_watchlists
        SELECT platform, post_id, watchlist, captured_at FROM staging WHERE watchlist IS NOT NULL"""
    )
    after = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    con.execute("DROP TABLE staging")
    return after - before


def ingest_file_as_posts(store: Any, path: str | Path, *, watchlist: str | None = None, now: datetime | None = None,
                         skip_invalid: bool = False, errors: list[JsonlError] | None = None,
                         progress: Callable[[int], None] | None = None) -> IngestResult:
    """`ingest_file` through `store.ingest` of the parsed posts (the inbox and DuckLake path)."""
    from pantau.progress import counted

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
    """No line of the chunk can exceed MAX_POST_BYTES or MAX_DEPTH (nesting needs an opening bracket a level): the
    DuckDB path may read them. Else the Python path (iter_jsonl_posts) judges the chunk, line by line."""
    if max(map(len, lines)) > MAX_POST_BYTES + 2:  # \r\n
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


def result_rows(results: Iterable[dict[str, Any]], now: datetime) -> list[tuple]:
    """Classifier results (pantau.nlp's dicts) as rows in the column order of `classifications`."""
    return [(r["platform"], r["post_id"], r["model_version"], float(r["score"]), bool(r["flagged"]), r.get("category"),
             json.dumps(r.get("signals", []), ensure_ascii=False), now, r.get("identity_class"),
             None if r.get("partisan_score") is None else float(r["partisan_score"]), r.get("truncated_at"))
            for r in results]


def _staged_results(rows: Sequence[tuple]):  # noqa: ANN202 - a context manager yielding the file's path
    """Classifier result rows (platform, post_id, model_version, score, flagged, category, signals JSON text, ...)
    as JSON Lines for one read_json INSERT (executemany stored about 400 rows/s)."""
    return _staged_lines((json.dumps({"n": n, "platform": r[0], "post_id": r[1], "model_version": r[2],
                                      "score": r[3], "flagged": r[4], "category": r[5], "signals": r[6],
                                      "identity_class": r[8], "partisan_score": r[9], "truncated_at": r[10]},
                                     ensure_ascii=False) for n, r in enumerate(rows)), "results")


def _staged(batch: Sequence[Post], now: datetime, watchlist: str | None = None):  # noqa: ANN202
    """A batch as flat JSON Lines for DuckDB's read_json (fast bulk path)."""
    captured_default = format_time(now)
    return _staged_lines((_staging_line(p, captured_default, watchlist) for p in batch), "ingest")


def _inbox_write(inbox: Path, kind: str, lines: Iterable[str]) -> Path:
    """Hand a batch to the owning process: written to a hidden temp file, synced, then renamed into place, so
    the owner never reads a partial batch. Names sort by creation time, so batches are stored in order."""
    name = f"{time.time_ns():020d}-{os.getpid()}-{next(_INBOX_SEQ):06d}.{kind}.jsonl"
    tmp = inbox / f".{name}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line)
            fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, inbox / name)
    return inbox / name
