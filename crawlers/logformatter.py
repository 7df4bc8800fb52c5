"""Scrapy's log formatter, minus the per-item message nobody reads (LOG_FORMATTER in pantau.crawlers.settings).

Scrapy logs every scraped item at DEBUG ("Scraped from <200 ...>" plus the whole item). Its configure_logging
leaves the root logger at NOTSET and filters in the handler, so at LOG_LEVEL INFO or WARNING each item still
built a LogRecord (caller lookup, extra fields) that the handler then threw away: about 14 us per post, the
largest pantau-side cost of the crawl's item path after validation (see docs/crawlers.md#benchmark). Here the
message is not built at all unless LOG_LEVEL is DEBUG; at DEBUG the log is what Scrapy writes.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class QuietLogFormatter(LogFormatter):
    """`scraped` gives None (Scrapy then logs nothing) when DEBUG messages would be dropped anyway."""

    def __init__(self, log_level: int | str = logging.DEBUG):
        super().__init__()
        level = logging.getLevelName(log_level.upper()) if isinstance(log_level, str) else log_level
        self.log_items = not isinstance(level, int) or level <= logging.DEBUG  # an unknown name: Scrapy's default

    @classmethod
    def from_crawler(cls, crawler: Any) -> "QuietLogFormatter":
        return cls(crawler.settings.get("LOG_LEVEL", "DEBUG"))

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult | None:  # type: ignore[override]
        return super().scraped(item, response, spider) if self.log_items else None
