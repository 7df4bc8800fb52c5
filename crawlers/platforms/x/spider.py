"""Thin X API v2 spider.

    scrapy crawl x -a query="#ASNNetral OR \"nomor urut\"" [-a usernames=guru_sari,@camat_x] [-a user_ids=123,456]
        [-a base_url=...] [-a max_pages=N]

Watchlists name accounts by handle (`usernames`): they are resolved to ids with GET /2/users/by (up to 100 per
call) before their timelines (GET /2/users/:id/tweets) are read; a handle X does not know (or a suspended account)
is logged with X's reason and counted in `pantau/x/unknown_handles`, the other accounts are still crawled.

Bearer token from PANTAU_X_BEARER_TOKEN (never logged). Recent search covers about the last 7 days. The
newest id seen per query/user is kept as `since_id` in the crawl state, so the next run asks only for newer Tweets.
Rate-limit headers are honoured by RateLimitHeadersMiddleware, 429 + Retry-After by RetryAfterMiddleware.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response

from pantau.crawlers.common import id_key
from pantau.crawlers.platforms.x import parse
from pantau.crawlers.spider import PantauSpider, split_list, with_doc

TOKEN_ENV = "PANTAU_X_BEARER_TOKEN"


class XSpider(PantauSpider):
    name = "x"
    default_base_url = "https://api.x.com"
    credential_env = (TOKEN_ENV,)
    custom_settings = {"ROBOTSTXT_OBEY": False}  # an API, not a website

    def __init__(self, query: str | None = None, user_ids: str | None = None, usernames: str | None = None,
                 *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.queries = [q for q in [query] if q]
        self.user_ids = split_list(user_ids)
        self.usernames = list(dict.fromkeys(h for h in map(parse.handle, split_list(usernames)) if h))
        if not self.queries and not self.user_ids and not self.usernames:
            raise ValueError("the x spider needs -a query=... and/or -a usernames=handle,handle and/or -a user_ids=ID,ID")
        self.token = self.env_secret(TOKEN_ENV, "X API v2 bearer token")
        self.timelines: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        for q in self.queries:
            key = f"search:{q}"
            url = parse.search_url(self.base_url, q, since_id=self.state.get(key).get("since_id"))
            if r := self.start_chain(key, url, self.parse_page, headers=self._auth(), meta={"pantau_key": key, "pantau_q": q}):
                yield r
        for uid in self.user_ids:
            if r := self.timeline(uid):
                yield r
        for i in range(0, len(self.usernames), parse.LOOKUP_MAX):
            batch = self.usernames[i:i + parse.LOOKUP_MAX]
            yield self.request(parse.users_by_url(self.base_url, batch), self.parse_users, headers=self._auth(),
                               cb_kwargs={"asked": batch})

    def timeline(self, uid: str) -> Any:
        """The first request of user `uid`'s timeline (None if it is already crawled in this run)."""
        if uid in self.timelines:
            return None
        self.timelines.add(uid)
        key = f"user:{uid}"
        url = parse.timeline_url(self.base_url, uid, since_id=self.state.get(key).get("since_id"))
        return self.start_chain(key, url, self.parse_page, headers=self._auth(), meta={"pantau_key": key, "pantau_user": uid})

    def parse_users(self, response: Response, asked: list[str]) -> Iterator[Any]:
        if (users := self.read_page(response, parse.parse_users, asked, json=True, errors=False)) is None:
            return
        found, missing = users
        stats = self.crawler.stats
        for h, why in missing.items():
            stats.inc_value("pantau/x/unknown_handles")
            self.logger.warning("X account @%s not found, its timeline is skipped (X says: %s); check the watchlist", h, why)
        stats.inc_value("pantau/x/resolved_handles", len(found))
        for h, uid in found.items():
            self.logger.debug("X account @%s is user id %s", h, uid)
            if r := self.timeline(uid):
                yield r

    def parse_page(self, response: Response) -> Iterator[Any]:
        if (page := self.read_page(response, with_doc(parse.parse_page), json=True)) is None:
            return
        doc, (posts, token) = page
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
