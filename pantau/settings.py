"""Whole-number settings read from the environment (PANTAU_RETENTION_DAYS, PANTAU_NOTIFY_FAILURES, ...)."""

from __future__ import annotations

import os
from typing import Mapping


def env_int(name: str, default: int, *, minimum: int, env: Mapping[str, str] | None = None) -> int:
    """The whole number in `name` (unset or blank: `default`); ValueError naming the variable for anything else or
    for a value below `minimum`."""
    raw = (os.environ if env is None else env).get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value
