"""bench/crawl_throughput.py, run as a real subprocess with a tiny site and two rounds: both crawls get every post,
and it prints every measure and each round's own ratios (no timing asserts: the figures are docs/crawlers.md's)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTS, ROUNDS = 200, 2

pytestmark = pytest.mark.slow


def test_bench_crawl_small() -> None:
    proc = subprocess.run([sys.executable, "-m", "bench.crawl_throughput", "--posts", str(POSTS), "--rounds", str(ROUNDS)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr  # it exits non-zero when the two crawls disagree on the posts
    figures = json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])
    assert figures["posts"] == POSTS and figures["rounds"] == ROUNDS
    for measure in ("wall", "crawl", "cpu"):
        assert set(figures[f"{measure}_seconds"]) == {"pantau", "bare"}
        assert all(v > 0 for v in figures[f"{measure}_seconds"].values())
        assert len(figures[f"{measure}_ratio_per_round"]) == ROUNDS and all(r > 0 for r in figures[f"{measure}_ratio_per_round"])
    assert figures["cpu_ratio"] == pytest.approx(figures["cpu_seconds"]["bare"] / figures["cpu_seconds"]["pantau"], abs=0.002)
    assert re.search(r"^pantau/bare throughput ratio: \d+\.\d\dx on crawl time, \d+\.\d\dx wall clock, \d+\.\d\dx on CPU "
                     r"time \(goal >= 0\.8x\); crawl time per round: \d+\.\d\dx, \d+\.\d\dx$", proc.stdout, re.M), proc.stdout
