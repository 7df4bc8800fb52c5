"""Trusted timestamps anchor the audit chain (issue 21, item 14): a fully re-hashed chain passes the hash check alone,
but fails against an RFC 3161 token taken before the edit. A real TSA (OpenSSL `ts -reply`) runs on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from pantau import timestamp
from pantau.store import audit as audit_chain
from pantau.store.anchors import anchors_dir
from pantau.store.db import Store, StoreError
from tsa import LocalTsa


def pantau(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pantau.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def tsa(tmp_path_factory):
    with LocalTsa(tmp_path_factory.mktemp("tsa")) as server:
        yield server


@pytest.fixture
def audited(seeded_store, tsa, monkeypatch):
    monkeypatch.setenv(timestamp.URL_ENV, tsa.url)
    monkeypatch.setenv(timestamp.CA_ENV, str(tsa.ca_pem))
    store, _ = seeded_store
    store.add_user("rina", "kata-sandi-uji-123", "reviewer")
    store.audit("rina", "login", "127.0.0.1")
    store.record_decision("demo", "3", "violation", reviewer="rina", reason="kampanye")
    store.audit("rina", "export", "confirmed_violations", {"rows": 0})
    return store


def rehash_everything(db, edit_seq: int) -> None:
    """What an attacker with write access does: edit one entry, then recompute every hash after it and the head."""
    con = duckdb.connect(str(db))
    rows = con.execute("SELECT seq, logged_at, actor, action, target, detail, prev_sha256 FROM audit_log "
                       "ORDER BY seq").fetchall()
    prev = audit_chain.GENESIS
    for row in rows:
        entry = dict(zip(["seq", "logged_at", "actor", "action", "target", "detail"], row[:6]))
        if entry["seq"] == edit_seq:
            entry["actor"] = "budi"
        digest = audit_chain.entry_hash(prev, entry)
        con.execute("UPDATE audit_log SET actor = ?, prev_sha256 = ?, sha256 = ? WHERE seq = ?",
                    [entry["actor"], prev, digest, entry["seq"]])
        prev = digest
    con.execute("UPDATE schema_info SET value = ? WHERE key = 'audit_head_sha256'", [prev])
    con.close()


def test_a_rehashed_chain_passes_the_hash_check_but_not_its_anchor(audited, tsa):
    anchored = audited.anchor_audit()
    assert anchored["new"] and anchored["seq"] == 4 and anchored["tsa_url"] == tsa.url
    assert audited.anchor_audit()["new"] is False  # nothing since: the same anchor, no second request
    assert len(list(anchors_dir(audited.path).glob("*.tsr"))) == 1
    checked, problems, notes = audited.audit_report()
    assert (checked, problems) == (4, []) and notes == ["1 trusted timestamp anchor(s) checked"]

    rehash_everything(audited.path, edit_seq=2)
    entries = audited.query("SELECT * FROM audit_log ORDER BY seq")
    assert audit_chain.verify_chain(entries) == []  # the chain alone cannot tell
    _, problems = audited.verify_audit()
    assert len(problems) == 2  # the row's token and the file's token both disagree
    assert all("entry 4: its sha256 is not the one a TSA saw" in p for p in problems)
    r = pantau("audit", "verify", "--db", str(audited.path))
    assert r.returncode == 1 and "re-hashed" in r.stderr


def test_entries_after_the_last_anchor_are_named_and_a_new_anchor_covers_them(audited):
    audited.anchor_audit()
    audited.audit("rina", "login", "127.0.0.1")
    _, problems, notes = audited.audit_report()
    assert problems == [] and "1 entry after the last anchor (entry 4)" in notes
    r = pantau("audit", "anchor", "--db", str(audited.path))
    assert r.returncode == 0 and r.stdout.startswith("anchored: entry 5"), r.stderr
    r = pantau("audit", "verify", "--db", str(audited.path))
    assert r.returncode == 0 and "2 trusted timestamp anchor(s) checked" in r.stdout and "after the last" not in r.stdout


def test_deleting_anchor_rows_or_files_is_named(audited):
    audited.anchor_audit()
    [token_file] = anchors_dir(audited.path).glob("*.tsr")
    saved = token_file.read_bytes()
    token_file.unlink()
    _, problems = audited.verify_audit()
    assert problems == [f"anchor of entry 4: its token file is missing from {anchors_dir(audited.path)}"]
    token_file.write_bytes(saved)
    con = duckdb.connect(str(audited.path))
    con.execute("DELETE FROM audit_anchors")
    con.close()
    _, problems = audited.verify_audit()
    assert problems == ["anchor of entry 4: its row is missing from audit_anchors (deleted?)"]


def test_a_token_from_an_untrusted_tsa_or_for_other_bytes_is_refused(audited, tsa, tmp_path, monkeypatch):
    with LocalTsa(tmp_path / "rogue", "Rogue TSA") as rogue:
        monkeypatch.setenv(timestamp.URL_ENV, rogue.url)
        monkeypatch.setenv(timestamp.CA_ENV, str(rogue.ca_pem))
        audited.anchor_audit()  # the rogue TSA's token, trusted while its root is configured
    monkeypatch.setenv(timestamp.CA_ENV, str(tsa.ca_pem))  # the team's real TSA: the rogue token proves nothing
    _, problems = audited.verify_audit()
    assert len(problems) == 2 and all("anchor of entry 4" in p and "does not prove these bytes" in p for p in problems)
    monkeypatch.setenv(timestamp.CA_ENV, str(tmp_path.parent / "missing.pem"))
    with pytest.raises(timestamp.TimestampError, match="cannot read the TSA certificates"):
        audited.verify_audit()
    monkeypatch.delenv(timestamp.CA_ENV)
    _, problems, notes = audited.audit_report()  # without a root: the imprint still matches, the signer is unknown
    assert problems == [] and any("signatures not verified" in n for n in notes)
    roots = timestamp.load_certificates(tmp_path / "rogue" / "ca.pem")
    [token_file] = anchors_dir(audited.path).glob("*.tsr")
    with pytest.raises(timestamp.TimestampError, match="message imprint differs"):
        timestamp.check(token_file.read_bytes(), b"other bytes")
    with pytest.raises(timestamp.TimestampError, match="does not prove these bytes"):
        timestamp.check(token_file.read_bytes(), b"other bytes", roots)


def test_anchor_without_a_tsa_or_with_a_dead_one_is_a_clear_error(audited, monkeypatch):
    monkeypatch.delenv(timestamp.URL_ENV)
    with pytest.raises(StoreError, match="no TSA configured: set PANTAU_TSA_URL"):
        audited.anchor_audit()
    r = pantau("audit", "anchor", "--db", str(audited.path), "--tsa", "http://127.0.0.1:9/tsr")
    assert r.returncode == 1 and "not reachable" in r.stderr and "Traceback" not in r.stderr
    assert audited.query("SELECT * FROM audit_anchors") == []


def test_the_owning_app_anchors_on_request(audited, tsa):
    """While the triage app owns the file, `pantau audit anchor` asks it (the CLI cannot write the file)."""
    from pantau.triage.app import InboxDrainer

    drainer = InboxDrainer(Store(audited.path), interval=0.05)
    drainer.start()
    try:
        r = pantau("audit", "anchor", "--db", str(audited.path))
        assert r.returncode == 0 and r.stdout.startswith("anchored: entry 4"), r.stderr
    finally:
        drainer.stop()
    assert [r["seq"] for r in Store(audited.path).query("SELECT seq FROM audit_anchors")] == [4]


@pytest.mark.slow
def test_the_daily_flow_anchors_through_a_real_prefect_run(audited, prefect_server, monkeypatch):
    from pantau.flows.anchor import audit_anchor

    state = audit_anchor(db=audited.path, return_state=True)
    assert state.is_completed() and state.result()["seq"] == 4 and state.result()["new"]
    monkeypatch.delenv(timestamp.URL_ENV)  # no TSA: the run says so, anchors nothing, does not fail
    audited.audit("rina", "login", "127.0.0.1")
    state = audit_anchor(db=audited.path, return_state=True)
    assert state.is_completed() and state.result() == {"new": False, "seq": None}
    assert [r["seq"] for r in audited.query("SELECT seq FROM audit_anchors")] == [4]
