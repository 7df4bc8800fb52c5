"""Near-copy clusters ("pesan serentak") of stored posts, kept up to date as posts are stored.

Every post gets a row in `post_clusters` (its number, its cluster; its MinHash signature when a band key points at
it) in the transaction that stores it (`assign_clusters`, called by staging._insert_staging with the posts its
INSERT added), so a crash never leaves a post without its cluster and a re-run adds nothing. Only the new posts of a
batch are hashed (pantau.nearcopy, numpy). Their distinct band keys are looked up in `cluster_bands` (one row per
band key ever seen: the first post that had it) in one join; each post is a candidate of the stored post of each of
its band keys and of the batch's first post with each key; the stored candidates' signatures are read once each (one
join), every candidate pair is verified by estimated similarity, and the components are formed over the verified
pairs of this batch only (numpy): no index of all posts is ever held in memory, and no step reads more of the stored
rows than the band keys of the batch and the signatures of its candidates. A cluster's id is the number of its first
post; when a new post joins two clusters, the younger one takes the older one's id. A post alone is its own cluster
of size 1 (the views list clusters of 2 posts or more). A post's media files are keys too (negative ones, kept in
`cluster_bands` the same way): posts with the same file join without a similarity check (store/cluster_pairs.py).

All of it but the writes runs in threads beside the caller's statements: `ChunkWork` (ingest_file starts it when
it writes a chunk's file, before it stores the chunk before) does what needs no stored cluster, and `BatchWork`
plans against the clusters committed before the transaction (ingest_file starts it with the chunk's transaction,
Store.ingest before its INSERTs, doing it all). The caller checks that the thread's posts are those its INSERT
added and that no cluster row was written since, else does the work itself. The rows are the same either way
(tested).

`backfill_clusters` gives the posts of a database made before clusters existed their rows, in batches (Store.init
runs it once; `schema_info.clusters` records the algorithm, so another one recomputes them).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

import duckdb
import numpy as np

from pantau import nearcopy
from pantau.proc import background_thread

from . import cluster_stats
from .cluster_pairs import MEDIA_URLS_SQL, Batch, batch_work, distinct, member, verified

log = logging.getLogger(__name__)

BACKFILL_BATCH = 50_000
_SIG_COLUMNS = ", ".join(f"signature[{j + 1}] AS s{j}" for j in range(nearcopy.BINS))
# The columns assign_clusters reads of its source (the summaries need the account, region and time of a post).
SOURCE_COLUMNS = "platform, post_id, text, media, author_id, author_handle, region, created_at, captured_at"
_SIG_LIST = "[" + ", ".join(f"s{j}" for j in range(nearcopy.BINS)) + "]::UINTEGER[]"


class ChunkWork:
    """The part of a chunk's clustering that needs no stored cluster (texts, signatures, band groups, pairs within
    the chunk), started when `pantau ingest` writes the chunk's file, before it stores the chunk before: this runs
    while that one is stored, its COMMIT included, when DuckDB leaves a core idle. A thread with its own in-memory
    DuckDB reads the chunk (platform, post_id, text as the staging reads them; no connection to the store's file)."""

    def __init__(self, path: str, max_object_size: int):
        self._result: _Prepared | None = None
        self._thread = threading.Thread(target=self._run, args=(path, max_object_size), name="pantau-clusters-chunk",
                                        daemon=True)
        self._thread.start()

    def _run(self, path: str, max_object_size: int) -> None:
        try:
            _yield_to_ingest()
            con = duckdb.connect(config={"threads": 1})  # this thread only, at its priority
            try:
                # VARCHAR columns: a JSON string or number as the staging's ->>'$' reads it (any other key differs in
                # its hash and the caller does the work); a third cheaper than reading JSON values
                got = con.execute(f"""SELECT hash(platform, post_id) AS h, text, {MEDIA_URLS_SQL} AS urls
                    FROM read_json(?, format='newline_delimited', maximum_object_size={int(max_object_size)},
                                   columns={{'platform': 'VARCHAR', 'post_id': 'VARCHAR', 'text': 'VARCHAR',
                                             'media': 'JSON'}})
                    ORDER BY platform, post_id""", [path]).fetchnumpy()
            finally:
                con.close()
            self._result = _prepared(got["text"], got["urls"], got["h"])
        except Exception as exc:  # the caller's own way finds it again, or stores without this work
            log.debug("near-copy clusters: the chunk's work in a thread failed (%s); done in the caller", exc)

    def result(self) -> _Prepared | None:
        """The chunk's batch work (None: the caller does it), once the thread is done."""
        self._thread.join()
        return self._result


def _yield_to_ingest() -> None:
    """This thread at nice 10: it takes what the ingest's own statements leave of the cores (bench.clusters, 1M
    posts: ratio 1.20 -> 1.07)."""
    background_thread()


@dataclass
class _Prepared:
    """A batch's work that needs no stored cluster: its posts' key hashes (in the order of their post_no) and those
    sorted, and its Batch."""
    hashes: np.ndarray
    ordered: np.ndarray
    batch: Batch


def _prepared(texts: np.ndarray, media_urls: np.ndarray, hashes: np.ndarray | None) -> _Prepared | None:
    """The batch work of posts `texts` (with their media addresses) with their key `hashes`; None when there are
    none, or two keys hash alike (then the exact way: assign_clusters)."""
    if hashes is None or len(hashes) == 0:
        return None
    ordered = _sorted_unique(hashes)
    return None if ordered is None else _Prepared(hashes, ordered, batch_work(texts, media_urls))


class BatchWork:
    """The clustering of a batch up to its writes, done in a thread while the caller's DuckDB statements (staging,
    INSERTs) run: numpy and DuckDB release the GIL, and the ingest around it leaves one of the two cores mostly
    idle (measured on 300,000 posts: 15.4 s of CPU in 13.6 s). The thread has its own connection (`con.cursor()`):
    it takes the batch's work (`of_chunk`: a ChunkWork's; `of_table`: from texts the caller's connection read),
    then makes the plan against the stored clusters (committed before the caller's transaction began).
    `assign_clusters` writes the plan when its posts are those the INSERT added and no cluster row was written
    since (else it plans again); `close` waits for the thread and closes its connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, prepare: Callable[[], _Prepared | None]):
        self.prepared: _Prepared | None = None
        self.plan: _Plan | None = None
        self._cursor: duckdb.DuckDBPyConnection | None = con.cursor()
        self._thread = threading.Thread(target=self._run, args=(prepare,), name="pantau-clusters", daemon=True)
        self._thread.start()

    @classmethod
    def of_chunk(cls, con: duckdb.DuckDBPyConnection, chunk: ChunkWork) -> BatchWork:
        """The work of the posts of a chunk of post lines, started by `chunk`."""
        return cls(con, chunk.result)

    @classmethod
    def of_table(cls, con: duckdb.DuckDBPyConnection, source: str) -> BatchWork:
        """The work of every row of `source` (a table of `con`, read now)."""
        texts, media_urls, hashes = _new_posts(con, source, None)
        return cls(con, lambda: _prepared(texts, media_urls, hashes))

    def _run(self, prepare: Callable[[], _Prepared | None]) -> None:
        try:
            _yield_to_ingest()
            self.prepared = prepare()
            if self.prepared is not None:
                # Writers of a database take turns (Store.connect), and the caller replans when a cluster row was
                # written since this plan read the stored ones.
                self.plan = _plan(self._cursor, self.prepared.batch)
        except Exception as exc:  # the caller's own way finds it again, or stores without this work
            log.debug("near-copy clusters: the batch work in a thread failed (%s); done in the caller", exc)

    def covers(self, added: np.ndarray | None) -> bool:
        """Whether the work is that of the posts `added` (the hashes an INSERT returned): the same keys, no two
        alike (waits for the thread)."""
        self.close()
        got = self.prepared
        return (got is not None and added is not None and len(added) == len(got.hashes)
                and np.array_equal(np.sort(added), got.ordered))

    def close(self) -> None:
        self._thread.join()
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None


@dataclass
class _Plan:
    """What a batch's cluster rows will be: the post_no before its first post, the ids of the posts and clusters
    its verified pairs join and the smallest of each component, the new band keys and their first posts."""
    base: int
    ids: np.ndarray
    roots: np.ndarray
    new_keys: np.ndarray
    new_firsts: np.ndarray


def _plan(con: duckdb.DuckDBPyConnection, batch: Batch) -> _Plan:
    """The batch's clusters against the stored ones (reads only)."""
    base = con.execute("SELECT coalesce(max(post_no), 0) FROM post_clusters").fetchone()[0]
    post, key, first, x, y = batch.post, batch.key, batch.first, batch.x, batch.y
    keys, firsts = key[first], post[first]  # the batch's distinct keys (band and media) and the first post with each
    con.register("nc_keys", {"band_key": keys})  # those stored: one row each in cluster_bands, its first post
    stored = con.execute("SELECT band_key, post_no FROM cluster_bands SEMI JOIN nc_keys USING (band_key)").fetchnumpy()
    con.unregister("nc_keys")
    order = np.argsort(stored["band_key"])
    s_key, s_post = stored["band_key"][order].astype(np.int64), stored["post_no"][order].astype(np.int64)
    is_stored = member(keys, s_key)
    key_post = np.full(len(keys), -1, dtype=np.int64)  # the stored post of each key of the batch, or -1
    key_post[is_stored] = s_post[np.searchsorted(s_key, keys[is_stored])]
    # Candidates: each post and the stored post of each of its keys (their clusters), each post and the batch's
    # first post with each of its keys (x, y); kept when near-copies, or always for a media key.
    a, b = _stored_edges(con, batch.sig, post, key_post[np.cumsum(first) - 1], key < 0)
    # A stored cluster's id is the number of its first post, below every new post's number: the smallest id of a
    # component is its oldest cluster, or its first new post.
    ids, roots = nearcopy.components(np.concatenate([a + base + 1, x + base + 1]),
                                     np.concatenate([b, y + base + 1]))
    return _Plan(base, ids, roots, keys[~is_stored], firsts[~is_stored] + base + 1)


def assign_clusters(con: duckdb.DuckDBPyConnection, source: str, added: np.ndarray | None = None,
                    work: BatchWork | None = None) -> int:
    """Give posts of `source` (a table or subquery with the SOURCE_COLUMNS; each key once) their
    post_clusters row; the caller holds the transaction. `added`: the DuckDB hash(platform, post_id) of the rows to take (the
    posts an INSERT ... RETURNING just added, of a staging table that may hold posts stored before); None: every
    row, none of which has a post_clusters row yet. `work`: the batch's work started before the INSERT (used when
    it covers `added`). Returns how many posts got one."""
    plan = None
    if work is not None and work.covers(added):
        batch, hashes = work.prepared.batch, work.prepared.hashes
        base = con.execute("SELECT coalesce(max(post_no), 0) FROM post_clusters").fetchone()[0]
        plan = work.plan if work.plan is not None and work.plan.base == base else None
    else:
        if added is not None and len(added) == 0:
            return 0
        texts, media_urls, hashes = _new_posts(con, source, added)
        if len(texts) == 0:
            con.execute("DROP TABLE IF EXISTS nc_new")
            return 0
        batch = batch_work(texts, media_urls)
        del texts, media_urls
    if plan is None:
        plan = _plan(con, batch)
    sig = batch.sig
    n, base, ids, roots = len(sig), plan.base, plan.ids, plan.roots
    old = (ids <= base) & (ids != roots)  # stored clusters joined by new posts
    post_no = np.arange(base + 1, base + n + 1, dtype=np.int64)
    cluster = post_no.copy()
    cluster[ids[ids > base] - base - 1] = roots[ids > base]
    # the summaries' view of the stored clusters the batch touches, before their rows are relabelled
    cluster_stats.touch(con, ids[old], roots[old], np.unique(cluster[cluster <= base]))
    if old.any():
        con.register("nc_relabel", {"old": ids[old], "new": roots[old]})
        con.execute("UPDATE post_clusters SET cluster_id = r.new FROM nc_relabel r "
                    "WHERE post_clusters.cluster_id = r.old")
        con.unregister("nc_relabel")
    # numpy columns, read by DuckDB (a BLOB per row from Python objects would cost ~0.4 ms a post)
    # A signature is read only as a candidate's, a post that cluster_bands points at (the first with a band key):
    # only those keep it (in bench.clusters' 1M posts 11%; the others were half of the rows' writing cost)
    kept = np.zeros(n, dtype=bool)
    kept[plan.new_firsts - base - 1] = True
    columns = {"post_no": post_no, "cluster_id": cluster, "kept": kept,
               **{f"s{j}": sig[:, j] for j in range(nearcopy.BINS)}}
    if hashes is not None:  # the new posts' keys: the rows of `source` with these hashes
        con.register("nc_rows", {"h": hashes, **columns})
        keys_of = f"{source} s JOIN nc_rows r ON hash(s.platform, s.post_id) = r.h"
    else:
        con.register("nc_rows", columns)
        keys_of = "nc_new s JOIN nc_rows r ON r.post_no = s.n + " + str(base)
    con.execute(f"""INSERT INTO post_clusters (post_no, platform, post_id, cluster_id, signature)
        SELECT r.post_no, s.platform, s.post_id, r.cluster_id, CASE WHEN r.kept THEN {_SIG_LIST} END
        FROM {keys_of}""")
    cluster_stats.fold_batch(con, base, f"""SELECT r.cluster_id, s.platform, s.post_id, s.author_id, s.author_handle,
        s.region, s.created_at, s.captured_at FROM {keys_of}""")
    con.unregister("nc_rows")
    con.execute("DROP TABLE IF EXISTS nc_new")
    con.register("nc_bands", {"band_key": plan.new_keys, "post_no": plan.new_firsts})
    con.execute("INSERT INTO cluster_bands SELECT band_key, post_no FROM nc_bands")
    con.unregister("nc_bands")
    return n


def _new_posts(con: duckdb.DuckDBPyConnection, source: str, added: np.ndarray | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The texts of the posts to cluster in the order of their post_no (by platform and post_id), their media
    addresses (cluster_pairs.MEDIA_URLS_SQL), and their hash(platform, post_id) (the posts found by it in one read
    of `source`, no copy; every row when the INSERT added them all). When two of the batch's keys, or a stored
    post's and an added one's, hash alike (~1 in 10^10 a batch), the posts are found exactly instead: hashes None,
    and the temp table nc_new numbers them (n: 1, 2, ... by platform and post_id)."""
    where = ""
    everyone = added is None or con.execute(f"SELECT count(*) FROM {source}").fetchone()[0] == len(added)
    if not everyone:  # some rows of `source` were stored before
        con.register("nc_added", {"h": added})
        where = " WHERE hash(platform, post_id) IN (SELECT h FROM nc_added)"
    # By key: a platform's ids mostly grow with time, so the first post of a wave tends to be the batch's first
    # with each of its band keys, the post the others are checked against (recall is higher than in random order).
    got = con.execute(f"SELECT hash(platform, post_id) AS h, text, {MEDIA_URLS_SQL} AS urls FROM {source}{where} "
                      "ORDER BY platform, post_id").fetchnumpy()
    if not everyone:
        con.unregister("nc_added")
    if (added is None or len(got["h"]) == len(added)) and _sorted_unique(got["h"]) is not None:
        return got["text"], got["urls"], got["h"]
    rows = source if added is None else f"(SELECT * FROM {source} ANTI JOIN post_clusters USING (platform, post_id))"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE nc_new AS
        SELECT row_number() OVER (ORDER BY platform, post_id) AS n, {SOURCE_COLUMNS} FROM {rows}""")
    got = con.execute(f"SELECT text, {MEDIA_URLS_SQL} AS urls FROM nc_new ORDER BY n").fetchnumpy()
    return got["text"], got["urls"], None


def _sorted_unique(hashes: np.ndarray) -> np.ndarray | None:
    """`hashes` sorted, or None when two of them are alike."""
    ordered = np.sort(hashes)
    return None if (ordered[1:] == ordered[:-1]).any() else ordered


def _stored_edges(con: duckdb.DuckDBPyConnection, sig: np.ndarray, post: np.ndarray, key_post: np.ndarray,
                  exact: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of a new post (its row in `sig`) and a stored post's cluster, among each new post `post[i]` and the
    stored post `key_post[i]` of one of its keys (-1: the key is not stored): near-copies for a band key, every
    pair for a media key (`exact[i]`). Returns (rows, cluster ids)."""
    known = key_post >= 0
    if not known.any():
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    width = int(key_post.max()) + 1
    pair = distinct(post[known & ~exact] * width + key_post[known & ~exact])
    same_file = distinct(post[known & exact] * width + key_post[known & exact])
    a, b = pair // width, pair % width
    con.register("nc_wanted", {"post_no": distinct(np.concatenate([b, same_file % width]))})  # each read once
    rows = con.execute(f"SELECT post_no, cluster_id, {_SIG_COLUMNS} FROM post_clusters SEMI JOIN nc_wanted "
                       "USING (post_no) ORDER BY post_no").fetchnumpy()
    con.unregister("nc_wanted")
    other = np.empty((len(rows["post_no"]), nearcopy.BINS), dtype=np.uint32)
    for j in range(nearcopy.BINS):
        other[:, j] = rows[f"s{j}"]
    stored, cluster = rows["post_no"].astype(np.int64), rows["cluster_id"].astype(np.int64)
    at = np.searchsorted(stored, b)
    ok = verified(sig, a, other, at)
    return (np.concatenate([a[ok], same_file // width]),
            np.concatenate([cluster[at[ok]], cluster[np.searchsorted(stored, same_file % width)]]))


def clusters_tag() -> str:
    """The algorithm the stored signatures were made with."""
    return nearcopy.ALGORITHM


def backfill_clusters(con: duckdb.DuckDBPyConnection, transaction: Callable[[duckdb.DuckDBPyConnection], Any],
                      batch: int = BACKFILL_BATCH) -> int:
    """Give every post without a post_clusters row its row, after dropping every row when they were made by another
    algorithm or hash. One pass over the posts in ranges of `batch` rowids (the order they were stored), each range
    its own transaction, which also records where the pass is (`schema_info.clusters_pass`: a crash resumes there);
    then a sweep for any post the pass missed (rowids move down when a checkpoint drops deleted rows). Idempotent:
    a database whose `schema_info.clusters` is current costs one query. Returns the posts assigned.
    The pass reads a range in ~16 ms at 15M posts; finding the next posts without a row (the sweep's query, the
    only way before) took 1.9 s a batch there, so recomputing 15M posts took hours."""
    tag = clusters_tag()
    info = dict(con.execute("SELECT key, value FROM schema_info WHERE key IN ('clusters', 'clusters_pass', "
                            "'cluster_stats')").fetchall())
    if info.get("cluster_stats") != cluster_stats.STATS_TAG:  # clusters stored before their summaries were kept
        with transaction(con):
            if info.get("clusters") in (None, tag):  # else all of them are computed again below
                cluster_stats.recompute(con)
            con.execute("INSERT OR REPLACE INTO schema_info VALUES ('cluster_stats', ?)", [cluster_stats.STATS_TAG])
    if info.get("clusters") == tag:
        return 0
    total, end = 0, con.execute("SELECT coalesce(max(rowid), -1) + 1 FROM posts").fetchone()[0]
    pass_tag, _, at = info.get("clusters_pass", "").partition(" ")
    if pass_tag == tag and "clusters" not in info:  # a pass begun by this algorithm (none finished since)
        start = int(at)
    elif end == 0:  # no post: nothing to compute
        start = end
    else:
        if "clusters" in info:  # another algorithm or hash: start again
            log.warning("near-copy clusters were made with %s, this pantau uses %s: recomputing them",
                        info["clusters"], tag)
        with transaction(con):
            con.execute("DELETE FROM post_clusters")
            con.execute("DELETE FROM cluster_bands")
            con.execute("DELETE FROM cluster_stats")
            con.execute("DELETE FROM cluster_accounts")
            con.execute("DELETE FROM schema_info WHERE key = 'clusters'")  # a pass is under way
            con.execute("INSERT OR REPLACE INTO schema_info VALUES ('clusters_pass', ?)", [f"{tag} 0"])
        start = 0
    while start < end:
        with transaction(con):
            total += assign_clusters(con, f"""(SELECT {SOURCE_COLUMNS} FROM posts
                WHERE rowid >= {int(start)} AND rowid < {int(start + batch)})""")
            start += batch
            con.execute("INSERT OR REPLACE INTO schema_info VALUES ('clusters_pass', ?)", [f"{tag} {start}"])
    while True:  # the sweep
        with transaction(con):
            added = assign_clusters(con, f"""(SELECT {SOURCE_COLUMNS} FROM posts
                ANTI JOIN post_clusters USING (platform, post_id) ORDER BY captured_at, platform, post_id
                LIMIT {int(batch)})""")
            if added == 0:
                con.execute("INSERT OR REPLACE INTO schema_info VALUES ('clusters', ?)", [tag])
                con.execute("DELETE FROM schema_info WHERE key = 'clusters_pass'")
        total += added
        if added == 0:
            return total
