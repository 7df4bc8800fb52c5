"""What the app and reports read of the near-copy clusters (store/clusters.py keeps them): a post's wave and its
phrase for a report, the summaries of a queue page's posts, a cluster's members with their identity evidence."""

from __future__ import annotations

from typing import Any, Iterable

from pantau import nearcopy


def cluster_summaries(store: Any, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """The summary of the cluster (`cluster_summaries_by_id`) of each of the posts `keys` that is in a cluster of
    2 posts or more, by (platform, post_id)."""
    if not keys:
        return {}
    # By post_id alone (the index post_clusters_post_id), the platform checked here: 7 ms for 50 keys at 10M rows,
    # 15 ms with the (platform, post_id) pairs in the SQL too
    wanted = set(keys)
    members = [m for m in store.query(
        f"SELECT platform, post_id, cluster_id FROM post_clusters WHERE post_id IN ({', '.join('?' for _ in keys)})",
        sorted({key[1] for key in keys})) if (m["platform"], m["post_id"]) in wanted]
    summaries = cluster_summaries_by_id(store, {m["cluster_id"] for m in members})
    return {(m["platform"], m["post_id"]): dict(summaries[m["cluster_id"]]) for m in members
            if m["cluster_id"] in summaries}


def cluster_summaries_by_id(store: Any, cluster_ids: Iterable[int]) -> dict[int, dict]:
    """The summary (v_cluster_summaries, with `phrase`) of each of `cluster_ids` that is a cluster of 2
    posts or more, by id: one row each, kept as posts are clustered (store/cluster_stats.py)."""
    ids = sorted(set(cluster_ids))
    if not ids:
        return {}
    rows = store.query(
        f"SELECT * FROM v_cluster_summaries WHERE cluster_id IN ({', '.join('?' for _ in ids)})", ids)
    for r in rows:  # what a report cites: 'bagian dari pesan serentak: N akun, K wilayah, H jam'
        r["phrase"] = nearcopy.wave_phrase(r["accounts"], r["regions"], r["span_hours"])
    return {r["cluster_id"]: r for r in rows}


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
