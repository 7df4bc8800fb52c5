"""Issue 22: a reviewer's whole day in a real browser (Playwright + Debian chromium, the app served by uvicorn).

One decision form (decision, checklist, reason, note) saved by the keyboard in one page load; a draft reason written
from the evidence; "Tersimpan — [Batalkan]" (a real withdrawal); needs-info items out of the automatic order; Back +
send again adds nothing; a guard before leaving an unsaved item, and the claim released on leaving; Indonesian messages for wrong keys and
duplicates; a phone (390x844): nothing scrolls sideways, rows open on a tap, the decision buttons in the first screen.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import pytest

from conftest import make_post, result
from pantau.referral.reporter import Reporter
from pantau.triage.app import create_app
from pantau.triage.server import CHROMIUM, ThreadServer
from test_triage_helpers import add_users, browser  # noqa: F401 - browser is a fixture
from test_triage_helpers import browser_login as login

pytestmark = pytest.mark.slow

pytest.importorskip("playwright.sync_api")

ITEMS = 24
REPORTER = Reporter(name="Siti Rahmawati", address="Jl. Kaliurang Km 5, Sleman", phone="0812-3456-7890",
                    email="siti@example.org", organisation="Tim Pantau Sleman", occupation="Pemantau",
                    citizenship="WNI", sex="Perempuan", birth_place="Sleman", birth_date="12 Maret 1990")
PHONE = {"width": 390, "height": 844}
PHONE_CONTEXT = {"viewport": PHONE, "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from pantau.store.db import Store

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    store = Store(tmp_path_factory.mktemp("flow") / "flow.duckdb")
    posts = [make_post(i, f"Sebagai guru SD saya ajak pilih paslon nomor {i % 3 + 1} #coblos{i}",
                       bio="Guru SDN 3 Sleman, ASN") for i in range(1, ITEMS + 1)]
    store.ingest(posts)
    results = [result(p, 0.99 - i * 0.01, True, "kampanye_medsos") for i, p in enumerate(posts)]
    for r, p in zip(results, posts):
        act, role = p.text.find("ajak pilih"), p.text.find("guru SD")
        r["signals"] = [{"name": "vote_call", "source": "text", "start": act, "end": act + 10, "text": "ajak pilih"},
                        {"name": "asn_role", "source": "text", "start": role, "end": role + 7, "text": "guru SD"}]
    store.save_classifications(results)
    add_users(store, ("rina", "reviewer"), ("budi", "reviewer"), ("sari", "supervisor"), ("ana", "analyst"),
              ("mon", "monitor"), ("adm", "admin"))
    app = create_app(store.path, secret=b"flow", referrals={"reporter": lambda: REPORTER,
                                                             "out_dir": tmp_path_factory.mktemp("paket")})
    with ThreadServer(app) as url:
        yield url, store


def open_first_item(page, url: str) -> None:
    """From the queue, by keyboard: Enter opens the first (selected) row."""
    page.goto(f"{url}/antrean")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/pos/demo/"))


def _current(page) -> str:
    return _current_of(page.url)


def test_fifteen_decisions_with_checklist_reason_and_note_by_keyboard(served, browser):
    url, store = served
    context, page, dialogs = login(browser, url, "rina")
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    open_first_item(page, url)
    plan = ["1", "2", "3"] * 5  # violation, not a violation, needs information
    opened, keys = [], 0
    for key in plan:
        current = _current(page)
        opened.append(current)
        loads.clear()
        strokes = [key, "i", "t", "m", "n"]
        for k in strokes:
            page.keyboard.press(k)
        page.keyboard.type("cek bio")
        page.keyboard.press("Control+Enter")
        keys += len(strokes) + len("cek bio") + 2  # Ctrl+Enter counted as two keys
        page.wait_for_url(lambda u, c=current: _current_of(u) != c)
        page.wait_for_load_state()
        assert len(loads) == 1, loads  # one page load per decision: the next item
        assert page.locator("#saved").is_visible() and current in page.locator("#saved").inner_text()
    assert keys / len(plan) <= 20, keys / len(plan)
    assert len(set(opened)) == len(opened), opened  # needs-info items did not come back in this session
    rows = store.query(
        """SELECT d.post_id, d.decision, d.reason, n.checklist FROM decisions d
           JOIN notes n ON n.platform = d.platform AND n.post_id = d.post_id AND n.checklist IS NOT NULL
           WHERE d.reviewer = 'rina' ORDER BY d.decision_id""")
    assert [r["post_id"] for r in rows] == opened
    codes = {"1": "violation", "2": "not_violation", "3": "needs_info"}
    assert [r["decision"] for r in rows] == [codes[k] for k in plan]
    for r in rows:
        assert r["reason"] and len(r["reason"]) > 10, r  # the draft reason from the evidence was kept
        assert '"asn_identity": true' in r["checklist"] and '"election_period": true' in r["checklist"]
    notes = store.query("SELECT post_id FROM notes WHERE username = 'rina' AND body = 'cek bio'")
    assert sorted(n["post_id"] for n in notes) == sorted(opened)
    assert "Identitas" in rows[0]["reason"] and "ajak pilih" in rows[0]["reason"]
    assert not dialogs
    context.close()


def _current_of(u: str) -> str:
    return u.split("?")[0].rsplit("/", 1)[1]


def test_back_and_send_again_adds_no_decision(served, browser):
    url, store = served
    context, page, _ = login(browser, url, "budi")
    open_first_item(page, url)
    first = _current(page)
    start = store.scalar("SELECT count(*) FROM decisions WHERE post_id = ?", [first])  # rina's, if needs-info
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: _current_of(u) != first)
    before = store.scalar("SELECT count(*) FROM decisions WHERE post_id = ?", [first])
    assert before == start + 1
    page.go_back()
    page.wait_for_url(lambda u: _current_of(u) == first)
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: _current_of(u) != first)
    assert store.scalar("SELECT count(*) FROM decisions WHERE post_id = ?", [first]) == before
    context.close()


def test_leaving_an_unsaved_item_asks_and_releases_the_claim(served, browser):
    url, store = served
    context, page, dialogs = login(browser, url, "budi")
    open_first_item(page, url)
    here = _current(page)
    assert store.scalar("SELECT count(*) FROM claims WHERE post_id = ? AND username = 'budi'", [here]) == 1
    page.keyboard.press("x")  # a key with no use says so, in Indonesian
    assert "tidak dipakai" in page.locator("#key-hint").inner_text()
    page.keyboard.press("1")
    page.keyboard.press("j")  # the dialog is dismissed (test_triage_helpers): the item stays open
    assert dialogs and "belum disimpan" in dialogs[-1]
    assert _current(page) == here
    page.goto(f"{url}/antrean")  # leaving: the claim goes at once, not after 15 minutes
    deadline = time.monotonic() + 10
    while store.scalar("SELECT count(*) FROM claims WHERE post_id = ? AND username = 'budi'", [here]) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.scalar("SELECT count(*) FROM claims WHERE post_id = ? AND username = 'budi'", [here]) == 0
    context.close()


def test_duplicate_needs_a_stored_target_and_says_so(served, browser):
    url, store = served
    context, page, _ = login(browser, url, "budi")
    open_first_item(page, url)
    here = _current(page)
    page.keyboard.press("4")
    page.keyboard.press("2")  # 2 changes the decision; it is not typed into the duplicate field
    assert page.locator('input[name=decision][value=not_violation]').is_checked()
    assert page.locator("input[name=duplicate_of]").input_value() == ""
    page.keyboard.press("4")
    page.keyboard.press("Enter")  # no target: stays, says why
    assert "Duplikat dari" in page.locator("#key-hint").inner_text() and _current(page) == here
    page.fill("input[name=duplicate_of]", "demo/tidak-ada")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "tidak ditemukan" in page.content() and "duplicate_of" not in page.content()
    page.goto(f"{url}/pos/demo/{here}")
    page.keyboard.press("4")
    page.keyboard.press("d")
    page.keyboard.type(f"{url}/pos/demo/{ITEMS}")  # the address of the original's page works too
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: _current_of(u) != here)
    row = store.query("SELECT decision, duplicate_of FROM decisions WHERE post_id = ? ORDER BY decision_id DESC",
                      [here])[0]
    assert row == {"decision": "duplicate", "duplicate_of": f"demo/{ITEMS}"}
    context.close()


def test_supervisor_from_login_to_a_downloaded_package_in_three_clicks(served, browser):
    url, store = served
    context, page, _ = login(browser, url, "sari")
    page.goto(f"{url}/konfirmasi")  # setting up: one violation of test 1 confirmed by the second pair of eyes
    page.locator("button.confirm-agree").first.click()
    page.wait_for_load_state()
    context.close()
    ready = store.query("""SELECT platform, post_id FROM queue_items qi WHERE status = 'confirmed' AND NOT EXISTS (
                               SELECT 1 FROM referrals r WHERE r.post_id = qi.post_id)""")
    assert ready

    context, page, _ = login(browser, url, "sari")  # lands on the queue, which says what waits for a supervisor
    assert page.locator("#waiting-ready strong").inner_text() == str(len(ready))
    page.locator("#waiting-ready").click()  # 1
    page.wait_for_url(re.compile(r"/rujukan"))
    assert page.locator("#ready-count").inner_text() == str(len(ready))
    page.locator("button.build-package").first.click()  # 2
    page.wait_for_url(re.compile(r"/rujukan\?dibuat="))
    with page.expect_download() as download:
        page.locator("#package-download").click()  # 3
    path = download.value.path()
    assert Path(path).read_bytes()[:2] == b"PK"  # a zip
    case = store.query("SELECT package_sha256 FROM referrals WHERE post_id = ?", [ready[0]["post_id"]])[0]
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == case["package_sha256"]
    context.close()


PHONE_PAGES = {  # role -> pages it opens
    "rina": ["/antrean", "/masukan", "/tangkap", "/periksa-ulang"],
    "sari": ["/antrean", "/konfirmasi", "/rujukan", "/kesepakatan", "/statistik", "/analisis"],
    "ana": ["/analisis", "/statistik"],
    "mon": ["/pemantauan", "/masukan"],
    "adm": ["/pengguna", "/audit", "/token", "/pengaturan/pelapor"],
}


def test_phone_nothing_scrolls_sideways_and_decisions_are_in_the_first_screen(served, browser):
    url, store = served
    opened = 0
    context = browser.new_context(**PHONE_CONTEXT)
    page = context.new_page()
    page.goto(f"{url}/masuk")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], ("/masuk", wide)
    context.close()
    for user, paths in PHONE_PAGES.items():
        context, page, _ = login(browser, url, user, **PHONE_CONTEXT)
        for path in paths:
            response = page.goto(f"{url}{path}")
            assert response.status == 200, (user, path)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE["width"], (user, path, wide)
            opened += 1
        if user == "sari":
            page.goto(f"{url}/antrean")
            page.locator("tr.queue-row td.score").first.tap()  # a tap on the row (not its link) opens the item
            page.wait_for_url(re.compile(r"/pos/demo/"))
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            assert page.evaluate("window.scrollY") == 0
            for selector in ("#item-deadline", "#post-text", "input[name=decision][value=violation]",
                             "input[name=decision][value=not_violation]", "#decide-submit"):
                box = page.locator(selector).first.bounding_box()
                assert box and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE["height"], (selector, box)
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)
        context.close()
    assert opened == sum(len(p) for p in PHONE_PAGES.values())


def test_batalkan_withdraws_the_decision_just_made(served, browser, monkeypatch):
    """"Tersimpan - [Batalkan]" after a save, on a phone: Batalkan (reached by Tab, pressed with Enter) withdraws the
    decision (the item back to the status before, the claim back to the reviewer, the decision kept and marked); the
    button goes after PANTAU_UNDO_SHOWN_SECONDS."""
    url, store = served
    monkeypatch.setenv("PANTAU_UNDO_SHOWN_SECONDS", "3")
    context, page, _ = login(browser, url, "budi", **PHONE_CONTEXT)
    open_first_item(page, url)
    first = _current(page)
    before = store.review_state("demo", first)
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: _current_of(u) != first)
    decided = store.scalar("SELECT max(decision_id) FROM decisions WHERE post_id = ?", [first])
    assert store.review_state("demo", first).status == "not_violation"
    notice = page.locator("#saved")
    assert "Tersimpan" in notice.inner_text() and page.locator("#undo").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.keyboard.press("b")  # the key for Batalkan (Tab + Enter on the button works too)
    page.wait_for_url(lambda u: _current_of(u) == first and "dibatalkan=1" in u)
    assert page.locator("#withdrawn").is_visible()
    assert store.review_state("demo", first) == before
    assert store.scalar("SELECT withdrawn_by FROM decision_withdrawals WHERE decision_id = ?", [decided]) == "budi"
    assert store.scalar("SELECT count(*) FROM decisions WHERE decision_id = ?", [decided]) == 1
    assert store.scalar("SELECT username FROM claims WHERE post_id = ?", [first]) == "budi"
    assert "dibatalkan" in page.locator("#history").inner_text()
    # the next save shows Batalkan again, for the configured seconds only
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: _current_of(u) != first)
    assert page.locator("#undo").is_visible()
    second = _current(page)
    page.locator("#undo").focus()  # by Tab order: the button
    assert page.evaluate("document.activeElement.id") == "undo"
    page.wait_for_selector("#saved", state="hidden", timeout=10_000)
    page.keyboard.press("b")  # gone with the notice: b withdraws nothing any more
    assert "tidak dipakai" in page.locator("#key-hint").inner_text() and _current(page) == second
    assert store.review_state("demo", first).status == "needs_info"
    context.close()
