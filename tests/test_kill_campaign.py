"""The kill -9 campaign tool (bench/kill_campaign.py, issue 21) in a tiny configuration, so it cannot rot:
one real SIGKILL per target on small inputs, and its checks shown to catch a real loss and duplicate."""

from __future__ import annotations

import duckdb
import pytest

from bench import kill_campaign as kc
from bench.kill_procs import Round, count_keys, db_posts
from bench.kill_targets import Config, IngestTarget

pytestmark = pytest.mark.slow


def tiny(**kw) -> Config:
    return Config(kills=1, seed=5, crawl_posts=400, ingest_posts=3000, bulk_posts=600, bulk_chunk=200,
                  app_posts=2000, app_writers=2, final_sweep=False, timeout=240, **kw)


def landed(rounds: list[Round]) -> list[Round]:
    return [r for r in rounds if r.kill_ms is not None]


@pytest.mark.parametrize("target", ["crawl", "ingest", "app"])
def test_one_kill_per_target_recovers_with_nothing_lost(tmp_path, target):
    lines: list[str] = []
    rounds = kc.run_target(target, tiny(), tmp_path, say=lines.append)
    assert len(landed(rounds)) == 1, lines
    assert all(r.ok for r in rounds), [(r.kill_ms, r.lost, r.duplicated, r.chain_ok, r.problems) for r in rounds]
    base = rounds[0]
    assert base.kill_ms is None and base.lost == 0 and base.duplicated == 0
    if target != "crawl":
        assert all(r.chain_ok for r in rounds if r.chain_ok is not None) and base.chain_ok
    table, ok = kc.summary(rounds)
    assert ok and table.splitlines()[1].split()[:2] == [target, "1"]


def test_bulk_one_kill(tmp_path):
    rounds = kc.run_target("bulk", tiny(), tmp_path, say=lambda line: None)
    assert len(landed(rounds)) == 1
    assert all(r.ok for r in rounds), [(r.kill_ms, r.lost, r.duplicated, r.chain_ok, r.problems) for r in rounds]


def test_the_checks_catch_a_lost_and_a_duplicated_post(tmp_path):
    """The recovery checks read the real database: a post deleted after an ingest counts as lost, a key seen twice
    as duplicated, and a failing round makes the summary (and so the exit code) fail."""
    cfg = tiny()
    target = IngestTarget(cfg, tmp_path)
    target.prepare()
    base, _, _ = target.round(None)
    assert base.ok
    db = base_db = target.base_db
    con = duckdb.connect(str(db))
    victim = con.execute("SELECT platform, post_id FROM posts LIMIT 1").fetchone()
    con.execute("DELETE FROM posts WHERE platform = ? AND post_id = ?", list(victim))
    con.close()
    posts, _ = db_posts(base_db)
    r = Round("ingest", 123)
    count_keys(posts + posts[:1], target.expected, r)
    assert (r.lost, r.duplicated) == (1, 1) and not r.ok
    table, ok = kc.summary([base, r])
    assert not ok and "FAILED ingest kill at 123 ms: lost 1, dup 1" in table


def test_main_refuses_unknown_targets():
    with pytest.raises(SystemExit):
        kc.main(["--targets", "crawl,nope"])
