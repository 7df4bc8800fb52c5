"""What shifts and the first-review SLA cost (issue 18, part 4), measured in one run: the queue's count with the
overdue-for-first-review figure vs the plain count it rides on (same scan of queue_items), the handover page's
figures (triage.shifts.shift_figures) and the analyst view v_review_sla, each with the plain count as baseline.

    python -m bench.shifts [--posts 1000000] [--db var/bench-shifts.duckdb]

Posts come from bench.calendar_stages' generator (realistic texts and shape, times over Oct 2023 - Jan 2025, 10%
flagged); two thirds of the flagged posts get a first decision 1-72 h after capture, every tenth of those a second
one. "Now" is the newest capture, the shift the 8 hours before it. Figures are the best of 5 runs.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # `python bench/shifts.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.calendar_stages import best, generate  # noqa: E402
from bench.fresh_db import bench_args  # noqa: E402
from pantau.sla import first_review_cutoff  # noqa: E402

PLAIN = "SELECT count(*) FROM queue_items qi WHERE qi.status IN ('new', 'needs_info')"


def decide(store) -> None:
    with store.connect() as con:
        con.execute(
            """INSERT INTO decisions (platform, post_id, decision, reason, duplicate_of, reviewer, decided_at)
               SELECT platform, post_id, ['violation', 'not_violation', 'needs_info'][1 + (hash(post_id) % 3)::BIGINT], NULL,
                      NULL, 'rev' || (hash(post_id) % 12), captured_at + to_minutes(60 + (hash(post_id) % 4260)::BIGINT)
               FROM queue_items WHERE hash(post_id) % 3 <> 0 ORDER BY captured_at""")
        con.execute(
            """INSERT INTO decisions (platform, post_id, decision, reason, duplicate_of, reviewer, decided_at)
               SELECT platform, post_id, 'not_violation', NULL, NULL, 'sari', decided_at + INTERVAL 3 HOUR
               FROM decisions WHERE decision_id % 10 = 0""")


def main(argv: list[str] | None = None) -> int:
    from pantau.triage.shifts import shift_figures  # heavy (DuckDB, the app): only this function needs them

    args, store = bench_args(__doc__, "var/bench-shifts.duckdb", argv)
    t0 = time.perf_counter()
    generate(store, args.posts)
    store.rebuild_queue_items()
    decide(store)
    store.rebuild_queue_items()  # statuses from the decisions
    print(f"generated {args.posts:,} posts in {time.perf_counter() - t0:.1f}s -> {args.db}")
    now = store.scalar("SELECT max(captured_at) FROM queue_items")
    start = now - timedelta(hours=8)
    cutoff = first_review_cutoff(now, 24)
    overdue = (f"SELECT count(*) AS total, count(*) FILTER (WHERE qi.status = 'new' AND qi.captured_at < "
               f"TIMESTAMPTZ '{cutoff.isoformat()}') AS overdue FROM queue_items qi "
               "WHERE qi.status IN ('new', 'needs_info')")
    with store.session():
        plain = best(lambda: store.scalar(PLAIN), 5)
        with_overdue = best(lambda: store.query(overdue), 5)
        figures_time = best(lambda: shift_figures(store, start, now, now), 5)
        view = best(lambda: store.query("SELECT * FROM v_review_sla"), 5)
        figures = shift_figures(store, start, now, now)
        n_items = store.scalar("SELECT count(*) FROM queue_items")
        n_decisions = store.scalar("SELECT count(*) FROM decisions")
    print(f"\n{args.posts:,} posts, {n_items:,} queue items, {n_decisions:,} decisions; "
          f"{figures['first_review_overdue']:,} overdue for first review, shift: {figures['sla']}")
    print(f"{'':46} {'seconds':>8} {'ratio':>7}")
    print(f"{'queue count (baseline)':46} {plain:8.4f} {1:7.2f}")
    print(f"{'queue count with the overdue figure':46} {with_overdue:8.4f} {with_overdue / plain:7.2f}")
    print(f"{'handover figures (shift_figures, 8 h)':46} {figures_time:8.4f} {figures_time / plain:7.2f}")
    print(f"{'v_review_sla (every day and week)':46} {view:8.4f} {view / plain:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
