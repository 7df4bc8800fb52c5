"""Issue 21 item 4: sessions end server-side (logout, password change, account removal, admin "end all sessions"),
also when the change comes from the CLI while the app owns the database file (an inbox request)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest
from fastapi.testclient import TestClient

from pantau.store.db import Store
from pantau.triage.app import create_app
from pantau.triage.security import SESSION_COOKIE, SessionSigner
from pantau.triage.server import ThreadServer
from test_triage_helpers import PASSWORD, add_users, csrf_of, login


@pytest.fixture
def store(seeded_store):
    store, _ = seeded_store
    add_users(store, ("rina", "reviewer"), ("adi", "admin"))
    return store


def _replay(app, cookie: str) -> int:
    """A fresh client presenting a saved copy of the session cookie (what an attacker who copied it would do)."""
    thief = TestClient(app)
    thief.cookies.set(SESSION_COOKIE, cookie)
    return thief.get("/antrean", follow_redirects=False).status_code


def test_logout_ends_the_session_for_every_copy_of_the_cookie(store):
    app = create_app(store.path, secret=b"s")
    c = TestClient(app)
    login(c, "rina")
    saved = c.cookies.get(SESSION_COOKIE)
    assert _replay(app, saved) == 200
    page = c.get("/antrean")
    assert c.post("/keluar", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False).status_code == 303
    assert _replay(app, saved) == 303
    assert store.scalar("SELECT count(*) FROM sessions") == 0
    assert "logout" in [r["action"] for r in store.query("SELECT action FROM audit_log")]


def test_only_a_hash_of_the_session_id_is_stored_and_a_signature_alone_is_not_enough(store):
    app = create_app(store.path, secret=b"s")
    c = TestClient(app)
    login(c, "rina")
    cookie = c.cookies.get(SESSION_COOKIE)
    payload = SessionSigner(b"s").loads(cookie.strip('"'))
    row = store.query("SELECT session_hash, username FROM sessions")[0]
    assert row["username"] == "rina" and payload.sid not in row["session_hash"] and len(row["session_hash"]) == 64
    # a validly signed cookie naming a session the server never started (e.g. a leaked secret key) is refused
    forged = SessionSigner(b"s").dumps("rina", "tidak-pernah-dimulai")
    assert _replay(app, forged) == 303


def test_admin_ends_all_sessions_of_an_account(store):
    app = create_app(store.path, secret=b"s")
    phone, laptop, admin = TestClient(app), TestClient(app), TestClient(app)
    login(phone, "rina")
    login(laptop, "rina")
    login(admin, "adi")
    page = admin.get("/pengguna")
    assert page.status_code == 200 and 'id="end-sessions-rina"' in page.text
    r = admin.post("/pengguna/rina/akhiri-sesi", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert "2 sesi milik rina diakhiri" in admin.get(r.headers["location"]).text
    for c in (phone, laptop):
        assert c.get("/antrean", follow_redirects=False).status_code == 303
    assert admin.get("/pengguna").status_code == 200  # the admin's own session lives on
    entry = store.query("SELECT actor, target, detail FROM audit_log WHERE action = 'sessions_end'")[0]
    assert entry["actor"] == "adi" and entry["target"] == "rina" and '"sessions_ended": 2' in entry["detail"]
    # a reviewer cannot do it
    r = phone.post("/pengguna/adi/akhiri-sesi", data={"csrf_token": "x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/masuk")


def _http_login(client: httpx.Client, username: str) -> str:
    form = client.get("/masuk").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    r = client.post("/masuk", data={"csrf_token": token, "username": username, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303, r.text
    return client.cookies.get(SESSION_COOKIE)


def _pantau(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PANTAU_PASSWORD"}
    if password:
        env["PANTAU_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "pantau.cli", *args], capture_output=True, text=True, timeout=180,
                          env=env)


def test_cli_password_change_and_removal_end_sessions_while_the_app_owns_the_file(tmp_path):
    store = Store(tmp_path / "owned.duckdb")
    store.init()
    add_users(store, ("rina", "reviewer"), ("budi", "reviewer"))
    db = str(store.path)
    with ThreadServer(create_app(db, secret=b"s", inbox_interval=0.05)) as url:
        with httpx.Client(base_url=url) as rina, httpx.Client(base_url=url) as budi:
            _http_login(rina, "rina")
            _http_login(budi, "budi")
            assert rina.get("/antrean").status_code == 200 and budi.get("/antrean").status_code == 200
            r = _pantau("user", "passwd", "rina", "--db", db, password="kata-sandi-baru-456")
            assert r.returncode == 0, r.stderr
            assert rina.get("/antrean").status_code == 303  # the owner ran the request and ended the session
            r = _pantau("user", "remove", "budi", "--db", db)
            assert r.returncode == 0, r.stderr
            assert budi.get("/antrean").status_code == 303
    store = Store(db)
    assert store.scalar("SELECT count(*) FROM sessions") == 0
