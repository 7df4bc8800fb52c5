"""The crawl log: Scrapy's per-item DEBUG message is built only when LOG_LEVEL is DEBUG (pantau.crawlers.logformatter),
and a DEBUG crawl still logs every item as Scrapy does. Real crawls of a live DemoSite through run_crawl."""

from __future__ import annotations

import logging

import pytest
import scrapy
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

from pantau.crawlers.logformatter import QuietLogFormatter
from pantau.crawlers.run import run_crawl
from pantau.demo.generate import generate_posts
from pantau.demo.site import DemoSite

POSTS = 30


def formatter(level: str | int) -> QuietLogFormatter:
    """The log formatter every pantau crawl gets (pantau.crawlers.settings), built as Scrapy builds it."""
    settings = Settings()
    settings.setmodule("pantau.crawlers.settings")
    crawler = get_crawler(settings_dict={"LOG_FORMATTER": settings["LOG_FORMATTER"], "LOG_LEVEL": level})
    return build_from_crawler(load_object(crawler.settings["LOG_FORMATTER"]), crawler)


@pytest.mark.parametrize("level, logged", [("DEBUG", True), ("debug", True), (10, True), ("INFO", False),
                                           ("WARNING", False), (30, False)])
def test_the_crawl_settings_build_the_per_item_message_only_at_debug(level, logged):
    fmt = formatter(level)
    assert type(fmt) is QuietLogFormatter
    item = {"platform": "demo", "post_id": "1"}
    assert (fmt.scraped(item, None, scrapy.Spider(name="demo")) is not None) is logged
    # every other message is Scrapy's own (dropped items, errors...)
    assert fmt.dropped(item, DropItem("invalid", log_level="WARNING"), None, None)["level"] == logging.WARNING


@pytest.mark.slow
@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_a_crawl_logs_items_at_debug_only_and_writes_them_all(tmp_path, level):
    posts = generate_posts(n=POSTS)
    out = tmp_path / "out.jsonl"
    with DemoSite(posts=posts) as site:
        result = run_crawl("demo", out, spider_args={"base_url": site.url, "limit": "10"}, state_path=False,
                           settings={"LOG_LEVEL": level}, timeout=120)
    assert result.items == POSTS and result.errors == 0
    log = result.log_path.read_text(encoding="utf-8")
    assert log.count("Scraped from <200 ") == (POSTS if level == "DEBUG" else 0)
    assert "Spider closed (finished)" in log
