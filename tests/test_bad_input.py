"""Issue 21 (items 1, 8, 9, 10, 12): bad input never crashes. Each bad line gets a clear error naming its line, is
skipped with --skip-invalid, and the valid lines around it are stored, in `Store.ingest_file` (both its DuckDB and
its Python path), `pantau ingest` and `pantau classify`; a killed ingest's staging file is removed by the next one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pantau.post import (EARLIEST_TIME, MAX_DEPTH, MAX_POST_BYTES, JsonlError, Post, PostError, format_time,
                         iter_jsonl_posts, utcnow)
from pantau.store import db as store_db
from pantau.store.db import IngestStopped, Store

PANTAU = [sys.executable, "-m", "pantau.cli"]


def line(post_id: str, **fields) -> str:
    rec = {"platform": "x", "post_id": post_id, "text": f"teks {post_id}"}
    rec.update(fields)
    return json.dumps(rec, ensure_ascii=False)


def nested(depth: int) -> str:
    """A line whose unknown field `x` nests arrays so that the whole object is `depth` levels deep."""
    inner = depth - 1
    return '{"platform":"x","post_id":"deep","text":"dalam","x":' + "[" * inner + "]" * inner + "}"


# One bad line of each kind the probe found, as JSON text (lone surrogates and NaN cannot come from json.dumps).
BAD_LINES = {
    "year 9999 captured_at": line("b1", captured_at="9999-12-31T23:59:59Z"),
    "year 2999 created_at (the DuckDB path's form)": line("b2", created_at="2999-01-01T00:00:00Z"),
    "created_at before 2000": line("b3", created_at="1999-12-31T23:59:59Z"),
    "created_at 1e20": '{"platform":"x","post_id":"b4","text":"a","created_at":1e20}',
    "created_at -1e13": '{"platform":"x","post_id":"b5","text":"a","created_at":-1e13}',
    "created_at NaN": '{"platform":"x","post_id":"b6","text":"a","created_at":NaN}',
    "created_at Infinity": '{"platform":"x","post_id":"b7","text":"a","created_at":Infinity}',
    "year 1 with an offset": line("b8", created_at="0001-01-01T00:00:00+01:00"),
    "lone surrogate in text": '{"platform":"x","post_id":"b9","text":"halo \\ud800 dunia"}',
    "lone surrogate in the bio": '{"platform":"x","post_id":"b10","text":"a","author":{"bio":"Guru \\udc00"}}',
    "100k-deep nesting": nested(100_000),
    "a 5000-digit post_id": '{"platform":"x","post_id":' + "9" * 5000 + ',"text":"a"}',
}
REASONS = {
    "year 9999 captured_at": "captured_at is out of range",
    "year 2999 created_at (the DuckDB path's form)": "created_at is out of range",
    "created_at before 2000": "created_at is out of range",
    "created_at 1e20": "created_at is not a time",
    "created_at -1e13": "created_at is not a time",
    "created_at NaN": "created_at is not a time",
    "created_at Infinity": "created_at is not a time",
    "year 1 with an offset": "created_at is out of range",
    "lone surrogate in text": "text holds a lone surrogate U+D800",
    "lone surrogate in the bio": "author.bio holds a lone surrogate U+DC00",
    "100k-deep nesting": f"nested deeper than {MAX_DEPTH} levels",
    "a 5000-digit post_id": "invalid JSON",
}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(x + "\n" for x in lines), encoding="utf-8", errors="surrogatepass")
    return path


def post_ids(store: Store) -> list[str]:
    return [r["post_id"] for r in store.query("SELECT post_id FROM posts ORDER BY post_id")]


# --- the Post spec ----------------------------------------------------------------------------------------------


def test_times_are_bounded_in_one_place():
    base = {"platform": "x", "post_id": "1", "text": "a"}
    ok = [format_time(EARLIEST_TIME), format_time(utcnow() + timedelta(hours=23)), "2024-11-27T07:00:00+07:00",
          1_732_665_600]
    for value in ok:
        assert Post.from_payload({**base, "created_at": value, "captured_at": value}).created_at is not None
    bad = ["9999-12-31T23:59:59Z", format_time(utcnow() + timedelta(days=2)), "1999-12-31T23:59:59Z", 1e20, -1e13,
           float("nan"), float("inf"), "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]
    for field in ("created_at", "captured_at"):
        for value in bad:
            with pytest.raises(PostError, match=f"^{field} (is out of range|is not a time)"):
                Post.from_payload({**base, field: value})


def test_lone_surrogates_are_refused_and_pairs_kept():
    base = {"platform": "x", "post_id": "1"}
    for field, payload in [("text", {**base, "text": "a\ud800b"}), ("post_id", {**base, "post_id": "\udfff", "text": "a"}),
                           ("author.name", {**base, "text": "a", "author": {"name": "\ud83d"}})]:
        with pytest.raises(PostError, match=f"^{field} holds a lone surrogate"):
            Post.from_payload(payload)
    assert Post.from_payload(json.loads('{"platform":"x","post_id":"1","text":"\\ud83d\\ude00"}')).text == "😀"


def test_post_size_and_depth_are_bounded():
    base = {"platform": "x", "post_id": "1"}
    with pytest.raises(PostError, match="post too large"):
        Post.from_payload({**base, "text": "a" * (MAX_POST_BYTES // 2), "raw": "b" * (MAX_POST_BYTES // 2)})
    deep: dict = {}
    node = deep
    for _ in range(MAX_DEPTH):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(PostError, match=f"nested deeper than {MAX_DEPTH}"):
        Post.from_payload({**base, "text": "a", "extra": deep})


# --- JSON Lines and Store.ingest_file ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BAD_LINES))
def test_each_bad_line_is_named_skipped_and_never_crashes(tmp_path, name):
    """Both paths of ingest_file (a chunk DuckDB reads, and the Python path), the iterator `pantau classify` uses."""
    src = write_lines(tmp_path / "in.jsonl", [line("ok1"), BAD_LINES[name], line("ok2")])
    with pytest.raises(JsonlError) as exc:
        list(iter_jsonl_posts(src))
    assert exc.value.lineno == 2 and exc.value.reason.startswith(REASONS[name]), exc.value.reason
    errors: list[JsonlError] = []
    assert [p.post_id for p in iter_jsonl_posts(src, skip_invalid=True, errors=errors)] == ["ok1", "ok2"]
    assert [e.lineno for e in errors] == [2]

    store = Store(tmp_path / "stop.duckdb")
    with pytest.raises(IngestStopped) as stopped:
        store.ingest_file(src)
    assert (stopped.value.lineno, stopped.value.reason) == (2, exc.value.reason)
    assert stopped.value.result.received == 1 and post_ids(store) == ["ok1"]  # the line before it, nothing after

    store = Store(tmp_path / "skip.duckdb")
    errors = []
    r = store.ingest_file(src, skip_invalid=True, errors=errors)
    assert (r.received, r.new, [e.lineno for e in errors]) == (2, 2, [2])
    assert post_ids(store) == ["ok1", "ok2"]


def test_the_depth_limit_is_the_same_on_both_paths(tmp_path):
    """A line exactly MAX_DEPTH deep is a post and one level more is not, whether DuckDB or Python reads the chunk."""
    for depth, stored in ((MAX_DEPTH, True), (MAX_DEPTH + 1, False)):
        src = write_lines(tmp_path / f"d{depth}.jsonl", [line("ok1"), nested(depth)])
        store = Store(tmp_path / f"d{depth}.duckdb")
        errors: list[JsonlError] = []
        r = store.ingest_file(src, skip_invalid=True, errors=errors)
        assert (r.received, len(errors)) == ((2, 0) if stored else (1, 1))
        assert [p.post_id for p in iter_jsonl_posts(src, skip_invalid=True)] == (["ok1", "deep"] if stored else ["ok1"])


def test_a_huge_line_is_refused_by_line_and_the_rest_stored(tmp_path):
    """A valid 50 MB line crashed ingest (DuckDB's maximum_object_size); now it is one bad line."""
    big = line("big", text="x" * (50 * 1024 * 1024))
    src = write_lines(tmp_path / "big.jsonl", [line("ok1"), big, line("ok2")])
    del big
    errors: list[JsonlError] = []
    store = Store(tmp_path / "big.duckdb")
    r = store.ingest_file(src, skip_invalid=True, errors=errors)
    assert (r.received, r.new) == (2, 2) and post_ids(store) == ["ok1", "ok2"]
    assert [e.lineno for e in errors] == [2] and "line longer than" in errors[0].reason
    with pytest.raises(IngestStopped, match=r"big\.jsonl:2: line longer than 8,388,608 bytes"):
        Store(tmp_path / "stop.duckdb").ingest_file(src)


def test_the_largest_post_is_stored(tmp_path):
    """A post just under MAX_POST_BYTES whose characters JSON writes as 6 bytes each (control characters): the
    staging file DuckDB reads back holds a ~48 MB line, over DuckDB's 16 MB default."""
    text = "\x01" * (MAX_POST_BYTES - 1000)
    store = Store(tmp_path / "largest.duckdb")
    r = store.ingest([Post(platform="x", post_id="1", text=text)])
    assert r.new == 1
    assert store.scalar("SELECT length(text) FROM posts") == len(text)


# --- the command line -------------------------------------------------------------------------------------------


def run(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*PANTAU, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {}), "PANTAU_PROGRESS": "0"})


