"""The `bulk` flow on Dask (prefect-dask): a local cluster started by the task runner, and an existing cluster
reached by its scheduler address (PANTAU_DASK_ADDRESS), under a real Prefect engine, into real DuckDB and DuckLake
stores. The results must equal what the classifier gives in this process, with exact counts and no duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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


def _bulk_cli(posts: Path, db: Path, tmp: Path) -> subprocess.Popen:
    """`pantau bulk` in its own process group (so the group can be killed: it and its Dask processes), with TMPDIR
    `tmp` (where its work folder goes)."""
    return subprocess.Popen([sys.executable, "-m", "pantau.cli", "bulk", str(posts), "--db", str(db), "--chunk-size",
                             "60", "--workers", "1"], env={**os.environ, "TMPDIR": str(tmp)}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def test_a_killed_bulk_leaves_no_work_folder_behind_and_the_rerun_loses_nothing(demo_file, tmp_path):
    """Issue 21: a `pantau bulk` killed with SIGKILL left its temporary folder (a chunked copy of the whole input)
    for ever. The next run removes it, and stores and classifies every post once."""
    path, posts = demo_file
    db, tmp = tmp_path / "bulk.duckdb", tmp_path / "tmp"
    tmp.mkdir()
    proc = _bulk_cli(path, db, tmp)
    deadline = time.monotonic() + 300
    while not any(f.glob("chunk-*.jsonl") for f in tmp.glob("pantau-bulk-*")) and proc.poll() is None:
        assert time.monotonic() < deadline, "no work folder after 300 s"
        time.sleep(0.01)
    assert proc.poll() is None, proc.stdout.read().decode()[-2000:]  # still running: killed with its folder
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    while True:  # every process of the group gone (the Dask worker and nanny too)
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    left = [f.name for f in tmp.glob("pantau-bulk-*")]
    assert len(left) == 1, left  # what the killed run left

    again = _bulk_cli(path, db, tmp)
    out = again.communicate(timeout=600)[0].decode()
    assert again.returncode == 0, out[-2000:]
    assert not list(tmp.glob("pantau-bulk-*"))
    with duckdb.connect(str(db), read_only=True) as con:
        n, distinct, results, flagged = stored(con)
        classified = con.execute("SELECT count(DISTINCT post_id) FROM classifications").fetchone()[0]
    assert (n, distinct, results, classified) == (240, 240, 240, 240)  # 0 lost, 0 duplicated
    assert flagged == expected_flags(posts)


def test_only_work_folders_of_runs_that_are_gone_are_removed(tmp_path):
    """A folder whose lock a live process holds is kept; one whose lock is free, or (killed before it locked) with
    no lock file and untouched for a minute, is removed; other names are never touched."""
    from pantau.flows.bulk import LOCK_NAME, remove_dead_work_folders

    live, dead, unlocked_old, unlocked_new = (tmp_path / f"pantau-bulk-{n}-x" for n in (1, 2, 3, 4))
    other = tmp_path / "pantau-other-5-x"
    for folder in (live, dead, unlocked_old, unlocked_new, other):
        folder.mkdir()
        (folder / "chunk-00000.jsonl").write_text("{}\n", encoding="utf-8")
    for folder in (live, dead):
        (folder / LOCK_NAME).touch()
    os.utime(unlocked_old, (time.time() - 120, time.time() - 120))
    os.utime(other, (time.time() - 120, time.time() - 120))
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               "fd = os.open(sys.argv[1], os.O_RDWR)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
                               "print('locked', flush=True)\ntime.sleep(120)", str(live / LOCK_NAME)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert remove_dead_work_folders(tmp_path) == 2
        assert sorted(f.name for f in tmp_path.iterdir()) == sorted(f.name for f in (live, unlocked_new, other))
    finally:
        holder.kill()
        holder.wait()
    assert remove_dead_work_folders(tmp_path) == 1  # its process is gone now
    assert not live.exists() and unlocked_new.exists() and other.exists()
