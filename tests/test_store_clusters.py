"""Near-copy clusters in the store (issue 18): assigned as posts are stored, incremental across ingests,
idempotent, in the posts' own transaction, backfilled for older databases; v_clusters and v_coordinated_accounts."""

from __future__ import annotations

import os
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from conftest import NOW
from pantau import nearcopy
from pantau.post import Author, Media, Post
from pantau.store import cluster_pairs
from pantau.store import cluster_stats
from pantau.store import clusters as store_clusters
from pantau.store import ingest as store_ingest
from pantau.store.connection import transaction
from pantau.store.db import Store
from test_nearcopy import COPIES, SAME_TOPIC


def post(pid: str, text: str, account: str, region: str = "Kab. Bogor", minutes: int = 0) -> Post:
    return Post(platform="demo", post_id=pid, text=text, author=Author(id=account, handle=account),
                region=region, created_at=NOW + timedelta(minutes=minutes), captured_at=NOW)


def clusters(store: Store) -> dict[str, int]:
    return {r["post_id"]: r["cluster_id"] for r in store.query("SELECT post_id, cluster_id FROM post_clusters")}


def test_near_copies_share_a_cluster_across_two_ingests_and_distinct_posts_do_not(tmp_path):
    store = Store(tmp_path / "db.duckdb")
    store.ingest([post(f"c{i}", t, f"guru{i}", minutes=10 * i) for i, t in enumerate(COPIES[:3])]
                 + [post(f"s{i}", t, f"warga{i}") for i, t in enumerate(SAME_TOPIC)])
    first = clusters(store)
    assert len({first[f"c{i}"] for i in range(3)}) == 1
    store.ingest([post(f"c{i}", t, f"guru{i}", region="Kab. Bekasi", minutes=10 * i)
                  for i, t in enumerate(COPIES) if i >= 3])  # the second ingest joins the stored cluster
    after = clusters(store)
    assert {after[f"c{i}"] for i in range(len(COPIES))} == {first["c0"]}
    others = [after[f"s{i}"] for i in range(len(SAME_TOPIC))]
    assert len(set(others)) == len(SAME_TOPIC) and first["c0"] not in others
    (row,) = store.query("SELECT * FROM v_clusters")
    assert (row["cluster_id"], row["size"], row["accounts"], row["regions"]) == (first["c0"], 6, 6, 2)
    assert row["span_hours"] == pytest.approx(50 / 60)


def test_reingest_adds_no_cluster_rows_and_changes_no_cluster(tmp_path):
    store = Store(tmp_path / "db.duckdb")
    posts = [post(f"c{i}", t, f"guru{i}") for i, t in enumerate(COPIES)] + [post("s0", SAME_TOPIC[0], "w")]
    store.ingest(posts)
    before = clusters(store)
    bands = store.query("SELECT count(*) AS n FROM cluster_bands")[0]["n"]
    store.ingest(posts)
    assert clusters(store) == before
    assert store.query("SELECT count(*) AS n FROM post_clusters")[0]["n"] == len(posts)
    assert store.query("SELECT count(*) AS n FROM cluster_bands")[0]["n"] == bands


def test_a_new_post_that_joins_two_clusters_merges_them_into_the_older(tmp_path):
    store = Store(tmp_path / "db.duckdb")
    x = "Ayo warga desa Sukamaju dan kampung baru kita"
    y = "datang ke TPS nomor 7 pagi pagi bawa undangan dan KTP asli"
    z = "lalu coblos pasangan nomor 2 untuk Bogor maju"
    a, b, bridge = f"{x} {y}", f"{y} {z}", f"{y} ya"  # a~bridge and b~bridge, a and b apart
    store.ingest([post("a", a, "u1"), post("a2", a + " 🔥", "u2")])
    store.ingest([post("b", b, "u3"), post("b2", b.upper(), "u4")])
    c = clusters(store)
    assert c["a"] == c["a2"] != c["b"] == c["b2"]
    store.ingest([post("bridge", bridge, "u5")])
    c = clusters(store)
    assert len(set(c.values())) == 1 and c["bridge"] == min(c.values())


