"""PantauSpider: what every platform spider shares, so the spiders themselves stay thin.

- `base_url` spider argument (default: the platform's real API), checked; `max_pages` limit.
- Incremental state (`state_file` spider argument, see pantau.crawlers.state.CrawlState), saved only when the
  crawl finished cleanly.
- Resume checkpoints of page chains (setting PANTAU_CHECKPOINT_FILE, see run_crawl(resume_dir=...)).
- Failures never kill the crawl: an unreadable page or a failed request is logged at ERROR and counted in
  `pantau/page_errors` / `pantau/request_failures[/<reason>]`; malformed posts in `pantau/malformed_posts`.
- Credentials come from environment variables; a missing one raises AuthError naming the variable, a rejected
  one (HTTP 401/403, see `credentials_rejected`) is logged naming the variable. Secret values are never logged.
  A quota or rate limit used up (`limit_reason`, e.g. YouTube's 403 quotaExceeded) is reported as such, never as
  rejected credentials (stats `pantau/rate_limited[/<reason>]`).
"""

from __future__ import annotations

import os
from typing import Any, Iterable

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pantau.crawlers.common import AuthError, PageError, ParseError, load_json
from pantau.crawlers.state import Checkpoint, CrawlState


class PantauSpider(scrapy.Spider):
    default_base_url: str | None = None
    # Environment variables holding this platform's credentials (named in error messages).
    credential_env: tuple[str, ...] = ()

    def __init__(
        self,
        base_url: str | None = None,
        max_pages: str | int | None = None,
        state_file: str | None = None,
        *args: Any,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        base = base_url or self.default_base_url
        if not base or not base.startswith(("http://", "https://")):
            raise ValueError(f"the {self.name} spider needs -a base_url=http(s)://HOST[:PORT]")
        self.base_url = base.rstrip("/")
        self.max_pages = positive_int(max_pages, "max_pages") if max_pages not in (None, "") else None
        self.state = CrawlState(state_file, self.name)
        self.checkpoint = Checkpoint(None)
        self.pages_requested = 0
        # State keys whose chain lost a page: their state is not advanced (the next run fetches them again).
        self.incomplete: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "PantauSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.checkpoint = Checkpoint(crawler.settings.get("PANTAU_CHECKPOINT_FILE"))
        return spider

    # -- requests ------------------------------------------------------------------------
    def request(self, url: str, callback: Any, errback: Any = None, **kwargs: Any) -> scrapy.Request:
        """scrapy.Request with this spider's callback/errback as the same bound-method objects every time.

        Scrapy parses the source of a generator callback before each call (warn_on_generator_with_return_value)
        and caches the answer in a weak cache keyed by the callable; a fresh `self.parse_x` per request dies with
        its request and misses that cache on every page (about 2 ms of CPU per page)."""
        return scrapy.Request(url, callback=self._stable(callback), errback=self._stable(errback or self.request_failed),
                              **kwargs)

    def _stable(self, method: Any) -> Any:
        if getattr(method, "__self__", None) is not self:
            return method
        bound = self.__dict__.setdefault("_pantau_bound", {})
        return bound.setdefault(method.__func__, method)

    def page_request(self, url: str, callback: Any, *, chain: str, **kwargs: Any) -> scrapy.Request | None:
        """A listing-page request in page chain `chain` (None once max_pages is reached)."""
        if self.max_pages is not None and self.pages_requested >= self.max_pages:
            self.logger.info("max_pages=%d reached, not following %s", self.max_pages, url)
            return None
        self.pages_requested += 1
        meta = {**kwargs.pop("meta", {}), "pantau_chain": chain}
        return self.request(url, callback, meta=meta, **kwargs)

    def start_chain(self, chain: str, url: str, callback: Any, **kwargs: Any) -> scrapy.Request | None:
        """First request of a chain, or the checkpointed page when resuming a killed crawl."""
        resume = self.checkpoint.resume_url(chain)
        if resume:
            self.logger.info("resuming chain %s at %s", chain, resume)
            self.crawler.stats.inc_value("pantau/resumed_chains")
        return self.page_request(resume or url, callback, chain=chain, **kwargs)

    def follow_page(self, response: Response, url: str | None, callback: Any, **kwargs: Any) -> scrapy.Request | None:
        """The next page of the response's chain, or None (and the chain's checkpoint is cleared)."""
        chain = response.meta.get("pantau_chain", "")
        if not url:
            self.checkpoint.mark(chain, None)
            return None
        meta = {k: v for k, v in response.meta.items() if k.startswith("pantau_") and k != "pantau_chain"}
        return self.page_request(url, callback, chain=chain, meta={**meta, **kwargs.pop("meta", {})}, **kwargs)

    def fresh_since_last_seen(self, key: str, posts: list[dict]) -> list[dict]:
        """The posts newer than the `last_seen` time saved for `key` (ISO strings compare in time order); records
        the newest one as the next run's `last_seen` (saved when the crawl finishes). A post whose time is unknown
        (an odd date set aside by settle_times) is always fresh: it is never lost, and the store keeps it once."""
        last_seen = self.state.get(key).get("last_seen")
        fresh = [p for p in posts if not last_seen or not p.get("created_at") or p["created_at"] > last_seen]
        if fresh:
            newest = max(p.get("created_at") or "" for p in fresh)
            if newest > self.state.updates.get(key, {}).get("last_seen", ""):
                self.state.update(key, last_seen=newest)
        return fresh

    # -- bookkeeping ---------------------------------------------------------------------
    def read_page(self, response: Response, fn: Any, *args: Any, json: bool = False, errors: bool = True,
                  checkpoint: bool = True, **kwargs: Any) -> Any:
        """Parse one fetched page with the pure function `fn`, doing what every callback needs around it.

        Calls `fn(*args, errors=[...], **kwargs)` (the decoded JSON body first when `json`; no `errors` list when
        `errors=False`). A PageError (from fn or from decoding) -> page_failed (logged, counted, the chain's state
        not advanced) and None; otherwise page_done (checkpoint, every malformed post fn reported logged and
        counted) and fn's result. `checkpoint=False`: the chain's resume point stays where it was (see page_done).
        """
        found: list[ParseError] = []
        try:
            if json:
                args = (self.json_body(response), *args)
            result = fn(*args, errors=found, **kwargs) if errors else fn(*args, **kwargs)
        except PageError as exc:
            self.page_failed(response, exc)
            return None
        self.page_done(response, found, checkpoint=checkpoint)
        return result

    def page_done(self, response: Response, errors: Iterable[ParseError] = (), *, checkpoint: bool = True) -> None:
        """Count the page, log and count its malformed posts, and make it its chain's resume point. That is safe
        only when every post of the chain's earlier pages has been written; a spider still holding some back
        (e.g. the demo's posts waiting for their author's profile) passes checkpoint=False."""
        stats = self.crawler.stats
        stats.inc_value("pantau/pages")
        chain = response.meta.get("pantau_chain")
        if chain is not None and checkpoint:
            self.checkpoint.mark(chain, response.request.url)
        for err in errors:
            stats.inc_value("pantau/malformed_posts")
            self.logger.warning("skipped malformed post on %s: %s", response.url, err)

    def page_failed(self, response: Response, exc: Exception) -> None:
        self._incomplete(response.meta)
        self.crawler.stats.inc_value("pantau/page_errors")
        self.logger.error("unreadable page %s (HTTP %s): %s", response.url, response.status, exc)

    def json_body(self, response: Response) -> Any:
        ctype = response.headers.get(b"Content-Type")
        doc, bad = load_json(response.body, ctype.decode("latin-1") if ctype else None)
        if bad:
            self.crawler.stats.inc_value("pantau/bad_encoding")
            self.logger.warning("%s is not valid UTF-8; bad bytes replaced by U+FFFD", response.url)
        return doc

    def request_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._incomplete(request.meta)
        stats = self.crawler.stats
        stats.inc_value("pantau/request_failures")
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            stats.inc_value(f"pantau/request_failures/http_{status}")
            reason = self.limit_reason(response)
            if reason:
                stats.inc_value("pantau/rate_limited")
                stats.inc_value(f"pantau/rate_limited/{reason}")
                self.logger.error(
                    "%s quota or rate limit used up (HTTP %d, reason %s) for %s: not a credentials problem; "
                    "page skipped, run the crawl again once the limit resets",
                    self.name, status, reason, request.url,
                )
                return
            if self.credentials_rejected(response):
                self.logger.error(
                    "credentials rejected by %s (HTTP %d) for %s: check %s",
                    self.name, status, request.url, " / ".join(self.credential_env),
                )
                return
            self.logger.error("HTTP %d for %s, page skipped", status, request.url)
            return
        reason = type(failure.value).__name__
        stats.inc_value(f"pantau/request_failures/{reason}")
        self.logger.error("request %s failed (%s: %s), page skipped", request.url, reason, failure.getErrorMessage())

    def unsendable(self, request: scrapy.Request) -> str | None:
        """Why `request`, created earlier, must not be sent now (pantau.crawlers.middlewares.UnsendableRequests drops
        it; its errback marks the page lost), or None. Platforms override (YouTube: the daily quota is used up)."""
        return None

    def limit_reason(self, response: Response) -> str | None:
        """The platform's reason when an error response says a quota or rate limit is used up (HTTP 403 on some
        APIs), which is not a credentials problem; None otherwise. Platforms override."""
        return None

    def credentials_rejected(self, response: Response) -> bool:
        """Whether an error response means this platform's credentials were rejected (default: HTTP 401/403)."""
        return bool(self.credential_env) and response.status in (401, 403)

    def _incomplete(self, meta: dict) -> None:
        """The request's state key (and the key of the page it came from, `pantau_parent_key`) lost a page."""
        for name in ("pantau_key", "pantau_parent_key"):
            if key := meta.get(name):
                self.incomplete.add(key)

    def closed(self, reason: str) -> None:
        for key in self.incomplete:
            if self.state.updates.pop(key, None) is not None:
                self.logger.warning("state of %s not advanced: a page of it was lost in this crawl", key)
        if reason == "finished" and self.state.save():
            self.logger.info("crawl state saved to %s", self.state.path)

    # -- credentials ---------------------------------------------------------------------
    @staticmethod
    def env_secret(name: str, what: str) -> str:
        value = os.environ.get(name, "").strip()
        if not value:
            raise AuthError(f"missing credentials: set the environment variable {name} ({what})")
        return value


def with_doc(fn: Any) -> Any:
    """`fn` returning `(doc, fn(doc, ...))`: for a callback that needs the decoded page besides what fn parsed
    (`self.read_page(response, with_doc(parse.parse_page), json=True)`)."""

    def call(doc: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        return doc, fn(doc, *args, **kwargs)

    return call


def positive_int(value: str | int, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive integer, got {value!r}") from None
    if number < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return number


def split_list(value: str | None) -> list[str]:
    """`a,b , c` -> ['a', 'b', 'c'] (spider arguments are strings)."""
    return [v.strip() for v in (value or "").split(",") if v.strip()]


__all__ = ["PantauSpider", "PageError", "ParseError", "AuthError", "positive_int", "split_list", "with_doc"]
