"""Thin Mastodon spider for one instance.

    scrapy crawl mastodon -a base_url=https://mastodon.social -a tags=pilkada,ASNNetral [-a accounts=user@host]

Post ids are the status URI (globally unique across instances). An optional access token (some instances
require one for public timelines) comes from PANTAU_MASTODON_TOKEN. The newest status id per tag/account is
kept as `since_id` in the crawl state; X-RateLimit-* headers are honoured by RateLimitHeadersMiddleware.
"""

from __future__ import annotations

import os
from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response

from pantau.crawlers.common import id_key
from pantau.crawlers.platforms.mastodon import parse
from pantau.crawlers.spider import PantauSpider, split_list, with_doc

TOKEN_ENV = "PANTAU_MASTODON_TOKEN"


class MastodonSpider(PantauSpider):
    name = "mastodon"
    default_base_url = "https://mastodon.social"
    credential_env = (TOKEN_ENV,)
    custom_settings = {"ROBOTSTXT_OBEY": False}

    def __init__(self, tags: str | None = None, accounts: str | None = None, query: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.tags = split_list(tags) or split_list(query)
        self.accounts = split_list(accounts)
        if not self.tags and not self.accounts:
            raise ValueError("the mastodon spider needs -a tags=a,b and/or -a accounts=user@host")
        token = os.environ.get(TOKEN_ENV, "").strip()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def start(self) -> AsyncIterator[Any]:
        for tag in self.tags:
            key = f"tag:{tag.lstrip('#').lower()}"
            url = parse.tag_url(self.base_url, tag, since_id=self.state.get(key).get("since_id"))
            if r := self.start_chain(key, url, self.parse_page, headers=self.headers, meta={"pantau_key": key}):
                yield r
        for acct in self.accounts:
            yield self.page_request(parse.lookup_url(self.base_url, acct), self.parse_lookup, chain=f"lookup:{acct}",
                                    headers=self.headers, meta={"pantau_acct": acct})

    def parse_lookup(self, response: Response) -> Iterator[Any]:
        if (account_id := self.read_page(response, parse.parse_account, json=True, errors=False)) is None:
            return
        self.checkpoint.mark(response.meta["pantau_chain"], None)
        key = f"account:{response.meta['pantau_acct']}"
        url = parse.statuses_url(self.base_url, account_id, since_id=self.state.get(key).get("since_id"))
        if r := self.start_chain(key, url, self.parse_page, headers=self.headers, meta={"pantau_key": key}):
            yield r

    def parse_page(self, response: Response) -> Iterator[Any]:
        if (page := self.read_page(response, with_doc(parse.parse_page), link=response.headers.get(b"Link"), json=True)) is None:
            return
        doc, (posts, next_url) = page
        key = response.meta["pantau_key"]
        since = self.state.get(key).get("since_id")
        ids = [str(s["id"]) for s in doc if isinstance(s, dict) and s.get("id")]
        if ids:
            newest = max(ids, key=id_key)
            known = self.state.updates.get(key, {}).get("since_id")
            if known is None or id_key(newest) > id_key(known):
                self.state.update(key, since_id=newest)
        yield from posts
        if since and ids and min(id_key(i) for i in ids) <= id_key(since):
            next_url = None  # reached what the previous run already saw
        if r := self.follow_page(response, next_url, self.parse_page, headers=self.headers):
            yield r
