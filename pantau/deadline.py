"""The reporting deadline: a violation must be reported to Bawaslu within 7 days of becoming known (UU 7/2017
art. 454(6) says 7 working days; 7 calendar days is the safe reading). pantau counts "known" from the post's first capture (`captured_at`).

This is the one number in Python; SQL uses the macro `reporting_deadline(captured_at)` defined once in
store/schema.sql (a test checks both give the same time).
"""

from __future__ import annotations

from datetime import datetime, timedelta

REPORTING_DEADLINE_DAYS = 7


def reporting_deadline(captured_at: datetime) -> datetime:
    return captured_at + timedelta(days=REPORTING_DEADLINE_DAYS)
