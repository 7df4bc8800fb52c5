"""What the app and reports read of the near-copy clusters (store/clusters.py keeps them): a post's wave and its
phrase for a report, the summaries of a queue page's posts, a cluster's members with their identity evidence."""

from __future__ import annotations

from typing import Any

from pantau import nearcopy


def cluster_summaries(store: Any, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """v_clusters' row (cluster_id, size, accounts, regions, span_hours...) and `phrase` of each of the posts `keys`
    that is in a cluster of 2 posts or more, by (platform, post_id)."""
    if not keys:
        return {}
    marks = ", ".join("(?, ?)" for _ in keys)
    # post_id IN (...) first: a filter DuckDB pushes into the scan (75 -> 25 ms for 51 keys in 3.3M rows)
    members = store.query(
        f"""SELECT platform, post_id, cluster_id FROM post_clusters
            WHERE post_id IN ({', '.join('?' for _ in keys)}) AND (platform, post_id) IN ({marks})""",
        [key[1] for key in keys] + [x for key in keys for x in key])
    ids = sorted({m["cluster_id"] for m in members})
    if not ids:
        return {}
    # The cluster ids as constants: DuckDB then filters v_clusters' scan and grouping by them. Joined to a subquery
    # instead, it summed up every cluster on each queue page (measured: 2 s a page with 1.9M clustered posts).
    summaries = {r["cluster_id"]: r for r in store.query(
        f"SELECT * FROM v_clusters WHERE cluster_id IN ({', '.join('?' for _ in ids)})", ids)}
    for r in summaries.values():  # what a report cites: 'bagian dari pesan serentak: N akun, K wilayah, H jam'
        r["phrase"] = nearcopy.wave_phrase(r["accounts"], r["regions"], r["span_hours"])
    return {(m["platform"], m["post_id"]): dict(summaries[m["cluster_id"]]) for m in members
            if m["cluster_id"] in summaries}


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
