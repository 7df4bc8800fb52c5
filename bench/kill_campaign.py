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
* bulk: `pantau bulk FILE --db DB` (a local Dask cluster; store + classify), killed, run again: every post stored
  once and classified once by the model.
* app: `pantau serve --db DB --port 0` owns the file while W `pantau ingest` writers hand their batches over
  through its inbox and a client logs in again and again (audit entries written by the app); the app is killed
  during the hand-over/drain, started again, and once the inbox is drained it is stopped (SIGTERM): posts == the
  union of the writers' files, 0 duplicates, and a second process (this one) can open the file read-write.

After every recovery `pantau audit verify --db DB` must pass (every DB was seeded with an audit entry by
`pantau user add`). Counts are read with DuckDB from the documented tables (docs/sql.md); every command goes through
the public CLI (`python -m pantau.cli`). The summary table lists per target: kills, kill points (ms), lost,
duplicated, chain ok, problems, seconds. Exit 1 on any failure. Round folders are deleted unless they failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Callable

import duckdb

from bench.ingest_throughput import write_posts

TARGETS = ("crawl", "ingest", "bulk", "app")
PASSWORD = "kill-campaign-Pw-2026"  # of the throwaway account every campaign database is seeded with
USER = "kampanye"
DEFAULT_TEMP_GRACE = 60.0


@dataclass
class Config:
    kills: int = 20
    seed: int = 21
    targets: tuple[str, ...] = TARGETS
    crawl_posts: int = 3000
    ingest_posts: int = 60_000
    bulk_posts: int = 6_000
    bulk_chunk: int = 1_000
    app_posts: int = 20_000
    app_writers: int = 4
    model: Path | None = None  # bulk: --model (default: the packaged model)
    final_sweep: bool = True  # ingest: wait out the staging-file grace period, run once more, expect no leftovers
    timeout: float = 600.0  # per command


@dataclass
class Round:
    target: str
    kill_ms: int | None  # None: the baseline run (no kill)
    at_kill: str = ""  # progress when the kill landed (e.g. posts stored / lines written)
    lost: int = 0
    duplicated: int = 0
    chain_ok: bool | None = None  # None: no database (crawl)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.lost and not self.duplicated and self.chain_ok is not False and not self.problems


# -- processes -----------------------------------------------------------------------------------------------


def pantau(*args: str) -> list[str]:
    return [sys.executable, "-m", "pantau.cli", *args]


