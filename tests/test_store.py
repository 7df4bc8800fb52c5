import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import NOW, make_post, result
from pantau.post import POST_COLUMNS, format_time
from pantau.store.db import Store, StoreError
from pantau.store.staging import _POST_COLUMNS, _STORED_COLUMNS, _staging_line


def test_reingest_adds_no_rows_and_keeps_first_capture(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    first = [make_post(i) for i in range(10)]
    r1 = store.ingest(first)
    assert (r1.received, r1.new, r1.already_known) == (10, 10, 0)

    # The same posts seen again two days later, plus two new ones and an in-batch duplicate.
    later = [make_post(i, captured=NOW + timedelta(days=2)) for i in range(12)] + [make_post(11)]
    r2 = store.ingest(later)
    assert r2.new == 2
    assert store.scalar("SELECT count(*) FROM posts") == 12
    assert store.scalar("SELECT count(*) FROM (SELECT platform, post_id FROM posts GROUP BY ALL HAVING count(*) > 1)") == 0
    # captured_at is the first time seen, not the re-crawl time
    assert store.scalar("SELECT captured_at FROM posts WHERE post_id = '3'") == first[3].captured_at
    assert store.scalar("SELECT count(*) FROM raw_payloads") == 12


def test_raw_payload_round_trips_with_its_hash(tmp_path):
    import hashlib

    store = Store(tmp_path / "s.duckdb")
    p = make_post(1, "teks dengan emoji ✌️ dan \"kutip\" serta <b>tag</b>")
    store.ingest([p])
    row = store.query("SELECT r.raw, p.raw_sha256 FROM raw_payloads r JOIN posts p USING (platform, post_id)")[0]
    assert row["raw"] == p.raw
    assert hashlib.sha256(row["raw"].encode()).hexdigest() == row["raw_sha256"] == p.raw_sha256


def test_triage_queue_is_flagged_undecided_ordered_by_deadline_then_score(seeded_store):
    store, posts = seeded_store
    ids = [r["post_id"] for r in store.query("SELECT post_id FROM triage_queue")]
    # Post i was captured i hours before NOW, so the highest i has the nearest deadline.
    assert ids == ["3", "2", "1", "0"]
    store.record_decision("demo", "2", "not_violation", reviewer="rina", reason="akun bukan ASN")
    store.record_decision("demo", "1", "needs_info", reviewer="rina")
    ids = [r["post_id"] for r in store.query("SELECT post_id FROM triage_queue")]
    assert ids == ["3", "1", "0"]  # needs_info stays in the queue, a final decision leaves it
    hours = store.scalar("SELECT hours_left FROM triage_queue WHERE post_id = '0'")
    assert hours == pytest.approx(
        (posts[0].captured_at + timedelta(days=7) - __import__("datetime").datetime.now(NOW.tzinfo)).total_seconds() / 3600,
        abs=0.1,
    )


def test_reclassification_with_same_model_replaces_not_duplicates(seeded_store):
    store, posts = seeded_store
    store.save_classifications([result(posts[0], 0.1, False)])
    assert store.scalar("SELECT count(*) FROM classifications WHERE post_id = '0'") == 1
    assert "0" not in [r["post_id"] for r in store.query("SELECT post_id FROM triage_queue")]


def test_decisions_are_validated_and_append_only(seeded_store):
    store, _ = seeded_store
    with pytest.raises(StoreError, match="unknown decision"):
        store.record_decision("demo", "0", "maybe", reviewer="r")
    with pytest.raises(StoreError, match="no post"):
        store.record_decision("demo", "999", "violation", reviewer="r")
    with pytest.raises(StoreError, match="duplicate_of"):
        store.record_decision("demo", "0", "duplicate", reviewer="r")
    a = store.record_decision("demo", "0", "violation", reviewer="r1")
    b = store.record_decision("demo", "0", "not_violation", reviewer="r1")  # its maker revises it (no second opinion yet)
    assert b > a
    assert store.scalar("SELECT decision FROM latest_decision WHERE post_id = '0'") == "not_violation"
    assert store.scalar("SELECT count(*) FROM decisions") == 2


def test_writer_waits_for_a_lock_held_by_another_process(tmp_path):
    """A second process holding the file read-write makes the store wait, then succeed."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "locked.duckdb"
    store = Store(path, lock_timeout=30)
    store.init()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("locked", flush=True)
            time.sleep(1.5)
            con.close()
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    # The lock is really held: a plain connection fails right now.
    with pytest.raises(duckdb.IOException):
        duckdb.connect(str(path)).close()
    result_ = store.ingest([make_post(1)])
    holder.wait(timeout=30)
    assert result_.new == 1


def test_fts_extension_loads_offline_from_its_package(tmp_path):
    from pantau.store.extensions import load_extension

    con = duckdb.connect(str(tmp_path / "fts.duckdb"))
    load_extension(con, "fts")
    con.execute("CREATE TABLE t (id INTEGER, body VARCHAR)")
    con.execute("INSERT INTO t VALUES (1, 'guru kampanye paslon'), (2, 'jadwal posyandu')")
    con.execute("PRAGMA create_fts_index('t', 'id', 'body')")
    hits = con.execute("SELECT id FROM (SELECT id, fts_main_t.match_bm25(id, 'kampanye') AS s FROM t) WHERE s IS NOT NULL").fetchall()
    assert hits == [(1,)]


def test_the_reporting_deadline_is_written_once(tmp_path):
    """7 days from first capture: one Python constant, one SQL macro, and they agree; no other copy in the code."""
    import re

    from conftest import NOW
    from pantau.deadline import REPORTING_DEADLINE_DAYS, reporting_deadline

    store = Store(tmp_path / "d.duckdb")
    store.init()
    assert store.scalar("SELECT reporting_deadline(?::TIMESTAMPTZ)", [NOW]) == reporting_deadline(NOW)
    assert (reporting_deadline(NOW) - NOW).days == REPORTING_DEADLINE_DAYS
    root = Path(__file__).resolve().parents[1]
    copies = []
    for path in root.glob("*/**/*"):
        if path.suffix not in (".py", ".sql", ".html") or ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (r"INTERVAL 7 DAY", r"timedelta\(days=7\)", r"DEADLINE_DAYS = 7", r"<= 168\b"):
            copies += [f"{path.relative_to(root)}: {pattern}" for _ in re.finditer(pattern, text)]
    assert copies == ["pantau/deadline.py: DEADLINE_DAYS = 7", "store/schema.sql: INTERVAL 7 DAY"]


@pytest.mark.parametrize("lake", [False, True])
def test_a_batch_of_results_is_stored_at_once_and_the_last_of_a_post_wins(tmp_path, lake):
    """One batch may carry the same post and model twice (a re-run appended to a file): the last result is kept,
    as row-by-row replaces did, on a DuckDB file and on a DuckLake."""
    from pantau.store.lake import open_store

    store = open_store(f"ducklake:sqlite:{tmp_path / 'l.sqlite'}" if lake else tmp_path / "r.duckdb")
    posts = [make_post(i) for i in range(3)]
    store.ingest(posts)
    first = [result(p, 0.9, True, "kampanye_medsos") for p in posts]
    assert store.save_classifications([*first, result(posts[1], 0.2, False)]) == 4
    rows = store.query("SELECT post_id, score, flagged, category FROM classifications ORDER BY post_id")
    assert [(r["post_id"], r["score"], r["flagged"], r["category"]) for r in rows] == [
        ("0", 0.9, True, "kampanye_medsos"), ("1", 0.2, False, None), ("2", 0.9, True, "kampanye_medsos")]


def test_partisan_scores_are_kept_for_analysts_but_only_flags_are_queued(tmp_path):
    """Issue 20: a partisan post without identity evidence is not flagged; its partisan score is stored (analysts
    query it) and it stays out of the reviewers' queue. A civil servant's is flagged with its identity class."""
    import dataclasses

    from pantau.nlp.classifier import load

    store = Store(tmp_path / "p.duckdb")
    citizen = make_post(1, "Ayo coblos Prabowo-Gibran nomor 02, pasti menang! #PrabowoGibran2024")
    camat = dataclasses.replace(make_post(2, "Tetap dukung Prabowo-Gibran, ayo coblos nomor 02!",
                                          bio="Camat Cikupa, Kab. Tangerang"))
    store.ingest([citizen, camat])
    results = load().classify([citizen, camat])
    store.save_classifications(results)
    rows = {r["post_id"]: r for r in store.query(
        "SELECT post_id, flagged, identity_class, partisan_score, truncated_at FROM classifications")}
    assert not rows["1"]["flagged"] and rows["1"]["identity_class"] is None and rows["1"]["partisan_score"] > 0.5
    assert rows["2"]["flagged"] and rows["2"]["identity_class"] == "asn"
    assert rows["1"]["truncated_at"] is None
    assert [r["post_id"] for r in store.query("SELECT post_id FROM triage_queue")] == ["2"]


def test_the_posts_table_and_the_staging_layout_have_the_post_columns(tmp_path):
    """schema.sql's `posts` and the store's staging layout hold exactly pantau.post.POST_COLUMNS, with their types
    (a Post field added without its column in schema.sql fails here)."""
    store = Store(tmp_path / "s.duckdb")
    store.init()
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        table = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'posts'").fetchall())
        canonical = {t: con.execute(f"SELECT typeof(NULL::{t})").fetchone()[0] for t in set(POST_COLUMNS.values())}
    finally:
        con.close()
    expected = {c: canonical[t] for c, t in POST_COLUMNS.items() if c != "raw"}
    assert table == {**expected, "ingested_at": "TIMESTAMP WITH TIME ZONE"}
    assert set(_STORED_COLUMNS) == set(expected)
    line = json.loads(_staging_line(make_post(1), format_time(NOW), "wl"))
    assert set(line) == set(_POST_COLUMNS) == {*POST_COLUMNS, "watchlist"}
