"""The learning loop's store side (issue 18, part 3): the "Bantu model" lane and the reviewers' training rows.

The lane (`learning_lane`, docs/store.md) holds a small sample of undecided posts that would teach the model most:
- `registry`: the account registry marks the author as ASN, yet the model did not flag the post;
- `cluster`: the post's near-copy cluster (post_clusters) was decided otherwise by reviewers (a member confirmed
  or decided `violation` while the model did not flag this one; only `not_violation` decisions while it did);
- `uncertain`: the decision score is within `band` of the active model's threshold, flagged or not (an
  unflagged near-miss decided `not_violation` is a useful negative).
Posts are taken round-robin across the model's categories (unflagged posts have none and form one more
bucket), and within a category round-robin across the reasons (registry, cluster, uncertain; each by the smallest
distance to the threshold), so neither one category nor one reason fills the lane. The sample is recomputed by one scan of the latest classifications when the
classifications or the threshold changed, or when half of it has been decided; between refreshes the queue's
lane is a read of at most LANE_SIZE rows.

`v_training_rows` (schema.sql) turns final decisions into labelled rows with the model version that scored the
post when it was decided; `pantau retrain` (flows/retrain.py) trains on them.
"""

from __future__ import annotations

from typing import Any

import duckdb

LANE_SIZE = 200
LANE_BAND = 0.25  # |score - threshold| at most this for an `uncertain` post
REASONS = ("registry", "cluster", "uncertain")

_LANE_COLUMNS = ("platform, post_id, lane_rank, reason, category, score, flagged, threshold, model_version, "
                 "author_handle, author_name, region, snippet, captured_at")

_LANE_SELECT = """
WITH lc AS (
    SELECT * FROM latest_classification
),
undecided AS (
    SELECT lc.* FROM lc ANTI JOIN live_decisions d USING (platform, post_id)  -- a withdrawn decision does not count
),
votes AS (
    SELECT pc.cluster_id,
           count(*) FILTER (WHERE ld.decision = 'violation') AS yes,
           count(*) FILTER (WHERE ld.decision = 'not_violation') AS no
    FROM latest_decision ld JOIN post_clusters pc USING (platform, post_id)
    GROUP BY pc.cluster_id
),
candidates AS (
    SELECT u.platform, u.post_id, u.score, u.flagged, u.category, u.model_version,
           abs(u.score - $threshold) AS margin,
           CASE
             WHEN NOT u.flagged AND len(list_filter(coalesce(json_extract(u.signals, '$[*]'), []),
                  lambda x: json_extract_string(x, 'source') = 'registry'
                            AND json_extract_string(x, 'class') = 'asn')) > 0 THEN 'registry'
             WHEN (NOT u.flagged AND coalesce(v.yes, 0) > 0)
               OR (u.flagged AND coalesce(v.no, 0) > 0 AND coalesce(v.yes, 0) = 0) THEN 'cluster'
             WHEN abs(u.score - $threshold) <= $band THEN 'uncertain'
           END AS reason
    FROM undecided u
    LEFT JOIN post_clusters pc USING (platform, post_id)
    LEFT JOIN votes v USING (cluster_id)
),
by_reason AS (
    SELECT *, row_number() OVER (PARTITION BY coalesce(category, ''), reason
                                 ORDER BY margin, platform, post_id) AS nth
    FROM candidates WHERE reason IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY coalesce(category, '')
                                 ORDER BY nth, list_position(['registry', 'cluster', 'uncertain'], reason)) AS within
    FROM by_reason
),
lane AS (
    SELECT *, row_number() OVER (ORDER BY within, coalesce(category, ''), platform, post_id) AS lane_rank
    FROM ranked WHERE within <= $size
    QUALIFY lane_rank <= $size
)
SELECT l.platform, l.post_id, l.lane_rank, l.reason, l.category, l.score, l.flagged, $threshold, l.model_version,
       p.author_handle, p.author_name, p.region, left(p.text, 240), p.captured_at
FROM lane l JOIN posts p USING (platform, post_id)
"""


def _state(con, threshold: float) -> str:
    """What the lane was computed from: the threshold and the classifications (their number and latest time)."""
    n, last = con.execute("SELECT count(*), max(classified_at) FROM classifications").fetchone()
    return f"{float(threshold):.6f}|{n}|{last}"


def refresh_lane(store, threshold: float, *, band: float = LANE_BAND, size: int = LANE_SIZE,
                 force: bool = False) -> bool:
    """Recompute `learning_lane` when it is stale (or `force`); True when it was recomputed."""
    with store.transaction() as con:
        stored = con.execute("SELECT value FROM schema_info WHERE key = 'learning_lane'").fetchone()
        state = _state(con, threshold)
        if not force and stored is not None and stored[0] == state:
            total, open_ = con.execute(
                """SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM live_decisions d WHERE d.platform = l.platform AND d.post_id = l.post_id))
                   FROM learning_lane l""").fetchone()
            if open_ * 2 >= total:
                return False
        con.execute("DELETE FROM learning_lane")
        con.execute(f"INSERT INTO learning_lane ({_LANE_COLUMNS}) {_LANE_SELECT}",
                    {"threshold": float(threshold), "band": float(band), "size": int(size)})
        con.execute("INSERT OR REPLACE INTO schema_info VALUES ('learning_lane', ?)", [state])
    return True


def lane_rows(store, threshold: float, *, band: float = LANE_BAND, size: int = LANE_SIZE) -> list[dict[str, Any]]:
    """The lane's undecided posts in round-robin order (refreshed first when stale; when two reviewers open a stale
    lane at once, the one whose refresh conflicts reads what the other wrote)."""
    try:
        refresh_lane(store, threshold, band=band, size=size)
    except duckdb.TransactionException:
        pass
    return store.query(
        """SELECT l.* FROM learning_lane l
           WHERE NOT EXISTS (SELECT 1 FROM live_decisions d WHERE d.platform = l.platform AND d.post_id = l.post_id)
           ORDER BY l.lane_rank""")


def training_rows(store) -> list[dict[str, Any]]:
    """`v_training_rows` with each post's text, bio and author key (what the retrain flow trains on)."""
    return store.query(
        """SELECT t.*, p.text, p.author_bio, coalesce(p.author_id, p.author_handle, p.post_id) AS author
           FROM v_training_rows t JOIN posts p USING (platform, post_id)
           ORDER BY t.platform, t.post_id""")
