"""X API v2: watchlist handles are resolved with GET /2/users/by before the user timelines; unknown or suspended
handles are reported with X's own reason (the `errors` array of the lookup response) and the rest is crawled."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pantau.crawlers.fakeserver import FakeRequest, FakeServer, platform_fake
from pantau.crawlers.platforms.x import parse
from pantau.crawlers.run import run_crawl
from pantau.post import iter_jsonl_posts

X = platform_fake("x")
ASKED = ["guru_sari", "Bidan_Rina", "tidak_ada_akun", "akun_ditangguhkan"]


def lookup(names: list[str]):
    url = parse.users_by_url("http://127.0.0.1:9", names)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    reply = X.app(FakeRequest("GET", parts.path, query, {"authorization": f"Bearer {X.TOKEN}"}, b"", "http://127.0.0.1:9"))
    return url, reply


def test_users_by_url_follows_the_docs():
    url, _ = lookup(["guru_sari", "camat_x"])
    parts = urlsplit(url)
    assert parts.path == "/2/users/by"
    assert parse_qs(parts.query) == {"usernames": ["guru_sari,camat_x"], "user.fields": ["username,name,protected"]}
    with pytest.raises(ValueError, match="1 to 100"):
        parse.users_by_url("http://h", [f"u{i}" for i in range(101)])
    assert parse.handle(" @guru_sari ") == "guru_sari"


def test_parse_users_splits_found_and_unknown_handles():
    _, reply = lookup(ASKED)
    assert reply.status == 200
    found, missing = parse.parse_users(reply.data(), ASKED)
    assert found == {"guru_sari": X.user_id("guru_sari"), "Bidan_Rina": X.user_id("bidan_rina")}, "handles match case-insensitively"
    assert missing == {"tidak_ada_akun": "Could not find user with usernames: [tidak_ada_akun].",
                       "akun_ditangguhkan": "User has been suspended: [akun_ditangguhkan]."}


def test_parse_users_when_no_handle_is_known():
    _, reply = lookup(["tidak_ada_akun"])
    assert "data" not in reply.body
    assert parse.parse_users(reply.data(), ["tidak_ada_akun"]) == ({}, {"tidak_ada_akun": "Could not find user with usernames: [tidak_ada_akun]."})
    # a handle neither in data nor in errors is still reported, never silently dropped
    assert parse.parse_users(b'{"data": []}', ["hilang"]) == ({}, {"hilang": "not in the response"})


@pytest.mark.slow
def test_crawl_by_handles_resolves_then_reads_timelines(tmp_path):
    env = {**os.environ, **X.ENV}
    args = {"usernames": ",".join(["@" + ASKED[0]] + ASKED[1:] + ["guru_sari"])}  # a repeated handle is asked once
    state = tmp_path / "x-state.json"
    with FakeServer(X.app) as server:
        result = run_crawl("x", tmp_path / "x.jsonl", spider_args={"base_url": server.url, **args}, state_path=state, timeout=90, env=env)
        requests = [target for _, target, _ in server.requests]
        again = run_crawl("x", tmp_path / "x2.jsonl", spider_args={"base_url": server.url, **args}, state_path=state, timeout=90, env=env)
    lookups = [t for t in requests if t.startswith("/2/users/by?")]
    assert len(lookups) == 1
    assert parse_qs(urlsplit(lookups[0]).query)["usernames"] == ["guru_sari,Bidan_Rina,tidak_ada_akun,akun_ditangguhkan"]
    ids = {X.user_id("guru_sari"), X.user_id("bidan_rina")}
    timelines = {t.split("/")[3] for t in requests if t.startswith("/2/users/") and "/tweets" in t}
    assert timelines == ids, "timelines of the resolved accounts only"
    posts = [json.loads(line) for line in (tmp_path / "x.jsonl").read_text().splitlines()]
    expected = {t["id"] for t in X.TWEETS if t["author_id"] in ids}
    assert expected and {p["post_id"] for p in posts} == expected and len(posts) == len(expected)
    log = result.log_path.read_text()
    assert "X account @tidak_ada_akun not found, its timeline is skipped (X says: Could not find user with usernames: [tidak_ada_akun].)" in log
    assert "X account @akun_ditangguhkan not found, its timeline is skipped (X says: User has been suspended: [akun_ditangguhkan].)" in log
    stats = json.loads(result.stats_path.read_text())
    assert stats["pantau/x/unknown_handles"] == 2 and stats["pantau/x/resolved_handles"] == 2
    assert result.finish_reason == "finished" and again.items == 0, "since_id per resolved user: the next run finds nothing new"


FIX = Path(__file__).parent / "fixtures" / "x"


def real(name: str) -> list[dict]:
    """Posts of a real recorded X API v2 response (tests/fixtures/SOURCES.md)."""
    posts, _ = parse.parse_page((FIX / name).read_bytes())
    return posts


def test_a_real_retweet_is_the_retweeters_post_with_the_full_original():
    [p] = real("real_retweet.json")
    assert (p["post_id"], p["kind"], p["author"]["handle"]) == ("1394735776701816833", "repost", "LachiVeronica")
    assert p["created_at"] == "2021-05-18T19:24:56.000Z"  # the retweet's time, not the original's
    assert p["text"] == "#POIUYTREWQ" and not p["text"].startswith("RT @")
    shared = p["shared_from"]
    assert (shared["post_id"], shared["author"]["handle"], shared["created_at"]) == (
        "1391677057810288641", "bibaigna96", "2021-05-10T08:50:41.000Z")


def test_a_real_quote_reply_keeps_both_texts_without_links():
    [p] = real("real_quote_reply.json")
    assert p["kind"] == "quote" and p["author"]["handle"] == "dappdavid99"
    assert p["text"] == "@wongmjane Test\n\ni miss y\u2019all so much haha,,,"  # own words, then the quoted text
    assert "t.co/" not in p["text"] and "twitter.com" not in p["text"]
    assert p["shared_from"]["author"]["handle"] == "wongmjane" and p["shared_from"]["author"]["verified"] is True
    assert p["shared_from"]["author"]["bio"].startswith("the real hidden features")


def test_a_real_media_tweet_keeps_the_media_and_the_profile_location_apart_from_region():
    [p] = real("real_media.json")
    assert p["media"] == [{"type": "video", "alt": None,
                           "url": "https://pbs.twimg.com/ext_tw_video_thumb/1558552952549277696/pu/img/7VaQu-AvReI8RHkv.jpg"}]
    assert p["text"] == "She\'s GOING with it! \U0001f40d"
    assert p["author"]["location"] == "Ireland" and p.get("region") is None
    assert p["author"]["bio"].startswith("CTO @recsyslabs")


def test_requests_ask_for_shares_media_and_profiles():
    query = parse_qs(urlsplit(parse.search_url("http://h", "pilkada")).query)
    assert set(query["expansions"][0].split(",")) >= {"author_id", "referenced_tweets.id",
                                                       "referenced_tweets.id.author_id", "attachments.media_keys"}
    assert set(query["tweet.fields"][0].split(",")) >= {"referenced_tweets", "entities", "attachments"}
    assert set(query["user.fields"][0].split(",")) >= {"description", "verified", "location"}
    assert "alt_text" in query["media.fields"][0]


@pytest.mark.slow
def test_crawl_attributes_shares_to_the_sharer_and_keeps_media_only_tweets(tmp_path):
    env = {**os.environ, **X.ENV}
    with FakeServer(X.app) as server:
        run_crawl("x", tmp_path / "x.jsonl", spider_args=X.spider_args(server.url), state_path=False, env=env, timeout=90)
    posts = {p.post_id: p for p in iter_jsonl_posts(tmp_path / "x.jsonl")}
    rt, quote, photo = posts[X.RETWEET_ID], posts[X.QUOTE_ID], posts[X.PHOTO_ID]
    assert (rt.kind, rt.author.handle, rt.shared_from.author.handle) == ("repost", "guru_ahmad", "relawan_tiga")
    assert rt.text == "Dukung terus paslon nomor urut 3, ikut kampanye akbar Minggu besok"  # not the cut "RT @..." text
    assert rt.shared_from.author.bio == "Relawan pemenangan"
    assert quote.kind == "quote" and quote.text == "Setuju & siap!\n\n" + posts[X.tweet_id({"n": 1})].text
    assert photo.kind == "post" and [m.alt for m in photo.media] == ["Foto bersama paslon nomor 1, salam satu jari"]
    assert photo.text == "[foto] Foto bersama paslon nomor 1, salam satu jari"
    markup = next(p for p in posts.values() if p.author.handle == "penguji")
    assert markup.text == 'Tes <b>markup</b> & "kutip" dalam teks \U0001f605'  # &amp; &lt; unescaped
    assert all(p.region is None for p in posts.values())  # a profile location is not the watchlist's region
    assert posts[X.tweet_id({"n": 1})].author.location == "Kab. Sleman"
    assert len(posts) == len(X.expected_ids())
