"""Shared helpers for the triage tests (no tests here): accounts per role, logging in, CSRF tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "kata-sandi-uji-123"
ROLES = ("monitor", "reviewer", "supervisor", "analyst", "admin")


def add_users(store, *names_roles: tuple[str, str]) -> None:
    for name, role in names_roles:
        store.add_user(name, PASSWORD, role, actor="test")


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in page"
    return m.group(1)


def login_csrf(c) -> str:
    """GET the login form (sets the login nonce cookie on the client) and return its CSRF token."""
    return csrf_of(c.get("/masuk").text)


def login(c: TestClient, username: str, password: str = PASSWORD) -> None:
    r = c.post("/masuk", data={"csrf_token": login_csrf(c), "username": username, "password": password, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
