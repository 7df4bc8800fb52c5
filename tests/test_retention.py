"""Retention of non-flagged posts (UU PDP: least data kept): what goes, what always stays, audit, CLI, flow."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from conftest import NOW, make_post, result
from pantau.flows.retention import retention_days
from pantau.post import utcnow
from pantau.store.db import Store, StoreError

OLD = NOW - timedelta(days=40)


@pytest.fixture
def store(tmp_path):
    """Posts 0-9 captured 40 days ago, 10-11 yesterday; what happened to each is in the comments."""
    s = Store(tmp_path / "r.duckdb")
    old = [make_post(i, f"pos {i}", captured=OLD) for i in range(10)]
    recent = [make_post(i, f"pos {i}", captured=NOW - timedelta(days=1)) for i in (10, 11)]
    s.ingest(old + recent, watchlist="Tim A", now=OLD)
    by_id = {p.post_id: p for p in old + recent}
    s.save_classifications([result(by_id[i], 0.1, False) for i in ("0", "1", "2", "3", "4", "5", "6", "10")])
    s.save_classifications([result(by_id["7"], 0.9, True, "A")])                       # 7 flagged
    old_model = {**result(by_id["6"], 0.8, True, "A"), "model_version": "older"}       # 6 flagged by an older model
    s.save_classifications([old_model])
    s.record_decision("demo", "2", "not_violation", reviewer="rina", now=NOW)          # 2 decided
    s.add_note("demo", "3", "rina", "periksa akun ini")                                 # 3 has a note
    s.record_evidence([{"platform": "demo", "post_id": "4", "kind": "raw", "status": "failed",
                        "captured_at": NOW, "error": "timeout"}])                       # 4 has evidence rows
    # 0, 1, 5: old, not flagged, untouched -> purged; 8, 9: never classified -> kept; 10, 11 recent -> kept
    return s


def ids(s: Store, table: str) -> set[str]:
    return {r["post_id"] for r in s.query(f"SELECT DISTINCT post_id FROM {table}")}


def test_purge_deletes_only_old_untouched_unflagged_posts(store):
    before = store.scalar("SELECT count(*) FROM audit_log")
    counts = store.purge_unflagged(30, actor="ops", now=NOW)
    assert counts["posts"] == 3 and counts["kept_unclassified"] == 2
    assert (counts["raw_payloads"], counts["classifications"], counts["post_watchlists"]) == (3, 3, 3)
    left = {str(i) for i in range(12)} - {"0", "1", "5"}
    assert ids(store, "posts") == left
    assert ids(store, "raw_payloads") == left
    assert ids(store, "post_watchlists") == left
    assert not {"0", "1", "5"} & ids(store, "classifications")
    # one audit entry with counts only, chain intact
    [entry] = store.query("SELECT actor, action, target, detail FROM audit_log WHERE seq > ?", [before])
    assert (entry["actor"], entry["action"], entry["target"]) == ("ops", "retention_purge", None)
    detail = json.loads(entry["detail"])
    assert detail["posts"] == 3 and detail["days"] == 30 and "post_id" not in entry["detail"]
    checked, problems = store.verify_audit()
    assert problems == [] and checked >= 1


def test_dry_run_and_rerun_change_nothing(store):
    dry = store.purge_unflagged(30, dry_run=True, now=NOW)
    assert dry["posts"] == 3
    assert store.scalar("SELECT count(*) FROM posts") == 12
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'retention_purge'") == 0
    store.purge_unflagged(30, now=NOW)
    again = store.purge_unflagged(30, now=NOW)
    assert again["posts"] == 0 and store.scalar("SELECT count(*) FROM posts") == 9
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'retention_purge'") == 1
    # a longer period keeps everything
    assert store.purge_unflagged(60, dry_run=True, now=NOW)["posts"] == 0


def test_retention_period_from_option_or_environment(monkeypatch):
    monkeypatch.delenv("PANTAU_RETENTION_DAYS", raising=False)
    assert retention_days() == 30
    assert retention_days(7) == 7
    monkeypatch.setenv("PANTAU_RETENTION_DAYS", "14")
    assert retention_days() == 14
    monkeypatch.setenv("PANTAU_RETENTION_DAYS", "dua minggu")
    with pytest.raises(ValueError, match="whole number"):
        retention_days()
    with pytest.raises(ValueError, match="at least 1 day"):
        retention_days(0)


def test_store_refuses_a_zero_period(store):
    with pytest.raises(StoreError):
        store.purge_unflagged(0)


def test_cli_purge(store):
    cli = [sys.executable, "-m", "pantau.cli", "retention", "purge", "--db", str(store.path)]
    days = str((utcnow() - NOW).days + 2)  # the CLI purges relative to today: cut between the old and recent posts
    dry = subprocess.run(cli + ["--days", days, "--dry-run"], capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "would delete 3 post(s)" in dry.stdout and "kept 2 old post(s) never classified" in dry.stdout
    bad = subprocess.run(cli, capture_output=True, text=True, env={**__import__("os").environ,
                                                                    "PANTAU_RETENTION_DAYS": "x"})
    assert bad.returncode != 0 and "whole number" in bad.stderr
    done = subprocess.run(cli + ["--days", days, "--actor", "ops"], capture_output=True, text=True)
    assert done.returncode == 0 and "deleted 3 post(s)" in done.stdout and "audit entry" in done.stdout
    assert Store(store.path).scalar("SELECT count(*) FROM posts") == 9
