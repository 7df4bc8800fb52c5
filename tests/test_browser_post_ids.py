"""Issue 21 item 3 in a real browser: Chromium resolves the queue's links of posts whose ids hold `/` or `..` to their
item pages (never to another route such as the CSV export), and the decision form there works."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import make_post, result
from pantau.triage.app import create_app
from pantau.triage.server import CHROMIUM, CHROMIUM_ARGS, ThreadServer
from test_triage_helpers import PASSWORD, add_users

pytestmark = pytest.mark.slow

playwright_api = pytest.importorskip("playwright.sync_api")

IDS = ("channel/1008", "../../ekspor.csv", "../..", "a/b/keputusan", "100% #1?x=y", "..", ".", "~..", "~")


def test_queue_links_open_their_items_in_chromium(tmp_path):
    from pantau.store.db import Store

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    store = Store(tmp_path / "ids.duckdb")
    posts = [dataclasses.replace(make_post(i, f"guru ajak coblos nomor {i}", platform="telegram"), post_id=pid)
             for i, pid in enumerate(IDS)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, ("rina", "reviewer"))
    with ThreadServer(create_app(store.path, secret=b"ids")) as url, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(accept_downloads=False).new_page()
        page.goto(f"{url}/masuk")
        page.fill("input[name=username]", "rina")
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        for i, pid in enumerate(IDS):
            page.goto(f"{url}/antrean")
            link = page.locator("td.text a", has_text=f"guru ajak coblos nomor {i}")
            with page.expect_navigation():
                link.click()
            assert page.url.startswith(f"{url}/pos/telegram/"), (pid, page.url)
            assert f"guru ajak coblos nomor {i}" in page.inner_text("#post-text"), (pid, page.url)
            page.check("input[name=decision][value=not_violation]")
            with page.expect_navigation():
                page.click("#decision-form button[type=submit]")
        browser.close()
    decided = {r["post_id"] for r in store.query("SELECT post_id FROM decisions")}
    assert decided == set(IDS)
    assert "export" not in {r["action"] for r in store.query("SELECT action FROM audit_log")}
