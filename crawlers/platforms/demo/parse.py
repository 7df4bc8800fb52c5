"""Pure parsers for the demo platform: response text in, Post payload dicts out (no Scrapy, no I/O).

Every post dict is what `pantau.post.Post.from_payload` accepts, with platform "demo", `raw` the exact
source of the post (the article's outer HTML as it appears in the decoded page, or the canonical JSON of
the API object) and `raw_sha256 = sha256_hex(raw)`. `captured_at` is left to the crawl pipeline.

A post that cannot be parsed (missing id or text, bad time, ...) is skipped and reported as a ParseError in
the caller's `errors` list; the rest of the page is still returned. A page that cannot be read at all
(not JSON, not an object) raises PageError.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

from parsel import Selector
from w3lib.encoding import html_to_unicode

from pantau.crawlers.common import PageError, ParseError, checked_post
from pantau.post import canonical_json

PLATFORM = "demo"


# --- URLs ---------------------------------------------------------------------


def api_url(base_url: str, *, query: str | None = None, cursor: str | None = None, limit: int = 50) -> str:
    params: dict[str, Any] = {}
    if query:
        params["q"] = query
    params["limit"] = limit
    if cursor:
        params["cursor"] = cursor
    path = "/api/v1/search" if query else "/api/v1/posts"
    return f"{base_url.rstrip('/')}{path}?{urlencode(params)}"


def html_url(base_url: str, *, query: str | None = None) -> str:
    base = base_url.rstrip("/")
    return f"{base}/search?{urlencode({'q': query})}" if query else f"{base}/"


def profile_url(base_url: str, handle: str) -> str:
    return f"{base_url.rstrip('/')}/u/{quote(handle)}"


# --- HTML -----------------------------------------------------------------------


def decode_html(page: str | bytes, content_type: str | None = None) -> str:
    """Bytes to text like a browser: BOM, then the Content-Type charset, then <meta charset>, then UTF-8."""
    if isinstance(page, str):
        return page
    return html_to_unicode(content_type, page)[1]


def parse_timeline(
    page: str | bytes,
    base_url: str,
    *,
    content_type: str | None = None,
    errors: list[ParseError] | None = None,
) -> tuple[list[dict], str | None]:
    """Posts of a timeline, search or profile page, and the absolute URL of the next page (rel="next") or None."""
    text = decode_html(page, content_type)
    posts: list[dict] = []
    for index, raw in enumerate(_ArticleSlicer.slices(text, errors)):
        try:
            posts.append(_article_payload(raw, base_url, index))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
        except ValueError as exc:  # lxml: an attribute name it kept but cannot return (control character, "{")
            if errors is not None:
                errors.append(ParseError(f"unreadable article: {exc}", index=index, snippet=raw))
    sel = Selector(text=text, type="html")  # never sniffed as JSON
    href = sel.css('a[rel~="next"]::attr(href), link[rel~="next"]::attr(href)').get()
    return posts, (urljoin(base_url, href.strip()) if href and href.strip() else None)


def parse_profile(page: str | bytes, base_url: str, *, content_type: str | None = None) -> dict[str, str | None]:
    """The profile section of /u/<handle>: {id, handle, name, bio, region}. Raises PageError if absent."""
    sel = Selector(text=decode_html(page, content_type), type="html")
    prof = sel.css("section.profile")
    if not prof:
        raise PageError("no <section class=profile> on the page")
    prof = prof[0]
    handle = _clean(prof.attrib.get("data-handle")) or _clean(_text(prof.css(".handle"))).lstrip("@") or None
    if not handle:
        raise PageError("profile has no handle")
    return {
        "id": _clean(prof.attrib.get("data-author-id")) or None,
        "handle": handle,
        "name": _clean(_text(prof.css(".name"))) or None,
        "bio": _text(prof.css(".bio")).strip() or None,
        "region": _clean(_text(prof.css(".region"))) or None,
    }


def with_profile(post: dict, profile: dict[str, str | None] | None) -> dict:
    """The post with author id/name/bio and region filled from its author's profile (raw stays the article)."""
    if not profile:
        return post
    author = dict(post.get("author") or {})
    for key in ("id", "name", "bio"):
        if not author.get(key) and profile.get(key):
            author[key] = profile[key]
    out = {**post, "author": author}
    if not out.get("region") and profile.get("region"):
        out["region"] = profile["region"]
    try:
        checked = checked_post(out)
    except ParseError:
        return out  # the pipeline refuses it and says why
    checked.odd_dates = getattr(post, "odd_dates", ())  # the post's odd time, already set aside, stays counted
    return checked


