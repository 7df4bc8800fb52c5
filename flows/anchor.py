"""Prefect flow `audit_anchor`: timestamp the audit chain's head at the team's RFC 3161 TSA (PANTAU_TSA_URL), daily,
so that an edited and re-hashed chain fails `pantau audit verify` (store/anchors.py). Without a TSA configured the
run says so and anchors nothing."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task

from pantau import timestamp
from pantau.store.db import Store


@task(retries=3, retry_delay_seconds=[30, 300, 1800])  # a TSA is an outside service: try again before giving up
def anchor(db: Path) -> dict:
    return Store(db).anchor_audit()


@flow(name="audit_anchor", log_prints=True, timeout_seconds=60 * 60)
def audit_anchor(db: Path) -> dict:
    if not timestamp.tsa_url():
        print(f"no TSA configured ({timestamp.URL_ENV}): the audit chain was not anchored")
        return {"new": False, "seq": None}
    done = anchor(Path(db))
    state = "anchored" if done["new"] else "already anchored"
    print(f"{state}: entry {done['seq']} at {done['tsa_time']} by {done['tsa_url']}")
    return done
