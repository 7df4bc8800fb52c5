"""The owner/inbox protocol: one process owns the DuckDB file, other processes hand batches over as files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

from conftest import make_post, result
from pantau.proc import Foreground
from pantau.store.db import Store, StoreError, inbox_dir, live_owner, owner_file

WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from conftest import make_post, result
    from pantau.store.db import Store

    store = Store(sys.argv[1], lock_timeout=5)
    posts = [make_post(i, platform="inbox") for i in range(int(sys.argv[2]), int(sys.argv[3]))]
    r = store.ingest(posts, watchlist="Pilkada Sleman")
    saved = store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    print(r.received, r.new, r.queued, saved)
    """
)


def run_writer(db, start: int, stop: int) -> list[int]:
    script = WRITER.format(tests=os.path.dirname(__file__))
    out = subprocess.run([sys.executable, "-c", script, str(db), str(start), str(stop)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [int(x) for x in out.stdout.split()]


def test_the_owner_stores_a_batch_between_requests(tmp_path):
    """The owner's background writes give way to the requests it serves (the triage app's pages): storing an inbox
    batch waits at each of its three steps while a request is served, at most max_wait each, then stores it all; a
    write made by a request itself does not wait."""
    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    try:
        assert run_writer(owner.path, 0, 30)[:3] == [30, 0, 30]
        foreground = Foreground(quiet=0.05, max_wait=0.5)
        owner.give_way_to(foreground)
        started = time.monotonic()
        assert owner.drain_inbox()["posts_new"] == 30  # no request: no wait
        assert time.monotonic() - started < 1.2
        assert run_writer(owner.path, 30, 60)[:3] == [30, 0, 30]
        with foreground.serving():  # a page being served all along
            started = time.monotonic()
            assert owner.drain_inbox()["posts_new"] == 30
            assert time.monotonic() - started >= 3 * 0.5 - 0.05
            started = time.monotonic()  # a request's own write (the intake page's post) does not wait for itself
            assert owner.ingest([make_post(99, platform="intake")]).new == 1
            assert time.monotonic() - started < 1.0  # (it would wait 3 x 0.5 s)
        assert owner.counts()["posts"] == 61
        assert owner.scalar("SELECT count(*) FROM post_clusters") == 61
    finally:
        owner.disown()


def test_other_process_hands_batches_to_the_owner(tmp_path):
    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    try:
        assert json.loads(owner_file(owner.path).read_text())["pid"] == os.getpid()
        # while we own the file a second process neither waits for the lock nor fails: it queues its batches
        assert run_writer(owner.path, 0, 30) == [30, 0, 30, 30]
        assert run_writer(owner.path, 20, 40) == [20, 0, 20, 20]  # 10 of them already queued before
        files = sorted(p.name for p in inbox_dir(owner.path).iterdir())
        assert len(files) == 4 and files[0].endswith(".posts.jsonl") and files[1].endswith(".classifications.jsonl")
        assert owner.counts()["posts"] == 0

        done = owner.drain_inbox()
        assert done == {"files": 4, "posts_new": 40, "classifications": 50, "evidence": 0, "failed": 0, "requests": 0}
        assert owner.counts()["posts"] == 40
        assert owner.scalar("SELECT count(*) FROM classifications") == 40
        assert owner.scalar("SELECT count(*) FROM queue_items WHERE platform = 'inbox'") == 40
        assert owner.scalar("SELECT count(*) FROM post_watchlists WHERE watchlist = 'Pilkada Sleman'") == 40
        assert [p for p in inbox_dir(owner.path).iterdir() if p.is_file()] == []
        assert owner.drain_inbox()["files"] == 0
    finally:
        owner.disown()
    assert not owner_file(owner.path).exists()
    # after the owner is gone, writers use the file directly again
    assert run_writer(owner.path, 40, 45) == [5, 5, 0, 5]
    assert Store(owner.path).counts()["posts"] == 45


def test_unreadable_batch_is_kept_aside_and_the_rest_stored(tmp_path):
    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    try:
        inbox = inbox_dir(owner.path)
        (inbox / "00000000000000000001-1-000000.classifications.jsonl").write_text('{"platform": "x", "post_id"\n')
        (inbox / ".00000000000000000002-1-000001.posts.jsonl.tmp").write_text("half written")
        run_writer(owner.path, 0, 3)
        done = owner.drain_inbox()
        assert done["failed"] == 1 and done["posts_new"] == 3 and done["classifications"] == 3
        kept = inbox / "failed" / "00000000000000000001-1-000000.classifications.jsonl"
        assert kept.read_text() == '{"platform": "x", "post_id"\n'  # never deleted: nothing lost
        assert (inbox / ".00000000000000000002-1-000001.posts.jsonl.tmp").exists()  # a partial batch is not read
    finally:
        owner.disown()


def test_ingesting_the_same_batch_twice_changes_nothing(tmp_path):
    """A crash after storing a batch but before deleting its file re-stores it: idempotent."""
    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    try:
        run_writer(owner.path, 0, 5)
        inbox = inbox_dir(owner.path)
        copies = {p.name: p.read_text() for p in inbox.iterdir()}
        owner.drain_inbox()
        before = owner.query("SELECT * FROM posts ORDER BY post_id")
        for name, text in copies.items():
            (inbox / name).write_text(text)
        assert owner.drain_inbox()["files"] == 2
        assert owner.query("SELECT * FROM posts ORDER BY post_id") == before
        assert owner.scalar("SELECT count(*) FROM classifications") == 5
    finally:
        owner.disown()


def test_stale_owner_file_is_ignored_and_leftovers_stored_first(tmp_path):
    store = Store(tmp_path / "left.duckdb")
    store.init()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    owner_file(store.path).write_text(json.dumps({"pid": int(dead.stdout)}))
    assert live_owner(store.path) is None
    # an owner that stops with batches still queued leaves them in the inbox ...
    owner = Store(store.path)
    owner.own()
    run_writer(store.path, 0, 4)
    owner.disown()
    assert len(list(inbox_dir(store.path).glob("*.jsonl"))) == 2 and store.counts()["posts"] == 0
    # ... and the next writer stores them before its own batch
    r = store.ingest([make_post(9, platform="inbox")])
    assert (r.new, r.queued) == (1, 0)
    assert store.scalar("SELECT count(*) FROM posts WHERE platform = 'inbox'") == 5
    assert store.scalar("SELECT count(*) FROM classifications") == 4
    assert list(inbox_dir(store.path).glob("*.jsonl")) == []


def test_two_owners_are_refused(tmp_path):
    db = tmp_path / "one.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(
            """
            import sys, time
            from pantau.store.db import Store
            s = Store(sys.argv[1]); s.own(); print("owned", flush=True); time.sleep(60)
            """), str(db)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "owned"
        assert live_owner(db) == holder.pid
        try:
            Store(db).own()
        except StoreError as exc:
            assert str(holder.pid) in str(exc)
        else:
            raise AssertionError("a second owner was accepted")
    finally:
        holder.kill()
        holder.wait()
    assert live_owner(db) is None  # the killed owner's file is stale now


def test_other_jobs_fail_fast_with_a_clear_message_while_the_app_owns_the_file(tmp_path):
    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    script = textwrap.dedent(
        """
        import sys
        from pantau.store.db import Store, StoreBusy
        try:  # an audit entry written directly is neither a batch nor a request the owner could take
            Store(sys.argv[1]).audit("ops", "note", "x")
        except StoreBusy as exc:
            sys.exit(f"busy: {exc}")
        """
    )
    try:
        out = subprocess.run([sys.executable, "-c", script, str(owner.path)], capture_output=True, text=True, timeout=60)
    finally:
        owner.disown()
    assert out.returncode == 1
    assert f"busy: {owner.path} is owned by the running triage app (process {os.getpid()})" in out.stderr
    assert "Traceback" not in out.stderr


def test_export_while_the_app_owns_the_file_is_written_by_the_app(tmp_path):
    """`pantau export` no longer needs the app stopped: the app copies the tables and writes the audit entry."""
    from pantau.triage.app import InboxDrainer

    owner = Store(tmp_path / "owned.duckdb")
    posts = [make_post(i) for i in range(4)]
    owner.ingest(posts)
    owner.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    drainer = InboxDrainer(owner, interval=0.05)
    drainer.start()
    try:
        export = subprocess.run([sys.executable, "-m", "pantau.cli", "export", "--db", str(owner.path), "--format",
                                 "csv", "-o", str(tmp_path / "x"), "--actor", "ana"],
                                capture_output=True, text=True, timeout=120)
        assert export.returncode == 0, export.stderr
        manifest = json.loads((tmp_path / "x" / "export.json").read_text(encoding="utf-8"))
        assert {f["name"]: f["rows"] for f in manifest["files"]}["posts"] == 4
        [entry] = owner.query("SELECT actor, target FROM audit_log WHERE action = 'export'")
        assert entry["actor"] == "ana" and entry["target"] == str((tmp_path / "x").resolve())
    finally:
        drainer.stop()


def test_evidence_rows_are_handed_over_too(tmp_path):
    """The monitor flow records capture attempts while the app runs: they go through the inbox like posts."""
    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    try:
        run_writer(owner.path, 0, 1)
        script = textwrap.dedent(
            """
            import sys
            from datetime import datetime, timezone
            from pantau.store.db import Store
            rows = [{"platform": "inbox", "post_id": "0", "kind": "html", "status": "ok", "sha256": "ab" * 32,
                     "path": "sha256/ab/x.html", "size": 10, "url": "http://127.0.0.1/p/0", "http_status": 200,
                     "captured_at": datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc)},
                    {"platform": "inbox", "post_id": "0", "kind": "png", "status": "failed", "url": "http://127.0.0.1/p/0",
                     "captured_at": datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc), "error": "browser missing"}]
            print(Store(sys.argv[1]).record_evidence(rows))
            """
        )
        out = subprocess.run([sys.executable, "-c", script, str(owner.path)], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "2"
        assert owner.scalar("SELECT count(*) FROM evidence") == 0
        assert owner.drain_inbox()["evidence"] == 2
        rows = owner.query("SELECT kind, status, attempt, captured_at FROM evidence ORDER BY kind")
        assert [(r["kind"], r["status"], r["attempt"]) for r in rows] == [("html", "ok", 1), ("png", "failed", 1)]
        assert rows[0]["captured_at"].isoformat().startswith("2026-11-20T05:00:00")
    finally:
        owner.disown()


READER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from conftest import make_post, result
    from pantau.store.db import Store

    store = Store(sys.argv[1], lock_timeout=5)
    before = store.counts()["posts"]
    again = store.counts()["posts"]
    posts = [make_post(i, platform="reader") for i in range(5)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    after = store.counts()["posts"]  # this process handed a batch over: the owner stores it before answering
    print(before, again, after)
    """
)


def test_reads_and_purges_of_other_processes_go_through_the_owner(tmp_path):
    """While the app owns the file, other processes' reads are answered by the owner on its own connection (after
    storing every batch the reader handed over before), no copy of the database is made, and a retention purge is
    run by the owner; nothing waits for the lock."""
    from pantau.store.db import snapshot_file
    from pantau.triage.app import InboxDrainer

    owner = Store(tmp_path / "owned.duckdb")
    drainer = InboxDrainer(owner, interval=0.05)
    drainer.start()
    try:
        assert run_writer(owner.path, 0, 30) == [30, 0, 30, 30]
        out = subprocess.run([sys.executable, "-c", READER.format(tests=os.path.dirname(__file__)), str(owner.path)],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert [int(x) for x in out.stdout.split()] == [30, 30, 35]
        verify = subprocess.run([sys.executable, "-m", "pantau.cli", "audit", "verify", "--db", str(owner.path)],
                                capture_output=True, text=True, timeout=120)
        assert verify.returncode == 0 and "audit log intact" in verify.stdout, verify.stderr
        purge = subprocess.run([sys.executable, "-m", "pantau.cli", "retention", "purge", "--db", str(owner.path),
                                "--days", "1", "--dry-run"], capture_output=True, text=True, timeout=120)
        assert purge.returncode == 0, purge.stderr
        # `pantau sql` is answered by the owner without importing DuckDB or the store (its start-up is the cost)
        light = ("import sys, runpy\n"
                 f"sys.argv = ['pantau', 'sql', 'SELECT count(*) AS n FROM posts', '--db', {str(owner.path)!r}, "
                 "'--format', 'csv']\n"
                 "try:\n    runpy.run_module('pantau.cli', run_name='__main__')\nexcept SystemExit as exc:\n"
                 "    assert not exc.code, exc.code\n"
                 "heavy = sorted(m for m in ('duckdb', 'numpy', 'pantau.store.db') if m in sys.modules)\n"
                 "assert not heavy, heavy\n")
        sql = subprocess.run([sys.executable, "-c", light], capture_output=True, text=True, timeout=120)
        assert sql.returncode == 0 and sql.stdout.split() == ["n", "35"], sql.stderr
        assert not snapshot_file(owner.path).exists()
        assert [p.name for p in inbox_dir(owner.path).iterdir() if p.is_file()] == []  # requests answered, taken
        assert owner.counts()["posts"] == 35
    finally:
        drainer.stop()
    assert not owner_file(owner.path).exists() and not snapshot_file(owner.path).exists()


def test_a_purge_is_carried_out_by_the_owner_with_its_audit_entry(tmp_path):
    from datetime import timedelta

    from pantau.store.db import snapshot_file

    from pantau.post import utcnow
    from pantau.triage.app import InboxDrainer

    owner = Store(tmp_path / "owned.duckdb")
    old = utcnow() - timedelta(days=40)
    posts = [make_post(i, captured=old) for i in range(4)]
    owner.ingest(posts)
    owner.save_classifications([result(p, 0.1, False) for p in posts])
    drainer = InboxDrainer(owner, interval=0.05)
    drainer.start()
    try:
        script = textwrap.dedent(
            """
            import json, sys
            from pantau.store.db import Store
            print(json.dumps(Store(sys.argv[1]).purge_unflagged(30, actor="ops")))
            """
        )
        out = subprocess.run([sys.executable, "-c", script, str(owner.path)], capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["posts"] == 4
        assert owner.counts()["posts"] == 0
        [entry] = owner.query("SELECT actor, action FROM audit_log WHERE action = 'retention_purge'")
        assert entry["actor"] == "ops"
        assert not snapshot_file(owner.path).exists()  # no copy keeps the deleted posts
    finally:
        drainer.stop()


def test_account_changes_and_reindex_are_carried_out_by_the_owner_without_the_password(tmp_path):
    """`pantau user add/passwd/remove` and `pantau reindex` work while the app owns the file: the app carries them
    out (with their audit entries); the request file holds the argon2 hash, never the password."""
    import time

    from pantau.triage.app import InboxDrainer

    owner = Store(tmp_path / "owned.duckdb")
    posts = [make_post(i) for i in range(3)]
    owner.ingest(posts)
    owner.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    owner.own()
    env = {**os.environ, "PANTAU_PASSWORD": "kata-sandi-rahasia-42"}
    cli = [sys.executable, "-m", "pantau.cli"]
    add = subprocess.Popen([*cli, "user", "add", "rina", "--role", "reviewer", "--db", str(owner.path)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    drainer = InboxDrainer(owner, interval=0.05)
    try:
        deadline = time.monotonic() + 60
        requests = []
        while not requests and time.monotonic() < deadline and add.poll() is None:
            requests = list(inbox_dir(owner.path).glob("*.user_add.request.json"))
            time.sleep(0.02)
        assert requests, add.communicate()
        body = requests[0].read_text(encoding="utf-8")
        assert "kata-sandi-rahasia-42" not in body and json.loads(body)["password_hash"].startswith("$argon2id$")
        drainer.start()  # the app answers only now
        out, err = add.communicate(timeout=120)
        assert add.returncode == 0, err
        assert owner.authenticate("rina", "kata-sandi-rahasia-42")["role"] == "reviewer"
        again = subprocess.run([*cli, "user", "add", "rina", "--role", "admin", "--db", str(owner.path)], env=env,
                               capture_output=True, text=True, timeout=120)
        assert again.returncode != 0 and "exists already" in again.stderr and "Traceback" not in again.stderr
        passwd = subprocess.run([*cli, "user", "passwd", "rina", "--db", str(owner.path)],
                                env={**env, "PANTAU_PASSWORD": "sandi-baru-yang-panjang"}, capture_output=True,
                                text=True, timeout=120)
        assert passwd.returncode == 0, passwd.stderr
        assert owner.authenticate("rina", "sandi-baru-yang-panjang") and not owner.authenticate("rina", "kata-sandi-rahasia-42")
        reindex = subprocess.run([*cli, "reindex", "--db", str(owner.path)], capture_output=True, text=True, timeout=120)
        assert reindex.returncode == 0 and reindex.stdout.startswith("3 posts indexed"), reindex.stderr
        remove = subprocess.run([*cli, "user", "remove", "rina", "--db", str(owner.path)], capture_output=True,
                                text=True, timeout=120)
        assert remove.returncode == 0, remove.stderr
        assert owner.user("rina") is None
        actions = [r["action"] for r in owner.query("SELECT action FROM audit_log WHERE target = 'rina' ORDER BY seq")]
        assert actions == ["user_add", "user_password", "user_remove"]
    finally:
        if add.poll() is None:
            add.kill()
        drainer.stop()
        owner.disown()


def test_the_owner_refuses_account_requests_without_a_real_hash_and_requests_that_expired(tmp_path):
    """A request file is only as trusted as the inbox folder: the owner takes argon2id hashes only (an empty or
    plain-text hash would make a login with a known or any password), and never runs a request its caller gave
    up on (older than REQUEST_TIMEOUT)."""
    import time

    from pantau.store.db import REQUEST_TIMEOUT

    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    try:
        inbox = inbox_dir(owner.path)
        now = time.time_ns()
        for i, bad in enumerate(["", "plaintext-password", "$argon2id$garbage"]):
            (inbox / f"{now:020d}-1-{i:06d}.user_add.request.json").write_text(
                json.dumps({"username": f"mallory{i}", "password_hash": bad, "role": "admin"}), encoding="utf-8")
        from pantau.store.passwords import hash_password
        old = now - int((REQUEST_TIMEOUT + 5) * 1e9)
        (inbox / f"{old:020d}-1-000009.user_add.request.json").write_text(
            json.dumps({"username": "late", "password_hash": hash_password("kata-sandi-lama-1"), "role": "admin"}),
            encoding="utf-8")
        owner.drain_inbox()
        answers = sorted(inbox.glob("*.response.json"))
        assert len(answers) == 4
        errors = [json.loads(a.read_text(encoding="utf-8")) for a in answers]
        assert all(not e["ok"] for e in errors)
        assert "expired" in errors[0]["error"] and all("argon2id" in e["error"] for e in errors[1:])
        assert owner.query("SELECT username FROM users") == []
        assert not owner.authenticate("mallory0", "pantau-dummy-password")
        # Answers nobody picked up: kept while a caller may still come for them, removed once surely abandoned.
        for a in answers[:2]:
            os.utime(a, (time.time() - 2 * REQUEST_TIMEOUT - 5,) * 2)
        owner.drain_inbox()
        assert sorted(inbox.glob("*.response.json")) == answers[2:]
    finally:
        owner.disown()


def test_posts_are_handed_over_in_batches_the_app_stores_quickly(tmp_path):
    """A batch handed to the app is stored in one write transaction, during which the app's other writers wait:
    another process cuts its hand-overs at HANDOVER_SIZE posts, not at the direct path's BATCH_SIZE."""
    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    try:
        script = WRITER.format(tests=os.path.dirname(__file__)).replace(
            "store = Store(", "import pantau.store.ingest\npantau.store.ingest.HANDOVER_SIZE = 4\nstore = Store(")
        out = subprocess.run([sys.executable, "-c", script, str(owner.path), "0", "10"],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split()[:3] == ["10", "0", "10"]  # received, new, queued
        batches = sorted(inbox_dir(owner.path).glob("*.posts.jsonl"))
        assert [len(f.read_text(encoding="utf-8").splitlines()) for f in batches] == [4, 4, 2]
        assert owner.drain_inbox()["posts_new"] == 10
    finally:
        owner.disown()
