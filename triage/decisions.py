"""Decisions, four-eyes confirmation and reopening in the triage app: one APIRouter for the page group, the refusals of
the review state machine (pantau.review) in Bahasa Indonesia, and the route -> review action part of the role matrix.

Routes (roles in ROUTE_ROLES of pantau.triage.app; the item state decides the rest, see ROUTE_ACTIONS):

* `POST /pos/{platform}/{post_id}/keputusan` (`decide`): a reviewer's decision, then the next open item; on a
  decision drawn for a double-check (pantau.review), another reviewer's decision is recorded as that check
  (`Store.check_decision`), then the next item waiting for one;
* `GET /konfirmasi` (`confirmations`): decisions awaiting a second opinion, and the recent disputes;
* `POST /konfirmasi/{decision_id}` (`confirm`): agree (`confirm`) or disagree with an own decision (`dispute`);
* `POST /pos/{platform}/{post_id}/batalkan` (`withdraw`): "Batalkan" right after a save: the decision just made is
  withdrawn (only by its maker, within PANTAU_UNDO_SECONDS, before anything else happened), the item goes back to
  the status before it and its claim to the maker;
* `POST /pos/{platform}/{post_id}/buka-kembali` (`reopen`): a confirmed violation is reopened by two supervisors:
  the first call is the request, a second supervisor's call reopens it (back in the queue as needs_info).

The store enforces every transition; the app only words the refusal (HTTP 409) and hides forms that would be refused.
Dependencies come through Depends (triage/deps.py): `get_store`, and `allowed(route)` (login, role, CSRF).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pantau import review
from pantau.categories import DECISION_LABELS
from pantau.review import DECISIONS
from pantau.store.db import ClaimConflict, Store, StoreError, TransitionRefused

from .deps import Who, allowed, get_store, one_connection
from .logic import item_path

# The review actions a route can make (the state machine says from which states, by which role and by whom).
ROUTE_ACTIONS: dict[str, tuple[str, ...]] = {
    "decide": ("decide", "check"),  # on a decision drawn for a double-check, another reviewer's decision is the check
    "confirm": ("confirm", "dispute"),
    "reopen": ("reopen_request", "reopen"),
    "referral_status": ("refer",),  # only the move to `sent` (the case leaves for Bawaslu) is the `refer` action
    "withdraw": ("withdraw",),
}

# Every refusal of pantau.review in Bahasa Indonesia (tests check that each code has one).
REFUSAL_MESSAGES = {
    "unknown_action": "Tindakan tidak dikenal.",
    "unknown_decision": "Pilih salah satu keputusan.",
    "role": "Peran Anda tidak boleh melakukan perubahan ini.",
    "state": "Status pos ini tidak memungkinkan perubahan ini.",
    "referred": "Pos ini sudah dirujuk ke Bawaslu; status tinjauannya tidak dapat diubah lagi.",
    "confirmed": ("Pelanggaran ini sudah dikonfirmasi dua orang dan tidak dapat diubah oleh satu orang. Untuk "
                  "membukanya kembali perlu dua supervisor (Buka kembali di halaman pos)."),
    "own_decision": ("Keputusan tidak dapat dikonfirmasi atau dibantah oleh orang yang membuatnya "
                     "(prinsip empat mata)."),
    "round_decider": ("Pelanggaran yang diajukan lewat periksa ulang harus dikonfirmasi supervisor yang tidak membuat "
                      "kedua keputusan itu (prinsip empat mata)."),
    "not_decider": ("Keputusan ini menunggu konfirmasi supervisor; sebelum dikonfirmasi hanya pembuatnya yang boleh "
                    "mengubahnya."),
    "same_decision": "Jika tidak setuju, pilih keputusan yang berbeda dari keputusan semula.",
    "dispute_duplicate": "Tandai duplikat dari halaman pos.",
    "requested": "Permintaan membuka kembali sudah ada; supervisor kedua harus menyetujuinya.",
    "same_requester": "Permintaan membuka kembali harus disetujui supervisor lain, bukan yang memintanya.",
    "no_request": "Membuka kembali perlu permintaan seorang supervisor terlebih dahulu.",
    "draft_referral": "Pos ini punya paket rujukan berstatus draf; tutup kasus itu dulu sebelum membuka kembali.",
    "withdraw_late": ("Waktu untuk membatalkan keputusan ini sudah lewat. Buka pos itu dan ubah keputusannya bila "
                      "masih diizinkan."),
    "withdraw_later": ("Keputusan ini tidak dapat dibatalkan lagi: sudah ada langkah lain pada pos ini setelahnya "
                       "(keputusan atau pendapat kedua, catatan atau bukti dari orang lain, atau peninjau lain sedang "
                       "membukanya)."),
    "withdraw_other": "Hanya orang yang membuat keputusan ini yang dapat membatalkannya.",
    "withdraw_reopen": ("Membuka kembali pelanggaran yang sudah disetujui dua supervisor tidak dapat dibatalkan oleh "
                        "satu orang. Putuskan ulang pos ini seperti biasa."),
    "check_pending": ("Keputusan ini terpilih untuk diperiksa ulang oleh peninjau kedua; keputusan Anda dicatat "
                      "sebagai pemeriksaan itu."),
    "no_check": "Keputusan ini tidak sedang menunggu pemeriksaan ulang.",
}

SAVED_COOKIE = "pantau_tersimpan"
CLAIM_JOIN = "LEFT JOIN claims cl ON cl.platform = qi.platform AND cl.post_id = qi.post_id AND cl.expires_at > now()"


def refusal(exc: TransitionRefused | review.ReviewRefused) -> HTTPException:
    return HTTPException(status_code=409, detail=REFUSAL_MESSAGES.get(exc.code, str(exc)))


def item_review(state: review.ItemState, user: dict[str, Any], holder: str | None) -> dict[str, Any]:
    """What the item page offers this user, as the state machine allows it (the store checks again on submit)."""
    role, name = user["role"], user["username"]
    reopen = review.reopen_action(state)
    can_check = review.allowed(state, "check", role, name, "needs_info")
    return {
        "state": state,
        "can_decide": holder == name and (review.allowed(state, "decide", role, name, "needs_info") or can_check),
        "can_check": can_check,  # the decision form records a double-check: the first decision stays hidden
        "can_confirm": review.allowed(state, "confirm", role, name),
        "can_reopen": review.allowed(state, reopen, role, name),
        "reopen_action": reopen,
    }


router = APIRouter()


@router.post("/pos/{platform}/{post_id:post_id}/keputusan", name="decide")
@one_connection
def decide(
    request: Request,
    platform: str,
    post_id: str,
    who: Annotated[Who, Depends(allowed("decide"))],
    store: Annotated[Store, Depends(get_store)],
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    duplicate_of: Annotated[str, Form(max_length=200)] = "",
    asn_identity: Annotated[str, Form()] = "",
    partisan_act: Annotated[str, Form()] = "",
    election_period: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
    seen: Annotated[str | None, Form(max_length=20)] = None,
):
    """Decision, checklist, reason and note are saved together. `seen` (the item page's form carries it) is the item's
    last decision when the page was shown: a form sent again (browser Back, a double submit) or overtaken by someone
    else's decision adds nothing."""
    _, user = who
    checklist = {"asn_identity": bool(asn_identity), "partisan_act": bool(partisan_act),
                 "election_period": bool(election_period)}
    if decision not in DECISIONS:
        raise HTTPException(status_code=400, detail=REFUSAL_MESSAGES["unknown_decision"])
    duplicate_of = duplicate_target(store, platform, duplicate_of) if decision == "duplicate" else ""
    last = last_decision(store, platform, post_id)
    state = store.review_state(platform, post_id)
    checking = review.allowed(state, "check", user["role"], user["username"], decision)
    repeat = not checking and last is not None and (
        (last["reviewer"] == user["username"] and last["decision"] == decision
         and (last["reason"] or "") == reason.strip()
         and review.allowed(state, "decide", user["role"], user["username"], decision))  # else the store refuses
        or (last["decision"] in review.SAMPLED_DECISIONS and last["checked_by"] == user["username"]
            and last["checked_as"] == decision))  # this user's double-check, sent again
    if seen is not None and last is not None and str(last["decision_id"]) != seen and not repeat:
        raise HTTPException(status_code=409, detail=(
            f"Pos ini sudah diputuskan ({DECISION_LABELS[last['decision']]}, oleh {last['reviewer']}) sejak "
            "halaman ini dibuka. Muat ulang halaman pos untuk melihat keputusan terakhir."))
    decision_id = None
    try:
        if checking:  # a decision drawn for a double-check: this second reviewer's decision is the check
            store.check_decision(last["decision_id"], checker=user["username"], role=user["role"], decision=decision,
                                 reason=reason.strip() or None, duplicate_of=duplicate_of or None)
            if any(checklist.values()):
                store.add_note(platform, post_id, user["username"], None, checklist)
        elif not repeat:  # the same person's same decision and reason again (Back + send, a double click): kept once
            decision_id = store.record_decision(
                platform, post_id, decision, reviewer=user["username"], role=user["role"],
                reason=reason.strip() or None, duplicate_of=duplicate_of or None, checklist=checklist,
            )
        if note.strip() and not (repeat and last_note_body(store, platform, post_id, user["username"]) == note.strip()):
            store.add_note(platform, post_id, user["username"], note.strip())
    except ClaimConflict as exc:
        raise HTTPException(status_code=409, detail=f"Pos ini sedang ditinjau oleh {exc.holder}.") from None
    except TransitionRefused as exc:
        raise refusal(exc) from None
    except StoreError as exc:
        raise HTTPException(status_code=400, detail=f"Keputusan tidak tersimpan: {exc}") from None
    after = (next_check(store, platform, post_id, user["username"]) if checking else None) \
        or next_open_item(store, platform, post_id, user["username"])
    response = RedirectResponse(after, status_code=303)
    # "Tersimpan: ... [Batalkan]" on the next page, once (the item page reads and clears it); `id`: the decision
    # recorded now (none when the form was a repeat), which Batalkan withdraws
    saved = {"pos": f"{platform}/{post_id}", "keputusan": decision, **({"id": decision_id} if decision_id else {})}
    response.set_cookie(SAVED_COOKIE, urlencode(saved), max_age=60,
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/pos/{platform}/{post_id:post_id}/batalkan", name="withdraw")
@one_connection
def withdraw(
    platform: str,
    post_id: str,
    who: Annotated[Who, Depends(allowed("withdraw"))],
    store: Annotated[Store, Depends(get_store)],
    decision_id: Annotated[int, Form()],
):
    """Batalkan: withdraw the decision just made on this item; back to the item, claimed by its reviewer again."""
    _, user = who
    found = store.query("SELECT platform, post_id FROM decisions WHERE decision_id = ?", [decision_id])
    if not found or (found[0]["platform"], found[0]["post_id"]) != (platform, post_id):
        raise HTTPException(status_code=404, detail="Keputusan itu tidak ditemukan pada pos ini.")
    try:
        store.withdraw_decision(decision_id, reviewer=user["username"], role=user["role"])
    except TransitionRefused as exc:
        raise refusal(exc) from None
    except StoreError as exc:
        raise HTTPException(status_code=400, detail=f"Keputusan tidak dibatalkan: {exc}") from None
    return RedirectResponse(item_path(platform, post_id) + "?dibatalkan=1", status_code=303)


@router.get("/konfirmasi", response_class=HTMLResponse, name="confirmations")
@one_connection
def confirmations(
    request: Request,
    who: Annotated[Who, Depends(allowed("confirmations", post=False))],
    store: Annotated[Store, Depends(get_store)],
):
    rows = store.query(
        """SELECT qi.platform, qi.post_id, qi.snippet, qi.author_handle, qi.deadline_at, qi.score, qi.category,
                  d.decision_id, d.reviewer, d.reason, d.decided_at
           FROM queue_items qi JOIN decisions d ON d.decision_id = qi.last_decision_id
           WHERE qi.status = 'awaiting_confirmation' ORDER BY qi.deadline_at LIMIT 200"""
    )
    disputes = store.query(
        """SELECT d.platform, d.post_id, d.decision, d.reviewer, f.decision AS second_decision, f.supervisor,
                  f.reason, f.confirmed_at
           FROM confirmations f JOIN decisions d USING (decision_id)
           WHERE NOT f.agreed ORDER BY f.confirmed_at DESC LIMIT 50"""
    )
    reopen = store.query(
        """SELECT platform, post_id, requested_by, reason, requested_at FROM reopen_requests
           WHERE approved_by IS NULL ORDER BY requested_at DESC LIMIT 50"""
    )
    return request.app.state.render(request, "confirmations.html", _who=who, rows=rows, disputes=disputes,
                                    reopen_requests=reopen)


@router.post("/konfirmasi/{decision_id}", name="confirm")
@one_connection
def confirm(
    request: Request,
    decision_id: int,
    who: Annotated[Who, Depends(allowed("confirm"))],
    store: Annotated[Store, Depends(get_store)],
    agree: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
):
    _, user = who
    try:
        store.confirm_decision(
            decision_id, supervisor=user["username"], role=user["role"], agreed=agree == "1",
            decision=decision or None, reason=reason.strip() or None,
        )
    except TransitionRefused as exc:
        raise refusal(exc) from None
    except StoreError as exc:
        raise HTTPException(status_code=400, detail=f"Konfirmasi tidak tersimpan: {exc}") from None
    return RedirectResponse("/konfirmasi", status_code=303)


@router.post("/pos/{platform}/{post_id:post_id}/buka-kembali", name="reopen")
@one_connection
def reopen(
    request: Request,
    platform: str,
    post_id: str,
    who: Annotated[Who, Depends(allowed("reopen"))],
    store: Annotated[Store, Depends(get_store)],
    reason: Annotated[str, Form(max_length=2000)] = "",
):
    _, user = who
    if not reason.strip():
        raise HTTPException(status_code=400, detail="Tuliskan alasan membuka kembali pelanggaran yang dikonfirmasi.")
    try:
        done = store.reopen(platform, post_id, supervisor=user["username"], role=user["role"], reason=reason)
    except TransitionRefused as exc:
        raise refusal(exc) from None
    except StoreError as exc:
        raise HTTPException(status_code=400, detail=f"Tidak dibuka kembali: {exc}") from None
    notice = "diminta" if done == "reopen_request" else "dibuka"
    return RedirectResponse(item_path(platform, post_id) + f"?buka_kembali={notice}#buka-kembali", status_code=303)


def next_open_item(store: Store, platform: str, post_id: str, username: str) -> str:
    """The first open item in queue order that nobody else is working on; an item waiting for information is left out
    for NEEDS_INFO_PAUSE_HOURS after its decision unless someone else's note or new evidence arrived since."""
    rows = store.query(
        f"""SELECT qi.platform, qi.post_id FROM queue_items qi {CLAIM_JOIN}
            LEFT JOIN decisions d ON d.decision_id = qi.last_decision_id
            WHERE qi.status IN ('new', 'needs_info') AND NOT (qi.platform = ? AND qi.post_id = ?)
              AND (cl.username IS NULL OR cl.username = ?)
              AND NOT (qi.status = 'needs_info' AND d.decided_at > now() - to_hours(?)
                       AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.platform = qi.platform
                                       AND n.post_id = qi.post_id AND n.created_at > d.decided_at
                                       AND n.username <> d.reviewer)
                       AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.platform = qi.platform
                                       AND e.post_id = qi.post_id AND e.captured_at > d.decided_at))
            ORDER BY qi.deadline_at ASC, qi.score DESC, qi.platform, qi.post_id LIMIT 1""",
        [platform, post_id, username, review.NEEDS_INFO_PAUSE_HOURS],
    )
    return item_path(rows[0]["platform"], rows[0]["post_id"]) if rows else "/antrean"


def next_check(store: Store, platform: str, post_id: str, username: str) -> str | None:
    """The next item waiting for its double-check that this user did not decide and nobody else is working on."""
    rows = store.query(
        f"""SELECT qi.platform, qi.post_id FROM ({store.PENDING_CHECKS_SQL}) qi {CLAIM_JOIN}
            WHERE qi.decided_by <> ? AND NOT (qi.platform = ? AND qi.post_id = ?)
              AND (cl.username IS NULL OR cl.username = ?)
            ORDER BY qi.deadline_at, qi.platform, qi.post_id LIMIT 1""", [username, platform, post_id, username])
    return item_path(rows[0]["platform"], rows[0]["post_id"]) if rows else None


def last_decision(store: Store, platform: str, post_id: str) -> dict[str, Any] | None:
    """The item's latest decision that counts, with who double-checked it (`checked_by`, `checked_as`) if anyone."""
    rows = store.query(
        """SELECT d.decision_id, d.decision, d.reviewer, d.reason, f.supervisor AS checked_by,
                  f.decision AS checked_as
           FROM live_decisions d LEFT JOIN confirmations f USING (decision_id)
           WHERE d.platform = ? AND d.post_id = ? ORDER BY d.decision_id DESC LIMIT 1""", [platform, post_id])
    return rows[0] if rows else None


def last_note_body(store: Store, platform: str, post_id: str, username: str) -> str | None:
    rows = store.query(
        """SELECT body FROM notes WHERE platform = ? AND post_id = ? AND username = ? AND body IS NOT NULL
           ORDER BY note_id DESC LIMIT 1""", [platform, post_id, username])
    return rows[0]["body"] if rows else None


def duplicate_target(store: Store, platform: str, target: str) -> str:
    """A duplicate names the post it repeats: `platform/post_id`, or a post_id of the same platform, or the address of
    its item page; it must be a stored post. Returns it as `platform/post_id`."""
    target = target.strip()
    if not target:
        raise HTTPException(status_code=400, detail=(
            "Keputusan Duplikat perlu pos aslinya: isi kolom \"Duplikat dari\" dengan platform/ID pos "
            "(misalnya x/1234567890) atau alamat halaman pos itu."))
    path = urlsplit(target).path if "://" in target else target
    path = path.removeprefix("/pos/").strip("/")
    candidates = [tuple(path.split("/", 1))] if "/" in path else []
    candidates.append((platform, path))
    for cand_platform, cand_id in candidates:
        if store.scalar("SELECT count(*) FROM posts WHERE post_id = ? AND platform = ?", [cand_id, cand_platform]):
            return f"{cand_platform}/{cand_id}"
    raise HTTPException(status_code=400, detail=(
        f"Pos \"{target}\" tidak ditemukan. Isi \"Duplikat dari\" dengan platform/ID pos yang sudah tersimpan "
        "(misalnya x/1234567890)."))