def start(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The command in a new session (its own process group), output to `log`."""
    with open(log, "ab") as fh:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the whole process group of `proc` and wait until every member is gone."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # children forked meanwhile
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise RuntimeError(f"process group {proc.pid} survived SIGKILL")


def kill_at(proc: subprocess.Popen, seconds: float, t0: float, group: bool = True) -> bool:
    """Kill the group of `proc` (or, group=False, only `proc`: its children live on) at t0 + seconds; False when
    it had already exited (a missed kill)."""
    while time.monotonic() < t0 + seconds:
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    if proc.poll() is not None:
        return False
    if group:
        kill_group(proc)
    else:
        proc.kill()
        proc.wait()
    return True


def wait_group(pgid: int, timeout: float) -> bool:
    """Wait until no process of group `pgid` is left; False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def run(cmd: list[str], log: Path, env: dict[str, str] | None = None, timeout: float = 600.0) -> int:
    proc = start(cmd, log, env)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        return -9


def tail(log: Path, lines: int = 8) -> str:
    try:
        return " | ".join(log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def seed_db(db: Path, log: Path) -> None:
    """A fresh database with its schema and one audit entry (the chain then has something to check)."""
    env = {**os.environ, "PANTAU_PASSWORD": PASSWORD}
    if run(pantau("user", "add", USER, "--role", "admin", "--db", str(db)), log, env) != 0:
        raise RuntimeError(f"could not seed {db}: {tail(log)}")


def copy_db(seed: Path, db: Path) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        src = seed.with_name(seed.name + suffix)
        if src.exists():
            shutil.copy2(src, db.with_name(db.name + suffix))


def audit_ok(db: Path, log: Path, r: Round) -> None:
    rc = run(pantau("audit", "verify", "--db", str(db)), log)
    r.chain_ok = rc == 0
    if rc != 0:
        r.problems.append(f"audit verify exit {rc}: {tail(log, 4)}")


# -- checks ----------------------------------------------------------------------------------------------------


def file_keys(*paths: Path) -> set[tuple[str, str]]:
    keys = set()
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            keys.update((o["platform"], o["post_id"]) for o in map(json.loads, fh) if o)
    return keys


def count_keys(keys: list, expected: set, r: Round) -> None:
    r.duplicated += len(keys) - len(set(keys))
    r.lost += len(expected - set(keys))
    extra = set(keys) - expected
    if extra:
        r.problems.append(f"{len(extra)} unexpected posts")


def db_posts(db: Path) -> tuple[list, list]:
    """(post keys, classification keys) as stored, read from another process's point of view."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        posts = con.execute("SELECT platform, post_id FROM posts").fetchall()
        results = con.execute("SELECT platform, post_id, model_version FROM classifications").fetchall()
    finally:
        con.close()
    return posts, results


def stored_count(db: Path) -> str:
    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return f"{con.execute('SELECT count(*) FROM posts').fetchone()[0]} stored"
        finally:
            con.close()
    except duckdb.Error as exc:
        return f"unreadable ({str(exc).splitlines()[0][:60]})"


def temp_grace() -> float:
    try:  # the store's own grace period for staging files of dead processes
        from pantau.store.db import TEMP_GRACE
        return float(TEMP_GRACE)
    except ImportError:
        return DEFAULT_TEMP_GRACE


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def staging_files(tmp: Path) -> list[Path]:
    return sorted(p for p in tmp.glob("pantau-*") if p.is_file())


def check_temp(tmp: Path, r: Round) -> None:
    """Staging files older than the grace period must have been removed by the recovery run's start."""
    grace = temp_grace()
    stale = [p.name for p in staging_files(tmp) if time.time() - p.stat().st_mtime > grace + 5]
    if stale:
        r.problems.append(f"{len(stale)} staging file(s) older than {grace:.0f}s left: {stale[:3]}")


# -- targets -----------------------------------------------------------------------------------------------------


class Target:
    """One kind of killed command: prepare() once, then round(kill_s) for the baseline (None) and each kill."""

    name = ""

    def __init__(self, cfg: Config, work: Path):
        self.cfg, self.work = cfg, work / self.name
        self.work.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def prepare(self) -> None: ...

    def close(self) -> None: ...

    def round_dir(self) -> Path:
        self.n += 1
        d = self.work / f"round-{self.n:02d}"
        d.mkdir()
        return d

    def window(self, duration: float) -> tuple[float, float]:
        """The span (seconds after the start) kill points are drawn from, given the baseline's duration."""
        return 0.03 * duration, 0.97 * duration

    def round(self, kill_s: float | None) -> tuple[Round, bool, float]:
        """(result, landed, seconds of the killed phase); `landed` False when the kill came too late."""
        raise NotImplementedError

    def finish(self, rounds: list[Round]) -> None:
        """After the last round (e.g. the final temp-file sweep)."""


class CrawlTarget(Target):
    name = "crawl"
    group = True  # SIGKILL the whole process group (pantau and its Scrapy child)

    def prepare(self) -> None:
        from pantau.demo.generate import generate_posts
        from pantau.demo.site import DemoSite

        posts = generate_posts(seed=self.cfg.seed, n=self.cfg.crawl_posts)
        self.expected = {("demo", p["id"]) for p in posts}
        self.site = DemoSite(posts=posts).start()
        self.first_item_s: float | None = None

    def window(self, duration: float) -> tuple[float, float]:
        """Kills land while posts are being written: from half the start-up time to the end."""
        first = self.first_item_s if self.first_item_s is not None else 0.03 * duration
        return first / 2, 0.97 * duration

    def close(self) -> None:
        self.site.stop()

    def round(self, kill_s):
        d = self.round_dir()
        out, log = d / "posts.jsonl", d / "crawl.log"
        cmd = pantau("crawl", "--source", "demo", "--base-url", self.site.url, "--full", "--resume-dir",
                     str(d / "resume"), "-o", str(out), "-a", "limit=10")
        r = Round(self.name, None if kill_s is None else round(kill_s * 1000))
        t0 = time.monotonic()
        proc = start(cmd, log)
        landed = False
        if kill_s is not None:
            landed = kill_at(proc, kill_s, t0, self.group)
            items = d / "resume" / "items.jsonl"
            r.at_kill = f"{count_lines(items)} lines"
        rc = None
        if kill_s is None:  # the baseline: when the first post was written opens the kill window
            items = d / "resume" / "items.jsonl"
            while (rc := proc.poll()) is None:
                if self.first_item_s is None and count_lines(items):
                    self.first_item_s = time.monotonic() - t0
                time.sleep(0.01)
        killed_s = time.monotonic() - t0
        if kill_s is None or landed:
            rc = run(cmd, log, timeout=self.cfg.timeout) if rc is None else rc
            if not self.group and not wait_group(proc.pid, self.cfg.timeout):  # the orphaned Scrapy child
                kill_group(proc)
                r.problems.append("the killed crawl's Scrapy child was still running after the re-run")
            if rc != 0:
                r.problems.append(f"crawl exit {rc}: {tail(log, 3)}")
            elif not out.exists():
                r.problems.append("no output file")
            else:
                with open(out, encoding="utf-8") as fh:
                    count_keys([(o["platform"], o["post_id"]) for o in map(json.loads, fh)], self.expected, r)
        return r, landed, killed_s


class CrawlParentTarget(CrawlTarget):
    """Only the `pantau crawl` process is killed (as `kill -9 PID` or the OOM killer would): its Scrapy child lives
    on, and the re-run starts while it still writes into the same resume folder. Not in the default targets."""

    name = "crawl-parent"
    group = False


class DbTarget(Target):
    """Targets writing a pantau database: seeded once, copied per round; TMPDIR of the commands is ours."""

    def prepare(self) -> None:
        self.seed = self.work / "seed" / "pantau.duckdb"
        self.seed.parent.mkdir(exist_ok=True)
        seed_db(self.seed, self.work / "seed" / "seed.log")
        self.tmp = self.work / "tmp"
        self.tmp.mkdir(exist_ok=True)
        self.env = {**os.environ, "TMPDIR": str(self.tmp)}

    def killed_command(self, cmd: list[str], db: Path, log: Path, kill_s: float | None, r: Round):
        t0 = time.monotonic()
        proc = start(cmd, log, self.env)
        landed = False
        if kill_s is not None:
            landed = kill_at(proc, kill_s, t0)
            r.at_kill = stored_count(db)
        rc = proc.wait(timeout=self.cfg.timeout) if kill_s is None else None
        killed_s = time.monotonic() - t0
        if kill_s is None or landed:
            rc = run(cmd, log, self.env, self.cfg.timeout) if rc is None else rc
            if rc != 0:
                r.problems.append(f"exit {rc}: {tail(log, 3)}")
        return landed, killed_s


class IngestTarget(DbTarget):
    name = "ingest"

    def prepare(self) -> None:
        super().prepare()
        self.file = self.work / "posts.jsonl"
        write_posts(self.file, self.cfg.ingest_posts, seed=self.cfg.seed)
        self.expected = file_keys(self.file)

    def round(self, kill_s):
        d = self.round_dir()
        db, log = d / "pantau.duckdb", d / "ingest.log"
        copy_db(self.seed, db)
        r = Round(self.name, None if kill_s is None else round(kill_s * 1000))
        landed, killed_s = self.killed_command(pantau("ingest", str(self.file), "--db", str(db)), db, log, kill_s, r)
        if kill_s is None or landed:
            posts, _ = db_posts(db)
            count_keys(posts, self.expected, r)
            check_temp(self.tmp, r)
            audit_ok(db, log, r)
            if kill_s is None:
                self.base_db = db  # kept: the final sweep runs on it
        return r, landed, killed_s

    def finish(self, rounds: list[Round]) -> None:
        """Every staging file a killed run left must be gone after a run started once the grace period is over."""
        left = staging_files(self.tmp)
        r = Round(self.name, None, at_kill=f"{len(left)} staging file(s) of killed runs left at the end")
        if left and self.cfg.final_sweep:
            youngest = max(p.stat().st_mtime for p in left)
            time.sleep(max(0.0, youngest + temp_grace() + 1 - time.time()))
            db = self.base_db
            if run(pantau("ingest", str(self.file), "--db", str(db)), db.with_name("sweep.log"), self.env) != 0:
                r.problems.append(f"sweep ingest failed: {tail(db.with_name('sweep.log'), 3)}")
            left = staging_files(self.tmp)
            r.at_kill += f", {len(left)} after a run started past the {temp_grace():.0f}s grace"
            if left:
                r.problems.append(f"{len(left)} staging file(s) left after the sweep: {[p.name for p in left[:3]]}")
        elif left:
            r.at_kill += " (no sweep)"
        rounds.append(r)


class BulkTarget(DbTarget):
    name = "bulk"

    def prepare(self) -> None:
        super().prepare()
        self.file = self.work / "posts.jsonl"
        write_posts(self.file, self.cfg.bulk_posts, seed=self.cfg.seed + 1)
        self.expected = file_keys(self.file)

    def round(self, kill_s):
        d = self.round_dir()
        db, log = d / "pantau.duckdb", d / "bulk.log"
        copy_db(self.seed, db)
        r = Round(self.name, None if kill_s is None else round(kill_s * 1000))
        cmd = pantau("bulk", str(self.file), "--db", str(db), "--chunk-size", str(self.cfg.bulk_chunk), "--workers", "2",
                     *(["--model", str(self.cfg.model)] if self.cfg.model else []))
        landed, killed_s = self.killed_command(cmd, db, log, kill_s, r)
        if kill_s is None or landed:
            posts, results = db_posts(db)
            count_keys(posts, self.expected, r)
            models = {m for _, _, m in results}
            if len(models) > 1:
                r.problems.append(f"results of {len(models)} model versions")
            r.duplicated += len(results) - len(set(results))
            r.lost += len(self.expected - {(p, i) for p, i, _ in results})
            check_temp(self.tmp, r)
            audit_ok(db, log, r)
        return r, landed, killed_s

    def finish(self, rounds: list[Round]) -> None:
        left = [p.name for p in self.tmp.glob("pantau-bulk-*")]
        if left:  # chunk folders of killed runs: nothing removes them (reported, not a loss)
            rounds.append(Round(self.name, None, at_kill=f"{len(left)} chunk folder(s) of killed runs left in TMPDIR"))


class AppTarget(DbTarget):
    name = "app"

    def prepare(self) -> None:
        super().prepare()
        self.parts = []
        all_posts = self.work / "posts.jsonl"
        write_posts(all_posts, self.cfg.app_posts, seed=self.cfg.seed + 2)
        lines = all_posts.read_text(encoding="utf-8").splitlines(keepends=True)
        size = -(-len(lines) // self.cfg.app_writers)
        for i in range(self.cfg.app_writers):
            part = self.work / f"part-{i}.jsonl"
            part.write_text("".join(lines[i * size:(i + 1) * size]), encoding="utf-8")
            self.parts.append(part)
        self.expected = file_keys(*self.parts)
        self.first_batch_s: float | None = None

    def serve(self, db: Path, log: Path) -> tuple[subprocess.Popen, str]:
        """Start the app and wait until it owns the file and answers HTTP; (process, base URL)."""
        started = len(re.findall(r"triage app at ", log.read_text(encoding="utf-8")) if log.exists() else [])
        proc = start(pantau("serve", "--db", str(db), "--port", "0"), log, self.env)
        owner = db.with_name(db.name + ".owner")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            urls = re.findall(r"triage app at (http://\S+?)/", log.read_text(encoding="utf-8", errors="replace"))
            m = len(urls) > started and urls[-1]
            try:
                owned = json.loads(owner.read_text(encoding="utf-8")).get("pid") == proc.pid
            except (OSError, ValueError):
                owned = False
            if m and owned:
                try:
                    urllib.request.urlopen(m + "/masuk", timeout=5).read()
                    return proc, m
                except (OSError, urllib.error.URLError):
                    pass
            time.sleep(0.1)
        kill_group(proc)
        raise RuntimeError(f"the app did not start: {tail(log)}")

    def round(self, kill_s):
        d = self.round_dir()
        db, log = d / "pantau.duckdb", d / "app.log"
        copy_db(self.seed, db)
        r = Round(self.name, None if kill_s is None else round(kill_s * 1000))
        app, url = self.serve(db, log)
        logins = Logins(url)
        logins.start()
        t0 = time.monotonic()
        writers = [start(pantau("ingest", str(p), "--db", str(db)), d / f"writer-{i}.log", self.env)
                   for i, p in enumerate(self.parts)]
        inbox = db.with_name(db.name + ".inbox")
        landed = False
        if kill_s is None:
            self.drained(writers, inbox, r, t0)
        else:
            while time.monotonic() < t0 + kill_s and not self.all_done(writers, inbox):
                time.sleep(0.005)
            landed = not self.all_done(writers, inbox)  # else missed: hand-over and drain were over
            if landed:
                kill_group(app)
            r.at_kill = (f"{sum(w.poll() is None for w in writers)} writer(s) running, "
                         f"{len(self.batches(inbox))} batch(es) in inbox")
            if not landed:
                self.drained(writers, inbox, r)
        killed_s = time.monotonic() - t0
        logins.stop()
        if kill_s is not None:
            r.at_kill += f"; {logins.ok} logins before the kill"
        if kill_s is not None and landed:
            for w in writers:
                w.wait(timeout=self.cfg.timeout)
            try:
                app, url = self.serve(db, log)  # again: it drains what the killed one left
            except RuntimeError as exc:
                r.problems.append(f"after the kill: {exc}")
                return r, landed, killed_s
            self.drained(writers, inbox, r)
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            try:
                app.wait(timeout=60)
            except subprocess.TimeoutExpired:
                r.problems.append("the app did not stop on SIGTERM")
                kill_group(app)
        if kill_s is not None and not landed:
            return r, False, killed_s
        for i, w in enumerate(writers):
            if w.returncode != 0:
                r.problems.append(f"writer {i} exit {w.returncode}: {tail(d / f'writer-{i}.log', 3)}")
        left = [p.name for p in inbox.rglob("*") if p.is_file()] if inbox.exists() else []
        if left:
            r.problems.append(f"inbox not empty after the stop: {left[:3]}")
        try:  # a second process can open the file read-write once the app stopped
            duckdb.connect(str(db)).close()
        except duckdb.Error as exc:
            r.problems.append(f"cannot open the file after the app stopped: {str(exc).splitlines()[0]}")
        posts, _ = db_posts(db)
        count_keys(posts, self.expected, r)
        if logins.ok == 0:
            r.problems.append(f"no login succeeded ({logins.errors} errors)")
        audit_ok(db, log, r)
        return r, landed, killed_s

    @staticmethod
    def batches(inbox: Path) -> list[Path]:
        return [p for p in inbox.glob("*.jsonl")] if inbox.exists() else []

    def all_done(self, writers, inbox: Path) -> bool:
        return all(w.poll() is not None for w in writers) and not self.batches(inbox)

    def window(self, duration: float) -> tuple[float, float]:
        """Kills land during hand-over and drain: from just before the baseline's first batch to the end."""
        first = self.first_batch_s if self.first_batch_s is not None else 0.03 * duration
        return 0.9 * first, 0.97 * duration

    def drained(self, writers, inbox: Path, r: Round, t0: float | None = None) -> None:
        """Wait until every writer exited and the inbox holds no batch; with t0 (the baseline), note when the
        first batch (or a batch being written) appeared."""
        deadline = time.monotonic() + self.cfg.timeout
        while not self.all_done(writers, inbox):
            if t0 is not None and self.first_batch_s is None and inbox.exists() and any(inbox.iterdir()):
                self.first_batch_s = time.monotonic() - t0
            if time.monotonic() > deadline:
                r.problems.append("the inbox was not drained in time")
                return
            time.sleep(0.05)


class Logins(threading.Thread):
    """Logs in to the app again and again (each login is an audit entry the app writes) until stopped."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.ok, self.errors = url, 0, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()),
                                                     NoRedirect())
                page = opener.open(self.url + "/masuk", timeout=10).read().decode()
                token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
                form = urllib.parse.urlencode({"username": USER, "password": PASSWORD, "csrf_token": token}).encode()
                try:
                    opener.open(self.url + "/masuk", data=form, timeout=10)
                except urllib.error.HTTPError as exc:
                    if exc.code != 303:
                        raise
                self.ok += 1
            except (OSError, AttributeError, urllib.error.URLError):
                self.errors += 1
            self._stop_event.wait(0.5)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - keep the 303 (a successful login)
        return None


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
            f"kill window {lo * 1000:.0f}-{hi * 1000:.0f} ms")
        landed = missed = 0
        while landed < cfg.kills and missed <= 3 * cfg.kills:
            kill_s = rng.uniform(*target.window(duration))
            t = time.monotonic()
            r, hit, _ = target.round(kill_s)
            r.seconds = time.monotonic() - t
            if not hit:
                missed += 1
                say(f"[{name}] kill at {kill_s * 1000:.0f} ms missed (already finished); drawing again")
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
                 bulk_posts=args.bulk_posts, app_posts=args.app_posts, crawl_posts=args.crawl_posts,
                 model=args.model, final_sweep=not args.no_sweep)
    work = args.keep or Path(tempfile.mkdtemp(prefix="kill-campaign-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"kill campaign: seed {seed}, {cfg.kills} kills x {','.join(targets)}, work folder {work}")
    print(f"reproduce: .venv/bin/python -m bench.kill_campaign --seed {seed} --kills {cfg.kills} "
          f"--targets {','.join(targets)}")
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
