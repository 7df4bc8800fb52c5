"""The kill -9 campaign's processes and checks (bench/kill_campaign.py): start a pantau command in its own process
group, SIGKILL it (or its group) at a point, run it again, and count what the database or output file holds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PASSWORD = "kill-campaign-Pw-2026"  # of the throwaway account every campaign database is seeded with
USER = "kampanye"
DEFAULT_TEMP_GRACE = 60.0


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
        from pantau.store.db import TEMP_GRACE  # heavy (the store): only this function needs it
        return float(TEMP_GRACE)
    except ImportError:
        return DEFAULT_TEMP_GRACE


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def staging_files(tmp: Path) -> list[Path]:
    return sorted(p for p in tmp.glob("pantau-*") if p.is_file())


def check_temp(tmp: Path, started: float, r: Round) -> None:
    """Staging files that were older than the grace period when the recovery run started (`started`, wall
    clock) must have been removed by it."""
    grace = temp_grace()
    stale = [p.name for p in staging_files(tmp) if started - p.stat().st_mtime > grace + 1]
    if stale:
        r.problems.append(f"{len(stale)} staging file(s) older than {grace:.0f}s left by the re-run: {stale[:3]}")


