"""Thin YouTube Data API v3 spider.

    scrapy crawl youtube -a channel_ids=UC...,UC... [-a query=pilkada] [-a quota_limit=2000] [-a comments=1]

Key from PANTAU_YOUTUBE_API_KEY, sent as the `X-Goog-Api-Key` header (never in a URL, so never in a log).
Watched channels go through their uploads playlist (1 unit/page) rather than search (100 units/call). Units
used are counted; a request that would pass `quota_limit` is not sent (stat `pantau/youtube/quota_skipped`).
State: newest video time per channel/query and newest comment time per video.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response

from pantau.crawlers.common import PageError, ParseError
from pantau.crawlers.platforms.youtube import parse
from pantau.crawlers.spider import PantauSpider, positive_int, split_list

KEY_ENV = "PANTAU_YOUTUBE_API_KEY"


class YoutubeSpider(PantauSpider):
    name = "youtube"
    default_base_url = "https://www.googleapis.com"
    credential_env = (KEY_ENV,)
    custom_settings = {"ROBOTSTXT_OBEY": False}

    def __init__(self, channel_ids: str | None = None, query: str | None = None, quota_limit: str | int = 2000,
                 comments: str = "1", *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.channel_ids = split_list(channel_ids)
        self.query = query or None
        if not self.channel_ids and not self.query:
            raise ValueError("the youtube spider needs -a channel_ids=UC... and/or -a query=...")
        self.quota_limit = positive_int(quota_limit, "quota_limit")
        self.with_comments = comments not in ("0", "false", "no")
        self.key = self.env_secret(KEY_ENV, "YouTube Data API v3 key")
        self.quota_used = 0

    def api(self, method: str, url: str, callback: Any, *, chain: str, meta: dict | None = None, follow: Response | None = None) -> Any:
        cost = parse.COST[method]
        if self.quota_used + cost > self.quota_limit:
            self.crawler.stats.inc_value("pantau/youtube/quota_skipped")
            self.logger.warning("quota limit %d units reached (%d used): not sending %s", self.quota_limit, self.quota_used, method)
            return None
        headers = {"X-Goog-Api-Key": self.key}
        r = (self.follow_page(follow, url, callback, headers=headers) if follow is not None
             else self.start_chain(chain, url, callback, headers=headers, meta=meta or {}))
        if r is not None:
            self.quota_used += cost
            self.crawler.stats.set_value("pantau/youtube/quota_units", self.quota_used)
        return r

    async def start(self) -> AsyncIterator[Any]:
        for cid in self.channel_ids:
            if r := self.api("channels", parse.channels_url(self.base_url, cid), self.parse_channel, chain=f"channel:{cid}",
                             meta={"pantau_key": f"channel:{cid}"}):
                yield r
        if self.query:
            key = f"search:{self.query}"
            url = parse.search_url(self.base_url, self.query, published_after=self.state.get(key).get("last_seen"))
            if r := self.api("search", url, self.parse_videos, chain=key, meta={"pantau_key": key, "pantau_search": self.query}):
                yield r

    def parse_channel(self, response: Response) -> Iterator[Any]:
        try:
            playlists = parse.parse_channels(self.json_body(response))
        except PageError as exc:
            self.page_failed(response, exc)
            return
        self.page_done(response)
        self.checkpoint.mark(response.meta["pantau_chain"], None)
        for pl in playlists:
            key = response.meta["pantau_key"]
            if r := self.api("playlistItems", parse.playlist_url(self.base_url, pl), self.parse_videos, chain=f"uploads:{pl}",
                             meta={"pantau_key": key, "pantau_playlist": pl}):
                yield r

    def parse_videos(self, response: Response) -> Iterator[Any]:
        errors: list[ParseError] = []
        try:
            videos, token = parse.parse_videos(self.json_body(response), errors=errors)
        except PageError as exc:
            self.page_failed(response, exc)
            return
        self.page_done(response, errors)
        fresh = self._fresh(response.meta["pantau_key"], videos)
        yield from fresh
        if self.with_comments:
            for video in fresh:
                vid = video["post_id"].split(":", 1)[1]
                if r := self.api("commentThreads", parse.comments_url(self.base_url, vid), self.parse_comments,
                                 chain=f"comments:{vid}", meta={"pantau_key": f"video:{vid}", "pantau_video": vid}):
                    yield r
        url = None
        if token and len(fresh) == len(videos):
            meta = response.meta
            url = (parse.playlist_url(self.base_url, meta["pantau_playlist"], token) if "pantau_playlist" in meta
                   else parse.search_url(self.base_url, meta["pantau_search"], token))
        method = "playlistItems" if "pantau_playlist" in response.meta else "search"
        if url is None:
            self.follow_page(response, None, self.parse_videos)
        elif r := self.api(method, url, self.parse_videos, chain="", follow=response):
            yield r

    def parse_comments(self, response: Response) -> Iterator[Any]:
        errors: list[ParseError] = []
        try:
            comments, token = parse.parse_comments(self.json_body(response), errors=errors)
        except PageError as exc:
            self.page_failed(response, exc)
            return
        self.page_done(response, errors)
        fresh = self._fresh(response.meta["pantau_key"], comments)
        yield from fresh
        url = parse.comments_url(self.base_url, response.meta["pantau_video"], token) if token and len(fresh) == len(comments) else None
        if url is None:
            self.follow_page(response, None, self.parse_comments)
        elif r := self.api("commentThreads", url, self.parse_comments, chain="", follow=response):
            yield r

    def _fresh(self, key: str, posts: list[dict]) -> list[dict]:
        last_seen = self.state.get(key).get("last_seen")
        fresh = [p for p in posts if not last_seen or (p.get("created_at") or "") > last_seen]
        if fresh:
            newest = max(p.get("created_at") or "" for p in fresh)
            if newest > self.state.updates.get(key, {}).get("last_seen", ""):
                self.state.update(key, last_seen=newest)
        return fresh
