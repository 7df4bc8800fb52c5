"""Shared helpers for the triage tests (no tests here): accounts per role, logging in, CSRF tokens."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from pantau.browser import CHROMIUM, CHROMIUM_ARGS

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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (import this fixture into the module)."""
    # Imported here: only the browser tests need Playwright.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def browser_login(browser, url: str, username: str, password: str = PASSWORD, **context_options):
    """A new browser context (Playwright `new_context` options, e.g. a phone viewport) logged in as `username`:
    (context, page, dialogs seen)."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    assert "/masuk" not in page.url, page.content()
    return context, page, dialogs
