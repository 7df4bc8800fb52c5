"""Evidence rows (issue 7): capture attempts, re-checks and their purge; the files themselves are handled above the
store (pantau.referral.evidence)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from pantau.post import utcnow

from .audit_log import _append_audit
from .connection import fetch_dicts


class Evidence:
    """Evidence capture rows (a part of `Store`)."""

    def record_evidence(self, rows: Iterable[dict[str, Any]]) -> int:
        """Append capture attempts to `evidence`; returns the rows added.

        `attempt` is numbered here (1, 2, ... per platform, post_id, kind). An `ok` row whose file (same kind and
        sha256) is already recorded `ok` for the post is skipped, so storing a batch twice changes nothing."""
        cols = ("platform", "post_id", "kind", "status", "sha256", "path", "size", "url", "http_status",
                "captured_at", "error")
        rows = [{c: r.get(c) for c in cols} for r in rows]
        if not rows:
            return 0
        if self._handed_over_rows("evidence", rows):
            return len(rows)
        added = 0
        with self.transaction() as con:
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
        return added

    def record_evidence_checks(self, rows: Iterable[dict[str, Any]]) -> int:
        """Append re-check results to `evidence_checks` (a repeated (platform, post_id, checked_at) is ignored)."""
        cols = ("platform", "post_id", "checked_at", "outcome", "url", "http_status", "old_sha256", "new_sha256",
                "error")
        rows = list(rows)
        values = [[r.get(c) for c in cols] for r in rows]
        if not values:
            return 0
        if self._handed_over_rows("evidence_checks", rows):
            return len(values)
        with self.transaction() as con:
            before = con.execute("SELECT count(*) FROM evidence_checks").fetchone()[0]
            con.executemany(
                f"INSERT OR IGNORE INTO evidence_checks ({', '.join(cols)}) VALUES (?{', ?' * (len(cols) - 1)})",
                values,
            )
            after = con.execute("SELECT count(*) FROM evidence_checks").fetchone()[0]
        return int(after - before)

    def purge_evidence(
        self, items: dict[tuple[str, str], str], *, actor: str = "cli", now: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Delete the `evidence` and `evidence_checks` rows of each (platform, post_id) -> reason, with one
        `evidence_purge` audit entry per post, in one transaction. Returns the deleted `ok` evidence rows (the
        caller removes the files no remaining row refers to)."""
        now = now or utcnow()
        deleted: list[dict[str, Any]] = []
        with self.transaction() as con:
            for (platform, post_id), reason in sorted(items.items()):
                rows = fetch_dicts(
                    con, "SELECT kind, attempt, status, sha256, path, size FROM evidence WHERE post_id = ? AND platform = ?"
                    " ORDER BY kind, attempt", [post_id, platform])
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
        self._drop_snapshot()
        return deleted
