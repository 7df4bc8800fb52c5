"""Thin RSS/Atom spider: feed, then each new entry's article page (robots.txt obeyed).

    scrapy crawl rss -a feeds=https://news.example/rss,https://blog.example/atom.xml [-a base_url=...]
        [-a timezone=Asia/Jakarta] [-a "feeds=https://kabar.example/rss.xml Asia/Jayapura,https://news.example/rss"]

A date that names no zone is read in the feed's time zone: the one written after its URL (an IANA name or
WIB/WITA/WIT), else the `timezone` argument (default Asia/Jakarta, see parse.DEFAULT_TIMEZONE); a zone or offset
written in the date always wins.

Conditional GET with the ETag / Last-Modified of the previous run (HTTP 304 = nothing new); guids already
seen are kept in the crawl state (the last 1000 per feed) and not fetched again. An article that cannot be
fetched or read still gives a Post from its feed entry.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urljoin

from scrapy.http import Response
from twisted.python.failure import Failure

from pantau.crawlers.common import ParseError
from pantau.crawlers.platforms.rss import parse
from pantau.crawlers.spider import PantauSpider, split_list

SEEN_KEEP = 1000


class RssSpider(PantauSpider):
    name = "rss"
    default_base_url = "https://example.invalid"

    def __init__(self, feeds: str | None = None, articles: str = "1", timezone: str | None = None, *args: Any,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        default = parse.zone(timezone)
        # feed URL -> the zone of its dates that name none ("URL" or "URL ZONE" in the feeds list)
        self.zones: dict[str, tzinfo] = {}
        for item in split_list(feeds):
            url, *named = item.split()
            if len(named) > 1:
                raise ValueError(f"feeds: {item!r} is not 'URL' or 'URL TIMEZONE'")
            try:
                self.zones[urljoin(self.base_url + "/", url)] = parse.zone(named[0]) if named else default
            except ValueError as exc:
                raise ValueError(f"feeds: {url}: {exc}") from None
        self.feeds = list(self.zones)
        if not self.feeds:
            raise ValueError("the rss spider needs -a feeds=URL,URL")
        self.articles = articles not in ("0", "false", "no")

    async def start(self) -> AsyncIterator[Any]:
        for feed in self.feeds:
            key = f"feed:{feed}"
            saved = self.state.get(key)
            headers = {}
            if saved.get("etag"):
                headers["If-None-Match"] = saved["etag"]
            if saved.get("last_modified"):
                headers["If-Modified-Since"] = saved["last_modified"]
            if r := self.start_chain(key, feed, self.parse_feed, headers=headers,
                                     meta={"pantau_key": key, "pantau_feed": feed, "handle_httpstatus_list": [304]}):
                yield r

    def parse_feed(self, response: Response) -> Iterator[Any]:
        key = response.meta["pantau_key"]
        if response.status == 304:
            self.page_done(response)
            self.logger.info("%s not modified since the last run", response.url)
            return
        feed = response.meta["pantau_feed"]
        tz = self.zones[feed]
        if (page := self.read_page(response, parse.parse_feed, response.body, base_url=response.url, tz=tz)) is None:
            return
        entries, _ = page
        self.checkpoint.mark(response.meta["pantau_chain"], None)
        etag, modified = response.headers.get(b"ETag"), response.headers.get(b"Last-Modified")
        seen = list(self.state.get(key).get("seen") or [])
        known = set(seen)
        fresh = [e for e in entries if e["guid"] not in known]
        self.state.update(key, seen=(seen + [e["guid"] for e in fresh])[-SEEN_KEEP:],
                          etag=etag.decode("latin-1") if etag else None,
                          last_modified=modified.decode("latin-1") if modified else None)
        for entry in fresh:
            if self.articles and entry.get("link"):
                yield self.request(entry["link"], self.parse_article, self.article_failed,
                                   cb_kwargs={"entry": entry, "feed": feed})
            else:
                yield from self._from_entry(entry)

    def parse_article(self, response: Response, entry: dict, feed: str) -> Iterator[Any]:
        ctype = response.headers.get(b"Content-Type")
        try:
            yield parse.parse_article(response.body, entry, url=response.url,
                                      content_type=ctype.decode("latin-1") if ctype else None, tz=self.zones[feed])
            self.crawler.stats.inc_value("pantau/articles")
        except ParseError as exc:
            self.crawler.stats.inc_value("pantau/malformed_posts")
            self.logger.warning("article %s unreadable (%s); using its feed entry", response.url, exc)
            yield from self._from_entry(entry)

    def article_failed(self, failure: Failure) -> Iterator[Any]:
        self.request_failed(failure)
        yield from self._from_entry(failure.request.cb_kwargs["entry"])  # type: ignore[attr-defined]

    def _from_entry(self, entry: dict) -> Iterator[Any]:
        try:
            yield parse.entry_post(entry)
        except ParseError as exc:
            self.crawler.stats.inc_value("pantau/malformed_posts")
            self.logger.warning("feed entry %s unusable: %s", entry.get("guid"), exc)
