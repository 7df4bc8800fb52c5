"""First-review SLA and shifts: how soon a flagged item must get its first decision, and how long a shift is.

The rule: an item's first review is due `review_target_hours` after its first capture (`captured_at`, the time the
7-day reporting deadline counts from, pantau.deadline). An item is *overdue for first review* while it has had no
decision at all (status `new`) and that time has passed; it is *reviewed within target* when its first decision
(the lowest decision_id, decisions are append-only) was made by then.

This is the one home of the rule in Python; SQL uses the macro `first_review_due(captured_at, hours)` and the
team's target `review_target_hours()` (stored in schema_info), both defined once in store/schema.sql (a test
checks both give the same answers). The team's target comes from the environment (pantau.settings).
"""

from __future__ import annotations

from datetime import datetime, timedelta

DEFAULT_REVIEW_TARGET_HOURS = 24  # from capture to the first decision
DEFAULT_SHIFT_HOURS = 8  # a handover page without a previous handover shows the last 8 hours
HANDOVER_DUE_WITHIN_HOURS = (24, 48)  # the handover lists items whose reporting deadline passes within these


def first_review_due(captured_at: datetime, target_hours: int) -> datetime:
    return captured_at + timedelta(hours=target_hours)


def first_review_cutoff(now: datetime, target_hours: int) -> datetime:
    """Items captured before this time and never decided are overdue at `now` (the same rule as review_overdue,
    as one bound a query compares `captured_at` with instead of computing a due time per row)."""
    return now - timedelta(hours=target_hours)


def review_overdue(status: str, captured_at: datetime, now: datetime, target_hours: int) -> bool:
    """True for an item never decided (status `new`) whose first review was due before `now`."""
    return status == "new" and captured_at < first_review_cutoff(now, target_hours)


def hours_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600.0
