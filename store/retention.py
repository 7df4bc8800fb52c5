"""Retention (UU PDP: keep the least data): `Store.purge_unflagged` deletes old posts nobody needs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pantau.post import format_time, utcnow

from . import cluster_stats
from .audit_log import _append_audit
from .connection import Rollback, StoreError

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


class Retention:
    """Purging unflagged posts (a part of `Store`)."""

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
        with self.transaction(posts=True) as con:
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
                raise Rollback
            touched = [r[0] for r in con.execute(  # the summaries of their clusters count them: computed again
                "SELECT DISTINCT cluster_id FROM post_clusters SEMI JOIN purgeable USING (platform, post_id)"
            ).fetchall()]
            for table in _RETENTION_TABLES:
                con.execute(f"DELETE FROM {table} t USING purgeable x WHERE t.post_id = x.post_id "
                            "AND t.platform = x.platform")
            cluster_stats.recompute(con, touched)
            if counts["posts"]:
                counts["audit_seq"] = _append_audit(con, actor, "retention_purge", None, dict(counts), now)
        if dry_run:
            return counts
        self._drop_snapshot()
        return counts
