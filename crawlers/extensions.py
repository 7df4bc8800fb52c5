"""Scrapy extensions: the final crawl stats as a JSON file (for run_crawl in the parent process), and a crawl that
dies with the process that started it."""

from __future__ import annotations

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
