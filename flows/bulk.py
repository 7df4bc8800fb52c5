"""Prefect flow `bulk`: store and classify a large JSON Lines file of posts on a Dask cluster (prefect-dask).

The file is split into chunks (streamed, never held in memory whole); each chunk is classified by a Dask task
(CPU work spread over the cluster's worker processes, the model loaded once per worker), then stored by another
task: its posts through the store's single write path, then its classifier results. The store decides how the
writes may overlap:

- a DuckDB file has one writer at a time, so its store tasks are chained (each waits for the one before);
- a DuckLake target (``ducklake:sqlite:...``, ``ducklake:postgres:...``; docs/store.md) takes concurrent writers,
  so its store tasks run as soon as their chunk is classified, on any worker, on any machine.

The cluster is a local one (``workers`` processes, one thread each) unless a scheduler address is given, by
``dask_address`` or the environment variable PANTAU_DASK_ADDRESS (``tcp://host:8786``): then the tasks run on
that cluster, whose workers must have pantau installed and reach the store and the files. Re-running the same
file is idempotent (posts already stored are counted, never duplicated; results of the same model replace theirs).
Publishes the run report artifact `bulk`.

Without ``work_dir`` the chunks go to a temporary folder ``pantau-bulk-<pid>-*`` that holds a copy of the whole
input: each chunk's files are removed once it is stored, the folder at the end. A run killed on the way (kill -9,
the OOM killer, a power cut) cannot remove it, so every run first removes the folders of runs that are gone: each
run holds an exclusive lock (flock) on its folder's ``.lock`` file for its life, which the kernel releases when the
process dies, so a folder whose lock can be taken belongs to no running process (issue 21).
"""

from __future__ import annotations

import fcntl
import functools
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from prefect import flow, task

from pantau.nlp.classifier import default_model_path, load
from pantau.nlp.registry import Registry, with_decided
from pantau.post import JsonlError, iter_jsonl_posts, read_lines, write_jsonl
from pantau.store.lake import is_lake, open_store
from pantau.store.registry import decided_accounts

from .report import publish

DASK_ADDRESS_ENV = "PANTAU_DASK_ADDRESS"
DEFAULT_CHUNK_SIZE = 20_000
DEFAULT_WORKERS = 2
WORK_PREFIX = "pantau-bulk-"  # temporary work folders: pantau-bulk-<pid>-<random>
LOCK_NAME = ".lock"  # in a work folder: flocked by its run for its life

log = logging.getLogger(__name__)


def remove_dead_work_folders(folder: str | Path | None = None) -> int:
    """Remove the temporary work folders of `bulk` runs that are gone (killed: nothing else removes them), from
    `folder` (default: the temp folder). A folder is a dead run's when its lock can be taken (a run holds it until
    it exits) or it has no lock file at all and was not touched for a minute (killed between creating the folder
    and locking it). Returns how many were removed."""
    removed = 0
    for path in Path(folder or tempfile.gettempdir()).glob(WORK_PREFIX + "*"):
        if path.is_symlink() or not path.is_dir():
            continue
        try:
            fd = os.open(path / LOCK_NAME, os.O_RDWR | os.O_NOFOLLOW)
        except FileNotFoundError:
            fd = None
        except OSError:  # another user's, or not ours to judge
            continue
        try:
            if fd is None:
                if time.time() - path.stat().st_mtime < 60:
                    continue
            else:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # its run is alive
                    continue
            shutil.rmtree(path, ignore_errors=True)
            removed += not path.exists()
        except OSError:
            continue
        finally:
            if fd is not None:
                os.close(fd)
    if removed:
        log.info("removed %d work folder(s) of bulk runs that were stopped", removed)
    return removed


