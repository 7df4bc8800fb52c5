"""Store ingestion throughput: pantau's Store.ingest_file vs DuckDB's read_json and COPY of the same JSON Lines file.

Each load goes into a fresh DuckDB file, all in the same run. Issue goals: >= 50,000 posts/s and >= 0.5x of COPY.

    .venv/bin/python -m bench.ingest_throughput [--n 100000] [--repeat 1] [--rss-check | --rss-only] [--keep DIR]

The input is N generated posts in the crawler's output format (docs/post-format.md): unique post_ids, texts of
~100-300 characters built from the demo platform's generated posts (demo/generate.py), the demo accounts as
authors, `raw` the canonical JSON of the demo API object and `raw_sha256` its hash.

Four loads of that one file, each into a fresh DuckDB file (connect, load, close - the close checkpoints):

* pantau (the main figure): `Store(db).ingest_file(file)`, what `pantau ingest` runs: chunks of BATCH_SIZE lines
  read by DuckDB's read_json as typed JSON, every field checked as Post.from_payload checks it (a chunk with a bad
  line goes through the Python path), de-duplication, INSERT OR IGNORE into posts, raw_payloads, post_watchlists
  with their primary keys. The schema is created first (`Store.init()`, timed separately, not counted);
* pantau Store.ingest(iterable): `Store(db).ingest(iter_jsonl_posts(file))`, the path for posts made in Python
  (Post validation in Python, staging files in batches of BATCH_SIZE, then the same SQL);
* read_json: `CREATE TABLE t AS SELECT * FROM read_json(file, format='newline_delimited')`;
* COPY: `COPY t FROM file` into a table created (untimed) with the layout read_json detects.

Then the same file is ingested again (ingest_file) into the pantau database (idempotency: new=0, already_known=N).

`--rss-check` also ingests (ingest_file) 100k and 1M posts (one 1M file generated into a temp dir; the 100k file is its first
100k lines), each in a fresh subprocess, and reports each one's peak RSS (the child's own VmHWM) and the
ratio 1M/100k (flat, i.e. close to 1, means memory does not grow with the input). `--keep DIR` keeps the input
file and the pantau database (DIR/pantau.duckdb) there. Goal misses are printed, never an error exit.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from pantau.demo.generate import DEFAULT_NOW, generate_posts
from pantau.post import canonical_json, format_time, iter_jsonl_posts, sha256_hex

GOAL_POSTS_PER_S = 50_000
GOAL_COPY_RATIO = 0.5
BASE_URL = "http://127.0.0.1:8800"
MEDIA_SHARE = 0.2  # posts with an image (a quarter of them the image shared by the copies of one demo post)


# -- input ---------------------------------------------------------------------------------------------------


def _text_pool(seed: int) -> list[dict]:
    return generate_posts(seed=seed, n=20_000)


def iter_post_lines(n: int, seed: int = 7) -> Iterator[str]:
    """`n` JSON lines in the crawler's output format, post_ids "1000001", "1000002", ... (unique); MEDIA_SHARE of
    them with an image."""
    pool = _text_pool(seed)
    rng = random.Random(seed)
    media_rng = random.Random(seed + 1)  # apart, so the texts are those drawn before posts had media
    captured = DEFAULT_NOW
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    for i in range(n):
        j = rng.randrange(len(pool))
        base = pool[j]
        text = base["text"]
        while len(text) < 100:  # demo posts are 30-140 chars: join two or three for ~100-300
            text = text + " " + pool[rng.randrange(len(pool))]["text"]
        if len(text) > 300:
            text = text[:300].rsplit(" ", 1)[0]
        post_id = str(1_000_001 + i)
        created = DEFAULT_NOW - timedelta(seconds=rng.randrange(10 * 86400))
        author = base["author"]
        obj = {"id": post_id, "text": text, "created_at": format_time(created), "lang": base["lang"],
               "region": base["region"], "url": f"{BASE_URL}/p/{post_id}", "author": author}
        line = {
            "platform": "demo", "post_id": post_id, "text": text, "url": obj["url"], "created_at": obj["created_at"],
            "author": author, "lang": base["lang"], "region": base["region"],
            "captured_at": format_time(captured + timedelta(microseconds=i))}
        if media_rng.random() < MEDIA_SHARE:  # an image: its own, or now and then the one its base post's copies share
            image = f"b{j}" if media_rng.random() < 0.25 else f"p{post_id}"
            line["media"] = obj["media"] = [
                {"type": "image", "url": f"https://pbs.twimg.com/media/{image}.jpg?name=small", "alt": None}]
        raw = canonical_json(obj)
        yield encoder.encode({**line, "raw_sha256": sha256_hex(raw), "raw": raw})


def write_posts(path: Path, n: int, seed: int = 7) -> int:
    """Write `n` generated posts to `path` (streamed, never all in memory); returns the file size in bytes."""
    with open(path, "w", encoding="utf-8") as fh:
        for line in iter_post_lines(n, seed):
            fh.write(line)
            fh.write("\n")
    return path.stat().st_size


# -- the three loads -----------------------------------------------------------------------------------------


def pantau_ingest(src: Path, db: Path, *, iterable: bool = False) -> dict:
    """Ingest `src` into a fresh pantau database `db` with `Store.ingest_file` (or, with `iterable`,
    `Store.ingest(iter_jsonl_posts(src))`); seconds for the schema and for the ingest, and the result."""
    from pantau.store.db import Store  # heavy (DuckDB): only this function needs it

    store = Store(db)
    t0 = time.perf_counter()
    store.init()
    t_init = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = store.ingest(iter_jsonl_posts(src)) if iterable else store.ingest_file(src)
    return {"init_s": t_init, "seconds": time.perf_counter() - t0, "result": result}


def duckdb_read_json(src: Path, db: Path) -> tuple[float, int]:
    import duckdb  # heavy (DuckDB): only this function needs it

    t0 = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format='newline_delimited')", [str(src)])
    con.close()
    seconds = time.perf_counter() - t0
    return seconds, _count(db)


def duckdb_copy(src: Path, db: Path) -> tuple[float, int]:
    import duckdb  # heavy (DuckDB): only this function needs it

    con = duckdb.connect(str(db))  # the empty table with read_json's detected layout: not timed
    con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format='newline_delimited') LIMIT 0", [str(src)])
    con.close()
    quoted = str(src).replace("'", "''")
    t0 = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(f"COPY t FROM '{quoted}'")
    con.close()
    seconds = time.perf_counter() - t0
    return seconds, _count(db)


def _count(db: Path, table: str = "t") -> int:
    """Rows of `table` (the baselines' "t", or pantau's "posts"), read-only."""
    import duckdb  # heavy (DuckDB): only this function needs it

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def _fresh(path: Path) -> Path:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


# -- peak memory (--rss-check) -------------------------------------------------------------------------------


def peak_rss_kib() -> int:
    """This process's peak RSS in KiB: VmHWM of /proc/self/status (Linux), else ru_maxrss.

    Not ru_maxrss on Linux: a child's ru_maxrss (and the parent's RUSAGE_CHILDREN) keeps the high-water mark of the
    memory it was forked from, before exec, so a child of a 500 MiB parent reports >= 500 MiB whatever it does."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child_ingest(src: Path, db: Path) -> None:
    """Subprocess side of --rss-check: ingest, then print one JSON line with the figures and own peak RSS."""
    run = pantau_ingest(src, db)
    r = run["result"]
    print(json.dumps({"received": r.received, "new": r.new, "already_known": r.already_known,
                      "seconds": run["seconds"], "init_s": run["init_s"],
                      "maxrss_kib": peak_rss_kib()}))


