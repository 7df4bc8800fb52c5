"""Stored XSS, the standing campaign (issue 21): payloads in every field a post, a reviewer or a watchlist can fill,
rendered by Debian's Chromium on every page that shows them. Nothing may run and no payload may become markup: the
page must not grow a script, an event handler, a frame or a `javascript:` link, whatever the CSP would have blocked.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from conftest import NOW, result
from pantau.post import Post
from pantau.triage.app import create_app
from pantau.triage.server import CHROMIUM, ThreadServer
from test_triage_helpers import add_users, browser, browser_login  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.slow
pytest.importorskip("playwright.sync_api")

# Each payload, if it ever ran, would set window.__xss or open a dialog.
PAYLOADS = [
    '<script>window.__xss="script"</script>',
    '<img src=x onerror="window.__xss=\'img\'">',
    '<svg onload="window.__xss=\'svg\'"></svg>',
    '"><script>window.__xss="attr"</script>',
    "'><img src=x onerror=alert('single')>",
    '" onmouseover="window.__xss=\'hover\'" x="',
    '</textarea><script>window.__xss="textarea"</script>',
    '</title><script>window.__xss="title"</script>',
    '<iframe srcdoc="<script>parent.__xss=\'iframe\'</script>"></iframe>',
    '<a href="javascript:window.__xss=\'link\'">klik</a>',
    '<details open ontoggle="window.__xss=\'details\'">',
    '<body onload="window.__xss=\'body\'">',
    '{{ 7*7 }}{% raw %}<script>window.__xss="jinja"</script>',
    '<style>@import "http://127.0.0.1:9/x.css";</style>',
    '<object data="data:text/html,<script>parent.__xss=1</script>"></object>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=\'mxss\'">',
]
BAD_MARKUP = ("script:not([src]), [onerror], [onload], [onmouseover], [ontoggle], iframe, object, embed, "
              "a[href^='javascript:'], a[href^='data:'], svg[onload], details[ontoggle], style:not([nonce])")


def _post(i: int, payload: str) -> Post:
    return Post.from_payload({
        "platform": "demo", "post_id": f"x{i}", "text": f"Ayo pilih nomor 2 {payload}",
        "url": "javascript:window.__xss='url'" if i % 2 else f"http://127.0.0.1/p/{i}?q={payload}",
        "created_at": (NOW - timedelta(hours=i)).isoformat(), "captured_at": (NOW - timedelta(hours=i)).isoformat(),
        "author": {"id": f"a{i}", "handle": f"h{i}{payload}", "name": f"Nama {payload}", "bio": f"Guru SDN 1 {payload}",
                   "location": payload},
        "region": f"Kab. {payload}", "kind": "repost" if i % 3 == 0 else "post",
        "shared_from": {"platform": "demo", "post_id": f"o{i}", "url": f"http://127.0.0.1/o/{i}", "text": payload,
                        "author": {"handle": payload, "name": payload, "bio": payload}} if i % 3 == 0 else None,
        "media": [{"type": "image", "url": "http://127.0.0.1/m.jpg", "alt": payload}],
    })


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from pantau.store.db import Store

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    store = Store(tmp_path_factory.mktemp("xss") / "x.duckdb")
    posts = [_post(i, p) for i, p in enumerate(PAYLOADS)]
    store.ingest(posts, watchlist='Tim <script>window.__xss="watchlist"</script>')
    results = []
    for p in posts:
        r = result(p, 0.9, True, "kampanye_medsos")
        start = p.text.find("nomor")
        r["signals"] = [{"name": "vote_call", "source": "text", "start": start, "end": start + 5, "text": "nomor"},
                        {"name": "asn_role", "source": "bio", "start": 0, "end": 4, "text": p.author.bio[:4]}]
        results.append(r)
    store.save_classifications(results)
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"), ("adi", "admin"), ("ana", "analyst"))
    for i, payload in enumerate(PAYLOADS[:6]):
        store.add_note("demo", f"x{i}", "rina", f"catatan {payload}")
        store.record_decision("demo", f"x{i}", "violation", reviewer="rina", reason=f"alasan {payload}")
    with ThreadServer(create_app(store.path, secret=b"xss")) as url:
        yield url, store


def _visit_all(browser, url: str, username: str, paths: list[str]) -> list[str]:
    context, page, dialogs = browser_login(browser, url, username)
    problems = []
    for path in paths:
        response = page.goto(url + path)
        if response is None or response.status >= 400:
            problems.append(f"{path}: HTTP {response.status if response else '-'}")
            continue
        page.mouse.move(200, 200)  # hover handlers would fire now
        ran = page.evaluate("window.__xss")
        if ran is not None:
            problems.append(f"{path}: payload ran ({ran})")
        markup = page.locator(BAD_MARKUP).count()
        if markup:
            problems.append(f"{path}: {markup} element(s) built from a payload")
    context.close()
    return problems + [f"dialog: {d}" for d in dialogs]


def test_no_payload_runs_or_becomes_markup_on_any_page(served, browser):
    url, _ = served
    items = [f"/pos/demo/x{i}" for i in range(len(PAYLOADS))]
    reviewer_pages = ["/antrean", "/antrean?status=all", "/antrean?q=pilih", "/antrean?q=%3Cscript%3E", *items]
    supervisor_pages = ["/konfirmasi", "/kesepakatan", "/statistik", "/analisis", "/rujukan", *items[:6]]
    problems = (_visit_all(browser, url, "rina", reviewer_pages) + _visit_all(browser, url, "sari", supervisor_pages)
                + _visit_all(browser, url, "ana", ["/statistik", "/analisis", "/antrean"])
                + _visit_all(browser, url, "adi", ["/audit", "/pengguna", "/pemantauan"]))
    assert problems == []


def test_the_payloads_are_shown_as_text(served, browser):
    """Escaping, not dropping: the reviewer sees exactly what the author wrote."""
    url, _ = served
    context, page, _ = browser_login(browser, url, "sari")
    for i, payload in enumerate(PAYLOADS):
        page.goto(f"{url}/pos/demo/x{i}")
        body = page.inner_text("body")
        assert payload in body, (i, payload)
    context.close()


def test_the_check_would_see_a_payload_that_became_markup(browser):
    """The detector itself: the same payloads pasted in as markup are seen (no CSP on this page)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<body>" + "".join(PAYLOADS) + "</body>")
    page.mouse.move(5, 5)
    assert page.evaluate("window.__xss") is not None
    assert page.locator(BAD_MARKUP).count() >= 8
    context.close()
