"""The DuckLake store: same tables and views as the DuckDB file; several writer processes at once, with the catalog
in SQLite and in a real PostgreSQL server (Debian's package, started here); exact counts, no duplicates."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from conftest import make_post, result
from pantau.post import write_jsonl
from pantau.store.db import Store, StoreError
from pantau.store.lake import LakeStore, LakeTarget, lake_schema_sql
from pgserver import postgres_server

WRITERS = 4
ROUNDS = 3
PER_ROUND = 300


def columns(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        """SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_catalog = ? AND table_schema = 'main' ORDER BY table_name, ordinal_position""", [catalog]
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, []).append((column, dtype))
    return out


def test_the_lake_has_the_same_tables_views_and_columns(tmp_path):
    db = tmp_path / "pantau.duckdb"
    Store(db).init()
    lake = LakeStore(f"ducklake:sqlite:{tmp_path / 'catalog.sqlite'}")
    lake.init()
    with duckdb.connect(str(db), read_only=True) as con:
        expected = columns(con, "pantau")
    with lake.connect() as con:
        got = columns(con, "lake")
        views = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'lake' AND table_type = 'VIEW'"
        ).fetchall()}
    assert got.pop("lake_writes") == [("n", "BIGINT")]
    assert got == expected
    assert {"triage_queue", "latest_classification", "v_flags_weekly", "v_repeat_accounts"} <= views
    lake.close()


def test_lake_schema_drops_only_what_ducklake_lacks():
    sql = lake_schema_sql()
    for gone in ("PRIMARY KEY", "CHECK (", "CREATE SEQUENCE", "CREATE INDEX", "nextval", "USING COMPRESSION"):
        assert gone not in sql
    assert "CREATE TABLE IF NOT EXISTS evidence (" in sql and "CREATE OR REPLACE VIEW v_flags_weekly" in sql


def test_ingest_and_results_are_idempotent(tmp_path):
    lake = LakeStore(f"ducklake:sqlite:{tmp_path / 'catalog.sqlite'}")
    posts = [make_post(i, f"teks {i}") for i in range(30)]
    first = lake.ingest(posts[:20], watchlist="Tim A")
    again = lake.ingest(posts, watchlist="Tim A")
    assert (first.new, first.already_known) == (20, 0)
    assert (again.received, again.new, again.already_known) == (30, 10, 20)
    assert lake.scalar("SELECT count(*) FROM posts") == 30
    assert lake.scalar("SELECT count(*) FROM post_watchlists") == 30
    raw = lake.scalar("SELECT raw FROM raw_payloads WHERE post_id = '7'")
    assert raw == posts[7].raw
    # a re-captured post keeps its first captured_at
    late = make_post(3, "teks 3", captured=posts[3].captured_at.replace(year=2027))
    assert lake.ingest([late]).new == 0
    assert lake.scalar("SELECT captured_at FROM posts WHERE post_id = '3'") == posts[3].captured_at

    assert lake.save_classifications([result(p, 0.9, True, "A") for p in posts[:5]]) == 5
    assert lake.save_classifications([result(p, 0.2, False) for p in posts[:10]]) == 10  # same model: replaced
    assert lake.scalar("SELECT count(*) FROM classifications") == 10
    assert lake.scalar("SELECT count(*) FILTER (WHERE flagged) FROM classifications") == 0
    assert lake.counts()["posts"] == 30
    lake.close()


def test_bad_targets_get_clear_errors(tmp_path, monkeypatch):
    monkeypatch.delenv("PANTAU_LAKE_DATA", raising=False)
    with pytest.raises(StoreError, match="ducklake:sqlite:PATH"):
        LakeTarget.parse("ducklake:mysql:foo")
    with pytest.raises(StoreError, match="PGPASSWORD"):
        LakeTarget.parse("ducklake:postgres:dbname=x password=secret")
    assert LakeTarget.parse("ducklake:postgres:dbname=x host=127.0.0.1").data_path is None  # kept in the catalog
    target = LakeTarget.parse(f"ducklake:sqlite:{tmp_path / 'c.sqlite'}")
    assert target.data_path == str(tmp_path / "c.sqlite.files") + "/"


WRITER = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    from pantau.post import iter_jsonl_posts
    from pantau.store.lake import LakeStore

    target, data, files, go = sys.argv[1], sys.argv[2], sys.argv[3:-1], Path(sys.argv[-1])
    store = LakeStore(target, data_path=data)
    store.init()
    Path(f"{go}.ready-{os.getpid()}").touch()
    while not go.exists():  # all writers start their transactions together
        time.sleep(0.01)
    new = 0
    for f in files:
        new += store.ingest(iter_jsonl_posts(f)).new
        results = [json.loads(line) for line in open(f + ".results", encoding="utf-8")]
        store.save_classifications(results)
    print(json.dumps({"new": new, "conflicts": store.conflicts}))
""")


