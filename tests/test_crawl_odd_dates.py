"""No post is lost for an odd date, on any platform (issue 16): a time that cannot be read ("kemarin sore") or lies
outside Post's range (year 9999) keeps the post with created_at unknown (the capture time stands in), logged and
counted in `pantau/<platform>/odd_dates`. One helper does it for every adapter: pantau.crawlers.common.settle_times."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from pantau.crawlers.common import checked_post, odd_time, settle_times
from pantau.crawlers.fakeserver import FakeServer, Reply, html_reply
from pantau.crawlers.pipelines import PostValidationPipeline
from pantau.crawlers.platforms.bluesky import parse as bluesky
from pantau.crawlers.platforms.demo import parse as demo
from pantau.crawlers.platforms.intake.spider import IntakeSpider
from pantau.crawlers.platforms.mastodon import parse as mastodon
from pantau.crawlers.platforms.rss import parse as rss
from pantau.crawlers.platforms.telegram import parse as telegram
from pantau.crawlers.platforms.x import parse as x
from pantau.crawlers.platforms.youtube import parse as youtube
from pantau.crawlers.run import run_crawl
from pantau.post import iter_jsonl_posts

FIX = Path(__file__).parent / "fixtures"
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")
ODD = {"year9999": "9999-12-31T23:59:59Z", "garbage": "kemarin sore"}


def with_dates(path: Path, value: str) -> str:
    """The fixture's text with every ISO 8601 time replaced by `value`."""
    text = path.read_text(encoding="utf-8")
    assert ISO.search(text), path
    return ISO.sub(value, text)


def youtube_pages(value: str) -> tuple[dict, dict]:
    video = {"kind": "youtube#playlistItem", "snippet": {"publishedAt": value, "title": "Kampanye &amp; Sosialisasi",
                                                          "channelId": "UC1", "resourceId": {"videoId": "v1"}}}
    reply = {"kind": "youtube#comment", "id": "c1.r1", "snippet": {"publishedAt": value, "textOriginal": "setuju 02",
                                                                  "authorChannelId": {"value": "UC3"}}}
    thread = {"kind": "youtube#commentThread", "id": "c1", "snippet": {"videoId": "v1", "topLevelComment": {
        "id": "c1", "snippet": {"publishedAt": value, "textOriginal": "coblos 02", "authorChannelId": {"value": "UC2"}}}},
        "replies": {"comments": [reply]}}
    return {"items": [video]}, {"items": [thread]}


def parsed(platform: str, value: str) -> list[dict]:
    """Every post the adapter's parser makes of its fixture with the dates replaced by `value`."""
    if platform == "x":
        return x.parse_page(with_dates(FIX / "x" / "real_retweet.json", value))[0]
    if platform == "bluesky":
        return bluesky.parse_page(with_dates(FIX / "bluesky" / "author_feed_repost.json", value))[0]
    if platform == "mastodon":
        return mastodon.parse_page(with_dates(FIX / "mastodon" / "real_reblog.json", value))[0]
    if platform == "telegram":
        return telegram.parse_page(with_dates(FIX / "telegram" / "channel_latest.html", value))[0]
    if platform == "youtube":
        videos, threads = youtube_pages(value)
        return youtube.parse_videos(videos)[0] + youtube.parse_comments(threads)[0]
    if platform == "demo":
        api = demo.parse_api_page(with_dates(FIX / "demo" / "api_posts_page1.json", value))[0]
        html = demo.parse_timeline(with_dates(FIX / "demo" / "timeline_page1.html", value), "http://demo.test")[0]
        # a post completed from its author's profile keeps its odd time counted
        return api + [demo.with_profile(p, {"bio": "Guru SD | ASN"}) for p in html]
    if platform == "rss":
        rfc = "Fri, 31 Dec 9999 23:59:59 +0000" if value == ODD["year9999"] else value
        feed = re.sub(r"<pubDate>[^<]*</pubDate>", f"<pubDate>{rfc}</pubDate>",
                      (FIX / "rss" / "feed.rss.xml").read_text(encoding="utf-8"))
        entries, _ = rss.parse_feed(feed)
        article = rss.parse_article(f'<html><body><article><time datetime="{value}"></time><p>Isi berita</p></article>'
                                    "</body></html>", entries[0], url="https://news.test/1")
        return [rss.entry_post(e) for e in entries] + [article]
    raise AssertionError(platform)


def expected(platform: str) -> int:
    return len(parsed(platform, "2024-11-20T09:00:00Z"))


