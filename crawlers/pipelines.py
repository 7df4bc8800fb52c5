"""Item pipeline: every item leaves the crawl as a valid Post payload, once per (platform, post_id)."""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from pantau.post import Post, PostError, format_time, sha256_hex, utcnow

logger = logging.getLogger(__name__)


class PostValidationPipeline:
    """Validate with Post.from_payload, stamp captured_at, drop duplicates within the crawl.

    Invalid items are dropped with a warning and counted in the stat `pantau/invalid_items`;
    duplicates in `pantau/duplicate_items`. The exported item is Post.to_payload() (normalised times).
    """

    def __init__(self, stats: Any):
        self.stats = stats
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PostValidationPipeline":
        return cls(crawler.stats)

    def process_item(self, item: Any) -> dict:
        payload = ItemAdapter(item).asdict()
        if not payload.get("captured_at"):
            payload["captured_at"] = format_time(utcnow())
        try:
            post = Post.from_payload(payload)
            if post.raw is not None and post.raw_sha256 is not None and sha256_hex(post.raw) != post.raw_sha256:
                raise PostError("raw_sha256 does not match sha256(raw)")
        except PostError as exc:
            self.stats.inc_value("pantau/invalid_items")
            raise DropItem(f"invalid post {payload.get('platform')}/{payload.get('post_id')}: {exc}", log_level="WARNING")
        if post.key in self.seen:
            self.stats.inc_value("pantau/duplicate_items")
            raise DropItem(f"duplicate post {post.platform}/{post.post_id} in this crawl", log_level="INFO")
        self.seen.add(post.key)
        return post.to_payload()
