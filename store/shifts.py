"""Shifts and the first-review SLA (issue 18): the team's review target as the database knows it, the figures of a
shift window (open items, items due soon, claims held, decisions made, time to first review) and the append-only
`shift_handovers` table, each handover written with its audit entry in one transaction.

The rule (first review due `target_hours` after capture) is pantau.sla's; in SQL it is the `first_review_due` macro
of store/schema.sql, used here."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from pantau.post import utcnow
from pantau.sla import HANDOVER_DUE_WITHIN_HOURS, first_review_cutoff

from .audit_log import _append_audit
from .connection import StoreError

# Items a shift still has to move on before the reporting deadline: undecided, waiting for information or for a
# second opinion (confirmed violations without a case come from pantau.referral.register, which owns that rule).
_PENDING = "('new', 'needs_info', 'awaiting_confirmation')"

_SLA_SQL = """
WITH w AS (
    SELECT CAST(? AS TIMESTAMPTZ) AS w_start, CAST(? AS TIMESTAMPTZ) AS w_end, CAST(? AS INTEGER) AS target,
           CAST(? AS TIMESTAMPTZ) AS w_cutoff
), firsts AS (  -- decisions made in the window that were their item's first (no lower decision_id); a withdrawn
    -- decision ("Batalkan") is no review: live_decisions, as v_review_sla
    SELECT d.platform, d.post_id, d.decided_at FROM live_decisions d, w
    WHERE d.decided_at >= w.w_start AND d.decided_at < w.w_end
      AND NOT EXISTS (SELECT 1 FROM live_decisions e WHERE e.post_id = d.post_id AND e.platform = d.platform
                      AND e.decision_id < d.decision_id)
), reviewed AS (
    SELECT date_diff('second', qi.captured_at, f.decided_at) / 3600.0 AS hours,
           f.decided_at <= first_review_due(qi.captured_at, w.target) AS within
    FROM firsts f JOIN queue_items qi ON qi.post_id = f.post_id AND qi.platform = f.platform, w
), items AS (
    SELECT count(*) FILTER (WHERE qi.captured_at >= w.w_start AND qi.captured_at < w.w_end) AS captured,
           count(*) FILTER (WHERE qi.status = 'new' AND qi.captured_at < w.w_cutoff) AS overdue_now,
           count(*) FILTER (WHERE qi.status IN ('new', 'needs_info')) AS open_items
    FROM queue_items qi, w
)
SELECT items.*, r.*
FROM items, (SELECT count(*) AS first_reviews, count(*) FILTER (WHERE within) AS within_target,
                    median(hours) AS median_hours, quantile_cont(hours, 0.9) AS p90_hours FROM reviewed) r
