"""The double-check list (`GET /periksa-ulang`, route `double_checks`): the items whose latest decision was drawn for a
double-check by a second reviewer (pantau.review.needs_check, PANTAU_DOUBLE_CHECK_RATE) and waits for one, without
the first decision (the check is blind), leaving out the user's own decisions. The check itself is made from the item
page's decision form (triage/decisions.py records it with Store.check_decision)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from pantau.store.db import Store

from .decisions import CLAIM_JOIN
from .deps import Who, allowed, get_store, one_connection, render

router = APIRouter()
LIMIT = 200


@router.get("/periksa-ulang", response_class=HTMLResponse, name="double_checks")
@one_connection
def double_checks(
    request: Request,
    who: Annotated[Who, Depends(allowed("double_checks", post=False))],
    store: Annotated[Store, Depends(get_store)],
):
    _, user = who
    rows = store.query(
        f"""SELECT qi.platform, qi.post_id, qi.snippet, qi.author_handle, qi.region, qi.deadline_at, qi.category,
                   cl.username AS holder
            FROM ({store.PENDING_CHECKS_SQL}) qi {CLAIM_JOIN}
            WHERE qi.decided_by <> ? ORDER BY qi.deadline_at, qi.platform, qi.post_id LIMIT {LIMIT}""",
        [user["username"]])
    total = store.scalar(f"SELECT count(*) FROM ({store.PENDING_CHECKS_SQL}) qi WHERE qi.decided_by <> ?",
                        [user["username"]])
    return render(request, "double_checks.html", _who=who, rows=rows, total=total, limit=LIMIT)