def concurrent_writers(tmp_path: Path, target: str, data: str) -> tuple[set[str], list[int]]:
    """Returns every post id and the posts each writer reported new; the writers' retried conflicts are printed."""
    # WRITERS processes, each ingesting ROUNDS overlapping batches (and their classifier results) at once
    every: set[str] = set()
    procs = []
    go = tmp_path / "go"
    LakeStore(target, data_path=data).init()
    for w in range(WRITERS):
        files = []
        for r in range(ROUNDS):
            # each batch overlaps the next writer's batch of the same round and this writer's previous batch
            start = r * PER_ROUND // 2 + w * PER_ROUND // 2
            ids = range(start, start + PER_ROUND)
            posts = [make_post(i, f"pos {i}") for i in ids]
            every.update(str(i) for i in ids)
            f = tmp_path / f"w{w}-r{r}.jsonl"
            write_jsonl(f, [p.to_payload() for p in posts])
            write_jsonl(Path(str(f) + ".results"), [result(p, 0.9 if int(p.post_id) % 5 == 0 else 0.1,
                                                          int(p.post_id) % 5 == 0, "A") for p in posts])
            files.append(str(f))
        procs.append(subprocess.Popen([sys.executable, "-c", WRITER, target, data, *files, str(go)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("go.ready-*"))) < WRITERS and all(p.poll() is None for p in procs):
        assert time.monotonic() < deadline, "writers did not start"
        time.sleep(0.05)
    go.touch()
    news: list[int] = []
    conflicts: list[int] = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        report = json.loads(out.strip().splitlines()[-1])
        news.append(report["new"])
        conflicts.append(report["conflicts"])
    print(f"{WRITERS} writers, {len(every)} posts: conflicts retried per writer {conflicts}")
    return every, news


def assert_exact(target: str, data: str, every: set[str], news: list[int]) -> None:
    lake = LakeStore(target, data_path=data)
    assert sum(news) == len(every)  # each post counted new by exactly one writer
    stats = lake.query("""SELECT (SELECT count(*) FROM posts) AS posts,
                                 (SELECT count(DISTINCT (platform, post_id)) FROM posts) AS keys,
                                 (SELECT count(*) FROM raw_payloads) AS raw,
                                 (SELECT count(*) FROM classifications) AS results,
                                 (SELECT count(DISTINCT (platform, post_id, model_version)) FROM classifications) AS rkeys,
                                 (SELECT count(*) FROM triage_queue) AS queue""")[0]
    flagged = sum(1 for i in every if int(i) % 5 == 0)
    assert stats == {"posts": len(every), "keys": len(every), "raw": len(every), "results": len(every),
                     "rkeys": len(every), "queue": flagged}
    assert {r["post_id"] for r in lake.query("SELECT post_id FROM posts")} == every
    lake.close()


@pytest.mark.slow
def test_four_concurrent_writers_with_a_sqlite_catalog(tmp_path):
    target, data = f"ducklake:sqlite:{tmp_path / 'catalog.sqlite'}", str(tmp_path / "files")
    every, news = concurrent_writers(tmp_path, target, data)
    assert_exact(target, data, every, news)


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as conninfo:
        yield conninfo


@pytest.mark.slow
def test_four_concurrent_writers_with_a_postgresql_catalog(tmp_path, postgres):
    target, data = f"ducklake:postgres:{postgres('writers')}", str(tmp_path / "files")
    every, news = concurrent_writers(tmp_path, target, data)
    assert_exact(target, data, every, news)
    assert any(Path(data).rglob("*.parquet")) or LakeStore(target, data_path=data).scalar(
        "SELECT count(*) FROM posts") == len(every)  # small batches may be inlined into the catalog


def test_a_writer_that_lost_the_race_does_not_commit_a_duplicate(tmp_path, postgres):
    """Why the write path updates `lake_writes`: two transactions that both found post 1 new cannot both commit."""
    target, data = f"ducklake:postgres:{postgres('race')}", str(tmp_path / "files")
    first, second = LakeStore(target, data_path=data), LakeStore(target, data_path=data)
    first.init()
    with second.connect() as con:
        con.execute("BEGIN")
        con.execute("UPDATE lake_writes SET n = n + 1")
        con.execute("""INSERT INTO posts (platform, post_id, text, captured_at, ingested_at)
                       SELECT 'demo', '1', 'x', now(), now() WHERE NOT EXISTS (SELECT 1 FROM posts)""")
        assert first.ingest([make_post(1)]).new == 1  # commits while the other transaction is open
        with pytest.raises(duckdb.TransactionException, match="(?i)conflict"):
            con.execute("COMMIT")
    assert first.scalar("SELECT count(*) FROM posts") == 1
    assert second.ingest([make_post(1)]).new == 0  # run again, it sees the post
    first.close()
    second.close()


@pytest.mark.slow
def test_cli_ingest_and_sql_on_a_postgresql_lake(tmp_path, postgres, monkeypatch):
    monkeypatch.setenv("PANTAU_LAKE_DATA", str(tmp_path / "files"))
    target = f"ducklake:postgres:{postgres('cli')}"
    posts = tmp_path / "posts.jsonl"
    write_jsonl(posts, [make_post(i).to_payload() for i in range(1000, 1025)])
    env = {**__import__("os").environ, "PANTAU_LAKE_DATA": str(tmp_path / "files")}
    cli = [sys.executable, "-m", "pantau.cli"]
    out = subprocess.run(cli + ["ingest", str(posts), "--db", target], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "25 received, 25 new" in out.stdout
    again = subprocess.run(cli + ["ingest", str(posts), "--db", target], capture_output=True, text=True, env=env)
    assert "25 received, 0 new, 25 already known" in again.stdout
    q = subprocess.run(cli + ["sql", "SELECT count(*) AS n FROM posts WHERE post_id >= '1000'", "--db", target,
                              "--format", "json"], capture_output=True, text=True, env=env)
    assert q.returncode == 0, q.stderr
    assert json.loads(q.stdout) == [{"n": 25}]
    refused = subprocess.run(cli + ["sql", "DELETE FROM posts", "--db", target], capture_output=True, text=True,
                             env=env)
    assert refused.returncode != 0 and "read-only" in refused.stderr
    files = subprocess.run(cli + ["sql", "SELECT * FROM read_csv('/etc/passwd')", "--db", target],
                           capture_output=True, text=True, env=env)
    assert files.returncode != 0 and "no other files" in files.stderr
