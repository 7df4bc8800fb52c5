"""One item (page group "pos"): the post with its highlighted signals, evidence, intake details, decisions, notes,
the author's other flagged posts, the referral panel and the neighbours in queue order (j/k); releasing a claim and
adding a note. Deciding is in triage/decisions.py."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pantau import review
from pantau.calendar import load_calendar, post_time
from pantau.post import MEDIA_LABELS, sha256_hex
from pantau.referral.evidence import evidence_summary
from pantau.review import DECISIONS
from pantau.settings import undo_shown_seconds
from pantau.store.cluster_reads import post_wave
from pantau.store.db import Store, StoreError

from .decisions import SAVED_COOKIE, item_review
from .deps import Who, allowed, get_store, one_connection, render
from .intake import intake_details
from .logic import group_signals, highlight_segments, item_path, suggested_reasons
from .queue import blind_checks
from .referrals import referral_panel
from .roles import ROUTE_ROLES

router = APIRouter()

# The item page's keyboard (triage/static/triage.js reads the keys from the page): 1-4 decide, i/t/m tick the legal
# elements (identitas, tindakan, masa).
DECISION_KEYS = {code: str(i + 1) for i, code in enumerate(DECISIONS)}
CHECKLIST_KEYS = {"asn_identity": "i", "partisan_act": "t", "election_period": "m"}


@router.get("/pos/{platform}/{post_id:post_id}", response_class=HTMLResponse, name="item")
@one_connection
def item(
    request: Request,
    who: Annotated[Who, Depends(allowed("item", post=False))],
    store: Annotated[Store, Depends(get_store)],
    platform: str, post_id: str, back: str = "", buka_kembali: str = "", dibatalkan: str = ""):
    session, user = who
    # Point lookups: filter on post_id alone first (an ART index scan), then on platform.
    rows = store.query(
        """WITH p AS MATERIALIZED (SELECT * FROM posts WHERE post_id = ?)
           SELECT p.*, reporting_deadline(p.captured_at) AS deadline_at,
                  epoch_us(reporting_deadline(p.captured_at)) AS deadline_us FROM p WHERE p.platform = ?""",
        [post_id, platform],
    )
    if not rows:
        raise HTTPException(status_code=404, detail="Pos tidak ditemukan.")
    post = rows[0]
    # issue 16: a share's original (shown as "dibagikan oleh ... dari ...") and the attachments, JSON columns
    for key in ("shared_from", "media"):
        post[key] = json.loads(post[key]) if post.get(key) else None
    shared = post["shared_from"]
    if shared and isinstance(shared.get("created_at"), str):
        try:
            shared["created_at"] = datetime.fromisoformat(shared["created_at"].replace("Z", "+00:00"))
        except ValueError:
            pass  # shown as stored
    latest = store.query(
        """WITH c AS MATERIALIZED (SELECT * FROM classifications WHERE post_id = ?)
           SELECT score, flagged, category, signals, model_version, classified_at FROM c WHERE platform = ?
           ORDER BY classified_at DESC, model_version DESC LIMIT 1""",
        [post_id, platform],
    )
    post.update(latest[0] if latest else
                dict.fromkeys(("score", "flagged", "category", "signals", "model_version", "classified_at")))
    # every payload of the post, read once: the one the post was parsed from (its hash is checked below) and
    # the manual submissions (intake_details)
    raw_rows = store.query(
        """WITH r AS MATERIALIZED (SELECT * FROM raw_payloads WHERE post_id = ?)
           SELECT raw_sha256, raw FROM r WHERE platform = ?""",
        [post_id, platform],
    )
    raw = next((r["raw"] for r in raw_rows if r["raw_sha256"] == post["raw_sha256"]), None)
    # claim the item only when the state machine would take this user's decision on it
    review_state = store.review_state(platform, post_id)
    may_decide = any(review.allowed(review_state, action, user["role"], user["username"], "needs_info")
                     for action in ("decide", "check"))
    holder = store.open_item(platform, post_id, user["username"], claim=may_decide)
    signals = json.loads(post["signals"]) if post.get("signals") else []
    evidence = {
        "stored": raw is not None,
        "hash_ok": raw is not None and sha256_hex(raw) == post["raw_sha256"],
    }
    decisions = store.query(
        """SELECT d.*, f.supervisor, f.agreed, f.decision AS second_decision, f.reason AS second_reason,
                  f.confirmed_at, w.withdrawn_at
           FROM decisions d LEFT JOIN confirmations f USING (decision_id)
           LEFT JOIN decision_withdrawals w USING (decision_id)
           WHERE d.platform = ? AND d.post_id = ? ORDER BY d.decision_id DESC""",
        [platform, post_id],
    )
    # This item's queue state and the author's other flagged posts (index scans on post_id and author_id).
    cols = "platform, post_id, snippet, score, category, status, deadline_at, last_decision_id, captured_at"
    related = store.query(
        f"WITH q AS MATERIALIZED (SELECT * FROM queue_items WHERE post_id = ?) SELECT {cols} FROM q WHERE platform = ?",
        [post_id, platform],
    )
    if post.get("author_id"):
        related += store.query(
            f"""WITH q AS MATERIALIZED (SELECT * FROM queue_items WHERE author_id = ?)
                SELECT {cols} FROM q WHERE platform = ? AND post_id <> ? ORDER BY captured_at DESC""",
            [post["author_id"], platform, post_id],
        )
    state = [r for r in related if r["post_id"] == post_id]
    other_posts = [r for r in related if r["post_id"] != post_id][:20]
    blind_checks(store, other_posts, user)  # the double-check is blind on the author's other posts too
    author_decisions = []
    if other_posts:
        author_decisions = store.query(
            """SELECT d.post_id, d.decision, d.reviewer, d.decided_at, d.reason, w.withdrawn_at FROM decisions d
               LEFT JOIN decision_withdrawals w USING (decision_id)
               WHERE d.platform = ? AND list_contains(?, d.post_id) ORDER BY d.decision_id DESC LIMIT 20""",
            [platform, [r["post_id"] for r in related if r["post_id"] != post_id]],
        )
        blind = {r["post_id"] for r in other_posts if r["check_blind"]}
        author_decisions = [d for d in author_decisions if d["post_id"] not in blind]
    notes = store.query(
        "SELECT * FROM notes WHERE platform = ? AND post_id = ? ORDER BY note_id DESC", [platform, post_id]
    )
    for n in notes:
        n["checklist"] = json.loads(n["checklist"]) if n["checklist"] else None
    offered = item_review(review_state, user, holder)
    hidden_notes = 0
    if offered["can_check"]:  # the check is blind: the decider's notes (their checklist, reasons) wait for it
        hidden_notes = sum(n["username"] == review_state.decided_by for n in notes)
        notes = [n for n in notes if n["username"] != review_state.decided_by]
    neighbours = _neighbours(store, platform, post_id, post["deadline_us"], post.get("score"))
    groups = group_signals(signals)
    # The election stage of the post's time in its region: shown, and it ticks the checklist's timing element.
    stage = load_calendar().stage_at(post_time(post.get("created_at"), post.get("captured_at")), post.get("region"))
    response = render(
        request, "item.html", _who=who, post=post, decisions=decisions, decision_codes=DECISIONS,
        text_segments=highlight_segments(post["text"], signals, "text"),
        bio_segments=highlight_segments(post.get("author_bio") or "", signals, "bio"),
        signal_groups=groups, evidence=evidence, other_posts=other_posts, author_decisions=author_decisions,
        media_labels=MEDIA_LABELS,
        intake=intake_details(store, platform, post_id, user["role"], raw_rows=raw_rows),
        evidence_capture=evidence_summary(store, platform, post_id),
        referral=referral_panel(store, platform, post_id, user["role"], state[0]["status"] if state else None,
                                ROUTE_ROLES),
        notes=notes, holder=holder, item_status=state[0]["status"] if state else None,
        review=offered, hidden_notes=hidden_notes, reopen_notice=buka_kembali,
        can_note=user["role"] in ROUTE_ROLES["note"],
        seen=next((str(d["decision_id"]) for d in decisions if d["withdrawn_at"] is None), ""),
        live_decision=next((d for d in decisions if d["withdrawn_at"] is None), None),
        withdrawn_notice=dibatalkan == "1", undo_seconds=undo_shown_seconds(),
        suggested=suggested_reasons(groups, post.get("category")),
        saved=_saved_notice(request.cookies.get(SAVED_COOKIE, "")),
        next_item=neighbours["next"], prev_item=neighbours["prev"], stage=stage,
        wave=post_wave(store, platform, post_id),
    )
    response.delete_cookie(SAVED_COOKIE)
    return response


def _saved_notice(cookie: str) -> dict[str, Any] | None:
    """The decision just saved (cookie set by the decide route), for "Tersimpan: ... [Batalkan]"."""
    values = dict(parse_qsl(cookie))
    target, decision = values.get("pos", ""), values.get("keputusan", "")
    if "/" not in target or decision not in DECISIONS:
        return None
    platform, post_id = target.split("/", 1)
    decision_id = values.get("id", "")
    return {"path": item_path(platform, post_id), "label": target, "decision": decision,
            "decision_id": int(decision_id) if decision_id.isdigit() else None,
            "withdraw": item_path(platform, post_id, "batalkan")}


@router.post("/pos/{platform}/{post_id:post_id}/lepas", name="release")
@one_connection
def release(
    request: Request,
    who: Annotated[Who, Depends(allowed("release"))],
    store: Annotated[Store, Depends(get_store)],
    platform: str, post_id: str):
    _, user = who
    store.release(platform, post_id, user["username"])
    return RedirectResponse("/antrean", status_code=303)


@router.post("/pos/{platform}/{post_id:post_id}/catatan", name="note")
@one_connection
def note(
    request: Request,
    who: Annotated[Who, Depends(allowed("note"))],
    store: Annotated[Store, Depends(get_store)],
    platform: str,
    post_id: str,
    body: Annotated[str, Form(max_length=4000)] = "",
):
    _, user = who
    try:
        store.add_note(platform, post_id, user["username"], body)
    except StoreError as exc:
        raise HTTPException(status_code=400, detail=f"Catatan tidak tersimpan: {exc}") from None
    return RedirectResponse(item_path(platform, post_id) + "#catatan", status_code=303)


NEIGHBOUR_WINDOW_US = 6 * 3600 * 1_000_000  # 6 hours of deadlines either side


def _neighbours(store: Store, platform: str, post_id: str, deadline_us: int, score: float | None) -> dict:
    """The open items just before and after this one in queue order (for j/k on the item page).

    Queue order is (deadline_at, -score, platform, post_id). The neighbours have this item's deadline (ties) or the
    nearest earlier/later one, so one scan finds those two deadlines and the few items due exactly then; the order
    among them is settled here. Deadlines are compared as epoch microseconds: DuckDB returns a deadline after year
    9999 as text, which Python cannot order against datetimes."""
    if score is None or deadline_us is None:
        return {"next": None, "prev": None}
    sql = """WITH open AS (SELECT platform, post_id, epoch_us(deadline_at) AS d, score FROM queue_items
                             WHERE status IN ('new', 'needs_info') {near}),
                    near AS (SELECT min(d) FILTER (WHERE d > $d) AS later, max(d) FILTER (WHERE d < $d) AS earlier
                             FROM open)
               SELECT open.* FROM open, near WHERE open.d = $d OR open.d = near.later OR open.d = near.earlier"""
    # First the items due within NEIGHBOUR_WINDOW_US of this one (a range the scan skips row groups by: 8 ms where the
    # whole queue took 79 ms at 1M items); when that range lacks an item before or after this one, the whole queue.
    window = "AND deadline_at BETWEEN make_timestamptz($d - $w) AND make_timestamptz($d + $w)"
    rows = store.query(sql.format(near=window), {"d": deadline_us, "w": NEIGHBOUR_WINDOW_US})
    if not (any(r["d"] > deadline_us for r in rows) and any(r["d"] < deadline_us for r in rows)):
        rows = store.query(sql.format(near=""), {"d": deadline_us})
    key = lambda r: (r["d"], -r["score"], r["platform"], r["post_id"])  # noqa: E731
    me = (deadline_us, -score, platform, post_id)
    after = min((r for r in rows if key(r) > me), key=key, default=None)
    before = max((r for r in rows if key(r) < me), key=key, default=None)
    link = lambda r: item_path(r["platform"], r["post_id"]) if r else None  # noqa: E731
    return {"next": link(after), "prev": link(before)}