def _own_work_folder() -> tuple[Path, int]:
    """A fresh temporary work folder and the descriptor of its lock (held until closed or the process dies)."""
    remove_dead_work_folders()
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
    fd = os.open(work / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return work, fd


@functools.lru_cache(maxsize=2)
def _model(path: str | None, mtime: float | None):  # noqa: ANN202 - one load per worker process and model file
    return load(Path(path) if path else None)


def _load_model(model_path: Path | None):  # noqa: ANN202
    path = Path(model_path) if model_path else default_model_path()  # PANTAU_MODEL once `retrain` promoted one
    return _model(str(path), path.stat().st_mtime if path.exists() else None)


@task
def split(posts_path: Path, work: Path, chunk_size: int) -> dict:
    """Copy the lines of `posts_path` into chunk files of `chunk_size` lines each, byte for byte, streaming (line
    `i` of chunk `k` is line `k * chunk_size + i` of the file). The posts are parsed and checked in the chunk
    tasks, in parallel. A line longer than the largest post is copied cut (read_lines): still a bad line there."""
    chunks: list[str] = []
    out = None
    lines = 0
    with open(posts_path, "rb") as fh:
        for raw_line in read_lines(fh):
            if lines % chunk_size == 0:
                if out is not None:
                    out.close()
                path = work / f"chunk-{len(chunks):05d}.jsonl"
                out = open(path, "wb")  # noqa: SIM115 - closed when the next chunk starts or at the end
                chunks.append(str(path))
            out.write(raw_line if raw_line.endswith(b"\n") else raw_line + b"\n")
            lines += 1
    if out is not None:
        out.close()
    return {"chunks": chunks, "lines": lines}


@task(task_run_name="classify-{chunk.name}")
def classify_chunk(chunk: Path, model_path: Path | None = None, decided: list[dict] | None = None) -> dict:
    """Classify one chunk into `<chunk>.classified.jsonl` (pure CPU: no retries). `decided`: the store's
    `v_registry_decisions` rows, read once by the flow before any chunk is classified."""
    model = with_decided(_load_model(model_path), decided or [])
    results = model.classify(list(iter_jsonl_posts(chunk, skip_invalid=True)))
    out = chunk.with_suffix(".classified.jsonl")
    write_jsonl(out, results)
    return {"results": str(out), "classified": len(results), "flagged": sum(r["flagged"] for r in results),
            "model_version": model.version, "worker_pid": os.getpid()}


@task(retries=2, retry_delay_seconds=[1, 5], task_run_name="store-{chunk.name}")
def store_chunk(db: str, chunk: Path, classified: dict, source: str, first_line: int,
                watchlist: str | None = None, remove: bool = False) -> dict:
    """Store one chunk's posts, then its classifier results (both idempotent, so a retry never duplicates).
    Bad lines are skipped and reported with their line number in the `source` file. `remove`: then delete the
    chunk's two files (in a temporary folder they are a copy of the input, no longer needed)."""
    store = open_store(db)
    errors: list[JsonlError] = []
    ingested = store.ingest_file(chunk, watchlist=watchlist, skip_invalid=True, errors=errors)
    with open(classified["results"], encoding="utf-8") as fh:
        saved = store.save_classifications(json.loads(line) for line in fh if line.strip())
    if remove:
        for path in (chunk, Path(classified["results"])):
            path.unlink(missing_ok=True)
    return {"received": ingested.received, "new": ingested.new, "already_known": ingested.already_known,
            "queued": ingested.queued, "results_saved": saved, "invalid": len(errors),
            "errors": [f"{source}:{first_line + e.lineno - 1}: {e.reason}" for e in errors[:5]], "worker_pid": os.getpid()}


def task_runner(dask_address: str | None = None, workers: int = DEFAULT_WORKERS):  # noqa: ANN201
    """The DaskTaskRunner for `bulk`: the cluster at `dask_address` (or PANTAU_DASK_ADDRESS), else a local
    cluster of `workers` processes with one thread each (classification is CPU-bound Python)."""
    from prefect_dask import DaskTaskRunner  # heavy (dask.distributed): only when a bulk run starts

    address = dask_address or os.environ.get(DASK_ADDRESS_ENV) or None
    if address:
        return DaskTaskRunner(address=address)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


@flow(name="bulk", log_prints=True)
def bulk(
    db: str,
    posts_path: Path,
    model_path: Path | None = None,
    work_dir: Path | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    watchlist: str | None = None,
) -> dict:
    """Store and classify every post of `posts_path` (JSON Lines, docs/post-format.md) into `db` (a DuckDB file
    or a DuckLake target). Run it through `run_bulk` (or `pantau bulk`) to get the Dask task runner."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    started = time.perf_counter()
    if work_dir:
        work, lock = Path(work_dir), None
        work.mkdir(parents=True, exist_ok=True)
    else:
        work, lock = _own_work_folder()
    try:
        return _bulk(db, posts_path, model_path, work, bool(work_dir), chunk_size, watchlist, started)
    finally:
        if lock is not None:  # our temporary folder: a copy of the whole input, chunked, and the results (issue 21)
            shutil.rmtree(work, ignore_errors=True)
            os.close(lock)


def _bulk(db: str, posts_path: Path, model_path: Path | None, work: Path, given_work: bool, chunk_size: int,
          watchlist: str | None, started: float) -> dict:
    parts = split(Path(posts_path), work, chunk_size)
    chunks = [Path(c) for c in parts["chunks"]]

    decided = decided_accounts(open_store(db))  # accounts confirmed by decisions: registry entries (issue 20)
    classified = [classify_chunk.submit(c, model_path, decided) for c in chunks]
    chained = not is_lake(db)  # a DuckDB file: one writer at a time
    stored, previous = [], None
    for k, (chunk, result) in enumerate(zip(chunks, classified)):
        future = store_chunk.submit(str(db), chunk, result, str(posts_path), k * chunk_size + 1, watchlist,
                                    not given_work, wait_for=[previous] if chained and previous is not None else None)
        stored.append(future)
        previous = future
    done = [f.result() for f in stored]
    scores = [f.result() for f in classified]

    invalid = sum(d["invalid"] for d in done)
    bad_lines = [err for d in done for err in d["errors"]][:20]
    for err in bad_lines:
        print(f"skipped bad line {err}")
    summary: dict[str, Any] = {
        "posts": sum(d["received"] for d in done), "invalid": invalid, "bad_lines": bad_lines, "chunks": len(chunks),
        "new": sum(d["new"] for d in done), "already_known": sum(d["already_known"] for d in done),
        "queued": sum(d["queued"] for d in done), "classified": sum(s["classified"] for s in scores),
        "flagged": sum(s["flagged"] for s in scores), "results_saved": sum(d["results_saved"] for d in done),
        "model_version": scores[0]["model_version"] if scores else None,
        "worker_pids": sorted({s["worker_pid"] for s in scores} | {d["worker_pid"] for d in done}),
        "writes": "chained (DuckDB file)" if chained else "concurrent (DuckLake)",
        "registry_from_decisions": len(Registry.from_rows(decided)),
    }
    summary["workers_used"] = len(summary["worker_pids"])
    print(f"bulk: {summary['posts']} posts in {summary['chunks']} chunk(s), {summary['new']} new, "
          f"{summary['flagged']} flagged, {summary['invalid']} invalid line(s), "
          f"{summary['workers_used']} worker process(es), writes {summary['writes']}")
    publish("bulk", "bulk load", {k: v for k, v in summary.items() if k not in ("bad_lines", "worker_pids")},
            {Path(posts_path).name: {"invalid posts": invalid}}, time.perf_counter() - started)
    return summary


def run_bulk(db: str | Path, posts_path: Path, *, dask_address: str | None = None, workers: int = DEFAULT_WORKERS,
             return_state: bool = False, **kwargs: Any) -> Any:
    """Run `bulk` on Dask: the remote scheduler at `dask_address`/PANTAU_DASK_ADDRESS, else a local cluster."""
    runner = task_runner(dask_address, workers)
    return bulk.with_options(task_runner=runner)(db=str(db), posts_path=Path(posts_path), return_state=return_state,
                                                 **kwargs)
