"""Opening the database while another process holds it (store/connection.py: connect_waiting), for the Store and
for `pantau sql` (store/analyst.py), which share the one retry loop: both wait, then name the lock; once the other
process is gone, the same call works. Real DuckDB files, a real second process."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
