"""The browser extension "Kirim ke pantau" (issue 19) in Debian's Chromium: the unpacked extension/ folder loaded
into a persistent context, look-alike Facebook, Instagram and TikTok pages served on 127.0.0.1, the triage app served
by uvicorn (it owns the DuckDB file), and the capture started from the extension's service worker as its toolbar
button does. The post must be in the queue with the screenshot and MHTML snapshot whose hashes the browser computed;
with the server down, the capture is kept in the extension and stored when the server is back."""

from __future__ import annotations

import functools
import hashlib
import http.server
import re
import socket
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import uvicorn

from pantau.referral.evidence import evidence_dir, file_sha256
from pantau.store import tokens
from pantau.triage.app import create_app
from pantau.triage.capture import LazyClassifier
from pantau.triage.server import CHROMIUM, CHROMIUM_ARGS, ThreadServer, listening_socket, uvicorn_config
from test_capture_api import shipped_model  # noqa: F401 - the fixture
from test_triage_helpers import add_users

pytestmark = pytest.mark.slow
playwright_api = pytest.importorskip("playwright.sync_api")

EXTENSION = Path(__file__).resolve().parents[1] / "extension"
PAGES = Path(__file__).parent / "fixtures" / "capture"
CASES = {  # look-alike page -> (platform, canonical post URL, author handle, a phrase of the post's text)
    "facebook.html": ("facebook", "https://www.facebook.com/sari.wulandari.guru/posts/pfbid02Xy7Lk",
                      "sari.wulandari.guru", "coblos nomor 2"),
    "instagram.html": ("instagram", "https://www.instagram.com/p/C9xYzAbCdEf/", "budi.camat.cibinong",
                       "menangkan lagi di pilkada"),
    "tiktok.html": ("tiktok", "https://www.tiktok.com/@bidan.rina.puskesmas/video/7431234567890123456",
                    "bidan.rina.puskesmas", "pilih nomor 1"),
}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def pages():
    """The look-alike pages on 127.0.0.1 (a plain static server, like the platforms' public pages)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(PAGES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def make_app(tmp_path, loader):
    app = create_app(tmp_path / "ext.duckdb", secret=b"extension-test")
    app.state.capture_classifier = LazyClassifier(loader)
    add_users(app.state.store, ("mon", "monitor"))
    return app


@pytest.fixture
def browser(tmp_path):
    """Chromium with the unpacked extension; yields (context, the extension's service worker)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            args=[*CHROMIUM_ARGS, f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}"])
        try:
            worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
            assert worker.url.startswith("chrome-extension://") and worker.url.endswith("/background.js")
            yield context, worker
        finally:
            context.close()


def configure(worker, server: str, token: str) -> None:
    worker.evaluate("([server, token]) => chrome.storage.local.set({server, token})", [server, token])


def capture(context, worker, url: str) -> dict:
    page = context.new_page()
    page.goto(url)
    page.bring_to_front()
    result = worker.evaluate("self.pantau.captureActiveTab()")
    result["toast"] = page.locator("#pantau-capture-toast").inner_text(timeout=5000)
    return result


def stored_capture(store, platform: str) -> tuple[dict, dict]:
    [post] = store.query("SELECT * FROM posts WHERE platform = ?", [platform])
    files = {e["kind"]: e for e in store.query("SELECT * FROM evidence WHERE post_id = ? AND platform = ?",
                                                [post["post_id"], platform])}
    return post, files


def test_extension_captures_facebook_instagram_tiktok_into_the_queue(tmp_path, pages, browser, shipped_model):
    context, worker = browser
    app = make_app(tmp_path, shipped_model)
    store = app.state.store
    with ThreadServer(app) as url:
        _, token = tokens.create_token(store, "mon", "laptop")
        configure(worker, url, token)
        for name, (platform, canonical, handle, phrase) in CASES.items():
            before = datetime.now(timezone.utc)
            result = capture(context, worker, f"{pages}/{name}")
            assert result["sent"] and result["platform"] == platform, result
            assert re.fullmatch(r"tersimpan, skor \d\.\d\d, masuk antrean", result["message"]), result
            assert result["message"] in result["toast"]
            post, files = stored_capture(store, platform)
            assert post["url"] == canonical and post["author_handle"] == handle and phrase in post["text"]
            assert before <= post["captured_at"].astimezone(timezone.utc) <= datetime.now(timezone.utc)
            [queued] = store.query("SELECT status FROM queue_items WHERE platform = ? AND post_id = ?",
                                   [platform, post["post_id"]])
            assert queued["status"] == "new"
            # the hashes the browser computed are those of the files pantau keeps
            assert files["png"]["sha256"] == result["screenshot_sha256"]
            assert files["html"]["sha256"] == result["snapshot_sha256"]
            root = evidence_dir(store.path)
            for kind in ("png", "html"):
                assert file_sha256(root / files[kind]["path"]) == files[kind]["sha256"]
                assert files[kind]["url"] == f"{pages}/{name}"
            shot = (root / files["png"]["path"]).read_bytes()
            assert shot.startswith(b"\x89PNG") and len(shot) > 5000
            snapshot = (root / files["html"]["path"]).read_bytes().decode("utf-8", "replace")
            assert snapshot.startswith("From: <Saved by Blink>") and f"{pages}/{name}" in snapshot
            assert "pantau-capture-toast" not in snapshot  # the result notice is never part of the evidence
            [audit] = store.query("SELECT detail FROM audit_log WHERE action = 'capture' AND detail LIKE ?",
                                  [f"%{post['post_id']}%"])
            assert result["screenshot_sha256"] in audit["detail"] and result["snapshot_sha256"] in audit["detail"]
        assert worker.evaluate("self.pantau.kept()") == []  # nothing left on the device
    assert store.scalar("SELECT count(*) FROM captures WHERE source = 'extension'") == 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_capture_is_kept_while_the_server_is_down_and_sent_on_retry(tmp_path, pages, browser, shipped_model):
    context, worker = browser
    app = make_app(tmp_path, shipped_model)
    store = app.state.store
    _, token = tokens.create_token(store, "mon", "laptop")  # before the app owns the file
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    configure(worker, url, token)  # nothing listens there yet: the server is down
    result = capture(context, worker, f"{pages}/tiktok.html")
    assert result["kept"] and not result["sent"] and "disimpan" in result["message"] and "disimpan" in result["toast"]
    [kept] = worker.evaluate("self.pantau.kept()")
    assert kept["state"] == "pending" and kept["attempts"] == 1 and kept["snapshot_sha256"] == result["snapshot_sha256"]
    assert worker.evaluate("self.pantau.retryPending()")[0]["kept"]  # still down: still kept
    assert len(worker.evaluate("self.pantau.kept()")) == 1
    time.sleep(1.5)  # the capture time must stay the moment of capture, not the moment it was finally sent

    server = uvicorn.Server(uvicorn_config(app, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening_socket("127.0.0.1", port)]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        sent = worker.evaluate("self.pantau.retryPending()")
        if not sent:  # the alarm or start-up retry got there first
            sent = [{"sent": store.scalar("SELECT count(*) FROM captures") == 1}]
        assert sent[0]["sent"], sent
        assert worker.evaluate("self.pantau.kept()") == []
        post, files = stored_capture(store, "tiktok")
        assert files["png"]["sha256"] == result["screenshot_sha256"]
        assert files["html"]["sha256"] == result["snapshot_sha256"]
        [row] = store.query("SELECT captured_at, received_at, capture_id FROM captures")
        assert row["capture_id"] == kept["id"]
        assert post["captured_at"] == row["captured_at"]  # known since = capture time
        assert (row["received_at"] - row["captured_at"]).total_seconds() >= 1.5
        assert worker.evaluate("self.pantau.retryPending()") == []  # sent once: nothing is sent twice
        assert store.scalar("SELECT count(*) FROM captures") == 1 and store.scalar("SELECT count(*) FROM posts") == 1
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_refused_capture_is_kept_and_marked(tmp_path, pages, browser, shipped_model):
    context, worker = browser
    app = make_app(tmp_path, shipped_model)
    with ThreadServer(app) as url:
        configure(worker, url, "token-yang-salah-" + "x" * 30)
        result = capture(context, worker, f"{pages}/facebook.html")
        assert result["kept"] and not result["sent"] and "Token tidak valid" in result["message"], result
        [kept] = worker.evaluate("self.pantau.kept()")
        assert kept["state"] == "pending"  # a wrong token is fixed in the options, then the capture is sent
        _, token = tokens.create_token(app.state.store, "mon")
        configure(worker, url, token)
        deadline = time.monotonic() + 20
        while worker.evaluate("self.pantau.kept()") and time.monotonic() < deadline:
            worker.evaluate("self.pantau.retryPending()")
            time.sleep(0.2)
        assert worker.evaluate("self.pantau.kept()") == []
        assert app.state.store.scalar("SELECT platform FROM posts") == "facebook"
        digest = hashlib.sha256((evidence_dir(app.state.store.path) / stored_capture(
            app.state.store, "facebook")[1]["png"]["path"]).read_bytes()).hexdigest()
        assert digest == result["screenshot_sha256"]


def test_options_page_lists_kept_captures_and_saving_settings_sends_them(tmp_path, pages, browser, shipped_model):
    context, worker = browser
    app = make_app(tmp_path, shipped_model)
    with ThreadServer(app) as url:
        result = capture(context, worker, f"{pages}/instagram.html")  # not configured yet: kept on the device
        assert result["kept"] and "setel alamat server dan token" in result["toast"]
        extension_id = worker.url.split("/")[2]
        options = context.new_page()
        options.goto(f"chrome-extension://{extension_id}/options.html")
        row = options.locator("#kept tbody tr")
        row.wait_for()
        assert "https://www.instagram.com/p/C9xYzAbCdEf/" in row.inner_text() and "menunggu" in row.inner_text()
        _, token = tokens.create_token(app.state.store, "mon")
        options.fill("#server", url + "/")
        options.fill("#token", token)
        options.click("#settings button[type=submit]")
        options.wait_for_selector("#saved:has-text('Tersimpan')")
        deadline = time.monotonic() + 20  # saving the settings sends what is kept, without another action
        while worker.evaluate("self.pantau.kept()") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker.evaluate("self.pantau.kept()") == []
        assert worker.evaluate("chrome.storage.local.get('server')")["server"] == url
        post, files = stored_capture(app.state.store, "instagram")
        assert post["author_handle"] == "budi.camat.cibinong"
        assert files["png"]["sha256"] == result["screenshot_sha256"]
        options.reload()
        options.wait_for_selector("#last:has-text('tersimpan')")
