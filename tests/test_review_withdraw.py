"""Withdrawing a decision just made ("Tersimpan - [Batalkan]", issue 22): only its maker, within the window, before
anything else happened to the item; the item returns to the status before it, the claim to the maker, and nothing is
deleted (a decision_withdrawals row and a decision_withdrawn audit entry)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from pantau import review
from pantau.post import utcnow
from pantau.review import ItemState, ReviewRefused, check
from pantau.triage.app import create_app
from pantau.triage.logic import item_path
from pantau.store.db import StoreError, TransitionRefused
from pantau.store import tokens as store_tokens
from test_triage_helpers import csrf_of, login


@pytest.fixture
def store(seeded_store):
    store, _ = seeded_store
    for name, role in (("rina", "reviewer"), ("budi", "reviewer"), ("sari", "supervisor"), ("dewi", "supervisor")):
        store.add_user(name, "kata-sandi-uji-123", role, actor="test")
    return store


def _status(store, post_id: str) -> str | None:
    return store.scalar("SELECT status FROM queue_items WHERE post_id = ?", [post_id])


def _refused(call) -> str:
    with pytest.raises(TransitionRefused) as exc:
        call()
    return exc.value.code


def test_the_machine_lets_only_the_maker_withdraw():
    for status, decision in (("awaiting_confirmation", "violation"), ("not_violation", "not_violation"),
                             ("duplicate", "duplicate"), ("needs_info", "needs_info")):
        state = ItemState(status, decided_by="a", decision=decision)
        check(state, "withdraw", "reviewer", "a")
        check(state, "withdraw", "supervisor", "a")
        with pytest.raises(ReviewRefused) as exc:
            check(state, "withdraw", "reviewer", "b")
        assert exc.value.code == "withdraw_other"
        with pytest.raises(ReviewRefused) as exc:
            check(state, "withdraw", "analyst", "a")
        assert exc.value.code == "role"
    for status in ("new", "confirmed", "referred"):
        assert not review.allowed(ItemState(status, decided_by="a", decision="violation"), "withdraw", "reviewer", "a")


def test_withdrawing_returns_the_item_to_new_and_keeps_every_row(store):
    d = store.record_decision("demo", "1", "not_violation", reviewer="rina", reason="bukan ASN")
    assert _status(store, "1") == "not_violation"
    assert store.withdraw_decision(d, reviewer="rina") == ("demo", "1")
    assert _status(store, "1") == "new"
    assert store.review_state("demo", "1") == ItemState("new")
    assert store.scalar("SELECT count(*) FROM decisions WHERE post_id = '1'") == 1  # nothing deleted
    assert store.scalar("SELECT withdrawn_by FROM decision_withdrawals WHERE decision_id = ?", [d]) == "rina"
    assert store.scalar("SELECT username FROM claims WHERE post_id = '1'") == "rina"  # the claim back to her
    entry = store.query("SELECT action, target, detail FROM audit_log ORDER BY seq DESC LIMIT 1")[0]
    assert (entry["action"], entry["target"]) == ("decision_withdrawn", "demo/1")
    assert str(d) in entry["detail"]
    assert store.scalar("SELECT count(*) FROM latest_decision WHERE post_id = '1'") == 0
    checked, problems = store.verify_audit()  # the chain holds the withdrawal like any other entry
    assert checked > 0 and problems == []


def test_withdrawing_brings_back_the_decision_before(store):
    first = store.record_decision("demo", "2", "violation", reviewer="rina")
    second = store.record_decision("demo", "2", "not_violation", reviewer="rina")  # revised before the 2nd opinion
    store.withdraw_decision(second, reviewer="rina")
    assert _status(store, "2") == "awaiting_confirmation"
    state = store.review_state("demo", "2")
    assert (state.decided_by, state.decision) == ("rina", "violation")
    store.confirm_decision(first, supervisor="sari", agreed=True)  # the first one is the latest again
    assert _status(store, "2") == "confirmed"
    # a withdrawn decision cannot be withdrawn again, nor confirmed
    assert _refused(lambda: store.withdraw_decision(second, reviewer="rina")) == "withdraw_later"


def test_only_the_maker_and_only_in_time(store):
    d = store.record_decision("demo", "3", "needs_info", reviewer="rina")
    assert _refused(lambda: store.withdraw_decision(d, reviewer="budi")) == "withdraw_other"
    assert _refused(lambda: store.withdraw_decision(d, reviewer="sari")) == "withdraw_other"
    late = utcnow() + timedelta(seconds=61)
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina", now=late)) == "withdraw_late"
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina", window_seconds=5,
                                                    now=utcnow() + timedelta(seconds=6))) == "withdraw_late"
    assert _status(store, "3") == "needs_info"
    store.withdraw_decision(d, reviewer="rina", now=utcnow() + timedelta(seconds=30))
    assert _status(store, "3") == "new"
    with pytest.raises(StoreError, match="no decision"):
        store.withdraw_decision(999999, reviewer="rina")


def test_refused_once_a_supervisor_confirmed_or_something_else_happened(store):
    d = store.record_decision("demo", "0", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina")) == "withdraw_later"
    assert _status(store, "0") == "confirmed"

    d = store.record_decision("demo", "1", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=False, decision="not_violation")
    dispute = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = '1'")
    # neither the disputed decision nor the supervisor's own (made as a second opinion) can be withdrawn
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina")) == "withdraw_later"
    assert _refused(lambda: store.withdraw_decision(dispute, reviewer="sari")) == "withdraw_later"

    d = store.record_decision("demo", "2", "needs_info", reviewer="rina")
    store.add_note("demo", "2", "budi", "saya cek profilnya")  # someone else's note after it
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina")) == "withdraw_later"

    d = store.record_decision("demo", "3", "needs_info", reviewer="rina")
    store.add_note("demo", "3", "rina", "catatan saya sendiri")  # her own note does not block it
    assert store.claim("demo", "3", "budi") == "budi"  # another reviewer opened it since
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina")) == "withdraw_later"

    d = store.record_decision("demo", "4", "not_violation", reviewer="rina")
    store.record_decision("demo", "4", "needs_info", reviewer="budi")  # a later decision
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina")) == "withdraw_later"
    assert store.scalar("SELECT count(*) FROM decision_withdrawals") == 0


def test_batalkan_over_http(store):
    app = create_app(store.path, secret=b"undo")
    with TestClient(app) as rina, TestClient(app) as budi:
        login(rina, "rina")
        login(budi, "budi")
        page = rina.get(item_path("demo", "1"))
        token = csrf_of(page.text)
        r = rina.post(item_path("demo", "1", "keputusan"), data={"decision": "not_violation", "csrf_token": token,
                                                                  "seen": ""}, follow_redirects=True)
        assert 'id="undo"' in r.text and "Batalkan" in r.text
        d = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = '1'")
        assert f'name="decision_id" value="{d}"' in r.text
        # another reviewer's Batalkan (a forged form) is refused in Indonesian and changes nothing
        r = budi.post(item_path("demo", "1", "batalkan"), data={"decision_id": str(d),
                                                                "csrf_token": csrf_of(budi.get("/antrean").text)})
        assert r.status_code == 409 and "Hanya orang yang membuat keputusan ini" in r.text
        # a decision of another item is not withdrawn through this one
        r = rina.post(item_path("demo", "2", "batalkan"), data={"decision_id": str(d), "csrf_token": token})
        assert r.status_code == 404
        r = rina.post(item_path("demo", "1", "batalkan"), data={"decision_id": str(d), "csrf_token": "x"})
        assert r.status_code == 403
        assert _status(store, "1") == "not_violation"
        r = rina.post(item_path("demo", "1", "batalkan"), data={"decision_id": str(d), "csrf_token": token},
                      follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == item_path("demo", "1") + "?dibatalkan=1"
        page = rina.get(r.headers["location"])
        assert 'id="withdrawn"' in page.text and 'id="decision-form"' in page.text
        assert "dibatalkan" in page.text  # the history keeps the withdrawn decision, marked
        assert _status(store, "1") == "new"
        # deciding again from this page works (its `seen` is the live decision: none)
        r = rina.post(item_path("demo", "1", "keputusan"), data={"decision": "needs_info", "csrf_token": token,
                                                                  "seen": ""}, follow_redirects=False)
        assert r.status_code == 303 and _status(store, "1") == "needs_info"


def test_a_withdrawn_decision_is_no_review_in_the_figures_nor_the_export(store, tmp_path):
    """The SLA and throughput views read live decisions; the analyst export carries the withdrawals (pseudonymised)."""
    from pantau.store.analyst import export

    d = store.record_decision("demo", "1", "not_violation", reviewer="rina")
    reviewed = "SELECT sum(reviewed) FROM v_review_sla WHERE grain = 'day'"
    assert store.scalar(reviewed) == 1
    assert store.scalar("SELECT sum(decisions) FROM v_reviewer_throughput") == 1
    store.withdraw_decision(d, reviewer="rina")
    assert store.scalar(reviewed) == 0  # the item is not reviewed: it is new again
    assert (store.scalar("SELECT sum(decisions) FROM v_reviewer_throughput") or 0) == 0
    export(store.path, tmp_path / "out", "csv", pseudonymise=True, salt="garam-rahasia-yang-panjang-sekali-123",
           actor="analis")
    rows = (tmp_path / "out" / "decision_withdrawals.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and str(d) in rows[1] and "rina" not in rows[1]  # the row, the reviewer pseudonymised


def test_a_two_supervisor_reopen_is_not_withdrawn_by_one_of_them(store):
    """Review finding 2: Batalkan withdraws an ordinary review decision only; the needs_info decision a reopen
    appends was agreed by two supervisors, so one of them cannot undo it (the item stays reopened)."""
    d = store.record_decision("demo", "0", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    assert store.reopen("demo", "0", supervisor="sari", reason="bukti baru") == "reopen_request"
    assert store.reopen("demo", "0", supervisor="dewi", reason="setuju dibuka") == "reopen"
    reopened = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = '0'")
    assert _status(store, "0") == "needs_info"
    assert _refused(lambda: store.withdraw_decision(reopened, reviewer="dewi")) == "withdraw_reopen"
    assert _status(store, "0") == "needs_info"
    assert store.scalar("SELECT count(*) FROM decision_withdrawals") == 0
    # an ordinary decision after the reopen is withdrawn as usual
    after = store.record_decision("demo", "0", "not_violation", reviewer="rina")
    store.withdraw_decision(after, reviewer="rina")
    assert _status(store, "0") == "needs_info"


def test_a_two_supervisor_reopen_is_not_withdrawn_over_http(store):
    d = store.record_decision("demo", "1", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    store.reopen("demo", "1", supervisor="sari", reason="bukti baru")
    store.reopen("demo", "1", supervisor="dewi", reason="setuju dibuka")
    reopened = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = '1'")
    app = create_app(store.path, secret=b"undo-reopen")
    with TestClient(app) as dewi:
        login(dewi, "dewi")
        token = csrf_of(dewi.get(item_path("demo", "1")).text)
        r = dewi.post(item_path("demo", "1", "batalkan"), data={"decision_id": str(reopened), "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 409
    assert "dua supervisor" in r.text
    assert _status(store, "1") == "needs_info"


def test_a_withdrawn_decision_is_marked_among_the_authors_decisions(store):
    """Review finding 4: the item page lists the author's decisions on other posts; a withdrawn one is marked
    (struck through, "dibatalkan"), not shown as if it counted."""
    d = store.record_decision("demo", "3", "not_violation", reviewer="rina")  # posts 0 and 3: the same author
    store.withdraw_decision(d, reviewer="rina")
    store.record_decision("demo", "3", "needs_info", reviewer="rina")
    app = create_app(store.path, secret=b"author-decisions")
    with TestClient(app) as budi:
        login(budi, "budi")
        page = budi.get(item_path("demo", "0")).text
    earlier = page.split("Keputusan terdahulu atas akun ini", 1)[1].split("</ul>", 1)[0]
    items = earlier.split("<li")[1:]
    assert len(items) == 2
    withdrawn = [i for i in items if "Bukan pelanggaran" in i]
    live = [i for i in items if "Perlu informasi" in i]
    assert len(withdrawn) == 1 and len(live) == 1
    assert "<s>" in withdrawn[0] and "dibatalkan" in withdrawn[0]
    assert "<s>" not in live[0] and "dibatalkan" not in live[0]


def _capture(store, post_id: str, username: str, sha: str, when) -> None:
    store.record_evidence([{"platform": "demo", "post_id": post_id, "kind": "png", "status": "ok", "sha256": sha,
                            "path": f"{sha}.png", "size": 10, "url": "https://example.org/p", "http_status": None,
                            "captured_at": when, "error": None}])
    store_tokens.record_capture(store, {
        "capture_id": f"c-{sha}", "token_id": None, "username": username, "source": "page", "platform": "demo",
        "post_id": post_id, "page_url": "https://example.org/p", "captured_at": when, "received_at": when,
        "screenshot_sha256": sha, "snapshot_sha256": None})


def test_evidence_by_someone_else_blocks_the_withdrawal_the_deciders_own_does_not(store):
    """Review finding 5: the rule agrees with its message ("a note or evidence by someone else"): evidence the
    decider captured after deciding does not block Batalkan; evidence by anyone else (or a capture flow) does."""
    d = store.record_decision("demo", "4", "needs_info", reviewer="rina")
    _capture(store, "4", "rina", "a" * 64, utcnow() + timedelta(seconds=1))
    store.withdraw_decision(d, reviewer="rina", now=utcnow() + timedelta(seconds=2))
    assert store.review_state("demo", "4").status == "new"

    d = store.record_decision("demo", "5", "needs_info", reviewer="rina")
    _capture(store, "5", "budi", "b" * 64, utcnow() + timedelta(seconds=1))
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina", now=utcnow() + timedelta(seconds=2))) == \
        "withdraw_later"
    d = store.record_decision("demo", "2", "needs_info", reviewer="rina")
    store.record_evidence([{"platform": "demo", "post_id": "2", "kind": "html", "status": "ok", "sha256": "c" * 64,
                            "path": "c.html", "size": 10, "url": "https://example.org/p", "http_status": 200,
                            "captured_at": utcnow() + timedelta(seconds=1), "error": None}])  # the capture flow
    assert _refused(lambda: store.withdraw_decision(d, reviewer="rina", now=utcnow() + timedelta(seconds=2))) == \
        "withdraw_later"
