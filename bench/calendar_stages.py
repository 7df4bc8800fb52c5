"""What the election stage costs the queue (issue 18, part 2): the queue_items refresh with the stage range join vs
the same refresh without it, and the queue's count with a stage filter vs a region filter, measured in one run.

    python -m bench.calendar_stages [--posts 1000000] [--db var/bench-calendar.duckdb]

Posts are generated with one SQL statement (the triage_latency generator's texts and shape), their times spread
over Oct 2023 - Jan 2025 so every stage of the shipped calendar is hit, in regions of all three zones (WIB, WITA,
WIT, and posts without region); 10% flagged. Refresh figures are the best of 5 interleaved runs, counts of 3.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.fresh_db import bench_args
from pantau.store.queue_items import _QUEUE_ITEMS_SELECT
from pantau.store.stages import STAGE_JOIN

if __package__ in (None, ""):  # `python bench/calendar_stages.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REGIONS = ["Kab. Sleman", "Kota Bandung", "Kota Medan", "Kota Makassar", "Kab. Badung", "Kota Kupang", "Kota Jayapura",
           "Kab. Merauke", "Kota Ambon", "Kab. Gowa, Sulawesi Selatan", "Kab. Tidak Dikenal"]


def generate(store, n_posts: int) -> None:
    regions = "[" + ", ".join(f"'{r}'" for r in REGIONS) + ", NULL]"
    span = 470 * 86400  # 2023-10-01 + up to 470 days
    with store.connect() as con:
        con.execute(
            f"""INSERT INTO posts (platform, post_id, url, text, created_at, author_id, author_handle, author_name,
                                   author_bio, lang, region, captured_at, raw_sha256, ingested_at)
            SELECT ['demo', 'x', 'tiktok'][1 + i % 3], i::VARCHAR, 'https://example.invalid/p/' || i,
                   ['Ayo dukung paslon nomor urut ', 'Guru SD ikut kampanye calon ', 'Jadwal posyandu minggu ke-',
                    'Gass coblos nomor ', 'Foto bersama calon bupati, salam ', 'ASN harus netral, edaran nomor ']
                       [1 + (i * 7) % 6] || (i % 5) || ' #pilkada' || (i % 97) || ' pos ' || i,
                   CASE WHEN i % 10 = 0 THEN NULL
                        ELSE TIMESTAMPTZ '2023-10-01 00:00:00+00' + INTERVAL ((hash(i) % {span})::BIGINT) SECOND END,
                   'a' || (i % 200000), 'akun' || (i % 200000), 'Nama Akun ' || (i % 200000),
                   CASE WHEN i % 4 = 0 THEN 'Guru SDN ' || (i % 300) || ' | PNS' ELSE 'warga biasa' END, 'id',
                   {regions}[1 + i % {len(REGIONS) + 1}],
                   TIMESTAMPTZ '2023-10-01 00:00:00+00' + INTERVAL ((hash(i + 1) % {span})::BIGINT) SECOND,
                   NULL, now()
            FROM range({n_posts}) t(i)""")
        con.execute(
            """INSERT INTO classifications (platform, post_id, model_version, score, flagged, category, signals,
                                            classified_at)
            SELECT platform, post_id, 'bench-1', (hash(post_id) % 1000) / 1000.0, (hash(post_id) % 1000) >= 900,
                   'kampanye_medsos', '[]', now() FROM posts""")


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    args, store = bench_args(__doc__, "var/bench-calendar.duckdb", argv)
    t0 = time.perf_counter()
    generate(store, args.posts)
    print(f"generated {args.posts:,} posts in {time.perf_counter() - t0:.1f}s -> {args.db}")

    # The calendar applied once (what a first refresh or a calendar edit costs: election_stages filled, the queue
    # rebuilt, every item restaged), then the refresh's query itself with and without the stage join, interleaved.
    t0 = time.perf_counter()
    n_queue = store.rebuild_queue_items()
    print(f"calendar applied and queue_items rebuilt ({n_queue:,} items) in {time.perf_counter() - t0:.1f}s")
    with_stage = _QUEUE_ITEMS_SELECT.format(filter="", post_filter="", doc_id="NULL", doc_join="")
    without = with_stage.replace(STAGE_JOIN, "").replace("d.decision_id, s.stage", "d.decision_id, NULL")
    assert without != with_stage and "election_stages" not in without

    def refresh(sql: str):
        def run():
            with store.connect() as con:
                con.execute(f"CREATE OR REPLACE TEMP TABLE refreshed AS {sql}")
        return run

    base, staged = [], []
    for _ in range(5):
        base.append(best(refresh(without), 1))
        staged.append(best(refresh(with_stage), 1))
    base, staged = min(base), min(staged)
    n_items = store.scalar("SELECT count(*) FROM queue_items")
    staged_items = store.scalar("SELECT count(*) FROM queue_items WHERE stage IS NOT NULL")
    count_region = best(lambda: store.scalar(
        "SELECT count(*) FROM queue_items qi WHERE qi.status IN ('new', 'needs_info') AND qi.region = ?",
        ["Kab. Sleman"]))
    count_stage = best(lambda: store.scalar(
        "SELECT count(*) FROM queue_items qi WHERE qi.status IN ('new', 'needs_info') AND qi.stage = ?",
        ["pilkada2024/kampanye"]))
    print(f"\n{args.posts:,} posts, {n_items:,} queue items, {staged_items:,} in an election stage")
    print(f"{'':44} {'seconds':>8} {'ratio':>6}")
    print(f"{'queue refresh query without stage (baseline)':44} {base:8.3f} {1:6.2f}")
    print(f"{'queue refresh query with stage join':44} {staged:8.3f} {staged / base:6.2f}")
    print(f"{'queue count, region filter (baseline)':44} {count_region:8.4f} {1:6.2f}")
    print(f"{'queue count, stage filter':44} {count_stage:8.4f} {count_stage / count_region:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
