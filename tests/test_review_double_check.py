"""Double-checking a sample of every decision type (issue 22), so that the agreement page's kappa means something.

A not_violation / needs_info / duplicate decision is drawn for a double-check when its item's hash falls below
PANTAU_DOUBLE_CHECK_RATE (deterministic: re-runs draw the same items). A second reviewer (not the one who decided)
records their own decision as the check; the pair goes to `confirmations` like a four-eyes second opinion. Violations
keep their four-eyes confirmation by a supervisor, unchanged."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau import review
from pantau.review import ItemState, ReviewRefused, check
from pantau.settings import double_check_rate
from pantau.store.db import Store, TransitionRefused
from pantau.triage.app import create_app
from pantau.triage.logic import agreement, item_path
from test_triage_helpers import add_users, csrf_of, login


def refused(state: ItemState, action: str, role: str, actor: str, decision: str | None = None) -> str:
    with pytest.raises(ReviewRefused) as exc:
        check(state, action, role, actor, decision)
    return exc.value.code


def test_the_machine_by_hand():
    for status in ("not_violation", "needs_info", "duplicate"):
        pending = ItemState(status, decided_by="a", decision=status, check_pending=True)
        assert check(pending, "check", "reviewer", "b", status) == status          # agrees: status kept
        assert check(pending, "check", "supervisor", "b", "violation") == "awaiting_confirmation"  # still 4 eyes
        assert refused(pending, "check", "reviewer", "a", status) == "own_decision"  # not by who decided
        assert refused(pending, "check", "analyst", "b", status) == "role"
        assert refused(pending, "check", "monitor", "b", status) == "role"
        assert refused(pending, "check", "reviewer", "b", "maybe") == "unknown_decision"
        # while the check is pending, others record theirs as the check; the maker may still revise
        assert refused(pending, "decide", "reviewer", "b", "violation") == "check_pending"
        assert check(pending, "decide", "reviewer", "a", "violation") == "awaiting_confirmation"
        done = ItemState(status, decided_by="a", decision=status)
        assert refused(done, "check", "reviewer", "b", status) == "no_check"
        assert check(done, "decide", "reviewer", "b", "violation") == "awaiting_confirmation"
    waiting = ItemState("awaiting_confirmation", decided_by="a", decision="violation")
    assert refused(waiting, "check", "reviewer", "b", "violation") == "state"  # violations: four eyes, as before
    assert refused(ItemState("new"), "check", "reviewer", "b", "violation") == "state"


def test_the_sample_is_deterministic_and_near_the_rate():
    keys = [("demo", str(i)) for i in range(4000)]
    drawn = [k for k in keys if review.needs_check(*k, "not_violation", 0.1)]
    assert drawn == [k for k in keys if review.needs_check(*k, "not_violation", 0.1)]  # re-runs agree
    p = len(drawn) / len(keys)
    assert abs(p - 0.1) < 4 * math.sqrt(0.1 * 0.9 / len(keys)), p  # a fair draw (4 standard errors)
    assert set(drawn) <= {k for k in keys if review.needs_check(*k, "needs_info", 0.2)}  # nested as the rate grows
    for decision in ("not_violation", "needs_info", "duplicate"):
        assert all(review.needs_check(*k, decision, 1.0) for k in keys[:50])
        assert not any(review.needs_check(*k, decision, 0.0) for k in keys[:50])
    assert not any(review.needs_check(*k, "violation", 1.0) for k in keys[:50])  # four eyes check every one already


def test_the_rate_setting():
    assert double_check_rate({}) == 0.1
    assert double_check_rate({"PANTAU_DOUBLE_CHECK_RATE": "0.25"}) == 0.25
    assert double_check_rate({"PANTAU_DOUBLE_CHECK_RATE": "0"}) == 0.0
    for bad in ("1.5", "-0.1", "sepuluh", "nan"):
        with pytest.raises(ValueError, match="PANTAU_DOUBLE_CHECK_RATE"):
            double_check_rate({"PANTAU_DOUBLE_CHECK_RATE": bad})


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "checks.duckdb")
    posts = [make_post(i) for i in range(40)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, ("rina", "reviewer"), ("budi", "reviewer"), ("sari", "supervisor"), ("dewi", "supervisor"),
              ("ana", "analyst"))
    return store


def _pending_sql(store) -> set[str]:
    return {r["post_id"] for r in store.query(f"SELECT post_id FROM ({store.PENDING_CHECKS_SQL})")}


def test_store_draws_records_and_checks(store):
    sampled = [str(i) for i in range(40) if review.needs_check("demo", str(i), "not_violation", 0.3)]
    other = [str(i) for i in range(40) if str(i) not in sampled]
    assert len(sampled) >= 3 and other
    for i in range(40):
        store.record_decision("demo", str(i), "not_violation", reviewer="rina", double_check_rate=0.3)
    assert store.scalar("SELECT count(*) FROM double_checks") == len(sampled)
    for post_id in sampled:
        assert store.review_state("demo", post_id).check_pending
    assert not store.review_state("demo", other[0]).check_pending
    assert _pending_sql(store) == set(sampled)  # the queue SQL and the state machine say the same
    a, b, c = sampled[:3]

    # the maker cannot check their own decision; an analyst cannot check; others must check, not decide over it
    d = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = ?", [a])
    with pytest.raises(TransitionRefused, match="own_decision|person who made"):
        store.check_decision(d, checker="rina", decision="not_violation")
    with pytest.raises(TransitionRefused) as exc:
        store.check_decision(d, checker="ana", decision="not_violation")
    assert exc.value.code == "role"
    with pytest.raises(TransitionRefused) as exc:
        store.record_decision("demo", a, "violation", reviewer="budi")
    assert exc.value.code == "check_pending"

    # agreeing: a confirmation row, the status kept, the check done
    store.check_decision(d, checker="budi", decision="not_violation", reason="setuju")
    assert store.review_state("demo", a) == ItemState("not_violation", "rina", "not_violation")
    assert store.query("SELECT supervisor, agreed, decision FROM confirmations WHERE decision_id = ?", [d]) == [
        {"supervisor": "budi", "agreed": True, "decision": "not_violation"}]
    with pytest.raises(TransitionRefused) as exc:  # once only
        store.check_decision(d, checker="sari", decision="needs_info")
    assert exc.value.code == "no_check"

    # disagreeing with a violation: the checker's decision follows, and needs a third person's confirmation
    d = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = ?", [b])
    store.check_decision(d, checker="sari", decision="violation", reason="ada ajakan memilih")  # a supervisor checks
    state = store.review_state("demo", b)
    assert (state.status, state.decided_by, state.check_pending) == ("awaiting_confirmation", "sari", False)
    new = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = ?", [b])
    assert store.scalar("SELECT count(*) FROM double_checks WHERE decision_id = ?", [new]) == 0  # not drawn again
    with pytest.raises(TransitionRefused, match="person who made"):  # her own violation: not confirmed by her
        store.confirm_decision(new, supervisor="sari", agreed=True)
    store.confirm_decision(new, supervisor="dewi", agreed=True)
    assert store.review_state("demo", b).status == "confirmed"

    # the maker revises before the check: the new decision is drawn again (the same item), the old one is moot
    d = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = ?", [c])
    store.record_decision("demo", c, "needs_info", reviewer="rina", double_check_rate=0.3)
    assert store.review_state("demo", c).check_pending
    with pytest.raises(Exception, match="no longer the latest|no_check|not the latest"):
        store.check_decision(d, checker="budi", decision="not_violation")
    assert _pending_sql(store) == set(sampled) - {a, b}
    audit = store.query("SELECT action FROM audit_log WHERE action = 'double_check'")
    assert len(audit) == 2
    checked, problems = store.verify_audit()
    assert checked and problems == []


def test_agreement_over_sampled_pairs_of_every_kind(store, monkeypatch):
    """With pairs of several kinds the chance correction works: kappa by hand equals the page's."""
    ids = [str(i) for i in range(40)]
    plan = {"not_violation": ("not_violation",) * 6 + ("violation",) * 2, "needs_info": ("needs_info",) * 3 + (
        "not_violation",), "violation": ("violation",) * 5 + ("not_violation",)}
    pairs, k = [], 0
    for first, seconds in plan.items():
        for second in seconds:
            post_id = ids[k]
            k += 1
            d = store.record_decision("demo", post_id, first, reviewer="rina", double_check_rate=1.0)
            if first == "violation":
                store.confirm_decision(d, supervisor="sari", agreed=second == first,
                                       decision=None if second == first else second)
            else:
                store.check_decision(d, checker="budi", decision=second)
            pairs.append((first, second))
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    kinds = {a for a, _ in pairs} | {b for _, b in pairs}
    pe = sum(sum(a == x for a, _ in pairs) * sum(b == x for _, b in pairs) for x in kinds) / n / n
    expected = (po - pe) / (1 - pe)
    got = agreement([(r["first"], r["second"]) for r in store.query(
        "SELECT d.decision AS first, f.decision AS second FROM confirmations f JOIN decisions d USING (decision_id)")])
    assert got["n"] == n and math.isclose(got["kappa"], expected) and 0 < got["kappa"] < 1
    add_users(store, ("ana2", "analyst"))
    monkeypatch.setenv("PANTAU_DOUBLE_CHECK_RATE", "0.1")
    app = create_app(store.path, secret=b"kappa")
    with TestClient(app) as c:
        login(c, "ana2")
        page = c.get("/kesepakatan").text
    assert f'<dd id="pairs">{n}</dd>' in page
    assert f"{expected:.3f}" in page
    assert 'id="sampling"' in page and "10%" in page  # the page explains the sample and its rate


