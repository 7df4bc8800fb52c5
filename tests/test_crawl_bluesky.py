"""Bluesky: an expired access token (400 {"error": "ExpiredToken"}) is refreshed once with
com.atproto.server.refreshSession and the request sent again; a second failure is a clear credentials error."""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs, urlsplit

import pytest

from pantau.crawlers.fakeserver import FakeServer, platform_fake
from pantau.crawlers.platforms.bluesky import parse
from pantau.crawlers.run import run_crawl

pytestmark = pytest.mark.slow

BSKY = platform_fake("bluesky")
ACTOR = "guru-sari.bsky.social"
REFRESH = "/xrpc/com.atproto.server.refreshSession"


def crawl(tmp_path, handle: str, **args: str):
    env = {**os.environ, "PANTAU_BSKY_HANDLE": handle, "PANTAU_BSKY_APP_PASSWORD": BSKY.PASSWORD}
    with FakeServer(BSKY.app) as server:
        result = run_crawl("bluesky", tmp_path / "b.jsonl", spider_args={**BSKY.spider_args(server.url), **args},
                           state_path=tmp_path / "state.json", timeout=90, env=env)
        requests = list(server.requests)
    posts = [json.loads(line) for line in (tmp_path / "b.jsonl").read_text().splitlines()]
    return result, requests, posts, json.loads(result.stats_path.read_text()), result.log_path.read_text()


def test_parse_helpers():
    assert parse.parse_tokens(b'{"accessJwt": "a", "refreshJwt": "r", "handle": "h", "did": "d"}') == ("a", "r")
    assert parse.xrpc_error(b'{"error": "ExpiredToken", "message": "Token has expired"}') == "ExpiredToken"
    assert parse.xrpc_error(b"<html>") is None and parse.xrpc_error(b'{"posts": []}') is None
    assert parse.refresh_url("http://h/") == "http://h/xrpc/com.atproto.server.refreshSession"


def test_token_expiring_mid_crawl_is_refreshed_once_and_nothing_is_lost(tmp_path):
    result, requests, posts, stats, log = crawl(tmp_path, "sesi.singkat")
    search = [(t, status) for _, t, status in requests if "searchPosts" in t]
    assert [status for _, status in search][:2] == [200, 400], "page 2 met the expiry"
    assert [(m, status) for m, t, status in requests if t == REFRESH] == [("POST", 200)], "one refresh"
    assert search[2][0] == search[1][0] and search[2][1] == 200, "the same page asked again with the new token"
    ids = [p["post_id"] for p in posts]
    assert sorted(ids) == sorted(BSKY.expected_ids()) and len(ids) == len(set(ids)), "0 lost, 0 duplicated"
    assert stats["pantau/bluesky/expired_tokens"] == 1 and stats["pantau/bluesky/session_refreshed"] == 1
    assert "credentials rejected" not in log and result.finish_reason == "finished"
    assert json.loads((tmp_path / "state.json").read_text())["entries"], "a complete crawl moves its state on"


def test_refresh_that_fails_is_a_credentials_error(tmp_path):
    result, requests, posts, stats, log = crawl(tmp_path, "sesi.mati", actors=ACTOR)
    assert [status for _, t, status in requests if t == REFRESH] == [400]
    assert ("credentials rejected by bluesky: access token expired and refreshSession failed (HTTP 400 ExpiredToken)"
            " for " in log) and "check PANTAU_BSKY_HANDLE / PANTAU_BSKY_APP_PASSWORD" in log
    assert BSKY.PASSWORD not in log and "refresh-expired" not in log, "no secret in the log"
    assert stats["pantau/bluesky/auth_failed"] == 1 and stats.get("pantau/bluesky/session_refreshed") is None
    assert posts and all(p["author"]["handle"] == ACTOR for p in posts), "the public author feed is still crawled"
    state = json.loads((tmp_path / "state.json").read_text())["entries"]
    assert list(state) == [f"actor:{ACTOR}"], "the search state does not move on"


def test_second_expiry_after_a_refresh_is_a_credentials_error(tmp_path):
    result, requests, posts, stats, log = crawl(tmp_path, "sesi.hantu", actors=ACTOR)
    assert [status for _, t, status in requests if t == REFRESH] == [200], "refreshed once, never twice"
    assert [status for _, t, status in requests if "searchPosts" in t] == [400, 400]
    assert "credentials rejected by bluesky: access token expired again after a refresh (HTTP 400 ExpiredToken)" in log
    assert stats["pantau/bluesky/auth_failed"] == 1 and stats["pantau/bluesky/session_refreshed"] == 1
    assert result.request_failures == 1


