"""The triage item page of a share (issue 16): "Dibagikan oleh <sharer> dari <original author>", the original
author's bio and the post's media, escaped like everything else on the page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau.post import Post
from pantau.triage.app import create_app
from test_triage_helpers import add_users, login


def share_post() -> Post:
    base = make_post(90, "Dukung terus paslon nomor urut 3!", bio="Guru SDN 1")
    return Post.from_payload({
        **base.to_payload(), "kind": "repost", "author": {"id": "u90", "handle": "guru_ani", "name": "Ani",
                                                           "bio": "Guru SDN 1"},
        "shared_from": {"platform": "demo", "post_id": "77", "url": "https://example.org/p/77",
                        "created_at": "2026-11-18T03:00:00Z",
                        "author": {"id": "u77", "handle": "tim_tiga", "name": "Tim <Tiga>", "bio": "Relawan pemenangan"},
                        "text": "Dukung terus paslon nomor urut 3!"},
        "media": [{"type": "image", "url": "https://example.org/m/1.jpg", "alt": "salam tiga jari"},
                  {"type": "poll", "url": "javascript:alert(1)", "alt": None}],
    })


def test_item_page_shows_the_sharer_the_original_and_the_media(seeded_store):
    store, _ = seeded_store
    post = share_post()
    store.ingest([post])
    store.save_classifications([result(post, 0.95, True, "interaksi_pemenangan")])
    add_users(store, ("rina", "reviewer"))
    c = TestClient(create_app(store.path, secret=b"test-secret"))
    login(c, "rina")
    page = c.get(f"/pos/demo/{post.post_id}")
    assert page.status_code == 200
    html = page.text
    assert 'id="shared-from"' in html and "Dibagikan oleh <strong>Ani</strong> @guru_ani dari" in html
    assert "<strong>Tim &lt;Tiga&gt;</strong> @tim_tiga" in html, "both accounts, escaped"
    assert "18-11-2026 10:00 WIB" in html, "the original's time in WIB"
    assert 'href="https://example.org/p/77"' in html and "Bio akun asal: Relawan pemenangan" in html
    assert "foto: salam tiga jari" in html and 'href="https://example.org/m/1.jpg"' in html
    assert "polling" in html and "javascript:" not in html, "only http(s) media links"


def test_item_page_of_an_ordinary_post_has_no_share_line(seeded_store):
    store, posts = seeded_store
    add_users(store, ("rina", "reviewer"))
    c = TestClient(create_app(store.path, secret=b"test-secret"))
    login(c, "rina")
    html = c.get(f"/pos/demo/{posts[0].post_id}").text
    assert 'id="shared-from"' not in html and 'id="media"' not in html
