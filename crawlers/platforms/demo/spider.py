"""Thin spider for the demo platform: requests pages, hands the bodies to parse.py, yields post dicts.

    scrapy crawl demo -a base_url=http://127.0.0.1:8800 [-a mode=api|html] [-a query=guru] [-a max_pages=3]

mode=api (default) follows /api/v1/posts (or /api/v1/search) cursors; mode=html follows the timeline
(or /search) rel="next" links and fetches each author's profile once for the bio.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response
from twisted.python.failure import Failure

from pantau.crawlers.platforms.demo import parse
from pantau.crawlers.platforms.demo.profiles import ProfileJoin
from pantau.crawlers.spider import PantauSpider, positive_int

MODES = ("api", "html")


class DemoSpider(PantauSpider):
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
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ValueError("the demo spider needs -a base_url=http://HOST:PORT")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        super().__init__(base_url, max_pages, *args, **kwargs)
        self.mode = mode
        self.query = query or None
        self.limit = positive_int(limit, "limit")
        self.profiles = ProfileJoin()

    async def start(self) -> AsyncIterator[Any]:
        if self.mode == "api":
            url = parse.api_url(self.base_url, query=self.query, limit=self.limit)
            request = self.start_chain(f"api:{self.query or ''}", url, self.parse_api)
        else:
            url = parse.html_url(self.base_url, query=self.query)
            request = self.start_chain(f"html:{self.query or ''}", url, self.parse_html)
        if request is not None:
            yield request

    # -- callbacks -------------------------------------------------------------------
    def parse_api(self, response: Response) -> Iterator[Any]:
        if (page := self.read_page(response, parse.parse_api_page, response.body)) is None:
            return
        posts, cursor = page
        yield from posts
        url = parse.api_url(self.base_url, query=self.query, cursor=cursor, limit=self.limit) if cursor else None
        if (request := self.follow_page(response, url, self.parse_api)) is not None:
            yield request

    def parse_html(self, response: Response) -> Iterator[Any]:
        # Posts of earlier pages still waiting for a profile are not written yet: this page is not a safe resume
        # point until they are (a crawl killed meanwhile restarts from the last safe page; repeats are skipped).
        held = self.profiles.waiting > 0
        if (page := self.read_page(response, parse.parse_timeline, response.text, response.url, checkpoint=not held)) is None:
            return
        posts, next_url = page
        for post in posts:
            ready, fetch = self.profiles.offer(post)
            yield from ready
            if fetch:
                yield self.request(parse.profile_url(self.base_url, fetch), self.parse_profile, self.profile_failed,
                                   cb_kwargs={"handle": fetch})
        if (request := self.follow_page(response, next_url, self.parse_html)) is not None:
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
