"""bench/ingest_throughput.py, run as a real subprocess with a tiny N: it prints its figures and the pantau
database it keeps holds exactly the N posts of its input file (no timing asserts)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
N = 2_000


def test_bench_ingest_small(tmp_path: Path) -> None:
    keep = tmp_path / "kept"
    proc = subprocess.run([sys.executable, "-m", "bench.ingest_throughput", "--n", str(N), "--keep", str(keep)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for label in ("pantau Store.ingest_file:", "pantau Store.ingest(iterable):", "duckdb read_json CTAS:",
                  "duckdb COPY FROM:"):
        assert re.search(rf"^{re.escape(label)}\s+\d+ posts/s", out, re.M), out
    assert re.search(r"^ratio pantau/read_json:\s+\d+\.\d+x", out, re.M), out
    assert re.search(r"^ratio pantau/COPY:\s+\d+\.\d+x", out, re.M), out
    assert re.search(rf"^pantau Store.ingest_file:.* new={N}$", out, re.M), out
    assert re.search(rf"^pantau Store.ingest\(iterable\):.* new={N}$", out, re.M), out
    assert re.search(rf"^re-ingest same file:.* received={N} new=0 already_known={N}  posts in db={N}$", out, re.M), out
    assert re.search(r"^goal idempotent re-ingest .*: MET$", out, re.M), out
    assert re.search(r"^goal >= 50000 posts/s: (MET|NOT MET) \(\d+\)$", out, re.M), out
    assert re.search(r"^goal >= 0.5x of COPY: (MET|NOT MET) \(\d+\.\d+x\)$", out, re.M), out
    assert "rss check" not in out

    # The kept input: N lines in the post format, unique ids, texts of ~100-300 characters.
    lines = (keep / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == N
    recs = [json.loads(line) for line in lines]
    assert len({r["post_id"] for r in recs}) == N
    assert all(90 <= len(r["text"]) <= 300 for r in recs)
    assert len({r["text"] for r in recs}) > N // 2

    # The kept pantau database ends with exactly the N posts of the file, each with its raw payload.
    con = duckdb.connect(str(keep / "pantau.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT post_id) FROM posts").fetchone() == (N, N)
        assert con.execute("SELECT count(*) FROM raw_payloads").fetchone()[0] == N
        stored = dict(con.execute("SELECT post_id, text FROM posts").fetchall())
    finally:
        con.close()
    assert stored == {r["post_id"]: r["text"] for r in recs}
