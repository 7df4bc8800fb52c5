"""Times as pantau shows them: UTC for machines, WIB (Asia/Jakarta, UTC+7, no daylight saving) for people."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def utc_text(dt: datetime | None) -> str:
    """'2026-12-06T08:15:00Z'; empty for None."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if dt else ""


def wib_text(dt: datetime | None) -> str:
    """'6 Desember 2026, 15.15 WIB' (the form of Indonesian official letters); empty for None."""
    if dt is None:
        return ""
    w = dt.astimezone(WIB)
    return f"{w.day} {MONTHS[w.month - 1]} {w.year}, {w:%H.%M} WIB"


def wib_iso(dt: datetime | None) -> str:
    """'2026-12-06T15:15:00+07:00'; empty for None."""
    return dt.astimezone(WIB).isoformat(timespec="seconds") if dt else ""
