"""Crawl throughput of the demo platform: pantau (run_crawl: validation, crash-safe writer, checkpoints,
Retry-After and rate-limit middlewares, robots.txt) versus a bare Scrapy spider over the same pages, in the
same run, against the same local DemoSite. Prints posts/second for both and the ratio (goal >= 0.8).

    .venv/bin/python -m bench.crawl_throughput [--posts 5000] [--limit 50] [--rounds 5]

Both crawls are Scrapy subprocesses. Three measures: wall clock (includes ~1.5 s of process start-up, noisy on a
shared machine), crawl time (Scrapy's `elapsed_time_seconds`, spider opened to closed) and CPU time of the crawl
process (user + system, start-up included: what the crawl costs, the least disturbed by other jobs on the
machine). Rounds alternate the order; the best of each is kept, and each round's own ratio (the two crawls run
back to back, so under the same load) is listed in `*_ratio_per_round`. On a machine shared with other jobs a
single round can be off by 20%: compare ratios of the same run, over several rounds. The ratio printed last is
on crawl time.

Measured figures and what changed are in docs/crawlers.md#benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pantau.crawlers.run import run_crawl
from pantau.demo.generate import generate_posts
from pantau.demo.site import DemoSite

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


def child_cpu() -> float:
    """CPU seconds (user + system) of the child processes that have ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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

    posts = generate_posts(n=opts.posts)
    wall = {"pantau": float("inf"), "bare": float("inf")}
    crawl, cpu = dict(wall), dict(wall)
    per_round: dict[str, list[float]] = {"wall": [], "crawl": [], "cpu": []}
    every: dict[str, list[float]] = {"pantau": [], "bare": []}
    counts = {}
    with DemoSite(posts=posts) as site, tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        work = Path(tmp)
        for r in range(opts.rounds):
            order = [("pantau", run_pantau), ("bare", run_bare)]
            this_round = {}
            for name, fn in (order if r % 2 == 0 else order[::-1]):
                cpu_before = child_cpu()
                elapsed, in_crawl, n = fn(site.url, opts.limit, work)
                used = child_cpu() - cpu_before
                wall[name] = min(wall[name], elapsed)
                crawl[name] = min(crawl[name], in_crawl)
                cpu[name] = min(cpu[name], used)
                every[name].append(round(in_crawl, 3))
                counts[name] = n
                this_round[name] = (elapsed, in_crawl, used)
            for i, measure in enumerate(("wall", "crawl", "cpu")):
                per_round[measure].append(round(this_round["bare"][i] / this_round["pantau"][i], 3))
    if counts["pantau"] != counts["bare"] or counts["pantau"] != len(posts):
        raise SystemExit(f"the crawls disagree: pantau {counts['pantau']}, bare {counts['bare']}, site {len(posts)}")
    wall_ratio = wall["bare"] / wall["pantau"]
    ratio = crawl["bare"] / crawl["pantau"]
    cpu_ratio = cpu["bare"] / cpu["pantau"]
    print(json.dumps({"posts": len(posts), "page_size": opts.limit, "rounds": opts.rounds,
                      "wall_seconds": {k: round(v, 3) for k, v in wall.items()},
                      "crawl_seconds": {k: round(v, 3) for k, v in crawl.items()},
                      "crawl_seconds_all": every,
                      "cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
                      "crawl_posts_per_s": {k: round(len(posts) / v, 1) for k, v in crawl.items()},
                      "wall_ratio": round(wall_ratio, 3), "crawl_ratio": round(ratio, 3), "cpu_ratio": round(cpu_ratio, 3),
                      **{f"{k}_ratio_per_round": v for k, v in per_round.items()}}, indent=1))
    print(f"pantau/bare throughput ratio: {ratio:.2f}x on crawl time, {wall_ratio:.2f}x wall clock, "
          f"{cpu_ratio:.2f}x on CPU time (goal >= 0.8x); crawl time per round: "
          + ", ".join(f"{x:.2f}x" for x in per_round["crawl"]))


if __name__ == "__main__":
    main()
