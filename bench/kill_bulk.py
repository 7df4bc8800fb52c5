"""The kill -9 campaign's bulk target (bench/kill_campaign.py): `pantau bulk` killed in each of its phases in turn.

A bulk run spends most of its time starting (imports, Prefect, the Dask cluster) and classifying, so kill points
drawn over its whole duration rarely hit the short store phase. This target watches the run's phases from outside,
by its work folder in TMPDIR (flows/bulk.py: `pantau-bulk-<pid>-*`, one `chunk-K.jsonl` per chunk, a
`chunk-K.classified.jsonl` once classified, both removed once stored, the folder removed at the end):

* start-up: no work folder yet;
* classify: the folder exists, no chunk classified yet (the split, then the first classifications);
* store: a chunk was classified and some chunk is not stored yet (stores run one after the other while the other
  chunks are classified);
* closing: every chunk stored (the summary, the report artifact, the Dask cluster closing).

The baseline (no kill) measures how long each phase lasts; kill k aims at phase k mod 4: it waits until that phase
begins, then a random part of the phase's baseline length, and kills the process group. The phase printed for a
kill is the one observed at the kill (a phase can end sooner than in the baseline). Checks after the re-run: every
post stored once and classified once by one model version, no work folder left in TMPDIR, audit chain intact.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from pathlib import Path

from bench.ingest_throughput import write_posts
from bench.kill_procs import (Round, audit_ok, check_temp, copy_db, count_keys, db_posts, file_keys, kill_group,
                              pantau, run, start, tail)
from bench.kill_targets import DbTarget

PHASES = ("start-up", "classify", "store", "closing")


class Progress:
    """What a running `pantau bulk` (pid) shows of its phases in TMPDIR `tmp`."""

    def __init__(self, tmp: Path, pid: int, chunks: int):
        self.tmp, self.pid, self.chunks = tmp, pid, chunks
        self.folder: Path | None = None
        self.seen_classified = False
        self.classified = self.stored = 0

    def phase(self) -> int:
        if self.folder is None:
            found = list(self.tmp.glob(f"pantau-bulk-{self.pid}-*"))
            if not found:
                return 0
            self.folder = found[0]
        names = {p.name for p in self.folder.glob("chunk-*.jsonl")} if self.folder.exists() else set()
        results = {n.split(".")[0] for n in names if n.endswith(".classified.jsonl")}
        chunks = {n.split(".")[0] for n in names} - results  # not classified yet
        self.seen_classified = self.seen_classified or bool(results)
        if not self.seen_classified:  # splitting, or classifying the first chunks
            return 1 if self.folder.exists() else 3
        self.stored = max(self.stored, self.chunks - len(chunks | results))  # a chunk's files go once it is stored
        self.classified = max(self.classified, self.chunks - len(chunks))
        return 2 if names else 3

    def text(self, phase: int) -> str:
        return f"{PHASES[phase]} ({self.classified}/{self.chunks} chunks classified, {self.stored} stored)"


class BulkTarget(DbTarget):
    name = "bulk"

    def prepare(self) -> None:
        super().prepare()
        self.file = self.work / "posts.jsonl"
        write_posts(self.file, self.cfg.bulk_posts, seed=self.cfg.seed + 1)
        self.expected = file_keys(self.file)
        self.chunks = -(-self.cfg.bulk_posts // self.cfg.bulk_chunk)
        self.phase_s = [0.0] * len(PHASES)  # the baseline's phase lengths
        self.aim = 0  # the phase the next kill aims at
        self.kills: Counter[str] = Counter()

    def draw(self, rng: random.Random, duration: float, landed: int) -> float:
        """Kill `landed` aims at phase landed mod 4, a random part of its baseline length after it begins."""
        self.aim = landed % len(PHASES)
        return rng.uniform(0.0, 0.97 * self.phase_s[self.aim])

    def aim_text(self) -> str:
        return f"{PHASES[self.aim]} + "

    def round(self, kill_s):
        d = self.round_dir()
        db, log = d / "pantau.duckdb", d / "bulk.log"
        copy_db(self.seed, db)
        r = Round(self.name, None)
        cmd = pantau("bulk", str(self.file), "--db", str(db), "--chunk-size", str(self.cfg.bulk_chunk), "--workers",
                     "2", *(["--model", str(self.cfg.model)] if self.cfg.model else []))
        self.rerun_started = time.time()
        t0 = time.monotonic()
        proc = start(cmd, log, self.env)
        seen = Progress(self.tmp, proc.pid, self.chunks)
        begins = [0.0] + [None] * (len(PHASES) - 1)
        landed, rc = False, None
        while (rc := proc.poll()) is None:
            now, phase = time.monotonic() - t0, seen.phase()
            for p in range(1, phase + 1):
                begins[p] = now if begins[p] is None else begins[p]
            if kill_s is not None and phase >= self.aim and now >= begins[self.aim] + kill_s:
                phase = seen.phase()
                kill_group(proc)
                landed = proc.returncode == -signal.SIGKILL  # else it had just finished by itself
                r.kill_ms, r.at_kill = round(now * 1000), seen.text(phase)
                self.kills[PHASES[phase]] += 1
                break
            time.sleep(0.01)
        killed_s = time.monotonic() - t0
        if kill_s is None:  # the baseline: its phase lengths
            ends = [b for b in begins[1:]] + [killed_s]
            self.phase_s = [max(0.0, (e if e is not None else killed_s) - (b if b is not None else killed_s))
                            for b, e in zip(begins, ends)]
        if kill_s is not None and not landed:
            return r, False, killed_s
        if kill_s is not None:
            self.rerun_started = time.time()
            rc = run(cmd, log, self.env, self.cfg.timeout)
        if rc != 0:
            r.problems.append(f"exit {rc}: {tail(log, 3)}")
        posts, results = db_posts(db)
        count_keys(posts, self.expected, r)
        models = {m for _, _, m in results}
        if len(models) > 1:
            r.problems.append(f"results of {len(models)} model versions")
        r.duplicated += len(results) - len(set(results))
        r.lost += len(self.expected - {(p, i) for p, i, _ in results})
        left = [p.name for p in self.tmp.glob("pantau-bulk-*")]
        if left:
            r.problems.append(f"work folder(s) left in TMPDIR after the run: {left}")
        check_temp(self.tmp, self.rerun_started, r)
        audit_ok(db, log, r)
        return r, landed, killed_s

    def baseline_text(self) -> str:
        return "phases " + ", ".join(f"{p} {s:.1f}s" for p, s in zip(PHASES, self.phase_s))

    def finish(self, rounds: list[Round]) -> None:
        counts = ", ".join(f"{p} {self.kills[p]}" for p in PHASES)
        rounds.append(Round(self.name, None, at_kill=f"kills per phase (observed at the kill): {counts}"))
