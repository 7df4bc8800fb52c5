"""Fault injection against a local fake X API v2 (and the fake Telegram preview): every fault is logged and
counted, no fault kills the crawl, and recoverable faults lose nothing.

The fault hits the second page (`next_token=p5`) of a 3-page crawl (12 posts, 5 per page).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from pantau.crawlers.fakeserver import FakeServer, platform_fake
from pantau.crawlers.middlewares import rate_limit_wait
from pantau.crawlers.run import run_crawl
from pantau.post import iter_jsonl_posts

pytestmark = pytest.mark.slow

X = platform_fake("x")
ALL = {t["id"] for t in X.TWEETS}
PAGE1 = {t["id"] for t in X.TWEETS[:5]}
SETTINGS = {"DOWNLOAD_TIMEOUT": 1, "DOWNLOAD_MAXSIZE": 1024 * 1024, "DOWNLOAD_WARNSIZE": 0, "RETRY_TIMES": 2}
# fault -> (posts expected, log text expected)
CASES = {
    "429": (ALL, "Retry-After: waiting 1.0s before retry 1"),
    "503": (ALL, "(HTTP 503, header '1')"),
    "500": (ALL, "500 Internal Server Error"),
    "slow": (ALL, "TimeoutError"),
    "bad_utf8": (ALL, "is not valid UTF-8; bad bytes replaced"),
    "truncated": (PAGE1, "not valid JSON"),
    "ctype": (PAGE1, "expected JSON, got content type 'text/html'"),
    "empty": (PAGE1, "empty body"),
    "oversize": (PAGE1, "max size"),
    "redirect_loop": (PAGE1, "max redirections reached"),
}


def crawl_with(fault: str, tmp) -> tuple:
    env = {"PANTAU_X_BEARER_TOKEN": X.TOKEN}
    with FakeServer(X.app, faults=[("next_token=p5", fault)]) as server:
        out = tmp / f"{fault}.jsonl"
        result = run_crawl("x", out, spider_args=X.spider_args(server.url), settings=SETTINGS, state_path=False,
                           timeout=90, env={**os.environ, **env})
        return result, [p for p in iter_jsonl_posts(out)], list(server.requests)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {fault: pool.submit(crawl_with, fault, tmp) for fault in CASES}
        return {fault: f.result() for fault, f in futures.items()}


@pytest.mark.parametrize("fault", list(CASES))
def test_fault_is_logged_counted_and_never_kills_the_crawl(fault, runs):
    result, posts, requests = runs[fault]
    expected_ids, log_text = CASES[fault]
    stats = json.loads(result.stats_path.read_text())
    assert result.returncode == 0 and result.finish_reason == "finished"
    ids = [p.post_id for p in posts]
    assert len(ids) == len(set(ids)) and set(ids) == expected_ids
    assert log_text in result.log_path.read_text()
    page2 = [status for _, target, status in requests if "next_token=p5" in target]
    if expected_ids == ALL:  # recovered: the page was asked again (or decoded with replacement)
        if fault == "bad_utf8":
            assert stats["pantau/bad_encoding"] == 1 and any("\ufffd" in p.text for p in posts)
        else:
            assert result.retries >= 1 and len(page2) >= (1 if fault == "slow" else 2)  # a slow answer may never be sent
    else:  # lost page: counted, the rest of the crawl kept
        assert result.page_errors + result.request_failures == 1
        assert result.errors >= 1


def test_invalid_utf8_html_is_decoded_with_replacement(tmp_path):
    tg = platform_fake("telegram")
    with FakeServer(tg.app, faults=[("before=1008", "bad_utf8")]) as server:
        result = run_crawl("telegram", tmp_path / "tg.jsonl", spider_args=tg.spider_args(server.url),
                           settings={"DOWNLOAD_DELAY": 0}, state_path=False, timeout=90)
    ids = [p.post_id for p in iter_jsonl_posts(tmp_path / "tg.jsonl")]
    assert result.finish_reason == "finished" and set(ids) == tg.expected_ids()


def test_rate_limit_headers_give_the_wait_until_reset():
    from scrapy.http import Headers

    now = 1_700_000_000.0
    assert rate_limit_wait(Headers({"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(now) + 30)}), now) == 30
    assert rate_limit_wait(Headers({"x-rate-limit-remaining": "5", "x-rate-limit-reset": str(int(now) + 30)}), now) is None
    assert rate_limit_wait(Headers({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2023-11-14T22:13:40Z"}), now) == 20
    assert rate_limit_wait(Headers({"ratelimit-remaining": "0", "ratelimit-reset": str(int(now) - 5)}), now) == 0
    assert rate_limit_wait(Headers({}), now) is None
