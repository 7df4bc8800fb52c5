"""The demo platform over real HTTP on 127.0.0.1: generator, HTML pages, JSON API, robots.txt, errors, faults."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

import pytest
from parsel import Selector

from pantau.demo.accounts import accounts
from pantau.demo.election import CATEGORIES
from pantau.demo.generate import DEFAULT_NOW, generate_posts
from pantau.demo.site import DemoSite


@pytest.fixture(scope="module")
def site():
    with DemoSite() as s:
        yield s


@pytest.fixture(scope="module")
def posts():
    return generate_posts()


def newest_first(posts):
    return [p["id"] for p in sorted(posts, key=lambda p: (p["created_at"], int(p["id"])), reverse=True)]


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def html_ids_following_next(start_url: str) -> tuple[list[str], int]:
    ids, pages, url = [], 0, start_url
    while url:
        status, headers, body = get(url)
        assert status == 200, url
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        sel = Selector(text=body.decode("utf-8"))
        page_ids = sel.css("article.post::attr(data-post-id)").getall()
        ids += page_ids
        pages += 1
        nxt = sel.css('a[rel="next"]::attr(href)').get()
        if nxt:
            assert len(page_ids) == 20, "every page but the last is full"
        url = urljoin(url, nxt) if nxt else None
    return ids, pages


def api_ids_following_cursor(site_url: str, path: str, **params) -> list[str]:
    ids, cursor = [], None
    while True:
        query = "&".join(f"{k}={v}" for k, v in {**params, **({"cursor": cursor} if cursor else {})}.items())
        status, headers, body = get(f"{site_url}{path}?{query}")
        assert status == 200
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        doc = json.loads(body.decode("utf-8"))
        ids += [p["id"] for p in doc["data"]]
        assert doc["meta"]["result_count"] == len(doc["data"])
        cursor = doc["meta"]["next_cursor"]
        if not cursor:
            return ids


# --- generator ---------------------------------------------------------------------


def test_generator_is_deterministic_and_covers_the_domain(posts):
    assert generate_posts() == posts
    assert generate_posts(seed=8) != posts
    assert len(posts) == 360 and len(generate_posts(n=50)) == 50
    assert len({p["id"] for p in posts}) == len(posts)
    assert len(accounts()) == 60 and len({p["author"]["handle"] for p in posts}) >= 55
    assert len({p["region"] for p in posts if p["region"]}) >= 6
    times = [datetime.fromisoformat(p["created_at"].replace("Z", "+00:00")) for p in posts]
    assert all(DEFAULT_NOW - timedelta(days=10) <= t <= DEFAULT_NOW for t in times)
    assert min(times) < DEFAULT_NOW - timedelta(days=8) and max(times) > DEFAULT_NOW - timedelta(days=1)

    truth = [p["truth"] for p in posts]
    violations = {t["category"] for t in truth if t["violation"]}
    assert violations == set(CATEGORIES), "ASN campaigning in every category"
    assert all(t["violation"] == (t["asn"] and t["campaign"]) for t in truth)
    assert any(t["campaign"] and not t["asn"] for t in truth), "non-ASN campaigners"
    assert any(t["asn"] and not t["campaign"] for t in truth), "neutral civil servants"
    assert {"bio", "text"} <= {t["evidence"] for t in truth if t["violation"]}, "ASN identity in bio and in text"
    kinds = {t["kind"] for t in truth}
    assert {"news", "oversight", "tip", "chatter", "lookalike", "work"} <= kinds
    assert {"jv", "su"} <= {p["lang"] for p in posts}
    assert any("<script>" in p["text"] for p in posts)


def test_generator_now_argument_moves_the_window():
    now = datetime(2030, 1, 5, tzinfo=timezone.utc)
    shifted = generate_posts(n=40, now=now)
    assert [p["text"] for p in shifted] == [p["text"] for p in generate_posts(n=40)]
    assert all("2029-12-26T00:00:00Z" <= p["created_at"] <= "2030-01-05T00:00:00Z" for p in shifted)


# --- HTML pages ----------------------------------------------------------------------


def test_timeline_pages_cover_every_post_once_newest_first(site, posts):
    ids, pages = html_ids_following_next(site.url + "/")
    assert ids == newest_first(posts)
    assert pages == math.ceil(len(posts) / 20)


def test_timeline_page_markup_and_charset(site, posts):
    status, headers, body = get(site.url + "/?page=2")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode("utf-8")
    assert '<meta charset="utf-8">' in text and 'lang="id"' in text
    assert "Beranda" in text and "Cari" in text and "Berikutnya" in text and "Sebelumnya" in text
    sel = Selector(text=text)
    art = sel.css("article.post")[0]
    post = next(p for p in posts if p["id"] == art.attrib["data-post-id"])
    assert art.css("a.author::attr(href)").get() == f"/u/{post['author']['handle']}"
    assert art.css("a.author::text").get() == post["author"]["name"]
    assert art.css("time::attr(datetime)").get() == post["created_at"]
    assert "".join(art.css("div.text ::text").getall()) == post["text"]
    assert sel.css('a[rel="prev"]::attr(href)').get() == "/?page=1"
    assert sel.css('a[rel="next"]::attr(href)').get() == "/?page=3"


def test_hidden_truth_is_never_served(site):
    for path in ("/", "/?page=5", "/api/v1/posts?limit=100", "/p/10046", "/u/bu_ratna_sd"):
        body = get(site.url + path)[2].decode("utf-8")
        for word in ("truth", "violation", "asn_campaign", "evidence"):
            assert word not in body, (path, word)


def test_post_text_is_html_escaped():
    evil = "<script>alert('x')</script> & <b>bold</b> > \"q\""
    post = {"id": "1", "text": evil, "created_at": "2024-11-01T00:00:00Z", "lang": "id", "region": "Kab. Garut",
            "author": {"id": "u1", "handle": "a<b", "name": "<i>Nama</i>", "bio": "bio & <br>"}}
    with DemoSite(posts=[post]) as s:
        for path in ("/", "/p/1", "/search?q=script", "/u/a%3Cb"):
            status, _, body = get(s.url + path)
            text = body.decode("utf-8")
            assert status == 200, path
            assert "<script>alert" not in text and "<i>Nama</i>" not in text and "<br>" not in text
            assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &gt; &quot;q&quot;" in text
            sel = Selector(text=text)
            assert sel.css("article.post div.text::text").get() == evil
        doc = json.loads(get(s.url + "/api/v1/posts")[2])
        assert doc["data"][0]["text"] == evil


def test_search_html_and_api_agree_with_a_case_insensitive_substring(site, posts):
    expected = newest_first([p for p in posts if "asn" in p["text"].casefold()])
    assert len(expected) > 20, "enough matches to paginate"
    ids, _ = html_ids_following_next(site.url + "/search?q=aSn")
    assert ids == expected
    assert api_ids_following_cursor(site.url, "/api/v1/search", q="Asn", limit=7) == expected
    assert html_ids_following_next(site.url + "/search?q=tidak-ada-yang-cocok-xyz")[0] == []


def test_profile_page_shows_bio_region_and_only_that_authors_posts(site, posts):
    status, _, body = get(site.url + "/u/bu_ratna_sd")
    assert status == 200
    sel = Selector(text=body.decode("utf-8"))
    mine = [p for p in posts if p["author"]["handle"] == "bu_ratna_sd"]
    assert sel.css("section.profile .bio::text").get() == mine[0]["author"]["bio"]
    assert sel.css("section.profile .region::text").get() == "Kab. Sleman"
    assert sel.css("article.post::attr(data-post-id)").getall() == newest_first(mine)


def test_single_post_page(site, posts):
    post = posts[100]
    status, _, body = get(f"{site.url}/p/{post['id']}")
    sel = Selector(text=body.decode("utf-8"))
    assert status == 200
    assert sel.css("article.post::attr(data-post-id)").getall() == [post["id"]]


# --- JSON API -------------------------------------------------------------------------


def test_api_cursor_pages_cover_every_post_exactly_once(site, posts):
    ids = api_ids_following_cursor(site.url, "/api/v1/posts", limit=37)
    assert ids == newest_first(posts) and len(set(ids)) == len(posts)
    assert api_ids_following_cursor(site.url, "/api/v1/posts", limit=100) == ids


def test_api_post_shape(site, posts):
    doc = json.loads(get(site.url + "/api/v1/posts?limit=3")[2])
    by_id = {p["id"]: p for p in posts}
    for obj in doc["data"]:
        src = by_id[obj["id"]]
        assert set(obj) == {"id", "text", "created_at", "lang", "region", "url", "author"}
        assert set(obj["author"]) == {"id", "handle", "name", "bio"}
        assert obj["author"] == src["author"] and obj["text"] == src["text"] and obj["region"] == src["region"]
        assert obj["created_at"].endswith("Z") and obj["url"] == f"{site.url}/p/{obj['id']}"


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/v1/posts?cursor=bm90LWEtY3Vyc29y", 400),
        ("/api/v1/posts?cursor=%%%", 400),
        ("/api/v1/posts?limit=0", 400),
        ("/api/v1/posts?limit=lima", 400),
        ("/api/v1/search", 400),
        ("/api/v1/nothing", 404),
    ],
)
def test_api_errors_are_json(site, path, status):
    got, headers, body = get(site.url + path)
    assert got == status
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body)["error"]["code"] == status


# --- robots, errors, faults, lifecycle --------------------------------------------------


def test_robots_txt_allows_all_but_admin(site):
    status, headers, body = get(site.url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    from urllib.robotparser import RobotFileParser

    rp = RobotFileParser()
    rp.parse(body.decode().splitlines())
    assert rp.can_fetch("pantau", site.url + "/api/v1/posts") and rp.can_fetch("pantau", site.url + "/u/x")
    assert not rp.can_fetch("pantau", site.url + "/admin")
    assert get(site.url + "/admin")[0] == 403


@pytest.mark.parametrize("path, status", [("/tidak-ada", 404), ("/p/99999", 404), ("/u/tidak_ada", 404),
                                          ("/?page=999", 404), ("/?page=0", 400), ("/?page=dua", 400)])
def test_unknown_pages_are_html_errors(site, path, status):
    got, headers, body = get(site.url + path)
    assert got == status
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"Galat {status}" in body.decode("utf-8")


def test_faults_answer_the_first_requests_then_recover():
    with DemoSite(posts=generate_posts(n=30), faults={"/api/v1/posts": [503, (429, "7")], "/": [500]}) as s:
        first = get(s.url + "/api/v1/posts")
        second = get(s.url + "/api/v1/posts?limit=5")
        third = get(s.url + "/api/v1/posts?limit=5")
        assert (first[0], first[1]["Retry-After"]) == (503, "1")
        assert (second[0], second[1]["Retry-After"]) == (429, "7")
        assert third[0] == 200 and len(json.loads(third[2])["data"]) == 5
        assert get(s.url + "/")[0] == 500 and get(s.url + "/")[0] == 200
        assert get(s.url + "/robots.txt")[0] == 200, "other paths are not affected"
        assert [st for p, st in s.requests if p.startswith("/api/")] == [503, 429, 200]


def test_non_utf8_site_declares_its_charset():
    with DemoSite(posts=generate_posts(n=30), encoding="windows-1252") as s:
        status, headers, body = get(s.url + "/")
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert '<meta charset="windows-1252">' in body.decode("windows-1252")


def test_start_stop_frees_the_port():
    s = DemoSite(posts=generate_posts(n=5)).start()
    url = s.url
    assert get(url + "/")[0] == 200
    s.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/", timeout=2)
    with pytest.raises(RuntimeError):
        s.url


def test_bad_posts_are_rejected():
    with pytest.raises(ValueError, match="duplicate id"):
        DemoSite(posts=[{"id": "1", "text": "a", "created_at": "2024-01-01T00:00:00Z", "author": {"handle": "x"}}] * 2)
    with pytest.raises(ValueError, match="text"):
        DemoSite(posts=[{"id": "1", "text": "", "created_at": "2024-01-01T00:00:00Z", "author": {"handle": "x"}}])
