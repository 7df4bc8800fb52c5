"""RSS/Atom (issue 16): HTML summaries come out as text, WIB/WITA/WIT and Indonesian dates are read right, a date
without a zone is the feed's configured local time (default WIB, never UTC) while a written zone always wins, and
an entry whose date nobody can read is kept (with the capture time) and counted, never dropped."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from pantau.crawlers.fakeserver import FakeRequest, FakeServer, platform_fake
from pantau.crawlers.platforms.rss import parse
from pantau.crawlers.platforms.rss.spider import RssSpider
from pantau.crawlers.run import CrawlError, run_crawl
from pantau.crawlers.watchlist import crawl_plan, parse_watchlist
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
    ("20 Mei 2024", "2024-05-19T17:00:00Z"),  # no zone: the feed's local time (default WIB), midnight
    ("2024-11-20 16:00:00", "2024-11-20T09:00:00Z"),  # ISO 8601 without a zone: WIB, not UTC
    ("2024-11-20T16:00:00", "2024-11-20T09:00:00Z"),
    ("Rabu, 20 November 2024 16:00", "2024-11-20T09:00:00Z"),
    ("Wed, 20 Nov 2024 16:00:00", "2024-11-20T09:00:00Z"),  # RFC 822 without its zone
    ("20/11/2024 16:00", "2024-11-20T09:00:00Z"),
    ("Wed, 20 Nov 2024 16:00:00 -0000", "2024-11-20T16:00:00Z"),  # RFC 5322: UTC, the sender's zone unknown
    ("Wed, 20 Nov 2024 16:00:00 +0000", "2024-11-20T16:00:00Z"),
    ("2024-11-20T16:00:00Z", "2024-11-20T16:00:00Z"),
    ("kemarin sore", None),
    ("31 Februari 2024 10:00 WIB", None),
    ("Rabu, 20 Nov 1890 16:00:00 WIB", None),  # outside the times a Post may carry: unknown, not an error
])
def test_indonesian_and_zoned_dates(text, utc):
    assert parse._time(text) == utc


@pytest.mark.parametrize("text, zone, utc", [
    ("2024-11-20 16:00:00", "Asia/Makassar", "2024-11-20T08:00:00Z"),
    ("20 November 2024 16:00", "WIT", "2024-11-20T07:00:00Z"),
    ("Wed, 20 Nov 2024 16:00:00", "UTC", "2024-11-20T16:00:00Z"),
    ("05 Agustus 2019", "wita", "2019-08-04T16:00:00Z"),
    # a zone or offset written in the date wins over the configured one
    ("Rabu, 20 Nov 2024 16:00:00 WIB", "Asia/Jayapura", "2024-11-20T09:00:00Z"),
    ("Wed, 20 Nov 2024 16:00:00 +0800", "WIB", "2024-11-20T08:00:00Z"),
    ("2024-11-20T16:00:00+07:00", "UTC", "2024-11-20T09:00:00Z"),
    ("2024-11-20T16:00:00Z", "WIT", "2024-11-20T16:00:00Z"),
    ("Wed, 20 Nov 2024 16:00:00 GMT", "WITA", "2024-11-20T16:00:00Z"),
])
def test_a_date_without_a_zone_is_read_in_the_configured_zone(text, zone, utc):
    assert parse._time(text, parse.zone(zone)) == utc


@pytest.mark.parametrize("name", ["Asia/Jakrta", "UTC+7", "../etc/passwd", "wib time"])
def test_an_unknown_zone_is_refused_by_name(name):
    with pytest.raises(ValueError, match=r"unknown time zone .*Asia/Jakarta.*WIB, WITA, WIT"):
        parse.zone(name)


def test_each_feed_gets_its_configured_zone():
    spider = RssSpider(feeds="/a.xml, /b.xml Asia/Jayapura,https://other.test/c.xml WITA", timezone="UTC",
                       base_url="http://news.test")
    assert {url: str(z) for url, z in spider.zones.items()} == {
        "http://news.test/a.xml": "UTC", "http://news.test/b.xml": "Asia/Jayapura", "https://other.test/c.xml": "Asia/Makassar"}
    assert spider.feeds == list(spider.zones)
    assert {str(z) for z in RssSpider(feeds="/a.xml", base_url="http://news.test").zones.values()} == {"Asia/Jakarta"}
    with pytest.raises(ValueError, match=r"feeds: /b.xml: unknown time zone 'Asia/Jakrta'"):
        RssSpider(feeds="/a.xml,/b.xml Asia/Jakrta", base_url="http://news.test")
    with pytest.raises(ValueError, match="not 'URL' or 'URL TIMEZONE'"):
        RssSpider(feeds="/a.xml WIB WITA", base_url="http://news.test")
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        RssSpider(feeds="/a.xml", timezone="Mars/Olympus", base_url="http://news.test")


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
    assert entries[f"http://news.test/berita/{RSS.NAIVE_DATE_N}"]["published"] == "2024-11-20T08:00:00Z"  # 15:00, WIB
    assert entries[f"http://news.test/berita/{RSS.OFFSET_DATE_N}"]["published"] == "2024-11-20T07:30:00Z"  # +0800
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


def test_a_watchlist_configures_the_zones_of_its_rss_source():
    wl = parse_watchlist('''team = "Tim contoh"
[[elections]]
name = "Pilkada Papua 2024"
region = "Papua"
level = "provinsi"
campaign_start = 2024-09-25
campaign_end = 2024-11-23
voting_day = 2024-11-27

[[sources]]
source = "rss"
timezone = "WITA"
feeds = ["https://berita.example/rss.xml", "https://kabar-papua.example/rss.xml Asia/Jayapura"]
''')
    [job] = crawl_plan(wl)
    spider = RssSpider(**job.spider_args)
    assert {u: str(z) for u, z in spider.zones.items()} == {"https://berita.example/rss.xml": "Asia/Makassar",
                                                             "https://kabar-papua.example/rss.xml": "Asia/Jayapura"}


@pytest.mark.slow
@pytest.mark.parametrize("args, shift", [
    ({"timezone": "WITA"}, 1),  # the source's zone: local times one hour earlier in UTC than WIB's
    ({"timezone": "UTC", "feeds": "/rss.xml Asia/Jayapura"}, 2),  # a feed's own zone wins over the source's
])
@pytest.mark.parametrize("articles", ["1", "0"])
def test_crawl_reads_dates_without_a_zone_in_the_configured_one(tmp_path, args, shift, articles):
    """The fake feed writes one pubDate and one article time as WIB wall-clock time without a zone; configured
    otherwise, only those move (by the zones' difference), dates with a written zone or offset stay."""
    with FakeServer(RSS.app) as server:
        run_crawl("rss", tmp_path / "rss.jsonl", spider_args={**RSS.spider_args(server.url), "articles": articles, **args},
                  state_path=False, timeout=90)
        base = server.url
    posts = {p.post_id: p for p in iter_jsonl_posts(tmp_path / "rss.jsonl")}
    naive = RSS.NAIVE_ARTICLE_N if articles == "1" else RSS.NAIVE_DATE_N
    for s in RSS.ARTICLES:
        created = posts[f"{base}/berita/{s['n']}"].created_at
        if articles == "0" and s["n"] == RSS.ODD_DATE_N:
            assert created is None
            continue
        expected = datetime.fromisoformat(s["at"]) - timedelta(hours=shift if s["n"] == naive else 0)
        assert created == expected, s["n"]


@pytest.mark.slow
def test_a_crawl_with_an_unknown_zone_fails_naming_it(tmp_path):
    with FakeServer(RSS.app) as server, pytest.raises(CrawlError, match="unknown time zone 'Asia/Jakrta'"):
        run_crawl("rss", tmp_path / "rss.jsonl", spider_args={**RSS.spider_args(server.url), "timezone": "Asia/Jakrta"},
                  state_path=False, timeout=90)
