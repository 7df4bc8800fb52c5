"""PantauSpider.read_page: the bookkeeping every page callback shares (page counted and checkpointed, malformed posts
logged and counted, an unreadable page logged and counted without killing the crawl)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from pantau.crawlers.platforms.x import parse
from pantau.crawlers.platforms.x.spider import XSpider
from pantau.crawlers.spider import with_doc

FIX = Path(__file__).parent / "fixtures" / "x"
URL = "http://127.0.0.1:9/2/tweets/search/recent?query=pilkada"


@pytest.fixture
def spider(monkeypatch, tmp_path):
    monkeypatch.setenv("PANTAU_X_BEARER_TOKEN", "t")
    crawler = get_crawler(XSpider, {"PANTAU_CHECKPOINT_FILE": str(tmp_path / "checkpoint.json")})
    crawler.spider = spider = XSpider.from_crawler(crawler, query="pilkada", base_url="http://127.0.0.1:9")
    crawler.stats.open_spider()
    return spider


def page(body: bytes, ctype: str = "application/json") -> TextResponse:
    request = Request(URL, meta={"pantau_chain": "search:pilkada", "pantau_key": "search:pilkada"})
    return TextResponse(URL, body=body, headers={"Content-Type": ctype}, request=request)


def test_read_page_returns_what_the_parser_found_and_counts_malformed_posts(spider, caplog):
    with caplog.at_level(logging.WARNING):
        doc, (posts, token) = spider.read_page(page((FIX / "search_malformed.json").read_bytes()), with_doc(parse.parse_page), json=True)
    stats = spider.crawler.stats
    assert posts and isinstance(doc, dict) and stats.get_value("pantau/pages") == 1
    assert stats.get_value("pantau/malformed_posts") == 2 and caplog.text.count("skipped malformed post on " + URL) == 2
    assert spider.checkpoint.resume_url("search:pilkada") == URL, "the page is the chain's resume point"


@pytest.mark.parametrize("body,ctype,reason", [(b'{"data": [', "application/json", "not valid JSON"),
                                               (b"<html></html>", "text/html", "expected JSON"),
                                               (b"", "application/json", "empty body")])
def test_read_page_turns_an_unreadable_page_into_a_counted_error(spider, caplog, body, ctype, reason):
    assert spider.read_page(page(body, ctype), parse.parse_page, json=True) is None
    stats = spider.crawler.stats
    assert stats.get_value("pantau/page_errors") == 1 and stats.get_value("pantau/pages") is None
    assert f"unreadable page {URL} (HTTP 200)" in caplog.text and reason in caplog.text
    assert "search:pilkada" in spider.incomplete, "the chain's state will not move on"


def test_read_page_without_an_errors_list(spider):
    users = spider.read_page(page(b'{"data": [{"id": "7", "username": "guru_sari", "name": "Sari"}]}'),
                             parse.parse_users, ["guru_sari"], json=True, errors=False)
    assert users == ({"guru_sari": "7"}, {}) and spider.crawler.stats.get_value("pantau/pages") == 1


def test_demo_html_pages_are_not_resume_points_while_earlier_posts_wait_for_profiles(tmp_path):
    """A page becomes its chain's checkpoint only once every post of the earlier pages has been released: posts
    held for their author's profile are not written yet, and a crawl killed then must fetch them again."""
    from scrapy.http import HtmlResponse

    from pantau.crawlers.platforms.demo.spider import DemoSpider

    base = "http://127.0.0.1:9"
    crawler = get_crawler(DemoSpider, {"PANTAU_CHECKPOINT_FILE": str(tmp_path / "checkpoint.json")})
    crawler.spider = spider = DemoSpider.from_crawler(crawler, base_url=base, mode="html")
    crawler.stats.open_spider()
    body = (Path(__file__).parent / "fixtures" / "demo" / "timeline_page1.html").read_bytes()

    def page(n: int) -> list:
        url = f"{base}/?page={n}"
        request = Request(url, meta={"pantau_chain": "html:"})
        return list(spider.parse_html(HtmlResponse(url, body=body, encoding="utf-8", request=request)))

    out = page(1)
    assert spider.profiles.waiting > 0 and any(isinstance(o, Request) and "/u/" in o.url for o in out)
    assert spider.checkpoint.resume_url("html:") == f"{base}/?page=1"
    page(2)
    assert spider.checkpoint.resume_url("html:") == f"{base}/?page=1", "page 1's posts still wait: page 2 is no resume point"
    for handle in list(spider.profiles.pending):
        spider.profiles.resolve(handle, None)
    page(3)
    assert spider.checkpoint.resume_url("html:") == f"{base}/?page=3"
