"""The audit log's hash chain: intact after normal use, broken by any edit or deletion (real DuckDB, real CLI)."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from pantau.store.db import Store


def pantau(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pantau.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def audited(seeded_store):
    store, _ = seeded_store
    store.add_user("rina", "kata-sandi-uji-123", "reviewer")
    store.audit("rina", "login", "127.0.0.1")
    store.audit("rina", "view_item", "demo/3")
    store.record_decision("demo", "3", "violation", reviewer="rina", reason="kampanye")
    store.audit("rina", "export", "confirmed_violations", {"rows": 0})
    return store


def test_chain_is_intact_and_linked(audited):
    checked, problems = audited.verify_audit()
    assert checked == 5 and problems == []
    rows = audited.query("SELECT seq, prev_sha256, sha256 FROM audit_log ORDER BY seq")
    assert rows[0]["prev_sha256"] == "0" * 64
    assert all(rows[i]["prev_sha256"] == rows[i - 1]["sha256"] for i in range(1, len(rows)))
    r = pantau("audit", "verify", "--db", str(audited.path))
    assert r.returncode == 0 and "intact: 5 entries" in r.stdout


def test_edited_entry_is_detected(audited):
    con = duckdb.connect(str(audited.path))
    con.execute("UPDATE audit_log SET actor = 'budi' WHERE seq = 4")
    con.close()
    _, problems = audited.verify_audit()
    assert any("entry 4" in p and "edited" in p for p in problems)
    r = pantau("audit", "verify", "--db", str(audited.path))
    assert r.returncode == 1 and "entry 4" in r.stderr


def test_deleted_entry_is_detected(audited):
    con = duckdb.connect(str(audited.path))
    con.execute("DELETE FROM audit_log WHERE seq = 2")
    con.close()
    _, problems = audited.verify_audit()
    assert any("entry 2: missing" in p for p in problems)
    assert pantau("audit", "verify", "--db", str(audited.path)).returncode == 1


def test_deleted_tail_is_detected(audited):
    con = duckdb.connect(str(audited.path))
    con.execute("DELETE FROM audit_log WHERE seq = 5")
    con.close()
    _, problems = audited.verify_audit()
    assert problems and "recorded head" in problems[-1]


def test_rehashed_edit_is_still_caught_by_the_next_link(audited):
    """An attacker who edits an entry and recomputes its own hash breaks the next entry's prev link."""
    from pantau.store.audit import entry_hash

    con = duckdb.connect(str(audited.path))
    row = con.execute("SELECT seq, logged_at, actor, action, target, detail, prev_sha256 FROM audit_log WHERE seq = 3").fetchone()
    entry = dict(zip(["seq", "logged_at", "actor", "action", "target", "detail"], row[:6]))
    entry["target"] = "demo/999"
    con.execute("UPDATE audit_log SET target = 'demo/999', sha256 = ? WHERE seq = 3", [entry_hash(row[6], entry)])
    con.close()
    _, problems = audited.verify_audit()
    assert any("entry 4: prev_sha256" in p for p in problems)
    assert not any("entry 3" in p for p in problems)
