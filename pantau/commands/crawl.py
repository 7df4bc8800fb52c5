"""Collecting posts: `sources`, `crawl`, `intake`, the `monitor` flow, the `watchlist` and the election `calendar`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from pantau.calendar import CalendarError, load_calendar
from pantau.commands.common import DEFAULT_DB, fail
from pantau.crawlers.run import CrawlError, list_sources, run_crawl
from pantau.crawlers.watchlist import WatchlistError, crawl_plan, load_watchlist
from pantau.progress import progress

app = typer.Typer()


@app.command()
def sources() -> None:
    """List the crawler adapters."""
    for name, description in list_sources():
        typer.echo(f"{name:12} {description}")


def _spider_args(base: dict[str, object], extra: list[str] | None) -> dict[str, str]:
    spider_args = {k: str(v) for k, v in base.items() if v}
    for item in extra or []:
        if "=" not in item:
            raise fail(f"-a expects NAME=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        spider_args[k] = v
    return spider_args


@app.command()
def crawl(
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON Lines file of Posts to write.")],
    source: Annotated[str, typer.Option(help="Adapter name (see `pantau sources`).")] = "demo",
    base_url: Annotated[Optional[str], typer.Option(help="Site or API base URL.")] = None,
    query: Annotated[Optional[str], typer.Option(help="Search query, if the source supports it.")] = None,
    max_pages: Annotated[Optional[int], typer.Option(help="Stop after this many pages.")] = None,
    arg: Annotated[Optional[list[str]], typer.Option("-a", help="Extra spider argument NAME=VALUE.")] = None,
    state: Annotated[Optional[Path], typer.Option(help="Incremental state file (default: <output dir>/crawl-state/<source>.json).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Ignore and do not update the incremental state.")] = False,
    resume_dir: Annotated[Optional[Path], typer.Option(help="Folder kept between attempts: a killed crawl run again resumes.")] = None,
) -> None:
    """Crawl one source into a JSON Lines file (runs Scrapy in a subprocess)."""
    spider_args = _spider_args({"base_url": base_url, "query": query, "max_pages": max_pages}, arg)
    try:
        with progress(f"crawl {source}") as update:
            result = run_crawl(source, output, spider_args=spider_args, state_path=False if full else state,
                               resume_dir=resume_dir, on_progress=update)
    except CrawlError as exc:
        raise fail(str(exc)) from None
    typer.echo(
        f"{result.items} posts -> {output} ({result.invalid} invalid, {result.malformed} malformed, "
        f"{result.page_errors} unreadable pages, {result.request_failures} failed requests, {result.errors} errors)"
    )


@app.command()
def intake(
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON Lines file to write the submission to.")],
    url: Annotated[Optional[str], typer.Option(help="URL of the post (Facebook, Instagram, TikTok, any site).")] = None,
    tip: Annotated[Optional[str], typer.Option(help="What the reporter saw, in their words.")] = None,
    reporter_contact: Annotated[Optional[str], typer.Option(help="How to reach the reporter (phone, email).")] = None,
    submitted_by: Annotated[Optional[str], typer.Option(help="Team member entering the tip.")] = None,
    fetch: Annotated[bool, typer.Option("--fetch/--no-fetch", help="Fetch the URL for title, description and hash.")] = True,
) -> None:
    """Record a manual URL or citizen tip (stored with who submitted it and when; the page fetched when possible)."""
    if not url and not tip:
        raise fail("give --url and/or --tip")
    args = _spider_args({"url": url, "tip": tip, "reporter_contact": reporter_contact, "submitted_by": submitted_by}, None)
    args["fetch"] = "1" if fetch else "0"
    try:
        result = run_crawl("intake", output, spider_args=args, state_path=False)
    except CrawlError as exc:
        raise fail(str(exc)) from None
    line = output.read_text(encoding="utf-8").splitlines()[0]
    post = json.loads(line)
    typer.echo(f"recorded {post['platform']}/{post['post_id']} at {post['captured_at']} -> {output}"
               + ("" if result.request_failures == 0 else " (page not fetched)"))


calendar_app = typer.Typer(name="calendar", no_args_is_help=True,
                           help="The election calendar: stages per election and region (docs/calendar.md).")


@calendar_app.command("check")
def calendar_check(
    folder: Annotated[Optional[Path], typer.Argument(
        help="Calendar folder (default: PANTAU_CALENDAR_DIR, else the calendar shipped with pantau).")] = None,
    region: Annotated[str, typer.Option(help="List the stages as they apply to this region (its zone, overrides).")] = "",
) -> None:
    """Validate the calendar files (errors name the file, line and field) and list the stages with their UTC bounds."""
    try:
        cal = load_calendar(folder)
    except CalendarError as exc:
        raise fail(str(exc)) from None
    stages = cal.stages_for(region or None)
    typer.echo(f"ok: {len(cal.elections)} election(s), {len(cal.entries)} stage(s); region {region or '(none)'!r} "
               f"is in {cal.zone_of(region or None)}")
    for s in stages:
        typer.echo(f"{s.key:28} {s.starts_at:%Y-%m-%dT%H:%MZ} .. {s.ends_at:%Y-%m-%dT%H:%MZ}  {s.text}")


watchlist_app = typer.Typer(name="watchlist", no_args_is_help=True,
                            help="Check a team's watchlist file and crawl what it lists.")


def _load_watchlist(path: Path):  # noqa: ANN202
    try:
        return load_watchlist(path)
    except WatchlistError as exc:
        raise fail(str(exc)) from None


@watchlist_app.command("check")
def watchlist_check(path: Annotated[Path, typer.Argument(help="Watchlist TOML file.")]) -> None:
    """Validate a watchlist; errors name the key and line."""
    wl = _load_watchlist(path)
    typer.echo(f"ok: {wl.team}: {len(wl.elections)} election(s), {len(wl.candidates)} candidate pair(s), "
               f"{len(wl.keywords)} keyword(s), {len(wl.sources)} source(s)")


@watchlist_app.command("plan")
def watchlist_plan(path: Annotated[Path, typer.Argument(help="Watchlist TOML file.")]) -> None:
    """Print the crawl jobs a watchlist describes."""
    for job in crawl_plan(_load_watchlist(path)):
        args = " ".join(f"-a {k}={v!r}" for k, v in job.spider_args.items())
        typer.echo(f"{job.label:20} {job.source:10} {job.region or '-':18} {args}")


@watchlist_app.command("crawl")
def watchlist_crawl(
    path: Annotated[Path, typer.Argument(help="Watchlist TOML file.")],
    out_dir: Annotated[Path, typer.Option("-o", "--out-dir", help="Folder for <label>.jsonl files and crawl-state/.")],
) -> None:
    """Run every crawl job of a watchlist (incremental: state kept in <out-dir>/crawl-state/)."""
    failed = 0
    for job in crawl_plan(_load_watchlist(path)):
        out = out_dir / f"{job.label}.jsonl"
        try:
            result = run_crawl(job.source, out, spider_args=job.spider_args,
                               state_path=out_dir / "crawl-state" / f"{job.label}.json")
            typer.echo(f"{job.label}: {result.items} new posts -> {out}")
        except CrawlError as exc:
            failed += 1
            typer.secho(f"{job.label}: failed: {str(exc).splitlines()[0]} (log {out}.log)", fg=typer.colors.RED, err=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def monitor(
    db: Annotated[Path, typer.Option(help="DuckDB file, or a DuckLake target (ducklake:...; no evidence "
                                     "capture there).")] = DEFAULT_DB,
    source: Annotated[str, typer.Option(help="Adapter name.")] = "demo",
    base_url: Annotated[Optional[str], typer.Option(help="Site or API base URL.")] = None,
    query: Annotated[Optional[str], typer.Option()] = None,
    max_pages: Annotated[Optional[int], typer.Option()] = None,
    watchlist: Annotated[Optional[str], typer.Option(help="Tag the posts with this watchlist (queue filter).")] = None,
    capture: Annotated[bool, typer.Option("--capture/--no-capture",
                                          help="Capture evidence (snapshot, screenshot) of newly flagged posts.")] = True,
) -> None:
    """Run the Prefect `monitor` flow once: crawl, store, classify, store results, capture evidence."""
    from pantau.flows.monitor import monitor as monitor_flow  # heavy (Prefect): only when a command needs it

    summary = monitor_flow(db=db, source=source, base_url=base_url, query=query, max_pages=max_pages,
                           watchlist=watchlist, capture=capture)
    stored, classified = summary["store"], summary["classify"]
    handed = f", {stored['queued']} handed to the running triage app" if stored["queued"] else ""
    ev = summary["evidence"]
    captured = f"; evidence of {ev['posts']} post(s): {ev['ok']} file(s), {ev['failed']} failed" if ev else ""
    typer.echo(f"monitor {source}: {summary['crawl']['items']} crawled, {stored['new']} new{handed}, "
               f"{classified['flagged']} flagged of {classified['classified']} (model {classified['model_version']})"
               f"{captured}")
