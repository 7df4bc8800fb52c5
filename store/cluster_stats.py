"""The summaries of near-copy clusters of 2 posts or more, kept as posts are clustered (issue 17).

`cluster_stats` has one row per such cluster: its size, distinct accounts and regions, the regions' names, the
first and last post time and the first post's key; `cluster_accounts` its distinct accounts, so that merged
clusters count them exactly. `touch` and `fold_batch` update both in the transaction that clusters a batch
(store/clusters.py: assign_clusters), from the batch's own rows, the summaries of the stored clusters it joins or
merges, and the members of a stored cluster without a summary it joins (a single post, or what a purge left): no
other member is read. The queue and item pages read a summary as one row: the same figures computed from the
members (v_cluster_members, a join of post_clusters to posts) took 1.5 s for a queue page's 11 small clusters at
15.9M posts, 8 s with clusters of a million posts.

`recompute` computes the summaries from the members: of every cluster (a database made before the table, see
clusters.backfill_clusters), or of some (after a purge took posts out of them). A member is a post of a cluster
that is still in `posts`, as in v_cluster_members.
"""

from __future__ import annotations

from typing import Iterable

import duckdb
import numpy as np

STATS_TAG = "1"  # schema_info 'cluster_stats': the summaries were built (or rebuilt) by this module's rules

# A member's account, region and time, from a row of `posts` (alias p), as v_cluster_members has them.
_MEMBER_COLUMNS = """cluster_account(p.platform, p.author_id, p.author_handle, p.post_id) AS account, p.region,
    coalesce(p.created_at, p.captured_at) AS posted_at"""
# The figures of the members (cluster_id, platform, post_id, account, region, posted_at), by cluster; the first
# post is the earliest, ties by platform and post_id (a report cites its text).
_MEMBER_FIGURES = """cluster_id, count(*) AS size, min(posted_at) AS first_at, max(posted_at) AS last_at,
    arg_min(platform, (posted_at, platform, post_id)) AS first_platform,
    arg_min(post_id, (posted_at, platform, post_id)) AS first_post_id,
    coalesce(list(DISTINCT region) FILTER (WHERE region IS NOT NULL), []) AS region_names"""
_MEMBERS = (f"SELECT pc.cluster_id, p.platform, p.post_id, {_MEMBER_COLUMNS} "
            "FROM post_clusters pc JOIN posts p USING (platform, post_id)")


def touch(con: duckdb.DuckDBPyConnection, old: np.ndarray, new: np.ndarray, stored_roots: np.ndarray) -> None:
    """The first step of folding a batch, before assign_clusters relabels the stored clusters `old` -> `new` it
    merges: the stored clusters it touches, each with the cluster it is now part of (temp table nc_touch), and the
    members of those without a summary (nc_stored: each is a single post, or what a purge left of a cluster)."""
    con.register("nc_merged", {"id": np.concatenate([old, stored_roots]).astype(np.int64),
                               "root": np.concatenate([new, stored_roots]).astype(np.int64)})
    con.execute("CREATE OR REPLACE TEMP TABLE nc_touch AS SELECT DISTINCT id, root FROM nc_merged")
    con.unregister("nc_merged")
    # found in SQL: registered from Python, 1,634 such keys cost 0.23 s a query (DuckDB reads a dict of object
    # arrays through pandas), and IN lists of their ids 1.5 s a batch
    con.execute(f"""CREATE OR REPLACE TEMP TABLE nc_stored AS
        SELECT k.root AS cluster_id, p.platform, p.post_id, {_MEMBER_COLUMNS}
        FROM posts p JOIN (SELECT t.root, pc.platform, pc.post_id FROM nc_touch t
                           ANTI JOIN cluster_stats s ON s.cluster_id = t.id
                           JOIN post_clusters pc ON pc.cluster_id = t.id) k USING (platform, post_id)""")