def _child_baseline() -> None:
    """Peak RSS of a child that only imports the store and opens an empty database (the fixed part)."""
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        from pantau.store.db import Store  # heavy (DuckDB): only this function needs it

        Store(Path(tmp) / "empty.duckdb").init()
    print(json.dumps({"maxrss_kib": peak_rss_kib()}))


def _run_child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.ingest_throughput", *args], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rss_check(work: Path) -> None:
    big = work / "posts-1m.jsonl"
    small = work / "posts-100k.jsonl"
    t0 = time.perf_counter()
    write_posts(big, 1_000_000, seed=11)
    with open(big, encoding="utf-8") as fin, open(small, "w", encoding="utf-8") as fout:
        for _, line in zip(range(100_000), fin):
            fout.write(line)
    print(f"rss check: 1M-post file generated in {time.perf_counter() - t0:.1f} s "
          f"({big.stat().st_size / 1e6:.0f} MB; 100k file {small.stat().st_size / 1e6:.0f} MB)", flush=True)
    base = _run_child(["--child-baseline"])
    runs = {}
    for label, src, n in (("100k", small, 100_000), ("1M", big, 1_000_000)):
        db = _fresh(work / f"rss-{label}.duckdb")
        runs[label] = r = _run_child(["--child-ingest", str(src), str(db)])
        if r["new"] != n:
            raise SystemExit(f"rss check {label}: expected {n} new posts, got {r}")
        print(f"rss check {label:>4s}: peak RSS {r['maxrss_kib'] / 1024:7.1f} MiB   "
              f"ingest {n / r['seconds']:8.0f} posts/s ({r['seconds']:.2f} s)   new={r['new']}", flush=True)
        db.unlink(missing_ok=True)
    ratio = runs["1M"]["maxrss_kib"] / runs["100k"]["maxrss_kib"]
    print(f"rss check base: peak RSS {base['maxrss_kib'] / 1024:7.1f} MiB   (imports + empty database, no posts)")
    over = (runs["1M"]["maxrss_kib"] - base["maxrss_kib"]) / max(1, runs["100k"]["maxrss_kib"] - base["maxrss_kib"])
    print(f"peak RSS ratio 1M/100k:    {ratio:6.2f}x  (flat = close to 1; above the base: {over:.2f}x)")


