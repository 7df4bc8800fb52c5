"""Store.ingest_file (DuckDB reads the JSON Lines file in chunks) stores exactly what the Python path
`Store.ingest(iter_jsonl_posts(path))` stores: same rows, same result, same line-numbered errors."""

from __future__ import annotations

import io
import itertools
import json
import logging
import random
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pantau import post as pantau_post
from pantau.post import JsonlError, iter_jsonl_posts, line_chunks, parse_time, read_lines, sha256_hex
from pantau.store import db as store_db
from pantau.store import ingest as store_ingest
from pantau.store.db import Store, inbox_dir

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's bench/ package
from bench.ingest_throughput import iter_post_lines  # noqa: E402

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
POST_COLUMNS = ("platform, post_id, url, text, created_at, author_id, author_handle, author_name, author_bio, lang, "
                "region, captured_at, raw_sha256, kind, author_verified, author_location, shared_from::VARCHAR, "
                "media::VARCHAR")  # every column but ingested_at
PYTHON_PATH_LOG = "goes through the Python path"


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def stored(store: Store) -> dict[str, list[tuple]]:
    with store.connect(read_only=True) as con:
        return {
            "posts": con.execute(f"SELECT {POST_COLUMNS} FROM posts ORDER BY ALL").fetchall(),
            "raw_payloads": con.execute("SELECT * FROM raw_payloads ORDER BY ALL").fetchall(),
            "post_watchlists": con.execute("SELECT * FROM post_watchlists ORDER BY ALL").fetchall(),
        }


def both(tmp_path: Path, src: Path, **kwargs):
    """Ingest `src` with the Python path and with ingest_file into two fresh stores: (result, errors, store) each,
    or the JsonlError message when it raised."""
    out = []
    for name in ("python", "file"):
        store = Store(tmp_path / f"{name}.duckdb")
        store.init()
        errors: list[JsonlError] = []
        try:
            if name == "python":  # ingest(iter_jsonl_posts(...)), storing the posts before a bad line
                r = store_db.ingest_file_as_posts(store, src, skip_invalid=kwargs.get("skip_invalid", False),
                                                  errors=errors, now=NOW, watchlist=kwargs.get("watchlist"))
            else:
                r = store.ingest_file(src, errors=errors, now=NOW, **kwargs)
        except JsonlError as exc:
            r = ("raised", str(exc), exc.lineno, exc.reason)
        out.append((r, [(e.path, e.lineno, e.reason) for e in errors], store))
    return out


def line(post_id: str | int, **fields) -> str:
    rec = {"platform": "x", "post_id": post_id, "text": f"teks {post_id}"}
    rec.update(fields)
    return json.dumps(rec, ensure_ascii=False)


def test_same_rows_as_python_path_and_idempotent(tmp_path, caplog):
    src = write_lines(tmp_path / "posts.jsonl", list(iter_post_lines(1500)))
    caplog.set_level(logging.DEBUG, logger="pantau.store")
    (r_py, e_py, s_py), (r_file, e_file, s_file) = both(tmp_path, src, watchlist="Pilkada Sleman")
    assert PYTHON_PATH_LOG not in caplog.text  # DuckDB read the whole file itself
    assert r_file == r_py and r_file.received == r_file.new == 1500 and r_file.already_known == 0
    assert e_file == e_py == []
    rows = stored(s_file)
    assert rows == stored(s_py)
    assert len(rows["posts"]) == len(rows["raw_payloads"]) == len(rows["post_watchlists"]) == 1500

    again = s_file.ingest_file(src, now=NOW)
    assert (again.received, again.new, again.already_known, again.queued) == (1500, 0, 1500, 0)
    assert stored(s_file)["posts"] == rows["posts"]


