"""Thin Bluesky spider.

    scrapy crawl bluesky -a actors=handle.bsky.social,did:plc:... [-a query=pilkada] [-a base_url=...] [-a auth_url=...]

Author feeds use the public AppView without login. Search (app.bsky.feed.searchPosts) needs a session since
2025: PANTAU_BSKY_HANDLE and PANTAU_BSKY_APP_PASSWORD -> com.atproto.server.createSession on `auth_url`
(default https://bsky.social), then `Authorization: Bearer <accessJwt>` against `auth_url`. The newest
createdAt per feed/query is kept in the crawl state; paging stops at posts the previous run already saw.

An access token expires (400 {"error": "ExpiredToken"}): the session is refreshed once with
com.atproto.server.refreshSession (`Authorization: Bearer <refreshJwt>`) and the request sent again with the new
token (stat `pantau/bluesky/session_refreshed`). A refresh that fails, or the same request expiring again after
a refresh, is logged as rejected credentials naming the environment variables (stat `pantau/bluesky/auth_failed`).
Tokens go only to `auth_url`, never to the public AppView.

Post views carry no bio: the accounts of each page whose profile this crawl has not fetched yet are looked up
with app.bsky.actor.getProfiles on the public AppView (25 per call, cached for the crawl; stat
`pantau/bluesky/profiles`), then the page's posts are yielded with their bios (without them if the lookup fails).
Paging follows feed time: a repost counts at the time it was reposted, and the cursor is only dropped once a page
holds nothing newer than the previous run saw.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pantau.crawlers.common import PageError
from pantau.crawlers.platforms.bluesky import parse
from pantau.crawlers.spider import PantauSpider, split_list, with_doc

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
        self.refresh_jwt: str | None = None
        self.waiting: list[Request] = []  # requests that met ExpiredToken, sent again once the session is refreshed
        self.profiles: dict[str, dict] = {}  # did -> getProfiles profile ({} when the AppView gave none), per crawl
        self.asked: set[str] = set()  # dids whose getProfiles call is sent
        self.parked: list[tuple[Response, Any]] = []  # pages waiting for profiles another call is fetching
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
            yield self.request(url, self.parse_session, method="POST", body=body, headers={"Content-Type": "application/json"},
                               dont_filter=True)

    def parse_session(self, response: Response) -> Iterator[Any]:
        try:
            self.jwt, self.refresh_jwt = parse.parse_tokens(self.json_body(response))
        except PageError as exc:
            self.page_failed(response, exc)
            return
        key = f"search:{self.query}"
        url = parse.search_url(self.auth_url, self.query, since=self.state.get(key).get("last_seen"))
        if r := self.start_chain(key, url, self.parse_page, headers=self._auth(), meta={"pantau_key": key, "pantau_auth": True}):
            yield r

    def parse_page(self, response: Response) -> Iterator[Any]:
        if (page := self.read_page(response, with_doc(parse.parse_page), json=True, profiles=self.profiles)) is None:
            return
        doc, (posts, cursor) = page
        yield from self._with_profiles(response, doc, posts, cursor)

    def _with_profiles(self, response: Response, doc: Any, posts: list[dict], cursor: str | None) -> Iterator[Any]:
        """The page's posts once every account on it has its profile fetched: the accounts nobody asked for yet
        are looked up (25 per call); a page that only waits for a call already sent is parked until it answers."""
        missing = [d for d in parse.profile_dids(posts) if d not in self.profiles]
        unasked = [d for d in missing if d not in self.asked]
        if unasked:
            batch = unasked[:parse.PROFILES_MAX]
            self.asked.update(batch)
            yield self.request(parse.profiles_url(self.base_url, batch), self.parse_profiles, self.profiles_failed,
                               cb_kwargs={"page": (response, doc, batch)}, dont_filter=True)
        elif missing:
            self.parked.append((response, doc))
        else:
            yield from self._emit(response, posts, cursor)  # parsed with every profile known by now

    def _profiles_known(self, page: tuple, found: dict[str, dict]) -> Iterator[Any]:
        """Record a getProfiles answer, then go on with its page and with the parked pages."""
        page_response, doc, batch = page
        for did in batch:
            self.profiles[did] = found.get(did, {})
        pages, self.parked = [(page_response, doc), *self.parked], []
        for response, page_doc in pages:
            posts, cursor = parse.parse_page(page_doc, profiles=self.profiles)
            yield from self._with_profiles(response, page_doc, posts, cursor)

    def parse_profiles(self, response: Response, page: tuple) -> Iterator[Any]:
        try:
            found = parse.parse_profiles(self.json_body(response))
        except PageError as exc:
            self.logger.warning("bluesky profiles unreadable (%s): posts kept without bios", exc)
            found = {}
        self.crawler.stats.inc_value("pantau/bluesky/profiles", len(found))
        yield from self._profiles_known(page, found)

    def profiles_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("pantau/bluesky/profile_failures")
        self.logger.warning("bluesky getProfiles failed for %s (%s): posts kept without bios", request.url,
                            failure.getErrorMessage())
        yield from self._profiles_known(request.cb_kwargs["page"], {})

    def _emit(self, response: Response, posts: list[dict], cursor: str | None) -> Iterator[Any]:
        key = response.meta["pantau_key"]
        fresh = self.fresh_since_last_seen(key, posts)
        yield from fresh
        if posts and not fresh:
            cursor = None  # a whole page the previous run already saw
        url = None
        if cursor:
            url = (parse.author_feed_url(self.base_url, key.split(":", 1)[1], cursor=cursor) if key.startswith("actor:")
                   else parse.search_url(self.auth_url, self.query or "", cursor=cursor))
        # the token only goes to auth_url (search); a refresh is allowed again on every new page
        auth = {"headers": self._auth(), "meta": {"pantau_refreshed": False}} if response.meta.get("pantau_auth") else {}
        if r := self.follow_page(response, url, self.parse_page, **auth):
            yield r

    # -- session refresh ------------------------------------------------------------------
    def request_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError) and request.meta.get("pantau_auth") and parse.xrpc_error(failure.value.response.body) == "ExpiredToken":
            if request.meta.get("pantau_refreshed") or not self.refresh_jwt:
                why = "expired again after a refresh" if request.meta.get("pantau_refreshed") else "expired and no refresh token"
                self._auth_failed([request], f"access token {why} (HTTP 400 ExpiredToken)")
                return
            self.crawler.stats.inc_value("pantau/bluesky/expired_tokens")
            self.waiting.append(request)
            if len(self.waiting) == 1:  # one refresh for every request that meets the expiry meanwhile
                self.logger.info("Bluesky access token expired at %s: refreshing the session", request.url)
                yield self.request(parse.refresh_url(self.auth_url), self.parse_refresh, self.refresh_failed, method="POST",
                                   headers={"Authorization": f"Bearer {self.refresh_jwt}"}, dont_filter=True)
            return
        super().request_failed(failure)

    def parse_refresh(self, response: Response) -> Iterator[Any]:
        try:
            self.jwt, refresh = parse.parse_tokens(self.json_body(response))
        except PageError as exc:
            self._auth_failed(self.waiting, f"refreshSession answered without a token ({exc})")
            return
        self.refresh_jwt = refresh or self.refresh_jwt
        self.crawler.stats.inc_value("pantau/bluesky/session_refreshed")
        waiting, self.waiting = self.waiting, []
        for request in waiting:
            headers = request.headers.copy()
            headers["Authorization"] = f"Bearer {self.jwt}"
            yield request.replace(headers=headers, meta={**request.meta, "pantau_refreshed": True}, dont_filter=True)

    def refresh_failed(self, failure: Failure) -> None:
        if failure.check(HttpError):
            response = failure.value.response
            why = f"HTTP {response.status} {parse.xrpc_error(response.body) or ''}".strip()
        else:
            why = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
        self._auth_failed(self.waiting, f"access token expired and refreshSession failed ({why})")

    def _auth_failed(self, requests: list[Request], why: str) -> None:
        stats = self.crawler.stats
        stats.inc_value("pantau/bluesky/auth_failed")
        for request in requests:
            self._incomplete(request.meta)
            stats.inc_value("pantau/request_failures")
            self.logger.error("credentials rejected by bluesky: %s for %s: check %s", why, request.url, " / ".join(self.credential_env))
        if requests is self.waiting:
            self.waiting = []

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.jwt}"} if self.jwt else {}
