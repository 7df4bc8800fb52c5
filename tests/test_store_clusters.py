"""Near-copy clusters in the store (issue 18): assigned as posts are stored, incremental across ingests,
idempotent, in the posts' own transaction, backfilled for older databases; v_clusters and v_coordinated_accounts."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from conftest import NOW
from pantau.post import Author, Post
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


def test_posts_are_not_stored_when_their_clusters_cannot_be(tmp_path):
    """Cluster rows are written in the posts' transaction: a failure there stores neither."""
    store = Store(tmp_path / "db.duckdb")
    store.init()
    con = duckdb.connect(str(store.path))
    con.execute("DROP TABLE cluster_bands")
    con.close()
    with pytest.raises(duckdb.CatalogException):
        store.ingest([post("x", COPIES[0], "u1")])
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


def test_coordinated_accounts_share_two_clusters_with_other_accounts(tmp_path):
    store = Store(tmp_path / "db.duckdb")
    wave2 = "Bapak ibu perangkat desa mohon hadir apel siaga pemenangan pasangan nomor 2 di balai desa jam 8 pagi"
    store.ingest([post(f"w1-{a}", COPIES[i], a) for i, a in enumerate(["guru1", "guru2", "guru3"])]
                 + [post(f"w2-{a}", wave2 + " " + "🔥" * i, a) for i, a in enumerate(["guru1", "guru2", "kades"])]
                 + [post("solo", SAME_TOPIC[0], "guru3")])
    rows = store.query("SELECT author_id, clusters, posts FROM v_coordinated_accounts ORDER BY author_id")
    assert [(r["author_id"], r["clusters"], r["posts"]) for r in rows] == [("guru1", 2, 2), ("guru2", 2, 2)]
