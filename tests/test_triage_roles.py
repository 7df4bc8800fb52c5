"""The role matrix: every route of the app is checked for every role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pantau.triage.app import PUBLIC_ROUTES, ROUTE_ROLES, api_routes, create_app
from test_triage_helpers import ROLES, add_users, csrf_of, login

PATH_PARAMS = {"platform": "demo", "post_id": "3", "decision_id": "1", "username": "tidak-ada", "grafik": "mingguan",
               "cluster_id": "1"}


@pytest.fixture(scope="module")
def app_and_store(tmp_path_factory):
    from conftest import make_post, result
    from pantau.store.db import Store

    store = Store(tmp_path_factory.mktemp("roles") / "roles.duckdb")
    posts = [make_post(i) for i in range(5)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, *[(f"u-{role}", role) for role in ROLES])
    return create_app(store.path, secret=b"roles"), store


def routes(app):
    found = api_routes(app.routes)
    return sorted(found, key=lambda r: r.name == "logout")  # logging out last


def test_every_route_is_in_the_role_matrix(app_and_store):
    app, _ = app_and_store
    names = {r.name for r in routes(app)}
    assert names - PUBLIC_ROUTES == set(ROUTE_ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_its_routes(app_and_store, role):
    app, _ = app_and_store
    c = TestClient(app)
    login(c, f"u-{role}")
    token = csrf_of(c.get("/").text)  # the landing page of every role has the logout form
    checked = 0
    for route in routes(app):
        if route.name in PUBLIC_ROUTES:
            continue
        path = route.path_format.format(**{k: v for k, v in PATH_PARAMS.items() if "{" + k + "}" in route.path_format})
        method = sorted(route.methods)[0]
        data = {"csrf_token": token, "decision": "needs_info", "body": "catatan", "agree": "1"} if method == "POST" else None
        r = c.request(method, path, data=data, follow_redirects=False)
        allowed = role in ROUTE_ROLES[route.name]
        assert (r.status_code == 403) is (not allowed), f"{role} {method} {path}: {r.status_code}"
        assert r.status_code < 500
        checked += 1
    assert checked == len(ROUTE_ROLES)


def test_anonymous_is_sent_to_login_everywhere(app_and_store):
    app, _ = app_and_store
    c = TestClient(app)
    for route in routes(app):
        if route.name in PUBLIC_ROUTES:
            continue
        path = route.path_format.format(**{k: v for k, v in PATH_PARAMS.items() if "{" + k + "}" in route.path_format})
        r = c.request(sorted(route.methods)[0], path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/masuk"), path


def test_removed_user_and_changed_password_end_the_session(app_and_store):
    app, store = app_and_store
    add_users(store, ("tmp-rev", "reviewer"), ("tmp-rev2", "reviewer"))
    a, b = TestClient(app), TestClient(app)
    login(a, "tmp-rev")
    login(b, "tmp-rev2")
    assert a.get("/antrean").status_code == 200
    store.remove_user("tmp-rev", actor="test")
    assert a.get("/antrean", follow_redirects=False).status_code == 303
    store.set_password("tmp-rev2", "kata-sandi-baru-456", actor="test")
    assert b.get("/antrean", follow_redirects=False).status_code == 303
    login(b, "tmp-rev2", "kata-sandi-baru-456")
    assert b.get("/antrean").status_code == 200
