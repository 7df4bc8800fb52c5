"""The role x route x item-state matrix, exhaustively, through the real app and a real DuckDB file.

The expectation of each cell is built from the data: ROUTE_ROLES (role per route), ROUTE_ACTIONS (review action per
route) and pantau.review's TRANSITIONS; the hand-written cases of the machine are in tests/test_review.py. Every
state-changing review route is called by every role (and by the very people who made the previous steps) on an item
in every state; an allowed call moves the item to the machine's target, a refused one changes nothing and says why in
Bahasa Indonesia. The item page offers a form exactly when the call would be allowed."""

from __future__ import annotations

import html
import itertools

import pytest
from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau import review
from pantau.review import ItemState
from pantau.store.db import Store
from pantau.triage.app import ROUTE_ROLES, create_app
from pantau.triage.decisions import REFUSAL_MESSAGES, ROUTE_ACTIONS
from pantau.triage.logic import item_path
from test_triage_helpers import ROLES, add_users, csrf_of, login

DECIDER, CONFIRMER = "rev-a", "sup-b"  # who decided / confirmed (and asked to reopen) in the setups
ACTORS = {DECIDER: "reviewer", CONFIRMER: "supervisor", **{f"u-{r}": r for r in ROLES}}

# item setups: name -> (expected ItemState, what to do)
SETUPS = {
    "new": ItemState("new"),
    "needs_info": ItemState("needs_info", DECIDER, "needs_info"),
    "awaiting_confirmation": ItemState("awaiting_confirmation", DECIDER, "violation"),
    # supervisor CONFIRMER decided not_violation, drawn for a check; DECIDER's check says violation: four eyes need
    # a third person, so CONFIRMER may neither confirm nor dispute it
    "awaiting_confirmation_after_check": ItemState("awaiting_confirmation", DECIDER, "violation",
                                                   round_deciders=frozenset({CONFIRMER})),
    "confirmed": ItemState("confirmed", DECIDER, "violation"),
    "confirmed_reopen_asked": ItemState("confirmed", DECIDER, "violation", reopen_requested_by=CONFIRMER),
    "confirmed_draft_referral": ItemState("confirmed", DECIDER, "violation", draft_referral=True),
    "not_violation": ItemState("not_violation", DECIDER, "not_violation"),
    # drawn for a double-check by a second reviewer (issue 22): others' decisions are the check
    "not_violation_to_check": ItemState("not_violation", DECIDER, "not_violation", check_pending=True),
    "needs_info_to_check": ItemState("needs_info", DECIDER, "needs_info", check_pending=True),
    "duplicate": ItemState("duplicate", DECIDER, "duplicate"),
    "referred": ItemState("referred", DECIDER, "violation"),
}
# (route, form): the calls made on each item
CALLS = (
    ("decide", {"decision": "not_violation"}),
    ("decide", {"decision": "violation"}),
    ("confirm", {"agree": "1"}),
    ("confirm", {"agree": "0", "decision": "not_violation"}),
    ("reopen", {"reason": "bukti baru"}),
)


def _prepare(store: Store, post_id: str, setup: str) -> None:
    state = SETUPS[setup]
    if state.decision is None:
        return
    if state.round_deciders:
        d = store.record_decision("demo", post_id, "not_violation", reviewer=CONFIRMER, double_check_rate=1.0)
        store.check_decision(d, checker=DECIDER, decision=state.decision)
        return
    d = store.record_decision("demo", post_id, state.decision, reviewer=DECIDER,
                              duplicate_of="demo/x" if state.decision == "duplicate" else None,
                              double_check_rate=1.0 if state.check_pending else 0.0)
    if state.status in ("confirmed", "referred"):
        store.confirm_decision(d, supervisor=CONFIRMER, agreed=True)
    if state.reopen_requested_by:
        store.reopen("demo", post_id, supervisor=CONFIRMER, reason="periksa ulang")
    if state.draft_referral or state.status == "referred":
        rid = store.register_referral("demo", post_id, package=f"p-{post_id}.zip", package_dir="d",
                                      package_sha256="a" * 64, manifest_sha256="b" * 64, office=None,
                                      built_by=CONFIRMER)
        if state.status == "referred":
            store.set_referral_status(rid, "sent", actor=CONFIRMER)


def _action(route: str, form: dict, state: ItemState, role: str, actor: str) -> tuple[str, str | None]:
    if route == "decide":  # as the route does: a decision drawn for a double-check is checked by anyone else
        checking = review.allowed(state, "check", role, actor, form["decision"])
        return ("check" if checking else "decide"), form["decision"]
    if route == "confirm":
        return ("confirm", None) if form["agree"] == "1" else ("dispute", form["decision"])
    return review.reopen_action(state), None


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("matrix") / "matrix.duckdb")
    cells = list(itertools.product(SETUPS, ACTORS, range(len(CALLS))))
    pages = list(itertools.product(SETUPS, ACTORS))
    posts = [make_post(i) for i in range(len(cells) + len(pages))]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, *ACTORS.items())
    with store.session():
        for i, (setup, _, _) in enumerate(cells):
            _prepare(store, str(i), setup)
        for j, (setup, _) in enumerate(pages):
            _prepare(store, str(len(cells) + j), setup)
    for i, (setup, _, _) in enumerate(cells):
        assert store.review_state("demo", str(i)) == SETUPS[setup], (i, setup)
    app = create_app(store.path, secret=b"matrix")
    clients = {}
    for name in ACTORS:
        clients[name] = TestClient(app)
        login(clients[name], name)
    token = {name: csrf_of(c.get("/", follow_redirects=True).text) for name, c in clients.items()}
    return store, clients, token, cells, pages


