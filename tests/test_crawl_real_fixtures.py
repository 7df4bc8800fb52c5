"""Real recorded responses (tests/fixtures/SOURCES.md) crawled as a user would: `pantau crawl --source S
--base-url URL` against a local server that answers with the recorded bodies (never the internet)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli import app
from pantau.crawlers.fakeserver import FakeServer, Reply
from pantau.post import iter_jsonl_posts

FIX = Path(__file__).parent / "fixtures"


def replay(routes: dict[str, tuple[Path, str]]):
    """A server app answering `path` with the recorded file and its content type, 404 for anything else."""
    def answer(request) -> Reply:
        if request.path in routes:
            path, ctype = routes[request.path]
            return Reply(200, path.read_bytes(), content_type=ctype)
        return Reply(404, b"not recorded", content_type="text/plain")
    return answer


def crawl(tmp_path: Path, source: str, base_url: str, *args: str) -> tuple[list, dict]:
    out = tmp_path / f"{source}.jsonl"
    extra = [a for arg in args for a in ("-a", arg)]
    r = CliRunner().invoke(app, ["crawl", "--source", source, "--base-url", base_url, "-o", str(out), "--full", *extra])
    assert r.exit_code == 0, r.output
    stats = json.loads(out.with_name(out.name + ".stats.json").read_text())
    return list(iter_jsonl_posts(out)), stats


@pytest.mark.slow
def test_a_real_indonesian_government_feed(tmp_path):
    """dp3ap2.jogjaprov.go.id's feed (via muhrifqii/ParseRSS, MIT): Indonesian month names without a time or zone
    ("05 Agustus 2019": Yogyakarta's midnight, WIB, the rss source's default zone), an item without guid (its link
    is the id), Media RSS images under an undeclared `media:` prefix, with `media:description` as alt text."""
    with FakeServer(replay({"/rss.xml": (FIX / "rss" / "real_jogjaprov.xml", "application/rss+xml")})) as server:
        posts, stats = crawl(tmp_path, "rss", server.url, "feeds=/rss.xml", "articles=0")
    by_title = {p.text.split("\n\n")[0]: p for p in posts}
    assert len(posts) == 2 and len(by_title) == 2, "every item once"
    first = by_title["Puncak Peringatan Hari Anak Nasional D.I. Yogyakarta 2018"]
    assert first.post_id == "http://dp3ap2.jogjaprov.go.id/berita/detail/246-puncak-peringatan-hari-anak-nasional-han-d-i-yogyakarta-2018"
    assert first.created_at.isoformat() == "2019-08-04T17:00:00+00:00" and first.author.name == "John Doe"
    assert first.media[0].type == "image" and first.media[0].alt.startswith("Under increasing international pressure")
    second = by_title["Pemda DIY raih penghargaan pada peringatan HAN 2018 di Surabaya"]
    assert second.post_id == "trump-g7-summit" and second.media[0].url.endswith("lyubov-sobol-super-169.jpg")
    assert "Hari Anak Nasional merupakan hari" in second.text
    assert all("<" not in p.text and "&amp;" not in p.text for p in posts)
    assert stats.get("pantau/rss/odd_dates") is None and stats.get("pantau/malformed_posts") is None


@pytest.mark.slow
@pytest.mark.parametrize("args, midnight", [
    (["timezone=WIT"], "2019-08-04T15:00:00+00:00"),  # the source's zone (a feed from Papua)
    (["timezone=UTC", "feeds=/rss.xml Asia/Makassar"], "2019-08-04T16:00:00+00:00"),  # the feed's own zone wins
])
def test_a_real_feed_without_zones_read_in_the_configured_zone(tmp_path, args, midnight):
    """The same real feed crawled with the zone set in the source's config (`pantau crawl -a timezone=...`, or a
    zone after the feed's URL): its dates that name no zone are that zone's midnight."""
    with FakeServer(replay({"/rss.xml": (FIX / "rss" / "real_jogjaprov.xml", "application/rss+xml")})) as server:
        posts, _ = crawl(tmp_path, "rss", server.url, "feeds=/rss.xml", "articles=0", *args)
    assert len(posts) == 2 and {p.created_at.isoformat() for p in posts} == {midnight}


@pytest.mark.slow
@pytest.mark.parametrize("name, sharer, original, text, images", [
    ("real_repost.json", "dan.test", "alice.test", "again", 0),
    ("real_repost_of_quote.json", "carol.test", "dan.test", "@alice.bluesky.xyz is the best\n\nhi im carol", 2),
])
def test_real_bluesky_reposts_from_the_appview_test_suite(tmp_path, name, sharer, original, text, images):
    """getAuthorFeed answers recorded by bluesky-social/atproto's AppView tests (MIT/Apache-2.0): a repost without
    `reason.uri`, a repost of a quote whose quoted post has images (recordWithMedia). Their times are the epoch
    (1970, outside Post's range): the posts are kept with the time unknown, never dropped. No getProfiles answer
    was recorded: the posts are kept without bios."""
    routes = {"/xrpc/app.bsky.feed.getAuthorFeed": (FIX / "bluesky" / name, "application/json")}
    with FakeServer(replay(routes)) as server:
        posts, stats = crawl(tmp_path, "bluesky", server.url, f"actors={sharer}")
    [post] = posts
    assert post.kind == "repost" and post.author.handle == sharer and post.shared_from.author.handle == original
    assert post.text == text and len(post.media) == images and all(m.alt for m in post.media)
    assert post.post_id.endswith(f"#repost-by-{post.author.id}"), "no reason.uri: the id names the reposter"
    assert post.created_at is None and post.shared_from.created_at is None and post.captured_at is not None
    assert stats["pantau/bluesky/odd_dates"] == 1 and stats.get("pantau/malformed_posts") is None


@pytest.mark.slow
def test_a_real_youtube_search_with_entities_in_titles(tmp_path, monkeypatch):
    """search.list pages recorded by sns-sdks/python-youtube's tests (MIT): two pages of 25 videos (page 2 behind
    pageToken CBkQAA, a third page not recorded: max_pages=2), titles with `&amp;`, `&#39;` and `&quot;` as the API
    sends them, and one video on both pages (as search.list does). No channels.list answer was recorded (the replay
    says 404): the videos are kept without bios."""
    monkeypatch.setenv("PANTAU_YOUTUBE_API_KEY", "test-key-not-secret")
    pages = {None: FIX / "youtube" / "real_search_p1.json", "CBkQAA": FIX / "youtube" / "real_search_p2.json"}
    asked: list[dict] = []

    def answer(request) -> Reply:
        if request.path == "/youtube/v3/search" and request.query.get("pageToken") in pages:
            asked.append(dict(request.query))
            return Reply(200, pages[request.query.get("pageToken")].read_bytes())
        return Reply(404, b"not recorded", content_type="text/plain")

    with FakeServer(answer) as server:
        posts, stats = crawl(tmp_path, "youtube", server.url, "query=surfing", "comments=0", "max_pages=2")
    recorded = [item for page in pages.values() for item in json.loads(page.read_text())["items"]]
    assert len(recorded) == 50 and len({i["id"]["videoId"] for i in recorded}) == 49, "one video on both pages"
    assert len(posts) == len({p.post_id for p in posts}) == 49, "every video once"
    assert stats["pantau/duplicate_items"] == 1
    by_id = {p.post_id: p for p in posts}
    for item in recorded:
        post = by_id[f"video:{item['id']['videoId']}"]
        assert post.created_at.isoformat().replace("+00:00", ".000Z") == item["snippet"]["publishedAt"]
        assert post.author.id == item["snippet"]["channelId"] and post.kind == "post" and post.author.bio is None
    texts = "\n".join(p.text for p in posts)
    assert "SURFING PERFECT PIPE & BACKDOOR" in texts and "World's best surfing 2017" in texts
    assert '"Pacific Dreams" A California Surfing Film' in texts
    assert not any(e in texts for e in ("&amp;", "&#39;", "&quot;")), "no entities left"
    assert [a.get("pageToken") for a in asked] == [None, "CBkQAA"]
    assert {k: v for k, v in asked[1].items() if k != "pageToken"} == asked[0], "page 2 repeats every search parameter"
    assert stats["pantau/youtube/channel_lookup_failures"] >= 1 and stats.get("pantau/malformed_posts") is None


@pytest.mark.slow
def test_a_real_telegram_preview_page(tmp_path):
    """A t.me/s page recorded by Apkawa/rust-any2feed's tests (MIT), the channel of a Russian news site: 12
    messages, 5 of them forwards from other channels, photos (one message with six), videos, link previews, the
    channel description; its HTML was pretty-printed by whoever saved it (line breaks inside the text are source
    whitespace, a browser shows spaces). The older page (?before=70989) was not recorded: max_pages=1."""
    page = FIX / "telegram" / "real_topwar_page.html"
    with FakeServer(replay({"/s/topwar_official": (page, "text/html; charset=utf-8")})) as server:
        posts, stats = crawl(tmp_path, "telegram", server.url, "channels=topwar_official", "max_pages=1")
    assert len(posts) == len({p.post_id for p in posts}) == 12, "every message once"
    assert all(p.author.handle == "topwar_official" and p.author.name == "Военное обозрение" for p in posts)
    assert all(p.author.bio and p.author.bio.startswith("Официальный канал сайта topwar.ru") for p in posts)
    shares = {p.post_id: p for p in posts if p.kind == "repost"}
    assert sorted(shares) == [f"topwar_official/{n}" for n in (70996, 70998, 71006, 71007, 71008)]
    assert {s.shared_from.author.handle for s in shares.values()} == {"yaremshooter", "Belarus_VPO", "vysokygovorit",
                                                                     "dimsmirnov175", "ImpNavigator"}
    assert all(s.author.handle == "topwar_official" for s in shares.values()), "a forward is the forwarding channel's"
    by_id = {p.post_id: p for p in posts}
    assert [m.type for m in by_id["topwar_official/71000"].media] == ["image"] * 6
    assert [m.type for m in by_id["topwar_official/70992"].media] == ["image", "image", "video"]
    first = by_id["topwar_official/70989"]
    assert first.text.startswith("В Санкт-Петербурге в небо над городом подняли истребители"), "source newlines are spaces"
    assert first.created_at.isoformat() == "2023-02-28T07:47:53+00:00"
    assert stats.get("pantau/malformed_posts") is None
