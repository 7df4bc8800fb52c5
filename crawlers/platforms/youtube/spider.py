"""Thin YouTube Data API v3 spider.

    scrapy crawl youtube -a channel_ids=UC...,UC... [-a query=pilkada] [-a quota_limit=2000] [-a comments=1]

Key from PANTAU_YOUTUBE_API_KEY, sent as the `X-Goog-Api-Key` header (never in a URL, so never in a log).
Watched channels go through their uploads playlist (1 unit/page) rather than search (100 units/call). Units
used are counted; a request that would pass `quota_limit` is not sent (stat `pantau/youtube/quota_skipped`).
A 403 quotaExceeded / dailyLimitExceeded / rateLimitExceeded / userRateLimitExceeded is reported as the quota or
rate limit used up (stats `pantau/rate_limited/<reason>`), not as a rejected key; after a daily one no further call
is sent in this crawl (`pantau/youtube/quota_exhausted`), not even one created before and still queued (dropped by
the UnsendableRequests middleware, counted in `pantau/youtube/quota_skipped`). 403 forbidden and 400 keyInvalid /
"API key not valid" are a rejected key.
State: newest video time per channel/query and newest comment time per video.

Identity: the watched channel's description comes with its channels.list call (part=snippet,contentDetails);
other video owners' and commenters' descriptions are looked up with channels.list?part=snippet&id= (50 ids per
call, 1 unit each, counted in the quota, each channel once per crawl; stat `pantau/youtube/channel_lookups`)
before the page's posts are yielded (without bios when the lookup fails or the quota is short). Replies: the
inline ones of commentThreads (part=snippet,replies), and all of them with comments.list?parentId= for a new
thread that has more. New replies to older threads: each crawl lists again the first commentThreads page of the
RECENT_VIDEOS newest videos already seen (1 unit each, counted), the state keeps every thread's totalReplyCount, and
a thread whose count grew has its replies fetched (comments.list?parentId=), only those newer than the video's last
crawl coming out; a page with a grown thread is followed to the next. A search keeps every parameter
(publishedAfter too) on every page.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response

from twisted.python.failure import Failure

from pantau.crawlers.common import PageError
from pantau.crawlers.platforms.youtube import parse
from pantau.crawlers.spider import PantauSpider, positive_int, split_list, with_doc

KEY_ENV = "PANTAU_YOUTUBE_API_KEY"
RECENT_VIDEOS = 10  # videos per channel/query whose comment threads are listed again on every crawl (1 unit each)
THREADS_KEEP = 2000  # reply counts kept per video in the crawl state


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
        self.channels: dict[str, dict] = {}  # channel id -> channels.list snippet ({} when none), per crawl
        self.asked: set[str] = set()  # channel ids whose lookup is sent
        self.parked: list[tuple] = []  # pages waiting for a lookup another page sent

    def spend(self, method: str) -> bool:
        """Count the units of one call of `method`, or say no (counted as skipped) when the quota does not allow it."""
        cost = parse.COST[method]
        if self.quota_exhausted or self.quota_used + cost > self.quota_limit:
            self.crawler.stats.inc_value("pantau/youtube/quota_skipped")
            if self.quota_exhausted:
                self.logger.warning("daily quota used up (%s): not sending %s", self.quota_exhausted, method)
            else:
                self.logger.warning("quota limit %d units reached (%d used): not sending %s", self.quota_limit, self.quota_used, method)
            return False
        self.quota_used += cost
        self.crawler.stats.set_value("pantau/youtube/quota_units", self.quota_used)
        return True

    def unsendable(self, request: Any) -> str | None:
        """A call created before the API said the daily quota is used up, still queued: not sent (counted as skipped)."""
        if self.quota_exhausted and request.headers.get("X-Goog-Api-Key"):
            self.crawler.stats.inc_value("pantau/youtube/quota_skipped")
            return f"daily quota used up ({self.quota_exhausted}): call not sent"
        return None

    def api(self, method: str, url: str, callback: Any, *, chain: str, meta: dict | None = None, follow: Response | None = None) -> Any:
        if not self.spend(method):
            # what this call would have fetched is missing: its state (and its parent's) must not move on
            self._incomplete(follow.meta if follow is not None else (meta or {}))
            return None
        headers = {"X-Goog-Api-Key": self.key}
        r = (self.follow_page(follow, url, callback, headers=headers) if follow is not None
             else self.start_chain(chain, url, callback, headers=headers, meta=meta or {}))
        if r is None:  # a chain already done in this crawl: nothing sent
            self.quota_used -= parse.COST[method]
            self.crawler.stats.set_value("pantau/youtube/quota_units", self.quota_used)
        return r

    # -- channel descriptions (bios) ---------------------------------------------------------
    def _with_channels(self, response: Response, doc: Any, posts: list[dict], parser: Any, emit: Any) -> Iterator[Any]:
        """emit(response, doc, posts) once the page's authors' channels are known (looked up 50 per call)."""
        missing = [c for c in parse.channel_ids(posts) if c not in self.channels]
        unasked = [c for c in missing if c not in self.asked]
        if unasked and self.spend("channels"):
            batch = unasked[:parse.CHANNELS_MAX]
            self.asked.update(batch)
            self.crawler.stats.inc_value("pantau/youtube/channel_lookups")
            yield self.request(parse.channel_info_url(self.base_url, batch), self.parse_channel_info, self.channel_info_failed,
                               headers={"X-Goog-Api-Key": self.key}, dont_filter=True,
                               cb_kwargs={"page": (response, doc, parser, emit, batch)})
        elif unasked:  # no quota left for lookups: the posts go without bios
            for c in unasked:
                self.channels[c] = {}
            yield from emit(response, doc, parser(doc, channels=self.channels)[0])
        elif missing:
            self.parked.append((response, doc, parser, emit))
        else:
            yield from emit(response, doc, posts)

    def parse_channel_info(self, response: Response, page: tuple) -> Iterator[Any]:
        try:
            found = parse.parse_channel_info(self.json_body(response))
        except PageError as exc:
            self.logger.warning("youtube channels unreadable (%s): posts kept without bios", exc)
            found = {}
        yield from self._channels_known(page, found)

    def channel_info_failed(self, failure: Failure) -> Iterator[Any]:
        self.limit_reason(failure.value.response) if hasattr(failure.value, "response") else None
        self.crawler.stats.inc_value("pantau/youtube/channel_lookup_failures")
        self.logger.warning("youtube channel lookup failed (%s): posts kept without bios", failure.getErrorMessage())
        yield from self._channels_known(failure.request.cb_kwargs["page"], {})  # type: ignore[attr-defined]

    def _channels_known(self, page: tuple, found: dict[str, dict]) -> Iterator[Any]:
        response, doc, parser, emit, batch = page
        for c in batch:
            self.channels[c] = found.get(c, {})
        pages, self.parked = [(response, doc, parser, emit), *self.parked], []
        for resp, page_doc, page_parser, page_emit in pages:
            posts, _ = page_parser(page_doc, channels=self.channels)
            yield from self._with_channels(resp, page_doc, posts, page_parser, page_emit)

    async def start(self) -> AsyncIterator[Any]:
        for cid in self.channel_ids:
            if r := self.api("channels", parse.channels_url(self.base_url, cid), self.parse_channel, chain=f"channel:{cid}",
                             meta={"pantau_key": f"channel:{cid}"}):
                yield r
        if self.query:
            key = f"search:{self.query}"
            after = self.state.get(key).get("last_seen")
            url = parse.search_url(self.base_url, self.query, published_after=after)
            if r := self.api("search", url, self.parse_videos, chain=key,
                             meta={"pantau_key": key, "pantau_search": self.query, "pantau_after": after}):
                yield r

    def parse_channel(self, response: Response) -> Iterator[Any]:
        if (page := self.read_page(response, with_doc(parse.parse_channels), json=True, errors=False)) is None:
            return
        doc, playlists = page
        for cid, snippet in parse.parse_channel_info(doc).items():
            self.channels.setdefault(cid, snippet)
        self.checkpoint.mark(response.meta["pantau_chain"], None)
        for pl in playlists:
            key = response.meta["pantau_key"]
            if r := self.api("playlistItems", parse.playlist_url(self.base_url, pl), self.parse_videos, chain=f"uploads:{pl}",
                             meta={"pantau_key": key, "pantau_playlist": pl}):
                yield r

    def parse_videos(self, response: Response) -> Iterator[Any]:
        if (page := self.read_page(response, with_doc(parse.parse_videos), json=True, channels=self.channels)) is None:
            return
        doc, (videos, _) = page
        yield from self._with_channels(response, doc, videos, parse.parse_videos, self._videos)

    def _videos(self, response: Response, doc: Any, videos: list[dict]) -> Iterator[Any]:
        token = parse._next(doc)
        key = response.meta["pantau_key"]
        fresh = self.fresh_since_last_seen(key, videos)
        yield from fresh
        if self.with_comments:
            fresh_ids = [video["post_id"].split(":", 1)[1] for video in fresh]
            # the first page of a chain also lists again the threads of the newest videos seen before (new replies)
            seen = [] if "pageToken=" in response.url else [v for v in self.state.get(key).get("recent_videos") or []
                                                             if v not in fresh_ids]
            recent = self.state.updates.get(key, {}).get("recent_videos") or self.state.get(key).get("recent_videos") or []
            self.state.update(key, recent_videos=list(dict.fromkeys(fresh_ids + recent))[:RECENT_VIDEOS])
            for vid in fresh_ids + seen:
                if r := self.api("commentThreads", parse.comments_url(self.base_url, vid), self.parse_comments,
                                 chain=f"comments:{vid}", meta={"pantau_key": f"video:{vid}", "pantau_video": vid,
                                                                "pantau_parent_key": key}):
                    yield r
        url = None
        if token and len(fresh) == len(videos):
            meta = response.meta
            url = (parse.playlist_url(self.base_url, meta["pantau_playlist"], token) if "pantau_playlist" in meta
                   else parse.search_url(self.base_url, meta["pantau_search"], token, published_after=meta.get("pantau_after")))
        method = "playlistItems" if "pantau_playlist" in response.meta else "search"
        if url is None:
            self.follow_page(response, None, self.parse_videos)
        elif r := self.api(method, url, self.parse_videos, chain="", follow=response):
            yield r

    def parse_comments(self, response: Response) -> Iterator[Any]:
        if (page := self.read_page(response, with_doc(parse.parse_comments), json=True, channels=self.channels)) is None:
            return
        doc, (comments, _) = page
        yield from self._with_channels(response, doc, comments, parse.parse_comments, self._comments)

    def _comments(self, response: Response, doc: Any, comments: list[dict]) -> Iterator[Any]:
        token = parse._next(doc)
        key = response.meta["pantau_key"]
        fresh = self.fresh_since_last_seen(key, comments)
        yield from fresh
        new_threads = {p["post_id"].split(":", 1)[1] for p in fresh if p.get("kind") == "comment"}
        counts = parse.reply_counts(doc)
        before = self.state.get(key).get("threads") or {}
        grown = {t for t, n in counts.items() if t not in new_threads and isinstance(before.get(t), int) and n > before[t]}
        for thread in parse.reply_threads(doc):  # more replies than the page holds inline
            if thread in new_threads or thread in grown:
                chain = f"replies:{thread}"
                if r := self.api("comments", parse.replies_url(self.base_url, thread), self.parse_replies, chain=chain,
                                 meta={"pantau_key": key, "pantau_thread": thread}):
                    yield r
        if grown:
            self.crawler.stats.inc_value("pantau/youtube/grown_threads", len(grown))
        known = {**before, **(self.state.updates.get(key, {}).get("threads") or {}), **counts}
        self.state.update(key, threads=dict(list(known.items())[-THREADS_KEEP:]))
        more = len(fresh) == len(comments) or grown  # a grown thread: older ones may have new replies too
        url = parse.comments_url(self.base_url, response.meta["pantau_video"], token) if token and more else None
        if url is None:
            self.follow_page(response, None, self.parse_comments)
        elif r := self.api("commentThreads", url, self.parse_comments, chain="", follow=response):
            yield r

    def parse_replies(self, response: Response) -> Iterator[Any]:
        """The replies of a new thread, or the new replies of a thread that grew (those after the video's last crawl)."""
        if (page := self.read_page(response, with_doc(parse.parse_replies), json=True, channels=self.channels)) is None:
            return
        doc, (replies, _) = page
        yield from self._with_channels(response, doc, replies, parse.parse_replies, self._replies)

    def _replies(self, response: Response, doc: Any, replies: list[dict]) -> Iterator[Any]:
        yield from self.fresh_since_last_seen(response.meta["pantau_key"], replies)
        token = parse._next(doc)
        url = parse.replies_url(self.base_url, response.meta["pantau_thread"], token) if token else None
        if url is None:
            self.follow_page(response, None, self.parse_replies)
        elif r := self.api("comments", url, self.parse_replies, chain="", follow=response):
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
