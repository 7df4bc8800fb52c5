"""Opening the database while another process holds it (store/connection.py: connect_waiting), for the Store and
for `pantau sql` (store/analyst.py), which share the one retry loop: both wait, then name the lock; once the other
process is gone, the same call works. Real DuckDB files, a real second process."""

from __future__ import annotations

import importlib.machinery
import subprocess
import sys
import threading

import pytest

from conftest import make_post
from pantau.store.analyst import run_sql
from pantau.store.db import Store, StoreBusy

HOLD = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(120)"


@pytest.fixture
def held(tmp_path):
    """A database file held read-write by another process (DuckDB's lock keeps out even readers)."""
    db = tmp_path / "held.duckdb"
    store = Store(db)
    store.ingest([])
    store.audit("test", "created")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield db, holder
    finally:
        holder.kill()
        holder.wait()


def test_store_waits_then_names_the_lock_and_reads_once_it_is_free(held):
    db, holder = held
    with pytest.raises(StoreBusy, match="stayed locked by another process"):
        Store(db, lock_timeout=0.3).scalar("SELECT count(*) FROM audit_log")
    holder.kill()
    holder.wait()
    assert Store(db, lock_timeout=30).scalar("SELECT count(*) FROM audit_log") == 1


def test_sql_waits_then_names_the_lock_and_reads_once_it_is_free(held):
    db, holder = held
    with pytest.raises(StoreBusy, match="stayed locked by another process"):
        run_sql(db, "SELECT count(*) FROM audit_log", lock_timeout=0.3)
    holder.kill()
    holder.wait()
    assert run_sql(db, "SELECT count(*) FROM audit_log").rows == [(1,)]


def test_the_owners_reads_run_beside_a_write_transaction_and_its_writers_take_turns(tmp_path):
    """In the owning process (the triage app) a request's reads must not wait for the inbox drainer's ingest
    transaction (issue 17: pages took seconds while posts were handed over); they see what was committed before it.
    Writers still take turns, so a second write transaction starts only after the first has committed."""
    store = Store(tmp_path / "owned.duckdb")
    store.ingest([make_post(i) for i in range(3)])
    store.own()
    try:
        writing, release = threading.Event(), threading.Event()
        order: list[str] = []

        def long_write(name: str, post: int) -> None:
            with store.transaction() as con:
                order.append(f"{name} begins")
                con.execute("INSERT INTO schema_info VALUES (?, 'x')", [f"test-{post}"])
                writing.set()
                assert release.wait(60)
                order.append(f"{name} commits")

        first = threading.Thread(target=long_write, args=("first", 1))
        first.start()
        assert writing.wait(60)
        seen = []
        reader = threading.Thread(target=lambda: seen.append(_count_test_rows(store)))
        reader.start()
        reader.join(30)
        assert not reader.is_alive(), "a read in a session waited for another thread's write transaction"
        assert seen == [0]  # the open transaction's row is not visible yet
        second = threading.Thread(target=long_write, args=("second", 2))
        second.start()
        second.join(1)  # it waits for its turn...
        assert order == ["first begins"]
        release.set()  # ...which comes once the first has committed
        first.join(60)
        second.join(60)
        assert order == ["first begins", "first commits", "second begins", "second commits"]
        assert _count_test_rows(store) == 2
    finally:
        store.disown()


def _count_test_rows(store: Store) -> int:
    with store.session():
        return store.scalar("SELECT count(*) FROM schema_info WHERE key LIKE 'test-%'")


def test_a_posts_transaction_leaves_reviewers_writes_alone_and_a_purge_waits_for_it(tmp_path):
    """In the owning process, storing an inbox batch (a posts transaction: Store.transaction(posts=True)) takes the
    posts' writers' turn: a reviewer's claim and an audit entry commit beside it instead of waiting for it (issue
    17: an item page waited through the drainer's batches while posts were handed over); a purge, which deletes
    posts, takes both turns and waits for it."""
    store = Store(tmp_path / "owned.duckdb")
    store.ingest([make_post(i) for i in range(3)])
    store.own()
    try:
        with store.before_writing() as con, store.transaction(con, posts=True):
            con.execute("INSERT INTO post_watchlists VALUES ('demo', '1', 'daftar-uji', now())")
            done: list[str] = []
            claim = threading.Thread(target=lambda: done.append(store.claim("demo", "1", "rina")))
            audit = threading.Thread(target=lambda: done.append(store.audit("rina", "test")))
            purge = threading.Thread(target=lambda: done.append(store.purge_unflagged(1, dry_run=True)))
            for t in (claim, audit):
                t.start()
                t.join(30)
                assert not t.is_alive(), "a reviewer's write waited for the posts transaction"
            purge.start()
            purge.join(1)
            assert purge.is_alive() and len(done) == 2  # the purge waits for its turn
        purge.join(60)
        assert not purge.is_alive() and len(done) == 3
        assert store.scalar("SELECT count(*) FROM post_watchlists") == 1
        assert store.scalar("SELECT count(*) FROM claims WHERE post_id = '1'") == 1
    finally:
        store.disown()


def test_the_owner_lets_the_log_grow_before_a_checkpoint(tmp_path):
    """A checkpoint makes every request and commit of the app wait (0.27 s at 12.5M posts): the owner lets the
    write-ahead log grow past DuckDB's default 16 MB (an inbox batch of 10,000 posts logs ~3.8 MB) before one."""
    store = Store(tmp_path / "owned.duckdb")
    store.init()
    store.own()
    try:
        wal = tmp_path / "owned.duckdb.wal"
        for j in range(4):  # ~24 MB of text, in four transactions
            store.ingest([make_post(j * 1000 + i, "kata " * 1200 + str(i)) for i in range(1000)])
        assert wal.stat().st_size > 20_000_000
    finally:
        store.disown()
    assert Store(tmp_path / "owned.duckdb").scalar("SELECT count(*) FROM posts") == 4000


def test_statements_do_not_search_for_pandas_each_time(tmp_path, monkeypatch):
    """DuckDB's client tries `import pandas` before binding each statement; pantau.store makes that import fail at
    once when pandas is not installed (not a dependency), so a query does not search sys.path for it (~0.1 ms a
    statement, measured), and pandas is not taken as imported (scikit-learn looks in sys.modules)."""
    if importlib.machinery.PathFinder.find_spec("pandas") is not None:
        pytest.skip("pandas is installed here: DuckDB imports it once and keeps it")
    store = Store(tmp_path / "p.duckdb")
    store.init()
    searched: list[str] = []
    search = importlib.machinery.PathFinder.find_spec

    def spy(name, path=None, target=None):
        searched.append(name)
        return search(name, path, target)

    monkeypatch.setattr(importlib.machinery.PathFinder, "find_spec", spy)
    for _ in range(5):
        assert store.query("SELECT count(*) AS n FROM posts WHERE platform = ?", ["x"]) == [{"n": 0}]
    assert "pandas" not in searched and "pandas" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        import pandas  # noqa: F401  (the import refused at once)
