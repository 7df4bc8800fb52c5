"""Kill -9 mid-crawl, run again with the same resume folder: 0 lost, 0 duplicated posts.

Also: the crash-safe JSON Lines writer drops a torn last line, and a failed crawl never advances the state.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from pantau.crawlers.run import crawl_command, run_crawl
from pantau.demo.generate import generate_posts
from pantau.demo.site import DemoSite
from pantau.post import iter_jsonl_posts

pytestmark = pytest.mark.slow


def count_lines(path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_sigkill_then_resume_loses_nothing_and_duplicates_nothing(tmp_path):
    posts = generate_posts()
    work, out = tmp_path / "resume", tmp_path / "demo.jsonl"
    work.mkdir()
    args = {"base_url": "", "limit": "10"}
    with DemoSite(posts=posts) as site:
        args["base_url"] = site.url
        cmd, env = crawl_command("demo", work, spider_args=args, settings={"DOWNLOAD_DELAY": 0.05})
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        items = work / "items.jsonl"
        deadline = time.monotonic() + 60
        while count_lines(items) < 60 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        written = count_lines(items)
        assert 0 < written < len(posts), "the kill landed mid-crawl"
        assert (work / "checkpoint.json").exists()
        first_run_requests = len([p for p, _ in site.requests if p.startswith("/api/")])

        result = run_crawl("demo", out, spider_args=args, resume_dir=work, state_path=False, timeout=120)
        second_run_requests = len([p for p, _ in site.requests if p.startswith("/api/")]) - first_run_requests

    ids = [p.post_id for p in iter_jsonl_posts(out)]
    assert len(ids) == len(set(ids)), "0 duplicated"
    assert set(ids) == {p["id"] for p in posts}, "0 lost"
    stats = json.loads(result.stats_path.read_text())
    assert stats["pantau/resumed_chains"] == 1
    assert second_run_requests < -(-len(posts) // 10), "resumed from the checkpoint, not from the first page"
    assert stats["pantau/items_written"] == len(posts) - written, "only the missing posts were written"
    assert stats.get("pantau/duplicate_items", 0) <= 10, "at most the checkpointed page was fetched twice"
    assert not (work / "checkpoint.json").exists(), "checkpoints cleared after a finished crawl"


def test_torn_last_line_is_cut_and_known_posts_are_not_written_again(tmp_path):
    from pantau.crawlers.pipelines import JsonlWriterPipeline
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    path = tmp_path / "items.jsonl"
    path.write_bytes(b'{"platform":"demo","post_id":"1","text":"a"}\n{"platform":"demo","post_id":"2","te')
    stats = MemoryStatsCollector(get_crawler())
    pipe = JsonlWriterPipeline(str(path), stats)
    pipe.process_item({"platform": "demo", "post_id": "2", "text": "b"})
    with pytest.raises(Exception, match="already written"):
        pipe.process_item({"platform": "demo", "post_id": "1", "text": "a"})
    pipe.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["post_id"] for line in lines] == ["1", "2"]
    assert stats.get_value("pantau/duplicate_items") == 1 and stats.get_value("pantau/items_written") == 1


def test_a_lost_page_does_not_advance_the_state(tmp_path):
    from pantau.crawlers.fakeserver import FakeServer, platform_fake

    x = platform_fake("x")
    state = tmp_path / "state.json"
    env = {**os.environ, **x.ENV}
    with FakeServer(x.app, faults=[("next_token=p5", "ctype")]) as server:
        args = x.spider_args(server.url)
        first = run_crawl("x", tmp_path / "a.jsonl", spider_args=args, state_path=state, timeout=60, env=env)
        second = run_crawl("x", tmp_path / "b.jsonl", spider_args=args, state_path=state, timeout=60, env=env)
        third = run_crawl("x", tmp_path / "c.jsonl", spider_args=args, state_path=state, timeout=60, env=env)
    assert first.items == 5 and first.page_errors == 1
    assert "state of search:pilkada lang:id not advanced" in first.log_path.read_text()
    assert second.items == len(x.expected_ids()), "the next run fetches everything again"
    assert third.items == 0, "and once complete, the state moves on"


def test_pipeline_payload_equals_post_to_payload():
    from pantau.crawlers.pipelines import _payload
    from pantau.post import Post

    payload = {"platform": "x", "post_id": "1", "text": "t", "url": "u", "created_at": "2024-11-20T09:00:00+07:00",
               "author": {"id": "a", "handle": "h", "name": None, "bio": "b"}, "lang": "id", "region": None,
               "captured_at": "2024-11-21T00:00:00Z", "raw": "{}", "raw_sha256": None}
    post = Post.from_payload(payload)
    assert _payload(post) == post.to_payload()


def test_a_second_writer_of_the_same_items_file_waits_for_the_first_and_skips_its_posts(tmp_path):
    from pantau.crawlers.pipelines import JsonlWriterPipeline
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    path = tmp_path / "items.jsonl"
    stats = MemoryStatsCollector(get_crawler())
    first = JsonlWriterPipeline(str(path), stats)
    first.process_item({"platform": "demo", "post_id": "1", "text": "a"})
    with pytest.raises(RuntimeError, match="another crawl is still writing"):
        JsonlWriterPipeline(str(path), stats, lock_timeout=0.3)
    first.close()
    second = JsonlWriterPipeline(str(path), stats, lock_timeout=0.3)
    with pytest.raises(Exception, match="already written"):
        second.process_item({"platform": "demo", "post_id": "1", "text": "a"})
    second.close()
    assert path.read_text().count("\n") == 1