# -- main ----------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="posts in the generated file")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each load; the best is kept")
    ap.add_argument("--rss-check", action="store_true", help="peak RSS of 100k and 1M-post ingests (subprocesses)")
    ap.add_argument("--rss-only", action="store_true", help="only the --rss-check part")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="keep the input file and pantau.duckdb in DIR")
    ap.add_argument("--child-ingest", nargs=2, type=Path, metavar=("SRC", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--child-baseline", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child_ingest:
        _child_ingest(*args.child_ingest)
        return
    if args.child_baseline:
        _child_baseline()
        return

    import duckdb  # heavy (DuckDB): only this function needs it

    from pantau.store.db import BATCH_SIZE  # heavy (DuckDB): only this function needs it

    tmp = tempfile.mkdtemp(prefix="pantau-bench-")
    try:
        work = Path(tmp)
        if args.rss_only:
            rss_check(work)
            return
        out = args.keep or work
        out.mkdir(parents=True, exist_ok=True)
        src = out / "posts.jsonl"
        n = args.n
        t0 = time.perf_counter()
        size = write_posts(src, n)
        print(f"posts: {n} generated in {time.perf_counter() - t0:.1f} s, {size / 1e6:.1f} MB JSON Lines "
              f"({size / n:.0f} bytes/post); duckdb {duckdb.__version__}; BATCH_SIZE {BATCH_SIZE}; "
              f"best of {args.repeat}", flush=True)

        t_pantau = t_iter = t_json = t_copy = float("inf")
        for _ in range(args.repeat):
            run = pantau_ingest(src, _fresh(work / "pantau.duckdb"))
            t_pantau = min(t_pantau, run["seconds"])
            first = run["result"]
            run_iter = pantau_ingest(src, _fresh(work / "iterable.duckdb"), iterable=True)
            t_iter = min(t_iter, run_iter["seconds"])
            if run_iter["result"].new != n:
                raise SystemExit(f"pantau Store.ingest(iterable) stored {run_iter['result'].new} posts, expected {n}")
            s, rows = duckdb_read_json(src, _fresh(work / "read_json.duckdb"))
            t_json = min(t_json, s)
            if rows != n:
                raise SystemExit(f"read_json loaded {rows} rows, expected {n}")
            s, rows = duckdb_copy(src, _fresh(work / "copy.duckdb"))
            t_copy = min(t_copy, s)
            if rows != n:
                raise SystemExit(f"COPY loaded {rows} rows, expected {n}")
        stored = _count(work / "pantau.duckdb", "posts")
        if first.new != n or stored != n:
            raise SystemExit(f"pantau stored {stored} posts (new={first.new}), expected {n}")

        t0 = time.perf_counter()
        from pantau.store.db import Store  # heavy (DuckDB): only this function needs it

        again = Store(work / "pantau.duckdb").ingest_file(src)
        t_again = time.perf_counter() - t0
        stored_after = _count(work / "pantau.duckdb", "posts")

        rate = {"pantau": n / t_pantau, "iterable": n / t_iter, "read_json": n / t_json, "copy": n / t_copy}
        print(f"pantau Store.ingest_file:  {rate['pantau']:10.0f} posts/s  ({t_pantau:.2f} s; "
              f"schema init {run['init_s'] * 1000:.0f} ms not counted)  new={first.new}")
        print(f"pantau Store.ingest(iterable): {rate['iterable']:6.0f} posts/s  ({t_iter:.2f} s)  "
              f"new={run_iter['result'].new}")
        print(f"duckdb read_json CTAS:     {rate['read_json']:10.0f} posts/s  ({t_json:.2f} s)")
        print(f"duckdb COPY FROM:          {rate['copy']:10.0f} posts/s  ({t_copy:.2f} s)")
        r_json = rate["pantau"] / rate["read_json"]
        r_copy = rate["pantau"] / rate["copy"]
        print(f"ratio pantau/read_json:    {r_json:10.2f}x")
        print(f"ratio pantau/COPY:         {r_copy:10.2f}x")
        print(f"re-ingest same file:       {n / t_again:10.0f} posts/s  ({t_again:.2f} s)  received={again.received} "
              f"new={again.new} already_known={again.already_known}  posts in db={stored_after}")
        ok = "MET" if again.new == 0 and again.already_known == n and stored_after == n else "NOT MET"
        print(f"goal idempotent re-ingest (new=0, already_known={n}): {ok}")
        ok = "MET" if rate["pantau"] >= GOAL_POSTS_PER_S else "NOT MET"
        print(f"goal >= {GOAL_POSTS_PER_S} posts/s: {ok} ({rate['pantau']:.0f})")
        ok = "MET" if r_copy >= GOAL_COPY_RATIO else "NOT MET"
        print(f"goal >= {GOAL_COPY_RATIO}x of COPY: {ok} ({r_copy:.2f}x)", flush=True)

        for name in ("read_json.duckdb", "copy.duckdb", "iterable.duckdb"):
            _fresh(work / name)
        if args.keep:
            shutil.copy2(work / "pantau.duckdb", args.keep / "pantau.duckdb")
            print(f"kept: {src} and {args.keep / 'pantau.duckdb'}")
        _fresh(work / "pantau.duckdb")

        if args.rss_check:
            rss_check(work)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
