"""YouTube Data API v3 errors (developers.google.com/youtube/v3/docs/errors): a 403 whose reason says the quota or
rate limit is used up is reported as such, never as a rejected key; keyInvalid / forbidden are a rejected key."""

from __future__ import annotations

import json
import logging
import os

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from pantau.crawlers.fakeserver import FakeServer, FakeRequest, platform_fake
from pantau.crawlers.platforms.youtube import parse
from pantau.crawlers.platforms.youtube.spider import YoutubeSpider
from pantau.crawlers.run import CrawlError, run_crawl

yt = platform_fake("youtube")
URL = "http://127.0.0.1:9/youtube/v3/channels?part=contentDetails&id=UC1"
SECRET = "s3cr3t-key-value"


def fake_error(key: str) -> TextResponse:
    reply = yt.app(FakeRequest("GET", "/youtube/v3/channels", {}, {"x-goog-api-key": key}, b"", "http://127.0.0.1:9"))
    return TextResponse(URL, status=reply.status, body=reply.data(), headers={"Content-Type": reply.content_type},
                        request=Request(URL))


@pytest.fixture
def spider(monkeypatch):
    monkeypatch.setenv("PANTAU_YOUTUBE_API_KEY", SECRET)
    crawler = get_crawler(YoutubeSpider)
    crawler.spider = spider = YoutubeSpider.from_crawler(crawler, channel_ids="UC1", base_url="http://127.0.0.1:9")
    crawler.stats.open_spider()
    return spider


def fail(spider, response: TextResponse) -> None:
    failure = Failure(HttpError(response))
    failure.request = response.request
    spider.request_failed(failure)


def test_error_reasons_read_errors_and_error_info_details():
    assert parse.error_reasons(fake_error("key-quota-exceeded").body) == ["quotaExceeded"]
    assert parse.error_reasons(fake_error("wrong").body) == ["badRequest", "API_KEY_INVALID"]
    assert parse.error_reasons(b"<html>Forbidden</html>") == [] and parse.error_reasons(b'{"items": []}') == []


@pytest.mark.parametrize("key,reason", [("key-quota-exceeded", "quotaExceeded"), ("key-daily-limit", "dailyLimitExceeded"),
                                        ("key-rate-limit", "rateLimitExceeded")])
def test_quota_or_rate_limit_403_is_not_a_credentials_error(spider, caplog, key, reason):
    response = fake_error(key)
    assert response.status == 403
    with caplog.at_level(logging.INFO):
        fail(spider, response)
    text = caplog.text
    assert f"youtube quota or rate limit used up (HTTP 403, reason {reason})" in text
    assert "not a credentials problem" in text and "credentials rejected" not in text
    stats = spider.crawler.stats
    assert stats.get_value("pantau/rate_limited") == 1 and stats.get_value(f"pantau/rate_limited/{reason}") == 1
    assert stats.get_value("pantau/request_failures/http_403") == 1
    daily = reason != "rateLimitExceeded"
    assert (stats.get_value("pantau/youtube/quota_exhausted") == reason) is daily
    # after a daily quota error nothing more is sent in this crawl; a per-minute rate limit stops nothing
    sent = spider.api("playlistItems", parse.playlist_url(spider.base_url, "UU1"), spider.parse_videos, chain="uploads:UU1")
    assert (sent is None) is daily
    assert bool(stats.get_value("pantau/youtube/quota_skipped")) is daily


@pytest.mark.parametrize("key,status", [("key-forbidden", 403), ("key-invalid", 400), ("wrong-key", 400)])
def test_forbidden_and_invalid_keys_are_credentials_errors(spider, caplog, key, status):
    response = fake_error(key)
    assert response.status == status
    fail(spider, response)
    assert f"credentials rejected by youtube (HTTP {status})" in caplog.text and "PANTAU_YOUTUBE_API_KEY" in caplog.text
    assert SECRET not in caplog.text, "the key itself is never logged"
    assert spider.crawler.stats.get_value("pantau/rate_limited") is None


