"""One triage request cycle through the real app and a real DuckDB file (in-process client)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau.triage.app import create_app


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in page"
    return m.group(1)


@pytest.fixture
def client(seeded_store):
    store, _ = seeded_store
    return TestClient(create_app(store.path, secret=b"test-secret")), store


def login(c: TestClient, name: str = "Rina") -> None:
    r = c.post("/masuk", data={"name": name, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303


def test_queue_requires_login(client):
    c, _ = client
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/masuk")


def test_decision_cycle_moves_item_out_of_queue_and_opens_next(client):
    c, store = client
    login(c)
    page = c.get("/")
    assert page.status_code == 200
    assert "Antrean tinjauan" in page.text and "4 pos ditandai" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")

    item = c.get("/pos/demo/3")
    assert item.status_code == 200 and "pos nomor 3" in item.text
    r = c.post(
        "/pos/demo/3/keputusan",
        data={"decision": "violation", "reason": "guru berkampanye", "csrf_token": csrf_of(item.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/pos/demo/2"  # next by deadline
    row = store.query("SELECT decision, reviewer, reason FROM decisions")[0]
    assert row == {"decision": "violation", "reviewer": "Rina", "reason": "guru berkampanye"}
    assert "3" not in [r["post_id"] for r in store.query("SELECT post_id FROM triage_queue")]
    assert "3 pos ditandai" in c.get("/").text


def test_post_without_csrf_token_is_refused_and_records_nothing(client):
    c, store = client
    login(c)
    r = c.post("/pos/demo/3/keputusan", data={"decision": "violation"}, follow_redirects=False)
    assert r.status_code == 403
    r = c.post("/pos/demo/3/keputusan", data={"decision": "violation", "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert store.scalar("SELECT count(*) FROM decisions") == 0


def test_post_text_is_escaped(tmp_path):
    from pantau.store.db import Store

    store = Store(tmp_path / "x.duckdb")
    evil = make_post(1, '<script>alert(1)</script><img src=x onerror="alert(2)">')
    store.ingest([evil])
    store.save_classifications([result(evil, 0.95, True, "kampanye_medsos")])
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, '<b>nama</b>')
    for url in ("/", "/pos/demo/1"):
        html = c.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;b&gt;nama&lt;/b&gt;" in html


def test_unknown_post_is_404_and_bad_decision_400(client):
    c, _ = client
    login(c)
    assert c.get("/pos/demo/nope").status_code == 404
    item = c.get("/pos/demo/3")
    r = c.post("/pos/demo/3/keputusan", data={"decision": "maybe", "csrf_token": csrf_of(item.text)})
    assert r.status_code == 400
