"""The triage app in a real browser: Playwright driving Debian's chromium, the app served by uvicorn."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import make_post, result
from pantau.triage.app import NAV, ROUTE_ROLES, create_app
from pantau.triage.server import CHROMIUM, ThreadServer
from test_triage_helpers import ROLES, add_users, browser  # noqa: F401 - browser is a fixture
from test_triage_helpers import browser_login as login

pytestmark = pytest.mark.slow

pytest.importorskip("playwright.sync_api")

XSS = '<script>window.__xss = 1; alert("xss")</script><img src=x onerror="window.__xss = 2; alert(2)"> pilih nomor 2'


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from pantau.store.db import Store

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    store = Store(tmp_path_factory.mktemp("browser") / "b.duckdb")
    posts = [make_post(i, f"Guru SD ajak pilih paslon nomor {i} #coblos{i}") for i in range(1, 9)]
    posts.append(make_post(50, XSS))
    store.ingest(posts)
    results = [result(p, 0.95 - i * 0.01, True, "kampanye_medsos") for i, p in enumerate(posts)]
    for r, p in zip(results, posts):
        start = p.text.find("nomor")
        r["signals"] = [{"name": "nomor_urut", "source": "text", "start": start, "end": start + 5, "text": "nomor"}]
    store.save_classifications(results)
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"), *[(f"u-{r}", r) for r in ROLES])
    with ThreadServer(create_app(store.path, secret=b"browser")) as url:
        yield url, store


def test_triage_three_items_by_keyboard_only(served, browser):
    url, store = served
    context, page, _ = login(browser, url, "rina")
    page.goto(f"{url}/antrean")
    expected = [r["post_id"] for r in store.query(
        "SELECT post_id FROM queue_items WHERE status = 'new' ORDER BY deadline_at, score DESC, platform, post_id")]
    # j moves the selection, k moves it back, Enter opens
    page.keyboard.press("j")
    assert page.locator("tr.queue-row.selected").get_attribute("data-href").endswith(f"/{expected[1]}")
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/pos/demo/{expected[0]}$"))
    decided = []
    for _ in range(3):
        current = page.url.rsplit("/", 1)[1]
        page.keyboard.press("2")  # not a violation
        assert page.locator('input[name=decision][value=not_violation]').is_checked()
        page.keyboard.press("Enter")
        page.wait_for_url(lambda u: not u.endswith(f"/{current}"))
        decided.append(current)
    assert decided == expected[:3]
    rows = store.query("SELECT post_id, decision, reviewer FROM decisions ORDER BY decision_id")
    assert [(r["post_id"], r["decision"], r["reviewer"]) for r in rows[:3]] == [(i, "not_violation", "rina") for i in decided]
    assert page.url.endswith(f"/pos/demo/{expected[3]}")  # and the next one is open
    context.close()


def test_four_eyes_confirmation_in_the_browser(served, browser):
    url, store = served
    ctx_r, page, _ = login(browser, url, "rina")
    page.goto(f"{url}/pos/demo/8")
    page.keyboard.press("1")  # violation
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: not u.endswith("/pos/demo/8"))
    assert store.scalar("SELECT status FROM queue_items WHERE post_id = '8'") == "awaiting_confirmation"
    ctx_s, sup, _ = login(browser, url, "sari")
    sup.goto(f"{url}/konfirmasi")
    row = sup.locator("#awaiting tr", has_text="nomor 8")
    row.locator("button.confirm-agree").click()
    sup.wait_for_load_state()
    assert store.scalar("SELECT status FROM queue_items WHERE post_id = '8'") == "confirmed"
    sup.goto(f"{url}/pos/demo/8")
    assert "Dikonfirmasi oleh sari" in sup.inner_text("#history")
    ctx_r.close()
    ctx_s.close()


def test_xss_payload_shows_as_text_and_runs_nothing(served, browser):
    url, _ = served
    context, page, dialogs = login(browser, url, "sari")
    page.goto(f"{url}/antrean?q=pilih")
    page.goto(f"{url}/pos/demo/50")
    text = page.inner_text("#post-text")
    assert '<script>window.__xss = 1; alert("xss")</script>' in text
    assert '<img src=x onerror="window.__xss = 2; alert(2)">' in text
    assert page.locator("#post-text mark.signal").inner_text() == "nomor"
    assert page.evaluate("window.__xss === undefined")
    assert page.locator("#post-text img, #post-text script").count() == 0
    page.goto(f"{url}/antrean")
    assert page.evaluate("window.__xss === undefined")
    assert dialogs == []
    context.close()


def test_forged_post_without_csrf_is_refused(served, browser):
    url, store = served
    before = store.scalar("SELECT count(*) FROM decisions")
    context, page, _ = login(browser, url, "rina")
    page.goto(f"{url}/antrean")
    status = page.evaluate(
        """async () => (await fetch('/pos/demo/7/keputusan', {method: 'POST',
             body: new URLSearchParams({decision: 'not_violation'})})).status"""
    )
    assert status == 403
    status = page.evaluate(
        """async () => (await fetch('/pos/demo/7/keputusan', {method: 'POST',
             body: new URLSearchParams({decision: 'not_violation', csrf_token: 'forged'})})).status"""
    )
    assert status == 403
    assert store.scalar("SELECT count(*) FROM decisions") == before
    context.close()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_routes(served, browser, role):
    url, _ = served
    context, page, _ = login(browser, url, f"u-{role}")
    shown = {a.get_attribute("href") for a in page.locator("header.nav a:not(.brand)").all()}
    expected = {path for route, path, _ in NAV if role in ROUTE_ROLES[route]}
    assert shown == expected
    for route, path, _ in NAV:
        response = page.goto(f"{url}{path}")
        assert (response.status == 403) is (role not in ROUTE_ROLES[route]), (role, path, response.status)
    context.close()
