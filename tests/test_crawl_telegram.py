"""Telegram web preview (issue 16): service messages are no posts, messages without text are kept with their
media, forwards are the forwarding channel's posts with the source in shared_from, and paging goes on past a page
without text posts until it reaches what the previous run saw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pantau.crawlers.fakeserver import FakeServer, platform_fake
from pantau.crawlers.platforms.telegram import parse
from pantau.crawlers.run import run_crawl
from pantau.post import iter_jsonl_posts

TG = platform_fake("telegram")
FIX = Path(__file__).parent / "fixtures" / "telegram"


def page(name: str) -> dict[str, dict]:
    posts, _ = parse.parse_page((FIX / name).read_bytes())
    return {p["post_id"]: p for p in posts}


def test_service_messages_are_skipped_and_media_only_messages_kept():
    posts = page("channel_media_service.html")
    assert set(posts) == {f"{TG.CHANNEL}/1018", f"{TG.CHANNEL}/1019", f"{TG.CHANNEL}/1021"}  # 1017, 1020: service
    assert posts[f"{TG.CHANNEL}/1018"]["media"] == [{"type": "image", "url": "https://cdn4.telesco.pe/file/foto1018.jpg", "alt": None}]
    assert posts[f"{TG.CHANNEL}/1018"]["text"] == "[foto]"
    assert [m["type"] for p in posts.values() for m in p["media"]] == ["image", "sticker", "video"]
    assert not any("pinned" in p["text"] or "Channel photo" in p["text"] for p in posts.values())


def test_forwards_are_the_forwarders_posts_with_their_source():
    posts = page("channel_forwards_poll.html")
    linked, hidden = posts[f"{TG.CHANNEL}/1013"], posts[f"{TG.CHANNEL}/1014"]
    assert (linked["kind"], linked["author"]["handle"]) == ("repost", TG.CHANNEL)
    assert linked["shared_from"]["post_id"] == "relawan_tiga_ch/77" and linked["shared_from"]["author"]["handle"] == "relawan_tiga_ch"
    assert linked["shared_from"]["author"]["name"] == "Relawan Tiga" and linked["shared_from"]["url"] == "https://t.me/relawan_tiga_ch/77"
    assert hidden["shared_from"]["author"] == {"id": None, "handle": None, "name": "Akun Tersembunyi", "bio": None}
    assert hidden["text"] == "Coblos 02 & menangkan!"
    poll = posts[f"{TG.CHANNEL}/1016"]
    assert poll["text"] == "[polling] Pilih siapa? / Paslon 01 / Paslon 02" and poll["media"][0]["type"] == "poll"
    assert posts[f"{TG.CHANNEL}/1015"]["text"] == "Foto deklarasi kemarin"  # a caption is the text


def test_before_number():
    assert parse.before_number("https://t.me/s/ch?before=1017") == 1017
    assert parse.before_number(None) is None and parse.before_number("https://t.me/s/ch") is None


@pytest.mark.slow
def test_crawl_pages_past_a_page_without_text_posts_then_stops_at_seen_ids(tmp_path):
    state = tmp_path / "state.json"
    with FakeServer(TG.app) as server:
        args = {**TG.spider_args(server.url)}
        first = run_crawl("telegram", tmp_path / "a.jsonl", spider_args=args, settings={"DOWNLOAD_DELAY": 0},
                          state_path=state, timeout=90)
        ids = [p.post_id for p in iter_jsonl_posts(tmp_path / "a.jsonl")]
        assert sorted(ids) == sorted(TG.expected_ids()) and len(ids) == len(set(ids)), "every real message once"
        assert not set(ids) & TG.SERVICE
        assert json.loads(state.read_text())["entries"][f"channel:{TG.CHANNEL}"]["last_id"] == "1021"
        TG.EXTRA[1022] = ("2024-11-20T10:05:00Z", "", "Info Pilkada (contoh) pinned «Pilih siapa?»", True)
        TG.EXTRA[1023] = ("2024-11-20T10:10:00Z", TG.PHOTO, None, False)
        try:
            server.requests.clear()
            second = run_crawl("telegram", tmp_path / "b.jsonl", spider_args=args, settings={"DOWNLOAD_DELAY": 0},
                               state_path=state, timeout=90)
        finally:
            del TG.EXTRA[1022], TG.EXTRA[1023]
        assert [p.post_id for p in iter_jsonl_posts(tmp_path / "b.jsonl")] == [f"{TG.CHANNEL}/1023"]
        assert len([t for _, t, _ in server.requests if t.startswith("/s/")]) == 1, "stops at the page with seen ids"
    assert first.errors == 0 and second.errors == 0


def test_a_reply_keeps_only_its_own_text_and_link_previews_are_read():
    page = """<html><body><section class="tgme_channel_history">
<div class="tgme_widget_message_wrap"><div class="tgme_widget_message js-widget_message" data-post="ch/5">
<div class="tgme_widget_message_bubble"><a class="tgme_widget_message_reply" href="https://t.me/ch/4">
<div class="tgme_widget_message_author accent_color"><span class="tgme_widget_message_author_name">Info</span></div>
<div class="tgme_widget_message_text js-message_text">Teks pesan yang dibalas</div></a>
<div class="tgme_widget_message_text js-message_text" dir="auto">Balasan: coblos 02 &amp; menang</div>
<a class="tgme_widget_message_link_preview" href="https://example.org/x"><div class="link_preview_site_name accent_color">Warta</div>
<div class="link_preview_title">Jadwal kampanye</div><div class="link_preview_description">Tanggal &amp; tempat</div></a>
<div class="tgme_widget_message_footer"><a class="tgme_widget_message_date" href="https://t.me/ch/5"><time datetime="2024-11-20T07:00:00+00:00"></time></a></div>
</div></div></div></section></body></html>"""
    [post], _ = parse.parse_page(page)
    assert post["text"] == "Balasan: coblos 02 & menang\n\nWarta\nJadwal kampanye\nTanggal & tempat"