def test_over_http_a_second_reviewer_checks_through_the_decision_form(store, monkeypatch):
    monkeypatch.setenv("PANTAU_DOUBLE_CHECK_RATE", "1")
    app = create_app(store.path, secret=b"checks")
    with TestClient(app) as rina, TestClient(app) as budi:
        login(rina, "rina")
        login(budi, "budi")
        token = csrf_of(rina.get(item_path("demo", "5")).text)
        r = rina.post(item_path("demo", "5", "keputusan"), data={"decision": "needs_info", "csrf_token": token,
                                                                  "seen": ""}, follow_redirects=False)
        assert r.status_code == 303 and store.review_state("demo", "5").check_pending
        listing = budi.get("/periksa-ulang").text
        assert item_path("demo", "5") in listing
        assert "Perlu informasi" not in listing  # blind: the first decision is not shown
        assert item_path("demo", "5") not in rina.get("/periksa-ulang").text  # not to the one who decided
        page = budi.get(item_path("demo", "5")).text
        assert 'id="check-notice"' in page and 'id="decision-form"' in page
        assert "Perlu informasi</strong> oleh rina" not in page  # hidden until checked
        seen = page.split('name="seen" value="', 1)[1].split('"', 1)[0]
        r = budi.post(item_path("demo", "5", "keputusan"), data={
            "decision": "needs_info", "csrf_token": csrf_of(page), "seen": seen}, follow_redirects=False)
        assert r.status_code == 303
        assert store.scalar("SELECT count(*) FROM decisions WHERE post_id = '5'") == 1  # a check, not a decision
        assert store.query("SELECT supervisor, agreed FROM confirmations") == [{"supervisor": "budi", "agreed": True}]
        # Back + send again adds nothing
        r = budi.post(item_path("demo", "5", "keputusan"), data={
            "decision": "needs_info", "csrf_token": csrf_of(page), "seen": seen}, follow_redirects=False)
        assert r.status_code == 303
        assert store.scalar("SELECT count(*) FROM decisions WHERE post_id = '5'") == 1
        assert store.scalar("SELECT count(*) FROM confirmations") == 1
        assert item_path("demo", "5") not in budi.get("/periksa-ulang").text
        # roles: an analyst cannot open the list
        add_users(store, ("ana3", "analyst"))
    with TestClient(app) as ana:
        login(ana, "ana3")
        assert ana.get("/periksa-ulang").status_code == 403