@pytest.mark.parametrize("odd", sorted(ODD))
@pytest.mark.parametrize("platform", ["x", "youtube", "bluesky", "mastodon", "telegram", "rss", "demo"])
def test_every_adapter_keeps_a_post_with_an_odd_date(platform, odd):
    posts = parsed(platform, ODD[odd])
    assert posts and len(posts) == expected(platform), "no post lost"
    for p in posts:
        assert p["created_at"] is None, p["post_id"]
        assert p.odd_dates and all(t.startswith(("created_at=", "shared_from.created_at=")) for t in p.odd_dates)
        if p.get("shared_from"):
            assert p["shared_from"]["created_at"] is None
            assert any(t.startswith("shared_from.") for t in p.odd_dates)
    assert all(p.post.created_at is None for p in posts)


def test_good_times_stay_as_given_and_are_not_odd():
    [p] = mastodon.parse_page((FIX / "mastodon" / "real_reblog.json").read_bytes())[0]
    assert p["created_at"] == "2022-12-01T19:47:29.173Z" and p.odd_dates == ()
    assert odd_time(None) is None and odd_time("2024-11-20T09:00:00+07:00") is None and odd_time(1732070400) is None
    assert odd_time("1999-12-31T23:59:59Z") == "created_at='1999-12-31T23:59:59Z'"
    assert odd_time(1e20) == "created_at=1e+20" and odd_time({"a": 1}) == "created_at={'a': 1}"
    payload = {"created_at": "9999-01-01T00:00:00Z", "shared_from": {"created_at": "2024-11-20T09:00:00Z"}}
    out, odd = settle_times(payload)
    assert out["created_at"] is None and out["shared_from"]["created_at"] == "2024-11-20T09:00:00Z" and len(odd) == 1
    assert payload["created_at"] == "9999-01-01T00:00:00Z", "the caller's dict is not changed"


def test_the_pipeline_counts_and_logs_odd_dates_for_checked_and_plain_items(caplog):
    crawler = get_crawler()
    stats = crawler.stats
    stats.open_spider()
    pipe = PostValidationPipeline(stats)
    plain = {"platform": "mastodon", "post_id": "1", "text": "Coblos 02", "created_at": "kemarin sore"}
    checked = checked_post({**plain, "post_id": "2", "created_at": "9999-12-31T23:59:59Z"})
    good = checked_post({**plain, "post_id": "3", "created_at": "2024-11-20T09:00:00Z"})
    out = [pipe.process_item(item) for item in (plain, checked, good)]
    assert [o["created_at"] for o in out] == [None, None, "2024-11-20T09:00:00Z"]
    assert all(o["captured_at"] for o in out), "the capture time stands in"
    assert stats.get_value("pantau/mastodon/odd_dates") == 2
    assert "mastodon/1: created_at='kemarin sore' not a time" in caplog.text


@pytest.mark.slow
@pytest.mark.parametrize("odd", sorted(ODD))
def test_a_telegram_crawl_keeps_every_message_with_an_odd_date(tmp_path, odd):
    page = with_dates(FIX / "telegram" / "channel_latest.html", ODD[odd])

    def app(request) -> Reply:
        if request.path == "/s/infopilkada_demo":  # ?before=...: the channel's first message was on that page
            return html_reply(page if not request.query else "<html><body><section></section></body></html>")
        return Reply(404, b"not here", content_type="text/plain")

    with FakeServer(app) as server:
        result = run_crawl("telegram", tmp_path / "t.jsonl", spider_args={"base_url": server.url, "channels": "infopilkada_demo"},
                           state_path=tmp_path / "state.json", timeout=90)
        again = run_crawl("telegram", tmp_path / "t2.jsonl", spider_args={"base_url": server.url, "channels": "infopilkada_demo"},
                          state_path=tmp_path / "state.json", timeout=90)
    posts = list(iter_jsonl_posts(tmp_path / "t.jsonl"))
    assert len(posts) == len(telegram.parse_page((FIX / "telegram" / "channel_latest.html").read_bytes())[0]) == 5
    assert all(p.created_at is None and p.captured_at is not None for p in posts)
    assert json.loads(result.stats_path.read_text())["pantau/telegram/odd_dates"] == 5
    assert again.items == 0, "seen ids still stop the next run: nothing is written twice"


@pytest.mark.slow
@pytest.mark.parametrize("odd", sorted(ODD))
def test_an_intake_with_an_odd_submission_time_is_kept_with_the_intake_time(tmp_path, odd):
    spider = IntakeSpider(tip="Camat ikut deklarasi paslon 02", submitted_at=ODD[odd], fetch="0")
    assert spider.submission["submitted_at_given"] == ODD[odd] and spider.odd_submitted_at
    result = run_crawl("intake", tmp_path / "i.jsonl", spider_args={"tip": "Camat ikut deklarasi paslon 02",
                                                                     "submitted_at": ODD[odd], "fetch": "0"}, state_path=False, timeout=90)
    [post] = list(iter_jsonl_posts(tmp_path / "i.jsonl"))
    assert post.captured_at is not None and json.loads(post.raw)["intake"]["submitted_at_given"] == ODD[odd]
    assert json.loads(result.stats_path.read_text())["pantau/intake/odd_dates"] == 1
