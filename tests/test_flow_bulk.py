"""The `bulk` flow on Dask (prefect-dask): a local cluster started by the task runner, and an existing cluster
reached by its scheduler address (PANTAU_DASK_ADDRESS), under a real Prefect engine, into real DuckDB and DuckLake
stores. The results must equal what the classifier gives in this process, with exact counts and no duplicates."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> tuple[Path, list]:
    """The demo posts as JSON Lines, with a bad line in the middle and a repeated post."""
    from pantau.demo.generate import generate_posts
    from pantau.post import Post

    posts = [Post.from_payload({"platform": "demo", "post_id": p["id"], "text": p["text"],
                                "url": f"http://127.0.0.1/p/{p['id']}", "created_at": p["created_at"],
                                "author": p["author"]}) for p in generate_posts(n=240)]
    path = tmp_path_factory.mktemp("bulk") / "posts.jsonl"
    lines = [p.to_json() for p in posts]
    lines.insert(101, '{"platform": "demo", "post_id": ')  # line 102: truncated JSON
    lines.append(posts[0].to_json())  # the same post twice
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, posts


def expected_flags(posts: list) -> set[str]:
    from pantau.nlp.classifier import load

    return {r["post_id"] for r in load().classify(posts) if r["flagged"]}


def stored(con: duckdb.DuckDBPyConnection, prefix: str = "") -> tuple[int, int, int, set[str]]:
    posts, distinct = con.execute(f"SELECT count(*), count(DISTINCT post_id) FROM {prefix}posts").fetchone()
    results = con.execute(f"SELECT count(*) FROM {prefix}classifications").fetchone()[0]
    flagged = {r[0] for r in con.execute(f"SELECT post_id FROM {prefix}classifications WHERE flagged").fetchall()}
    return posts, distinct, results, flagged


def test_bulk_on_a_local_dask_cluster_into_a_duckdb_file(prefect_server, demo_file, tmp_path):
    from pantau.flows.bulk import run_bulk

    path, posts = demo_file
    db = tmp_path / "bulk.duckdb"
    first = run_bulk(db, path, workers=2, chunk_size=50, work_dir=tmp_path / "w1")
    again = run_bulk(db, path, workers=2, chunk_size=50, work_dir=tmp_path / "w2")

    assert first["chunks"] == 5  # 242 lines in chunks of 50
    assert first["invalid"] == 1 and first["posts"] == 241
    assert first["new"] == 240 and first["already_known"] == 1  # the repeated post is stored once
    assert again["new"] == 0 and again["already_known"] == 241
    assert first["writes"] == "chained (DuckDB file)"
    assert os.getpid() not in first["worker_pids"]  # the tasks ran in the cluster's worker processes
    assert len(first["bad_lines"]) == 1  # named by its line in the input file, not in a chunk
    assert first["bad_lines"][0].startswith(f"{path}:102: invalid JSON")

    with duckdb.connect(str(db), read_only=True) as con:
        n, distinct, results, flagged = stored(con)
    assert (n, distinct, results) == (240, 240, 240)
    assert flagged == expected_flags(posts) and first["flagged"] == len(flagged) + (posts[0].post_id in flagged)


def test_bulk_on_an_existing_cluster_by_address_into_ducklake(prefect_server, demo_file, tmp_path, monkeypatch):
    from distributed import Client, LocalCluster

    from pantau.flows.bulk import DASK_ADDRESS_ENV, run_bulk
    from pantau.store.extensions import load_extension

    path, posts = demo_file
    target = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        cluster_pids = set(client.run(os.getpid).values())
        monkeypatch.setenv(DASK_ADDRESS_ENV, cluster.scheduler_address)
        summary = run_bulk(target, path, chunk_size=40, work_dir=tmp_path / "w")
        again = run_bulk(target, path, chunk_size=40, work_dir=tmp_path / "w2")

    assert set(summary["worker_pids"]) <= cluster_pids  # every task ran on that cluster's workers
    assert summary["writes"] == "concurrent (DuckLake)" and summary["chunks"] == 7
    assert summary["new"] == 240 and again["new"] == 0 and again["already_known"] == 241

    con = duckdb.connect()
    for ext in ("sqlite", "ducklake"):
        load_extension(con, ext)
    con.execute(f"ATTACH '{target}' AS lake (READ_ONLY, DATA_PATH '{tmp_path / 'lake.sqlite'}.files')")
    n, distinct, results, flagged = stored(con, "lake.")
    assert (n, distinct, results) == (240, 240, 240)
    assert flagged == expected_flags(posts)


def test_bad_settings_get_clear_errors(tmp_path, monkeypatch):
    from pantau.flows.bulk import DASK_ADDRESS_ENV, task_runner

    monkeypatch.delenv(DASK_ADDRESS_ENV, raising=False)
    with pytest.raises(ValueError, match="workers must be at least 1"):
        task_runner(workers=0)
    monkeypatch.setenv(DASK_ADDRESS_ENV, "tcp://127.0.0.1:1")
    assert task_runner().address == "tcp://127.0.0.1:1"  # the environment names the cluster


def test_cli_bulk_refuses_a_missing_file_before_starting_anything(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "pantau.cli", "bulk", str(tmp_path / "nope.jsonl"), "--db",
                        str(tmp_path / "x.duckdb")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "no such file" in r.stderr
    assert not (tmp_path / "x.duckdb").exists()
