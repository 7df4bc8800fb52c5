"""While the triage app owns the DuckDB file, no other process can open it read-write, at any point (issue 21).

The bug these tests pin: the owner copied the file for readers with `shutil.copyfile`, i.e. it opened and closed the
database file in its own process, and on POSIX closing *any* descriptor of a file drops every fcntl lock the process
holds on it. The next `pantau export` then opened the file read-write beside the app and the database was corrupted.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from conftest import make_post, result
from pantau.store.db import Store, StoreBusy, live_owner, owner_file, snapshot_file

# A second process that tries to open the file read-write and says what happened.
PROBE = """
import duckdb, sys
try:
    duckdb.connect(sys.argv[1]).close()
    print("opened")
except Exception as exc:
    print("refused", type(exc).__name__)
"""


def second_process_opens_read_write(db) -> bool:
    out = subprocess.run([sys.executable, "-c", PROBE, str(db)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip() == "opened"


def test_making_a_snapshot_keeps_the_owners_lock_and_the_copy_private(tmp_path):
    owner = Store(tmp_path / "owned.duckdb")
    owner.ingest([make_post(i) for i in range(3)])
    os.chmod(owner.path, 0o600)
    owner.own()
    try:
        assert not second_process_opens_read_write(owner.path)
        snap = owner.make_snapshot()
        assert not second_process_opens_read_write(owner.path)  # the copy did not drop the lock
        assert stat.S_IMODE(snap.stat().st_mode) == 0o600  # it holds password hashes and reporters' contacts
        owner.make_snapshot()  # made again over the old one: still locked, still private
        assert not second_process_opens_read_write(owner.path)
        assert stat.S_IMODE(snapshot_file(owner.path).stat().st_mode) == 0o600
        assert Store(snap).counts()["posts"] == 3
    finally:
        owner.disown()


def test_no_write_behind_a_live_owners_back_even_without_the_file_lock(tmp_path):
    """The owner file is the contract: a live owner means every direct write is refused, whether or not DuckDB's lock
    would stop it (here another process announces ownership but holds no lock at all)."""
    store = Store(tmp_path / "owned.duckdb")
    store.ingest([make_post(0)])
    before = store.scalar("SELECT count(*) FROM audit_log")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        owner_file(store.path).write_text(json.dumps({"pid": holder.pid, "since": "2026-12-06T00:00:00Z"}))
        assert live_owner(store.path) == holder.pid
        with pytest.raises(StoreBusy, match="owned by the running triage app"):
            Store(store.path).audit("cli", "export", "posts", {"rows": 1})
    finally:
        holder.kill()
        holder.wait()
    owner_file(store.path).unlink()
    assert Store(store.path).scalar("SELECT count(*) FROM audit_log") == before


@pytest.mark.slow
def test_the_served_app_keeps_the_file_to_itself_through_reads_exports_and_hand_overs(tmp_path):
    """`pantau serve` owns the file; analysts' reads (answered by the app, no snapshot), an export (written by the
    app), an ingest hand-over and an account change run beside it. After each, a second process still cannot open
    the file read-write, and the file opens cleanly (audit chain intact, nothing written behind the app's back) once
    the app stops."""
    db = tmp_path / "demo.duckdb"
    store = Store(db)
    posts = [make_post(i, f"pos nomor {i}") for i in range(5)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    more = tmp_path / "more.jsonl"
    more.write_text("".join(json.dumps(make_post(100 + i).to_payload()) + "\n" for i in range(3)), encoding="utf-8")
    cli = [sys.executable, "-m", "pantau.cli"]
    env = {**os.environ, "PANTAU_PASSWORD": "kata-sandi-rahasia-42"}
    app = subprocess.Popen([*cli, "serve", "--db", str(db), "--port", "0"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*cli, *args], env=env, capture_output=True, text=True, timeout=180)

    try:
        deadline = time.monotonic() + 120
        while live_owner(db) != app.pid:
            assert app.poll() is None and time.monotonic() < deadline, app.stdout.read() if app.poll() else "timeout"
            time.sleep(0.2)
        assert not second_process_opens_read_write(db)

        sql = run("sql", "SELECT count(*) AS n FROM posts", "--db", str(db), "--format", "csv")
        assert sql.returncode == 0 and sql.stdout.split() == ["n", "5"], sql.stderr
        assert not second_process_opens_read_write(db)
        for bad in ("DELETE FROM posts", "SELECT * FROM read_csv('/etc/passwd')", "SELECT getenv('HOME')"):
            refused = run("sql", bad, "--db", str(db))  # the app runs reads only, of the database only
            assert refused.returncode == 1 and "refused" in refused.stderr, bad + refused.stderr

        export = run("export", "--db", str(db), "--format", "csv", "-o", str(tmp_path / "ekspor"))
        assert export.returncode == 0, export.stdout + export.stderr  # the app writes the files and the audit entry
        assert (tmp_path / "ekspor" / "posts.csv").read_text().count("\n") == 6
        assert not second_process_opens_read_write(db)

        ingest = run("ingest", str(more), "--db", str(db))
        assert ingest.returncode == 0, ingest.stderr
        added = run("user", "add", "rina", "--role", "reviewer", "--db", str(db))
        assert added.returncode == 0, added.stderr
        deadline = time.monotonic() + 60
        while True:  # the app stores the handed-over posts on its own time; a fresh read sees them
            again = run("sql", "SELECT count(*) AS n FROM posts", "--db", str(db), "--format", "csv")
            if again.stdout.split() == ["n", "8"] or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert again.stdout.split() == ["n", "8"], again.stdout + again.stderr
        assert not second_process_opens_read_write(db)
        assert live_owner(db) == app.pid
        assert not snapshot_file(db).exists()  # reads went through the app: no copy of the database file
    finally:
        app.terminate()
        app.wait(timeout=60)
    verify = run("audit", "verify", "--db", str(db))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    after = Store(db)
    assert after.counts()["posts"] == 8
    actions = [r["action"] for r in after.query("SELECT action FROM audit_log ORDER BY seq")]
    assert actions.count("export") == 1 and "user_add" in actions
