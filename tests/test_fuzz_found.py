"""Inputs the fuzz campaign (bench/fuzz.py, tests/test_fuzz.py) found crashing, kept as regressions: each failed
before its fix. Not fuzz targets themselves (bench/fuzz.py runs the Hypothesis targets of tests/test_fuzz.py only)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from pantau.crawlers.common import ParseError

FIX = Path(__file__).parent / "fixtures"
BASE = "https://fixture.example"


def _module(name: str):  # noqa: ANN202
    return importlib.import_module(f"pantau.crawlers.platforms.{name}.parse")


@pytest.mark.parametrize("images", [1, 2.5, True, "gambar"])
def test_bluesky_images_embed_of_the_wrong_type_is_no_crash(images):
    """bench.fuzz 2026-12-06 (bluesky.parse_page, input 8,632): an images embed whose `images` is not a list raised
    TypeError. The post is kept, without media."""
    page = json.loads((FIX / "bluesky" / "author_feed.json").read_bytes())
    view = page["feed"][0]["post"]
    view["embed"] = {"$type": "app.bsky.embed.images#view", "images": images}
    errors: list[ParseError] = []
    posts, _ = _module("bluesky").parse_page(page, errors=errors)
    [post] = [p for p in posts if p["url"].endswith(view["uri"].rsplit("/", 1)[1])] or [None]
    assert post is not None and not post.get("media") and not errors


@pytest.mark.parametrize("attribute", [b"\x01", b"{", b"a\x02b=1"])
def test_demo_article_with_attributes_lxml_cannot_hold_is_a_parse_error(attribute):
    """bench.fuzz 2026-12-06 (demo.parse_timeline, input 301): an author link with an attribute whose name lxml's
    HTML parser keeps but cannot return (a control character, `{`) raised ValueError from parsel's .attrib. That
    article is a ParseError naming it; the page's other posts are kept."""
    page = (FIX / "demo" / "timeline_page1.html").read_bytes()
    whole, _ = _module("demo").parse_timeline(page, BASE + "/")
    link = b'<a class="author" rel="author" '
    assert link in page
    errors: list[ParseError] = []
    posts, _ = _module("demo").parse_timeline(page.replace(link, link + attribute + b" ", 1), BASE + "/",
                                              errors=errors)
    assert [type(e) for e in errors] == [ParseError] and errors[0].index == 0
    assert [p["post_id"] for p in posts] == [p["post_id"] for p in whole[1:]]


@pytest.mark.parametrize("charset", ["uu", "base64", "hex", "zlib", "rot13", "uu\x00tf-8"])
def test_a_charset_that_is_no_text_encoding_is_ignored_like_a_browser_does(charset):
    """bench.fuzz 2026-12-06 (html.parse_page, input 7,899): `<meta charset='uu'>` (Python's uu codec turns bytes
    into bytes, it is no text encoding) raised LookupError from decode_html, for every HTML parser. A browser
    ignores a charset it cannot use; so does decode_html (UTF-8), in the page or in the Content-Type."""
    from pantau.crawlers.common import decode_html

    page = (FIX / "html" / "forum_page1.html").read_bytes()
    odd = page.replace(b"charset='utf-8'", f"charset='{charset}'".encode(), 1)
    assert odd != page
    assert decode_html(odd) == page.decode("utf-8").replace("utf-8", charset, 1)
    assert decode_html(page, f"text/html; charset={charset}") == page.decode("utf-8")
    html = _module("html")
    site = html.load_site(FIX / "html" / "site.toml")
    expected, _ = html.parse_page(page, site=site, base_url=BASE + "/forum/pilkada")
    posts, _ = html.parse_page(odd, site=site, base_url=BASE + "/forum/pilkada")
    assert posts == expected and posts


@pytest.mark.parametrize("fields", [1, 2.5, True, {"name": "NIP"}])
def test_mastodon_account_fields_of_the_wrong_type_are_no_crash(fields):
    """bench.fuzz 2026-12-06 (mastodon.parse_page, input 438): an account whose `fields` is not a list raised
    TypeError. The post is kept, its author's bio without the fields."""
    page = json.loads((FIX / "mastodon" / "tag_page1.json").read_bytes())
    expected, _ = _module("mastodon").parse_page(json.loads((FIX / "mastodon" / "tag_page1.json").read_bytes()))
    page[0]["account"]["fields"] = fields
    errors: list[ParseError] = []
    posts, _ = _module("mastodon").parse_page(page, errors=errors)
    assert not errors and [p["post_id"] for p in posts] == [p["post_id"] for p in expected]


@pytest.mark.parametrize("attribute", [b"\x01", b"{"])
def test_telegram_message_with_attributes_lxml_cannot_hold_is_a_parse_error(attribute):
    """bench.fuzz 2026-12-06 (telegram.parse_page, input 2,100): a message div with an attribute lxml's HTML
    parser keeps but cannot return raised ValueError from parsel's .attrib for the whole page. That message is a
    ParseError; the page's other posts are kept."""
    page = (FIX / "telegram" / "channel_latest.html").read_bytes()
    whole, _ = _module("telegram").parse_page(page)
    div = b'<div class="tgme_widget_message '
    assert div in page
    errors: list[ParseError] = []
    posts, _ = _module("telegram").parse_page(page.replace(div, b"<div " + attribute + div[4:], 1), errors=errors)
    assert [type(e) for e in errors] == [ParseError] and errors[0].index == 0
    assert [p["post_id"] for p in posts] == [p["post_id"] for p in whole[1:]]