def test_other_403_reasons_are_neither(spider, caplog):
    body = json.dumps({"error": {"code": 403, "message": "comments disabled", "errors": [
        {"message": "The video identified by the videoId parameter has disabled comments.", "domain": "youtube.commentThread",
         "reason": "commentsDisabled"}]}}).encode()
    fail(spider, TextResponse(URL, status=403, body=body, request=Request(URL)))
    assert "HTTP 403 for" in caplog.text and "credentials rejected" not in caplog.text and "quota" not in caplog.text


@pytest.mark.slow
def test_crawl_that_runs_out_of_quota_says_so_and_keeps_what_it_got(tmp_path):
    env = {**os.environ, "PANTAU_YOUTUBE_API_KEY": "key-quota-after-3"}
    state = tmp_path / "st.json"
    with FakeServer(yt.app) as server:
        # one request at a time: which calls are already queued when the 403 comes back no longer depends on timing
        # (with 4 at a time, a loaded machine decided whether any call was left to skip)
        result = run_crawl("youtube", tmp_path / "yt.jsonl", spider_args=yt.spider_args(server.url), state_path=state,
                           timeout=90, env=env, settings={"CONCURRENT_REQUESTS": 1})
        statuses = [status for _, _, status in server.requests]
        state_saved = state.exists()
        # the next day: the same state file, the quota back
        run_crawl("youtube", tmp_path / "yt2.jsonl", spider_args=yt.spider_args(server.url), state_path=state,
                  timeout=90, env={**os.environ, **yt.ENV})
    log = result.log_path.read_text()
    stats = json.loads(result.stats_path.read_text())
    assert result.returncode == 0 and result.items >= 2, "posts fetched before the quota ran out are kept"
    assert "youtube quota or rate limit used up (HTTP 403, reason quotaExceeded)" in log and "credentials rejected" not in log
    assert stats["pantau/youtube/quota_exhausted"] == "quotaExceeded" and stats["pantau/rate_limited/quotaExceeded"] >= 1
    assert stats["pantau/youtube/quota_skipped"] >= 1, "no more calls once the daily quota is gone"
    assert statuses.count(200) == 3 and statuses.count(403) <= 2, "only the calls already in flight got a 403"
    assert not state_saved, "a crawl that lost pages does not advance its state"
    ids = {json.loads(line)["post_id"] for line in (tmp_path / "yt2.jsonl").read_text().splitlines()}
    assert ids == yt.expected_ids(), "so the next run gets every video and every comment"


@pytest.mark.slow
def test_crawl_with_a_forbidden_key_names_the_variable(tmp_path):
    env = {**os.environ, "PANTAU_YOUTUBE_API_KEY": "key-forbidden"}
    with FakeServer(yt.app) as server, pytest.raises(CrawlError) as err:
        run_crawl("youtube", tmp_path / "yt.jsonl", spider_args=yt.spider_args(server.url), state_path=False, timeout=90, env=env)
    assert "credentials rejected by youtube (HTTP 403)" in str(err.value) and "PANTAU_YOUTUBE_API_KEY" in str(err.value)
    assert "key-forbidden" not in str(err.value)


@pytest.mark.slow
def test_crawl_gets_replies_commenters_bios_and_unescaped_titles(tmp_path):
    """Issue 16: channel descriptions of commenters (channels.list, 50 ids per call, counted in the quota), replies
    (inline and comments.list?parentId=), titles without HTML entities."""
    from urllib.parse import parse_qs, urlsplit

    from pantau.post import iter_jsonl_posts

    env = {**os.environ, **yt.ENV}
    with FakeServer(yt.app) as server:
        result = run_crawl("youtube", tmp_path / "yt.jsonl", spider_args=yt.spider_args(server.url), state_path=False,
                           timeout=90, env=env)
        requests = [t for _, t, _ in server.requests]
    posts = [p for p in iter_jsonl_posts(tmp_path / "yt.jsonl")]
    ids = [p.post_id for p in posts]
    assert sorted(ids) == sorted(yt.expected_ids()) and len(ids) == len(set(ids)), "every video, comment and reply once"
    by_id = {p.post_id: p for p in posts}
    replies = [p for p in posts if p.kind == "reply"]
    assert len(replies) == len(yt.REPLIES) and all(p.author.bio == "Guru SMPN 1 Makassar | PNS" for p in replies)
    assert replies[0].text.startswith("Setuju & dukung")
    video = by_id["video:vid00000000"]
    assert video.text.startswith("Debat Pilkada sesi 0 & tanya jawab") and video.author.bio == yt.CHANNEL_SNIPPET["description"]
    assert video.author.location == "ID" and video.kind == "post"
    comments = [p for p in posts if p.kind == "comment"]
    bios = {s["handle"]: s["bio"] for s in yt.SAMPLES}
    assert all(p.author.bio == bios[p.author.handle.lstrip("@")] for p in comments), "commenters' channel descriptions"
    lookups = [parse_qs(urlsplit(t).query) for t in requests if t.startswith("/youtube/v3/channels") and "contentDetails" not in t]
    asked = [i for q in lookups for i in q["id"][0].split(",")]
    assert lookups and len(asked) == len(set(asked)) and all(len(q["id"][0].split(",")) <= 50 for q in lookups)
    stats = json.loads(result.stats_path.read_text())
    assert stats["pantau/youtube/quota_units"] == len(requests), "every call counted, lookups included (1 unit each)"


