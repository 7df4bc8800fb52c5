"""The review state of an item and the four-eyes state machine: the one place that names the statuses, which
transitions exist, which roles may make them, and who may not (the person who made the step before).

    new / needs_info --decide--> awaiting_confirmation (violation) | not_violation | duplicate | needs_info
    awaiting_confirmation --confirm (another supervisor)--> confirmed
    awaiting_confirmation --dispute (another supervisor, own decision)--> not_violation | needs_info
        ("another": none of the round's deciders: a violation a double-check raised needs a third person)
    awaiting_confirmation --decide (only who decided it: revise before the second opinion)--> ...
    not_violation / duplicate --decide--> ... (a violation still needs the second opinion)
    not_violation / needs_info / duplicate, drawn for a double-check (needs_check: PANTAU_DOUBLE_CHECK_RATE of the
        items, by a hash of the item) --check (a second reviewer, not who decided)--> the checker's decision's status
        (agreeing keeps it); until then only who decided may decide again, others record theirs as the check
    confirmed --reopen_request (a supervisor)--> confirmed, request pending
    confirmed --reopen (a second supervisor, not the requester)--> needs_info (back in the queue)
    confirmed --refer (the case is sent to Bawaslu)--> referred; nothing changes a referred item
    awaiting_confirmation / not_violation / duplicate / needs_info --withdraw (only who decided it, within
        PANTAU_UNDO_SECONDS, nothing else happened since)--> the status before that decision ("Batalkan"); only an
        ordinary review decision: never a reopen's needs_info (two supervisors agreed it) nor a second opinion's

The store (pantau.store.db) enforces this inside its write transactions; the triage app shows the refusal in
Bahasa Indonesia and hides the forms a role cannot use (its route x role x state matrix is built from TRANSITIONS).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

DECISIONS = ("violation", "not_violation", "needs_info", "duplicate")
FINAL_DECISIONS = ("violation", "not_violation", "duplicate")
# Decisions a sample of which a second reviewer checks (every violation has its four-eyes confirmation already).
SAMPLED_DECISIONS = ("not_violation", "needs_info", "duplicate")
STATUSES = ("new", "needs_info", "awaiting_confirmation", "confirmed", "not_violation", "duplicate")
OPEN_STATUSES = ("new", "needs_info")
# An item marked needs_info leaves the automatic next-item order for this many hours, unless new information (a note
# or captured evidence) arrives first; it stays in the queue and j/k still reach it.
NEEDS_INFO_PAUSE_HOURS = 24
REFERRED = "referred"
STATES = STATUSES + (REFERRED,)  # a confirmed violation whose referral case was sent is "referred"
ROLES = ("monitor", "reviewer", "supervisor", "analyst", "admin")

# Who must differ from the actor (or be the actor) for a transition: the rule column of TRANSITIONS.
NOT_DECIDER = "not_decider"        # none of the people who made the live decisions of the round being confirmed
ONLY_DECIDER = "only_decider"      # only the person who made the pending decision
NO_REQUEST = "no_request"          # no reopen request is pending
SECOND_SUPERVISOR = "second_supervisor"  # a reopen request is pending and the actor did not make it
SECOND_REVIEWER = "second_reviewer"      # a double-check is pending and the actor did not make the decision
DECIDER_WHILE_CHECK = "decider_while_check"  # while a double-check is pending, only the person who decided


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    roles: frozenset[str]
    target: str | None  # None: the status of the decision given (status_of)
    rule: str = ""


_DECIDERS = frozenset({"reviewer", "supervisor"})
_SUPERVISORS = frozenset({"supervisor"})
TRANSITIONS: tuple[Transition, ...] = (
    Transition("decide", frozenset({"new", "needs_info", "not_violation", "duplicate"}), _DECIDERS, None,
               DECIDER_WHILE_CHECK),
    Transition("decide", frozenset({"awaiting_confirmation"}), _DECIDERS, None, ONLY_DECIDER),
    Transition("confirm", frozenset({"awaiting_confirmation"}), _SUPERVISORS, "confirmed", NOT_DECIDER),
    Transition("dispute", frozenset({"awaiting_confirmation"}), _SUPERVISORS, None, NOT_DECIDER),
    Transition("reopen_request", frozenset({"confirmed"}), _SUPERVISORS, "confirmed", NO_REQUEST),
    Transition("reopen", frozenset({"confirmed"}), _SUPERVISORS, "needs_info", SECOND_SUPERVISOR),
    Transition("refer", frozenset({"confirmed"}), frozenset({"supervisor", "admin"}), REFERRED),
    Transition("check", frozenset(SAMPLED_DECISIONS), _DECIDERS, None, SECOND_REVIEWER),
    # target None: the status before the withdrawn decision, which the store finds (Store.withdraw_decision)
    Transition("withdraw", frozenset({"awaiting_confirmation", "not_violation", "duplicate", "needs_info"}), _DECIDERS,
               None, ONLY_DECIDER),
)
ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))

# Refusal codes (the app words each in Bahasa Indonesia) with their English text.
REFUSALS = {
    "unknown_action": "unknown review action",
    "unknown_decision": f"unknown decision; expected one of {', '.join(DECISIONS)}",
    "role": "this role may not make this change",
    "state": "the item's status does not allow this change",
    "referred": "the item was referred to Bawaslu; its review status no longer changes",
    "confirmed": "the violation is confirmed; reopening it needs two supervisors",
    "own_decision": "a decision cannot be confirmed or disputed by the person who made it",
    "round_decider": "the violation raised by a double-check needs a supervisor who made neither decision",
    "not_decider": "the decision awaits its second opinion; only the person who made it may revise it",
    "same_decision": "disagreeing needs a decision different from the original",
    "dispute_duplicate": "use the item page to mark a duplicate",
    "requested": "a reopen request is pending already; a second supervisor must approve it",
    "same_requester": "the reopen request needs a second supervisor, not the one who asked",
    "no_request": "reopening needs a request by a supervisor first",
    "draft_referral": "a referral package of this item is registered (draft); close that case before reopening",
    "withdraw_late": "the time to withdraw this decision has passed",
    "withdraw_later": "something happened to the item after this decision (a later decision, a second opinion, a note "
                      "or evidence by someone else, another reviewer's claim); it can no longer be withdrawn",
    "withdraw_other": "only the person who made a decision may withdraw it",
    "withdraw_reopen": "a reopen agreed by two supervisors is not a review decision; one of them cannot withdraw it",
    "check_pending": "the decision awaits its double-check by a second reviewer; yours is recorded as that check",
    "no_check": "no double-check is pending for this decision",
}


class ReviewRefused(ValueError):
    """A transition the state machine does not allow; `code` is a key of REFUSALS."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        super().__init__(REFUSALS[code] + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class ItemState:
    status: str                              # one of STATES
    decided_by: str | None = None            # who made the latest decision
    decision: str | None = None              # the latest decision
    reopen_requested_by: str | None = None   # the supervisor of a pending reopen request
    draft_referral: bool = False             # a referral case of the item is still a draft
    check_pending: bool = False              # the latest decision was drawn for a double-check, not checked yet
    # who made the earlier live decisions of the round that the latest one answers (a double-check's checker
    # disagreeing with a violation: the person checked); with decided_by, none of them may confirm or dispute it
    round_deciders: frozenset[str] = frozenset()