@pytest.mark.parametrize("way", ["ingest", "ingest_file"])
def test_posts_are_not_stored_when_their_clusters_cannot_be(tmp_path, way):
    """Cluster rows are written in the posts' transaction: a failure there stores neither. The thread's work fails
    too (no cluster_bands): the caller's own way raises, for posts (Store.ingest) and for a file's chunk."""
    store = Store(tmp_path / "db.duckdb")
    store.init()
    con = duckdb.connect(str(store.path))
    con.execute("DROP TABLE cluster_bands")
    con.close()
    path = tmp_path / "posts.jsonl"
    _wave_file(path)
    with pytest.raises(duckdb.CatalogException):
        if way == "ingest":
            store.ingest([post("x", COPIES[0], "u1")])
        else:
            store.ingest_file(path)
    assert store.query("SELECT count(*) AS n FROM posts")[0]["n"] == 0


def test_an_older_database_gets_its_clusters_when_opened(tmp_path):
    path = tmp_path / "db.duckdb"
    Store(path).ingest([post(f"c{i}", t, f"guru{i}") for i, t in enumerate(COPIES)]
                       + [post("s0", SAME_TOPIC[0], "w")])
    expected = clusters(Store(path))
    con = duckdb.connect(str(path))  # as a database made before clusters existed
    con.execute("DROP TABLE post_clusters")
    con.execute("DROP TABLE cluster_bands")
    con.execute("DELETE FROM schema_info WHERE key = 'clusters'")
    con.close()
    store = Store(path)
    store.init()
    assert clusters(store) == expected
    store.init()  # once: nothing changes
    assert clusters(store) == expected


def _groups(by_post: dict[str, int]) -> list[list[str]]:
    return sorted(sorted(k for k in by_post if by_post[k] == v) for v in set(by_post.values()))


def test_a_recompute_resumes_where_a_crash_stopped_it_and_sweeps_what_it_missed(tmp_path, monkeypatch):
    """A database made with another algorithm is recomputed in ranges of rowids, each range recording where the
    pass is: a crash resumes there. A post the pass missed (rowids move down when deleted rows are dropped) gets
    its row from the sweep."""
    posts = ([post(f"c{i}", t, f"guru{i}") for i, t in enumerate(COPIES)]
             + [post(f"s{i}", t, f"warga{i}") for i, t in enumerate(SAME_TOPIC)])
    for name in ("whole", "crashed"):
        Store(tmp_path / f"{name}.duckdb").ingest(posts)
    tag = store_clusters.clusters_tag()
    cons = {name: duckdb.connect(str(tmp_path / f"{name}.duckdb")) for name in ("whole", "crashed")}
    for con in cons.values():
        con.execute("UPDATE schema_info SET value = 'another-algorithm' WHERE key = 'clusters'")
    assert store_clusters.backfill_clusters(cons["whole"], transaction, batch=4) == len(posts)
    con = cons["crashed"]
    real, sources = store_clusters.assign_clusters, []

    def crash_on_the_third(con, source, *args):
        sources.append(source)
        if len(sources) == 3:
            raise RuntimeError("killed")
        return real(con, source, *args)

    monkeypatch.setattr(store_clusters, "assign_clusters", crash_on_the_third)
    with pytest.raises(RuntimeError):
        store_clusters.backfill_clusters(con, transaction, batch=4)
    info = dict(con.execute("SELECT key, value FROM schema_info WHERE key LIKE 'clusters%'").fetchall())
    assert info == {"clusters_pass": f"{tag} 8"}  # two ranges done, no algorithm recorded until the end
    assert con.execute("SELECT count(*) FROM post_clusters").fetchone()[0] == 8
    con.execute("UPDATE schema_info SET value = ? WHERE key = 'clusters_pass'", [f"{tag} 9"])  # rowid 8 missed
    sources.clear()
    monkeypatch.setattr(store_clusters, "assign_clusters", lambda con, source, *args: sources.append(source)
                        or real(con, source, *args))
    assert store_clusters.backfill_clusters(con, transaction, batch=4) == len(posts) - 8
    assert "rowid >= 9 " in sources[0] and "ANTI JOIN" in sources[-2]  # resumed; the sweep found rowid 8
    info = dict(con.execute("SELECT key, value FROM schema_info WHERE key LIKE 'clusters%'").fetchall())
    assert info == {"clusters": tag}
    by_post = {name: dict(c.execute("SELECT post_id, cluster_id FROM post_clusters").fetchall())
               for name, c in cons.items()}
    for c in cons.values():
        c.close()
    assert len(by_post["crashed"]) == len(posts)
    assert _groups(by_post["crashed"]) == _groups(by_post["whole"])


