"""Claims: a reviewer holds an item for CLAIM_MINUTES while deciding it, so two reviewers do not work on the same
post (a part of `Store`; store/review.py checks them when a decision is recorded)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pantau.post import utcnow

from .audit_log import _append_audit
from .connection import StoreError

CLAIM_MINUTES = 15


class ClaimConflict(StoreError):
    """The item is claimed by another reviewer."""

    def __init__(self, holder: str):
        super().__init__(f"item is being reviewed by {holder}")
        self.holder = holder


class Claims:
    """Claiming, opening and releasing items (a part of `Store`)."""

    def claim(self, platform: str, post_id: str, username: str, *, now: datetime | None = None) -> str:
        """Claim an item for CLAIM_MINUTES; returns who holds it afterwards (the caller or another reviewer)."""
        now = now or utcnow()
        with self.transaction() as con:
            holder = _claim_holder(con, platform, post_id, now)
            if holder is None or holder == username:
                _put_claim(con, platform, post_id, username, now)
                holder = username
        return holder

    def open_item(self, platform: str, post_id: str, username: str, *, claim: bool, now: datetime | None = None) -> str | None:
        """Record that `username` viewed an item (audit `view_item`) and, if `claim`, claim it, in one transaction.

        Returns who holds the item's claim afterwards (None when nobody does)."""
        now = now or utcnow()
        with self.transaction() as con:
            holder = _claim_holder(con, platform, post_id, now)
            if claim and (holder is None or holder == username):
                _put_claim(con, platform, post_id, username, now)
                holder = username
            _append_audit(con, username, "view_item", f"{platform}/{post_id}", None, now)
        return holder

    def release(self, platform: str, post_id: str, username: str) -> None:
        with self.connect() as con:
            con.execute(
                "DELETE FROM claims WHERE platform = ? AND post_id = ? AND username = ?", [platform, post_id, username]
            )


# -- helpers that run inside a caller's transaction --------------------------------------------


def _put_claim(con, platform: str, post_id: str, username: str, now: datetime) -> None:
    con.execute("INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?)",
                [platform, post_id, username, now, now + timedelta(minutes=CLAIM_MINUTES)])


def _claim_holder(con, platform: str, post_id: str, now: datetime) -> str | None:
    row = con.execute(
        "SELECT username FROM claims WHERE platform = ? AND post_id = ? AND expires_at > ?", [platform, post_id, now]
    ).fetchone()
    return row[0] if row else None
