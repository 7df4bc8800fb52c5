"""The "Bantu model" lane in Chromium: a reviewer follows the link from the queue, sees near-threshold posts of every
category with their reason, the page has no WCAG 2.1 AA violation (axe-core), and Enter on a row opens the post."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_post, result
from pantau.nlp.classifier import load
from pantau.store.db import Store
from pantau.triage.app import create_app
from pantau.triage.server import CHROMIUM, ThreadServer
from test_triage_helpers import add_users, browser, browser_login  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.slow

pytest.importorskip("playwright.sync_api")
pytest.importorskip("axe_playwright_python")

from test_browser_a11y import violations  # noqa: E402 - needs axe_playwright_python

CATS = ("kampanye_medsos", "foto_simbol", "hadir_kampanye")


@pytest.fixture
def served(tmp_path, monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    monkeypatch.delenv("PANTAU_MODEL", raising=False)
    t = load(None).threshold
    store = Store(tmp_path / "lane.duckdb")
    posts = [make_post(i, f"Sebagai guru SD saya ajak pilih paslon nomor {i} #coblos{i}", bio="Guru SDN 1, ASN")
             for i in range(1, 11)]
    store.ingest(posts)
    store.save_classifications([result(p, t + 0.01 * i, True, CATS[i % 3]) for i, p in enumerate(posts[:9])]
                               + [result(posts[9], t - 0.02, False)])
    add_users(store, ("rina", "reviewer"))
    with ThreadServer(create_app(store.path, secret=b"lane")) as url:
        yield url


def test_lane_from_the_queue_in_the_browser(served, browser):
    context, page, _ = browser_login(browser, served, "rina", bypass_csp=True)
    page.goto(f"{served}/antrean")
    page.click("#lane-bantu")
    page.wait_for_url("**/antrean?lane=bantu")
    rows = page.locator("#lane tbody tr")
    assert rows.count() == 10
    assert page.locator("#lane tr.lane-uncertain").count() == 10
    first_four = [rows.nth(i).get_attribute("data-category") for i in range(4)]
    assert set(first_four) == {*CATS, ""}  # round-robin: one of each category and the unflagged near miss
    assert violations(page) == []
    rows.nth(0).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/pos/demo/*")
    assert page.locator("#decision-form").count() == 1
    context.close()
