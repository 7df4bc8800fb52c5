"""Near-copy clusters (issue 18): quality of the clustering and its cost on ingest.

    .venv/bin/python -m bench.clusters [--posts 100000] [--groups 2000] [--distinct 20000] [--repeat 2] [--keep DIR]

(a) Quality. `--groups` near-copy groups (a generated post and 1-29 copies of it, each with small edits: words
    changed, dropped or added, emoji, hashtags, casing, punctuation, a link or a mention) and `--distinct` distinct
    generated posts (words drawn from the demo posts' vocabulary by their frequency, 8-45 words; many share a
    topic and its words) are stored into one fresh database with `Store.ingest`. Recall: of the copies, the share
    in their original's cluster. False merges: of all posts, the share whose cluster holds a post of another group
    (or another distinct post). Goals: recall >= 0.95, false merges <= 1%.
(b) Cost. `--posts` posts in the crawler's format (bench.ingest_throughput's generator: demo post texts joined to
    ~100-300 characters, so many posts are near-copies as in real data) are ingested with `pantau ingest` (a fresh
    process and database each run) with cluster assignment and without it (the same command with the cluster
    work, ChunkWork, BatchWork and assign_clusters, replaced by no-ops: the baseline), alternating, `--repeat`
    times each. Printed: the seconds of each run (wall and CPU) and the ratio with/without (medians). Goal: <= 1.20
    at 1M posts.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench.ingest_throughput import write_posts

from pantau.demo.generate import DEFAULT_NOW, generate_posts
from pantau.post import Author, Post

GOAL_RECALL = 0.95
GOAL_FALSE_MERGES = 0.01
GOAL_OVERHEAD = 1.20

EMOJI = ("🔥", "✌️", "👍", "🙏", "💪", "🇮🇩", "😊", "❤️", "👉", "✅")
TAGS = ("#Pilkada2024", "#AyoMemilih", "#GuruHebat", "#DesaMaju", "#Coblos2", "#BersamaKita", "#IndonesiaMaju")
PUNCT = ("!", "!!", ".", "...", "?", ",")


def vocabulary(seed: int) -> tuple[list[str], list[int]]:
    """The words of the demo posts and how often each occurs."""
    counts: Counter[str] = Counter()
    for post in generate_posts(seed=seed, n=5_000):
        counts.update(w.strip(".,!?:;()\"'").lower() for w in post["text"].split())
    words = [w for w in counts if w.isalpha()]
    return words, [counts[w] for w in words]


def distinct_post(rng: random.Random, words: list[str], weights: list[int]) -> str:
    n = rng.randint(8, 45)
    return " ".join(rng.choices(words, weights, k=n)).capitalize() + rng.choice(PUNCT)


def near_copy(rng: random.Random, text: str, words: list[str], weights: list[int]) -> str:
    """`text` with small edits: 1 word changed per 10 (at least 1), maybe a word dropped or added, emoji,
    hashtags, casing, punctuation, a link or a mention."""
    toks = text.split()
    for _ in range(max(1, len(toks) // 10)):
        toks[rng.randrange(len(toks))] = rng.choices(words, weights)[0]
    if rng.random() < 0.3 and len(toks) > 4:
        del toks[rng.randrange(len(toks))]
    if rng.random() < 0.3:
        toks.insert(rng.randrange(len(toks) + 1), rng.choices(words, weights)[0])
    for _ in range(rng.randint(0, 3)):
        toks.insert(rng.randrange(len(toks) + 1), rng.choice(EMOJI))
    toks += rng.sample(TAGS, rng.randint(0, 2))
    if rng.random() < 0.2:
        toks.append(f"https://s.id/{rng.randrange(10**6):x}")
    if rng.random() < 0.2:
        toks.insert(0, f"@akun{rng.randrange(1000)}")
    out = " ".join(toks)
    case = rng.random()
    if case < 0.15:
        out = out.upper()
    elif case < 0.3:
        out = out.lower()
    elif case < 0.4:
        out = out.title()
    return out + rng.choice(("", "", *PUNCT))


def quality(groups: int, distinct: int, seed: int, folder: Path) -> dict:
    from pantau.store.db import Store  # heavy (DuckDB): only this function needs it

    rng = random.Random(seed)
    words, weights = vocabulary(seed)
    posts, group_of, original = [], {}, {}
    for g in range(groups):
        base = distinct_post(rng, words, weights)
        for j in range(rng.randint(2, 30)):
            pid = f"g{g}-{j}"
            posts.append((pid, base if j == 0 else near_copy(rng, base, words, weights)))
            group_of[pid] = f"g{g}"
            if j == 0:
                original[f"g{g}"] = pid
    for d in range(distinct):
        posts.append((f"d{d}", distinct_post(rng, words, weights)))
        group_of[f"d{d}"] = f"d{d}"
    rng.shuffle(posts)
    store = Store(folder / "quality.duckdb")
    store.ingest(Post(platform="demo", post_id=pid, text=text, author=Author(id=f"u{i % 997}"), region="Kab. Bogor",
                      created_at=DEFAULT_NOW - timedelta(seconds=i), captured_at=DEFAULT_NOW)
                 for i, (pid, text) in enumerate(posts))
    cluster = {r["post_id"]: r["cluster_id"] for r in store.query("SELECT post_id, cluster_id FROM post_clusters")}
    copies = [pid for pid in group_of if group_of[pid].startswith("g") and pid != original[group_of[pid]]]
    found = sum(cluster[pid] == cluster[original[group_of[pid]]] for pid in copies)
    groups_in: dict[int, set[str]] = {}
    for pid, c in cluster.items():
        groups_in.setdefault(c, set()).add(group_of[pid])
    merged = sum(len(groups_in[cluster[pid]]) > 1 for pid in cluster)
    return {"posts": len(posts), "copies": len(copies), "recall": found / len(copies),
            "false_merged_posts": merged, "false_merges": merged / len(posts)}


_RUN = """
import sys, time
t0 = time.perf_counter()
if sys.argv[3] == "off":
    import pantau.store.ingest as ingest
    import pantau.store.staging as staging

    class NoWork:  # the baseline: ingest without cluster assignment (no thread, no rows)
        of_chunk = of_table = classmethod(lambda cls, *args: cls())
        __init__ = lambda self, *args: None
        close = result = lambda self: None

    staging.BatchWork = ingest.BatchWork = ingest.ChunkWork = NoWork
    staging.assign_clusters = lambda con, source, added=None, work=None: 0
