"""Near-copy clusters ("pesan serentak") of stored posts, kept up to date as posts are stored.

Every post gets a row in `post_clusters` (its number, its cluster, its MinHash signature) in the transaction that
stores it (`assign_clusters`, called by staging._insert_staging), so a crash never leaves a post without its
cluster and a re-run adds nothing. Only the new posts of a batch are hashed (pantau.nearcopy, numpy); their band
keys are joined against `cluster_bands` (one row per band key ever seen: the first post that had it), each
candidate is verified by estimated similarity, and the components are formed by union-find over the verified
pairs of this batch only: no index of all posts is ever held in memory. A cluster's id is the number of its first
post; when a new post joins two clusters, the younger one takes the older one's id. A post alone is its own
cluster of size 1 (the views list clusters of 2 posts or more).

`backfill_clusters` gives the posts of a database made before clusters existed their rows, in batches (Store.init
runs it once; `schema_info.clusters` records the algorithm, so another one recomputes them).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import duckdb
import numpy as np

from pantau import nearcopy

log = logging.getLogger(__name__)

BACKFILL_BATCH = 50_000
_SIG_COLUMNS = ", ".join(f"pc.signature[{j + 1}] AS s{j}" for j in range(nearcopy.BINS))


def assign_clusters(con: duckdb.DuckDBPyConnection, source: str) -> int:
    """Give the posts of `source` (a table or subquery with platform, post_id, text) that have no post_clusters
    row yet their row; the caller holds the transaction. Returns how many posts got one."""
    base = con.execute("SELECT coalesce(max(post_no), 0) FROM post_clusters").fetchone()[0]
    con.execute(f"""CREATE OR REPLACE TEMP TABLE nc_new AS
        SELECT {base} + row_number() OVER (ORDER BY platform, post_id) AS post_no, platform, post_id, text
        FROM (SELECT platform, post_id, any_value(text) AS text FROM {source} GROUP BY platform, post_id) s
        ANTI JOIN post_clusters pc USING (platform, post_id)""")
    texts = con.execute("SELECT text FROM nc_new ORDER BY post_no").fetchnumpy()["text"]
    n = len(texts)
    if n == 0:
        con.execute("DROP TABLE nc_new")
        return 0
    sig = nearcopy.signatures(texts)
    keys = nearcopy.band_keys(sig)
    post_no = np.arange(base + 1, base + n + 1, dtype=np.int64)
    band_post = np.repeat(post_no, nearcopy.BANDS)
    band_key = keys.reshape(-1)
    filled = band_key != 0
    con.register("nc_bands", {"post_no": band_post[filled], "band_key": band_key[filled]})
    edges: list[tuple[int, int]] = []
    # Stored candidates: the first stored post of each band key a new post has; verified against its signature.
    stored = con.execute(f"""WITH cand AS (
            SELECT DISTINCT n.post_no AS a, cb.post_no AS b FROM nc_bands n JOIN cluster_bands cb USING (band_key))
        SELECT cand.a, pc.cluster_id, {_SIG_COLUMNS} FROM cand JOIN post_clusters pc ON pc.post_no = cand.b
        """).fetchnumpy()
    if len(stored["a"]):
        a = stored["a"].astype(np.int64)
        other = np.stack([stored[f"s{j}"] for j in range(nearcopy.BINS)], axis=1).astype(np.uint32)
        ok = nearcopy.similarity(sig[a - base - 1], other) >= nearcopy.THRESHOLD
        edges += zip(a[ok].tolist(), stored["cluster_id"][ok].astype(np.int64).tolist())
    # Candidates within the batch: each post and the first post of the batch with the same band key.
    order = np.lexsort((band_post[filled], band_key[filled]))
    k, p = band_key[filled][order], band_post[filled][order]
    if len(k):
        first = np.empty(len(k), dtype=bool)
        first[0] = True
        np.not_equal(k[1:], k[:-1], out=first[1:])
        rep = p[first][np.cumsum(first) - 1]
        pair = np.sort((p[p != rep] - base) * (n + 1) + (rep[p != rep] - base))
        pair = pair[np.concatenate((pair[:1] == pair[:1], pair[1:] != pair[:-1]))]  # each pair once
        x, y = pair // (n + 1) + base, pair % (n + 1) + base
        ok = nearcopy.similarity(sig[x - base - 1], sig[y - base - 1]) >= nearcopy.THRESHOLD
        edges += zip(x[ok].tolist(), y[ok].tolist())
    # A stored cluster's id is the number of its first post, below every new post's number: the smallest id of a
    # component is its oldest cluster, or its first new post.
    root = nearcopy.components(edges)
    relabel = [(x, r) for x, r in root.items() if x != r and x <= base]  # stored clusters joined by new posts
    if relabel:
        con.register("nc_relabel", {"old": np.array([x for x, _ in relabel], dtype=np.int64),
                                    "new": np.array([r for _, r in relabel], dtype=np.int64)})
        con.execute("UPDATE post_clusters SET cluster_id = r.new FROM nc_relabel r "
                    "WHERE post_clusters.cluster_id = r.old")
        con.unregister("nc_relabel")
    cluster = post_no.copy()
    if root:
        ids = np.fromiter(root.keys(), dtype=np.int64, count=len(root))
        roots = np.fromiter(root.values(), dtype=np.int64, count=len(root))
        cluster[ids[ids > base] - base - 1] = roots[ids > base]
    # numpy columns, read by DuckDB (a BLOB per row from Python objects would cost ~0.4 ms a post)
    con.register("nc_rows", {"post_no": post_no, "cluster_id": cluster,
                             **{f"s{j}": sig[:, j] for j in range(nearcopy.BINS)}})
    bins = ", ".join(f"r.s{j}" for j in range(nearcopy.BINS))
    con.execute(f"""INSERT INTO post_clusters (post_no, platform, post_id, cluster_id, signature)
        SELECT n.post_no, n.platform, n.post_id, r.cluster_id, [{bins}]::UINTEGER[]
        FROM nc_new n JOIN nc_rows r USING (post_no)""")
    con.execute("""INSERT INTO cluster_bands
        SELECT band_key, min(post_no) FROM nc_bands ANTI JOIN cluster_bands USING (band_key) GROUP BY band_key""")
    con.execute("DROP TABLE nc_new")
    con.unregister("nc_bands")
    con.unregister("nc_rows")
    return n


def clusters_tag() -> str:
    """The algorithm the stored signatures were made with."""
    return nearcopy.ALGORITHM


def backfill_clusters(con: duckdb.DuckDBPyConnection, transaction: Callable[[duckdb.DuckDBPyConnection], Any],
                      batch: int = BACKFILL_BATCH) -> int:
    """Give every post without a post_clusters row its row (in batches, oldest capture first; each batch its own
    transaction), after dropping every row when they were made by another algorithm or hash. Idempotent: a
    database whose `schema_info.clusters` is current costs one query. Returns the posts assigned."""
    tag = clusters_tag()
    stored = con.execute("SELECT value FROM schema_info WHERE key = 'clusters'").fetchone()
    if stored is not None and stored[0] == tag:
        return 0
    total = 0
    if stored is not None:  # another algorithm or hash: start again
        log.warning("near-copy clusters were made with %s, this pantau uses %s: recomputing them", stored[0], tag)
        with transaction(con):
            con.execute("DELETE FROM post_clusters")
            con.execute("DELETE FROM cluster_bands")
    while True:
        with transaction(con):
            added = assign_clusters(con, f"""(SELECT platform, post_id, text FROM posts
                ANTI JOIN post_clusters USING (platform, post_id) ORDER BY captured_at, platform, post_id
                LIMIT {int(batch)})""")
            if added == 0:
                con.execute("INSERT OR REPLACE INTO schema_info VALUES ('clusters', ?)", [tag])
        total += added
        if added == 0:
            return total


def cluster_summaries(store: Any, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """v_clusters' row (cluster_id, size, accounts, regions, span_hours...) and `phrase` of each of the posts `keys`
    that is in a cluster of 2 posts or more, by (platform, post_id)."""
    if not keys:
        return {}
    marks = ", ".join("(?, ?)" for _ in keys)
    rows = store.query(
        f"""WITH c AS (SELECT platform, post_id, cluster_id FROM post_clusters
                       WHERE (platform, post_id) IN ({marks}))
            SELECT c.platform, c.post_id, v.* FROM c JOIN v_clusters v USING (cluster_id)""",
        [x for key in keys for x in key])
    for r in rows:  # what a report cites: 'bagian dari pesan serentak: N akun, K wilayah, H jam'
        r["phrase"] = nearcopy.wave_phrase(r["accounts"], r["regions"], r["span_hours"])
    return {(r.pop("platform"), r.pop("post_id")): r for r in rows}


def post_wave(store: Any, platform: str, post_id: str) -> dict | None:
    """`cluster_summaries` of one post: its cluster (with `phrase`), or None when the post is alone."""
    return cluster_summaries(store, [(platform, post_id)]).get((platform, post_id))


def cluster_members(store: Any, cluster_id: int) -> list[dict]:
    """The posts of a cluster, oldest first, with their identity evidence (bio, the classifier's identity class and
    signals) and their queue status (None when not flagged)."""
    return store.query(
        """SELECT m.platform, m.post_id, m.author_id, m.author_handle, m.author_name, p.author_bio, m.region,
                  m.posted_at, m.text, c.identity_class, c.signals, c.score, c.flagged, qi.status
           FROM v_cluster_members m
           JOIN posts p USING (platform, post_id)
           LEFT JOIN latest_classification c USING (platform, post_id)
           LEFT JOIN queue_items qi USING (platform, post_id)
           WHERE m.cluster_id = ?
           ORDER BY m.posted_at, m.platform, m.post_id""", [cluster_id])