def every_bad_line(tmp_path: Path) -> tuple[list[str], Path]:
    names = sorted(BAD_LINES)
    lines = [line("ok0")] + [BAD_LINES[n] for n in names] + [line("ok9", author={"bio": "Guru SDN 1"})]
    return names, write_lines(tmp_path / "bad.jsonl", lines)


def test_cli_ingest_names_every_bad_line(tmp_path):
    names, src = every_bad_line(tmp_path)
    db = str(tmp_path / "cli.duckdb")

    r = run("ingest", str(src), "--db", db)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"bad.jsonl:2: {REASONS[names[0]]}" in r.stderr
    assert "the 1 post(s) before line 2 were stored" in r.stderr
    r = run("ingest", str(src), "--db", db, "--skip-invalid")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(f"2 received, 1 new, 1 already known, {len(names)} skipped")


def test_cli_classify_names_every_bad_line(tmp_path):
    """spaCy failed on a lone surrogate: the Post spec refuses one, so the classifier never sees it."""
    names, src = every_bad_line(tmp_path)
    out = tmp_path / "out.jsonl"
    r = run("classify", str(src), "-o", str(out))
    assert r.returncode == 1 and "Traceback" not in r.stderr and "bad.jsonl:2: " in r.stderr
    r = run("classify", str(src), "-o", str(out), "--skip-invalid")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert f"2 classified, " in r.stdout and f"{len(names)} skipped" in r.stdout
    for i, name in enumerate(names, start=2):
        assert f"skipped {src}:{i}: {REASONS[name]}" in r.stderr
    assert [json.loads(x)["post_id"] for x in out.read_text().splitlines()] == ["ok0", "ok9"]


