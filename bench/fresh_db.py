"""What the database benches share: their two options and a fresh database file (bench/calendar_stages.py,
bench/learning_lane.py, bench/shifts.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def bench_args(doc: str, default_db: str, argv: list[str] | None) -> tuple[argparse.Namespace, Any]:
    """`--posts` (default 1,000,000) and `--db` parsed from `argv`, and a new empty Store at that path (the file and
    its write-ahead log removed first)."""
    from pantau.store.db import Store  # heavy (DuckDB): only a run of a bench needs the store

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=Path(default_db))
    args = ap.parse_args(argv)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    for p in (args.db, Path(str(args.db) + ".wal")):
        p.unlink(missing_ok=True)
    store = Store(args.db)
    store.init()
    return args, store
