"""Accounts: argon2 hashes, the `pantau user` CLI (password never on argv), demo account."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pantau.store.db import Store, StoreError


def pantau(*args: str, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pantau.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**{k: v for k, v in os.environ.items() if k != "PANTAU_PASSWORD"}, **(env or {})},
                          input=input)


def test_store_hashes_with_argon2_and_authenticates(tmp_path):
    store = Store(tmp_path / "u.duckdb")
    store.add_user("Rina", "kata-sandi-uji-123", "reviewer")
    row = store.query("SELECT username, password_hash, role FROM users")[0]
    assert row["username"] == "rina" and row["role"] == "reviewer"
    assert row["password_hash"].startswith("$argon2id$") and "kata-sandi" not in row["password_hash"]
    assert store.authenticate("rina", "kata-sandi-uji-123")["role"] == "reviewer"
    assert store.authenticate("RINA ", "kata-sandi-uji-123") is not None
    assert store.authenticate("rina", "kata-sandi-uji-124") is None
    assert store.authenticate("nobody", "kata-sandi-uji-123") is None
    with pytest.raises(StoreError, match="exists"):
        store.add_user("rina", "kata-sandi-lain-123", "admin")
    with pytest.raises(ValueError, match="role"):
        store.add_user("budi", "kata-sandi-uji-123", "boss")
    with pytest.raises(ValueError, match="at least"):
        store.add_user("budi", "pendek", "reviewer")
    with pytest.raises(ValueError, match="username"):
        store.add_user("<b>", "kata-sandi-uji-123", "reviewer")
    assert store.scalar("SELECT count(*) FROM users") == 1


def test_cli_add_passwd_remove(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    r = pantau("user", "add", "sari", "--role", "supervisor", "--db", db, env={"PANTAU_PASSWORD": "kata-sandi-uji-123"})
    assert r.returncode == 0, r.stderr
    # from a prompt (hidden input, asked twice)
    r = pantau("user", "add", "budi", "--role", "reviewer", "--db", db, input="kata-sandi-budi-1\nkata-sandi-budi-1\n")
    assert r.returncode == 0, r.stderr
    assert "kata-sandi-budi-1" not in r.stdout
    store = Store(db)
    assert store.authenticate("budi", "kata-sandi-budi-1") is not None
    r = pantau("user", "passwd", "budi", "--db", db, env={"PANTAU_PASSWORD": "kata-sandi-baru-22"})
    assert r.returncode == 0
    assert store.authenticate("budi", "kata-sandi-budi-1") is None
    assert store.authenticate("budi", "kata-sandi-baru-22") is not None
    r = pantau("user", "add", "budi", "--role", "reviewer", "--db", db, env={"PANTAU_PASSWORD": "kata-sandi-uji-123"})
    assert r.returncode == 1 and "exists" in r.stderr
    r = pantau("user", "remove", "budi", "--db", db)
    assert r.returncode == 0 and store.user("budi") is None
    r = pantau("user", "remove", "budi", "--db", db)
    assert r.returncode == 1 and "no user" in r.stderr
    # there is no way to pass a password as an argument
    r = pantau("user", "add", "x1", "--role", "reviewer", "--password", "abc", "--db", db)
    assert r.returncode != 0
    actions = [r["action"] for r in store.query("SELECT action FROM audit_log ORDER BY seq")]
    assert actions == ["user_add", "user_add", "user_password", "user_remove"]
    assert pantau("audit", "verify", "--db", db).returncode == 0


def test_demo_account_is_created_once(tmp_path):
    from pantau.commands.operations import _ensure_demo_account

    store = Store(tmp_path / "d.duckdb")
    os.environ["PANTAU_DEMO_PASSWORD"] = "demo-kata-sandi-1"
    try:
        _ensure_demo_account(store)
        _ensure_demo_account(store)
    finally:
        del os.environ["PANTAU_DEMO_PASSWORD"]
    assert store.query("SELECT username, role FROM users") == [{"username": "demo", "role": "supervisor"}]
    assert store.authenticate("demo", "demo-kata-sandi-1") is not None
