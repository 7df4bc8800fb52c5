"""Pure parsers for RSS 2.0 / Atom feeds and news article pages.

RSS 2.0: channel/item{title, link, guid, pubDate (RFC 822), author | dc:creator, description}.
Atom (RFC 4287): feed/entry{id, title, link[@rel=alternate]/@href, published | updated, author/name, summary | content}.
Article page: title from og:title / h1 / <title>; body from [itemprop=articleBody] / article / main paragraphs;
date from article:published_time / time[datetime]; author from meta[name=author] / [rel=author] / .author.

Indonesian feeds are read as published: summaries are HTML (tags stripped, entities unescaped, `<img alt>` kept as
media); dates may be in WIB (+07:00), WITA (+08:00) or WIT (+09:00), with Indonesian day and month names
("Rabu, 20 Nov 2024 16:00:00 WIB", "20 Desember 2024 08:15 WITA", "20/11/2024 16:00 WIB"). A date that names no
zone ("05 Agustus 2019", "2024-11-20 16:00:00", an RFC 822 date without its zone) is the feed's local time: the
time zone configured for the feed (`tz`, default DEFAULT_TIMEZONE: Indonesian news sites publish WIB), never UTC;
an explicit zone or offset (WIB, GMT, Z, +0800) always wins. A date that still cannot be read never loses the
entry: `published` is None and the text is kept in `published_raw`, given to the Post as its created_at, which
pantau.crawlers.common.settle_times sets aside like any adapter's odd time (the pipeline's capture time stands in;
logged and counted as `pantau/rss/odd_dates`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parsel import Selector

from pantau.crawlers.common import PageError, ParseError, decode_html, html_to_text, post_payload, unescape
from pantau.post import PostError, format_time, parse_time

PLATFORM = "rss"
# The zone of a date that names none, unless the source's config says otherwise (the spider's `timezone` argument,
# or a zone after a feed's URL): Indonesian news sites publish in Western Indonesian Time.
DEFAULT_TIMEZONE = "Asia/Jakarta"
# Indonesia's three zones by their Indonesian names, accepted wherever a zone is configured.
ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
# A character reference to a surrogate (&#xD800; to &#xDFFF;, or in decimal), which XML forbids: lxml's recovering
# parser keeps it as bytes that are not UTF-8, and reading that node's text then raised UnicodeDecodeError for the
# whole feed (bench.fuzz, rss.parse_page input 301). It is read as U+FFFD, as a browser shows it.
_SURROGATE_REF = re.compile(r"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}"
                            r"|0*(?:5529[6-9]|55[3-9][0-9]{2}|56[0-9]{3}|57[0-2][0-9]{2}|573[0-3][0-9]|5734[0-3]));")


def zone(name: str | None) -> tzinfo:
    """The time zone named in a source's config: an IANA name (`Asia/Makassar`, `UTC`) or WIB/WITA/WIT; None gives
    DEFAULT_TIMEZONE. Raises ValueError naming what is accepted."""
    key = (name or DEFAULT_TIMEZONE).strip()
    try:
        return ZoneInfo(ZONE_ALIASES.get(key.upper(), key))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: give an IANA name (Asia/Jakarta, Asia/Makassar, Asia/Jayapura, "
                         "UTC...) or WIB, WITA, WIT") from None


def parse_feed(page: str | bytes, *, base_url: str = "", errors: list[ParseError] | None = None,
               tz: tzinfo | None = None) -> tuple[list[dict], None]:
    """Entries of a feed as dicts {guid, link, title, summary, published, author} (not yet Posts), and None. A date
    without a zone is read in `tz` (default DEFAULT_TIMEZONE)."""
    text = page.decode("utf-8", errors="replace") if isinstance(page, bytes) else page
    text = _SURROGATE_REF.sub("\ufffd", text)
    try:
        sel = Selector(text=text.lstrip("\ufeff"), type="xml")
    except ValueError as exc:
        raise PageError(f"not XML: {exc}") from None
    try:
        sel.remove_namespaces()
    except ValueError as exc:  # a tag name lxml cannot rename ('u2024-11-20T08:')
        raise PageError(f"not XML: {exc}") from None
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
            date = node.xpath("published/text()").get() or node.xpath("updated/text()").get()
            entry = {"guid": node.xpath("id/text()").get(), "title": node.xpath("title/text()").get(),
                     "summary": node.xpath("summary/text()").get() or node.xpath("content/text()").get(),
                     "author": node.xpath("author/name/text()").get()}
        else:
            link = node.xpath("link/text()").get()
            date = node.xpath("pubDate/text()").get() or node.xpath("date/text()").get()  # dc:date
            entry = {"guid": node.xpath("guid/text()").get(), "title": node.xpath("title/text()").get(),
                     "summary": node.xpath("description/text()").get() or node.xpath("encoded/text()").get(),
                     "author": node.xpath("creator/text()").get() or node.xpath("author/text()").get()}
        entry["published"] = _time(date, tz)
        if date and date.strip() and entry["published"] is None:
            entry["published_raw"] = date.strip()
        summary_html = entry["summary"] or ""
        entry["summary"] = html_to_text(summary_html) if "<" in summary_html or "&" in summary_html else summary_html
        entry["media"] = _images(summary_html, base_url) + _feed_media(node, base_url)
        entry["title"] = html_to_text(entry["title"]) if entry["title"] and ("<" in entry["title"] or "&" in entry["title"]) else entry["title"]
        entry["author"] = unescape(entry["author"])
        entry["link"] = urljoin(base_url, link.strip()) if link and link.strip() else None
        entry["guid"] = (entry["guid"] or entry["link"] or "").strip() or None
        entry = {k: (v.strip() if isinstance(v, str) else v) for k, v in entry.items()}
        if not entry["guid"]:
            if errors is not None:
                errors.append(ParseError("entry has neither guid/id nor link", index=index))
            continue
        entries.append(entry)
    return entries, None


_ZONES = {"WIB": 7, "WITA": 8, "WIT": 9, "UTC": 0, "GMT": 0, "Z": 0}
_MONTHS = {"januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
           "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8,
           "agu": 8, "ags": 8, "agt": 8, "aug": 8, "august": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
           "okt": 10, "oct": 10, "october": 10, "november": 11, "nov": 11, "nopember": 11, "desember": 12,
           "des": 12, "dec": 12, "december": 12, "january": 1, "february": 2, "march": 3, "june": 6, "july": 7}
_DAYS = r"(?:sen|sel|rab|kam|jum|sab|min|ahad|mon|tue|wed|thu|fri|sat|sun)[a-z']*"
_LOCAL = re.compile(
    rf"^(?:{_DAYS}\s*,?\s*)?(\d{{1,2}})(?:\s+([a-z]+)\.?\s+|[/.-](\d{{1,2}})[/.-])(\d{{4}})"
    r"(?:\s*(?:,|-|\||pukul|jam)?\s*(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
    r"\s*(?:(wib|wita|wit|utc|gmt|z)|([+-])(\d{2}):?(\d{2}))?$", re.I)


def parse_date(value: str | None, tz: tzinfo | None = None) -> datetime | None:
    """An RFC 822, ISO 8601 or Indonesian date ("Rabu, 20 Nov 2024 16:00:00 WIB") as an aware datetime; None when
    it cannot be read. WIB/WITA/WIT are +07:00/+08:00/+09:00; any zone or offset written in the date wins; a date
    that names none is local time in `tz` (default DEFAULT_TIMEZONE), not UTC."""
    if not value or not value.strip():
        return None
    local = tz or zone(None)
    text = " ".join(value.strip().split())
    try:  # ISO 8601 (Atom, article:published_time)
        dt = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
    except ValueError:
        pass
    else:
        return dt if dt.tzinfo else dt.replace(tzinfo=local)
    m = _LOCAL.match(text)
    if m:
        day, month_name, month_num, year, hh, mm, ss, zone_name, sign, zh, zm = m.groups()
        month = _MONTHS.get(month_name.lower()) if month_name else int(month_num)
        if month:
            if zone_name:
                where: tzinfo = timezone(timedelta(hours=_ZONES[zone_name.upper()]))
            elif sign:
                where = timezone((1 if sign == "+" else -1) * timedelta(hours=int(zh), minutes=int(zm)))
            else:
                where = local
            try:
                return datetime(int(year), month, int(day), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=where)
            except ValueError:
                return None
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo:
        return dt
    # RFC 5322's "-0000" is UTC (the sender's zone unknown); a date with no zone at all is the feed's local time
    return dt.replace(tzinfo=timezone.utc if text.endswith("-0000") else local)


def _time(value: str | None, tz: tzinfo | None = None) -> str | None:
    """A feed or page date as pantau's UTC text, or None when it cannot be read or lies outside Post's range."""
    dt = parse_date(value, tz)
    if dt is None:
        return None
    try:
        return format_time(parse_time(dt, "date"))
    except PostError:
        return None


def _images(fragment: str, base_url: str) -> list[dict]:
    """The images of an HTML summary (`<img src alt>`), as Post media."""
    if "<img" not in fragment.lower():
        return []
    sel = Selector(text=f"<div>{fragment}</div>")
    return [{"type": "image", "url": urljoin(base_url, img.attrib["src"]) if img.attrib.get("src") else None,
             "alt": " ".join((img.attrib.get("alt") or "").split()) or None} for img in sel.css("img")]


def _feed_media(node: Selector, base_url: str) -> list[dict]:
    """Images an item carries itself: Media RSS `media:content` (medium="image" or an image type, alone or in
    `media:group`, `media:description` as alt text), `media:thumbnail` when there is no content, and image
    `enclosure`s; each URL once. Tags are matched without their prefix, which a feed may use undeclared
    (`<media:content>` with no xmlns:media: real Indonesian feeds do)."""
    def local(el: Selector) -> str:
        return str(el.root.tag).rsplit("}", 1)[-1].rsplit(":", 1)[-1]

    children = node.xpath("*")
    tags = [(local(c), c) for c in children] + [(local(g), g) for c in children if local(c) == "group" for g in c.xpath("*")]
    contents = [el for tag, el in tags if tag == "content" and el.attrib.get("url")]
    images = [el for el in contents if el.attrib.get("medium") == "image" or (el.attrib.get("type") or "").startswith("image/")]
    if not contents:
        images = [el for tag, el in tags if tag == "thumbnail" and el.attrib.get("url")]
    images += [el for tag, el in tags if tag == "enclosure" and el.attrib.get("url")
               and (el.attrib.get("type") or "").startswith("image/")]
    # media:description (the item's own <description>, the first one, is its summary)
    descriptions = [el for tag, el in tags if tag == "description"][1:]
    alt = " ".join(("".join(descriptions[0].xpath(".//text()").getall()) if descriptions else "").split())
    seen, media = set(), []
    for img in images:
        url = urljoin(base_url, img.attrib["url"].strip())
        if url not in seen:
            seen.add(url)
            media.append({"type": "image", "url": url, "alt": alt or None})
    return media


def parse_article(page: str | bytes, entry: dict, *, url: str, content_type: str | None = None,
                  tz: tzinfo | None = None) -> dict:
    """The Post of an article page, completed from its feed entry (a date without a zone read in `tz`, as the
    feed's). Raises ParseError if it has no text."""
    html = decode_html(page, content_type)
    sel = Selector(text=html, type="html")  # never sniffed as JSON
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
    return post_payload(PLATFORM, entry["guid"], text, html, url=url,
                        created_at=(_time(published, tz) if published else None) or entry.get("published")
                        or published or entry.get("published_raw"),
                        author={"id": None, "handle": None, "name": unescape(author) or None, "bio": None},
                        lang=(sel.xpath("//html/@lang").get() or None), media=entry.get("media") or [])


def entry_post(entry: dict) -> dict:
    """A Post from the feed entry alone (the article page could not be fetched)."""
    raw = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    text = "\n\n".join(t for t in (entry.get("title"), entry.get("summary")) if t)
    return post_payload(PLATFORM, entry["guid"], text, raw, url=entry.get("link"),
                        created_at=entry.get("published") or entry.get("published_raw"),
                        author={"id": None, "handle": None, "name": entry.get("author"), "bio": None},
                        media=entry.get("media") or [])


def parse_page(page: str | bytes, **kwargs: Any) -> tuple[list[dict], None]:
    """Contract form: feed entries turned into Posts from the feed alone."""
    errors = kwargs.get("errors")
    entries, _ = parse_feed(page, base_url=kwargs.get("base_url", ""), errors=errors, tz=kwargs.get("tz"))
    posts = []
    for e in entries:
        try:
            posts.append(entry_post(e))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
    return posts, None
