"""Review: decisions, second opinions (four eyes), reopening and notes, each in one transaction with its audit
entry (claims: store/claims.py). The rules (who may do what in which state) live in pantau.review; this module stores their moves."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from pantau import review, settings
from pantau.post import utcnow
from pantau.review import DECISIONS, ItemState, ReviewRefused

from .audit_log import _append_audit
from .connection import StoreError
from .claims import ClaimConflict, _claim_holder, _put_claim
from .queue_items import PENDING_CHECKS_SQL, _refresh_one, _refresh_queue_items

class TransitionRefused(StoreError):
    """The review state machine (pantau.review) refuses the change; `code` is a key of review.REFUSALS."""

    def __init__(self, refused: ReviewRefused):
        super().__init__(str(refused))
        self.code = refused.code


class Review:
    """Decisions and notes (a part of `Store`)."""

    PENDING_CHECKS_SQL = PENDING_CHECKS_SQL

    def record_decision(
        self,
        platform: str,
        post_id: str,
        decision: str,
        *,
        reviewer: str,
        role: str | None = None,
        reason: str | None = None,
        duplicate_of: str | None = None,
        checklist: dict[str, bool] | None = None,
        double_check_rate: float | None = None,
        now: datetime | None = None,
    ) -> int:
        """Append a reviewer decision (with its legal-element checklist, if given) and return its id.

        A not_violation / needs_info / duplicate decision is drawn for a double-check by a second reviewer when
        pantau.review.needs_check says so at `double_check_rate` (default PANTAU_DOUBLE_CHECK_RATE); while that check
        is pending only the reviewer may decide again, and others record theirs with `check_decision`.

        The move must be allowed by the review state machine (pantau.review: TransitionRefused otherwise) for the
        reviewer's role: the account's role, else `role` (default reviewer, for scripts without accounts). Refuses
        (ClaimConflict) when another reviewer holds an unexpired claim on the item."""
        if decision not in DECISIONS:
            raise StoreError(f"unknown decision {decision!r}; expected one of {', '.join(DECISIONS)}")
        if not reviewer or not reviewer.strip():
            raise StoreError("a decision needs a reviewer")
        if decision == "duplicate" and not duplicate_of:
            raise StoreError("a 'duplicate' decision needs duplicate_of")
        now = now or utcnow()
        reviewer = reviewer.strip()
        with self.transaction() as con:
            exists = con.execute(
                "SELECT count(*) FROM posts WHERE platform = ? AND post_id = ?", [platform, post_id]
            ).fetchone()[0]
            if not exists:
                raise StoreError(f"no post {platform}/{post_id}")
            _check_review(con, platform, post_id, "decide", _actor_role(con, reviewer, role, "reviewer"), reviewer,
                          decision)
            holder = _claim_holder(con, platform, post_id, now)
            if holder is not None and holder != reviewer:
                raise ClaimConflict(holder)
            decision_id = _insert_decision(con, platform, post_id, decision, reason, duplicate_of, reviewer, now)
            rate = settings.double_check_rate() if double_check_rate is None else double_check_rate
            if review.needs_check(platform, post_id, decision, rate):
                con.execute("INSERT INTO double_checks VALUES (?, ?, ?)", [decision_id, rate, now])
            if checklist is not None:
                _insert_note(con, platform, post_id, reviewer, None, checklist, now)
            con.execute("DELETE FROM claims WHERE platform = ? AND post_id = ?", [platform, post_id])
            _refresh_one(con, platform, post_id)
            _append_audit(
                con, reviewer, "decision", f"{platform}/{post_id}",
                {"decision_id": decision_id, "decision": decision, "reason": reason, "duplicate_of": duplicate_of,
                 "checklist": checklist},
                now,
            )
        return decision_id

    def confirm_decision(
        self,
        decision_id: int,
        *,
        supervisor: str,
        agreed: bool,
        role: str | None = None,
        decision: str | None = None,
        reason: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Four-eyes: a second person agrees with a "violation" decision awaiting confirmation, or not.

        Agreeing makes it "confirmed". Disagreeing needs the supervisor's own `decision`, which is appended as a new
        decision by the supervisor (so the disagreement stays visible in the history). The state machine
        (pantau.review) checks the role (the account's, else `role`, default supervisor) and that the supervisor
        did not make the decision.
        """
        now = now or utcnow()
        with self.transaction() as con:
            row = con.execute(
                "SELECT platform, post_id, decision, reviewer FROM decisions WHERE decision_id = ?", [decision_id]
            ).fetchone()
            if row is None:
                raise StoreError(f"no decision {decision_id}")
            platform, post_id, original, reviewer = row
            label = original if agreed else decision
            _check_review(con, platform, post_id, "confirm" if agreed else "dispute",
                          _actor_role(con, supervisor, role, "supervisor"), supervisor, label)
            if con.execute("SELECT count(*) FROM confirmations WHERE decision_id = ?", [decision_id]).fetchone()[0]:
                raise StoreError(f"decision {decision_id} already has a second opinion")
            latest = _latest_decision_id(con, platform, post_id)
            if latest != decision_id:
                raise StoreError(f"decision {decision_id} is no longer the latest for {platform}/{post_id}")
            con.execute(
                "INSERT INTO confirmations VALUES (?, ?, ?, ?, ?, ?)",
                [decision_id, supervisor, agreed, label, reason, now],
            )
            if not agreed:
                _insert_decision(con, platform, post_id, label, reason, None, supervisor, now)
            _refresh_one(con, platform, post_id)
            _append_audit(
                con, supervisor, "confirmation", f"{platform}/{post_id}",
                {"decision_id": decision_id, "agreed": agreed, "decision": label, "reason": reason}, now,
            )

    def check_decision(self, decision_id: int, *, checker: str, decision: str, role: str | None = None,
                       reason: str | None = None, duplicate_of: str | None = None,
                       now: datetime | None = None) -> bool:
        """The double-check of a sampled decision: a second reviewer's own `decision` (pantau.review's `check`: not
        the person who decided; the account's role, else `role`, default reviewer). Stored as a `confirmations` row
        (agreed when the decisions are the same), so the agreement figures hold every decision type; a different
        decision is appended as the checker's (a violation then waits for a supervisor's confirmation). Audited as
        `double_check`. Returns whether the two agreed."""
        if decision == "duplicate" and not duplicate_of:
            raise StoreError("a 'duplicate' decision needs duplicate_of")
        now = now or utcnow()
        checker = (checker or "").strip()
        with self.transaction() as con:
            row = con.execute("SELECT platform, post_id, decision FROM decisions WHERE decision_id = ?",
                              [decision_id]).fetchone()
            if row is None:
                raise StoreError(f"no decision {decision_id}")
            platform, post_id, original = row
            if _latest_decision_id(con, platform, post_id) != decision_id:
                raise StoreError(f"decision {decision_id} is no longer the latest for {platform}/{post_id}")
            _check_review(con, platform, post_id, "check", _actor_role(con, checker, role, "reviewer"), checker,
                          decision)
            holder = _claim_holder(con, platform, post_id, now)
            if holder is not None and holder != checker:
                raise ClaimConflict(holder)
            agreed = decision == original
            con.execute("INSERT INTO confirmations VALUES (?, ?, ?, ?, ?, ?)",
                        [decision_id, checker, agreed, decision, reason, now])
            if not agreed:
                _insert_decision(con, platform, post_id, decision, reason, duplicate_of, checker, now)
            con.execute("DELETE FROM claims WHERE platform = ? AND post_id = ?", [platform, post_id])
            _refresh_one(con, platform, post_id)
            _append_audit(con, checker, "double_check", f"{platform}/{post_id}",
                          {"decision_id": decision_id, "agreed": agreed, "decision": decision, "reason": reason,
                           "duplicate_of": duplicate_of}, now)
        return agreed

    def reopen(self, platform: str, post_id: str, *, supervisor: str, reason: str, role: str | None = None,
               now: datetime | None = None) -> str:
        """Reopen a confirmed violation: needs two supervisors. The first call records a request (returns
        "reopen_request"); a second supervisor's call reopens the item (returns "reopen"): a `needs_info` decision by
        them puts it back in the queue. Both steps are audited; a referred item is never reopened."""
        reason = (reason or "").strip()
        if not reason:
            raise StoreError("reopening a confirmed violation needs a reason")
        now = now or utcnow()
        with self.transaction() as con:
            state = _review_state(con, platform, post_id)
            action = review.reopen_action(state)
            _check_review(con, platform, post_id, action, _actor_role(con, supervisor, role, "supervisor"),
                          supervisor, state=state)
            target = f"{platform}/{post_id}"
            decision_id = _latest_decision_id(con, platform, post_id)
            if action == "reopen_request":
                con.execute("""INSERT INTO reopen_requests (platform, post_id, decision_id, requested_by, reason,
                               requested_at) VALUES (?, ?, ?, ?, ?, ?)""",
                            [platform, post_id, decision_id, supervisor, reason, now])
                _append_audit(con, supervisor, "reopen_request", target,
                              {"decision_id": decision_id, "reason": reason}, now)
            else:
                new_id = _insert_decision(con, platform, post_id, "needs_info", reason, None, supervisor, now)
                con.execute("""UPDATE reopen_requests SET approved_by = ?, approved_at = ?, approval_reason = ?
                               WHERE platform = ? AND post_id = ? AND decision_id = ? AND approved_by IS NULL""",
                            [supervisor, now, reason, platform, post_id, decision_id])
                _refresh_one(con, platform, post_id)
                _append_audit(con, supervisor, "reopen", target,
                              {"decision_id": decision_id, "requested_by": state.reopen_requested_by,
                               "new_decision_id": new_id, "reason": reason}, now)
        return action

    def withdraw_decision(self, decision_id: int, *, reviewer: str, role: str | None = None,
                          window_seconds: int | None = None, now: datetime | None = None) -> tuple[str, str]:
        """Withdraw a decision just made ("Batalkan"): only an ordinary review decision (not the needs_info of a
        two-supervisor reopen, not a second opinion's), only by the person who made it (pantau.review's `withdraw`),
        within `window_seconds` (default PANTAU_UNDO_SECONDS), while it is still the item's latest decision and
        nothing else happened to the item since (a second opinion, a note or evidence by someone else, another
        reviewer's claim). Nothing is deleted: a decision_withdrawals row makes the decision not count, so the item
        returns to the status before it; the claim returns to the reviewer; audited as `decision_withdrawn`.
        Returns the item's (platform, post_id)."""
        window = settings.undo_seconds() if window_seconds is None else window_seconds
        now = now or utcnow()
        reviewer = (reviewer or "").strip()
        with self.transaction() as con:
            row = con.execute(
                """SELECT platform, post_id, decision, reviewer, decided_at,
                          decision_id IN (SELECT decision_id FROM decision_withdrawals)
                   FROM decisions WHERE decision_id = ?""", [decision_id]).fetchone()
            if row is None:
                raise StoreError(f"no decision {decision_id}")
            platform, post_id, decision, decided_by, decided_at, withdrawn = row
            if decided_by != reviewer:
                raise TransitionRefused(ReviewRefused("withdraw_other"))
            if withdrawn or _latest_decision_id(con, platform, post_id) != decision_id:
                raise TransitionRefused(ReviewRefused("withdraw_later", "not the latest decision"))
            if now - decided_at > timedelta(seconds=window):
                raise TransitionRefused(ReviewRefused("withdraw_late", f"{window} s"))
            _check_review(con, platform, post_id, "withdraw", _actor_role(con, reviewer, role, "reviewer"), reviewer)
            if con.execute(  # the needs_info a reopen appended: two supervisors agreed it, one cannot undo it
                    """SELECT count(*) FROM reopen_requests WHERE platform = $p AND post_id = $i
                       AND approved_by IS NOT NULL AND decision_id = (
                           SELECT max(decision_id) FROM live_decisions WHERE platform = $p AND post_id = $i
                           AND decision_id < $d)""", {"p": platform, "i": post_id, "d": decision_id}).fetchone()[0]:
                raise TransitionRefused(ReviewRefused("withdraw_reopen"))
            later = con.execute(
                """SELECT (SELECT count(*) FROM confirmations f JOIN decisions d USING (decision_id)
                           WHERE d.platform = $p AND d.post_id = $i AND f.confirmed_at >= $t)
                        + (SELECT count(*) FROM notes WHERE platform = $p AND post_id = $i AND created_at > $t
                           AND username <> $u)
                        + (SELECT count(*) FROM evidence e WHERE platform = $p AND post_id = $i AND captured_at > $t
                           AND NOT EXISTS (SELECT 1 FROM captures c WHERE c.platform = $p AND c.post_id = $i
                               AND c.username = $u AND e.sha256 IN (c.screenshot_sha256, c.snapshot_sha256)))
                        + (SELECT count(*) FROM claims WHERE platform = $p AND post_id = $i AND expires_at > $now
                           AND username <> $u)""",
                {"p": platform, "i": post_id, "t": decided_at, "u": reviewer, "now": now}).fetchone()[0]
            # the decider's own capture (captures: the same file, by them) is no news to them; any other evidence is
            if later:  # a second opinion on or by it (a dispute's decision), someone else's note, evidence or claim
                raise TransitionRefused(ReviewRefused("withdraw_later"))
            con.execute("INSERT INTO decision_withdrawals VALUES (?, ?, ?)", [decision_id, reviewer, now])
            _put_claim(con, platform, post_id, reviewer, now)
            _refresh_one(con, platform, post_id)
            _append_audit(con, reviewer, "decision_withdrawn", f"{platform}/{post_id}",
                          {"decision_id": decision_id, "decision": decision}, now)
        return platform, post_id

    def review_state(self, platform: str, post_id: str) -> ItemState:
        """The item's state for pantau.review (status, who decided, pending reopen request, draft referral)."""
        with self.connect(read_only=True) as con:
            return _review_state(con, platform, post_id)

    def add_note(
        self, platform: str, post_id: str, username: str, body: str | None, checklist: dict[str, bool] | None = None
    ) -> int:
        if not (body and body.strip()) and not checklist:
            raise StoreError("an empty note")
        now = utcnow()
        with self.transaction() as con:
            if not con.execute(
                "SELECT count(*) FROM posts WHERE platform = ? AND post_id = ?", [platform, post_id]
            ).fetchone()[0]:
                raise StoreError(f"no post {platform}/{post_id}")
            note_id = _insert_note(con, platform, post_id, username, body, checklist, now)
            _append_audit(con, username, "note", f"{platform}/{post_id}", {"note_id": note_id}, now)
        return note_id

    def rebuild_queue_items(self) -> int:
        """Recompute queue_items from posts, classifications, decisions and confirmations (e.g. after a bulk load)."""
        with self.transaction() as con:
            _refresh_queue_items(con, None)
            return int(con.execute("SELECT count(*) FROM queue_items").fetchone()[0])

