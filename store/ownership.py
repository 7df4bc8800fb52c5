"""Ownership: one long-lived process (the triage app, `Store.own()`) keeps the database open; others hand over.

The owner writes an owner file (`<db>.owner`) and reads an inbox directory (`<db>.inbox/`). Any other process whose
Store sees a live owner does not wait for the lock: `ingest()`, `save_classifications()` and the evidence writes put
their batch atomically as a file into the inbox, and the owner stores it (`drain_inbox()`), in order, through the
same code. Every batch is idempotent, so a file stored twice after a crash changes nothing.

The few operations that cannot be a batch go through the inbox as **requests** (`<name>.<kind>.request.json`,
answered by `<name>.response.json`): `purge_unflagged` (`retention`), account changes (`user_add`, `user_remove`,
`user_password`: the caller sends the argon2 hash, never the password), `build_search_index` (`reindex`), audit
anchors (`audit_anchor`), referral status changes (`referral_status`), snapshots for readers without the read API
(`snapshot`: `<db>.snapshot.duckdb`, the file copied after a CHECKPOINT) and the use cases above the store that
register a handler (`refer`: pantau.referral.register, `export`: store/analyst.py) with `register_request_handler`,
so the store never imports them. Reads go to the owner's read API (store/owner_api.py).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb

from pantau.post import format_time, utcnow
from pantau.proc import Foreground

from . import owner_api, passwords
from .connection import _OWNED, _all_turns, _path_lock, inbox_dir, snapshot_file
from .errors import StoreBusy, StoreError
from .owner_client import live_owner, owner_file

log = logging.getLogger(__name__)
_INBOX_SEQ = itertools.count()

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


# The write-ahead log the owner lets grow before DuckDB checkpoints it into the file (DuckDB's default: 16 MB). A
# checkpoint makes every commit and request wait for it: measured at 12.5M posts, 0.27 s each, whatever its size; an
# inbox batch of 10,000 posts logs 3.8 MB, so the default meant one every 4 batches (every ~5 s at 10,000 posts/s:
# item page p95 123 ms, max 458, during such a hand-over), 256 MB one every ~70 (p95 100 ms, max 127 with 1 GB). A
# crash replays at most this much log when the file is next opened.
OWNER_CHECKPOINT_THRESHOLD = "256MB"


class Ownership:
    """Owning the file, the inbox of batches and requests, and snapshots (a part of `Store`)."""

    _foreground: Foreground | None = None  # the owning app's requests, which its background writes give way to

    @property
    def owning(self) -> bool:
        return self._owner_con is not None

    def give_way_to(self, foreground: Foreground | None) -> None:
        """While this process owns the file, its background writes (the inbox's batches) wait between their steps
        while `foreground` serves requests (the triage app's pages): see `give_way`."""
        self._foreground = foreground

    def give_way(self) -> None:
        """Between two steps of storing an inbox batch (`drain_inbox`) in the owning process: wait while requests
        are served (at most the foreground's max_wait a step). Any other write goes on: a request's own (the intake
        page's post) would otherwise wait for itself."""
        if self._foreground is not None and self._owner_con is not None and getattr(self._local, "draining", False):
            self._foreground.give_way()

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
            self._owner_con.execute(f"SET checkpoint_threshold = '{OWNER_CHECKPOINT_THRESHOLD}'")
            _OWNED[str(self.path.resolve())] = self._owner_con
        inbox_dir(self.path).mkdir(parents=True, exist_ok=True)
        # Imported here, not at the top: analyst imports the Store (store/db.py), which is built on this module;
        # importing it registers the owner's `export`.
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
        with _all_turns(self.path):  # no write transaction left open
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

    def drain_inbox(self, stop: Callable[[], bool] | None = None) -> dict[str, int]:
        """Owner side: ingest every batch file in the inbox, oldest first, and delete it once stored; `stop()`
        true ends the call between two files (the rest wait for the next call).

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
                self._drain(inbox, done, stop or (lambda: False))
        finally:
            self._local.draining = False
        return done

    def _drain(self, inbox: Path, done: dict[str, int], stop: Callable[[], bool]) -> None:
        files = [p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")]
        names = sorted(p for p in files if p.name.endswith(".jsonl") or p.name.endswith(".request.json"))
        stale = time.time() - 2 * REQUEST_TIMEOUT
        for f in files:  # answers whose caller gave up (timeout, Ctrl-C) are never read: remove them
            if f.name.endswith(".response.json") and f.stat().st_mtime < stale:
                f.unlink(missing_ok=True)
        for f in names:
            if stop():
                break
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

    def _handed_over_rows(self, kind: str, rows: Iterable[dict[str, Any]]) -> bool:
        """When another process owns the file, hand `rows` to it as a `kind` batch (see drain_inbox): True if so."""
        inbox = self._inbox_target()
        if inbox is None:
            return False
        self._hand_over(inbox, kind, (json.dumps(r, ensure_ascii=False, default=str) for r in rows))
        return True

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
        with _all_turns(self.path):  # a CHECKPOINT needs no write beside it
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

    def snapshot_for_reading(self) -> Path:
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
