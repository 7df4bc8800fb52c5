"""The phone app (issue 19): the triage app as an installable web app whose Web Share Target (POST /bagikan:
url, text, image) reaches intake through the service worker with the device's token. Debian's Chromium drives the
real app served by uvicorn; a share is the navigation POST the browser makes when "Bagikan -> pantau" is chosen."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pantau.referral.evidence import evidence_dir, file_sha256
from pantau.triage.app import create_app
from pantau.triage.capture import LazyClassifier
from pantau.triage.server import CHROMIUM, CHROMIUM_ARGS, ThreadServer
from test_capture_api import png_bytes, shipped_model  # noqa: F401 - the fixture
from test_triage_helpers import PASSWORD, add_users

pytestmark = pytest.mark.slow
playwright_api = pytest.importorskip("playwright.sync_api")

SHARED_URL = "https://www.tiktok.com/@pak.lurah.sukamaju/video/7439998887776665554"
SHARED_TEXT = "Pak Lurah ajak warga coblos nomor 3 di video ini"

SHARE = """([text, url]) => {
  const form = document.createElement("form");
  form.method = "post"; form.action = "/bagikan"; form.enctype = "multipart/form-data"; form.id = "share";
  for (const [name, value] of [["title", "TikTok"], ["text", text], ["url", url]]) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value; form.appendChild(input);
  }
  const file = document.createElement("input");
  file.type = "file"; file.name = "image"; file.id = "share-image"; form.appendChild(file);
  document.body.appendChild(form);
}"""


@pytest.fixture
def served(tmp_path, shipped_model):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    app = create_app(tmp_path / "share.duckdb", secret=b"share-test")
    app.state.capture_classifier = LazyClassifier(shipped_model)
    add_users(app.state.store, ("mon", "monitor"))
    with ThreadServer(app) as url, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield url, app.state.store, browser
        finally:
            browser.close()


def logged_in_app(browser, url: str):
    page = browser.new_context().new_page()
    page.goto(f"{url}/masuk?next=/tangkap")
    page.fill("input[name=username]", "mon")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{url}/tangkap")
    page.wait_for_selector("body[data-capture-ready='1']")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)") == f"{url}/sw.js"
    return page


def share(page, tmp_path: Path, image: bytes | None):
    page.evaluate(SHARE, [SHARED_TEXT, SHARED_URL])
    if image is not None:
        shot = tmp_path / "layar.png"
        shot.write_bytes(image)
        page.set_input_files("#share-image", str(shot))
    with page.expect_navigation():
        page.evaluate("document.getElementById('share').submit()")
    return page


def test_installable_app_shares_url_text_and_image_with_the_device_token(served, tmp_path):
    url, store, browser = served
    page = logged_in_app(browser, url)
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["share_target"]["action"] == "/bagikan" and manifest["share_target"]["method"] == "POST"
    assert manifest["share_target"]["params"]["files"][0]["name"] == "image"
    for icon in manifest["icons"]:
        assert page.evaluate("src => fetch(src).then(r => r.status)", icon["src"]) == 200

    # without a token on the device the share is refused, and says how to set one
    refused = share(page, tmp_path, png_bytes())
    assert "Token tidak ada" in refused.inner_text("#capture-error")
    assert store.scalar("SELECT count(*) FROM posts") == 0

    page.goto(f"{url}/token")
    page.fill("input[name=label]", "ponsel")
    page.click("#token-create button[type=submit]")
    page.click("#token-use-here")
    page.wait_for_selector("#device-token-status:has-text('tersimpan')")

    image = png_bytes(64, 48, 33)
    page.goto(f"{url}/tangkap")
    done = share(page, tmp_path, image)
    assert "masuk antrean" in done.inner_text("#capture-saved")
    [post] = store.query("SELECT * FROM posts")
    assert post["platform"] == "tiktok" and post["url"] == SHARED_URL and post["text"] == SHARED_TEXT
    [shot] = store.query("SELECT * FROM evidence WHERE kind = 'png'")
    assert shot["sha256"] == hashlib.sha256(image).hexdigest() == file_sha256(evidence_dir(store.path) / shot["path"])
    assert shot["sha256"] in done.inner_text("#capture-saved")
    [capture] = store.query("SELECT source, username, token_id FROM captures")
    assert capture["source"] == "share" and capture["username"] == "mon" and capture["token_id"]
    assert store.scalar("SELECT status FROM queue_items WHERE post_id = ?", [post["post_id"]]) == "new"

    # a revoked token stops the device's shares
    page.goto(f"{url}/token")
    page.click("#token-list button[type=submit]")
    page.wait_for_selector("#token-revoked")
    page.goto(f"{url}/tangkap")
    again = share(page, tmp_path, None)
    assert "dicabut" in again.inner_text("#capture-error")
    assert store.scalar("SELECT count(*) FROM captures") == 1
