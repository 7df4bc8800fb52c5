"""Issue 18 part 4 in a real browser (Playwright + Debian chromium, the app served by uvicorn): a reviewer opens the
shift handover from the navigation, reads figures that match SQL, hands the shift over with a note and downloads
the report; the supervisor of the next shift opens the page and finds that handover; an analyst is refused."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pantau.triage.app import create_app
from pantau.triage.server import CHROMIUM, ThreadServer
from test_shifts import build, independent
from test_triage_helpers import browser  # noqa: F401 - browser is a fixture
from test_triage_helpers import browser_login as login

pytestmark = pytest.mark.slow

pytest.importorskip("playwright.sync_api")

NOTE = "Pos demo/4 masih saya pegang; <b>cek</b> gelombang 'Ayo pilih'"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    store = build(tmp_path_factory.mktemp("shift") / "shift.duckdb", datetime.now(timezone.utc).replace(microsecond=0))
    app = create_app(store.path, secret=b"browser-shift")
    with ThreadServer(app) as url:
        yield url, store


def text(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def test_handover_page_report_and_next_shift(served, browser):
    url, store = served
    context, page, dialogs = login(browser, url, "rina")
    page.goto(f"{url}/antrean")
    overdue = store.scalar("SELECT count(*) FROM queue_items WHERE status = 'new' "
                           "AND captured_at < now() - INTERVAL 24 HOUR")
    assert text(page, "#review-overdue-count strong") == str(overdue) == "4"
    assert page.locator(".badge.review-overdue").count() == overdue
    page.get_by_role("link", name="Serah terima").click()
    page.wait_for_url(f"{url}/serah-terima")
    assert page.locator("#no-handover").is_visible()
    start = datetime.fromisoformat(page.locator('#handover-form input[name="dari"]').input_value())
    want = independent(store, start, datetime.now(timezone.utc), datetime.now(timezone.utc))
    assert text(page, "#open-items") == str(want["open_items"])
    assert text(page, "#review-overdue") == str(want["overdue_now"])
    assert text(page, "#sla-captured") == str(want["captured"])
    assert text(page, "#sla-first-reviews") == str(want["first_reviews"])
    assert text(page, "#due-24") == "1" and text(page, "#due-48") == "2" and text(page, "#due-passed") == "1"
    assert "rina" in text(page, "#claims")
    page.fill("textarea[name=catatan]", NOTE)
    page.click("#handover-submit")
    page.wait_for_url(re.compile(r"/serah-terima\?tersimpan=1$"))
    assert page.locator("#handover-saved").is_visible()
    assert text(page, "#last-by") == "rina" and text(page, "#last-note") == NOTE  # shown as text, not markup
    assert page.locator("#last-note b").count() == 0
    with page.expect_download() as download:
        page.click("#last-report")
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == "serah-terima-1.md"
    [h] = store.query("SELECT * FROM shift_handovers")
    assert "Diserahkan oleh **rina**" in report and "\\<b\\>cek\\</b\\>" in report
    assert f"| Pos terbuka (baru + perlu informasi) | {want['open_items']} |" in report
    assert f"| Belum ditinjau melewati target 24 jam | {want['overdue_now']} |" in report
    assert "| rina | demo/4 |" in report
    assert dialogs == []
    context.close()

    # the next shift: a supervisor opens the page and finds the handover; the window starts where it ended
    context, page, _ = login(browser, url, "u-supervisor")
    page.goto(f"{url}/serah-terima")
    assert text(page, "#last-by") == "rina" and text(page, "#last-note") == NOTE
    assert datetime.fromisoformat(page.locator('#handover-form input[name="dari"]').input_value()) == h["window_end"]
    with page.expect_download() as download:
        page.click("#report-link")
    assert "# Serah terima shift" in Path(download.value.path()).read_text(encoding="utf-8")
    context.close()


def test_analyst_is_refused(served, browser):
    url, _ = served
    context, page, _ = login(browser, url, "u-analyst")
    assert page.get_by_role("link", name="Serah terima").count() == 0
    response = page.goto(f"{url}/serah-terima")
    assert response.status == 403 and "tidak diizinkan" in page.content()
    context.close()