def test_the_violation_a_check_raised_waits_for_a_supervisor_who_made_neither_decision(store):
    """Four eyes over a double-check (review finding 1): supervisor sari decides not_violation, reviewer rina's check
    says violation; sari (who made the first decision) may neither confirm nor dispute it, a third supervisor may."""
    post_id = next(str(i) for i in range(40) if review.needs_check("demo", str(i), "not_violation", 0.3))
    first = store.record_decision("demo", post_id, "not_violation", reviewer="sari", double_check_rate=0.3)
    store.check_decision(first, checker="rina", decision="violation", reason="ada ajakan memilih")
    raised = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = ?", [post_id])
    state = store.review_state("demo", post_id)
    assert (state.status, state.decided_by) == ("awaiting_confirmation", "rina")
    assert not review.allowed(state, "confirm", "supervisor", "sari")
    for agreed, decision in ((True, None), (False, "not_violation"), (False, "needs_info")):
        with pytest.raises(TransitionRefused) as exc:
            store.confirm_decision(raised, supervisor="sari", agreed=agreed, decision=decision)
        assert exc.value.code == "round_decider"
    assert store.review_state("demo", post_id).status == "awaiting_confirmation"  # nothing stored
    assert store.scalar("SELECT count(*) FROM confirmations WHERE decision_id = ?", [raised]) == 0
    store.confirm_decision(raised, supervisor="dewi", agreed=True)
    assert store.review_state("demo", post_id).status == "confirmed"


