"""What a crawl process does not spend its time on (docs/crawlers.md#benchmark), without losing what it did:
Scrapy's per-item DEBUG message is built only when LOG_LEVEL is DEBUG (pantau.crawlers.logformatter), and a DEBUG
crawl still logs every item as Scrapy does; the start-up objects are frozen out of the garbage collector's full
passes (pantau.crawlers.extensions.FreezeStartupObjects). Real crawls of a live DemoSite through run_crawl."""

from __future__ import annotations

import json
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
from pantau.post import iter_jsonl_posts

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


@pytest.mark.slow
def test_a_crawl_freezes_its_start_up_objects_and_still_gets_every_post(tmp_path):
    posts = generate_posts(n=POSTS)
    out = tmp_path / "out.jsonl"
    with DemoSite(posts=posts) as site:
        result = run_crawl("demo", out, spider_args={"base_url": site.url, "limit": "10"}, state_path=False, timeout=120)
    stats = json.loads(result.stats_path.read_text())
    assert stats["pantau/gc_frozen_objects"] > 10_000, "Scrapy, Twisted and pantau's modules are frozen at start"
    assert result.items == POSTS and {p.post_id for p in iter_jsonl_posts(out)} == {p["id"] for p in posts}
