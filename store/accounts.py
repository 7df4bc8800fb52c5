"""Accounts and sessions of the triage app: users (argon2 hashes, store/passwords.py) and server-side sessions."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from pantau.post import utcnow

from . import passwords
from .audit_log import _append_audit
from .connection import StoreError


class Accounts:
    """Users and sessions (a part of `Store`)."""

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
        with self.transaction() as con:
            if _user_exists(con, username):
                raise StoreError(f"user {username!r} exists already")
            con.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)", [username, hashed, role, now, now])
            _append_audit(con, actor, "user_add", username, {"role": role}, now)
        return username

    def remove_user(self, username: str, *, actor: str = "cli") -> None:
        username = (username or "").strip().lower()
        if self.owned_elsewhere():
            self.request_owner("user_remove", {"username": username, "actor": actor})
            return
        with self.transaction() as con:
            if not _user_exists(con, username):
                raise StoreError(f"no user {username!r}")
            con.execute("DELETE FROM users WHERE username = ?", [username])
            con.execute("DELETE FROM claims WHERE username = ?", [username])
            con.execute("DELETE FROM sessions WHERE username = ?", [username])  # its sessions end now
            _append_audit(con, actor, "user_remove", username, None, utcnow())

    def set_password(self, username: str, password: str, *, actor: str = "cli") -> None:
        username = (username or "").strip().lower()
        hashed = passwords.hash_password(password)
        if self.owned_elsewhere():
            self.request_owner("user_password", {"username": username, "password_hash": hashed, "actor": actor})
            return
        self._store_password_hash(username, hashed, actor)

    def _store_password_hash(self, username: str, hashed: str, actor: str) -> None:
        now = utcnow()
        with self.transaction() as con:
            if not _user_exists(con, username):
                raise StoreError(f"no user {username!r}")
            con.execute(
                "UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?", [hashed, now, username]
            )
            ended = _end_sessions(con, username)  # a changed password ends every open session of the account
            _append_audit(con, actor, "user_password", username, {"sessions_ended": ended}, now)

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
        with self.transaction() as con:
            con.execute("DELETE FROM sessions WHERE expires_at <= ?", [now])
            con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                        [_session_hash(session_id), username, now, now + timedelta(seconds=max_age)])

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
        with self.transaction() as con:
            if not _user_exists(con, username):
                raise StoreError(f"no user {username!r}")
            ended = _end_sessions(con, username)
            _append_audit(con, actor, "sessions_end", username, {"sessions_ended": ended}, now)
        return ended


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _end_sessions(con, username: str) -> int:
    return len(con.execute("DELETE FROM sessions WHERE username = ? RETURNING session_hash", [username]).fetchall())


def _user_exists(con, username: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM users WHERE username = ?", [username]).fetchone()[0])