from pantau.cli import main
sys.argv = ["pantau", "ingest", sys.argv[2], "--db", sys.argv[1]]
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
"""


def ingest_seconds(src: Path, db: Path, clusters: bool) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, all its threads) of a whole `pantau ingest` command (a fresh process
    and database)."""
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", _RUN, str(db), str(src), "on" if clusters else "off"], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--groups", type=int, default=2_000)
    ap.add_argument("--distinct", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-cost", action="store_true")
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="pantau-bench-clusters-"))
    try:
        if not args.skip_quality:
            q = quality(args.groups, args.distinct, args.seed, folder)
            print(f"quality: {q['posts']:,} posts ({args.groups:,} near-copy groups, {q['copies']:,} copies; "
                  f"{args.distinct:,} distinct posts)")
            print(f"  recall {q['recall']:.4f} (goal >= {GOAL_RECALL})"
                  + ("" if q["recall"] >= GOAL_RECALL else "  GOAL MISSED"))
            print(f"  false merges {q['false_merges']:.4%} ({q['false_merged_posts']:,} posts; goal <= "
                  f"{GOAL_FALSE_MERGES:.0%})" + ("" if q["false_merges"] <= GOAL_FALSE_MERGES else "  GOAL MISSED"))
        if not args.skip_cost:
            src = folder / "posts.jsonl"
            size = write_posts(src, args.posts, args.seed)
            print(f"cost: pantau ingest of {args.posts:,} posts ({size / 1e6:.0f} MB), fresh process and database "
                  f"each run, {args.repeat} run(s) each, alternating")
            on, off, on_cpu, off_cpu = [], [], [], []
            for _ in range(args.repeat):
                for seconds, cpu, clusters in ((off, off_cpu, False), (on, on_cpu, True)):
                    wall, used = ingest_seconds(src, folder / f"{'on' if clusters else 'off'}.duckdb", clusters)
                    seconds.append(wall)
                    cpu.append(used)
                print(f"  without clusters {off[-1]:.1f} s ({off_cpu[-1]:.1f} s CPU), with clusters {on[-1]:.1f} s "
                      f"({on_cpu[-1]:.1f} s CPU); load average {os.getloadavg()[0]:.1f}")
            ratio = statistics.median(on) / statistics.median(off)
            print(f"  median: without {statistics.median(off):.1f} s ({args.posts / statistics.median(off):,.0f} "
                  f"posts/s), with {statistics.median(on):.1f} s; ratio {ratio:.3f} (goal <= {GOAL_OVERHEAD})"
                  + ("" if ratio <= GOAL_OVERHEAD else "  GOAL MISSED"))
            print(f"  CPU seconds (all threads), median: without {statistics.median(off_cpu):.1f}, with "
                  f"{statistics.median(on_cpu):.1f}: the clusters' work is "
                  f"{statistics.median(on_cpu) - statistics.median(off_cpu):.1f} s of CPU, done beside the ingest's "
                  "own statements (a busy machine has no idle core for it: the wall ratio then rises toward the "
                  "CPU ratio)")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for p in folder.iterdir():
                shutil.move(str(p), args.keep / p.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
