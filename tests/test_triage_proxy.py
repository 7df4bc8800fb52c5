"""Issue 21 item 5: the login rate limit cannot be reset with X-Forwarded-For (a real uvicorn server, real HTTP)."""

from __future__ import annotations

import re

import httpx
import pytest

from pantau.store.db import Store
from pantau.triage.app import create_app
from pantau.triage.server import ThreadServer, trusted_proxies
from test_triage_helpers import PASSWORD, add_users


def _guess(client: httpx.Client, password: str, forwarded_for: str) -> int:
    form = client.get("/masuk", headers={"X-Forwarded-For": forwarded_for}).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    r = client.post("/masuk", data={"csrf_token": token, "username": "rina", "password": password, "next": "/"},
                    headers={"X-Forwarded-For": forwarded_for})
    return r.status_code


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "proxy.duckdb")
    store.init()
    add_users(store, ("rina", "reviewer"))
    return store


def test_twelve_guesses_with_fresh_forwarded_headers_are_blocked(store, monkeypatch):
    monkeypatch.delenv("PANTAU_TRUSTED_PROXIES", raising=False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    with ThreadServer(create_app(store.path, secret=b"p")) as url, httpx.Client(base_url=url) as client:
        codes = [_guess(client, "salah-sekali-123", f"203.0.113.{i}") for i in range(12)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429] * 7, codes
    addresses = {r["target"] for r in store.query("SELECT target FROM audit_log WHERE action LIKE 'login_%'")}
    assert addresses == {"127.0.0.1"}  # the connection's address, never the header's


def test_a_configured_proxy_is_believed(store, monkeypatch):
    monkeypatch.setenv("PANTAU_TRUSTED_PROXIES", "127.0.0.1")
    with ThreadServer(create_app(store.path, secret=b"p")) as url, httpx.Client(base_url=url) as client:
        codes = [_guess(client, "salah-sekali-123", "198.51.100.7") for _ in range(6)]
        assert codes == [401] * 5 + [429]
        # another client behind the same proxy is another address: not blocked
        assert _guess(client, PASSWORD, "198.51.100.8") == 303
    targets = [r["target"] for r in store.query("SELECT target FROM audit_log WHERE action LIKE 'login%' ORDER BY seq")]
    assert set(targets) == {"198.51.100.7", "198.51.100.8"}


def test_trusted_proxies_from_the_environment():
    assert trusted_proxies({}) == []
    assert trusted_proxies({"PANTAU_TRUSTED_PROXIES": " 10.0.0.1, 10.1.0.0/16 ,"}) == ["10.0.0.1", "10.1.0.0/16"]
