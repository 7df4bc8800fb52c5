"""Shared fixtures: a real DuckDB file with a few posts, classified by hand-written results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pantau.post import Author, Post, canonical_json, sha256_hex

# Tests never talk to a Prefect Cloud or send analytics.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# No double-check sample unless a test asks for one (tests/test_review_double_check.py): the sample (default 0.1 of the
# items) would otherwise make a hash-chosen tenth of the other tests' decisions wait for a second reviewer.
os.environ.setdefault("PANTAU_DOUBLE_CHECK_RATE", "0")

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def make_post(i: int, text: str = "", *, bio: str = "", captured: datetime | None = None, platform: str = "demo") -> Post:
    payload = {"id": str(i), "text": text or f"pos nomor {i}"}
    raw = canonical_json(payload)
    return Post(
        platform=platform,
        post_id=str(i),
        text=payload["text"],
        url=f"http://127.0.0.1/p/{i}",
        created_at=NOW - timedelta(hours=i),
        author=Author(id=f"a{i % 3}", handle=f"akun{i % 3}", name=f"Akun {i % 3}", bio=bio or None),
        region="Kab. Sleman",
        captured_at=captured or NOW - timedelta(hours=i),
        raw=raw,
        raw_sha256=sha256_hex(raw),
    )


def classify_in_new_process(folder: Path, payloads: list[dict], before: str = "", after: str = "") -> tuple[str, list]:
    """`pantau classify` of `payloads` (Post JSON objects) in a new Python process that runs `before` and `after`
    (Python source; `sys` is imported) around the command: what it printed, and the results."""
    posts, out = folder / f"posts{len(payloads)}.jsonl", folder / f"out{len(payloads)}.jsonl"
    posts.write_text("".join(json.dumps(p) + "\n" for p in payloads), encoding="utf-8")
    code = (
        "import runpy, sys\n" + before
        + f"sys.argv = ['pantau', 'classify', {str(posts)!r}, '-o', {str(out)!r}]\n"
        "try:\n    runpy.run_module('pantau.cli', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n" + after
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(results) == len(payloads)
    return proc.stdout, results


def result(post: Post, score: float, flagged: bool, category: str | None = None) -> dict:
    return {
        "platform": post.platform,
        "post_id": post.post_id,
        "score": score,
        "flagged": flagged,
        "category": category,
        "signals": [{"name": "asn_role", "source": "bio", "start": 0, "end": 4, "text": "guru"}] if flagged else [],
        "model_version": "test-model",
    }


@pytest.fixture(scope="module")
def prefect_server():
    """A real Prefect engine with a temporary API server, shared by a test module's flow runs."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(autouse=True)
def _own_schedule_file(tmp_path, monkeypatch):
    """Each test has its own schedule file (`pantau schedule set|pause`), never the checkout's var/schedules.json."""
    monkeypatch.setenv("PANTAU_SCHEDULES", str(tmp_path / "schedules.json"))


@pytest.fixture
def seeded_store(tmp_path: Path):
    """A store with 6 posts: 0-3 flagged, 4-5 not."""
    from pantau.store.db import Store

    store = Store(tmp_path / "fixture.duckdb")
    posts = [make_post(i) for i in range(6)]
    store.ingest(posts)
    store.save_classifications(
        [result(p, 0.9 - p_i * 0.1, p_i < 4, "kampanye_medsos" if p_i < 4 else None) for p_i, p in enumerate(posts)]
    )
    return store, posts
