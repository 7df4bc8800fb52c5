"""Run one crawl in a subprocess and report what it did.

Scrapy's Twisted reactor cannot be restarted inside one process, so every crawl is
`python -m scrapy crawl <source> -a k=v ... -s PANTAU_ITEMS_FILE=...` in a child process with
SCRAPY_SETTINGS_MODULE=pantau.crawlers.settings (no scrapy.cfg needed). Next to `out_path` it leaves
`<out>.log` (the whole Scrapy log) and `<out>.stats.json` (final stats, written by the StatsFile extension).
The output file is replaced only when the crawl succeeds; an earlier file at `out_path` is never clobbered by
a failed run (the partial output, if any, is kept as `<out>.partial`).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from pantau.proc import PARENT_ENV, stop

SETTINGS_MODULE = "pantau.crawlers.settings"
PLATFORMS_PACKAGE = "pantau.crawlers.platforms"
LOG_TAIL_LINES = 40
_ARG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class CrawlResult:
    items: int  # posts written to out_path (valid, deduplicated)
    invalid: int  # items dropped by the validation pipeline
    pages: int  # listing pages fetched and parsed (timeline / search / API pages)
    errors: int  # ERROR log lines + HTTP error responses given up on
    returncode: int
    log_path: Path
    stats_path: Path | None = None
    malformed: int = 0  # posts skipped by the parsers (missing id/text, bad time...)
    duplicates: int = 0  # items dropped as repeats within this crawl
    retries: int = 0  # requests retried (any reason)
    retry_after: int = 0  # of which waited for a Retry-After / 429 backoff
    finish_reason: str | None = None
    page_errors: int = 0  # pages fetched but unreadable (bad JSON, wrong content type, empty body...)
    request_failures: int = 0  # requests given up on (HTTP errors, timeouts, size limit, redirect loops...)


class CrawlError(RuntimeError):
    """A crawl that could not run or produced nothing usable; the message ends with the log tail."""

    def __init__(self, message: str, *, log_path: Path | None = None, log_tail: str = ""):
        full = message
        if log_path is not None:
            full += f"\nlog: {log_path}"
        if log_tail:
            full += f"\n--- last lines of the log ---\n{log_tail}"
        super().__init__(full)
        self.log_path, self.log_tail = log_path, log_tail


class CrawlConfigError(CrawlError):
    """A crawl that cannot run as asked (unknown source, bad argument name): retrying cannot help."""


def list_sources() -> list[tuple[str, str]]:
    """(name, description) of every crawler adapter: the folders of pantau/crawlers/platforms/."""
    package = importlib.import_module(PLATFORMS_PACKAGE)
    sources = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{PLATFORMS_PACKAGE}.{info.name}")
        sources.append((info.name, str(getattr(module, "DESCRIPTION", "")).strip()))
    return sources


def crawl_command(
    source: str,
    work_dir: Path,
    *,
    spider_args: dict[str, str],
    settings: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    checkpoint: bool = True,
) -> tuple[list[str], dict[str, str]]:
    """(argv, env) of the Scrapy child process writing items to `work_dir/items.jsonl` (crash safe, appending)
    with resume checkpoints in `work_dir/checkpoint.json` and final stats in `work_dir/stats.json`."""
    for key in spider_args:
        if not _ARG_NAME.match(key):
            raise CrawlConfigError(f"bad spider argument name {key!r}")
    for key in settings or {}:
        if not _SETTING_NAME.match(key):
            raise CrawlConfigError(f"bad Scrapy setting name {key!r}")
    work_dir = Path(work_dir).absolute()
    cmd = [sys.executable, "-m", "scrapy", "crawl", source]
    for key, value in spider_args.items():
        cmd += ["-a", f"{key}={value}"]
    run_settings = {
        **(settings or {}),
        "PANTAU_STATS_FILE": str(work_dir / "stats.json"),
        "PANTAU_ITEMS_FILE": str(work_dir / "items.jsonl"),
    }
    if checkpoint:  # only useful when work_dir outlives the process (resume)
        run_settings["PANTAU_CHECKPOINT_FILE"] = str(work_dir / "checkpoint.json")
    for key, value in run_settings.items():
        cmd += ["-s", f"{key}={_setting_text(value)}"]
    child_env = {**(os.environ if env is None else env), "SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE, "PYTHONIOENCODING": "utf-8",
                 PARENT_ENV: str(os.getpid())}  # the crawl dies with this process (pantau.proc.die_with_parent)
    child_env.pop("SCRAPY_PROJECT", None)
    return cmd, child_env


def default_state_path(out_path: str | Path, source: str) -> Path:
    """Where incremental state lives unless told otherwise: `<output folder>/crawl-state/<source>.json`."""
    return Path(out_path).absolute().parent / "crawl-state" / f"{source}.json"


def _wait(proc: subprocess.Popen, timeout: float | None, items: Path,
          on_progress: Callable[[int], None] | None) -> int:
    """proc.wait(timeout), reporting the posts written so far (counted incrementally) while it runs."""
    if on_progress is None:
        return proc.wait(timeout=timeout)
    deadline = None if timeout is None else time.monotonic() + timeout
    seen = offset = 0
    while True:
        try:
            return proc.wait(timeout=0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            if deadline is not None and time.monotonic() >= deadline:
                raise
        try:
            with open(items, "rb") as fh:
                fh.seek(offset)
                chunk = fh.read()
        except FileNotFoundError:
            continue
        complete = chunk.rfind(b"\n") + 1  # count only finished lines
        seen += chunk.count(b"\n", 0, complete)
        offset += complete
        on_progress(seen)


def run_crawl(
    source: str,
    out_path: str | Path,
    *,
    spider_args: dict[str, str],
    settings: dict[str, Any] | None = None,
    timeout: float | None = None,
    state_path: str | Path | None | bool = None,
    resume_dir: str | Path | None = None,
    env: dict[str, str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> CrawlResult:
    """Crawl `source` into the JSON Lines file `out_path` (one Post payload per line).

    state_path: incremental state file (default `default_state_path`; False = no state, full crawl).
    resume_dir: a folder kept between attempts; a crawl killed mid-run and started again with the same
    resume_dir continues from its checkpoints and ends with every post exactly once.
    env: environment of the child process (default: this process's), e.g. to pass credentials.
    on_progress: called about twice a second with the number of posts written so far (CLI progress bar).
    """
    names = [name for name, _ in list_sources()]
    if source not in names:
        raise CrawlConfigError(f"unknown source {source!r}; available: {', '.join(names) or 'none'}")
    spider_args = dict(spider_args)
    if state_path is not False and "state_file" not in spider_args:
        spider_args["state_file"] = str(Path(state_path) if state_path else default_state_path(out_path, source))

    out_path = Path(out_path).absolute()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    log_path = out_path.with_name(out_path.name + ".log")
    stats_path = out_path.with_name(out_path.name + ".stats.json")
    partial_path = out_path.with_name(out_path.name + ".partial")
    if resume_dir is not None:
        work = Path(resume_dir).absolute()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix=".pantau-crawl-", dir=out_path.parent))
    keep_work = resume_dir is not None
    try:
        items_tmp, stats_tmp = work / "items.jsonl", work / "stats.json"
        stats_tmp.unlink(missing_ok=True)
        cmd, child_env = crawl_command(source, work, spider_args=spider_args, settings=settings, env=env, checkpoint=keep_work)
        with open(log_path, "ab" if keep_work else "wb") as log:
            proc = subprocess.Popen(cmd, cwd=work, env=child_env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            try:
                returncode = _wait(proc, timeout, items_tmp, on_progress)
            except subprocess.TimeoutExpired:
                stop(proc, grace=15)
                if not keep_work:
                    _keep_partial(items_tmp, partial_path)
                raise CrawlError(f"crawl {source} timed out after {timeout}s", log_path=log_path, log_tail=_tail(log_path)) from None

        stats = _read_stats(stats_tmp)
        if returncode != 0:
            if not keep_work:
                _keep_partial(items_tmp, partial_path)
            tail = _tail(log_path)
            reason = _spider_error(tail)
            raise CrawlError(f"crawl {source} failed (exit code {returncode})" + (f": {reason}" if reason else ""),
                             log_path=log_path, log_tail=tail)
        if not stats:
            raise CrawlError(f"crawl {source} wrote no stats (did it start?)", log_path=log_path, log_tail=_tail(log_path))
        pages = int(stats.get("pantau/pages", 0))
        errors = (
            int(stats.get("log_count/ERROR", 0))
            + int(stats.get("httperror/response_ignored_count", 0))
        )
        if pages == 0 and not (keep_work and items_tmp.exists() and items_tmp.stat().st_size):
            if not keep_work:
                _keep_partial(items_tmp, partial_path)
            raise CrawlError(
                f"crawl {source} fetched no page ({errors} errors, finish reason {stats.get('finish_reason')!r})",
                log_path=log_path, log_tail=_tail(log_path),
            )
        items = _count_lines(items_tmp)
        if items_tmp.exists():
            os.replace(items_tmp, out_path)
        else:
            out_path.write_bytes(b"")
        os.replace(stats_tmp, stats_path)
        partial_path.unlink(missing_ok=True)
        if keep_work:
            (work / "checkpoint.json").unlink(missing_ok=True)
        return CrawlResult(
            items=items,
            invalid=int(stats.get("pantau/invalid_items", 0)),
            pages=pages,
            errors=errors,
            returncode=returncode,
            log_path=log_path,
            stats_path=stats_path,
            malformed=int(stats.get("pantau/malformed_posts", 0)),
            duplicates=int(stats.get("pantau/duplicate_items", 0)),
            retries=int(stats.get("retry/count", 0)),
            retry_after=int(stats.get("pantau/retry_after/count", 0)),
            finish_reason=stats.get("finish_reason"),
            page_errors=int(stats.get("pantau/page_errors", 0)),
            request_failures=int(stats.get("pantau/request_failures", 0)),
        )
    finally:
        if not keep_work:
            shutil.rmtree(work, ignore_errors=True)


def _spider_error(tail: str) -> str | None:
    """The message of a spider's refusal to start (bad argument, missing credentials), from the log tail."""
    for line in reversed(tail.splitlines()):
        m = re.match(r"^(?:pantau\.crawlers\.common\.AuthError|ValueError|pantau\.crawlers\.\S+Error): (.+)$", line.strip())
        if m:
            return m.group(1)
    return None


def _setting_text(value: Any) -> str:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value)
    return str(value)


def _read_stats(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def _keep_partial(items_tmp: Path, partial_path: Path) -> None:
    if items_tmp.exists() and items_tmp.stat().st_size > 0:
        os.replace(items_tmp, partial_path)


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
