"""The crawl pipeline validates every post once: a CheckedPost from a parser is trusted (validated and hashed by
checked_post, read-only), anything else is validated in full; malformed items are still dropped and counted."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from pantau.crawlers.common import CheckedPost, ParseError, checked_post, post_payload
from pantau.crawlers.pipelines import JsonlWriterPipeline, PostValidationPipeline, _payload
from pantau.post import Post, canonical_json, sha256_hex

RAW = {"id": "7", "text": "Ayo coblos nomor 2!", "author": {"id": "u1", "handle": "guru_sd"}}


def payload(**over) -> dict:
    raw = canonical_json(RAW)
    base = {"platform": "demo", "post_id": "7", "text": RAW["text"], "created_at": "2024-11-20T09:00:00+07:00",
            "author": {"id": "u1", "handle": "guru_sd", "name": None, "bio": None}, "raw": raw, "raw_sha256": sha256_hex(raw)}
    return {**base, **over}


@pytest.fixture
def stats():
    return MemoryStatsCollector(get_crawler())


def test_checked_post_hashes_raw_itself_and_carries_the_validated_post():
    p = checked_post({**payload(), "raw_sha256": "0" * 64})
    assert type(p) is CheckedPost and p["raw_sha256"] == sha256_hex(p["raw"]), "a given hash is replaced by the real one"
    assert p.post == Post.from_payload(dict(p))
    assert p == {**payload(), "raw_sha256": sha256_hex(p["raw"])}, "equal to the plain dict"


def test_checked_post_rejects_what_post_from_payload_rejects():
    with pytest.raises(ParseError, match=r"post #3 \(id 7\).*kind must be one of"):
        checked_post(payload(kind="bogus"), index=3)
    kept = checked_post(payload(created_at="kemarin"), index=3)  # an odd date never loses the post (issue 16)
    assert kept["created_at"] is None and kept.odd_dates == ("created_at='kemarin'",)
    with pytest.raises(ParseError, match="raw must be text"):
        checked_post(payload(raw=b"{}"))
    with pytest.raises(ParseError, match="missing text"):
        post_payload("demo", "7", "  ", RAW)


def test_checked_post_is_read_only_and_copies_are_plain_dicts():
    p = post_payload("demo", "7", RAW["text"], RAW, author={"id": "u1", "handle": "guru_sd"})
    for change in (lambda: p.__setitem__("text", "x"), lambda: p.update(text="x"), lambda: p.pop("text"),
                   lambda: p.setdefault("lang", "id"), lambda: p.clear(), lambda: p.__delitem__("text"),
                   lambda: p["author"].__setitem__("bio", "guru")):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert p["text"] == RAW["text"] and p["author"] == {"id": "u1", "handle": "guru_sd"}
    for clone in (dict(p), {**p}, copy.copy(p), copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(clone) is dict and clone == p


def test_pipeline_uses_the_checked_post_and_validates_plain_dicts(stats):
    pipe = PostValidationPipeline(stats)
    checked = checked_post(payload())
    out = pipe.process_item(checked)
    assert out == {**_payload(checked.post), "captured_at": out["captured_at"]}
    assert out["created_at"] == "2024-11-20T02:00:00Z" and out["captured_at"].endswith("Z")
    assert out["raw_sha256"] == sha256_hex(out["raw"])
    # an edited copy is a plain dict: validated again, so a bad edit is caught
    edited = {**checked, "post_id": "8", "raw": checked["raw"] + " "}
    with pytest.raises(DropItem, match="raw_sha256 does not match"):
        pipe.process_item(edited)
    with pytest.raises(DropItem, match="missing required field"):
        pipe.process_item(payload(post_id="9", text=""))
    assert stats.get_value("pantau/invalid_items") == 2
    assert pipe.process_item(payload(post_id="10", captured_at="2024-11-21T00:00:00Z"))["captured_at"] == "2024-11-21T00:00:00Z"
    with pytest.raises(DropItem, match="duplicate"):
        pipe.process_item(dict(checked))
    assert stats.get_value("pantau/duplicate_items") == 1


def test_pipeline_output_is_what_the_slow_path_gives(stats, tmp_path):
    """Both paths write the same line (apart from captured_at, stamped when seen)."""
    fast = PostValidationPipeline(stats).process_item(checked_post(payload()))
    slow = PostValidationPipeline(stats).process_item(payload())
    assert {**fast, "captured_at": None} == {**slow, "captured_at": None}
    writer = JsonlWriterPipeline(str(tmp_path / "items.jsonl"), stats)
    writer.process_item(fast)
    writer.close()
    line = (tmp_path / "items.jsonl").read_text(encoding="utf-8")
    assert line.endswith("\n") and json.loads(line) == fast
    assert line == json.dumps(fast, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_requests_reuse_one_bound_callback_so_scrapy_checks_its_source_once():
    from scrapy.utils.misc import _generator_callbacks_cache, is_generator_with_return_value

    from pantau.crawlers.platforms.x.spider import XSpider

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PANTAU_X_BEARER_TOKEN", "t")
        spider = XSpider(query="pilkada", base_url="http://127.0.0.1:9")
    first = spider.page_request("http://127.0.0.1:9/a", spider.parse_page, chain="c")
    is_generator_with_return_value(first.callback)
    del first  # the request of the previous page is gone when the next page's response arrives
    second = spider.page_request("http://127.0.0.1:9/b", spider.parse_page, chain="c")
    assert second.callback in _generator_callbacks_cache and second.errback == spider.request_failed