def fold_batch(con: duckdb.DuckDBPyConnection, base: int, new_members: str) -> None:
    """Fold a clustered batch into the summaries, after `touch`; the caller holds the transaction. `base`: the
    post_no before the batch's first post; `new_members`: a query of the batch's posts as (cluster_id, platform,
    post_id, author_id, author_handle, region, created_at, captured_at) with their cluster after the batch."""
    # The batch's posts in clusters of 2 or more (joined to a stored cluster, its id <= base, or several new ones),
    # and the members of the touched stored clusters without a summary. `new_members` is read once: it scans Python
    # arrays the caller registered.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE nc_members AS
        WITH b AS MATERIALIZED (
            SELECT cluster_id::BIGINT AS cluster_id, platform::VARCHAR AS platform, post_id::VARCHAR AS post_id,
                   account::VARCHAR AS account, region::VARCHAR AS region, posted_at::TIMESTAMPTZ AS posted_at
            FROM (SELECT p.cluster_id, p.platform, p.post_id, {_MEMBER_COLUMNS} FROM ({new_members}) p))
        SELECT * FROM b WHERE cluster_id <= {int(base)}
            OR cluster_id IN (SELECT cluster_id FROM b GROUP BY cluster_id HAVING count(*) >= 2)
        UNION ALL SELECT * FROM nc_stored""")
    _merge_into_roots(con)
    for table in ("nc_members", "nc_stored", "nc_touch"):
        con.execute(f"DROP TABLE {table}")


def _merge_into_roots(con: duckdb.DuckDBPyConnection) -> None:
    """The summaries of the roots: the stored ones of `nc_touch` merged with the figures of `nc_members`."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE nc_parts AS
        SELECT t.root AS cluster_id, s.size, s.first_at, s.last_at, s.first_platform, s.first_post_id, s.region_names
        FROM cluster_stats s JOIN nc_touch t ON s.cluster_id = t.id
        UNION ALL SELECT {_MEMBER_FIGURES} FROM nc_members GROUP BY cluster_id""")
    # accounts: the merged clusters' and the new members' ones the root lacks, then the merged clusters' go
    con.execute("""INSERT INTO cluster_accounts
        SELECT DISTINCT x.cluster_id, x.account FROM (
            SELECT t.root AS cluster_id, a.account FROM cluster_accounts a JOIN nc_touch t ON a.cluster_id = t.id
            WHERE t.id <> t.root
            UNION ALL SELECT cluster_id, account FROM nc_members) x
        ANTI JOIN (SELECT * FROM cluster_accounts WHERE cluster_id IN (SELECT cluster_id FROM nc_parts)) a
            USING (cluster_id, account)""")
    con.execute("DELETE FROM cluster_accounts WHERE cluster_id IN (SELECT id FROM nc_touch WHERE id <> root)")
    con.execute("DELETE FROM cluster_stats WHERE cluster_id IN (SELECT id FROM nc_touch)")
    con.execute("""INSERT INTO cluster_stats
        WITH merged AS (
            SELECT cluster_id, sum(size) AS size, min(first_at) AS first_at, max(last_at) AS last_at,
                   arg_min(first_platform, (first_at, first_platform, first_post_id)) AS first_platform,
                   arg_min(first_post_id, (first_at, first_platform, first_post_id)) AS first_post_id,
                   list_sort(list_distinct(flatten(list(region_names)))) AS region_names
            FROM nc_parts GROUP BY cluster_id),
        accounts AS (SELECT cluster_id, count(*) AS accounts FROM cluster_accounts
                     WHERE cluster_id IN (SELECT cluster_id FROM merged) GROUP BY cluster_id)
        SELECT m.cluster_id, m.size, coalesce(a.accounts, 0), len(m.region_names), m.region_names, m.first_at,
               m.last_at, m.first_platform, m.first_post_id
        FROM merged m LEFT JOIN accounts a USING (cluster_id)""")
    con.execute("DROP TABLE nc_parts")


def recompute(con: duckdb.DuckDBPyConnection, cluster_ids: Iterable[int] | None = None) -> None:
    """The summaries of `cluster_ids` (every cluster: None) computed again from their members; the caller holds
    the transaction. A cluster left with fewer than 2 members loses its summary."""
    if cluster_ids is None:
        con.execute("DELETE FROM cluster_stats")
        con.execute("DELETE FROM cluster_accounts")
        members = (f"{_MEMBERS} WHERE pc.cluster_id IN "
                   "(SELECT cluster_id FROM post_clusters GROUP BY cluster_id HAVING count(*) >= 2)")
    else:
        ids = sorted({int(i) for i in cluster_ids})
        if not ids:
            return
        con.register("nc_ids", {"cluster_id": np.array(ids, dtype=np.int64)})
        con.execute("DELETE FROM cluster_stats WHERE cluster_id IN (SELECT cluster_id FROM nc_ids)")
        con.execute("DELETE FROM cluster_accounts WHERE cluster_id IN (SELECT cluster_id FROM nc_ids)")
        members = f"{_MEMBERS} WHERE pc.cluster_id IN (SELECT cluster_id FROM nc_ids)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE nc_members AS {members}")
    con.execute("""DELETE FROM nc_members WHERE cluster_id IN (
        SELECT cluster_id FROM nc_members GROUP BY cluster_id HAVING count(*) < 2)""")
    con.execute("INSERT INTO cluster_accounts SELECT DISTINCT cluster_id, account FROM nc_members")
    con.execute(f"""INSERT INTO cluster_stats
        WITH f AS (SELECT {_MEMBER_FIGURES}, count(DISTINCT account) AS accounts FROM nc_members GROUP BY cluster_id)
        SELECT cluster_id, size, accounts, len(region_names), list_sort(region_names), first_at, last_at,
               first_platform, first_post_id FROM f""")
    con.execute("DROP TABLE nc_members")
    if cluster_ids is not None:
        con.unregister("nc_ids")
