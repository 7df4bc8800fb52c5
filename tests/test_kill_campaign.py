"""The kill -9 campaign tool (bench/kill_campaign.py, issue 21) in a tiny configuration, so it cannot rot:
one real SIGKILL per target on small inputs, and its checks shown to catch a real loss and duplicate."""

from __future__ import annotations

import duckdb
import pytest

from bench import kill_campaign as kc
from bench.kill_bulk import PHASES, Progress
from bench.kill_procs import Round, count_keys, db_posts
from bench.kill_targets import Config, IngestTarget

pytestmark = pytest.mark.slow


def tiny(**kw) -> Config:
    kw.setdefault("kills", 1)
    return Config(seed=5, crawl_posts=400, ingest_posts=3000, bulk_posts=600, bulk_chunk=200,
                  app_posts=2000, app_writers=2, final_sweep=False, timeout=900, **kw)


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


def test_bulk_one_kill_per_phase(tmp_path):
    """Kill k aims at phase k mod 4 (start-up, classify, store, closing); each kill's phase is the one seen."""
    rounds = kc.run_target("bulk", tiny(kills=len(PHASES)), tmp_path, say=lambda line: None)
    kills = landed(rounds)
    assert len(kills) == len(PHASES)
    assert all(r.ok for r in rounds), [(r.kill_ms, r.lost, r.duplicated, r.chain_ok, r.problems) for r in rounds]
    assert all(r.at_kill.split(" (")[0] in PHASES for r in kills), [r.at_kill for r in kills]
    assert kills[0].at_kill.startswith("start-up")  # the first aims at the start, before any work folder
    assert "kills per phase" in rounds[-1].at_kill


def test_bulk_phases_are_read_from_the_work_folder(tmp_path):
    """The observer reads the phases off a real folder laid out as flows/bulk.py lays it out."""
    seen = Progress(tmp_path, 4242, chunks=2)
    assert seen.phase() == 0  # no folder of that pid (another run's does not count)
    (tmp_path / "pantau-bulk-4243-a").mkdir()
    assert seen.phase() == 0
    work = tmp_path / "pantau-bulk-4242-b"
    work.mkdir()
    assert seen.phase() == 1
    for k in range(2):
        (work / f"chunk-0000{k}.jsonl").write_text("{}\n", encoding="utf-8")
    assert seen.phase() == 1
    (work / "chunk-00000.classified.jsonl").write_text("{}\n", encoding="utf-8")
    assert seen.phase() == 2 and seen.text(2) == "store (1/2 chunks classified, 0 stored)"
    for name in ("chunk-00000.jsonl", "chunk-00000.classified.jsonl"):
        (work / name).unlink()  # chunk 0 stored
    assert seen.phase() == 2 and seen.stored == 1
    (work / "chunk-00001.jsonl").unlink()
    assert seen.phase() == 3 and seen.text(3) == "closing (2/2 chunks classified, 2 stored)"
    work.rmdir()
    assert seen.phase() == 3


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
