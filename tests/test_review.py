"""The review state machine (pantau.review) and its enforcement by the store (issue 21 item 2: four eyes could be
undone by one person)."""

from __future__ import annotations

import pytest

from conftest import make_post, result
from pantau import review
from pantau.review import ItemState, ReviewRefused, check
from pantau.store.db import Store, StoreError, TransitionRefused


def refused(state: ItemState, action: str, role: str, actor: str, decision: str | None = None) -> str:
    with pytest.raises(ReviewRefused) as exc:
        check(state, action, role, actor, decision)
    return exc.value.code


def test_the_machine_by_hand():
    new = ItemState("new")
    assert check(new, "decide", "reviewer", "a", "violation") == "awaiting_confirmation"
    assert check(new, "decide", "supervisor", "a", "not_violation") == "not_violation"
    assert refused(new, "decide", "analyst", "x", "violation") == "role"
    assert refused(new, "decide", "reviewer", "a", "maybe") == "unknown_decision"
    waiting = ItemState("awaiting_confirmation", decided_by="a", decision="violation")
    assert check(waiting, "confirm", "supervisor", "b") == "confirmed"
    assert refused(waiting, "confirm", "supervisor", "a") == "own_decision"
    assert refused(waiting, "confirm", "reviewer", "c") == "role"
    assert check(waiting, "dispute", "supervisor", "b", "not_violation") == "not_violation"
    assert refused(waiting, "dispute", "supervisor", "b", "violation") == "same_decision"
    assert refused(waiting, "dispute", "supervisor", "b", "duplicate") == "dispute_duplicate"
    assert check(waiting, "decide", "reviewer", "a", "not_violation") == "not_violation"  # revise own, unconfirmed
    assert refused(waiting, "decide", "reviewer", "c", "not_violation") == "not_decider"
    confirmed = ItemState("confirmed", decided_by="a", decision="violation")
    for role, actor in (("reviewer", "c"), ("reviewer", "a"), ("supervisor", "b"), ("supervisor", "d")):
        assert refused(confirmed, "decide", role, actor, "not_violation") == "confirmed"
    assert refused(confirmed, "confirm", "supervisor", "d") == "confirmed"
    assert check(confirmed, "reopen_request", "supervisor", "b") == "confirmed"
    assert refused(confirmed, "reopen_request", "reviewer", "c") == "role"
    assert refused(confirmed, "reopen", "supervisor", "b") == "no_request"
    asked = ItemState("confirmed", decided_by="a", decision="violation", reopen_requested_by="b")
    assert refused(asked, "reopen", "supervisor", "b") == "same_requester"
    assert refused(asked, "reopen_request", "supervisor", "d") == "requested"
    assert check(asked, "reopen", "supervisor", "d") == "needs_info"
    assert refused(ItemState("confirmed", reopen_requested_by="b", draft_referral=True), "reopen", "supervisor",
                   "d") == "draft_referral"
    assert check(confirmed, "refer", "admin", "z") == "referred"
    referred = ItemState("referred", decided_by="a", decision="violation")
    for action, role in (("decide", "reviewer"), ("confirm", "supervisor"), ("reopen_request", "supervisor"),
                         ("reopen", "supervisor"), ("refer", "supervisor")):
        assert refused(referred, action, role, "q", "not_violation") == "referred"
    closed = ItemState("not_violation", decided_by="a", decision="not_violation")
    assert check(closed, "decide", "reviewer", "c", "violation") == "awaiting_confirmation"  # still four eyes
    assert refused(closed, "confirm", "supervisor", "b") == "state"


def test_every_refusal_has_an_indonesian_message():
    from pantau.triage.decisions import REFUSAL_MESSAGES

    assert set(REFUSAL_MESSAGES) == set(review.REFUSALS)


def test_status_of_matches_the_queue_sql(tmp_path):
    """status_of and the CASE that fills queue_items.status say the same for every decision/second opinion."""
    store = Store(tmp_path / "twin.duckdb")
    cases = [(d, agreed) for d in (None,) + review.DECISIONS for agreed in (None, True, False)
             if not (d is None and agreed is not None)]
    posts = [make_post(i) for i in range(len(cases))]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    with store.connect() as con:
        for i, (decision, agreed) in enumerate(cases):
            if decision is None:
                continue
            con.execute("INSERT INTO decisions VALUES (?, 'demo', ?, ?, NULL, 'x', 'r', now())",
                        [1000 + i, str(i), decision])
            if agreed is not None:
                con.execute("INSERT INTO confirmations VALUES (?, 's', ?, ?, NULL, now())", [1000 + i, agreed, decision])
    store.rebuild_queue_items()
    got = {r["post_id"]: r["status"] for r in store.query("SELECT post_id, status FROM queue_items")}
    for i, (decision, agreed) in enumerate(cases):
        assert got[str(i)] == review.status_of(decision, agreed), (decision, agreed)


