"""The `pantau` command line, run as a real subprocess like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pantau.post import Post

ROOT = Path(__file__).resolve().parents[1]
PANTAU = [sys.executable, "-m", "pantau.cli"]


def run(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    return subprocess.run([*PANTAU, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


POSTS = [
    {"platform": "t", "post_id": "1", "text": "Bapak ibu guru, ayo coblos nomor 2 ya, pasti menang!",
     "author": {"handle": "bu_sri", "name": "Sri", "bio": "Guru SDN 2 Cilacap. PNS"}},
    {"platform": "t", "post_id": "2", "text": "Jadwal posyandu balita hari Kamis di balai desa.",
     "author": {"handle": "bidan_eka", "bio": "Bidan Puskesmas Kalasan"}},
]


@pytest.mark.parametrize("command", ["demo", "crawl", "classify", "train", "serve", "ingest", "monitor", "sources", "demo-site", "refer", "verify", "referral", "sql", "export", "schedule", "worker", "reminders", "retention", "bulk", "retrain"])
def test_every_command_has_help(command):
    r = run(command, "--help", timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Usage" in r.stdout


def test_classify_contract(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in POSTS), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = run("classify", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r_["platform"], r_["post_id"]) for r_ in rows] == [("t", "1"), ("t", "2")]
    for row in rows:
        assert 0.0 <= row["score"] <= 1.0
        assert isinstance(row["flagged"], bool)
        assert isinstance(row["signals"], list)
        assert row["model_version"]
        assert row["category"] is None or isinstance(row["category"], str)


def test_classify_bad_line_names_the_line_and_skip_invalid_reports_count(tmp_path):
    src = tmp_path / "bad.jsonl"
    lines = [json.dumps(POSTS[0]), "{broken", json.dumps({"platform": "t", "post_id": "9"}), json.dumps(POSTS[1])]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = run("classify", str(src), "-o", str(out))
    assert r.returncode != 0
    assert "bad.jsonl:2" in r.stderr and "invalid JSON" in r.stderr
    r = run("classify", str(src), "-o", str(out), "--skip-invalid")
    assert r.returncode == 0, r.stderr
    assert "2 skipped" in r.stdout
    assert "bad.jsonl:3" in r.stderr and "missing required field(s): text" in r.stderr
    assert len(out.read_text().splitlines()) == 2


@pytest.mark.slow
def test_demo_twice_is_idempotent(tmp_path):
    db = tmp_path / "demo.duckdb"
    for _ in range(2):
        r = run("demo", "--db", str(db), "--no-serve")
        assert r.returncode == 0, r.stdout + r.stderr
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    posts = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    dupes = con.execute("SELECT count(*) FROM (SELECT platform, post_id FROM posts GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
    queue = con.execute("SELECT count(*) FROM triage_queue").fetchone()[0]
    from pantau.demo.generate import generate_posts

    assert posts == len(generate_posts())
    assert dupes == 0
    assert 0 < queue < posts


def test_ingest_then_all_posts_parse(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in POSTS), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    r1 = run("ingest", str(src), "--db", str(db))
    r2 = run("ingest", str(src), "--db", str(db))
    assert "2 new" in r1.stdout and "0 new" in r2.stdout and "2 already known" in r2.stdout
    assert all(Post.from_payload(p) for p in POSTS)


def test_demo_rejects_a_weak_demo_password_before_crawling(tmp_path, monkeypatch):
    monkeypatch.setenv("PANTAU_DEMO_PASSWORD", "short")
    db = tmp_path / "weak.duckdb"
    r = run("demo", "--db", str(db), "--no-serve", timeout=120)
    assert r.returncode == 1
    assert "PANTAU_DEMO_PASSWORD" in r.stderr and "Traceback" not in r.stderr
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_long_jobs_draw_progress_bars_on_stderr_only(tmp_path):
    """Forced on (PANTAU_PROGRESS=1, as a terminal would get them): bars on stderr, the summary on stdout as before;
    off by default when stderr is not a terminal."""
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({**POSTS[i % 2], "post_id": str(i)}, ensure_ascii=False) + "\n"
                           for i in range(12)), encoding="utf-8")
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PANTAU_PROGRESS": "1"}
    forced = subprocess.run([*PANTAU, "classify", str(src), "-o", str(tmp_path / "a.jsonl")], capture_output=True,
                            text=True, env=env, timeout=600)
    assert forced.returncode == 0, forced.stderr
    assert "classify" in forced.stderr and "12/12" in forced.stderr and "100%" in forced.stderr
    assert forced.stdout.startswith("12 classified")
    ingest = subprocess.run([*PANTAU, "ingest", str(src), "--db", str(tmp_path / "p.duckdb")], capture_output=True,
                            text=True, env=env, timeout=600)
    assert ingest.returncode == 0 and "12/12" in ingest.stderr and ingest.stdout.startswith("12 received, 12 new")
    from pantau.demo.site import DemoSite

    with DemoSite() as site:
        crawl = subprocess.run([*PANTAU, "crawl", "--source", "demo", "--base-url", site.url, "--max-pages", "2",
                                "-o", str(tmp_path / "c.jsonl")], capture_output=True, text=True, env=env, timeout=600)
    assert crawl.returncode == 0, crawl.stderr
    assert "crawl demo" in crawl.stderr and " posts -> " in crawl.stdout
    plain = run("classify", str(src), "-o", str(tmp_path / "b.jsonl"))
    assert plain.returncode == 0 and plain.stderr == ""
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text()
