"""Thin generic HTML spider driven by a TOML site config (robots.txt obeyed).

    scrapy crawl html -a site_config=sites/forum-warga.toml -a base_url=https://forum.example [-a max_pages=N]

Post ids already seen (the last 2000 per site) are kept in the crawl state; paging stops at a page whose
posts were all seen before.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator
from urllib.parse import urljoin

from scrapy.http import Response

from pantau.crawlers.platforms.html import parse
from pantau.crawlers.spider import PantauSpider

SEEN_KEEP = 2000


class HtmlSpider(PantauSpider):
    name = "html"
    default_base_url = None

    def __init__(self, site_config: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not site_config:
            raise ValueError("the html spider needs -a site_config=PATH.toml (see docs/crawlers.md)")
        self.site = parse.load_site(site_config)
        self.key = f"site:{self.site['name']}"
        self.seen = list(self.state.get(self.key).get("seen") or [])

    async def start(self) -> AsyncIterator[Any]:
        if r := self.start_chain(self.key, urljoin(self.base_url + "/", self.site["start_url"]), self.parse_page):
            yield r

    def parse_page(self, response: Response) -> Iterator[Any]:
        ctype = response.headers.get(b"Content-Type")
        if (page := self.read_page(response, parse.parse_page, response.body, site=self.site, base_url=response.url,
                                   content_type=ctype.decode("latin-1") if ctype else None)) is None:
            return
        posts, next_url = page
        known = set(self.seen)
        fresh = [p for p in posts if p["post_id"] not in known]
        self.seen.extend(p["post_id"] for p in fresh)
        self.state.update(self.key, seen=self.seen[-SEEN_KEEP:])
        yield from fresh
        if posts and not fresh:
            next_url = None
        if r := self.follow_page(response, next_url, self.parse_page):
            yield r
