"""What the "Bantu model" lane costs (issue 18, part 3), measured in one run against the queue's own work:
recomputing `learning_lane` vs rebuilding `queue_items` (both one scan of the classifications), and opening the lane
(staleness check + read) vs the queue's open-items count.

    python -m bench.learning_lane [--posts 1000000] [--db var/bench-lane.duckdb]

Posts are generated with one SQL statement (the calendar bench's texts and shape); scores spread over [0, 1) with
10% flagged, seven categories, 1% of unflagged authors in the account registry, near-copy waves of 10 posts for 10%
of the posts, and 5% of the flagged posts decided. Refresh figures are the best of 3 interleaved runs, reads of 5.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/learning_lane.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.calendar_stages import best, generate  # noqa: E402
from bench.fresh_db import bench_args  # noqa: E402

CATEGORIES = ["kampanye_medsos", "interaksi_pemenangan", "foto_simbol", "hadir_kampanye", "pencalonan_parpol",
              "fasilitas_negara", "atribut_kampanye"]
REGISTRY = '[{"name": "registry", "source": "registry", "start": 0, "end": 0, "text": "terdaftar", "class": "asn"}]'


def shape(store, n_posts: int) -> None:
    """Categories, registry signals, clusters and decisions over the generated posts."""
    cats = "[" + ", ".join(f"'{c}'" for c in CATEGORIES) + "]"
    with store.connect() as con:
        con.execute(f"""UPDATE classifications SET
                          category = CASE WHEN flagged THEN {cats}[1 + (hash(post_id || 'c') % 7)::BIGINT] END,
                          signals = CASE WHEN NOT flagged AND hash(post_id || 'r') % 100 = 0 THEN '{REGISTRY}'
                                         ELSE '[]' END""")
        con.execute("DELETE FROM post_clusters")
        con.execute(f"""INSERT INTO post_clusters (post_no, platform, post_id, cluster_id, signature)
                       SELECT row_number() OVER (ORDER BY platform, post_id), platform, post_id,
                              CASE WHEN hash(post_id || 'w') % 10 = 0 THEN hash(post_id || 'w') % {max(1, n_posts // 100)}
                                   ELSE 1000000 + row_number() OVER (ORDER BY platform, post_id) END, []
                       FROM posts""")
        con.execute("""INSERT INTO decisions (platform, post_id, decision, reviewer, decided_at)
                       SELECT platform, post_id, CASE WHEN hash(post_id) % 2 = 0 THEN 'violation'
                                                      ELSE 'not_violation' END, 'bench', now()
                       FROM classifications WHERE flagged AND hash(post_id || 'd') % 20 = 0""")


def main(argv: list[str] | None = None) -> int:
    # heavy (DuckDB): only a run of the bench needs these, not importing the module for its helpers
    from pantau.store.learning import lane_rows, refresh_lane  # heavy (DuckDB), as above
    from pantau.store.queue_items import _refresh_queue_items  # heavy (DuckDB), as above

    args, store = bench_args(__doc__, "var/bench-lane.duckdb", argv)
    t0 = time.perf_counter()
    generate(store, args.posts)
    shape(store, args.posts)
    print(f"generated {args.posts:,} posts in {time.perf_counter() - t0:.1f}s -> {args.db}")
    threshold = 0.9  # the generator flags scores >= 0.9

    def rebuild_queue():
        with store.transaction() as con:
            _refresh_queue_items(con, None)

    queue, lane = [], []
    for _ in range(3):
        queue.append(best(rebuild_queue, 1))
        lane.append(best(lambda: refresh_lane(store, threshold, force=True), 1))
    queue, lane = min(queue), min(lane)
    count = best(lambda: store.scalar(
        "SELECT count(*) FROM queue_items qi WHERE qi.status IN ('new', 'needs_info')"), 5)
    read = best(lambda: lane_rows(store, threshold), 5)
    reasons = store.query("SELECT reason, count(*) AS n FROM learning_lane GROUP BY reason ORDER BY reason")
    buckets = store.scalar("SELECT count(DISTINCT coalesce(category, '')) FROM learning_lane")
    print(f"\n{args.posts:,} posts, {store.scalar('SELECT count(*) FROM queue_items'):,} queue items; lane: "
          + ", ".join(f"{r['reason']} {r['n']}" for r in reasons) + f" over {buckets} category buckets")
    print(f"{'':44} {'seconds':>8} {'ratio':>6}")
    print(f"{'queue_items full rebuild (baseline)':44} {queue:8.3f} {1:6.2f}")
    print(f"{'learning_lane recompute':44} {lane:8.3f} {lane / queue:6.2f}")
    print(f"{'queue open-items count (baseline)':44} {count:8.4f} {1:6.2f}")
    print(f"{'lane opened (staleness check + read)':44} {read:8.4f} {read / count:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