# -- helpers that run inside a caller's transaction --------------------------------------------


def _actor_role(con, actor: str, role: str | None, default: str) -> str:
    """The role an actor acts in: an account's own role, whatever the caller says; without an account (scripts,
    tests, the CLI working on the file directly) the caller's `role`, else `default`."""
    row = con.execute("SELECT role FROM users WHERE username = ?", [actor]).fetchone()
    return row[0] if row is not None else (role or default)


def _latest_decision_id(con, platform: str, post_id: str) -> int | None:
    """The item's latest decision that counts (a withdrawn one does not)."""
    return con.execute("SELECT max(decision_id) FROM live_decisions WHERE platform = ? AND post_id = ?",
                       [platform, post_id]).fetchone()[0]


def _review_state(con, platform: str, post_id: str) -> ItemState:
    latest = con.execute(
        """SELECT d.decision_id, d.decision, d.reviewer, f.agreed FROM live_decisions d
           LEFT JOIN confirmations f USING (decision_id)
           WHERE d.platform = ? AND d.post_id = ? ORDER BY d.decision_id DESC LIMIT 1""", [platform, post_id]
    ).fetchone()
    decision_id, decision, decided_by, agreed = latest if latest else (None, None, None, None)
    status = review.status_of(decision, agreed)
    sent, draft = con.execute(
        """SELECT count(*) FILTER (WHERE sent_at IS NOT NULL), count(*) FILTER (WHERE status = 'draft')
           FROM referrals WHERE platform = ? AND post_id = ?""", [platform, post_id]
    ).fetchone()
    if status == "confirmed" and sent:
        status = review.REFERRED
    pending = con.execute(
        """SELECT requested_by FROM reopen_requests WHERE platform = ? AND post_id = ? AND decision_id = ?
           AND approved_by IS NULL ORDER BY request_id LIMIT 1""", [platform, post_id, decision_id]
    ).fetchone() if decision_id is not None else None
    check_pending = bool(
        decision in review.SAMPLED_DECISIONS and agreed is None
        and con.execute("SELECT count(*) FROM double_checks WHERE decision_id = ?", [decision_id]).fetchone()[0])
    return ItemState(status=status, decided_by=decided_by, decision=decision,
                     reopen_requested_by=pending[0] if pending else None, draft_referral=bool(draft),
                     check_pending=check_pending,
                     round_deciders=_round_deciders(con, platform, post_id, decision_id, decided_by)
                     if status == "awaiting_confirmation" else frozenset())


