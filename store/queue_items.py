"""`queue_items`: the triage queue's rows (one per flagged post, and per post a reviewer decided although the model did
not flag it, e.g. from the "Bantu model" lane; with its review status and election stage),
recomputed in the caller's transaction whenever a post's classification, decision or second opinion changes. A
withdrawn decision (decision_withdrawals) does not count: the view live_decisions leaves it out.

The CASE that names the status is the SQL twin of pantau.review.status_of (tests/test_review.py compares them)."""

from __future__ import annotations

from .search import add_search_docs
from .stages import STAGE_JOIN, ensure_stages

_QUEUE_ITEMS_COLUMNS = ("(platform, post_id, author_id, author_handle, author_name, region, snippet, captured_at, "
                        "deadline_at, score, category, status, last_decision_id, stage)")
_QUEUE_ITEMS_SELECT = """
SELECT p.platform, p.post_id, p.author_id, p.author_handle, p.author_name, p.region, left(p.text, 240),
       p.captured_at, reporting_deadline(p.captured_at), c.score, c.category,
       CASE
         WHEN d.decision IS NULL THEN 'new'
         WHEN d.decision = 'needs_info' THEN 'needs_info'
         WHEN d.decision = 'violation' AND f.agreed THEN 'confirmed'
         WHEN d.decision = 'violation' THEN 'awaiting_confirmation'
         ELSE d.decision
       END,
       d.decision_id, s.stage
FROM posts p
JOIN (SELECT * FROM classifications {filter}
      QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY classified_at DESC, model_version DESC) = 1) c
  USING (platform, post_id)
LEFT JOIN (SELECT * FROM live_decisions {filter}
      QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY decision_id DESC) = 1) d
  USING (platform, post_id)
LEFT JOIN confirmations f ON f.decision_id = d.decision_id
""" + STAGE_JOIN + """
WHERE (c.flagged OR d.decision IS NOT NULL) {post_filter}
"""


def _refresh_queue_items(con, keys_table: str | None) -> None:
    """Recompute queue_items for the posts in `keys_table` (platform, post_id), or for all posts."""
    if keys_table is None:
        ensure_stages(con)
        con.execute("DELETE FROM queue_items")
        con.execute("INSERT INTO queue_items " + _QUEUE_ITEMS_COLUMNS + " " + _QUEUE_ITEMS_SELECT.format(filter="", post_filter=""))
        add_search_docs(con, "TRUE")
        return
    semi = f"(platform, post_id) IN (SELECT (platform, post_id) FROM {keys_table})"
    ensure_stages(con, f"(p.platform, p.post_id) IN (SELECT (platform, post_id) FROM {keys_table})")
    con.execute(f"DELETE FROM queue_items WHERE {semi}")
    con.execute(
        "INSERT INTO queue_items " + _QUEUE_ITEMS_COLUMNS + " "
        + _QUEUE_ITEMS_SELECT.format(
            filter=f"WHERE {semi}", post_filter=f"AND (p.platform, p.post_id) IN (SELECT (platform, post_id) FROM {keys_table})"
        )
    )
    add_search_docs(con, f"(qi.platform, qi.post_id) IN (SELECT (platform, post_id) FROM {keys_table})")


def _refresh_one(con, platform: str, post_id: str) -> None:
    ensure_stages(con, "p.platform = $platform AND p.post_id = $post_id", {"platform": platform, "post_id": post_id})
    con.execute("DELETE FROM queue_items WHERE platform = ? AND post_id = ?", [platform, post_id])
    sel = _QUEUE_ITEMS_SELECT.format(
        filter="WHERE platform = $platform AND post_id = $post_id",
        post_filter="AND p.platform = $platform AND p.post_id = $post_id",
    )
    con.execute("INSERT INTO queue_items " + _QUEUE_ITEMS_COLUMNS + " " + sel, {"platform": platform, "post_id": post_id})
    add_search_docs(con, "qi.platform = ? AND qi.post_id = ?", [platform, post_id])


# The items waiting for their double-check (pantau.review: a decision drawn for it, `double_checks`, with no second
# opinion yet), as queue_items rows with the drawn decision's reviewer (`decided_by`): the one home of this rule in
# SQL; ItemState.check_pending (store/review.py, _review_state) is its Python twin (tests compare them).
PENDING_CHECKS_SQL = """
SELECT qi.*, d.reviewer AS decided_by, dc.sampled_at FROM queue_items qi
JOIN double_checks dc ON dc.decision_id = qi.last_decision_id
JOIN decisions d ON d.decision_id = qi.last_decision_id
WHERE NOT EXISTS (SELECT 1 FROM confirmations f WHERE f.decision_id = qi.last_decision_id)
"""
