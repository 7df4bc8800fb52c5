"""Scrapy extensions: the final crawl stats as a JSON file (for run_crawl in the parent process), a crawl that
dies with the process that started it, and start-up objects kept out of the garbage collector's way."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from pantau.proc import die_with_parent


class StatsFile:
    """On spider_closed, write crawler.stats plus `finish_reason` to the PANTAU_STATS_FILE path."""

    def __init__(self, path: str, stats: Any):
        self.path = Path(path)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> "StatsFile":
        path = crawler.settings.get("PANTAU_STATS_FILE")
        if not path:
            raise NotConfigured("PANTAU_STATS_FILE is not set")
        ext = cls(path, crawler.stats)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = dict(self.stats.get_stats())
        stats["finish_reason"] = reason
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(stats, indent=1, sort_keys=True, default=str), encoding="utf-8")
        os.replace(tmp, self.path)


class DieWithParent:
    """A crawl started by run_crawl (PANTAU_PARENT_PID) is killed when that process dies, so it never keeps writing
    to a resume folder that the next run of the same command reads (pantau.proc.die_with_parent)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DieWithParent":
        if not die_with_parent():
            raise NotConfigured("not started by run_crawl, or not on Linux")
        return cls()


class FreezeStartupObjects:
    """gc.freeze() when the spider opens: the ~100,000 objects of start-up (modules, classes, Scrapy's components)
    move to the permanent generation, so the collector's full passes during the crawl no longer walk them all.

    Python's cyclic collector runs a full pass now and then as a crawl allocates (posts, dicts, requests); each one
    traversed every start-up object again, about 0.2 s of a 3,000-post demo crawl (docs/crawlers.md#benchmark).
    Nothing allocated during the crawl is frozen, so its garbage is collected as before; start-up objects live as
    long as the process anyway. Stat `pantau/gc_frozen_objects`."""

    def __init__(self, stats: Any):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> "FreezeStartupObjects":
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Any) -> None:
        gc.freeze()
        self.stats.set_value("pantau/gc_frozen_objects", gc.get_freeze_count())
