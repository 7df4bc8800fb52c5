"""Crawl throughput of the demo platform: pantau (run_crawl: validation, crash-safe writer, checkpoints,
Retry-After and rate-limit middlewares, robots.txt) versus a bare Scrapy spider over the same pages, in the
same run, against the same local DemoSite. Prints posts/second for both and the ratio (goal >= 0.8).

    .venv/bin/python -m bench.crawl_throughput [--posts 5000] [--limit 50] [--rounds 5]

Both crawls are Scrapy subprocesses. Two measures: wall clock (includes ~1.5 s of process start-up, noisy on a
shared machine) and crawl time (Scrapy's `elapsed_time_seconds`, spider opened to closed). Rounds alternate the
order; the best of each is kept (on a machine shared with other jobs a single round can be off by 20%, hence 5
rounds by default). The ratio printed last is on crawl time; `crawl_seconds_all` lists every round.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_SPIDER = '''
import json
import scrapy
from urllib.parse import urlencode


class BareSpider(scrapy.Spider):
    name = "bare"

    async def start(self):
        yield scrapy.Request(f"{self.base_url}/api/v1/posts?limit={self.limit}")

    def parse(self, response):
        doc = json.loads(response.body)
        for obj in doc["data"]:
            yield {"platform": "demo", "post_id": obj["id"], "text": obj["text"], "raw": json.dumps(obj)}
        cursor = doc["meta"].get("next_cursor")
        if cursor:
            yield scrapy.Request(f"{self.base_url}/api/v1/posts?" + urlencode({"limit": self.limit, "cursor": cursor}))
'''


def run_bare(base_url: str, limit: int, work: Path) -> tuple[float, float, int]:
    spider = work / "bare_spider.py"
    spider.write_text(BARE_SPIDER, encoding="utf-8")
    out = work / "bare.jsonl"
    out.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"base_url={base_url}", "-a", f"limit={limit}",
           "-O", f"{out}:jsonlines", "-s", "LOG_LEVEL=INFO", "-s", "TELNETCONSOLE_ENABLED=False",
           "-s", "CONCURRENT_REQUESTS=8", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, env=env, check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    crawl = float(re.search(r"'elapsed_time_seconds': ([0-9.]+)", proc.stdout + proc.stderr).group(1))
    return elapsed, crawl, sum(1 for line in out.open("rb") if line.strip())


def run_pantau(base_url: str, limit: int, work: Path) -> tuple[float, float, int]:
    from pantau.crawlers.run import run_crawl

    out = work / "pantau.jsonl"
    started = time.perf_counter()
    result = run_crawl("demo", out, spider_args={"base_url": base_url, "limit": str(limit)}, state_path=False,
                       settings={"LOG_LEVEL": "WARNING"})
    elapsed = time.perf_counter() - started
    crawl = float(json.loads(result.stats_path.read_text())["elapsed_time_seconds"])
    return elapsed, crawl, result.items


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--limit", type=int, default=50, help="posts per API page")
    ap.add_argument("--rounds", type=int, default=5)
    opts = ap.parse_args()

    from pantau.demo.generate import generate_posts
    from pantau.demo.site import DemoSite

    posts = generate_posts(n=opts.posts)
    wall = {"pantau": float("inf"), "bare": float("inf")}
    crawl = dict(wall)
    every: dict[str, list[float]] = {"pantau": [], "bare": []}
    counts = {}
    with DemoSite(posts=posts) as site, tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        work = Path(tmp)
        for r in range(opts.rounds):
            order = [("pantau", run_pantau), ("bare", run_bare)]
            for name, fn in (order if r % 2 == 0 else order[::-1]):
                elapsed, in_crawl, n = fn(site.url, opts.limit, work)
                wall[name] = min(wall[name], elapsed)
                crawl[name] = min(crawl[name], in_crawl)
                every[name].append(round(in_crawl, 3))
                counts[name] = n
    if counts["pantau"] != counts["bare"] or counts["pantau"] != len(posts):
        raise SystemExit(f"the crawls disagree: pantau {counts['pantau']}, bare {counts['bare']}, site {len(posts)}")
    wall_ratio = wall["bare"] / wall["pantau"]
    ratio = crawl["bare"] / crawl["pantau"]
    print(json.dumps({"posts": len(posts), "page_size": opts.limit, "rounds": opts.rounds,
                      "wall_seconds": {k: round(v, 3) for k, v in wall.items()},
                      "crawl_seconds": {k: round(v, 3) for k, v in crawl.items()},
                      "crawl_seconds_all": every,
                      "crawl_posts_per_s": {k: round(len(posts) / v, 1) for k, v in crawl.items()},
                      "wall_ratio": round(wall_ratio, 3), "crawl_ratio": round(ratio, 3)}, indent=1))
    print(f"pantau/bare throughput ratio: {ratio:.2f}x on crawl time, {wall_ratio:.2f}x wall clock (goal >= 0.8x)")


if __name__ == "__main__":
    main()
