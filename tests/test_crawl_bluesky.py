"""Bluesky: an expired access token (400 {"error": "ExpiredToken"}) is refreshed once with
com.atproto.server.refreshSession and the request sent again; a second failure is a clear credentials error."""

from __future__ import annotations

import json
import os

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