def _queue_row(page: str, path: str) -> str:
    return page.split(f'data-href="{path}"', 1)[1].split("</tr>", 1)[0]


def test_the_check_is_blind_in_the_queue_and_the_notes(store, monkeypatch):
    """Review finding 3: while the check is pending, whoever may check it sees neither the first decision's status
    in the queue nor the decider's checklist note on the item page; the decider still sees their own."""
    monkeypatch.setenv("PANTAU_DOUBLE_CHECK_RATE", "1")
    store.record_decision("demo", "7", "needs_info", reviewer="rina", double_check_rate=1.0,
                          checklist={"asn_identity": True, "partisan_act": False, "election_period": True})
    store.add_note("demo", "7", "rina", "akun ini belum jelas ASN atau bukan")
    app = create_app(store.path, secret=b"blind")
    path = item_path("demo", "7")
    with TestClient(app) as rina, TestClient(app) as budi:
        login(rina, "rina")
        login(budi, "budi")
        row = _queue_row(budi.get("/antrean").text, path)
        assert "Perlu informasi" not in row and "Menunggu periksa ulang" in row
        assert "Perlu informasi" in _queue_row(rina.get("/antrean").text, path)  # the decider sees her own
        page = budi.get(path).text
        notes = page.split('id="catatan"', 1)[1].split("</section>", 1)[0]
        assert "belum jelas ASN" not in notes and "✓" not in notes and "✗" not in notes
        assert 'id="notes-hidden"' in notes
        own = rina.get(path).text.split('id="catatan"', 1)[1].split("</section>", 1)[0]
        assert "belum jelas ASN" in own and "✓" in own
        # once checked, nothing is hidden any more
        d = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = '7'")
        store.check_decision(d, checker="budi", decision="needs_info")
        assert "Perlu informasi" in _queue_row(budi.get("/antrean").text, path)
        assert "belum jelas ASN" in budi.get(path).text


def test_the_check_is_blind_among_the_authors_other_posts(store, monkeypatch):
    """The item page lists the author's other posts and decisions: a post whose check this user may make shows
    neither its first decision's status nor that decision there either."""
    monkeypatch.setenv("PANTAU_DOUBLE_CHECK_RATE", "1")
    store.record_decision("demo", "9", "not_violation", reviewer="rina", double_check_rate=1.0)  # author a0, as 0
    app = create_app(store.path, secret=b"blind-author")
    with TestClient(app) as budi, TestClient(app) as rina:
        login(budi, "budi")
        login(rina, "rina")
        section = budi.get(item_path("demo", "0")).text.split("Akun ini: pos lain yang ditandai", 1)[1]
        section = section.split("</section>", 1)[0]
        assert item_path("demo", "9") in section and "Menunggu periksa ulang" in section
        assert "Bukan pelanggaran" not in section
        own = rina.get(item_path("demo", "0")).text.split("Akun ini: pos lain yang ditandai", 1)[1]
        assert "Bukan pelanggaran" in own.split("</section>", 1)[0]  # the decider sees her own
