"""Prefect flow `recheck`: fetch captured posts again and record whether each is unchanged, edited or gone.

For every post with an `ok` HTML snapshot, the page is fetched with a plain HTTP client and compared with the newest
snapshot: `unchanged` (same SHA-256), `edited` (new bytes: stored as a new snapshot and screenshotted again; the old
files are kept), `deleted` (404 or 410) or `unavailable` (any other answer, or none). Each result is a row of
`evidence_checks` with its time. Run it on a schedule (e.g. `pantau evidence recheck` from cron, or a Prefect
deployment). Only the I/O tasks retry.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, task

from pantau.referral.evidence import evidence_dir, recheck_pages, recheck_targets
from pantau.store.db import Store

from .capture import screenshots_or_failures, store_evidence
from .report import publish


@task(retries=2, retry_delay_seconds=[1, 5])
def find_captured(db: Path, limit: int | None) -> list[dict]:
    return recheck_targets(Store(db), limit=limit)


@task(retries=2, retry_delay_seconds=[2, 10])
def refetch(targets: list[dict], root: Path) -> list[dict]:
    return recheck_pages(targets, root)


@task(retries=2, retry_delay_seconds=[1, 5])
def store_checks(db: Path, checks: list[dict]) -> int:
    return Store(db).record_evidence_checks(checks)


@flow(name="recheck", log_prints=True, timeout_seconds=3 * 3600)
def recheck(db: Path, limit: int | None = None) -> dict:
    """Re-check every captured post in `db`; returns the number of posts per outcome.
    Publishes the run report artifact `recheck`."""
    started = time.perf_counter()
    db = Path(db)
    root = evidence_dir(db)
    targets = find_captured(db, limit)
    results = refetch(targets, root) if targets else []
    new_rows = [row for r in results for row in r["evidence"]]
    edited = [{"platform": r["platform"], "post_id": r["post_id"], "url": r["url"], "kinds": ["png"]}
              for r in new_rows]
    if edited:
        new_rows += screenshots_or_failures(edited, root)
    if new_rows:
        store_evidence(db, new_rows)
    checks = [r["check"] for r in results]
    if checks:
        store_checks(db, checks)
    outcomes: dict[str, int] = {}
    for c in checks:
        outcomes[c["outcome"]] = outcomes.get(c["outcome"], 0) + 1
    print(f"recheck: {len(checks)} posts checked: {outcomes}")
    errors: dict[str, dict[str, int]] = {}
    for c in checks:
        if c["outcome"] == "unavailable":
            errors.setdefault(c["platform"], {"unavailable": 0})["unavailable"] += 1
    figures = {"posts checked": len(checks), **{o: outcomes.get(o, 0) for o in ("unchanged", "edited", "deleted",
                                                                                   "unavailable")},
               "evidence ok": sum(r.get("status") == "ok" for r in new_rows),
               "evidence failed": sum(r.get("status") != "ok" for r in new_rows)}
    publish("recheck", "recheck", figures, errors, time.perf_counter() - started)
    return {"checked": len(checks), "outcomes": outcomes}