"""


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


class Shifts:
    """Shift figures and handovers (a part of `Store`)."""

    def set_review_target(self, hours: int) -> None:
        """Record the team's first-review target for SQL (`review_target_hours()`, v_review_sla); a no-op when
        it is already the recorded one."""
        if int(hours) < 1:
            raise StoreError("the first-review target must be at least 1 hour")
        if self.scalar("SELECT value FROM schema_info WHERE key = 'review_target_hours'") == str(int(hours)):
            return
        with self.transaction() as con:
            con.execute("INSERT OR REPLACE INTO schema_info VALUES ('review_target_hours', ?)", [str(int(hours))])

    def review_sla(self, start: datetime, end: datetime, *, target_hours: int, now: datetime) -> dict[str, Any]:
        """Time to first review for the window [start, end): items captured in it, first decisions made in it (how
        many within the target, median and 90th percentile hours from capture), and, at `now`, the items never
        decided past the target and the open items (new + needs_info)."""
        row = self.query(_SLA_SQL, [start, end, int(target_hours), first_review_cutoff(now, target_hours)])[0]
        return {"target_hours": int(target_hours), "captured": row["captured"], "first_reviews": row["first_reviews"],
                "within_target": row["within_target"], "median_hours": _round(row["median_hours"]),
                "p90_hours": _round(row["p90_hours"]), "overdue_now": row["overdue_now"],
                "open_items": row["open_items"]}

    def pending_due(self, now: datetime, limit: int) -> tuple[dict[str, int], list[dict[str, Any]]]:
        """Items not yet decided for good (new, needs_info, awaiting confirmation) by reporting deadline: how many
        passed it, pass it within 24 h and within 48 h (HANDOVER_DUE_WITHIN_HOURS), and the first `limit` of those
        still ahead within 48 h, earliest first (the passed ones are counted, not listed: a backlog can be long)."""
        soon, later = (now + timedelta(hours=h) for h in HANDOVER_DUE_WITHIN_HOURS)
        counts = self.query(
            f"""SELECT count(*) FILTER (WHERE deadline_at <= ?) AS passed,
                       count(*) FILTER (WHERE deadline_at > ? AND deadline_at <= ?) AS within_24h,
                       count(*) FILTER (WHERE deadline_at > ? AND deadline_at <= ?) AS within_48h
                FROM queue_items WHERE status IN {_PENDING} AND deadline_at <= ?""",
            [now, now, soon, now, later, later])[0]
        rows = self.query(
            f"""SELECT platform, post_id, snippet, region, category, status, captured_at, deadline_at
                FROM queue_items WHERE status IN {_PENDING} AND deadline_at > ? AND deadline_at <= ?
                ORDER BY deadline_at, platform, post_id LIMIT {int(limit)}""", [now, later])
        return counts, rows

    def claims_held(self, now: datetime) -> list[dict[str, Any]]:
        """Claims not expired at `now`, with the item, by user."""
        return self.query(
            """SELECT cl.username, cl.platform, cl.post_id, cl.claimed_at, cl.expires_at, qi.snippet, qi.status,
                      qi.deadline_at
               FROM claims cl LEFT JOIN queue_items qi ON qi.platform = cl.platform AND qi.post_id = cl.post_id
               WHERE cl.expires_at > ? ORDER BY cl.username, cl.claimed_at""", [now])

    def decisions_between(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Decisions made in [start, end) that count (a withdrawn one does not), per reviewer and decision."""
        return self.query(
            """SELECT reviewer, decision, count(*) AS n FROM live_decisions
               WHERE decided_at >= ? AND decided_at < ? GROUP BY ALL ORDER BY reviewer, decision""", [start, end])

    # -- handovers ------------------------------------------------------------------------------

    def record_handover(self, username: str, start: datetime, end: datetime, note: str | None,
                        figures: dict[str, Any], *, now: datetime | None = None) -> int:
        """Append a handover and its `shift_handover` audit entry in one transaction; returns its id."""
        if end <= start:
            raise StoreError("the shift window must end after it starts")
        now = now or utcnow()
        note = (note or "").strip() or None
        with self.transaction() as con:
            handover_id = con.execute("SELECT nextval('shift_handover_seq')").fetchone()[0]
            seq = _append_audit(con, username, "shift_handover", f"handover:{handover_id}",
                                {"window_start": start, "window_end": end, "note": note, "figures": figures}, now)
            con.execute("INSERT INTO shift_handovers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [handover_id, username, now, start, end, note,
                         json.dumps(figures, ensure_ascii=False, sort_keys=True, default=str), seq])
        return int(handover_id)

    def handover(self, handover_id: int | None = None) -> dict[str, Any] | None:
        """A recorded handover (the last one when `handover_id` is None), figures decoded; None when there is none."""
        where, params = ("WHERE handover_id = ?", [int(handover_id)]) if handover_id is not None else ("", [])
        rows = self.query(f"SELECT * FROM shift_handovers {where} ORDER BY handover_id DESC LIMIT 1", params)
        if not rows:
            return None
        row = rows[0]
        row["figures"] = json.loads(row["figures"]) if isinstance(row["figures"], str) else row["figures"]
        return row
