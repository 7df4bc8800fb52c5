"""Real Scrapy crawls (subprocess) of a live DemoSite on 127.0.0.1 through run_crawl."""

from __future__ import annotations

import json

import pytest

from pantau.crawlers.run import CrawlError, list_sources, run_crawl
from pantau.demo.generate import generate_posts
from pantau.demo.site import DemoSite
from pantau.post import iter_jsonl_posts, sha256_hex

pytestmark = pytest.mark.slow

TIMEOUT = 120


@pytest.fixture(scope="module")
def posts():
    return generate_posts()


def read_output(path):
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    crawled = list(iter_jsonl_posts(path))  # every line parses with Post.from_payload
    assert len(crawled) == len(lines)
    for post in crawled:
        assert post.platform == "demo" and post.raw and post.raw_sha256 == sha256_hex(post.raw)
        assert post.captured_at is not None and post.created_at is not None
    return crawled


def assert_complete(crawled, posts):
    ids = [p.post_id for p in crawled]
    assert len(ids) == len(set(ids)), "no duplicates"
    assert set(ids) == {p["id"] for p in posts}, "exactly all post ids"
    by_id = {p["id"]: p for p in posts}
    for post in crawled:
        src = by_id[post.post_id]
        assert post.text == src["text"]
        assert post.author.handle == src["author"]["handle"] and post.author.bio == src["author"]["bio"]
        assert post.region == src["region"] and post.lang == src["lang"]


def test_list_sources_follows_the_folder_convention():
    sources = dict(list_sources())
    assert "demo" in sources and sources["demo"]
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    settings = Settings()
    settings.setmodule("pantau.crawlers.settings")
    loader = SpiderLoader.from_settings(settings)
    assert sorted(loader.list()) == sorted(sources), "each platform folder holds the spider of the same name"


def test_api_mode_gets_every_post(tmp_path, posts):
    out = tmp_path / "api.jsonl"
    with DemoSite() as site:
        result = run_crawl("demo", out, spider_args={"base_url": site.url}, timeout=TIMEOUT)
    assert result.returncode == 0 and result.finish_reason == "finished"
    assert result.items == len(posts) and result.invalid == 0 and result.errors == 0 and result.malformed == 0
    assert result.pages == -(-len(posts) // 50)
    assert_complete(read_output(out), posts)
    assert result.log_path.exists() and json.loads(result.stats_path.read_text())["pantau/pages"] == result.pages
    assert [p for p, _ in site.requests][0] == "/robots.txt", "robots.txt is obeyed"


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1252"])
def test_html_mode_gets_every_post_with_bios_from_profiles(tmp_path, posts, encoding):
    out = tmp_path / "html.jsonl"
    with DemoSite(encoding=encoding) as site:
        result = run_crawl("demo", out, spider_args={"base_url": site.url, "mode": "html"}, timeout=TIMEOUT)
    assert result.items == len(posts) and result.errors == 0 and result.invalid == 0
    assert result.pages == -(-len(posts) // 20)
    crawled = read_output(out)
    assert_complete(crawled, posts)
    assert all(p.raw.startswith("<article") for p in crawled)
    profile_requests = [p for p, _ in site.requests if p.startswith("/u/")]
    assert len(profile_requests) == len(set(profile_requests)) == len({p["author"]["handle"] for p in posts})


def test_503_with_retry_after_then_success_still_gets_every_post(tmp_path, posts):
    out = tmp_path / "fault.jsonl"
    # 503 + "Retry-After: 1", then a 429 without the header (backoff 0.25 * 2**1), then normal service.
    with DemoSite(faults={"/api/v1/posts": [503, (429, "")]}) as site:
        result = run_crawl("demo", out, spider_args={"base_url": site.url, "limit": "100"},
                           settings={"RETRY_429_BACKOFF_BASE": 0.25}, timeout=TIMEOUT)
    assert result.items == len(posts) and result.errors == 0
    assert_complete(read_output(out), posts)
    api = [(p, s) for p, s in site.requests if p.startswith("/api/")]
    assert [s for _, s in api[:3]] == [503, 429, 200] and len({p for p, _ in api[:3]}) == 1, "same page asked again"
    assert result.retry_after == 2 and result.retries == 2
    stats = json.loads(result.stats_path.read_text())
    assert stats["pantau/retry_after/seconds"] == 1.5
    log = result.log_path.read_text()
    assert "Retry-After: waiting 1.0s before retry 1" in log and "(HTTP 503, header '1')" in log
    assert "waiting 0.5s before retry 2" in log and "(HTTP 429, header None)" in log


def test_search_query_and_max_pages(tmp_path, posts):
    out = tmp_path / "search.jsonl"
    matching = sorted((p for p in posts if "paslon" in p["text"].casefold()),
                      key=lambda p: (p["created_at"], int(p["id"])), reverse=True)
    with DemoSite() as site:
        result = run_crawl("demo", out, spider_args={"base_url": site.url, "query": "Paslon", "limit": "7", "max_pages": "2"},
                           timeout=TIMEOUT)
    assert result.pages == 2 and result.items == 14
    assert [p.post_id for p in read_output(out)] == [p["id"] for p in matching[:14]]


def test_failed_crawl_raises_with_the_log_and_keeps_the_old_output(tmp_path):
    out = tmp_path / "keep.jsonl"
    out.write_text("earlier results\n", encoding="utf-8")
    with pytest.raises(CrawlError, match=r"(?s)exit code.*mode must be one of api, html"):
        run_crawl("demo", out, spider_args={"base_url": "http://127.0.0.1:9", "mode": "rss"}, timeout=TIMEOUT)
    with DemoSite(posts=generate_posts(n=5)) as site:
        dead = site.url
    with pytest.raises(CrawlError, match=r"(?s)fetched no page.*last lines of the log.*Connection refused"):
        run_crawl("demo", out, spider_args={"base_url": dead}, settings={"RETRY_TIMES": 0}, timeout=TIMEOUT)
    assert out.read_text(encoding="utf-8") == "earlier results\n"
    with pytest.raises(CrawlError, match="unknown source 'nope'; available: .*demo"):
        run_crawl("nope", out, spider_args={})
