"""Prefect flow `monitor`: crawl one source, store the posts, classify them, store the results, and capture the
evidence of the newly flagged posts (raw payload, HTML snapshot, Chromium screenshot; see flows/capture.py).

Tasks hand each other file paths (JSON Lines), not large Python objects, so a
run of any size keeps the Prefect state small. Only the I/O tasks (crawl, the
store writes, the captures) retry; classification is pure CPU and would fail the same way twice. The crawl output
is read twice (store, classify); the classify step writes the flagged posts' capture targets beside its results, so
the capture reads neither the crawl output nor the database and works while the triage app owns the file (its rows
go to the app's inbox).
"""

from __future__ import annotations

import json
import tempfile
import time
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.concurrency.sync import concurrency
from prefect.settings import PREFECT_API_URL

from pantau.crawlers.run import CrawlConfigError, run_crawl
from pantau.flows.capture import fetch_snapshots, screenshots_or_failures, store_evidence
from pantau.nlp.classifier import load
from pantau.nlp.registry import with_decided
from pantau.post import JsonlError, format_time, iter_jsonl_posts, parse_time, write_jsonl
from pantau.referral.evidence import evidence_dir, raw_from_targets, targets_from_posts
from pantau.store.lake import is_lake, open_store
from pantau.store.registry import decided_accounts

from .notify import notify_repeated_failures
from .report import artifact_key, publish


def crawl_limit_name(source: str) -> str:
    """The Prefect global concurrency limit that caps simultaneous crawls of one platform (`pantau worker` creates
    one per watchlist source, PANTAU_CRAWL_CONCURRENCY slots; a missing limit does not block)."""
    return f"crawl-{source}"


def _worth_retrying(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect's retry_condition_fn
    """A network or site failure may pass; an unknown source or a bad argument will not."""
    try:
        state.result()
    except CrawlConfigError:
        return False
    except Exception:  # noqa: BLE001 - any other failure is worth another try
        return True
    return True


@task(retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_worth_retrying, task_run_name="crawl-{source}")
def crawl(source: str, out_path: Path, spider_args: dict[str, str]) -> dict:
    # waits while the platform's slots are taken; a run on Prefect's temporary server (no PREFECT_API_URL: `pantau
    # demo`, a one-off `pantau monitor`) has no limits to respect
    slot = (concurrency(crawl_limit_name(source), occupy=1, strict=False) if PREFECT_API_URL.value()
            else nullcontext())
    with slot:
        result = run_crawl(source, out_path, spider_args=spider_args)
    get_run_logger().info("crawl %s: %s", source, result)
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(result).items()}


@task(retries=2, retry_delay_seconds=[1, 5])
def store_posts(db: Path, posts_path: Path, watchlist: str | None = None) -> dict:
    errors: list[JsonlError] = []
    result = open_store(db).ingest_file(posts_path, watchlist=watchlist, skip_invalid=True, errors=errors)
    for err in errors:
        get_run_logger().warning("skipped bad crawl line %s", err)
    return {**asdict(result), "invalid": len(errors)}


@task
def classify(posts_path: Path, out_path: Path, model_path: Path | None = None, db: Path | str | None = None) -> dict:
    """Classify the crawl output into `out_path`; the evidence targets of the flagged posts are written beside it
    (`<out>.targets.json`), so the capture step does not read the crawl output again. With `db`, the account
    registry is the team's files (PANTAU_REGISTRY) merged with the accounts confirmed by the decisions in `db`
    (pantau.nlp.registry.with_decided), read when the task runs."""
    model = with_decided(load(model_path), decided_accounts(open_store(db)) if db is not None else [])
    posts = list(iter_jsonl_posts(posts_path, skip_invalid=True))
    results = model.classify(posts)
    write_jsonl(out_path, results)
    targets = [{**t, "captured_at": format_time(t["captured_at"])}
               for t in targets_from_posts(p for p, r in zip(posts, results) if r["flagged"])]
    _targets_path(out_path).write_text(json.dumps(targets, ensure_ascii=False), encoding="utf-8")
    return {"classified": len(results), "flagged": sum(r["flagged"] for r in results), "model_version": model.version,
            "registry_accounts": len(model.registry)}


def _targets_path(results_path: Path) -> Path:
    return Path(results_path).with_suffix(".targets.json")


@task(retries=2, retry_delay_seconds=[1, 5])
def store_results(db: Path, results_path: Path) -> int:
    with open(results_path, encoding="utf-8") as fh:
        return open_store(db).save_classifications(json.loads(line) for line in fh if line.strip())