def _article_payload(raw: str, base_url: str, index: int) -> dict:
    art = Selector(text=raw, type="html").css("article")[0]
    post_id = _clean(art.attrib.get("data-post-id"))
    if not post_id:
        raise ParseError("article has no data-post-id", index=index, snippet=raw)
    text_el = art.css("div.text")
    if not text_el:
        raise ParseError("article has no text element", index=index, post_id=post_id, snippet=raw)
    text = _text(text_el[0])
    if not text.strip():
        raise ParseError("post text is empty", index=index, post_id=post_id, snippet=raw)
    author_link = art.css("a.author, a[rel~=author]")
    href = author_link[0].attrib.get("href", "") if author_link else ""
    handle = _handle_from_href(href) or _clean(_text(art.css(".handle"))).lstrip("@") or None
    permalink = art.css("a.permalink::attr(href)").get()
    payload = {
        "platform": PLATFORM,
        "post_id": post_id,
        "text": text,
        "url": urljoin(base_url, permalink) if permalink else None,
        "created_at": _clean(art.css("time::attr(datetime)").get()) or None,
        "author": {
            "id": _clean(art.attrib.get("data-author-id")) or None,
            "handle": handle,
            "name": _clean(_text(author_link[0])) if author_link else None,
            "bio": None,
        },
        "lang": _clean(text_el[0].attrib.get("lang")) or None,
        "region": _clean(_text(art.css(".region"))) or None,
        "raw": raw,
    }
    return checked_post(payload, index=index)


class _ArticleSlicer(HTMLParser):
    """Finds <article class="post"> elements and their exact [start, end) offsets in the source text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.stack: list[tuple[bool, int]] = []
        self.found: list[tuple[int, int]] = []

    @classmethod
    def slices(cls, text: str, errors: list[ParseError] | None) -> list[str]:
        parser = cls(text)
        parser.feed(text)
        parser.close()
        for is_post, start in parser.stack:
            if is_post and errors is not None:
                errors.append(ParseError("article is never closed (no </article>)", snippet=text[start:]))
        parser.found.sort()
        return [text[a:b] for a, b in parser.found]

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            classes = next((v or "" for k, v in attrs if k == "class"), "").split()
            self.stack.append(("post" in classes, self._offset()))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.stack:
            is_post, start = self.stack.pop()
            if is_post:
                end = self.text.find(">", self._offset())
                self.found.append((start, end + 1 if end >= 0 else len(self.text)))


# --- JSON API -----------------------------------------------------------------------


def parse_api_page(page: str | bytes, *, errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Posts of one /api/v1/posts or /api/v1/search page and the next cursor (None on the last page)."""
    try:
        doc = json.loads(page)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PageError(f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise PageError('expected an object with a "data" list')
    meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else {}
    cursor = meta.get("next_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise PageError("meta.next_cursor must be a string or null")
    posts: list[dict] = []
    for index, obj in enumerate(doc["data"]):
        try:
            posts.append(_api_payload(obj, index))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
    return posts, cursor or None


def _api_payload(obj: Any, index: int) -> dict:
    if not isinstance(obj, dict):
        raise ParseError(f"expected an object, got {type(obj).__name__}", index=index)
    raw = canonical_json(obj)
    post_id = obj.get("id")
    if isinstance(post_id, int) and not isinstance(post_id, bool):
        post_id = str(post_id)
    if not isinstance(post_id, str) or not post_id:
        raise ParseError("missing id", index=index, snippet=raw)
    if not isinstance(obj.get("text"), str) or not obj["text"].strip():
        raise ParseError("missing text", index=index, post_id=post_id, snippet=raw)
    author = obj.get("author")
    if isinstance(author, dict):
        author = {k: author.get(k) for k in ("id", "handle", "name", "bio")}
    payload = {
        "platform": PLATFORM,
        "post_id": post_id,
        "text": obj["text"],
        "url": obj.get("url"),
        "created_at": obj.get("created_at"),
        "author": author,
        "lang": obj.get("lang"),
        "region": obj.get("region"),
        "raw": raw,
    }
    return checked_post(payload, index=index)


# --- shared -------------------------------------------------------------------------


def _text(sel: Any) -> str:
    if isinstance(sel, list):  # a SelectorList: its first element
        sel = sel[0] if sel else None
    if sel is None:
        return ""
    return "".join(sel.xpath(".//text()").getall())


def _clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def _handle_from_href(href: str) -> str | None:
    path = urlsplit(href).path
    if path.startswith("/u/") and len(path) > 3:
        return unquote(path[3:]).strip("/") or None
    return None