def test_only_the_posts_a_band_key_points_at_keep_their_signature(tmp_path):
    """A signature is read only as a candidate's: the post that cluster_bands points at. The others keep none (the
    rows of a wave of copies cost half as much to write), and clustering across ingests reads the kept ones."""
    store = Store(tmp_path / "db.duckdb")
    store.ingest([post(f"c{i}", t, f"guru{i}") for i, t in enumerate(COPIES[:3])] + [post("s0", SAME_TOPIC[0], "w")])
    store.ingest([post(f"c{i}", t, f"guru{i}") for i, t in enumerate(COPIES) if i >= 3])
    rows = store.query("""SELECT pc.post_no, pc.signature IS NOT NULL AS kept,
                                 pc.post_no IN (SELECT post_no FROM cluster_bands) AS pointed_at
                          FROM post_clusters pc ORDER BY post_no""")
    assert [r["kept"] for r in rows] == [r["pointed_at"] for r in rows]
    assert 0 < sum(r["kept"] for r in rows) < len(rows)  # the copies of the wave keep none
    assert len(set(clusters(store)[f"c{i}"] for i in range(len(COPIES)))) == 1


def test_a_database_whose_posts_all_keep_a_signature_takes_new_posts(tmp_path):
    """Databases made when signature was NOT NULL: opening one drops the constraint, the rows it has stay."""
    path = tmp_path / "db.duckdb"
    Store(path).ingest([post(f"c{i}", t, f"guru{i}") for i, t in enumerate(COPIES[:3])])
    con = duckdb.connect(str(path))
    con.execute("UPDATE post_clusters SET signature = [1, 2]::UINTEGER[] WHERE signature IS NULL")  # as before
    con.execute("DROP INDEX post_clusters_post_id")  # such databases were made before the index
    con.execute("ALTER TABLE post_clusters ALTER COLUMN signature SET NOT NULL")
    con.close()
    store = Store(path)
    store.ingest([post(f"c{i}", t, f"guru{i}") for i, t in enumerate(COPIES) if i >= 3])
    assert len(set(clusters(store).values())) == 1
    assert store.query("SELECT count(*) AS n FROM post_clusters WHERE signature IS NULL")[0]["n"] > 0


def test_coordinated_accounts_share_two_clusters_with_other_accounts(tmp_path):
    store = Store(tmp_path / "db.duckdb")
    wave2 = "Bapak ibu perangkat desa mohon hadir apel siaga pemenangan pasangan nomor 2 di balai desa jam 8 pagi"
    store.ingest([post(f"w1-{a}", COPIES[i], a) for i, a in enumerate(["guru1", "guru2", "guru3"])]
                 + [post(f"w2-{a}", wave2 + " " + "🔥" * i, a) for i, a in enumerate(["guru1", "guru2", "kades"])]
                 + [post("solo", SAME_TOPIC[0], "guru3")])
    rows = store.query("SELECT author_id, clusters, posts FROM v_coordinated_accounts ORDER BY author_id")
    assert [(r["author_id"], r["clusters"], r["posts"]) for r in rows] == [("guru1", 2, 2), ("guru2", 2, 2)]


def test_a_batch_of_stored_and_new_posts_clusters_only_the_new_ones(tmp_path):
    """ingest_file's staging holds stored posts too: only those its INSERT added get a row (no duplicate), and the
    new copies join the stored cluster."""
    store = Store(tmp_path / "db.duckdb")
    store.ingest([post(f"c{i}", t, f"guru{i}") for i, t in enumerate(COPIES[:3])] + [post("s0", SAME_TOPIC[0], "w")])
    before = clusters(store)
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(post(f"c{i}", t, f"guru{i}").to_json() + "\n" for i, t in enumerate(COPIES))
                    + post("s1", SAME_TOPIC[1], "w").to_json() + "\n", encoding="utf-8")
    result = store.ingest_file(path)
    assert (result.new, result.already_known) == (len(COPIES) - 3 + 1, 3)
    after = clusters(store)
    assert len(after) == store.query("SELECT count(*) AS n FROM posts")[0]["n"] == len(COPIES) + 2
    assert {k: after[k] for k in before} == before
    assert {after[f"c{i}"] for i in range(len(COPIES))} == {before["c0"]}
    assert list(after.values()).count(after["s1"]) == 1  # a distinct post stays alone