@pytest.mark.parametrize("content", ["\ud800<p>Ayo coblos nomor 2!</p>", "<p>Ayo coblos \udfff nomor 2!</p>"])
def test_html_field_with_a_lone_surrogate_is_no_crash(content):
    """bench.fuzz 2026-12-06 (mastodon.parse_page, input 9,920): a status `content` holding a lone surrogate (JSON
    "\\ud800") raised UnicodeEncodeError inside parsel, from html_to_text, which every parser turning an HTML field
    into text uses. Now that post is a ParseError naming the surrogate (its raw payload holds it: not valid
    Unicode, as the Post spec says), the page's other posts are kept."""
    page = json.loads((FIX / "mastodon" / "tag_page1.json").read_bytes())
    whole, _ = _module("mastodon").parse_page(json.loads((FIX / "mastodon" / "tag_page1.json").read_bytes()))
    page[0]["content"] = content
    errors: list[ParseError] = []
    posts, _ = _module("mastodon").parse_page(page, errors=errors)
    assert len(errors) == 1 and errors[0].index == 0 and "lone surrogate" in str(errors[0])
    assert [p["post_id"] for p in posts] == [p["post_id"] for p in whole[1:]]


@pytest.mark.parametrize("ref", ["&#xD800;", "&#xdfff;", "&#55296;", "&#x0DBFF;"])
@pytest.mark.parametrize("tag", ["link", "title", "description"])
def test_rss_character_reference_to_a_surrogate_is_no_crash(ref, tag):
    """bench.fuzz 2026-12-06 (rss.parse_page input 301, rss.parse_feed input 2,022): a character reference to a
    surrogate in a feed (which XML forbids) left lxml's recovering parser with bytes that are not UTF-8, and reading
    the node's text raised UnicodeDecodeError for the whole feed. Now it reads as U+FFFD and every item is kept."""
    rss = _module("rss")
    feed = (FIX / "rss" / "feed.rss.xml").read_bytes()
    whole, _ = rss.parse_page(feed, base_url=BASE)
    bad = feed.replace(f"<{tag}>".encode(), f"<{tag}>{ref}".encode(), 2)
    errors: list[ParseError] = []
    posts, _ = rss.parse_page(bad, base_url=BASE, errors=errors)
    assert len(posts) + len(errors) == len(whole) and len(posts) >= len(whole) - 1
    assert all("\ufffd" not in p["post_id"] or tag == "link" for p in posts)


@pytest.mark.parametrize("users", [7, 2.5, True])
def test_x_includes_list_of_the_wrong_type_is_no_crash(users):
    """bench.fuzz 2026-12-06 (x.parse_page, input 795): `includes.users` that is no list (a number) raised TypeError
    for the whole page. Now it counts as empty: the page's posts are kept, without the included authors."""
    x = _module("x")
    page = json.loads((FIX / "x" / "search_page1.json").read_bytes())
    whole, _ = x.parse_page(page)
    page["includes"]["users"] = users
    posts, _ = x.parse_page(page)
    assert [p["post_id"] for p in posts] == [p["post_id"] for p in whole]


@pytest.mark.parametrize("replies", ["balasan", 3, {"comments": 1}, {"comments": "x"}])
def test_youtube_replies_of_the_wrong_type_are_no_crash(replies):
    """bench.fuzz 2026-12-06 (youtube.parse_comments input 3,398, youtube.parse_page input 4,182): a comment thread
    whose `replies` is no object, or whose `replies.comments` is no list, raised AttributeError / TypeError for the
    whole page. Now such a thread has no inline replies; its own comment and the page's other threads are kept."""
    yt = _module("youtube")
    page = json.loads((FIX / "youtube" / "comment_threads_replies.json").read_bytes())
    whole, _ = yt.parse_comments(page)
    n = next(i for i, item in enumerate(page["items"]) if item.get("replies", {}).get("comments"))
    dropped = {f"comment:{c['id']}" for c in page["items"][n]["replies"]["comments"]}
    page["items"][n]["replies"] = replies
    posts, _ = yt.parse_comments(page)
    assert dropped and {p["post_id"] for p in posts} == {p["post_id"] for p in whole} - dropped


@pytest.mark.parametrize("field, value", [("author_id", ["10977"]), ("author_id", {"id": "10977"}),
                                          ("attachments", {"media_keys": [["3_1"]]})])
def test_x_keys_of_the_wrong_type_are_no_crash(field, value):
    """bench.fuzz 2026-12-06 (x.parse_page, input 1,139): a Tweet whose `author_id` (or a media key) is a list or an
    object raised TypeError (unhashable) for the whole page. Now the key finds no included object: the other
    posts are kept, and that one is a post or a ParseError."""
    x = _module("x")
    page = json.loads((FIX / "x" / "search_page1.json").read_bytes())
    whole, _ = x.parse_page(page)
    page["data"][0][field] = value
    errors: list[ParseError] = []
    posts, _ = x.parse_page(page, errors=errors)
    assert [p["post_id"] for p in posts][-(len(whole) - 1):] == [p["post_id"] for p in whole][1:]
    assert len(posts) + len(errors) == len(whole)
