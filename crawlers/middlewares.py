"""Downloader middleware: Scrapy's retry, plus waiting as long as the server asks on 429/503.

RetryAfterMiddleware replaces scrapy's RetryMiddleware (same settings, same retry counter in
request.meta["retry_times"], same RETRY_TIMES limit). On a 429 or 503 carrying `Retry-After` (seconds or an
HTTP date) it waits that long, capped at RETRY_AFTER_MAX_DELAY, before handing back the retry request; a 429
without the header waits RETRY_429_BACKOFF_BASE * 2**(n-1). The wait is an asynchronous sleep on the
running event loop (scrapy.utils.asyncio.sleep), so other downloads continue meanwhile; nothing blocks the
reactor thread. Stats: `pantau/retry_after/count`, `pantau/retry_after/seconds`.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header value: delta-seconds or an HTTP date. None if absent/invalid.

    A date in the past gives 0.0. Negative or non-numeric values are invalid (None).
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings: Any):
        super().__init__(settings)
        self.max_delay = settings.getfloat("RETRY_AFTER_MAX_DELAY", 60.0)
        self.backoff_429 = settings.getfloat("RETRY_429_BACKOFF_BASE", 1.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if (
            response.status not in RETRY_AFTER_STATUSES
            or response.status not in self.retry_http_codes
            or request.meta.get("dont_retry", False)
        ):
            return super().process_response(request, response)
        header = response.headers.get(b"Retry-After")
        delay = parse_retry_after(header)
        if delay is None and response.status != 429:
            return super().process_response(request, response)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:  # retries exhausted: the response goes on as an error
            return response
        attempt = retry.meta["retry_times"]
        if delay is None:
            delay = self.backoff_429 * 2 ** (attempt - 1)
        delay = min(delay, self.max_delay)
        stats = self.crawler.stats
        stats.inc_value("pantau/retry_after/count")
        stats.inc_value("pantau/retry_after/seconds", delay)
        logger.info(
            "Retry-After: waiting %.1fs before retry %d of %s (HTTP %d, header %r)",
            delay, attempt, request.url, response.status, header.decode("latin-1") if header else None,
        )
        if delay > 0:
            await sleep(delay)
        return retry


def rate_limit_wait(headers: Any, now: float) -> float | None:
    """Seconds until the rate-limit window resets when the response says none are left, else None.

    Reads X API (`x-rate-limit-remaining` / `x-rate-limit-reset`, epoch seconds), Mastodon
    (`X-RateLimit-Remaining` / `X-RateLimit-Reset`, ISO 8601 time) and Bluesky (`ratelimit-remaining` /
    `ratelimit-reset`, epoch seconds).
    """
    for remaining_name, reset_name in (
        (b"x-rate-limit-remaining", b"x-rate-limit-reset"),
        (b"X-RateLimit-Remaining", b"X-RateLimit-Reset"),
        (b"ratelimit-remaining", b"ratelimit-reset"),
    ):
        remaining = headers.get(remaining_name)
        if remaining is None:
            continue
        try:
            if int(remaining.decode("latin-1").strip()) > 0:
                return None
        except ValueError:
            return None
        reset = headers.get(reset_name)
        if reset is None:
            return None
        text = reset.decode("latin-1").strip()
        if text.isdigit():
            return max(0.0, int(text) - now)
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, when.timestamp() - now)
    return None


class RateLimitHeadersMiddleware:
    """When a response says the rate-limit window is used up, wait until it resets before the response goes on
    (so the next page is requested only then). Capped by RATE_LIMIT_MAX_WAIT seconds. Stats
    `pantau/rate_limit/waits`, `pantau/rate_limit/seconds`."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("RATE_LIMIT_MAX_WAIT", 900.0)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RateLimitHeadersMiddleware":
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        wait = rate_limit_wait(response.headers, time.time())
        if wait is None:
            return response
        wait = min(wait, self.max_wait)
        self.crawler.stats.inc_value("pantau/rate_limit/waits")
        self.crawler.stats.inc_value("pantau/rate_limit/seconds", wait)
        logger.info("rate limit used up at %s: waiting %.1fs for the window to reset", request.url, wait)
        if wait > 0:
            await sleep(wait)
        return response


class UnsendableRequests:
    """Drop a request the spider says must not go out any more (`PantauSpider.unsendable`, e.g. a YouTube call once
    the daily quota is used up) just before it is sent: IgnoreRequest, so its errback counts and logs the page as
    lost and the chain's state is not advanced. A request created earlier and still queued is caught here too."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "UnsendableRequests":
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        check = getattr(self.crawler.spider, "unsendable", None)
        if check is not None and (reason := check(request)):
            raise IgnoreRequest(reason)