def test_keys_that_do_not_single_out_the_added_posts_fall_back_to_the_exact_way(tmp_path):
    """assign_clusters takes the rows whose key hash an INSERT returned; when that set does not match them one to
    one (as when a stored post's key hashes like an added one), it finds the posts without a row exactly."""
    store = Store(tmp_path / "db.duckdb")
    store.ingest([post("a", COPIES[0], "u1"), post("d", SAME_TOPIC[0], "u2")])
    con = duckdb.connect(str(store.path))
    try:
        con.execute("BEGIN")
        con.execute("""CREATE TEMP TABLE staging AS SELECT * FROM (VALUES ('demo', 'a', ?), ('demo', 'b', ?),
                       ('demo', 'd', ?)) v(platform, post_id, text),
                       (SELECT NULL::JSON AS media, 'u3' AS author_id, NULL AS author_handle, NULL AS region,
                               NULL::TIMESTAMPTZ AS created_at, now() AS captured_at)""",
                    [COPIES[0], COPIES[1], SAME_TOPIC[0]])
        h_b = con.execute("SELECT hash('demo', 'b')").fetchone()[0]
        added = np.array([h_b, 12345], dtype=np.uint64)  # 12345: no key's hash
        assert store_clusters.assign_clusters(con, "staging", added) == 1
        rows = con.execute("SELECT post_id, cluster_id FROM post_clusters ORDER BY post_id").fetchall()
        con.execute("COMMIT")
    finally:
        con.close()
    c = dict(rows)
    assert len(rows) == 3 and c["a"] == c["b"] != c["d"]  # b counted once, and joined a's cluster


def test_band_groups_of_a_batch_too_big_to_pack_are_the_same():
    """Above 2**16 posts a batch's (band key, post) pairs no longer fit one int64: the other sort gives the same."""
    rng = np.random.default_rng(1)
    sig = rng.integers(0, 40, size=(70_000, nearcopy.BINS)).astype(np.uint32)  # few values: keys shared a lot
    sig[5] = nearcopy.EMPTY
    none = np.empty(0, dtype=np.int64)  # no media keys
    post, key, first, rep = cluster_pairs._band_groups(sig, none, none)
    small = cluster_pairs._band_groups(sig[:60_000], none, none)
    order = np.lexsort((post, key))
    assert np.array_equal(order, np.arange(len(key)))  # sorted by key, then post
    assert len(post) == (len(sig) - 1) * nearcopy.BANDS
    keys = nearcopy.band_keys(sig)
    assert all(keys[p, :].tolist().count(k) for p, k in zip(post[::997].tolist(), key[::997].tolist()))
    assert np.array_equal(rep[first], post[first]) and (rep <= post).all()
    assert (post[~first] > rep[~first]).all()
    sp, sk, sf, sr = small
    assert np.array_equal(np.lexsort((sp, sk)), np.arange(len(sk)))
    assert np.array_equal(sr[sf], sp[sf]) and (sp[~sf] > sr[~sf]).all()


def _media_post(pid: str, account: str, url: str, text: str = "[foto]", minutes: int = 0) -> Post:
    p = post(pid, text, account, minutes=minutes)
    return Post(**{**{f: getattr(p, f) for f in p.__dataclass_fields__}, "media": (Media("image", url),)})


