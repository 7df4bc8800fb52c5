"""Fake news site: an RSS 2.0 feed (/rss.xml), an Atom feed (/atom.xml) and article pages, from the samples.

As Indonesian news feeds publish them: RSS pubDate in WIB with Indonesian day and month names ("Rabu, 20 Nov 2024
16:00:00 WIB"), one in local time without a zone ("2024-11-20 15:00:00": WIB unless the source is configured
otherwise), one with an explicit WITA offset ("+0800", which wins over any configured zone), one entry with a
date nobody can read ("kemarin sore"), descriptions in HTML (<p>, <img alt>, &amp;); article pages give
article:published_time, one of them in WIB words instead of ISO 8601, one in local time without a zone."""

from __future__ import annotations

import html
from datetime import timedelta

from pantau.crawlers.fakeserver import FakeRequest, Reply, html_reply
from pantau.post import parse_time
from pantau.crawlers.samples import SAMPLES

ENV: dict[str, str] = {}
ARTICLES = SAMPLES[:6]
ETAG = '"feed-v1"'
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
ODD_DATE_N = 6  # the entry whose pubDate cannot be read
NAIVE_DATE_N = 3  # the entry whose pubDate is local (WIB) time without a zone
OFFSET_DATE_N = 4  # the entry whose pubDate carries an explicit +0800 (WITA) offset
NAIVE_ARTICLE_N = 5  # the article whose published_time is local (WIB) time without a zone


def wib(at: str) -> str:
    """`Rabu, 20 Nov 2024 16:00:00 WIB` for a UTC time."""
    t = parse_time(at, "at") + timedelta(hours=7)
    return f"{DAYS[t.weekday()]}, {t.day:02d} {MONTHS[t.month - 1]} {t.year} {t:%H:%M:%S} WIB"


def local(at: str, hours: int = 7, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """The wall-clock time `hours` ahead of UTC, without a zone (`2024-11-20 15:00:00` for 08:00Z in WIB)."""
    return f"{parse_time(at, 'at') + timedelta(hours=hours):{fmt}}"


def pub_date(s: dict) -> str:
    if s["n"] == ODD_DATE_N:
        return "kemarin sore"
    if s["n"] == NAIVE_DATE_N:
        return local(s["at"])
    if s["n"] == OFFSET_DATE_N:
        return local(s["at"], 8, "%a, %d %b %Y %H:%M:%S +0800")
    return wib(s["at"])


def published_time(s: dict) -> str:
    """article:published_time of an article page."""
    if s["n"] == 2:
        return wib(s["at"])
    return local(s["at"], fmt="%Y-%m-%dT%H:%M:%S") if s["n"] == NAIVE_ARTICLE_N else s["at"]


def description(s: dict) -> str:
    """The HTML summary (escaped into the XML): a picture with alt text, then the text."""
    return html.escape(f'<p><img src="/img/{s["n"]}.jpg" alt="Foto berita {s["n"]}" /></p><p>{html.escape(s["text"])} &amp; lainnya</p>')


def expected_ids(args: dict | None = None) -> set[str]:
    return {f"{{base}}/berita/{s['n']}" for s in ARTICLES}


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "feeds": "/rss.xml"}


def app(req: FakeRequest) -> Reply:
    b = req.base
    if req.path == "/rss.xml":
        if req.headers.get("if-none-match") == ETAG:
            return Reply(304, b"", "application/rss+xml", {"ETag": ETAG})
        items = "".join(f"""<item><title>{html.escape(s['text'][:40])}</title><link>{b}/berita/{s['n']}</link>
<guid isPermaLink="true">{b}/berita/{s['n']}</guid><pubDate>{pub_date(s)}</pubDate>
<dc:creator>{html.escape(s['name'])}</dc:creator><description>{description(s)}</description></item>""" for s in ARTICLES)
        body = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Warta Pilkada (contoh)</title><link>{b}/</link><description>Berita contoh</description>{items}</channel></rss>"""
        return Reply(200, body, "application/rss+xml; charset=utf-8", {"ETag": ETAG})
    if req.path == "/atom.xml":
        entries = "".join(f"""<entry><id>{b}/berita/{s['n']}</id><title>{html.escape(s['text'][:40])}</title>
<link rel="alternate" href="{b}/berita/{s['n']}"/><published>{s['at']}</published><updated>{s['at']}</updated>
<author><name>{html.escape(s['name'])}</name></author><summary>{html.escape(s['text'])}</summary></entry>""" for s in ARTICLES)
        return Reply(200, f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Warta</title>
<id>{b}/</id><updated>2024-11-20T09:00:00Z</updated>{entries}</feed>""", "application/atom+xml")
    if req.path.startswith("/berita/"):
        n = int(req.path.rsplit("/", 1)[1])
        s = next((x for x in ARTICLES if x["n"] == n), None)
        if s is None:
            return html_reply("<h1>404</h1>", 404)
        return html_reply(f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Warta | berita {n}</title>
<meta property="og:title" content="Berita {n}: {html.escape(s['text'][:30])}"><meta name="author" content="{html.escape(s['name'])}">
<meta property="article:published_time" content="{published_time(s)}"></head><body><nav>Beranda</nav>
<article><h1>Berita {n}</h1><div itemprop="articleBody"><p>{html.escape(s['text'])}</p><p>Wilayah: {html.escape(s['region'] or '-')}.</p></div></article>
<footer>© contoh</footer></body></html>""")
    return html_reply("<h1>404</h1>", 404)
