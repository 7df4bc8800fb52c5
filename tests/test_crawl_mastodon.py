"""Mastodon (issue 16): a reblog is the reblogger's post with the original in shared_from; media descriptions,
preview cards and profile fields are kept; a status with media and no text is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.crawlers.fakeserver import FakeServer, platform_fake
from pantau.crawlers.platforms.mastodon import parse
from pantau.crawlers.run import run_crawl
from pantau.post import iter_jsonl_posts

MASTO = platform_fake("mastodon")
FIX = Path(__file__).parent / "fixtures" / "mastodon"


def test_a_real_reblog_is_the_rebloggers_post():
    [p], _ = parse.parse_page((FIX / "real_reblog.json").read_bytes())
    assert p["post_id"].endswith("/statuses/109440142486581428/activity") and p["kind"] == "repost"
    assert p["created_at"] == "2022-12-01T19:47:29.173Z" and p["text"] == "Toot!"
    assert p["shared_from"]["post_id"] == "http://localhost:3000/users/mastodonpy_test/statuses/109440142482846015"
    assert p["author"]["bio"] == "I walk funny\nbread: toasty.\nlasagna: no!!!"  # note + profile fields


def test_quote_and_reply_kinds():
    [original], _ = parse.parse_page((FIX / "real_reblog.json").read_bytes())
    status = {"id": "9", "uri": "https://i/users/a/statuses/9", "created_at": "2024-11-20T09:00:00Z", "content": "<p>Setuju</p>",
              "account": {"acct": "a", "note": ""}, "quote": {"state": "accepted", "quoted_status": {
                  "id": "8", "uri": "https://i/users/b/statuses/8", "content": "<p>Coblos 02 &amp; menang</p>",
                  "account": {"acct": "b", "note": "<p>Tim pemenangan</p>"}, "created_at": "2024-11-20T08:00:00Z"}}}
    reply = {"id": "10", "uri": "https://i/users/a/statuses/10", "content": "<p>iya</p>", "in_reply_to_id": "8",
             "account": {"acct": "a"}}
    quote, answer = parse.parse_page([status, reply])[0]
    assert quote["kind"] == "quote" and quote["text"] == "Setuju\n\nCoblos 02 & menang"
    assert quote["shared_from"]["author"] == {"id": None, "handle": "b", "name": None, "bio": "Tim pemenangan"}
    assert answer["kind"] == "reply" and original["kind"] == "repost"


@pytest.mark.slow
def test_crawl_keeps_reblogs_media_and_cards(tmp_path):
    with FakeServer(MASTO.app) as server:
        run_crawl("mastodon", tmp_path / "m.jsonl", spider_args=MASTO.spider_args(server.url), state_path=False, timeout=90)
        base = server.url
    posts = {p.post_id: p for p in iter_jsonl_posts(tmp_path / "m.jsonl")}
    assert set(posts) == {i.replace("{base}", base) for i in MASTO.expected_ids()}
    reblog = posts[f"{base}/users/guru_ahmad/statuses/{MASTO.REBLOG_ID}/activity"]
    assert (reblog.kind, reblog.author.handle, reblog.shared_from.author.handle) == ("repost", "guru_ahmad", "relawan_tiga")
    assert reblog.text == "Dukung terus paslon nomor urut 3, ikut kampanye akbar Minggu besok"
    photo = posts[f"{base}/users/bidan_rina/statuses/{MASTO.PHOTO_ID}"]
    assert photo.text == "[foto] Foto bersama paslon nomor 1 di posko pemenangan" and photo.media[0].type == "image"
    card = posts[f"{base}/users/kpu_sleman_info/statuses/{MASTO.CARD_ID}"]
    assert card.text == "Baca ini\n\nJadwal Pilkada & Tahapan\nSemua tanggal penting"
    assert reblog.author.bio == "Guru SMPN 1 Makassar | PNS\nKantor: Kota Makassar"
