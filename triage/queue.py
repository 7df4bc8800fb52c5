"""The queue (page group "antrean"): open items by deadline then score, keyset pages, filters (status, region,
platform, category, assignee, watchlist, election stage) and full-text search; the filter menus are cached for a minute
(`FacetCache`, one per app on `app.state.facets`)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from pantau.calendar import load_calendar
from pantau.review import STATUSES, ItemState
from pantau.review import allowed as review_allowed
from pantau.settings import review_target_hours
from pantau.sla import first_review_cutoff, review_overdue
from pantau.store.cluster_reads import cluster_summaries
from pantau.store.db import Store

from .decisions import CLAIM_JOIN
from .deps import Who, allowed, get_store, one_connection, render
from .lane import lane_page
from .logic import decode_cursor, encode_cursor

PAGE_SIZE = 50

router = APIRouter()


@router.get("/antrean", response_class=HTMLResponse, name="queue")
@one_connection
def queue(
    request: Request,
    who: Annotated[Who, Depends(allowed("queue", post=False))],
    store: Annotated[Store, Depends(get_store)],
    status: str = "open",
    region: str = "",
    platform: str = "",
    category: str = "",
    assignee: str = "",
    q: str = "",
    watchlist: str = "",
    after: str = "",
    stage: str = "",
    lane: str = "",
):
    if lane == "bantu":
        return lane_page(request, who, store)
    where, params = _queue_filters(store, status, region, platform, category, assignee, q, watchlist, stage)
    target = review_target_hours()
    now = datetime.now(timezone.utc)
    # Items never decided past the first-review target (pantau.sla), counted in the same scan as the total; the
    # bound is a literal made from a datetime (no user input), one comparison per row.
    overdue = f"qi.status = 'new' AND qi.captured_at < TIMESTAMPTZ '{first_review_cutoff(now, target).isoformat()}'"
    # The claims join is only needed to filter by assignee; without it DuckDB runs a plain top-N scan.
    join = CLAIM_JOIN if assignee else ""
    cursor = decode_cursor(after) if after else None
    cursor_cond, cursor_params = "TRUE", []
    if cursor:
        cursor_cond = ("(qi.deadline_at > CAST(? AS TIMESTAMPTZ) OR (qi.deadline_at = CAST(? AS TIMESTAMPTZ) AND "
                       "(qi.score < ? OR (qi.score = ? AND (qi.platform > ? OR (qi.platform = ? AND qi.post_id > ?))))))")
        d, s, p, i = cursor
        cursor_params = [d, d, s, s, p, p, i]
    cond = " AND ".join(where) or "TRUE"  # status=all and no filter: no condition at all
    order = "qi.deadline_at ASC, qi.score DESC, qi.platform, qi.post_id"
    claimed = ("SELECT page.*, cl.username AS claimed_by FROM page LEFT JOIN claims cl ON cl.platform = page.platform"
               " AND cl.post_id = page.post_id AND cl.expires_at > now() ORDER BY page.deadline_at ASC,"
               " page.score DESC, page.platform, page.post_id")
    if q.strip():
        # A text search: match once (the full-text lookup is the expensive part), then count and page the matches.
        rows = store.query(
            f"""WITH hits AS MATERIALIZED (SELECT qi.* FROM queue_items qi {join} WHERE {cond}),
                page AS (SELECT qi.*, (SELECT count(*) FROM hits) AS hits_total,
                         (SELECT count(*) FILTER (WHERE {overdue}) FROM hits qi) AS hits_overdue FROM hits qi
                         WHERE {cursor_cond} ORDER BY {order} LIMIT {PAGE_SIZE + 1})
                {claimed}""",
            params + cursor_params,
        )
        counts = ({"total": rows[0]["hits_total"], "overdue": rows[0]["hits_overdue"]} if rows else store.query(
            f"SELECT count(*) AS total, count(*) FILTER (WHERE {overdue}) AS overdue FROM queue_items qi {join}"
            f" WHERE {cond}", params)[0])
    else:
        counts = store.query(f"SELECT count(*) AS total, count(*) FILTER (WHERE {overdue}) AS overdue"
                             f" FROM queue_items qi {join} WHERE {cond}", params)[0]
        # Two steps make the top-N cheap: the (PAGE_SIZE+1)-th deadline first (a one-column top-N), then the full
        # ordering only over items due by then; ties on that deadline are all kept, so the page is exact.
        page_cond = f"{cond} AND {cursor_cond}"
        rows = store.query(
            f"""WITH page AS (
                  SELECT qi.* FROM queue_items qi {join} WHERE {page_cond}
                    AND qi.deadline_at <= (SELECT max(deadline_at) FROM (
                      SELECT qi.deadline_at FROM queue_items qi {join} WHERE {page_cond}
                      ORDER BY qi.deadline_at LIMIT {PAGE_SIZE + 1}))
                  ORDER BY {order} LIMIT {PAGE_SIZE + 1})
                {claimed}""",
            params + cursor_params + params + cursor_params,
        )
    for r in rows:
        try:  # a stored time Python cannot hold (DuckDB gives text past year 9999) gets no badge
            r["review_overdue"] = review_overdue(r["status"], r["captured_at"], now, target)
        except (TypeError, OverflowError):
            r["review_overdue"] = False
    facets = request.app.state.facets.get(store)
    filters = {"status": status, "region": region, "platform": platform, "category": category,
               "assignee": assignee, "q": q, "watchlist": watchlist, "stage": stage}
    calendar = load_calendar()
    for r in rows:  # the stage badge: 'Masa kampanye Pilkada 2024 (25 Sep – 23 Nov 2024)'
        r["stage_info"] = calendar.find(r.get("stage"), r.get("region"))
    blind_checks(store, rows, who[1])
    waves = cluster_summaries(store, [(r["platform"], r["post_id"]) for r in rows])  # "pesan serentak" (issue 18)
    for r in rows:
        r["wave"] = waves.get((r["platform"], r["post_id"]))
    next_url = None
    if len(rows) > PAGE_SIZE:
        next_url = "/antrean?" + urlencode({**{k: v for k, v in filters.items() if v}, "after": encode_cursor(rows[PAGE_SIZE - 1])})
    query_string = urlencode({k: v for k, v in filters.items() if v})
    _, user = who
    waiting = None
    if user["role"] == "supervisor":  # what only a supervisor can move on: second opinions and packages
        waiting = store.query(
            """SELECT count(*) FILTER (WHERE status = 'awaiting_confirmation') AS confirmations,
                      count(*) FILTER (WHERE status = 'confirmed' AND NOT EXISTS (
                          SELECT 1 FROM referrals r WHERE r.platform = qi.platform AND r.post_id = qi.post_id))
                          AS ready
               FROM queue_items qi WHERE status IN ('awaiting_confirmation', 'confirmed')""")[0]
    return render(
        request, "queue.html", _who=who, waiting=waiting, rows=rows[:PAGE_SIZE], total=counts["total"],
        review_overdue_count=counts["overdue"], review_target=target, filters=filters, facets=facets,
        next_url=next_url, first_url="/antrean?" + query_string if after else None, query_string=query_string,
    )


class FacetCache:
    """Regions, platforms, watchlists and election stages for the filter menus, recomputed at most once a minute."""

    def __init__(self, ttl: float = 60.0):
        self.ttl = ttl
        self._value: dict[str, list[str]] | None = None
        self._at = 0.0

    def get(self, store: Store) -> dict[str, list[str]]:
        if self._value is None or time.monotonic() - self._at > self.ttl:
            self._value = {
                "regions": [r["region"] for r in store.query(
                    "SELECT DISTINCT region FROM queue_items WHERE region IS NOT NULL ORDER BY region")],
                "platforms": [r["platform"] for r in store.query(
                    "SELECT DISTINCT platform FROM queue_items ORDER BY 1")],
                "watchlists": [r["watchlist"] for r in store.query(
                    "SELECT DISTINCT watchlist FROM post_watchlists ORDER BY 1")],
                "stages": load_calendar().choices(),  # (key, label) of every stage on the calendar, in time order
            }
            self._at = time.monotonic()
        return self._value


def blind_checks(store: Store, rows: list[dict[str, Any]], user: dict[str, Any]) -> None:
    """The double-check is blind: on a row whose decision waits for a check this user may make (pantau.review's
    `check`), `check_blind` hides the first decision's status (the decider still sees their own)."""
    # By the rows' decision ids (only a decided item can wait for a check): a filter on a number column; by post
    # keys, the same query took 180-350 ms a page at 1M queue items (10M posts), by decision ids 30 ms.
    ids = sorted({r["last_decision_id"] for r in rows if r.get("last_decision_id") is not None})
    pending = {(p["platform"], p["post_id"]): p["decided_by"] for p in store.query(
        f"SELECT platform, post_id, decided_by FROM ({store.PENDING_CHECKS_SQL}) "
        f"WHERE last_decision_id IN ({', '.join('?' for _ in ids)})", ids)} if ids else {}
    for r in rows:
        decided_by = pending.get((r["platform"], r["post_id"]))
        r["check_blind"] = decided_by is not None and review_allowed(
            ItemState(r["status"], decided_by, r["status"], check_pending=True), "check", user["role"],
            user["username"], r["status"])


def _queue_filters(store: Store, status: str, region: str, platform: str, category: str, assignee: str, q: str,
                   watchlist: str = "", stage: str = ""):
    where: list[str] = []
    params: list[Any] = []
    if status == "open" or status not in STATUSES + ("all",):
        where.append("qi.status IN ('new', 'needs_info')")
    elif status != "all":
        where.append("qi.status = ?")
        params.append(status)
    for column, value in (("region", region), ("platform", platform), ("category", category), ("stage", stage)):
        if value:
            where.append(f"qi.{column} = ?")
            params.append(value)
    if assignee == "-":
        where.append("cl.username IS NULL")
    elif assignee:
        where.append("cl.username = ?")
        params.append(assignee)
    if watchlist:
        where.append("(qi.platform, qi.post_id) IN (SELECT (platform, post_id) FROM post_watchlists WHERE watchlist = ?)")
        params.append(watchlist)
    if q.strip():
        cond, cond_params = store.search_condition(q, alias="qi")
        where.append(cond)
        params += cond_params
    return where, params