@task
def flagged_targets(results_path: Path) -> list[dict]:
    return [{**t, "captured_at": parse_time(t["captured_at"], "captured_at")}
            for t in json.loads(_targets_path(results_path).read_text(encoding="utf-8"))]


@task(retries=2, retry_delay_seconds=[1, 5])
def save_raw_files(targets: list[dict], root: Path) -> list[dict]:
    return raw_from_targets(targets, root)


def capture_new(db: Path, posts_path: Path, results_path: Path) -> dict:
    """Evidence of this run's flagged posts; capture failures are recorded (and retried by `capture_evidence`)."""
    targets = flagged_targets(results_path)
    if not targets:
        return {"posts": 0, "ok": 0, "failed": 0}
    root = evidence_dir(db)
    rows = save_raw_files(targets, root) + fetch_snapshots(targets, root) + screenshots_or_failures(targets, root)
    store_evidence(db, rows)
    return {"posts": len(targets), "ok": sum(r["status"] == "ok" for r in rows),
            "failed": sum(r["status"] != "ok" for r in rows)}


@flow(name="monitor", log_prints=True, timeout_seconds=90 * 60,  # ends before the next run (every 2 h)
      on_failure=[notify_repeated_failures], on_crashed=[notify_repeated_failures])
def monitor(
    db: Path,
    source: str = "demo",
    base_url: str | None = None,
    query: str | None = None,
    max_pages: int | None = None,
    model_path: Path | None = None,
    work_dir: Path | None = None,
    watchlist: str | None = None,
    capture: bool = True,
    spider_args: dict[str, str] | None = None,
) -> dict:
    """Crawl `source`, then store, classify and store the classifier results in `db`.

    `watchlist` tags the stored posts with the watchlist this crawl serves (the triage queue filters on it);
    `capture` takes the evidence of the newly flagged posts at ingestion; `spider_args` are extra adapter
    arguments (a watchlist source's `channels`, `feeds`...). Publishes the run report artifact `monitor-<source>`.
    When runs of a source fail PANTAU_NOTIFY_FAILURES times in a row (default 3), the notification hook is told."""
    started = time.perf_counter()
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="pantau-monitor-"))
    work.mkdir(parents=True, exist_ok=True)
    spider_args = {**{k: str(v) for k, v in (spider_args or {}).items()},
                   **{k: str(v) for k, v in {"base_url": base_url, "query": query, "max_pages": max_pages}.items() if v}}
    posts_path = work / f"{source}-posts.jsonl"
    results_path = work / f"{source}-classified.jsonl"

    crawled = crawl(source, posts_path, spider_args)
    stored = store_posts(Path(db), posts_path, watchlist)
    classified = classify(posts_path, results_path, model_path, db)
    saved = store_results(Path(db), results_path)
    # evidence lives beside the triage app's DuckDB file; a DuckLake run leaves it to that file's capture flow
    evidence = capture_new(Path(db), posts_path, results_path) if capture and not is_lake(db) else None
    summary = {"source": source, "crawl": crawled, "store": stored, "classify": classified, "results_saved": saved,
               "evidence": evidence}
    print(
        f"monitor {source}: crawled {crawled['items']} posts, {stored['new']} new, "
        + (f"{stored['queued']} handed to the triage app, " if stored["queued"] else "")
        + f"{classified['flagged']} flagged of {classified['classified']} (model {classified['model_version']})"
    )
    _report(source, summary, time.perf_counter() - started)
    return summary


def _report(source: str, summary: dict, seconds: float) -> None:
    crawled, stored, classified, ev = summary["crawl"], summary["store"], summary["classify"], summary["evidence"]
    figures = {"source": source, "posts fetched": crawled["items"], "new": stored["new"],
               "already known": stored["already_known"], "classified": classified["classified"],
               "flagged": classified["flagged"], "model": classified["model_version"],
               "evidence ok": ev["ok"] if ev else None, "evidence failed": ev["failed"] if ev else None}
    errors = {source: {"crawl errors": crawled.get("errors", 0), "request failures": crawled.get("request_failures", 0),
                       "unreadable pages": crawled.get("page_errors", 0),
                       "invalid posts": crawled.get("invalid", 0) + stored.get("invalid", 0)}}
    publish(artifact_key("monitor", source), f"monitor {source}", figures, errors, seconds)