def status_of(decision: str | None, agreed: bool | None) -> str:
    """The status of an item from its latest decision and that decision's second opinion (None: none yet).

    The SQL twin is the CASE in pantau.store.queue_items._QUEUE_ITEMS_SELECT (tests/test_review.py compares them)."""
    if decision is None:
        return "new"
    if decision == "violation":
        return "confirmed" if agreed else "awaiting_confirmation"
    return decision


def sample_point(platform: str, post_id: str) -> float:
    """The item's place in [0, 1) for the double-check sample: the first 8 bytes of SHA-256 of `platform/post_id`.
    The same item always gets the same point, so re-runs draw the same items, and a higher rate draws a superset."""
    digest = hashlib.sha256(f"{platform}/{post_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0 ** 64


def needs_check(platform: str, post_id: str, decision: str, rate: float) -> bool:
    """Whether a (first) decision on the item is drawn for a double-check by a second reviewer."""
    return decision in SAMPLED_DECISIONS and sample_point(platform, post_id) < rate


def check(state: ItemState, action: str, role: str, actor: str, decision: str | None = None) -> str:
    """The status the item gets, or ReviewRefused. `decision`: the new decision (decide, dispute)."""
    if action not in ACTIONS:
        raise ReviewRefused("unknown_action", action)
    if action in ("decide", "dispute", "check") and decision not in DECISIONS:
        raise ReviewRefused("unknown_decision", repr(decision))
    found = [t for t in TRANSITIONS if t.action == action and state.status in t.sources]
    if not found:
        if state.status == REFERRED:
            raise ReviewRefused("referred")
        if action == "withdraw":  # no decision to withdraw, or it was confirmed since
            raise ReviewRefused("withdraw_later", f"from {state.status}")
        if state.status == "confirmed" and action in ("decide", "confirm", "dispute"):
            raise ReviewRefused("confirmed")
        raise ReviewRefused("state", f"{action} from {state.status}")
    t = found[0]
    if role not in t.roles:
        raise ReviewRefused("role", f"{role} may not {action}")
    if t.rule == NOT_DECIDER and actor == state.decided_by:
        raise ReviewRefused("own_decision")
    if t.rule == NOT_DECIDER and actor in state.round_deciders:
        raise ReviewRefused("round_decider")
    if t.rule == ONLY_DECIDER and actor != state.decided_by:
        raise ReviewRefused("withdraw_other" if action == "withdraw" else "not_decider")
    if t.rule == NO_REQUEST and state.reopen_requested_by is not None:
        raise ReviewRefused("requested")
    if t.rule == DECIDER_WHILE_CHECK and state.check_pending and actor != state.decided_by:
        raise ReviewRefused("check_pending")
    if t.rule == SECOND_REVIEWER:
        if not state.check_pending:
            raise ReviewRefused("no_check")
        if actor == state.decided_by:
            raise ReviewRefused("own_decision")
    if t.rule == SECOND_SUPERVISOR:
        if state.reopen_requested_by is None:
            raise ReviewRefused("no_request")
        if state.reopen_requested_by == actor:
            raise ReviewRefused("same_requester")
    if action in ("reopen_request", "reopen") and state.draft_referral:
        raise ReviewRefused("draft_referral")
    if action == "dispute":
        if decision == state.decision:
            raise ReviewRefused("same_decision")
        if decision == "duplicate":
            raise ReviewRefused("dispute_duplicate")
    return t.target if t.target is not None else status_of(decision, None)


def allowed(state: ItemState, action: str, role: str, actor: str, decision: str | None = None) -> bool:
    try:
        check(state, action, role, actor, decision)
    except ReviewRefused:
        return False
    return True


def reopen_action(state: ItemState) -> str:
    """A supervisor's "reopen" is a request when none is pending, else the second supervisor's approval."""
    return "reopen_request" if state.reopen_requested_by is None else "reopen"
