"""Capture API tokens and the captures made with them (issue 19): tables `capture_tokens` and `captures`.

A token is 32 random bytes (URL-safe base64) shown to its owner once; only its SHA-256 is stored. A request's token
is hashed and looked up by that hash, then the stored hash is compared in constant time. A token belongs to one user
and works only while it is not revoked and its user still exists (the role is checked by the caller on each use).

`captures` holds one row per capture the intake API accepted, keyed by the client's capture id, so a capture sent
twice (a retry after a lost answer) is stored once. It names the token (hence the monitor) and the hashes of the
screenshot and page snapshot: the evidence rows of those files are marked "captured by a monitor" through it.

Every function takes a `pantau.store.db.Store` and writes through `store.connect()` (while the triage app runs it owns
the database file, so its own Store is the one to use).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from pantau.post import utcnow

TOKEN_BYTES = 32
MAX_LABEL = 80


class TokenError(ValueError):
    """A token operation that cannot be done (unknown token, not the owner's, already revoked)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store, username: str, label: str = "", *, now: datetime | None = None) -> tuple[str, str]:
    """A new token for `username`: returns (token_id, token). The token itself is never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    token_id = secrets.token_hex(6)
    with store.connect() as con:
        con.execute(
            "INSERT INTO capture_tokens (token_id, username, label, token_sha256, created_at) VALUES (?, ?, ?, ?, ?)",
            [token_id, username, (label or "").strip()[:MAX_LABEL] or None, token_hash(token), now or utcnow()],
        )
    return token_id, token


def revoke_token(store, token_id: str, username: str, *, now: datetime | None = None) -> None:
    """Revoke one of `username`'s own tokens. TokenError when it is not theirs or already revoked."""
    with store.connect() as con:
        row = con.execute("SELECT username, revoked_at FROM capture_tokens WHERE token_id = ?", [token_id]).fetchone()
        if row is None or row[0] != username:
            raise TokenError("token tidak ditemukan")
        if row[1] is not None:
            raise TokenError("token sudah dicabut")
        con.execute("UPDATE capture_tokens SET revoked_at = ? WHERE token_id = ?", [now or utcnow(), token_id])


def user_tokens(store, username: str) -> list[dict[str, Any]]:
    """A user's tokens (never the token itself), newest first, with how many captures each made."""
    return store.query(
        """SELECT t.token_id, t.label, t.created_at, t.revoked_at,
                  (SELECT count(*) FROM captures c WHERE c.token_id = t.token_id) AS captures,
                  (SELECT max(c.received_at) FROM captures c WHERE c.token_id = t.token_id) AS last_used_at
           FROM capture_tokens t WHERE t.username = ? ORDER BY t.created_at DESC, t.token_id""", [username])


def token_user(store, token: str) -> dict[str, Any] | None:
    """The live token and its user's account for a presented token: {token_id, username, role}, else None
    (unknown, revoked, or its user removed)."""
    if not token or len(token) > 200:
        return None
    wanted = token_hash(token)
    rows = store.query(
        """SELECT t.token_id, t.token_sha256, t.revoked_at, u.username, u.role FROM capture_tokens t
           JOIN users u ON u.username = t.username WHERE t.token_sha256 = ?""", [wanted])
    if not rows or not hmac.compare_digest(rows[0]["token_sha256"], wanted) or rows[0]["revoked_at"] is not None:
        return None
    return {"token_id": rows[0]["token_id"], "username": rows[0]["username"], "role": rows[0]["role"]}


def find_capture(store, capture_id: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM captures WHERE capture_id = ?", [capture_id])
    return rows[0] if rows else None


def record_capture(store, row: dict[str, Any]) -> bool:
    """Add a `captures` row; False when that capture id is stored already (a retry)."""
    cols = ("capture_id", "token_id", "username", "source", "platform", "post_id", "page_url", "captured_at",
            "received_at", "screenshot_sha256", "snapshot_sha256")
    with store.connect() as con:
        if con.execute("SELECT count(*) FROM captures WHERE capture_id = ?", [row["capture_id"]]).fetchone()[0]:
            return False
        con.execute(f"INSERT INTO captures ({', '.join(cols)}) VALUES (?{', ?' * (len(cols) - 1)})",
                    [row.get(c) for c in cols])
    return True


def monitor_files(store, platform: str, post_id: str) -> dict[str, datetime]:
    """SHA-256 -> capture time of the screenshots and snapshots monitors captured of a post (the oldest capture)."""
    rows = store.query(
        """SELECT sha, min(captured_at) AS captured_at FROM (
             SELECT screenshot_sha256 AS sha, captured_at FROM captures WHERE post_id = ? AND platform = ?
             UNION ALL
             SELECT snapshot_sha256, captured_at FROM captures WHERE post_id = ? AND platform = ?)
           WHERE sha IS NOT NULL GROUP BY sha""", [post_id, platform, post_id, platform])
    return {r["sha"]: r["captured_at"] for r in rows}
