"""Thin YouTube Data API v3 spider.

    scrapy crawl youtube -a channel_ids=UC...,UC... [-a query=pilkada] [-a quota_limit=2000] [-a comments=1]

Key from PANTAU_YOUTUBE_API_KEY, sent as the `X-Goog-Api-Key` header (never in a URL, so never in a log).
Watched channels go through their uploads playlist (1 unit/page) rather than search (100 units/call). Units
used are counted; a request that would pass `quota_limit` is not sent (stat `pantau/youtube/quota_skipped`).
A 403 quotaExceeded / dailyLimitExceeded / rateLimitExceeded / userRateLimitExceeded is reported as the quota or
rate limit used up (stats `pantau/rate_limited/<reason>`), not as a rejected key; after a daily one no further call
is sent in this crawl (`pantau/youtube/quota_exhausted`). 403 forbidden and 400 keyInvalid / "API key not valid"
are a rejected key.
State: newest video time per channel/query and newest comment time per video.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response

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
        self.quota_exhausted: str | None = None  # the reason, once the API said the daily quota is used up

    def api(self, method: str, url: str, callback: Any, *, chain: str, meta: dict | None = None, follow: Response | None = None) -> Any:
        cost = parse.COST[method]
        if self.quota_exhausted or self.quota_used + cost > self.quota_limit:
            self.crawler.stats.inc_value("pantau/youtube/quota_skipped")
            if self.quota_exhausted:
                self.logger.warning("daily quota used up (%s): not sending %s", self.quota_exhausted, method)
            else:
                self.logger.warning("quota limit %d units reached (%d used): not sending %s", self.quota_limit, self.quota_used, method)
            # what this call would have fetched is missing: its state (and its parent's) must not move on
            self._incomplete(follow.meta if follow is not None else (meta or {}))
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
        if (playlists := self.read_page(response, parse.parse_channels, json=True, errors=False)) is None:
            return
        self.checkpoint.mark(response.meta["pantau_chain"], None)
        for pl in playlists:
            key = response.meta["pantau_key"]
            if r := self.api("playlistItems", parse.playlist_url(self.base_url, pl), self.parse_videos, chain=f"uploads:{pl}",
                             meta={"pantau_key": key, "pantau_playlist": pl}):
                yield r

    def parse_videos(self, response: Response) -> Iterator[Any]:
        if (page := self.read_page(response, parse.parse_videos, json=True)) is None:
            return
        videos, token = page
        fresh = self.fresh_since_last_seen(response.meta["pantau_key"], videos)
        yield from fresh
        if self.with_comments:
            for video in fresh:
                vid = video["post_id"].split(":", 1)[1]
                if r := self.api("commentThreads", parse.comments_url(self.base_url, vid), self.parse_comments,
                                 chain=f"comments:{vid}", meta={"pantau_key": f"video:{vid}", "pantau_video": vid,
                                                                "pantau_parent_key": response.meta["pantau_key"]}):
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
        if (page := self.read_page(response, parse.parse_comments, json=True)) is None:
            return
        comments, token = page
        fresh = self.fresh_since_last_seen(response.meta["pantau_key"], comments)
        yield from fresh
        url = parse.comments_url(self.base_url, response.meta["pantau_video"], token) if token and len(fresh) == len(comments) else None
        if url is None:
            self.follow_page(response, None, self.parse_comments)
        elif r := self.api("commentThreads", url, self.parse_comments, chain="", follow=response):
            yield r

    # -- errors ----------------------------------------------------------------------------
    def limit_reason(self, response: Response) -> str | None:
        if response.status != 403:
            return None
        reason = next((r for r in parse.error_reasons(response.body) if r in parse.QUOTA_REASONS), None)
        if reason in parse.DAILY_QUOTA_REASONS and not self.quota_exhausted:
            self.quota_exhausted = reason
            self.crawler.stats.set_value("pantau/youtube/quota_exhausted", reason)
        return reason

    def credentials_rejected(self, response: Response) -> bool:
        if response.status == 401:
            return True
        reasons = parse.error_reasons(response.body)
        if response.status == 403:
            return not reasons or any(r in parse.KEY_REASONS for r in reasons)
        return response.status == 400 and (any(r in parse.KEY_REASONS for r in reasons) or b"API key not valid" in response.body)