@pytest.mark.parametrize("in_thread", [True, False])
def test_the_same_media_file_makes_a_cluster_and_short_replies_do_not(tmp_path, monkeypatch, in_thread):
    """Media-only posts ("[foto]") with one image (its address up to the query) are one cluster, whichever chunk
    stored the first; a long post with that image joins it. Other images, and replies like "Mantap!", stay alone
    (each was one cluster of every such post). The thread's work and the caller's own way give the same."""
    monkeypatch.setattr(store_ingest, "BATCH_SIZE", 4)  # later chunks match the media key stored by the first
    if not in_thread:
        monkeypatch.setattr(store_clusters.BatchWork, "covers", lambda self, added: False)
    image = "https://pbs.twimg.com/media/GWave01.jpg"
    posts = [_media_post(f"m{i}", f"guru{i}", f"{image}?name={size}", minutes=i)
             for i, size in enumerate(["orig", "small", "large", "orig", "900x900"])]
    posts += [_media_post("t0", "guru9", image, text=COPIES[0]), _media_post("t1", "kades1", "", text=COPIES[1])]
    posts += [_media_post(f"o{i}", f"warga{i}", f"https://pbs.twimg.com/media/Other{i}.jpg") for i in range(4)]
    posts += [post(f"r{i}", "Mantap!", f"warga{i}") for i in range(4)] + [post("r9", "setuju pak 👍", "warga9")]
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(p.to_json() + "\n" for p in posts), encoding="utf-8")
    store = Store(tmp_path / "db.duckdb")
    store.ingest_file(path)
    c = clusters(store)
    wave = {c[f"m{i}"] for i in range(5)} | {c["t0"], c["t1"]}  # t1: COPIES[1], near-copy of t0, no image
    assert len(wave) == 1
    alone = [c[p.post_id] for p in posts if p.post_id[0] in "or"]
    assert len(set(alone)) == len(alone) and wave.isdisjoint(alone)
    (row,) = store.query("SELECT size, accounts FROM v_clusters")
    assert (row["size"], row["accounts"]) == (7, 7)
    one_go = Store(tmp_path / "one.duckdb")  # Store.ingest, one batch: the same partition
    one_go.ingest(posts)
    assert _groups(clusters(one_go)) == _groups(c)


def _rows(store: Store) -> tuple[list, list]:
    return (store.query("SELECT post_no, platform, post_id, cluster_id, signature FROM post_clusters ORDER BY post_no"),
            store.query("SELECT band_key, post_no FROM cluster_bands ORDER BY band_key"))


