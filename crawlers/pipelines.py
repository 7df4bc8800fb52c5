"""Item pipeline: every item leaves the crawl as a valid Post payload, once per (platform, post_id)."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from datetime import datetime, timezone
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from pantau.crawlers.common import CheckedPost, validated
from pantau.post import Post, PostError, sha256_hex

logger = logging.getLogger(__name__)


class PostValidationPipeline:
    """Validate with Post.from_payload, stamp captured_at, drop duplicates within the crawl.

    A CheckedPost (what the platform parsers return, see pantau.crawlers.common.checked_post) was validated and
    hashed by the parser and is read-only, so its Post is used as is; any other item is validated here, its
    raw_sha256 checked against its raw. Invalid items are dropped with a warning and counted in the stat
    `pantau/invalid_items`; duplicates in `pantau/duplicate_items`. A time that cannot be read or lies out of
    Post's range never drops a post: it is kept with that time unknown (the capture time stands in), logged and
    counted in `pantau/<platform>/odd_dates` (pantau.crawlers.common.settle_times). The exported item is
    Post.to_payload() (normalised times).
    """

    def __init__(self, stats: Any):
        self.stats = stats
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PostValidationPipeline":
        return cls(crawler.stats)

    def process_item(self, item: Any) -> dict:
        if type(item) is CheckedPost:
            post, odd = item.post, item.odd_dates
        else:
            post, odd = self._validate(item)
        key = (post.platform, post.post_id)
        if key in self.seen:
            self.stats.inc_value("pantau/duplicate_items")
            raise DropItem(f"duplicate post {post.platform}/{post.post_id} in this crawl", log_level="INFO")
        self.seen.add(key)
        if odd:
            self.stats.inc_value(f"pantau/{post.platform}/odd_dates")
            logger.warning("post %s/%s: %s not a time between 2000-01-01 and tomorrow; kept with its capture time",
                           post.platform, post.post_id, ", ".join(odd))
        return _payload(post, _now() if post.captured_at is None else None)

    def _validate(self, item: Any) -> tuple[Post, tuple[str, ...]]:
        # Spiders yield plain dicts; ItemAdapter.asdict() (recursive item checks) is only needed for other item types.
        payload = dict(item) if isinstance(item, dict) else ItemAdapter(item).asdict()
        try:
            post, payload, odd = validated(payload)
            if post.raw is not None and post.raw_sha256 is not None and sha256_hex(post.raw) != post.raw_sha256:
                raise PostError("raw_sha256 does not match sha256(raw)")
        except PostError as exc:
            self.stats.inc_value("pantau/invalid_items")
            raise DropItem(f"invalid post {payload.get('platform')}/{payload.get('post_id')}: {exc}", log_level="WARNING")
        return post, odd


def _now() -> str:
    """format_time(utcnow()) without the astimezone round trip."""
    return datetime.now(timezone.utc).isoformat()[:-6] + "Z"


def _payload(post: Post, captured_at: str | None = None) -> dict:
    """Post.to_payload(); `captured_at` (formatted) stands in for a post that has none."""
    d = post.to_payload()
    if d["captured_at"] is None:
        d["captured_at"] = captured_at
    return d


# One encoder for every line (json.dumps with options builds a new JSONEncoder per call).
_LINE_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
LOCK_TIMEOUT = 60.0  # seconds a crawl waits for an earlier one still writing the same items file


class JsonlWriterPipeline:
    """Append every item to the JSON Lines file PANTAU_ITEMS_FILE, one write per item, flushed at once.

    Crash safe: a crawl killed with SIGKILL leaves whole lines (a torn last line is cut off when the file is
    opened again), and items already in the file from an earlier, interrupted run of the same crawl are not
    written twice (counted in `pantau/duplicate_items`). Stat `pantau/items_written`.
    """

    def __init__(self, path: str, stats: Any, *, lock_timeout: float = LOCK_TIMEOUT):
        self.path, self.stats = path, stats
        self.known: set[tuple[str, str]] = set()
        # One writer per items file: a second crawl on the same resume folder waits until the first is gone, then
        # reads what it wrote (its posts are not written again).
        self.lock_fd = os.open(f"{path}.lock", os.O_WRONLY | os.O_CREAT, 0o600)
        deadline = time.monotonic() + lock_timeout
        while True:
            try:
                fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(self.lock_fd)
                    raise RuntimeError(f"{path}: another crawl is still writing this file; "
                                       "wait for it to finish or stop it") from None
                time.sleep(0.2)
        if os.path.exists(path):
            self._recover()
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "JsonlWriterPipeline":
        path = crawler.settings.get("PANTAU_ITEMS_FILE")
        if not path:
            raise NotConfigured("PANTAU_ITEMS_FILE is not set")
        pipe = cls(path, crawler.stats)
        crawler.signals.connect(pipe.close, signal=signals.spider_closed)
        return pipe

    def _recover(self) -> None:
        with open(self.path, "rb") as fh:
            data = fh.read()
        keep = data[: data.rfind(b"\n") + 1]
        if len(keep) != len(data):
            logger.warning("%s: cut off a torn last line (%d bytes) left by an interrupted crawl", self.path, len(data) - len(keep))
            with open(self.path, "r+b") as fh:
                fh.truncate(len(keep))
        for line in keep.splitlines():
            if line.strip():
                try:
                    obj = json.loads(line)
                    self.known.add((str(obj["platform"]), str(obj["post_id"])))
                except (ValueError, KeyError, TypeError):
                    continue
        if self.known:
            logger.info("%s: %d posts already written by an earlier run", self.path, len(self.known))

    def process_item(self, item: Any) -> Any:
        payload = item if type(item) is dict else ItemAdapter(item).asdict()
        key = (str(payload.get("platform")), str(payload.get("post_id")))
        if key in self.known:
            self.stats.inc_value("pantau/duplicate_items")
            raise DropItem(f"post {key[0]}/{key[1]} already written by an earlier run", log_level="DEBUG")
        os.write(self.fd, (_LINE_ENCODER.encode(payload) + "\n").encode("utf-8"))
        self.known.add(key)
        self.stats.inc_value("pantau/items_written")
        return item

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.lock_fd is not None:
            os.close(self.lock_fd)  # releases the lock
            self.lock_fd = None