def _round_deciders(con, platform: str, post_id: str, decision_id: int, decided_by: str) -> frozenset[str]:
    """Who made the earlier live decisions that the latest one answers: walking back while the decision before was
    disagreed with (a double-check or a dispute) by the maker of the one after it, whose decision that was."""
    found: set[str] = set()
    while True:
        row = con.execute(
            """SELECT d.reviewer FROM live_decisions d JOIN confirmations f USING (decision_id)
               WHERE d.decision_id = (SELECT max(decision_id) FROM live_decisions
                                      WHERE platform = ? AND post_id = ? AND decision_id < ?)
               AND NOT f.agreed AND f.supervisor = ?""", [platform, post_id, decision_id, decided_by]).fetchone()
        if row is None or row[0] == decided_by or row[0] in found:
            return frozenset(found)
        found.add(row[0])
        decision_id = con.execute(
            "SELECT max(decision_id) FROM live_decisions WHERE platform = ? AND post_id = ? AND decision_id < ?",
            [platform, post_id, decision_id]).fetchone()[0]
        decided_by = row[0]


def _check_review(con, platform: str, post_id: str, action: str, role: str, actor: str, decision: str | None = None,
                  *, state: ItemState | None = None) -> str:
    try:
        return review.check(state or _review_state(con, platform, post_id), action, role, actor, decision)
    except ReviewRefused as exc:
        raise TransitionRefused(exc) from None


def _insert_decision(con, platform, post_id, decision, reason, duplicate_of, reviewer, now) -> int:
    row = con.execute(
        """INSERT INTO decisions (platform, post_id, decision, reason, duplicate_of, reviewer, decided_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING decision_id""",
        [platform, post_id, decision, reason, duplicate_of, reviewer, now],
    ).fetchone()
    return int(row[0])


def _insert_note(con, platform, post_id, username, body, checklist, now) -> int:
    row = con.execute(
        """INSERT INTO notes (platform, post_id, username, body, checklist, created_at)
        VALUES (?, ?, ?, ?, ?, ?) RETURNING note_id""",
        [platform, post_id, username, (body or "").strip() or None,
         json.dumps(checklist, sort_keys=True) if checklist is not None else None, now],
    ).fetchone()
    return int(row[0])