@pytest.mark.slow
def test_search_keeps_published_after_on_every_page(tmp_path):
    from urllib.parse import parse_qs, urlsplit

    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 1, "source": "youtube", "entries": {
        "search:debat": {"last_seen": "2024-11-15T00:00:00Z"}}}))
    env = {**os.environ, **yt.ENV}
    with FakeServer(yt.app) as server:
        run_crawl("youtube", tmp_path / "yt.jsonl", spider_args={"base_url": server.url, "query": "debat", "comments": "0"},
                  state_path=state, timeout=90, env=env)
        searches = [parse_qs(urlsplit(t).query) for _, t, _ in server.requests if t.startswith("/youtube/v3/search")]
    assert len(searches) == 2 and all(q["publishedAfter"] == ["2024-11-15T00:00:00Z"] for q in searches)
    assert searches[1]["pageToken"] == ["T2"] and searches[1]["regionCode"] == ["ID"] and searches[1]["order"] == ["date"]


@pytest.mark.slow
def test_new_replies_to_an_older_thread_are_found_on_the_next_crawl(tmp_path):
    """Issue 16: a thread seen by an earlier crawl gets a new reply; its video is not new, but the next crawl lists
    its threads again, sees totalReplyCount grow and fetches the new reply (only that one), every call counted."""
    env = {**os.environ, **yt.ENV}
    state = tmp_path / "state.json"
    with FakeServer(yt.app) as server:
        first = run_crawl("youtube", tmp_path / "1.jsonl", spider_args=yt.spider_args(server.url), state_path=state,
                          timeout=90, env=env)
        assert first.items == len(yt.expected_ids())
        new = {**yt.REPLIES[-1], "id": f"{yt.REPLY_THREAD}.r9",
               "snippet": {**yt.REPLIES[-1]["snippet"], "textOriginal": "Coblos 02 ya bapak ibu",
                           "publishedAt": "2024-11-25T08:00:00Z", "updatedAt": "2024-11-25T08:00:00Z"}}
        yt.REPLIES.append(new)  # the thread's totalReplyCount grows from 7 to 8; its inline replies stay the first 5
        try:
            server.requests.clear()
            second = run_crawl("youtube", tmp_path / "2.jsonl", spider_args=yt.spider_args(server.url), state_path=state,
                               timeout=90, env=env)
            requests = [t for _, t, _ in server.requests]
            third = run_crawl("youtube", tmp_path / "3.jsonl", spider_args=yt.spider_args(server.url), state_path=state,
                              timeout=90, env=env)
        finally:
            yt.REPLIES.remove(new)
    from pantau.post import iter_jsonl_posts

    [reply] = list(iter_jsonl_posts(tmp_path / "2.jsonl"))
    assert reply.post_id == f"comment:{yt.REPLY_THREAD}.r9" and reply.kind == "reply" and reply.text == "Coblos 02 ya bapak ibu"
    assert any(t.startswith("/youtube/v3/comments?") and f"parentId={yt.REPLY_THREAD}" in t for t in requests)
    stats = json.loads(second.stats_path.read_text())
    assert stats["pantau/youtube/grown_threads"] == 1
    assert stats["pantau/youtube/quota_units"] == len(requests), "the listings again are counted in the quota"
    assert third.items == 0, "seen once: the crawl after finds nothing new"
