"""`queue_items`: the triage queue's rows (one per flagged post, and per post a reviewer decided although the model did
not flag it, e.g. from the "Bantu model" lane; with its review status and election stage),
recomputed in the caller's transaction whenever a post's classification, decision or second opinion changes. A
withdrawn decision (decision_withdrawals) does not count: the view live_decisions leaves it out.

The CASE that names the status is the SQL twin of pantau.review.status_of (tests/test_review.py compares them)."""

from __future__ import annotations

from .search import add_search_docs
from .stages import STAGE_JOIN, ensure_stages

_QUEUE_ITEMS_COLUMNS = ("(platform, post_id, author_id, author_handle, author_name, region, snippet, captured_at, "
                        "deadline_at, score, category, status, last_decision_id, stage, doc_id)")
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
       d.decision_id, s.stage, {doc_id}
FROM posts p
JOIN (SELECT * FROM classifications {filter}
      QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY classified_at DESC, model_version DESC) = 1) c
  USING (platform, post_id)
LEFT JOIN (SELECT * FROM live_decisions {filter}
      QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY decision_id DESC) = 1) d
  USING (platform, post_id)
LEFT JOIN confirmations f ON f.decision_id = d.decision_id
""" + STAGE_JOIN + """{doc_join}
WHERE (c.flagged OR d.decision IS NOT NULL) {post_filter}
"""


def _refresh_queue_items(con, keys_table: str | None) -> None:
    """Recompute queue_items for the posts in `keys_table` (platform, post_id), or for all posts. A row written
    again keeps its search document's number; a post new to the queue gets its document (store/search.py)."""
    if keys_table is None:
        ensure_stages(con)
        rows, keys_filter, post_filter, queued = "TRUE", "", "", "TRUE"
    else:
        keys = f"IN (SELECT (platform, post_id) FROM {keys_table})"
        ensure_stages(con, f"(p.platform, p.post_id) {keys}")
        rows, queued = f"(platform, post_id) {keys}", f"(qi.platform, qi.post_id) {keys}"
        keys_filter, post_filter = f"WHERE {rows}", f"AND (p.platform, p.post_id) {keys}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE queue_doc_ids AS SELECT platform, post_id, doc_id FROM queue_items "
                f"WHERE {rows} AND doc_id IS NOT NULL")
    con.execute(f"DELETE FROM queue_items WHERE {rows}")
    con.execute("INSERT INTO queue_items " + _QUEUE_ITEMS_COLUMNS + " " + _QUEUE_ITEMS_SELECT.format(
        filter=keys_filter, post_filter=post_filter, doc_id="k.doc_id", doc_join=_KEPT_DOC_JOIN))
    con.execute("DROP TABLE queue_doc_ids")
    add_search_docs(con, queued)


# The search document numbers of the rows written again (temp table queue_doc_ids, made before their DELETE)
_KEPT_DOC_JOIN = "\nLEFT JOIN queue_doc_ids k ON k.platform = p.platform AND k.post_id = p.post_id"


def _refresh_one(con, platform: str, post_id: str) -> None:
    ensure_stages(con, "p.platform = $platform AND p.post_id = $post_id", {"platform": platform, "post_id": post_id})
    # the row's search document number is kept (a decision on a queued post: 41 ms more at 1M queue rows when
    # add_search_docs found it again)
    kept = con.execute("DELETE FROM queue_items WHERE platform = ? AND post_id = ? RETURNING doc_id",
                       [platform, post_id]).fetchall()
    doc_id = kept[0][0] if kept else None
    sel = _QUEUE_ITEMS_SELECT.format(
        filter="WHERE platform = $platform AND post_id = $post_id",
        post_filter="AND p.platform = $platform AND p.post_id = $post_id", doc_id="$doc_id::BIGINT", doc_join="",
    )
    con.execute("INSERT INTO queue_items " + _QUEUE_ITEMS_COLUMNS + " " + sel,
                {"platform": platform, "post_id": post_id, "doc_id": doc_id})
    if doc_id is None:  # new to the queue
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