def _wave_file(path, extra: str = "") -> None:
    lines = [post(f"c{i:02d}", t, f"guru{i}", minutes=i).to_json() for i, t in enumerate(COPIES)]
    lines += [post(f"s{i:02d}", t, f"warga{i}").to_json() for i, t in enumerate(SAME_TOPIC)]
    lines += [post(f"r{i:02d}", f"{COPIES[i % len(COPIES)]} {SAME_TOPIC[i % len(SAME_TOPIC)]}", f"u{i}").to_json()
              for i in range(12)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")


def test_the_clusters_made_in_a_thread_are_those_made_in_the_caller(tmp_path, monkeypatch):
    """ingest_file does each chunk's clustering in a thread (store/clusters.BatchWork) while DuckDB stages and
    inserts; with the thread's work refused, the caller does it: the same rows, chunk after chunk."""
    monkeypatch.setattr(store_ingest, "BATCH_SIZE", 5)  # chunks that join clusters stored by earlier chunks
    path = tmp_path / "posts.jsonl"
    _wave_file(path)
    covers = store_clusters.BatchWork.covers
    taken = []
    monkeypatch.setattr(store_clusters.BatchWork, "covers", lambda self, added: taken.append(covers(self, added))
                        or taken[-1])
    threaded = Store(tmp_path / "a.duckdb")
    threaded.ingest_file(path)
    assert len(taken) == 5 and all(taken)  # 23 posts in chunks of 5: each chunk's work was the thread's
    monkeypatch.setattr(store_clusters.BatchWork, "covers", lambda self, added: taken.append(False) or False)
    caller = Store(tmp_path / "b.duckdb")
    caller.ingest_file(path)
    assert len(taken) == 10 and _rows(threaded) == _rows(caller)
    c = clusters(threaded)
    assert len({c[f"c{i:02d}"] for i in range(len(COPIES))}) == 1


def test_a_chunk_the_thread_read_otherwise_is_clustered_by_the_caller(tmp_path):
    """A post twice in a chunk (the staging keeps one, the thread read both) and a post stored before: the thread's
    work is not that of the added posts, and every stored post still has exactly one cluster row."""
    store = Store(tmp_path / "db.duckdb")
    store.ingest([post("c00", COPIES[0], "guru0")])
    path = tmp_path / "posts.jsonl"
    _wave_file(path, post("c01", COPIES[1] + " lagi", "guru1", minutes=99).to_json() + "\n")
    result = store.ingest_file(path)
    n = store.query("SELECT count(*) AS n FROM posts")[0]["n"]
    assert result.new == n - 1 and len(clusters(store)) == n
    assert store.query("SELECT count(*) AS n FROM post_clusters")[0]["n"] == n
    c = clusters(store)
    assert len({c[f"c{i:02d}"] for i in range(len(COPIES))}) == 1


def test_the_next_chunk_is_read_and_signed_while_a_chunk_is_stored(tmp_path, monkeypatch):
    """pantau ingest writes chunk k+1's file and starts its clusters' work (ChunkWork) before chunk k is stored, so
    the work runs beside chunk k's statements and COMMIT; every chunk's plan still comes from its own work."""
    monkeypatch.setattr(store_ingest, "BATCH_SIZE", 5)
    path = tmp_path / "posts.jsonl"
    _wave_file(path)
    events = []
    started = store_clusters.ChunkWork.__init__
    ingest_chunk = Store._ingest_chunk

    def chunk_work(self, file, size):
        events.append(("work", Path(file).read_text(encoding="utf-8").count("\n")))
        started(self, file, size)

    def stored(self, chunk, posts, now, watchlist, work=None):
        events.append(("store", posts))
        return ingest_chunk(self, chunk, posts, now, watchlist, work)

    monkeypatch.setattr(store_clusters.ChunkWork, "__init__", chunk_work)
    monkeypatch.setattr(Store, "_ingest_chunk", stored)
    store = Store(tmp_path / "db.duckdb")
    covers = store_clusters.BatchWork.covers
    taken = []
    monkeypatch.setattr(store_clusters.BatchWork, "covers", lambda self, added: taken.append(covers(self, added))
                        or taken[-1])
    assert store.ingest_file(path).new == 23
    assert events == [("work", 5), ("work", 5), ("store", 5), ("work", 5), ("store", 5), ("work", 5), ("store", 5),
                      ("work", 3), ("store", 5), ("store", 3)]
    assert taken == [True] * 5  # each chunk's own work, planned after the chunk before it was committed
    assert len(clusters(store)) == 23


def test_a_bad_line_stops_the_ingest_and_leaves_no_chunk_file(tmp_path, monkeypatch):
    """The chunk after a bad line's chunk was written and its work started: the stop waits for that work and
    removes both chunk files."""
    monkeypatch.setattr(store_ingest, "BATCH_SIZE", 5)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = tmp_path / "posts.jsonl"
    _wave_file(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[7] = '{"platform": "demo", "post_id": '  # chunk 2 holds a bad line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(tmp_path / "db.duckdb")
    with pytest.raises(store_ingest.IngestStopped) as stop:
        store.ingest_file(path)
    assert stop.value.lineno == 8 and stop.value.result.new == 7
    assert list((tmp_path / "tmp").iterdir()) == []
    assert len(clusters(store)) == 7


def test_the_clusters_threads_yield_the_cores_to_the_ingest(tmp_path, monkeypatch):
    """ChunkWork's and BatchWork's threads run at nice 10 (their own priority, Linux), the ingest's thread as before."""
    monkeypatch.setattr(store_ingest, "BATCH_SIZE", 5)
    path = tmp_path / "posts.jsonl"
    _wave_file(path)
    seen = []
    batch_work, plan = store_clusters.batch_work, store_clusters._plan

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    monkeypatch.setattr(store_clusters, "batch_work", lambda texts, urls: seen.append(("chunk", priority()))
                        or batch_work(texts, urls))
    monkeypatch.setattr(store_clusters, "_plan", lambda con, batch: seen.append(("plan", priority()))
                        or plan(con, batch))
    before = priority()
    Store(tmp_path / "db.duckdb").ingest_file(path)
    assert priority() == before
    assert sorted(kind for kind, _ in seen) == ["chunk"] * 5 + ["plan"] * 5  # 23 posts in chunks of 5
    assert all(p >= max(before, 10) for _, p in seen), seen


def _summaries(store: Store) -> tuple[list, list]:
    """The kept summaries, and the same computed from the members (in a transaction rolled back)."""
    sql = ("SELECT cluster_id, size, accounts, regions, region_names, first_at, last_at, first_platform, "
           "first_post_id FROM cluster_stats ORDER BY cluster_id")
    accounts = "SELECT cluster_id, account FROM cluster_accounts ORDER BY ALL"
    with store.connect() as con:
        kept = (con.execute(sql).fetchall(), con.execute(accounts).fetchall())
        con.execute("BEGIN")
        cluster_stats.recompute(con)
        again = (con.execute(sql).fetchall(), con.execute(accounts).fetchall())
        con.execute("ROLLBACK")
    return kept, again


def test_cluster_summaries_are_kept_through_merges_single_posts_joining_and_purges(tmp_path, monkeypatch):
    """cluster_stats (what the queue and item pages read) equals the figures of the members after every step:
    clusters of one batch, a later post that merges two stored clusters and a stored single post, a re-ingest,
    and a purge that takes members out (store/cluster_stats.py)."""
    monkeypatch.setattr(store_ingest, "BATCH_SIZE", 3)  # several batches in one ingest_file
    store = Store(tmp_path / "db.duckdb")
    first = [_media_post("a1", "guru1", "https://x.test/A.jpg", SAME_TOPIC[0], minutes=1),
             _media_post("a2", "guru2", "https://x.test/A.jpg", SAME_TOPIC[1], minutes=2),
             _media_post("b1", "guru2", "https://x.test/B.jpg", SAME_TOPIC[2], minutes=3),
             _media_post("b2", "kades1", "https://x.test/B.jpg", SAME_TOPIC[3], minutes=4),
             _media_post("s1", "warga1", "https://x.test/S.jpg", SAME_TOPIC[4], minutes=5),
             _media_post("d1", "warga2", "https://x.test/D.jpg", "[foto]", minutes=6),
             _media_post("d2", "warga3", "https://x.test/D.jpg", "[foto] lagi", minutes=7)]
    store.ingest(first)
    kept, again = _summaries(store)
    assert kept == again and [r[1:4] for r in kept[0]] == [(2, 2, 1), (2, 2, 1), (2, 2, 1)]
    bridge = post("m1", COPIES[0], "guru3", region="Kab. Bekasi", minutes=-5)
    bridge = Post(**{**{f: getattr(bridge, f) for f in bridge.__dataclass_fields__},
                     "media": tuple(Media("image", f"https://x.test/{k}.jpg") for k in "ABS")})
    path = tmp_path / "later.jsonl"
    later = [bridge] + [post(f"c{i}", t, f"guru{i}", minutes=i) for i, t in enumerate(COPIES[1:4])]
    path.write_text("".join(p.to_json() + "\n" for p in later), encoding="utf-8")
    store.ingest_file(path)
    kept, again = _summaries(store)
    assert kept == again
    (merged,) = [r for r in kept[0] if r[1] >= 6]
    assert merged[1:5] == (9, 6, 2, ["Kab. Bekasi", "Kab. Bogor"]) and merged[7:] == ("demo", "m1")
    store.ingest(first + later)  # nothing new: nothing changes
    assert _summaries(store) == (kept, again)
    store.save_classifications([{"platform": "demo", "post_id": p.post_id, "score": 0.1, "flagged": False,
                                 "category": None, "signals": [], "model_version": "t"} for p in first + later])
    old = [p.post_id for p in first + later if p.post_id in ("a1", "b2", "m1", "d1")]
    with store.connect() as con:
        con.execute(f"UPDATE posts SET captured_at = captured_at - INTERVAL 400 DAY WHERE post_id IN "
                    f"({', '.join(repr(x) for x in old)})")
    assert store.purge_unflagged(365)["posts"] == 4
    kept, again = _summaries(store)
    assert kept == again
    assert all("demo:kades1" != account for _, account in kept[1])  # a purged post's account is no longer counted
    assert not [r for r in kept[0] if r[8] == "d2"]  # d1's cluster: one post left, no summary
    store.ingest([_media_post("d3", "warga4", "https://x.test/D.jpg", "[foto] juga", minutes=8)])
    kept, again = _summaries(store)  # d3 joins what the purge left of d1's cluster (not d1, the cluster's id)
    assert kept == again and [r[1:3] for r in kept[0] if r[8] == "d2"] == [(2, 2)]
