"""CSV written for people who open it in a spreadsheet: a cell starting with = + - @ (or a tab/CR) would run as a
formula (CSV injection), so it gets a leading apostrophe."""

from __future__ import annotations

from typing import Any


def csv_cell(value: Any) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
