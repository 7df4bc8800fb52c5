"""Settings read from the environment (PANTAU_RETENTION_DAYS, PANTAU_NOTIFY_FAILURES, PANTAU_REVIEW_TARGET_HOURS,
PANTAU_SHIFT_HOURS, PANTAU_UNDO_SECONDS, ...): whole numbers, and a fraction for PANTAU_DOUBLE_CHECK_RATE."""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping

from pantau.sla import DEFAULT_REVIEW_TARGET_HOURS, DEFAULT_SHIFT_HOURS


def _env_value(name: str, default: Any, parse: Callable[[str], Any], what: str,
               env: Mapping[str, str] | None) -> Any:
    """`parse` of the value of `name` (unset or blank: `default`); ValueError naming the variable when it fails."""
    raw = (os.environ if env is None else env).get(name, "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not {what}") from None


def env_int(name: str, default: int, *, minimum: int, env: Mapping[str, str] | None = None) -> int:
    """The whole number in `name` (unset or blank: `default`); ValueError naming the variable for anything else or
    for a value below `minimum`."""
    value = _env_value(name, default, int, "a whole number", env)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


# -- the team's first-review target and shift length (pantau.sla holds the rule and the defaults) -------------------

REVIEW_TARGET_ENV = "PANTAU_REVIEW_TARGET_HOURS"
SHIFT_HOURS_ENV = "PANTAU_SHIFT_HOURS"


def review_target_hours(env: Mapping[str, str] | None = None) -> int:
    """Hours from capture to an item's first decision: PANTAU_REVIEW_TARGET_HOURS, default 24."""
    return env_int(REVIEW_TARGET_ENV, DEFAULT_REVIEW_TARGET_HOURS, minimum=1, env=env)


def shift_hours(env: Mapping[str, str] | None = None) -> int:
    """Length of a shift (the handover page's default window, the handover reminder): PANTAU_SHIFT_HOURS, default 8."""
    return env_int(SHIFT_HOURS_ENV, DEFAULT_SHIFT_HOURS, minimum=1, env=env)


# -- withdrawing a decision just made ("Tersimpan - [Batalkan]" in the triage app; pantau.review's withdraw) --------

UNDO_SECONDS_ENV = "PANTAU_UNDO_SECONDS"
UNDO_SHOWN_SECONDS_ENV = "PANTAU_UNDO_SHOWN_SECONDS"
DEFAULT_UNDO_SECONDS = 60
DEFAULT_UNDO_SHOWN_SECONDS = 10


def undo_seconds(env: Mapping[str, str] | None = None) -> int:
    """How long after a decision its reviewer may still withdraw it (the server's limit): PANTAU_UNDO_SECONDS,
    default 60."""
    return env_int(UNDO_SECONDS_ENV, DEFAULT_UNDO_SECONDS, minimum=1, env=env)


def undo_shown_seconds(env: Mapping[str, str] | None = None) -> int:
    """How long the app shows the Batalkan button after a save: PANTAU_UNDO_SHOWN_SECONDS, default 10, never more
    than undo_seconds()."""
    return min(env_int(UNDO_SHOWN_SECONDS_ENV, DEFAULT_UNDO_SHOWN_SECONDS, minimum=1, env=env), undo_seconds(env))


# -- the double-check sample (pantau.review.needs_check) ------------------------------------------------------------

DOUBLE_CHECK_RATE_ENV = "PANTAU_DOUBLE_CHECK_RATE"
DEFAULT_DOUBLE_CHECK_RATE = 0.1


def double_check_rate(env: Mapping[str, str] | None = None) -> float:
    """The share of not_violation / needs_info / duplicate decisions a second reviewer checks (by a hash of the item):
    PANTAU_DOUBLE_CHECK_RATE, a number from 0 to 1, default 0.1. ValueError naming the variable otherwise."""
    value = _env_value(DOUBLE_CHECK_RATE_ENV, DEFAULT_DOUBLE_CHECK_RATE, float, "a number", env)
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise ValueError(f"{DOUBLE_CHECK_RATE_ENV} must be from 0 to 1, not {value}")
    return value
