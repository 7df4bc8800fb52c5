"""Pure demo parsers on saved pages (tests/fixtures/demo/), plus the pipeline, Retry-After parsing and the profile join."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pantau.crawlers.platforms.demo.parse import (
    PageError,
    ParseError,
    api_url,
    html_url,
    parse_api_page,
    parse_profile,
    parse_timeline,
)
from pantau.crawlers.platforms.demo.profiles import ProfileJoin
from pantau.post import Post, canonical_json, sha256_hex

FIX = Path(__file__).parent / "fixtures" / "demo"
BASE = "http://127.0.0.1:8800"


def read(name: str) -> bytes:
    return (FIX / name).read_bytes()


def check_payloads(posts: list[dict], source_text: str) -> None:
    for p in posts:
        post = Post.from_payload(p)
        assert post.platform == "demo"
        assert p["raw"] in source_text, "raw is the exact article as it appears on the page"
        assert p["raw_sha256"] == sha256_hex(p["raw"])
        assert post.captured_at is None, "captured_at is the pipeline's job"


# --- HTML ----------------------------------------------------------------------------


def test_timeline_page_parses_every_article():
    body = read("timeline_page1.html")
    errors: list[ParseError] = []
    posts, next_url = parse_timeline(body, BASE + "/", errors=errors)
    assert errors == []
    assert len(posts) == body.count(b'class="post"') == 20
    assert next_url == BASE + "/?page=2"
    check_payloads(posts, body.decode("utf-8"))
    ids = [int(p["post_id"]) for p in posts]
    assert ids == sorted(ids, reverse=True) and ids[0] == 10360
    first = posts[0]
    assert first["text"] == "Masa tenang 24–26 November: APK paslon di Kota Makassar mulai diturunkan Satpol PP"
    assert first["author"] == {"id": "u058", "handle": "warta_pilkada", "name": "Warta Pilkada", "bio": None}
    assert first["created_at"] == "2024-11-20T04:43:29Z" and first["url"] == BASE + "/p/10360"
    assert first["region"] is None and posts[1]["region"] == "Kab. Badung"
    assert {p["lang"] for p in posts} >= {"id", "su", "ban"}
    assert first["raw"].startswith('<article class="post" data-post-id="10360"') and first["raw"].endswith("</article>")


def test_escaped_markup_in_a_post_comes_back_as_text():
    body = read("timeline_page16.html").decode("utf-8")
    posts, next_url = parse_timeline(body, BASE + "/?page=16")
    evil = next(p for p in posts if p["post_id"] == "10046")
    assert evil["text"] == "Tes tulisan <script>alert('pantau')</script> & \"kutip\" <b>tebal</b> > biasa 😅"
    assert "&lt;script&gt;" in evil["raw"] and "<script>" not in evil["raw"]
    assert next_url == BASE + "/?page=17"
    assert len(posts) == 20
    check_payloads(posts, body)


def test_non_utf8_page_decodes_like_the_utf8_one():
    cp1252 = read("timeline_page16_windows1252.html")
    with pytest.raises(UnicodeDecodeError):
        cp1252.decode("utf-8")
    from_bytes, _ = parse_timeline(cp1252, BASE + "/?page=16")
    from_header, _ = parse_timeline(cp1252, BASE + "/?page=16", content_type="text/html; charset=windows-1252")
    utf8, _ = parse_timeline(read("timeline_page16.html"), BASE + "/?page=16")
    fields = ("post_id", "text", "created_at", "author", "region", "lang", "url")
    for a, b, c in zip(from_bytes, from_header, utf8, strict=True):
        assert [a[f] for f in fields] == [b[f] for f in fields] == [c[f] for f in fields]
    assert any("–" in p["text"] for p in from_bytes) and any("😅" in p["text"] for p in from_bytes)
    check_payloads(from_bytes, cp1252.decode("windows-1252"))


def test_malformed_articles_are_skipped_and_reported():
    body = read("timeline_malformed.html").decode("utf-8")
    errors: list[ParseError] = []
    posts, next_url = parse_timeline(body, BASE + "/", errors=errors)
    ids = [p["post_id"] for p in posts]
    for bad in ("10359", "10356", "10353", "10341"):
        assert bad not in ids
    odd = next(p for p in posts if p["post_id"] == "10354")  # datetime="kemarin sore": kept, its time unknown
    assert odd["created_at"] is None and odd.odd_dates == ("created_at='kemarin sore'",)
    assert len(posts) == 16 and len(errors) == 4
    reasons = " | ".join(str(e) for e in errors)
    assert "no data-post-id" in reasons
    assert "(id 10356): article has no text element" in reasons
    assert "(id 10354)" not in reasons and "created_at" not in reasons
    assert "(id 10353): post text is empty" in reasons
    assert "never closed" in reasons
    assert next_url == BASE + "/?page=2", "the rest of the page still works"
    check_payloads(posts, body)
    assert parse_timeline(body, BASE + "/")[0] == posts, "without an errors list the result is the same"


def test_profile_page():
    body = read("profile_bu_ratna_sd.html")
    prof = parse_profile(body, BASE + "/u/bu_ratna_sd")
    assert prof == {"id": "u001", "handle": "bu_ratna_sd", "name": "Ratna Widyastuti",
                    "bio": "Guru SDN 2 Sidomulyo 🏫 | PNS | suka nanam cabai 🌶️", "region": "Kab. Sleman"}
    posts, next_url = parse_timeline(body, BASE + "/u/bu_ratna_sd")
    assert posts and all(p["author"]["handle"] == "bu_ratna_sd" for p in posts) and next_url is None
    with pytest.raises(PageError):
        parse_profile(read("timeline_page1.html"), BASE)


def test_profile_join_fetches_each_author_once_and_fills_the_bio():
    posts, _ = parse_timeline(read("timeline_page1.html"), BASE + "/")
    join = ProfileJoin()
    ready, fetch = [], []
    for p in posts:
        out, handle = join.offer(p)
        ready += out
        fetch += [handle] if handle else []
    authors = {p["author"]["handle"] for p in posts}
    assert ready == [] and sorted(fetch) == sorted(authors) and join.waiting == len(posts)
    released = []
    for handle in fetch:
        profile = None if handle == "warta_pilkada" else {"id": "x", "handle": handle, "name": "N", "bio": f"bio {handle}", "region": "R"}
        released += join.resolve(handle, profile)
    assert sorted(p["post_id"] for p in released) == sorted(p["post_id"] for p in posts) and join.waiting == 0
    for p in released:
        if p["author"]["handle"] == "warta_pilkada":
            assert p["author"]["bio"] is None and p["region"] is None
        else:
            assert p["author"]["bio"] == f"bio {p['author']['handle']}"
            assert p["author"]["id"].startswith("u"), "values from the article win"
            assert p["raw_sha256"] == sha256_hex(p["raw"])
    again, handle = join.offer(posts[0])
    assert handle is None and len(again) == 1


# --- JSON API ----------------------------------------------------------------------------


def test_api_page_parses_every_object():
    body = read("api_posts_page1.json")
    errors: list[ParseError] = []
    posts, cursor = parse_api_page(body, errors=errors)
    doc = json.loads(body)
    assert errors == [] and len(posts) == len(doc["data"]) == 20
    assert cursor == doc["meta"]["next_cursor"]
    for p, obj in zip(posts, doc["data"]):
        assert p["raw"] == canonical_json(obj) and json.loads(p["raw"]) == obj
        assert p["post_id"] == obj["id"] and p["author"] == obj["author"] and p["region"] == obj["region"]
    check_payloads(posts, canonical_json(doc["data"]))
    assert parse_api_page(body.decode("utf-8"))[0] == posts


def test_malformed_api_objects_are_skipped_and_reported():
    errors: list[ParseError] = []
    posts, cursor = parse_api_page(read("api_malformed.json"), errors=errors)
    assert len(posts) == 16 and len(errors) == 4 and cursor  # data[7]'s bad created_at keeps the post, time unknown
    assert [e.index for e in errors] == [1, 3, 5, 9]
    reasons = [e.reason for e in errors]
    assert reasons[0] == "missing id" and reasons[1] == "missing text"
    assert "expected an object" in reasons[2] and "author" in reasons[3]
    assert sum(1 for p in posts if p["created_at"] is None and p.odd_dates) == 1


@pytest.mark.parametrize("body", [b"", b"<html>", read("api_truncated.json"), b'{"items": []}', b"[1, 2]",
                                  b'{"data": [], "meta": {"next_cursor": 5}}', b"\xff\xfe\x00"])
def test_unreadable_api_page_raises_page_error(body):
    with pytest.raises(PageError):
        parse_api_page(body)


def test_last_api_page_has_no_cursor():
    assert parse_api_page(b'{"data": [], "meta": {"next_cursor": null}}') == ([], None)


def test_urls():
    assert api_url(BASE + "/") == BASE + "/api/v1/posts?limit=50"
    assert api_url(BASE, query="bu guru", cursor="abc", limit=5) == BASE + "/api/v1/search?q=bu+guru&limit=5&cursor=abc"
    assert html_url(BASE) == BASE + "/" and html_url(BASE, query="dua jari") == BASE + "/search?q=dua+jari"


# --- pipeline and Retry-After -----------------------------------------------------------


def test_validation_pipeline_validates_stamps_and_dedups():
    from scrapy.exceptions import DropItem
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from pantau.crawlers.pipelines import PostValidationPipeline

    stats = MemoryStatsCollector(get_crawler())
    pipe = PostValidationPipeline(stats)
    posts, _ = parse_api_page(read("api_posts_page1.json"))
    out = pipe.process_item(dict(posts[0]))
    assert Post.from_payload(out).captured_at is not None and out["raw"] == posts[0]["raw"]
    fixed = {**posts[1], "captured_at": "2024-11-20T06:00:00+07:00"}
    assert pipe.process_item(fixed)["captured_at"] == "2024-11-19T23:00:00Z", "an existing captured_at is kept"
    with pytest.raises(DropItem, match="duplicate"):
        pipe.process_item(dict(posts[0]))
    for bad in ({**posts[2], "text": ""}, {**posts[4], "raw": posts[4]["raw"] + " "}):
        with pytest.raises(DropItem, match="invalid"):
            pipe.process_item(bad)
    odd = pipe.process_item({**posts[3], "created_at": "besok"})  # an odd date keeps the post (issue 16)
    assert odd["created_at"] is None and odd["captured_at"] and stats.get_value("pantau/demo/odd_dates") == 1
    assert stats.get_value("pantau/invalid_items") == 2
    assert stats.get_value("pantau/duplicate_items") == 1


def test_parse_retry_after():
    from pantau.crawlers.middlewares import parse_retry_after

    now = datetime(2024, 11, 20, 5, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("1") == 1.0 and parse_retry_after(b" 120 ") == 120.0
    assert parse_retry_after("Wed, 20 Nov 2024 05:00:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 20 Nov 2024 04:00:00 GMT", now) == 0.0
    for bad in (None, "", "-5", "1.5", "soon", "Wed, 99 Foo 2024"):
        assert parse_retry_after(bad, now) is None


def test_x_and_youtube_error_bodies_name_the_api_error():
    from pantau.crawlers.common import PageError
    from pantau.crawlers.platforms.x import parse as x_parse
    from pantau.crawlers.platforms.youtube import parse as yt_parse

    # X 429 body (docs.x.com/fundamentals/rate-limits) and a v2 problem-style error.
    with pytest.raises(PageError, match="Rate limit exceeded"):
        x_parse.parse_page(b'{"errors": [{"code": 88, "message": "Rate limit exceeded"}]}')
    with pytest.raises(PageError, match="Invalid Request"):
        x_parse.parse_page(b'{"errors": [{"title": "Invalid Request", "detail": "Invalid Request"}]}')
    # Google API error body, as the fake YouTube server sends for a bad key.
    body = ('{"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT",'
            ' "errors": [{"message": "API key not valid.", "domain": "global", "reason": "badRequest"}]}}')
    with pytest.raises(PageError, match="400: badRequest"):
        yt_parse.parse_videos(body.encode())