def test_route_actions_name_routes_and_actions():
    assert set(ROUTE_ACTIONS) <= set(ROUTE_ROLES)
    assert {a for actions in ROUTE_ACTIONS.values() for a in actions} == set(review.ACTIONS)
    for route, actions in ROUTE_ACTIONS.items():  # a route's roles are those of its actions, never more
        for action in actions:
            roles = set().union(*(t.roles for t in review.TRANSITIONS if t.action == action))
            assert ROUTE_ROLES[route] <= roles | {"admin"} if route == "referral_status" else ROUTE_ROLES[route] == roles


def test_every_role_route_and_state(world):
    store, clients, token, cells, _ = world
    checked = {"allowed": 0, "refused": 0, "forbidden": 0}
    for i, (setup, actor, call) in enumerate(cells):
        post_id, (route, form) = str(i), CALLS[call]
        state, role = SETUPS[setup], ACTORS[actor]
        before = store.scalar("SELECT count(*) FROM decisions WHERE post_id = ?", [post_id])
        if route == "confirm":
            latest = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = ?", [post_id])
            path = f"/konfirmasi/{latest if latest is not None else 999999}"
        else:
            path = item_path("demo", post_id, {"decide": "keputusan", "reopen": "buka-kembali"}[route])
        r = clients[actor].post(path, data={**form, "csrf_token": token[actor]}, follow_redirects=False)
        where = f"{setup} / {actor} ({role}) / {route} {form}: {r.status_code}"
        action, decision = _action(route, form, state, role, actor)
        if role not in ROUTE_ROLES[route]:
            assert r.status_code == 403, where
            checked["forbidden"] += 1
        elif route == "confirm" and state.decision is None:
            assert r.status_code == 400, where  # nothing to confirm
            checked["refused"] += 1
        else:
            try:
                target = review.check(state, action, role, actor, decision)
            except review.ReviewRefused as exc:
                assert r.status_code == 409, where
                assert html.escape(REFUSAL_MESSAGES[exc.code], quote=False) in r.text, where
                checked["refused"] += 1
            else:
                assert r.status_code == 303, where
                after = store.review_state("demo", post_id)
                assert after.status == target, where
                if action == "reopen_request":
                    assert after.reopen_requested_by == actor, where
                if action == "check":  # the second reviewer's pair is stored, and the check is done
                    assert not after.check_pending, where
                    assert store.scalar("SELECT count(*) FROM confirmations f JOIN decisions d USING (decision_id) "
                                        "WHERE d.post_id = ? AND f.supervisor = ?", [post_id, actor]) == 1, where
                checked["allowed"] += 1
                continue
        assert store.review_state("demo", post_id) == state, where  # a refused call changes nothing
        assert store.scalar("SELECT count(*) FROM decisions WHERE post_id = ?", [post_id]) == before, where
    assert sum(checked.values()) == len(SETUPS) * len(ACTORS) * len(CALLS)
    assert min(checked.values()) > 20, checked


def test_the_item_page_offers_exactly_the_allowed_forms(world):
    store, clients, _, cells, pages = world
    for j, (setup, actor) in enumerate(pages):
        post_id = str(len(cells) + j)
        state, role = SETUPS[setup], ACTORS[actor]
        page = clients[actor].get(item_path("demo", post_id))
        if role not in ROUTE_ROLES["item"]:
            assert page.status_code == 403
            continue
        where = f"{setup} / {actor} ({role})"
        assert page.status_code == 200, where
        decide = role in ROUTE_ROLES["decide"] and any(
            review.allowed(state, action, role, actor, "needs_info") for action in ("decide", "check"))
        assert ('id="decision-form"' in page.text) is decide, where
        assert ('id="confirm-agree"' in page.text) is review.allowed(state, "confirm", role, actor), where
        reopen = review.allowed(state, review.reopen_action(state), role, actor)
        assert ('id="reopen-submit"' in page.text) is reopen, where


def test_only_a_confirmed_violation_is_sent_to_bawaslu(tmp_path):
    store = Store(tmp_path / "refer.duckdb")
    posts = [make_post(i) for i in range(2)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"), ("dewi", "supervisor"))
    d = store.record_decision("demo", "0", "violation", reviewer="rina")  # awaiting confirmation only
    for post_id in ("0", "1"):
        store.register_referral("demo", post_id, package=f"p{post_id}.zip", package_dir="d", package_sha256="a" * 64,
                                manifest_sha256="b" * 64, office=None, built_by="sari")
    c = TestClient(create_app(store.path, secret=b"r"))
    login(c, "dewi")
    token = csrf_of(c.get("/rujukan").text)
    r = c.post(item_path("demo", "0", "rujukan/status"), data={"csrf_token": token, "status": "sent"})
    assert r.status_code == 409 and html.escape(REFUSAL_MESSAGES["state"], quote=False) in r.text
    assert store.referral_for("demo", "0")["status"] == "draft"
    store.confirm_decision(d, supervisor="sari", agreed=True)
    r = c.post(item_path("demo", "0", "rujukan/status"), data={"csrf_token": token, "status": "sent"},
               follow_redirects=False)
    assert r.status_code == 303 and store.review_state("demo", "0").status == "referred"