def test_times_match_parse_time(tmp_path, caplog):
    times = ["2024-05-01T10:00:00+07:00", "2024-05-01 10:00:00", "2024-05-01T10:00:00Z", "2024-05-01T23:30:00.25-03:30",
             "2024-05-01", "", None, "2024-12-31T23:59:59.123456+00:00"]
    lines = [line(i, created_at=t, captured_at=t) for i, t in enumerate(times)]
    src = write_lines(tmp_path / "times.jsonl", lines)
    caplog.set_level(logging.DEBUG, logger="pantau.store")
    (r_py, _, s_py), (r_file, _, s_file) = both(tmp_path, src)
    assert PYTHON_PATH_LOG not in caplog.text
    assert r_file == r_py and r_file.new == len(times)
    assert stored(s_file) == stored(s_py)
    got = {r["post_id"]: (r["created_at"], r["captured_at"])
           for r in s_file.query("SELECT post_id, created_at, captured_at FROM posts")}
    for i, t in enumerate(times):
        created, captured = got[str(i)]
        expected = parse_time(t, "t")
        assert created == expected
        assert captured == (expected or NOW)
    # 10:00 at +07:00 is 03:00 UTC; a naive time is UTC
    assert got["0"][0] == datetime(2024, 5, 1, 3, 0, tzinfo=timezone.utc)
    assert got["1"][0] == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)


BAD_LINES = {
    "bad JSON": '{"platform": "x", "post_id": "b1", "text": ',
    "number as text": line("b2", text=12345),
    "missing post_id": json.dumps({"platform": "x", "text": "tanpa id"}),
    "bad raw_sha256": line("b3", raw="{}", raw_sha256="ABC"),
    "author as a string": line("b4", author="budi"),
}


def mixed_lines() -> list[str]:
    raw = '{"id":"v0"}'
    good = [
        line("v0", raw=raw, raw_sha256=sha256_hex(raw), author={"id": 7, "handle": "budi", "name": None}),
        line(101, url="http://127.0.0.1/p/101", lang="id", region="Sleman"),
        line("v2", created_at="2024-05-01T10:00:00+07:00"),  # offset: valid
        line("v3", created_at="2024-05-01T10:00:00"),  # naive: valid (UTC)
    ]
    lines = [good[0], BAD_LINES["bad JSON"], good[1], "", BAD_LINES["number as text"], BAD_LINES["missing post_id"],
             good[2], BAD_LINES["bad raw_sha256"], BAD_LINES["author as a string"], good[3]]
    return lines


@pytest.mark.parametrize("skip_invalid", [True, False])
def test_bad_lines_same_result_and_errors_as_python_path(tmp_path, skip_invalid, caplog):
    src = write_lines(tmp_path / "mixed.jsonl", mixed_lines())
    caplog.set_level(logging.DEBUG, logger="pantau.store")
    (r_py, e_py, s_py), (r_file, e_file, s_file) = both(tmp_path, src, skip_invalid=skip_invalid)
    assert PYTHON_PATH_LOG in caplog.text  # the chunk with bad lines went through the Python path
    assert r_file == r_py
    assert e_file == e_py
    assert stored(s_file) == stored(s_py)
    if skip_invalid:
        assert (r_file.received, r_file.new) == (4, 4)
        assert [lineno for _, lineno, _ in e_file] == [2, 5, 6, 8, 9]
        assert all(path == str(src) for path, _, _ in e_file)
    else:
        assert r_file[0] == "raised" and r_file[1].startswith(f"{src}:2: invalid JSON") and r_file[2] == 2
        assert [row[1] for row in stored(s_file)["posts"]] == ["v0"]  # the line before the bad one


@pytest.mark.parametrize("name", sorted(BAD_LINES))
def test_each_bad_line_alone(tmp_path, name):
    src = write_lines(tmp_path / "one.jsonl", [line("ok1"), BAD_LINES[name], line("ok2")])
    for skip in (True, False):
        (r_py, e_py, s_py), (r_file, e_file, s_file) = both(tmp_path / str(skip), _copy(src, tmp_path / str(skip)),
                                                              skip_invalid=skip)
        assert r_file == r_py and e_file == e_py
        assert stored(s_file) == stored(s_py)
        assert (len(e_file) == 1 and e_file[0][1] == 2) if skip else (r_file[2] == 2)


