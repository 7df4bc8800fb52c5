"""The election calendar in the database: `election_stages` holds pantau.calendar's stages for every region posts
name, so that queue_items.stage is one SQL range join while the queue is refreshed (store/queue_items.py).

The rows are derived, never edited: a region is expanded the first time a post of it is queued, and when the
calendar files change (their fingerprint differs from schema_info 'calendar') every row is rebuilt and every queue
item's stage recomputed, in the caller's transaction."""

from __future__ import annotations

from pantau.calendar import load_calendar

# A post's stage: its time (created_at, else captured_at: pantau.calendar.post_time) within a stage of its region.
STAGE_JOIN = """LEFT JOIN election_stages s ON s.region = coalesce(p.region, '')
  AND coalesce(p.created_at, p.captured_at) >= s.starts_at AND coalesce(p.created_at, p.captured_at) < s.ends_at"""


def ensure_stages(con, posts_filter: str = "", params: dict | None = None) -> None:
    """Make election_stages current for the posts `posts_filter` selects (a condition on `p`, '' for all posts)."""
    cal = load_calendar()
    row = con.execute("SELECT value FROM schema_info WHERE key = 'calendar'").fetchone()
    changed = row is None or row[0] != cal.fingerprint
    if changed:
        con.execute("DELETE FROM election_stages")
        con.execute("DELETE FROM election_stage_regions")
        con.execute("INSERT OR REPLACE INTO schema_info VALUES ('calendar', ?)", [cal.fingerprint])
    sources = [f"SELECT coalesce(p.region, '') FROM posts p {('WHERE ' + posts_filter) if posts_filter else ''}"]
    if changed:
        sources.append("SELECT coalesce(region, '') FROM queue_items")
    missing = [r[0] for r in con.execute(
        f"SELECT DISTINCT r FROM ({' UNION ALL '.join(sources)}) t(r) "
        "WHERE r NOT IN (SELECT region FROM election_stage_regions)", params or {}).fetchall()]
    if missing:
        rows = [(region, s.key, s.starts_at, s.ends_at) for region in missing for s in cal.stages_for(region or None)]
        if rows:
            con.executemany("INSERT INTO election_stages VALUES (?, ?, ?, ?)", rows)
        con.executemany("INSERT INTO election_stage_regions VALUES (?)", [(r,) for r in missing])
    if changed:
        con.execute(f"""UPDATE queue_items qi SET stage = (
                          SELECT s.stage FROM posts p {STAGE_JOIN}
                          WHERE p.platform = qi.platform AND p.post_id = qi.post_id)""")
