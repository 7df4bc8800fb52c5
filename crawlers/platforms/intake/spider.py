"""Manual intake spider (one submission per run); `pantau intake` is the CLI front.

    scrapy crawl intake -a url=https://www.facebook.com/... -a tip="Guru SDN ... ajak coblos 02" \
        -a reporter_contact="0812..." -a submitted_by=relawan_sleman [-a submitted_at=ISO] [-a fetch=1]

The submission is always stored (captured_at = submission time, the "known since" that starts the 7-day
Bawaslu deadline). The URL is fetched when possible (robots.txt is *not* consulted: a person asked for this
one page); a failed fetch is logged and recorded in raw.fetched.error.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response
from twisted.python.failure import Failure

from pantau.crawlers.common import odd_time
from pantau.crawlers.platforms.intake import parse
from pantau.crawlers.spider import PantauSpider
from pantau.post import format_time, parse_time, utcnow


class IntakeSpider(PantauSpider):
    name = "intake"
    default_base_url = "https://intake.invalid"  # not used: the URL comes with the submission
    custom_settings = {"ROBOTSTXT_OBEY": False, "RETRY_TIMES": 1}

    def __init__(self, url: str | None = None, tip: str | None = None, reporter_contact: str | None = None,
                 submitted_by: str | None = None, submitted_at: str | None = None, fetch: str = "1", *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not (url or "").strip() and not (tip or "").strip():
            raise ValueError("intake needs -a url=... and/or -a tip=...")
        # An unreadable or out-of-range submitted_at does not lose the submission: the intake time stands in (the
        # Bawaslu deadline then counts from it), the given text is kept in raw, logged and counted at start.
        self.odd_submitted_at = odd_time(submitted_at, "submitted_at")
        when = utcnow() if self.odd_submitted_at else (parse_time(submitted_at, "submitted_at") or utcnow())
        self.submission = {
            "url": parse.canonical_url(url) if url and url.strip() else None,
            "tip": (tip or "").strip() or None,
            "reporter_contact": (reporter_contact or "").strip() or None,
            "submitted_by": (submitted_by or "").strip() or None,
            "submitted_at": format_time(when),
        }
        if self.odd_submitted_at:
            self.submission["submitted_at_given"] = submitted_at
        self.fetch = fetch not in ("0", "false", "no")

    async def start(self) -> AsyncIterator[Any]:
        self.crawler.stats.inc_value("pantau/pages")  # the submission itself
        if self.odd_submitted_at:
            self.crawler.stats.inc_value("pantau/intake/odd_dates")
            self.logger.warning("%s not a time between 2000-01-01 and tomorrow; the submission is kept with the "
                                "intake time %s", self.odd_submitted_at, self.submission["submitted_at"])
        if self.submission["url"] and self.fetch:
            yield self.request(self.submission["url"], self.parse_page, self.fetch_failed, dont_filter=True)
        else:
            yield parse.intake_post(self.submission)

    def parse_page(self, response: Response) -> Iterator[Any]:
        ctype = response.headers.get(b"Content-Type")
        fetched = {"status": response.status, "final_url": response.url,
                   **parse.page_summary(response.body, ctype.decode("latin-1") if ctype else None)}
        self.crawler.stats.inc_value("pantau/intake/fetched")
        yield parse.intake_post(self.submission, fetched)

    def fetch_failed(self, failure: Failure) -> Iterator[Any]:
        self.crawler.stats.inc_value("pantau/intake/fetch_failed")
        self.crawler.stats.inc_value("pantau/request_failures")
        self.logger.warning("could not fetch %s (%s); the submission is kept without the page",
                            self.submission["url"], failure.getErrorMessage())
        yield parse.intake_post(self.submission, {"error": f"{type(failure.value).__name__}: {failure.getErrorMessage()}"})
