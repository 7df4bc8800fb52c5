"""The kill -9 campaign's targets (bench/kill_campaign.py): crawl, crawl-parent, ingest, bulk and the app during
hand-over. Each prepares its input once, then runs rounds: the baseline (no kill) and one round per kill point."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import duckdb
from bench.ingest_throughput import write_posts
from bench.kill_procs import (PASSWORD, Round, USER, audit_ok, check_temp, copy_db, count_keys, count_lines, db_posts,
                              file_keys, kill_at, kill_group, pantau, run, seed_db, staging_files, start, stored_count,
                              tail, temp_grace, wait_group)

from pantau.demo.generate import generate_posts
from pantau.demo.site import DemoSite

TARGETS = ("crawl", "ingest", "bulk", "app")


@dataclass
class Config:
    kills: int = 20
    seed: int = 21
    targets: tuple[str, ...] = TARGETS
    crawl_posts: int = 3000
    ingest_posts: int = 60_000
    bulk_posts: int = 2_000  # 4 chunks: the store phase is 4 chained stores
    bulk_chunk: int = 500
    app_posts: int = 20_000
    app_writers: int = 4
    model: Path | None = None  # bulk: --model (default: the packaged model)
    final_sweep: bool = True  # ingest: wait out the staging-file grace period, run once more, expect no leftovers
    timeout: float = 600.0  # per command



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

    def draw(self, rng: random.Random, duration: float, landed: int) -> float:
        """The next kill point (seconds), drawn from `window`; `landed` kills so far."""
        return rng.uniform(*self.window(duration))

    def aim_text(self) -> str:
        """What the next kill point counts from (printed before it): the start, unless a target aims at a phase."""
        return ""

    def baseline_text(self) -> str:
        """What the baseline measured besides its duration (printed)."""
        return ""

    def round(self, kill_s: float | None) -> tuple[Round, bool, float]:
        """(result, landed, seconds of the killed phase); `landed` False when the kill came too late."""
        raise NotImplementedError

    def finish(self, rounds: list[Round]) -> None:
        """After the last round (e.g. the final temp-file sweep)."""


class CrawlTarget(Target):
    name = "crawl"
    group = True  # SIGKILL the whole process group (pantau and its Scrapy child)

    def prepare(self) -> None:
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
        # Start-up waits of the commands' helpers, generous: Prefect's ephemeral API server (each command starts
        # one) gets 20 s by default, Dask connections 30 s. On the loaded 2-core machine a bulk recovery run failed
        # at start-up (a timeout on 127.0.0.1), before its flow began: a start-up flake, not what is measured here.
        self.env = {**os.environ, "TMPDIR": str(self.tmp), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600",
                    "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "300s"}

    def killed_command(self, cmd: list[str], db: Path, log: Path, kill_s: float | None, r: Round):
        t0 = time.monotonic()
        self.rerun_started = time.time()  # the run whose start must have removed older staging files
        proc = start(cmd, log, self.env)
        landed = False
        if kill_s is not None:
            landed = kill_at(proc, kill_s, t0)
            r.at_kill = stored_count(db)
        rc = proc.wait(timeout=self.cfg.timeout) if kill_s is None else None
        killed_s = time.monotonic() - t0
        if kill_s is None or landed:
            self.rerun_started = time.time()
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
            check_temp(self.tmp, self.rerun_started, r)
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
