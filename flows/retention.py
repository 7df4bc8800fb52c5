"""Prefect flow `retention_purge`: delete old posts that no model flagged and nobody worked on (UU PDP 27/2022,
least data kept). The rules are in `Store.purge_unflagged`; the period comes from PANTAU_RETENTION_DAYS (default
30 days: the 7-day reporting window plus time for a retrained model to re-score recent posts)."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, task

from pantau.settings import env_int
from pantau.store.db import Store

from .report import publish

RETENTION_ENV = "PANTAU_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30


def retention_days(days: int | None = None) -> int:
    """`days`, else PANTAU_RETENTION_DAYS, else 30; a clear error for a value that is not a whole number >= 1."""
    if days is None:
        return env_int(RETENTION_ENV, DEFAULT_RETENTION_DAYS, minimum=1)
    if days < 1:
        raise ValueError(f"retention must be at least 1 day, not {days}")
    return days


@task(retries=2, retry_delay_seconds=[5, 30])
def purge(db: Path, days: int) -> dict:
    return Store(db).purge_unflagged(days, actor="flow:retention_purge")


@flow(name="retention_purge", log_prints=True, timeout_seconds=60 * 60)
def retention_purge(db: Path, days: int | None = None) -> dict:
    """Apply the retention period to `db`; publishes the run report artifact `retention-purge`."""
    started = time.perf_counter()
    n = retention_days(days)
    counts = purge(Path(db), n)
    print(f"retention {n} days: deleted {counts['posts']} post(s) captured before {counts['cutoff']}, "
          f"kept {counts['kept_unclassified']} never classified")
    publish("retention-purge", "Retention purge", {
        "retention (days)": n, "captured before": counts["cutoff"], "posts deleted": counts["posts"],
        "raw payloads deleted": counts["raw_payloads"], "classifier results deleted": counts["classifications"],
        "old posts kept, never classified": counts["kept_unclassified"],
    }, {}, time.perf_counter() - started)
    return counts
