"""Thin spider for the demo platform: requests pages, hands the bodies to parse.py, yields post dicts.

    scrapy crawl demo -a base_url=http://127.0.0.1:8800 [-a mode=api|html] [-a query=guru] [-a max_pages=3]

mode=api (default) follows /api/v1/posts (or /api/v1/search) cursors; mode=html follows the timeline
(or /search) rel="next" links and fetches each author's profile once for the bio.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from pantau.crawlers.platforms.demo import parse
from pantau.crawlers.platforms.demo.profiles import ProfileJoin

MODES = ("api", "html")


class DemoSpider(scrapy.Spider):
    name = "demo"

    def __init__(
        self,
        base_url: str | None = None,
        mode: str = "api",
        query: str | None = None,
        max_pages: str | int | None = None,
        limit: str | int = 50,
        *args: Any,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ValueError("the demo spider needs -a base_url=http://HOST:PORT")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.base_url = base_url.rstrip("/")
        self.mode = mode
        self.query = query or None
        self.max_pages = _positive_int(max_pages, "max_pages") if max_pages not in (None, "") else None
        self.limit = _positive_int(limit, "limit")
        self.pages_requested = 0
        self.profiles = ProfileJoin()

    async def start(self) -> AsyncIterator[Any]:
        if self.mode == "api":
            request = self._page(parse.api_url(self.base_url, query=self.query, limit=self.limit), self.parse_api)
        else:
            request = self._page(parse.html_url(self.base_url, query=self.query), self.parse_html)
        if request is not None:
            yield request

    # -- callbacks -------------------------------------------------------------------
    def parse_api(self, response: Response) -> Iterator[Any]:
        errors: list[parse.ParseError] = []
        try:
            posts, cursor = parse.parse_api_page(response.body, errors=errors)
        except parse.PageError as exc:
            self._page_failed(response, exc)
            return
        self._page_done(response, errors)
        yield from posts
        if cursor:
            url = parse.api_url(self.base_url, query=self.query, cursor=cursor, limit=self.limit)
            if (request := self._page(url, self.parse_api)) is not None:
                yield request

    def parse_html(self, response: Response) -> Iterator[Any]:
        errors: list[parse.ParseError] = []
        posts, next_url = parse.parse_timeline(response.text, response.url, errors=errors)
        self._page_done(response, errors)
        for post in posts:
            ready, fetch = self.profiles.offer(post)
            yield from ready
            if fetch:
                yield scrapy.Request(
                    parse.profile_url(self.base_url, fetch),
                    callback=self.parse_profile,
                    errback=self.profile_failed,
                    cb_kwargs={"handle": fetch},
                )
        if next_url and (request := self._page(next_url, self.parse_html)) is not None:
            yield request

    def parse_profile(self, response: Response, handle: str) -> Iterator[Any]:
        try:
            profile = parse.parse_profile(response.text, response.url)
        except parse.PageError as exc:
            self.logger.warning("profile %s unreadable (%s); its posts keep no bio", response.url, exc)
            profile = None
        self.crawler.stats.inc_value("pantau/profiles")
        yield from self.profiles.resolve(handle, profile)

    def profile_failed(self, failure: Failure) -> Iterator[Any]:
        handle = failure.request.cb_kwargs["handle"]  # type: ignore[attr-defined]
        self.logger.warning("profile of %s not fetched (%s); its posts keep no bio", handle, failure.value)
        yield from self.profiles.resolve(handle, None)

    # -- helpers -----------------------------------------------------------------------
    def _page(self, url: str, callback: Any) -> scrapy.Request | None:
        if self.max_pages is not None and self.pages_requested >= self.max_pages:
            self.logger.info("max_pages=%d reached, not following %s", self.max_pages, url)
            return None
        self.pages_requested += 1
        return scrapy.Request(url, callback=callback)

    def _page_done(self, response: Response, errors: list[parse.ParseError]) -> None:
        self.crawler.stats.inc_value("pantau/pages")
        for err in errors:
            self.crawler.stats.inc_value("pantau/malformed_posts")
            self.logger.warning("skipped malformed post on %s: %s", response.url, err)

    def _page_failed(self, response: Response, exc: parse.PageError) -> None:
        self.crawler.stats.inc_value("pantau/page_errors")
        self.logger.error("unreadable page %s: %s", response.url, exc)


def _positive_int(value: str | int, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive integer, got {value!r}") from None
    if number < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return number
