"""Thin Bluesky spider.

    scrapy crawl bluesky -a actors=handle.bsky.social,did:plc:... [-a query=pilkada] [-a base_url=...] [-a auth_url=...]

Author feeds use the public AppView without login. Search (app.bsky.feed.searchPosts) needs a session since
2025: PANTAU_BSKY_HANDLE and PANTAU_BSKY_APP_PASSWORD -> com.atproto.server.createSession on `auth_url`
(default https://bsky.social), then `Authorization: Bearer <accessJwt>` against `auth_url`. The newest
createdAt per feed/query is kept in the crawl state; paging stops at posts the previous run already saw.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

import scrapy
from scrapy.http import Response

from pantau.crawlers.common import PageError, ParseError
from pantau.crawlers.platforms.bluesky import parse
from pantau.crawlers.spider import PantauSpider, split_list

HANDLE_ENV, PASSWORD_ENV = "PANTAU_BSKY_HANDLE", "PANTAU_BSKY_APP_PASSWORD"


class BlueskySpider(PantauSpider):
    name = "bluesky"
    default_base_url = "https://public.api.bsky.app"
    credential_env = (HANDLE_ENV, PASSWORD_ENV)
    custom_settings = {"ROBOTSTXT_OBEY": False}

    def __init__(self, actors: str | None = None, query: str | None = None, auth_url: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.actors = split_list(actors)
        self.query = query or None
        if not self.actors and not self.query:
            raise ValueError("the bluesky spider needs -a actors=handle,handle and/or -a query=...")
        self.auth_url = (auth_url or ("https://bsky.social" if self.base_url == self.default_base_url else self.base_url)).rstrip("/")
        self.jwt: str | None = None
        if self.query:
            self.identifier = self.env_secret(HANDLE_ENV, "Bluesky handle for searchPosts")
            self.password = self.env_secret(PASSWORD_ENV, "Bluesky app password for searchPosts")

    async def start(self) -> AsyncIterator[Any]:
        for actor in self.actors:
            key = f"actor:{actor}"
            if r := self.start_chain(key, parse.author_feed_url(self.base_url, actor), self.parse_page, meta={"pantau_key": key}):
                yield r
        if self.query:
            url, body = parse.session_request(self.auth_url, self.identifier, self.password)
            yield scrapy.Request(url, method="POST", body=body, headers={"Content-Type": "application/json"},
                                 callback=self.parse_session, errback=self.request_failed, dont_filter=True)

    def parse_session(self, response: Response) -> Iterator[Any]:
        try:
            self.jwt = parse.parse_session(self.json_body(response))
        except PageError as exc:
            self.page_failed(response, exc)
            return
        key = f"search:{self.query}"
        url = parse.search_url(self.auth_url, self.query, since=self.state.get(key).get("last_seen"))
        if r := self.start_chain(key, url, self.parse_page, headers=self._auth(), meta={"pantau_key": key}):
            yield r

    def parse_page(self, response: Response) -> Iterator[Any]:
        errors: list[ParseError] = []
        try:
            posts, cursor = parse.parse_page(self.json_body(response), errors=errors)
        except PageError as exc:
            self.page_failed(response, exc)
            return
        self.page_done(response, errors)
        key = response.meta["pantau_key"]
        last_seen = self.state.get(key).get("last_seen")
        fresh = [p for p in posts if not last_seen or (p.get("created_at") or "") > last_seen]
        if fresh:
            newest = max(p.get("created_at") or "" for p in fresh)
            if newest > self.state.updates.get(key, {}).get("last_seen", ""):
                self.state.update(key, last_seen=newest)
        yield from fresh
        if len(fresh) < len(posts):
            cursor = None  # reached what the previous run already saw
        url = None
        if cursor:
            url = (parse.author_feed_url(self.base_url, key.split(":", 1)[1], cursor=cursor) if key.startswith("actor:")
                   else parse.search_url(self.auth_url, self.query or "", cursor=cursor))
        if r := self.follow_page(response, url, self.parse_page, headers=self._auth()):
            yield r

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.jwt}"} if self.jwt else {}