def test_author_feed_keeps_reposts_by_the_reposter_media_only_posts_and_bios(tmp_path):
    """Issue 16: a repost is the reposter's post (shared_from = the original); an image post without text is kept
    with its alt text; bios come from app.bsky.actor.getProfiles (25 per call, each account once per crawl)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_BSKY")}
    with FakeServer(BSKY.app) as server:
        run_crawl("bluesky", tmp_path / "b.jsonl", spider_args={"base_url": server.url, "actors": f"{ACTOR},relawan-tiga.bsky.social"},
                  state_path=tmp_path / "state.json", timeout=90, env=env)
        requests = list(server.requests)
    posts = {p["post_id"]: p for p in map(json.loads, (tmp_path / "b.jsonl").read_text().splitlines())}
    repost = posts[BSKY.REPOST["reason"]["uri"]]
    assert (repost["kind"], repost["author"]["handle"], repost["created_at"]) == ("repost", ACTOR, "2024-11-20T09:50:00Z")
    assert repost["shared_from"]["author"]["handle"] == "relawan-tiga.bsky.social"
    assert repost["shared_from"]["author"]["bio"] == "Relawan pemenangan" and repost["author"]["bio"] == "Guru SDN 3 Depok, Sleman"
    assert repost["text"] == repost["shared_from"]["text"] == BSKY._BY_N[9]["record"]["text"]
    assert BSKY._BY_N[9]["uri"] in posts, "the original (in relawan-tiga's feed) is kept too, under its own id"
    image = posts[BSKY.IMAGE["uri"]]
    assert image["text"] == "[foto] Foto bersama paslon nomor 2, salam dua jari" and image["media"][0]["type"] == "image"
    quote = posts[BSKY.QUOTE["uri"]]
    assert quote["kind"] == "quote" and quote["text"].startswith("Setuju, ayo semua!\n\nDukung terus paslon")
    assert all(p["author"]["bio"] for p in posts.values()), "every author's bio filled from getProfiles"
    lookups = [t for _, t, _ in requests if "getProfiles" in t]
    asked = [a for t in lookups for a in parse_qs(urlsplit(t).query)["actors"]]
    assert asked and len(asked) == len(set(asked)) and all(len(parse_qs(urlsplit(t).query)["actors"]) <= 25 for t in lookups)
    state = json.loads((tmp_path / "state.json").read_text())["entries"]
    assert state[f"actor:{ACTOR}"]["last_seen"] == "2024-11-20T09:50:00.000Z", "feed time of the newest item: the repost"


def test_parse_link_card_and_profiles_url():
    [link] = parse.parse_page({"posts": [BSKY.LINK]})[0]
    assert link["text"] == "Cek di sini\n\nJadwal Pilkada Sleman 2024\nTahapan & jadwal lengkap"
    assert parse.profiles_url("http://h", ["did:plc:a", "did:plc:b"]) == (
        "http://h/xrpc/app.bsky.actor.getProfiles?actors=did%3Aplc%3Aa&actors=did%3Aplc%3Ab")
    with pytest.raises(ValueError):
        parse.profiles_url("http://h", [f"d{i}" for i in range(26)])


def test_verified_accounts_from_the_profile_verification():
    view = {**BSKY.LINK, "author": {**BSKY.LINK["author"], "verification": {"verifiedStatus": "valid", "trustedVerifierStatus": "none",
                                                                          "verifications": []}}}
    [checked] = parse.parse_page({"posts": [view]})[0]
    [plain] = parse.parse_page({"posts": [BSKY.LINK]})[0]
    assert checked["author"]["verified"] is True and plain["author"]["verified"] is None


def test_link_facets_put_the_full_uri_in_place_of_the_shortened_display_text():
    text = "Baca 👉 kompas.com/pilkada/2024... lalu coblos"
    data = text.encode("utf-8")
    start, end = data.index(b"kompas"), data.index(b"...") + 3
    full = "https://www.kompas.com/pilkada/2024/11/20/asn-ikut-kampanye"
    link = {"index": {"byteStart": start, "byteEnd": end}, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": full}]}
    mention = {"index": {"byteStart": 0, "byteEnd": 4}, "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:x"}]}
    view = {"uri": "at://did:plc:guru/app.bsky.feed.post/3k1", "author": {"did": "did:plc:guru", "handle": "guru.bsky.social"},
            "indexedAt": "2024-11-20T09:00:00.000Z",
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2024-11-20T09:00:00.000Z", "facets": [mention, link]},
            "embed": {"$type": "app.bsky.embed.record#view", "record": {
                "$type": "app.bsky.embed.record#viewRecord", "uri": "at://did:plc:tim/app.bsky.feed.post/3k0",
                "author": {"did": "did:plc:tim", "handle": "tim.bsky.social"},
                "value": {"text": "Info: detik.com/x...", "createdAt": "2024-11-20T08:00:00.000Z", "facets": [
                    {"index": {"byteStart": 6, "byteEnd": 20},
                     "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://news.detik.com/x/pilkada"}]}]}}}}
    [post], _ = parse.parse_page({"feed": [{"post": view}]})
    assert post["text"] == f"Baca 👉 {full} lalu coblos\n\nInfo: https://news.detik.com/x/pilkada"
    assert post["shared_from"]["text"] == "Info: https://news.detik.com/x/pilkada"
    # offsets that do not fit the text (cutting the emoji, past the end) leave it as written
    bad = [{"index": {"byteStart": 6, "byteEnd": 9}, "features": link["features"]},
           {"index": {"byteStart": 40, "byteEnd": 400}, "features": link["features"]}]
    assert parse.record_text({"text": text, "facets": bad}) == text