def _copy(src: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    dst = folder / src.name
    dst.write_bytes(src.read_bytes())
    return dst


@pytest.mark.parametrize("extra", ['{"platform":"x","post_id":"t1","text":"a",}',  # trailing comma
                                   '{"platform":"x","post_id":"t2","text":"a","skor":nan}',  # nan literal
                                   '{"platform":"x","post_id":"t3","text":"a","daftar":[1,]}',
                                   '{"platform":"x","post_id":"t4","text":"a","x":1,"x":2}',  # duplicate key
                                   '{"platform":"x","post_id":"t5","text":"a","author":{"id":"a","id":"b"}}',
                                   '{"platform":"x","post_id":"t6","text":"a","t\\u0065xt":"b"}',  # escaped key
                                   '{"platform":"x","post_id":"t7","text":"a","author":{"n\\u0061me":"b"}}'])
def test_json_duckdb_would_accept_is_judged_by_python(tmp_path, extra):
    """JSON DuckDB reads otherwise than Python's json module (trailing commas and nan/inf literals it accepts, a key
    twice, escaped keys): the same errors and rows anyway."""
    src = write_lines(tmp_path / "lenient.jsonl", [line("a"), extra, line("b")])
    for skip in (True, False):
        (r_py, e_py, s_py), (r_file, e_file, s_file) = both(tmp_path / str(skip), _copy(src, tmp_path / str(skip)),
                                                              skip_invalid=skip)
        assert r_file == r_py and e_file == e_py
        assert stored(s_file) == stored(s_py)


def test_not_utf8_and_top_level_non_objects(tmp_path):
    src = tmp_path / "odd.jsonl"
    src.write_bytes(b'{"platform":"x","post_id":"u1","text":"ok"}\n{"platform":"x","post_id":"u2","text":"\xff"}\n'
                    b'[1,2]\nnull\n{}\n   \n{"platform":"x","post_id":"u3","text":"ok"}\n')
    (r_py, e_py, s_py), (r_file, e_file, s_file) = both(tmp_path, src, skip_invalid=True)
    assert r_file == r_py and e_file == e_py and len(e_file) == 4
    assert stored(s_file) == stored(s_py)


def test_chunk_boundaries(tmp_path, monkeypatch, caplog):
    """Chunks of 3 lines: a bad line in the second chunk only sends that chunk to the Python path, with the line
    numbers of the whole file; a post twice in one chunk keeps its first captured_at; progress per chunk."""
    monkeypatch.setattr(store_ingest, "BATCH_SIZE", 3)
    lines = [
        line("c1", captured_at="2024-05-02T00:00:00Z"), line("c2"), line("c1", captured_at="2024-05-01T00:00:00Z"),
        line("c4"), BAD_LINES["number as text"], "",
        line("c2"), line("c7"), line("c8"),
        line("c9"),
    ]
    src = write_lines(tmp_path / "chunks.jsonl", lines)
    caplog.set_level(logging.DEBUG, logger="pantau.store")
    (r_py, e_py, s_py), (r_file, e_file, s_file) = both(tmp_path, src, skip_invalid=True)
    assert caplog.text.count(PYTHON_PATH_LOG) == 1
    assert r_file == r_py and e_file == e_py == [(str(src), 5, e_py[0][2])]
    assert (r_file.received, r_file.new, r_file.already_known) == (8, 6, 2)
    assert stored(s_file) == stored(s_py)
    first = s_file.scalar("SELECT captured_at FROM posts WHERE post_id = 'c1'")
    assert first == datetime(2024, 5, 1, tzinfo=timezone.utc)

    seen: list[int] = []
    fresh = Store(tmp_path / "progress.duckdb")
    with pytest.raises(JsonlError) as exc:
        fresh.ingest_file(src, progress=seen.append)
    assert exc.value.lineno == 5 and exc.value.path == str(src)
    assert seen == [3]  # the first chunk was stored before the bad line stopped the ingest
    assert fresh.counts()["posts"] == 3 - 1 + 1  # and line 4, before the bad line 5
    assert (exc.value.result.received, exc.value.result.new) == (4, 3)
    seen.clear()
    fresh.ingest_file(src, skip_invalid=True, progress=seen.append)
    assert seen == [3, 6, 9, 10]


def test_line_chunks_are_the_lines_of_read_lines(monkeypatch):
    """ingest_file reads its chunks in blocks (line_chunks): the same lines as read_lines, n at a time, an over-long
    line cut the same way (MAX_POST_BYTES made 20 here), with or without a newline at the end, any block size."""
    monkeypatch.setattr(pantau_post, "MAX_POST_BYTES", 20)
    rng = random.Random(5)
    for _ in range(3000):
        lines = [bytes(rng.choice(b"ab \r") for _ in range(rng.choice([0, 1, 5, 19, 20, 21, 22, 23, 40, 100])))
                 for _ in range(rng.randrange(12))]
        data = b"\n".join(lines) + rng.choice([b"", b"\n"])
        n, block = rng.randrange(1, 5), rng.randrange(1, 50)
        fh = io.BytesIO(data)
        expected = []
        while chunk := list(itertools.islice(read_lines(fh), n)):
            expected.append((b"".join(chunk), len(chunk)))
        assert list(line_chunks(io.BytesIO(data), n, block)) == expected, (data, n, block)


FILE_WRITER = """
import json, sys
from pantau.store.db import Store
errors = []
r = Store(sys.argv[1], lock_timeout=5).ingest_file(sys.argv[2], skip_invalid=True, errors=errors,
                                                   watchlist="Pilkada Sleman")
print(json.dumps([r.received, r.new, r.already_known, r.queued, [e.lineno for e in errors]]))
"""


def test_app_owned_database_goes_to_the_inbox(tmp_path):
    """Another process owns the file (the triage app): ingest_file hands the posts to its inbox, as ingest() does."""
    src = write_lines(tmp_path / "posts.jsonl", list(iter_post_lines(40)) + [BAD_LINES["bad JSON"]])
    owner = Store(tmp_path / "owned.duckdb")
    owner.own()
    try:
        proc = subprocess.run([sys.executable, "-c", FILE_WRITER, str(owner.path), str(src)], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == [40, 0, 0, 40, [41]]
        files = [p.name for p in inbox_dir(owner.path).iterdir() if p.is_file()]
        assert len(files) == 1 and files[0].endswith(".posts.jsonl")
        assert owner.counts()["posts"] == 0
        assert owner.drain_inbox()["posts_new"] == 40
        assert owner.scalar("SELECT count(*) FROM post_watchlists WHERE watchlist = 'Pilkada Sleman'") == 40
    finally:
        owner.disown()


def test_naive_times_are_utc_whatever_the_connection_time_zone(tmp_path):
    """Inside a session whose connection is set to Asia/Jakarta, a naive time is still UTC (as parse_time reads it)
    and the connection keeps its own time zone afterwards."""
    src = write_lines(tmp_path / "naive.jsonl", [line("n1", created_at="2024-05-01T10:00:00"),
                                                 line("n2", created_at="2024-05-01T10:00:00+07:00")])
    store = Store(tmp_path / "tz.duckdb")
    store.init()
    with store.session():
        store._local.con.execute("SET TimeZone = 'Asia/Jakarta'")
        r = store.ingest_file(src, now=NOW)
        assert store._local.con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "Asia/Jakarta"
        again = store.ingest_file(src, now=NOW)  # the session's connection can stage a second file
    assert (r.new, again.new, again.already_known) == (2, 0, 2)
    got = {row["post_id"]: row["created_at"] for row in store.query("SELECT post_id, created_at FROM posts")}
    assert got == {"n1": datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc),
                   "n2": datetime(2024, 5, 1, 3, 0, tzinfo=timezone.utc)}


SHARE = {"platform": "x", "post_id": "900", "url": "https://x.com/asli/status/900", "created_at": "2026-02-01T08:00:00+07:00",
         "author": {"id": "7", "handle": "asli", "name": "Akun Asli", "bio": "Tim pemenangan"}, "text": "Coblos 02!"}


SHARE_ODD = {**SHARE, "post_id": 900, "created_at": "2026-02-01T08:00:00.250+07:00", "text": "",
             "author": {"handle": "asli", "verified": True, "bio": "Tim \u00e9 / \"kutip\"\n"}}


@pytest.mark.parametrize("fields, duckdb_path", [
    ({"kind": "reply", "author": {"handle": "guru", "verified": True, "location": "Sleman, DIY"}}, True),
    ({"kind": "repost", "shared_from": SHARE}, True),
    ({"kind": "quote", "shared_from": SHARE_ODD}, True),  # an integer id, an offset with milliseconds, ""
    ({"kind": "repost", "shared_from": {"post_id": "1"}}, True),  # no author: an empty one, as Post has
    ({"kind": "post", "media": [{"type": "image", "url": "https://m/1.jpg", "alt": "foto dua jari"}]}, True),
    ({"media": [{"type": "video", "url": 7}, {"type": "poll", "alt": "Pilih? / 01 / 02", "extra": 1}]}, True),
    ({"kind": "post", "media": []}, True),
    ({"kind": "status"}, False),
    ({"author": {"verified": "yes"}}, False),
    ({"media": [{"type": "hologram"}]}, False),
    ({"media": [{"type": "image", "alt": True}]}, False),
    ({"media": ["foto"]}, False),
    ({"media": {"type": "image"}}, False),
    ({"shared_from": "asli"}, False),
    ({"shared_from": {"created_at": "kemarin"}}, False),
    ({"shared_from": {"created_at": "1890-01-01T00:00:00Z"}}, False),
    ({"shared_from": {"author": {"verified": 1}}}, False),
    ({"shared_from": {"author": "asli"}}, False),
])
def test_shares_identity_and_media_same_rows_as_python_path(tmp_path, caplog, fields, duckdb_path):
    """Issue 16's fields are checked and normalised by the DuckDB path as Post.from_payload / to_payload do: the rows
    (and errors) equal Store.ingest's; a valid line stays on the DuckDB path, a bad one sends its chunk to Python."""
    src = write_lines(tmp_path / "posts.jsonl", [line(1), line(2, **fields), line(3)])
    caplog.set_level(logging.DEBUG, logger="pantau.store")
    (r_py, e_py, s_py), (r_file, e_file, s_file) = both(tmp_path, src, skip_invalid=True)
    assert (r_file, e_file) == (r_py, e_py)
    assert stored(s_file) == stored(s_py)
    assert (PYTHON_PATH_LOG not in caplog.text) == duckdb_path


def test_a_share_is_stored_with_its_original(tmp_path):
    src = write_lines(tmp_path / "posts.jsonl", [
        line(1),
        line(2, kind="repost", text="Coblos 02!", author={"handle": "guru_ani", "bio": "Guru SDN 1", "verified": False,
                                                           "location": "Depok"},
             shared_from=SHARE, media=[{"type": "video", "url": "https://v/1.mp4", "alt": None}]),
    ])
    store = Store(tmp_path / "s.duckdb")
    assert store.ingest_file(src, now=NOW).new == 2
    rows = {r["post_id"]: r for r in store.query(
        "SELECT post_id, kind, author_handle, author_verified, author_location, shared_from->>'$.author.handle' AS orig, "
        "shared_from->>'$.created_at' AS orig_at, media->>'$[0].type' AS media0 FROM posts")}
    assert rows["1"] == {"post_id": "1", "kind": "post", "author_handle": None, "author_verified": None,
                         "author_location": None, "orig": None, "orig_at": None, "media0": None}
    assert rows["2"] == {"post_id": "2", "kind": "repost", "author_handle": "guru_ani", "author_verified": False,
                         "author_location": "Depok", "orig": "asli", "orig_at": "2026-02-01T01:00:00Z",
                         "media0": "video"}


def test_a_database_made_before_issue_16_opens_and_takes_shares(tmp_path):
    """An older posts table (no kind, shared_from, media...) gets the columns; its rows read as kind 'post'."""
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE posts (platform VARCHAR NOT NULL, post_id VARCHAR NOT NULL, url VARCHAR,
        text VARCHAR NOT NULL, created_at TIMESTAMPTZ, author_id VARCHAR, author_handle VARCHAR, author_name VARCHAR,
        author_bio VARCHAR, lang VARCHAR, region VARCHAR, captured_at TIMESTAMPTZ NOT NULL, raw_sha256 VARCHAR,
        ingested_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (platform, post_id))""")
    con.execute("INSERT INTO posts (platform, post_id, text, captured_at, ingested_at) VALUES ('x', 'old', 'lama', now(), now())")
    con.close()
    store = Store(path)
    src = write_lines(tmp_path / "posts.jsonl", [line("new", kind="quote", shared_from=SHARE)])
    assert store.ingest(iter_jsonl_posts(src), now=NOW).new == 1
    got = dict((r["post_id"], (r["kind"], r["orig"])) for r in store.query(
        "SELECT post_id, kind, shared_from->>'$.post_id' AS orig FROM posts"))
    assert got == {"old": ("post", None), "new": ("quote", "900")}
