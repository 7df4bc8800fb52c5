"""X API v2: watchlist handles are resolved with GET /2/users/by before the user timelines; unknown or suspended
handles are reported with X's own reason (the `errors` array of the lookup response) and the rest is crawled."""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs, urlsplit

import pytest

from pantau.crawlers.fakeserver import FakeRequest, FakeServer, platform_fake
from pantau.crawlers.platforms.x import parse
from pantau.crawlers.run import run_crawl

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
