"""Pure parsers for RSS 2.0 / Atom feeds and news article pages.

RSS 2.0: channel/item{title, link, guid, pubDate (RFC 822), author | dc:creator, description}.
Atom (RFC 4287): feed/entry{id, title, link[@rel=alternate]/@href, published | updated, author/name, summary | content}.
Article page: title from og:title / h1 / <title>; body from [itemprop=articleBody] / article / main paragraphs;
date from article:published_time / time[datetime]; author from meta[name=author] / [rel=author] / .author.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from pantau.crawlers.common import PageError, ParseError, decode_html, post_payload
from pantau.post import format_time

PLATFORM = "rss"


def parse_feed(page: str | bytes, *, base_url: str = "", errors: list[ParseError] | None = None) -> tuple[list[dict], None]:
    """Entries of a feed as dicts {guid, link, title, summary, published, author} (not yet Posts), and None."""
    text = page.decode("utf-8", errors="replace") if isinstance(page, bytes) else page
    try:
        sel = Selector(text=text.lstrip("\ufeff"), type="xml")
    except ValueError as exc:
        raise PageError(f"not XML: {exc}") from None
    sel.remove_namespaces()
    entries: list[dict] = []
    nodes = sel.xpath("//channel/item")
    atom = not nodes
    if atom:
        nodes = sel.xpath("//feed/entry")
    if not nodes and not sel.xpath("//channel | //feed"):
        raise PageError("neither an RSS channel nor an Atom feed")
    for index, node in enumerate(nodes):
        if atom:
            link = node.xpath("link[@rel='alternate']/@href | link[not(@rel)]/@href").get()
            entry = {"guid": node.xpath("id/text()").get(), "title": node.xpath("title/text()").get(),
                     "summary": node.xpath("summary/text() | content/text()").get(),
                     "published": _time(node.xpath("published/text()").get() or node.xpath("updated/text()").get()),
                     "author": node.xpath("author/name/text()").get()}
        else:
            link = node.xpath("link/text()").get()
            entry = {"guid": node.xpath("guid/text()").get(), "title": node.xpath("title/text()").get(),
                     "summary": node.xpath("description/text()").get(), "published": _time(node.xpath("pubDate/text()").get()),
                     "author": node.xpath("creator/text()").get() or node.xpath("author/text()").get()}
        entry["link"] = urljoin(base_url, link.strip()) if link and link.strip() else None
        entry["guid"] = (entry["guid"] or entry["link"] or "").strip() or None
        entry = {k: (v.strip() if isinstance(v, str) else v) for k, v in entry.items()}
        if not entry["guid"]:
            if errors is not None:
                errors.append(ParseError("entry has neither guid/id nor link", index=index))
            continue
        entries.append(entry)
    return entries, None


def _time(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return format_time(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        return value  # ISO 8601 (Atom) is passed through; Post validation rejects anything else


def parse_article(page: str | bytes, entry: dict, *, url: str, content_type: str | None = None) -> dict:
    """The Post of an article page, completed from its feed entry. Raises ParseError if it has no text."""
    html = decode_html(page, content_type)
    sel = Selector(text=html)
    title = (sel.css('meta[property="og:title"]::attr(content)').get() or " ".join("".join(sel.css("h1 ::text").getall()).split())
             or sel.css("title::text").get() or entry.get("title") or "").strip()
    body_nodes = sel.css("[itemprop=articleBody] p, article p, main p") or sel.css("[itemprop=articleBody], article")
    body = "\n\n".join(" ".join("".join(p.css("::text").getall()).split()) for p in body_nodes)
    body = body.strip() or (entry.get("summary") or "")
    author = (sel.css('meta[name="author"]::attr(content)').get() or " ".join("".join(sel.css("[rel=author] ::text, .author ::text").getall()).split())
              or entry.get("author"))
    published = (sel.css('meta[property="article:published_time"]::attr(content)').get()
                 or sel.css("time::attr(datetime)").get() or entry.get("published"))
    text = "\n\n".join(t for t in (title, body) if t)
    return post_payload(PLATFORM, entry["guid"], text, html, url=url, created_at=_time(published) if published else None,
                        author={"id": None, "handle": None, "name": author or None, "bio": None},
                        lang=(sel.xpath("//html/@lang").get() or None))


def entry_post(entry: dict) -> dict:
    """A Post from the feed entry alone (the article page could not be fetched)."""
    import json

    raw = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    text = "\n\n".join(t for t in (entry.get("title"), entry.get("summary")) if t)
    return post_payload(PLATFORM, entry["guid"], text, raw, url=entry.get("link"), created_at=entry.get("published"),
                        author={"id": None, "handle": None, "name": entry.get("author"), "bio": None})


def parse_page(page: str | bytes, **kwargs: Any) -> tuple[list[dict], None]:
    """Contract form: feed entries turned into Posts from the feed alone."""
    errors = kwargs.get("errors")
    entries, _ = parse_feed(page, base_url=kwargs.get("base_url", ""), errors=errors)
    posts = []
    for e in entries:
        try:
            posts.append(entry_post(e))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
    return posts, None
