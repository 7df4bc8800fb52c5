"""Analyst access to the store (issue 8): read-only SQL and exports, optionally pseudonymised. See docs/sql.md.

`run_sql` opens the database read-only with file access switched off, so a statement can neither change the
database nor read or write other files; while the triage app owns the file it runs the read for us, in a read-only
transaction, refusing the same (store/owner_api.py). `export` copies posts, classifications, decisions and the analyst views
to Parquet or CSV with DuckDB's COPY and appends an `export` entry to the audit log.

Pseudonymising replaces every identity column with HMAC-SHA256(salt, value) (hex) and leaves out what identifies
people by itself: author bios, URLs (they often contain the handle), reviewers' free-text reasons and bio quotes in
classifier signals. Raw payloads are never exported (an intake's raw payload holds the reporter's contact).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pantau.post import format_time, utcnow

from .connection import connect_waiting
from .errors import StoreBusy, StoreError
from .owner_client import live_owner
from .db import Store
from .lake import is_lake, lake_read_only_connection
from .ownership import register_request_handler
from .sql_results import AnalystError, SqlResult, format_result, owner_read  # noqa: F401 (format_result: callers)

# The tables an analyst needs to rerun the docs' queries (four eyes, deadlines, referrals) on an export.
EXPORT_TABLES = ("posts", "classifications", "decisions", "confirmations", "referrals", "queue_items",
                 "decision_withdrawals", "double_checks")  # withdrawn decisions do not count; the sampled ones
ANALYST_VIEWS = ("v_flags_weekly", "v_reviewer_throughput", "v_classifier_precision", "v_referrals_by_status",
                 "v_repeat_accounts", "v_review_sla")
SALT_ENV = "PANTAU_PSEUDONYM_SALT"
MIN_SALT_LENGTH = 16
FORMATS = ("parquet", "csv")
# Columns replaced by their HMAC when pseudonymising, and columns left out.
PSEUDONYMISED_COLUMNS = frozenset({"author_id", "author_handle", "author_name", "reviewer", "supervisor", "built_by",
                                   "status_by", "withdrawn_by"})
# shared_from holds the original author's identity and bio; media URLs and a profile location often identify too.
# A referral's package_dir is a path on the team's server.
DROPPED_COLUMNS = frozenset({"author_bio", "url", "reason", "author_location", "shared_from", "media", "package_dir"})


def pseudonym(salt: str, value: str | None) -> str | None:
    """HMAC-SHA256 of `value` keyed with `salt`, as 64 hex characters (None stays None)."""
    if value is None:
        return None
    return hmac.new(salt.encode("utf-8"), str(value).encode("utf-8"), hashlib.sha256).hexdigest()


def scrub_signals(signals: str | None) -> str | None:
    """Classifier signals without the quoted text of bio signals (a bio identifies its author)."""
    if signals is None:
        return None
    items = json.loads(signals)
    if isinstance(items, list):
        for sig in items:
            if isinstance(sig, dict) and sig.get("source") != "text":
                sig.pop("text", None)
    return json.dumps(items, ensure_ascii=False)


# -- read-only SQL -----------------------------------------------------------------------------------------------


def _read_only_connection(db: Path, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    """The database opened read-only, without access to any other file; waits like Store while a job writes.
    While the triage app owns the file, its snapshot is read (made on request: it holds everything stored so far)."""
    path = Store(db).snapshot_for_reading() if live_owner(db) is not None else db
    return connect_waiting(path, read_only=True, lock_timeout=lock_timeout, owned=lambda owner: StoreBusy(
        f"{db} is owned by the running triage app (process {owner}); stop it to query the file"),
        config={"enable_external_access": False, "lock_configuration": True}, db=db)


def run_sql(db: str | Path, sql: str, *, lock_timeout: float = 30.0, ask_owner: bool = True) -> SqlResult:
    """Run `sql` (one or more statements; the last one's result is returned) on a read-only connection, or by the
    process that owns the file (`ask_owner` False: the caller has just asked it, with `owner_read`).

    Raises AnalystError for statements that would write (the connection is read-only) or touch files, and for
    SQL errors."""
    if not sql.strip():
        raise AnalystError("no SQL given")
    if is_lake(db):
        try:
            con = lake_read_only_connection(str(db))
        except StoreError as exc:
            raise AnalystError(str(exc)) from None
    else:
        db = Path(db)
        if not db.is_file():
            raise AnalystError(f"{db}: no such file")
        owned = owner_read(db, sql) if ask_owner else None  # the app owns the file: it runs the read (no copy)
        if owned is not None:
            return owned
        con = _read_only_connection(db, lock_timeout)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if cur.description else []
    except duckdb.Error as exc:
        msg = str(exc)
        if "read-only mode" in msg:
            raise AnalystError(f"refused: the database is opened read-only, `pantau sql` only reads ({msg})") from None
        if "disabled by configuration" in msg or isinstance(exc, duckdb.PermissionException):
            raise AnalystError(f"refused: `pantau sql` reads only the database, no other files ({msg})") from None
        hint = ""
        if isinstance(exc, duckdb.CatalogException) and "v_" in msg:
            hint = " (a database written by an older pantau gets the analyst views on its next write, e.g. an ingest)"
        raise AnalystError(f"{msg}{hint}") from None
    finally:
        con.close()
    return SqlResult(columns, rows)


# -- export ------------------------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    out_dir: Path
    format: str
    pseudonymised: bool
    files: list[dict[str, Any]] = field(default_factory=list)  # {name, file, rows, sha256}
    audit_seq: int | None = None


def _select(con: duckdb.DuckDBPyConnection, relation: str, pseudonymise: bool) -> str:
    columns = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? "
        "ORDER BY ordinal_position", [relation]).fetchall()]
    parts = []
    for col in columns:
        quoted = '"' + col.replace('"', '""') + '"'
        if not pseudonymise:
            parts.append(quoted)
        elif col in DROPPED_COLUMNS:
            continue
        elif col in PSEUDONYMISED_COLUMNS:
            parts.append(f"pantau_pseudonym({quoted}) AS {quoted}")
        elif col == "signals":
            parts.append(f"pantau_scrub_signals(CAST({quoted} AS VARCHAR)) AS {quoted}")
        else:
            parts.append(quoted)
    return f"SELECT {', '.join(parts)} FROM \"{relation}\""


def export(
    db: str | Path,
    out_dir: str | Path,
    fmt: str = "parquet",
    *,
    pseudonymise: bool = False,
    salt: str | None = None,
    actor: str = "cli",
) -> ExportResult:
    """Write EXPORT_TABLES and the analyst views to `out_dir` (<name>.parquet or .csv) plus
    `export.json` (what was written, rows and SHA-256 per file), then log an `export` audit entry."""
    db, out_dir = Path(db), Path(out_dir)
    if fmt not in FORMATS:
        raise AnalystError(f"unknown export format {fmt!r}; expected parquet or csv")
    if not db.is_file():
        raise AnalystError(f"{db}: no such file")
    if pseudonymise:
        if not salt:
            raise AnalystError(f"--pseudonymise needs a secret salt in the environment variable {SALT_ENV}")
        if len(salt) < MIN_SALT_LENGTH:
            raise AnalystError(f"{SALT_ENV} must be at least {MIN_SALT_LENGTH} characters: handles are easy to "
                               "guess, only a long secret salt keeps the pseudonyms from being reversed")
    store = Store(db)
    if store.owned_elsewhere():  # the triage app writes the files and the audit entry (no copy of the database)
        done = store.request_owner("export", {"out_dir": str(out_dir.resolve()), "fmt": fmt,
                                              "pseudonymise": pseudonymise, "salt": salt, "actor": actor})
        return ExportResult(out_dir=out_dir, format=fmt, pseudonymised=pseudonymise, files=done["files"],
                            audit_seq=done["audit_seq"])
    store.init()  # a file from an older pantau gets the analyst views
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out_dir=out_dir, format=fmt, pseudonymised=pseudonymise)
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
    with store.connect(read_only=True) as con:
        if pseudonymise:
            con.create_function("pantau_pseudonym", lambda v: pseudonym(salt, v), ["VARCHAR"], "VARCHAR",
                                side_effects=False)
            con.create_function("pantau_scrub_signals", scrub_signals, ["VARCHAR"], "VARCHAR", side_effects=False)
        try:
            for name in (*EXPORT_TABLES, *ANALYST_VIEWS):
                target = out_dir / f"{name}.{fmt}"
                path_sql = "'" + str(target).replace("'", "''") + "'"
                rows = con.execute(f"COPY ({_select(con, name, pseudonymise)}) TO {path_sql} ({options})").fetchone()[0]
                result.files.append({"name": name, "file": target.name, "rows": int(rows)})
        finally:
            if pseudonymise:
                con.remove_function("pantau_pseudonym")
                con.remove_function("pantau_scrub_signals")
    for f in result.files:
        with (out_dir / f["file"]).open("rb") as fh:
            f["sha256"] = hashlib.file_digest(fh, "sha256").hexdigest()
    manifest = {"exported_at": format_time(utcnow()), "database": db.name, "format": fmt,
                "pseudonymised": pseudonymise, "files": result.files}
    (out_dir / "export.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    result.audit_seq = store.audit(actor, "export", str(out_dir.resolve()), {
        "format": fmt, "pseudonymised": pseudonymise, "files": result.files,
    })
    return result


def _answer_export(store: Store, args: dict[str, Any]) -> dict[str, Any]:
    """Owner side of `pantau export` while the app runs: the same export, on the owner's connection."""
    done = export(store.path, Path(args["out_dir"]), str(args["fmt"]), pseudonymise=bool(args.get("pseudonymise")),
                  salt=args.get("salt"), actor=str(args.get("actor") or "cli"))
    return {"files": done.files, "audit_seq": done.audit_seq}


register_request_handler("export", _answer_export)
