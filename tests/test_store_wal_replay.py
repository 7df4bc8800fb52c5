"""A writer killed before it closed the file leaves a write-ahead log; the next open must not lose index entries.

Found by the bulk kill campaign (issue 21): after a kill in `pantau bulk`'s store phase, the re-run's
save_classifications failed at COMMIT with "Failed to delete all rows from index" and the chunk's results were
missing. DuckDB 1.5.5 replays the log, but closing that instance without an explicit CHECKPOINT drops the replayed
rows from every CREATE INDEX index. The crash is simulated without a kill: the writer's connection is closed with
DuckDB's checkpoint on shutdown disabled, which leaves the same log a killed process leaves.
"""

from __future__ import annotations

import duckdb

from pantau.store.connection import rebuild_indexes, wal_left
from pantau.store.db import Store

from conftest import make_post, result


def _write_then_die(store: Store, posts, score: float) -> None:
    """Save classifier results for `posts` and 'crash': the log is never checkpointed into the file."""
    with store.session():
        store._local.con.execute("PRAGMA disable_checkpoint_on_shutdown")
        store.save_classifications([result(p, score, True, "kampanye_medsos") for p in posts])
    assert wal_left(store.path)


def _index_hits(db, author_id: str) -> tuple[int, int]:
    """Rows of queue_items for `author_id` found through its index and by a full scan."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        by_index = con.execute("SELECT count(*) FROM queue_items WHERE author_id = ?", [author_id]).fetchone()[0]
        scanned = con.execute("SELECT count(*) FROM queue_items WHERE author_id || '' = ?", [author_id]).fetchone()[0]
        return by_index, scanned
    finally:
        con.close()


def test_results_saved_again_after_a_writer_died_with_its_log(tmp_path):
    store = Store(tmp_path / "p.duckdb")
    posts = [make_post(i) for i in range(40)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.8, True, "kampanye_medsos") for p in posts[:20]])
    _write_then_die(store, posts[20:], 0.8)  # a queue refresh (DELETE + INSERT) left in the log

    again = Store(tmp_path / "p.duckdb")  # the re-run: replays the log, then stores the same results again
    again.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    assert again.scalar("SELECT count(*) FROM queue_items") == 40
    assert again.scalar("SELECT count(*) FROM classifications WHERE score = 0.9") == 40
    assert not wal_left(again.path)
    for author in ("a0", "a1", "a2"):
        by_index, scanned = _index_hits(tmp_path / "p.duckdb", author)
        assert by_index == scanned > 0


def test_a_reader_first_after_the_crash_sees_every_row_through_the_indexes(tmp_path):
    store = Store(tmp_path / "p.duckdb")
    posts = [make_post(i) for i in range(30)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.8, True) for p in posts[:10]])
    _write_then_die(store, posts[10:], 0.7)

    rows = Store(tmp_path / "p.duckdb").query("SELECT post_id FROM queue_items WHERE post_id = '25'")
    assert [r["post_id"] for r in rows] == ["25"]
    assert not wal_left(tmp_path / "p.duckdb")
    by_index, scanned = _index_hits(tmp_path / "p.duckdb", "a1")
    assert by_index == scanned == 10


def test_rebuild_indexes_recreates_each_created_index_and_no_primary_key(tmp_path):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b VARCHAR, c VARCHAR)")
    con.execute("CREATE INDEX t_b ON t (b)")
    con.execute("CREATE UNIQUE INDEX t_c ON t (c)")
    con.execute("INSERT INTO t SELECT i, 'b' || (i % 3), 'c' || i FROM range(10) r(i)")
    assert sorted(rebuild_indexes(con)) == ["t_b", "t_c"]
    assert sorted(r[0] for r in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()) == ["t_b", "t_c"]
    assert con.execute("SELECT count(*) FROM t WHERE b = 'b1'").fetchone()[0] == 3
    con.close()