def test_cli_ingest_says_what_was_stored_before_the_bad_line(tmp_path):
    """A bad line after a full chunk of BATCH_SIZE posts: the message said "nothing from this file was stored"."""
    n = store_db.BATCH_SIZE
    src = tmp_path / "many.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(line(f"p{i}") + "\n")
        fh.write("{rusak\n")
        fh.write(line("after") + "\n")
    db = tmp_path / "many.duckdb"
    r = run("ingest", str(src), "--db", str(db))
    assert r.returncode == 1 and "nothing from this file was stored" not in r.stderr
    assert f"many.jsonl:{n + 1}: invalid JSON" in r.stderr
    assert f"the {n} post(s) before line {n + 1} were stored ({n} new), nothing from line {n + 1} on" in r.stderr
    assert Store(db).counts()["posts"] == n
    src.write_text(src.read_text(encoding="utf-8").replace("{rusak\n", ""), encoding="utf-8")  # fixed: run again
    r = run("ingest", str(src), "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{n + 1} received, 1 new, {n} already known, 0 skipped"


# --- staging files of killed ingests ----------------------------------------------------------------------------


def test_a_killed_ingest_leaves_no_staging_file_behind(tmp_path):
    """kill -9 during `pantau ingest`: its ~25 MB chunk file stays in the temp folder; the next ingest removes it
    (its process is gone), never the file of a live process."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    src = tmp_path / "posts.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(4 * store_db.BATCH_SIZE):
            fh.write(line(f"k{i}", author={"bio": "Guru honorer SDN 1 Depok"}) + "\n")
    env = {"TMPDIR": str(tmp)}
    proc = subprocess.Popen([*PANTAU, "ingest", str(src), "--db", str(tmp_path / "k.duckdb")],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp.glob(f"pantau-ingest-file-{proc.pid}-*.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = list(tmp.glob("pantau-*.jsonl"))
    assert len(left) >= 1, "the killed ingest left its chunk file"

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        live = tmp / f"pantau-ingest-{sleeper.pid}-abc123.jsonl"  # a live process's file: kept
        live.write_text("{}\n")
        old = time.time() - 2 * store_db.TEMP_GRACE
        for p in [*left, live]:
            os.utime(p, (old, old))
        fresh = tmp / f"pantau-results-{proc.pid}-fresh.jsonl"  # touched just now: kept (TEMP_GRACE)
        fresh.write_text("{}\n")
        foreign = tmp / "pantau-ingest-file-notours.jsonl"  # no pid in its name: not provably ours
        foreign.write_text("{}\n")
        os.utime(foreign, (old, old))

        small = write_lines(tmp_path / "small.jsonl", [line("s1")])
        r = run("ingest", str(small), "--db", str(tmp_path / "k.duckdb"), env=env)
        assert r.returncode == 0, r.stderr
        assert sorted(p.name for p in tmp.iterdir()) == sorted([live.name, fresh.name, foreign.name])
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.slow
def test_bulk_skips_and_names_every_bad_line(prefect_server, tmp_path, monkeypatch):
    """`pantau bulk` crashed on these lines (OverflowError in its classify task); now each is a named bad line.
    Its temporary folder (a chunked copy of the input) is removed at the end."""
    import tempfile

    from pantau.flows.bulk import run_bulk

    names, src = every_bad_line(tmp_path)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    summary = run_bulk(tmp_path / "bulk.duckdb", src, workers=1, chunk_size=5)
    assert list((tmp_path / "tmp").glob("pantau-bulk-*")) == []
    assert (summary["posts"], summary["new"], summary["invalid"], summary["classified"]) == (2, 2, len(names), 2)
    assert [b.split(": ", 1)[0] for b in summary["bad_lines"]] == [f"{src}:{i}" for i in range(2, 2 + len(names))]
    assert all(b.split(": ", 1)[1].startswith(REASONS[n]) for b, n in zip(summary["bad_lines"], names, strict=True))
