"""Pure functions for manual intake: a submission (URL and/or tip, reporter contact, who and when) becomes a
Post; the page at the URL, when it could be fetched, adds its title/description and a snapshot hash.

Post id: `sha256(canonical URL)[:24]` for a URL (the same URL submitted twice is one post), else
`tip-` + sha256(tip + submitted_at)[:24]. Platform: facebook / instagram / tiktok / x / youtube / telegram
/ whatsapp (channels) from the URL's host, `web` for other sites, `tip` without URL. `raw` is the canonical JSON of the submission
and of what was fetched (status, final URL, title, description, SHA-256 of the page bytes).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from parsel import Selector

from pantau.crawlers.common import ParseError, decode_html, post_payload
from pantau.post import sha256_hex

PLATFORM = "intake"
HOSTS = {"facebook.com": "facebook", "fb.com": "facebook", "fb.watch": "facebook", "instagram.com": "instagram",
         "tiktok.com": "tiktok", "x.com": "x", "twitter.com": "x", "youtube.com": "youtube", "youtu.be": "youtube",
         "t.me": "telegram", "whatsapp.com": "whatsapp"}


def canonical_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParseError(f"not an http(s) URL: {url!r}")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def platform_of(url: str | None) -> str:
    if not url:
        return "tip"
    host = urlsplit(url).hostname or ""
    for suffix, name in HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return name
    return "web"


def page_summary(page: bytes, content_type: str | None = None) -> dict[str, Any]:
    """Title, description and SHA-256 of a fetched page."""
    sel = Selector(text=decode_html(page, content_type), type="html")  # never sniffed as JSON
    title = sel.css('meta[property="og:title"]::attr(content)').get() or sel.css("title::text").get()
    desc = sel.css('meta[property="og:description"]::attr(content), meta[name="description"]::attr(content)').get()
    return {"title": " ".join(title.split()) if title else None, "description": " ".join(desc.split()) if desc else None,
            "sha256": sha256_hex(page), "bytes": len(page)}


def intake_post(submission: dict, fetched: dict | None = None) -> dict:
    """The Post of a submission {url, tip, reporter_contact, submitted_by, submitted_at}; `fetched` is
    {status, final_url, title, description, sha256, bytes} or {error} or None."""
    url = submission.get("url")
    tip = (submission.get("tip") or "").strip()
    if not url and not tip:
        raise ParseError("an intake needs a URL or a tip")
    page = fetched or {}
    parts = [tip, page.get("title"), page.get("description")]
    text = "\n\n".join(p for p in parts if p) or url
    try:
        post_id = sha256_hex(url)[:24] if url else "tip-" + sha256_hex(f"{tip}\n{submission.get('submitted_at')}")[:24]
    except UnicodeEncodeError:  # a lone surrogate (an undecodable byte of a command-line argument)
        raise ParseError("the URL or the tip is not valid Unicode") from None
    raw = {"intake": submission, "fetched": fetched}
    return post_payload(
        platform_of(url), post_id, text, raw,
        url=url, created_at=None,
        author={"id": None, "handle": None, "name": None, "bio": None},
        captured_at=submission.get("submitted_at"),
    )


def parse_page(page: bytes, *, submission: dict, content_type: str | None = None, **_: Any) -> tuple[list[dict], None]:
    """Contract form: the Post of `submission` with the saved page `page` as what was fetched."""
    fetched = {"status": 200, "final_url": submission.get("url"), **page_summary(page, content_type)}
    return [intake_post(submission, fetched)], None
