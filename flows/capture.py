"""Prefect flow `capture_evidence`: raw payload, HTML snapshot and PNG screenshot of every flagged post.

Picks the flagged posts that still lack an `ok` file of some kind (a kind that failed `max_attempts` times is given
up), writes the files content-addressed under `<db>.evidence/` and records every attempt, ok or failed, in the
`evidence` table. A page that cannot be fetched is a failed row (with the reason), tried again on the next run,
never a failed flow. Only the I/O tasks retry: the page fetches and the browser batch (a browser that does not start)
and the database writes.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, get_run_logger, task

from pantau.post import utcnow
from pantau.referral.evidence import evidence_dir, pending_targets, raw_evidence, screenshots, snapshots
from pantau.store.db import Store

from .report import publish


@task(retries=2, retry_delay_seconds=[1, 5])
def find_pending(db: Path, max_attempts: int, limit: int | None) -> list[dict]:
    return pending_targets(Store(db), max_attempts=max_attempts, limit=limit)


@task(retries=2, retry_delay_seconds=[1, 5])
def save_raw(db: Path, targets: list[dict], root: Path) -> list[dict]:
    return raw_evidence(Store(db), targets, root)


@task(retries=2, retry_delay_seconds=[2, 10])
def fetch_snapshots(targets: list[dict], root: Path) -> list[dict]:
    return snapshots(targets, root)


@task(retries=2, retry_delay_seconds=[2, 10])
def render_screenshots(targets: list[dict], root: Path) -> list[dict]:
    return screenshots(targets, root)


@task(retries=2, retry_delay_seconds=[1, 5])
def store_evidence(db: Path, rows: list[dict]) -> int:
    return Store(db).record_evidence(rows)


def screenshots_or_failures(targets: list[dict], root: Path) -> list[dict]:
    """The screenshots; if the browser batch still fails after its retries (e.g. Chromium missing), one failed
    `png` row per post with the reason, so the other evidence is stored and the screenshots are tried next run."""
    state = render_screenshots(targets, root, return_state=True)
    if state.is_completed():
        return state.result()
    exc = state.result(raise_on_failure=False)
    reason = f"screenshot batch failed: {exc}" if isinstance(exc, BaseException) else f"screenshot batch {state.name}"
    return [{"platform": t["platform"], "post_id": t["post_id"], "kind": "png", "url": t["url"], "status": "failed",
             "captured_at": utcnow(), "error": reason[:500]} for t in targets if "png" in t["kinds"]]


@flow(name="capture_evidence", log_prints=True, timeout_seconds=50 * 60)  # hourly runs
def capture_evidence(db: Path, max_attempts: int = 5, limit: int | None = None) -> dict:
    """Capture the missing evidence of flagged posts in `db`; returns counts per kind and status.
    Publishes the run report artifact `capture-evidence`."""
    started = time.perf_counter()
    db = Path(db)
    root = evidence_dir(db)
    targets = find_pending(db, max_attempts, limit)
    if not targets:
        print("capture_evidence: nothing to capture")
        summary = {"posts": 0, "ok": {}, "failed": {}, "stored": 0}
        _report(summary, {}, time.perf_counter() - started)
        return summary
    rows = save_raw(db, targets, root) + fetch_snapshots(targets, root) + screenshots_or_failures(targets, root)
    stored = store_evidence(db, rows)
    ok: dict[str, int] = {}
    failed: dict[str, int] = {}
    errors: dict[str, dict[str, int]] = {}
    for r in rows:
        bucket = ok if r["status"] == "ok" else failed
        bucket[r["kind"]] = bucket.get(r["kind"], 0) + 1
        if r["status"] == "failed":
            errors.setdefault(r["platform"], {}).setdefault(f"{r['kind']} failed", 0)
            errors[r["platform"]][f"{r['kind']} failed"] += 1
            get_run_logger().warning("%s/%s %s: %s (%s)", r["platform"], r["post_id"], r["kind"], r["error"], r["url"])
    print(f"capture_evidence: {len(targets)} posts, ok {ok}, failed {failed} (retried on the next run)")
    summary = {"posts": len(targets), "ok": ok, "failed": failed, "stored": stored}
    _report(summary, errors, time.perf_counter() - started)
    return summary


def _report(summary: dict, errors: dict[str, dict[str, int]], seconds: float) -> None:
    figures = {"flagged posts missing evidence": summary["posts"], "evidence ok": sum(summary["ok"].values()),
               "evidence failed": sum(summary["failed"].values()), "ok by kind": summary["ok"],
               "failed by kind": summary["failed"], "rows stored": summary["stored"]}
    publish("capture-evidence", "capture_evidence", figures, errors, seconds)
