"""Thin Telegram channel spider over the public web preview.

    scrapy crawl telegram -a channels=infopemilu,humaspemkab [-a base_url=https://t.me] [-a max_pages=N]

The highest message number per channel is kept in the crawl state; paging back (?before=) goes on until a page
reaches it (a page of service messages or media only does not stop it).
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response

from pantau.crawlers.platforms.telegram import parse
from pantau.crawlers.spider import PantauSpider, split_list


class TelegramSpider(PantauSpider):
    name = "telegram"
    default_base_url = "https://t.me"
    custom_settings = {"DOWNLOAD_DELAY": 1.0}

    def __init__(self, channels: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.channels = [c.lstrip("@") for c in split_list(channels)]
        if not self.channels:
            raise ValueError("the telegram spider needs -a channels=name,name")

    async def start(self) -> AsyncIterator[Any]:
        for channel in self.channels:
            key = f"channel:{channel}"
            if r := self.start_chain(key, parse.channel_url(self.base_url, channel), self.parse_page, meta={"pantau_key": key}):
                yield r

    def parse_page(self, response: Response) -> Iterator[Any]:
        ctype = response.headers.get(b"Content-Type")
        if (page := self.read_page(response, parse.parse_page, response.body, base_url=self.base_url,
                                   content_type=ctype.decode("latin-1") if ctype else None)) is None:
            return
        posts, older = page
        key = response.meta["pantau_key"]
        last = int(self.state.get(key).get("last_id") or 0)
        numbers = [parse.message_number(p["post_id"]) for p in posts]
        fresh = [p for p, n in zip(posts, numbers) if n > last]
        if numbers and max(numbers) > int(self.state.updates.get(key, {}).get("last_id") or 0):
            self.state.update(key, last_id=str(max(numbers)))
        yield from fresh
        before = parse.before_number(older)
        if len(fresh) < len(posts) or (last and before is not None and before <= last):
            older = None  # this page reached messages the previous run saw
        if r := self.follow_page(response, older, self.parse_page):
            yield r
