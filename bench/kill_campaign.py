"""Kill -9 campaign (issue 21): SIGKILL real pantau processes at random points, recover, check nothing was lost.

    .venv/bin/python -m bench.kill_campaign [--kills 20] [--seed N] [--targets crawl,ingest,bulk,app] [--keep DIR]

Every target first runs once without a kill (its duration D, and a check that the uninterrupted run is right),
then `--kills` rounds: a fresh copy of the target's state, the command started in its own process group, SIGKILL
to the whole group (the command and its children: Scrapy, Dask workers) at a random point in [3%, 97%] of D, the
recovery, and the checks. Kill points come from `random.Random(f"{seed}:{target}")`, are printed in ms, and a kill
that lands after the command already finished is counted as missed and drawn again. Targets:

* crawl: `pantau crawl --source demo --resume-dir R` over the embedded demo platform (pantau.demo.site.DemoSite on
  127.0.0.1), killed mid-crawl, then the same command again: the output holds every post of the site exactly once.
* crawl-parent (not in the defaults): as crawl, but only the `pantau crawl` process is killed, as `kill -9 PID` or
  the OOM killer would; its Scrapy child lives on while the re-run starts on the same resume folder.
* ingest: `pantau ingest FILE --db DB` of N distinct generated posts (bench.ingest_throughput's realistic lines),
  killed, run again: posts == the file's distinct keys, no duplicate keys, no staging file of the killed run left
  once the store's grace period (pantau.store.db.TEMP_GRACE) is over: the final sweep waits it out and runs once
  more.
* bulk: `pantau bulk FILE --db DB` (a local Dask cluster; store + classify), killed in each of its phases in turn
  (start-up, classify, store, closing: watched through its work folder, bench/kill_bulk.py), run again: every post
  stored once and classified once by the model, no work folder left behind.
* app: `pantau serve --db DB --port 0` owns the file while W `pantau ingest` writers hand their batches over
  through its inbox and a client logs in again and again (audit entries written by the app); the app is killed
  during the hand-over/drain, started again, and once the inbox is drained it is stopped (SIGTERM): posts == the
  union of the writers' files, 0 duplicates, and a second process (this one) can open the file read-write.

After every recovery `pantau audit verify --db DB` must pass (every DB was seeded with an audit entry by
`pantau user add`). Counts are read with DuckDB from the documented tables (docs/sql.md); every command goes through
the public CLI (`python -m pantau.cli`); processes and checks are in bench/kill_procs.py, the targets in
bench/kill_targets.py and bench/kill_bulk.py. The summary table lists per target: kills, kill points (ms), lost,
duplicated, chain ok, problems, seconds. Exit 1 on any failure. Round folders are deleted unless they failed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from bench.kill_bulk import BulkTarget
from bench.kill_procs import Round
from bench.kill_targets import TARGETS, AppTarget, Config, CrawlParentTarget, CrawlTarget, IngestTarget, Target

TARGET_CLASSES: dict[str, Callable[[Config, Path], Target]] = {
    "crawl": CrawlTarget, "ingest": IngestTarget, "bulk": BulkTarget, "app": AppTarget,
    "crawl-parent": CrawlParentTarget}


# -- campaign ------------------------------------------------------------------------------------------------------


def run_target(name: str, cfg: Config, work: Path, say: Callable[[str], None] = print) -> list[Round]:
    """The baseline and cfg.kills landed kill rounds of one target (plus any final check rows)."""
    target = TARGET_CLASSES[name](cfg, work)
    rng = random.Random(f"{cfg.seed}:{name}")
    rounds: list[Round] = []
    t0 = time.monotonic()
    target.prepare()
    say(f"[{name}] prepared in {time.monotonic() - t0:.1f}s")
    try:
        base, _, duration = target.round(None)
        base.seconds = time.monotonic() - t0
        rounds.append(base)
        lo, hi = target.window(duration)
        say(f"[{name}] baseline: {duration * 1000:.0f} ms, {'ok' if base.ok else base.problems}; "
            + (target.baseline_text() or f"kill window {lo * 1000:.0f}-{hi * 1000:.0f} ms"))
        landed = missed = 0
        while landed < cfg.kills and missed <= 3 * cfg.kills:
            kill_s = target.draw(rng, duration, landed)
            t = time.monotonic()
            r, hit, ran_s = target.round(kill_s)
            r.seconds = time.monotonic() - t
            if not hit:
                missed += 1
                say(f"[{name}] kill at {target.aim_text()}{kill_s * 1000:.0f} ms missed (already finished in {ran_s * 1000:.0f} ms); "
                    "drawing again")
                duration = min(duration, ran_s)  # the machine got faster than in the baseline: narrow the window
                continue
            landed += 1
            rounds.append(r)
            say(f"[{name}] kill {landed}/{cfg.kills} at {r.kill_ms} ms ({r.at_kill}): lost {r.lost}, "
                f"duplicated {r.duplicated}, chain {r.chain_ok}, {r.seconds:.1f}s"
                + (f"  PROBLEMS: {r.problems}" if r.problems else ""))
            if r.ok:
                shutil.rmtree(target.work / f"round-{target.n:02d}", ignore_errors=True)
        if landed < cfg.kills:
            rounds.append(Round(name, None, problems=[f"only {landed} of {cfg.kills} kills landed ({missed} missed)"]))
        target.finish(rounds)
    finally:
        target.close()
    return rounds


def summary(rounds: list[Round]) -> tuple[str, bool]:
    rows = [("target", "kills", "kill points (ms)", "lost", "dup", "chain ok", "problems", "seconds")]
    ok = True
    for name in dict.fromkeys(r.target for r in rounds):
        mine = [r for r in rounds if r.target == name]
        kills = [r for r in mine if r.kill_ms is not None]
        problems = sum(len(r.problems) for r in mine)
        chains = [r.chain_ok for r in mine if r.chain_ok is not None]
        chain = "n/a" if not chains else "yes" if all(chains) else f"NO ({chains.count(False)})"
        ok = ok and all(r.ok for r in mine)
        points = ",".join(str(r.kill_ms) for r in sorted(kills, key=lambda r: r.kill_ms))
        rows.append((name, str(len(kills)), points, str(sum(r.lost for r in mine)),
                     str(sum(r.duplicated for r in mine)), chain, str(problems), f"{sum(r.seconds for r in mine):.0f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    notes = [f"  {r.target}: {r.at_kill}" for r in rounds if r.kill_ms is None and r.at_kill]
    fails = [f"  FAILED {r.target} kill at {r.kill_ms} ms: lost {r.lost}, dup {r.duplicated}, chain {r.chain_ok}, "
             f"{r.problems}" for r in rounds if not r.ok]
    return "\n".join(lines + notes + fails), ok


def campaign(cfg: Config, work: Path, say: Callable[[str], None] = print) -> tuple[list[Round], bool]:
    rounds: list[Round] = []
    for name in cfg.targets:
        rounds += run_target(name, cfg, work, say)
    return rounds, all(r.ok for r in rounds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=20, help="landed kills per target (default 20)")
    ap.add_argument("--seed", type=int, default=None, help="seed of the kill points (default: random, printed)")
    ap.add_argument("--targets", default=",".join(TARGETS),
                    help=f"comma-separated, default {','.join(TARGETS)}; also crawl-parent (kills only the pantau process)")
    ap.add_argument("--ingest-posts", type=int, default=Config.ingest_posts)
    ap.add_argument("--bulk-posts", type=int, default=Config.bulk_posts)
    ap.add_argument("--bulk-chunk", type=int, default=Config.bulk_chunk, help="bulk: --chunk-size")
    ap.add_argument("--app-posts", type=int, default=Config.app_posts)
    ap.add_argument("--crawl-posts", type=int, default=Config.crawl_posts)
    ap.add_argument("--model", type=Path, help="bulk: model file (default: the packaged model)")
    ap.add_argument("--no-sweep", action="store_true", help="skip the ingest temp-file sweep (waits up to 60 s)")
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one, removed if all ok)")
    args = ap.parse_args(argv)
    targets = tuple(t.strip() for t in args.targets.split(",") if t.strip())
    unknown = [t for t in targets if t not in TARGET_CLASSES]
    if unknown:
        ap.error(f"unknown target(s) {unknown}; expected some of {','.join(TARGET_CLASSES)}")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    cfg = Config(kills=args.kills, seed=seed, targets=targets, ingest_posts=args.ingest_posts,
                 bulk_posts=args.bulk_posts, bulk_chunk=args.bulk_chunk, app_posts=args.app_posts, crawl_posts=args.crawl_posts,
                 model=args.model, final_sweep=not args.no_sweep)
    work = args.keep or Path(tempfile.mkdtemp(prefix="kill-campaign-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"kill campaign: seed {seed}, {cfg.kills} kills x {','.join(targets)}, work folder {work}")
    given = list(sys.argv[1:] if argv is None else argv)
    if args.seed is None:
        given += ["--seed", str(seed)]
    print("reproduce: .venv/bin/python -m bench.kill_campaign " + " ".join(given))
    t0 = time.monotonic()
    rounds, ok = campaign(cfg, work)
    table, _ = summary(rounds)
    print(f"\n{table}\n\n{'ALL OK' if ok else 'FAILURES'} in {time.monotonic() - t0:.0f}s (seed {seed})")
    if ok and args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    elif not ok:
        print(f"failed rounds kept under {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
