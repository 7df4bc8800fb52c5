"""RSS/Atom (issue 16): HTML summaries come out as text, WIB/WITA/WIT and Indonesian dates are read right, and an
entry whose date nobody can read is kept (with the capture time) and counted, never dropped."""

from __future__ import annotations

import json

import pytest

from pantau.crawlers.fakeserver import FakeRequest, FakeServer, platform_fake
from pantau.crawlers.platforms.rss import parse
from pantau.crawlers.run import run_crawl
from pantau.post import iter_jsonl_posts

RSS = platform_fake("rss")


@pytest.mark.parametrize("text, utc", [
    ("Rabu, 20 Nov 2024 16:00:00 WIB", "2024-11-20T09:00:00Z"),
    ("20 Desember 2024 08:15 WITA", "2024-12-20T00:15:00Z"),
    ("Kamis, 21 November 2024 pukul 09.30 WIT", "2024-11-21T00:30:00Z"),
    ("24/11/2024, 19:05 WIB", "2024-11-24T12:05:00Z"),
    ("Minggu, 24 Nov 2024 - 19:05 WIB", "2024-11-24T12:05:00Z"),
    ("Jum'at, 1 Agustus 2025 07:00 WIB", "2025-08-01T00:00:00Z"),
    ("Sen, 02 Des 2024 10:00:00 +0700", "2024-12-02T03:00:00Z"),
    ("Wed, 20 Nov 2024 09:00:00 GMT", "2024-11-20T09:00:00Z"),
    ("2024-11-20T16:00:00+07:00", "2024-11-20T09:00:00Z"),
    ("20 Mei 2024", "2024-05-20T00:00:00Z"),
    ("kemarin sore", None),
    ("31 Februari 2024 10:00 WIB", None),
    ("Rabu, 20 Nov 1890 16:00:00 WIB", None),  # outside the times a Post may carry: unknown, not an error
])
def test_indonesian_and_zoned_dates(text, utc):
    assert parse._time(text) == utc


def feed_entries() -> list[dict]:
    reply = RSS.app(FakeRequest("GET", "/rss.xml", {}, {}, b"", "http://news.test"))
    entries, _ = parse.parse_feed(reply.data(), base_url="http://news.test/rss.xml")
    return entries


def test_feed_summaries_are_text_with_their_images_as_media():
    entries = {e["guid"]: e for e in feed_entries()}
    first = entries["http://news.test/berita/1"]
    assert first["summary"] == "Ayo coblos nomor 2! #PaslonDuaJuara bersama Pak Budi untuk Kabupaten Sleman & lainnya"
    assert first["media"] == [{"type": "image", "url": "http://news.test/img/1.jpg", "alt": "Foto berita 1"}]
    assert first["published"] == "2024-11-20T09:00:00Z"  # 16:00 WIB
    markup = [e for e in entries.values() if "<" in (e["summary"] or "") or "&amp;" in (e["summary"] or "")]
    assert markup == [], "no tags or entities left"


def test_an_unreadable_date_keeps_the_entry():
    entries = {e["guid"]: e for e in feed_entries()}
    odd = entries[f"http://news.test/berita/{RSS.ODD_DATE_N}"]
    assert odd["published"] is None and odd["published_raw"] == "kemarin sore"
    post = parse.entry_post(odd)
    assert post["created_at"] is None and post["text"].startswith(RSS.ARTICLES[-1]["text"][:20])


@pytest.mark.slow
@pytest.mark.parametrize("articles", ["1", "0"])
def test_crawl_keeps_every_entry_with_right_times(tmp_path, articles):
    with FakeServer(RSS.app) as server:
        result = run_crawl("rss", tmp_path / "rss.jsonl", spider_args={**RSS.spider_args(server.url), "articles": articles},
                           state_path=False, timeout=90)
        base = server.url
    posts = {p.post_id: p for p in iter_jsonl_posts(tmp_path / "rss.jsonl")}
    assert set(posts) == {i.replace("{base}", base) for i in RSS.expected_ids()}
    for s in RSS.ARTICLES:
        created = posts[f"{base}/berita/{s['n']}"].created_at
        if articles == "0" and s["n"] == RSS.ODD_DATE_N:
            assert created is None  # the capture time stands in
        else:
            assert created.strftime("%Y-%m-%dT%H:%M:%SZ") == s["at"], s["n"]  # article 2 gives WIB words
    assert all("<" not in p.text and "&amp;" not in p.text for p in posts.values())
    stats = json.loads(result.stats_path.read_text())
    # counted per post kept without a time: with the article pages, the odd entry's article gives its date
    assert stats.get("pantau/rss/odd_dates") == (1 if articles == "0" else None)
