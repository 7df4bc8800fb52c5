"""Scale-out of the `bulk` flow on Dask: the same file through a local cluster of 1 and of 2 worker processes.

    .venv/bin/python -m bench.bulk_scaling [--n 40000] [--chunk-size 5000]

Each run stores and classifies N generated posts (bench.ingest_throughput's posts) into a fresh DuckDB file and a
fresh DuckLake (SQLite catalog) under a temporary Prefect server, and prints posts/s and the speed-up of 2 workers
over 1, measured in the same run. Classification is spread over the workers; a DuckDB file takes one writer at a time
(its store tasks are chained), a DuckLake takes them concurrently. The machine's core count bounds the speed-up.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.ingest_throughput import iter_post_lines

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40_000)
    ap.add_argument("--chunk-size", type=int, default=5_000)
    args = ap.parse_args(argv)

    from prefect.testing.utilities import prefect_test_harness  # heavy (Prefect and its test server)

    from pantau.flows.bulk import run_bulk  # heavy (Prefect): only this function needs it

    work = Path(tempfile.mkdtemp(prefix="pantau-bench-bulk-"))
    posts = work / "posts.jsonl"
    with open(posts, "w", encoding="utf-8") as fh:
        for line in iter_post_lines(args.n):
            fh.write(line if line.endswith("\n") else line + "\n")
    print(f"posts: {args.n} in chunks of {args.chunk_size}; cores: {os.cpu_count()}")
    with prefect_test_harness(server_startup_timeout=120):
        for target_kind in ("duckdb", "ducklake"):
            rates = {}
            for workers in (1, 2):
                tag = f"{target_kind}-{workers}"
                target = (str(work / f"{tag}.duckdb") if target_kind == "duckdb"
                          else f"ducklake:sqlite:{work / f'{tag}.sqlite'}")
                started = time.perf_counter()
                summary = run_bulk(target, posts, workers=workers, chunk_size=args.chunk_size, work_dir=work / tag)
                seconds = time.perf_counter() - started
                assert summary["new"] == args.n, summary
                rates[workers] = args.n / seconds
                print(f"{target_kind:9} {workers} worker(s): {rates[workers]:8.0f} posts/s  ({seconds:.1f} s, "
                      f"{summary['flagged']} flagged, writes {summary['writes']})")
            print(f"{target_kind:9} speed-up 2 workers / 1: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