@pytest.fixture
def store(seeded_store):
    store, _ = seeded_store
    for name, role in (("rina", "reviewer"), ("budi", "reviewer"), ("sari", "supervisor"), ("dewi", "supervisor"),
                       ("adi", "admin")):
        store.add_user(name, "kata-sandi-uji-123", role, actor="test")
    return store


def _status(store, post_id: str) -> str:
    return store.scalar("SELECT status FROM queue_items WHERE post_id = ?", [post_id])


def test_one_reviewer_cannot_undo_a_confirmed_violation(store):
    d = store.record_decision("demo", "1", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    for who in ("budi", "rina", "sari", "dewi"):
        with pytest.raises(TransitionRefused) as exc:
            store.record_decision("demo", "1", "not_violation", reviewer=who)
        assert exc.value.code == "confirmed"
    assert _status(store, "1") == "confirmed"
    assert store.scalar("SELECT count(*) FROM decisions WHERE post_id = '1'") == 1
    # an account acts in its own role, whatever the caller claims
    with pytest.raises(TransitionRefused, match="role"):
        store.reopen("demo", "1", supervisor="budi", role="supervisor", reason="klaim palsu")


def test_nor_after_the_referral_was_sent(store):
    d = store.record_decision("demo", "2", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    rid = store.register_referral("demo", "2", package="p.zip", package_dir="d", package_sha256="a" * 64,
                                  manifest_sha256="b" * 64, office=None, built_by="sari")
    store.set_referral_status(rid, "sent", actor="sari")
    assert store.review_state("demo", "2").status == "referred"
    with pytest.raises(TransitionRefused) as exc:
        store.record_decision("demo", "2", "not_violation", reviewer="budi")
    assert exc.value.code == "referred"
    for sup in ("dewi", "sari"):
        with pytest.raises(TransitionRefused, match="referred"):
            store.reopen("demo", "2", supervisor=sup, reason="salah orang")
    assert _status(store, "2") == "confirmed"


def test_reopening_needs_two_supervisors_and_is_audited(store):
    d = store.record_decision("demo", "3", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    with pytest.raises(StoreError, match="reason"):
        store.reopen("demo", "3", supervisor="sari", reason=" ")
    assert store.reopen("demo", "3", supervisor="sari", reason="akun ternyata bukan ASN") == "reopen_request"
    assert _status(store, "3") == "confirmed"  # one supervisor alone changes nothing
    with pytest.raises(TransitionRefused) as exc:
        store.reopen("demo", "3", supervisor="sari", reason="lagi")
    assert exc.value.code == "same_requester"
    assert store.reopen("demo", "3", supervisor="dewi", reason="setuju, bukti baru") == "reopen"
    assert _status(store, "3") == "needs_info"
    row = store.query("SELECT requested_by, approved_by FROM reopen_requests")[0]
    assert row == {"requested_by": "sari", "approved_by": "dewi"}
    actions = [r["action"] for r in store.query("SELECT action FROM audit_log ORDER BY seq")]
    assert actions[-2:] == ["reopen_request", "reopen"]
    assert store.verify_audit()[1] == []
    # back in the queue: a new decision goes through four eyes again
    d2 = store.record_decision("demo", "3", "violation", reviewer="dewi")
    with pytest.raises(TransitionRefused, match="person who made it"):
        store.confirm_decision(d2, supervisor="dewi", agreed=True)
    with pytest.raises(TransitionRefused, match="role"):  # budi's account is a reviewer's, whatever the caller says
        store.confirm_decision(d2, supervisor="budi", role="supervisor", agreed=True)
    store.confirm_decision(d2, supervisor="sari", agreed=True)
    assert _status(store, "3") == "confirmed"


def test_a_pending_decision_is_revised_only_by_its_maker(store):
    store.record_decision("demo", "0", "violation", reviewer="rina")
    with pytest.raises(TransitionRefused, match="only the person who made it"):
        store.record_decision("demo", "0", "not_violation", reviewer="budi")
    store.record_decision("demo", "0", "needs_info", reviewer="rina")
    assert _status(store, "0") == "needs_info"
