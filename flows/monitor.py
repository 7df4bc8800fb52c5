"""Prefect flow `monitor`: crawl one source, store the posts, classify them, store the results.

Tasks hand each other file paths (JSON Lines), not large Python objects, so a
run of any size keeps the Prefect state small. Only the I/O tasks (crawl, the
two store writes) retry; classification is pure CPU and would fail the same way twice.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path

from prefect import flow, get_run_logger, task

from pantau.post import JsonlError, iter_jsonl_posts, write_jsonl


@task(retries=2, retry_delay_seconds=[2, 10], task_run_name="crawl-{source}")
def crawl(source: str, out_path: Path, spider_args: dict[str, str]) -> dict:
    from pantau.crawlers.run import run_crawl

    result = run_crawl(source, out_path, spider_args=spider_args)
    get_run_logger().info("crawl %s: %s", source, result)
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(result).items()}


@task(retries=2, retry_delay_seconds=[1, 5])
def store_posts(db: Path, posts_path: Path, watchlist: str | None = None) -> dict:
    from pantau.store.db import Store

    errors: list[JsonlError] = []
    result = Store(db).ingest(iter_jsonl_posts(posts_path, skip_invalid=True, errors=errors), watchlist=watchlist)
    for err in errors:
        get_run_logger().warning("skipped bad crawl line %s", err)
    return {**asdict(result), "invalid": len(errors)}


@task
def classify(posts_path: Path, out_path: Path, model_path: Path | None = None) -> dict:
    from pantau.nlp.classifier import load

    model = load(model_path)
    posts = list(iter_jsonl_posts(posts_path, skip_invalid=True))
    results = model.classify(posts)
    write_jsonl(out_path, results)
    return {"classified": len(results), "flagged": sum(r["flagged"] for r in results), "model_version": model.version}


@task(retries=2, retry_delay_seconds=[1, 5])
def store_results(db: Path, results_path: Path) -> int:
    import json

    from pantau.store.db import Store

    with open(results_path, encoding="utf-8") as fh:
        return Store(db).save_classifications(json.loads(line) for line in fh if line.strip())


@flow(name="monitor", log_prints=True)
def monitor(
    db: Path,
    source: str = "demo",
    base_url: str | None = None,
    query: str | None = None,
    max_pages: int | None = None,
    model_path: Path | None = None,
    work_dir: Path | None = None,
    watchlist: str | None = None,
) -> dict:
    """Crawl `source`, then store, classify and store the classifier results in `db`.

    `watchlist` tags the stored posts with the watchlist this crawl serves (the triage queue filters on it)."""
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="pantau-monitor-"))
    work.mkdir(parents=True, exist_ok=True)
    spider_args = {k: str(v) for k, v in {"base_url": base_url, "query": query, "max_pages": max_pages}.items() if v}
    posts_path = work / f"{source}-posts.jsonl"
    results_path = work / f"{source}-classified.jsonl"

    crawled = crawl(source, posts_path, spider_args)
    stored = store_posts(Path(db), posts_path, watchlist)
    classified = classify(posts_path, results_path, model_path)
    saved = store_results(Path(db), results_path)
    summary = {"source": source, "crawl": crawled, "store": stored, "classify": classified, "results_saved": saved}
    print(
        f"monitor {source}: crawled {crawled['items']} posts, {stored['new']} new, "
        + (f"{stored['queued']} handed to the triage app, " if stored["queued"] else "")
        + f"{classified['flagged']} flagged of {classified['classified']} (model {classified['model_version']})"
    )
    return summary
