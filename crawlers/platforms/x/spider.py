"""Thin X API v2 spider.

    scrapy crawl x -a query="#ASNNetral OR \"nomor urut\"" [-a user_ids=123,456] [-a base_url=...] [-a max_pages=N]

Bearer token from PANTAU_X_BEARER_TOKEN (never logged). Recent search covers about the last 7 days. The
newest id seen per query/user is kept as `since_id` in the crawl state, so the next run asks only for newer Tweets.
Rate-limit headers are honoured by RateLimitHeadersMiddleware, 429 + Retry-After by RetryAfterMiddleware.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response

from pantau.crawlers.common import PageError, ParseError, id_key
from pantau.crawlers.platforms.x import parse
from pantau.crawlers.spider import PantauSpider, split_list

TOKEN_ENV = "PANTAU_X_BEARER_TOKEN"


class XSpider(PantauSpider):
    name = "x"
    default_base_url = "https://api.x.com"
    credential_env = (TOKEN_ENV,)
    custom_settings = {"ROBOTSTXT_OBEY": False}  # an API, not a website

    def __init__(self, query: str | None = None, user_ids: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.queries = [q for q in [query] if q]
        self.user_ids = split_list(user_ids)
        if not self.queries and not self.user_ids:
            raise ValueError("the x spider needs -a query=... and/or -a user_ids=ID,ID")
        self.token = self.env_secret(TOKEN_ENV, "X API v2 bearer token")

    async def start(self) -> AsyncIterator[Any]:
        for q in self.queries:
            key = f"search:{q}"
            url = parse.search_url(self.base_url, q, since_id=self.state.get(key).get("since_id"))
            if r := self.start_chain(key, url, self.parse_page, headers=self._auth(), meta={"pantau_key": key, "pantau_q": q}):
                yield r
        for uid in self.user_ids:
            key = f"user:{uid}"
            url = parse.timeline_url(self.base_url, uid, since_id=self.state.get(key).get("since_id"))
            if r := self.start_chain(key, url, self.parse_page, headers=self._auth(), meta={"pantau_key": key, "pantau_user": uid}):
                yield r

    def parse_page(self, response: Response) -> Iterator[Any]:
        errors: list[ParseError] = []
        try:
            doc = self.json_body(response)
            posts, token = parse.parse_page(doc, errors=errors)
        except PageError as exc:
            self.page_failed(response, exc)
            return
        self.page_done(response, errors)
        key = response.meta["pantau_key"]
        if (newest := parse.newest_id(doc)) is not None:
            known = self.state.updates.get(key, {}).get("since_id")
            if known is None or id_key(newest) > id_key(known):
                self.state.update(key, since_id=newest)
        yield from posts
        url = None
        if token:
            since = self.state.get(key).get("since_id")
            if "pantau_q" in response.meta:
                url = parse.search_url(self.base_url, response.meta["pantau_q"], since_id=since, next_token=token)
            else:
                url = parse.timeline_url(self.base_url, response.meta["pantau_user"], since_id=since, pagination_token=token)
        if r := self.follow_page(response, url, self.parse_page, headers=self._auth()):
            yield r

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}
