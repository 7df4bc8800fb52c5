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
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
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
