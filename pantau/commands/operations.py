"""Running pantau: the demo (`demo`, `demo-site`), the triage app (`serve`), the scheduled deployments (`schedule`,
`worker`) and the deadline reminders (`reminders`)."""

from __future__ import annotations

import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

import pantau.demo
from pantau.commands.common import DEFAULT_DB, fail
from pantau.crawlers.watchlist import WatchlistError

DEMO_WATCHLIST = "Demo Pilkada Sleman"
DEMO_REPORTER = Path(pantau.demo.__file__).resolve().with_name("reporter.toml")  # the demo team's invented reporter

app = typer.Typer()


@app.command()
def demo(
    db: Annotated[Path, typer.Option(help="DuckDB file to write.")] = Path("var/demo.duckdb"),
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the triage app afterwards.")] = True,
    host: Annotated[str, typer.Option(help="Triage app address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Triage app port (0 = any free port).")] = 8000,
) -> None:
    """Start the local demo platform, run the monitor flow over it, then serve the triage app."""
    from pantau.flows.monitor import monitor  # heavy (Prefect): only when a command needs it
    from pantau.demo.site import DemoSite  # http.server and friends (~0.1 s): only the demo commands serve pages
    from pantau.store.db import Store  # heavy (DuckDB): only when a command needs it

    started = time.perf_counter()
    _ensure_demo_account(Store(db))  # first: a bad PANTAU_DEMO_PASSWORD fails before any crawling
    with DemoSite() as site:
        typer.echo(f"demo platform at {site.url}")
        # capture=False keeps the first run quick; `pantau evidence capture --db ...` adds snapshots and screenshots
        monitor(db=db, source="demo", base_url=site.url, watchlist=DEMO_WATCHLIST, capture=False)
    counts = Store(db).counts()
    typer.echo(
        f"stored in {db}: {counts['posts']} posts, {counts['flagged']} flagged, "
        f"{counts['queue']} in the triage queue ({time.perf_counter() - started:.1f}s)"
    )
    for c in Store(db).query("SELECT * FROM v_clusters WHERE accounts >= 2 ORDER BY size DESC LIMIT 3"):
        typer.echo(f"pesan serentak: cluster {c['cluster_id']}, {c['size']} posts by {c['accounts']} accounts in "
                   f"{c['regions']} region(s) within {c['span_hours']:.1f} h: {c['first_text'][:60]}...")
    if serve:
        if not (os.environ.get("PANTAU_REPORTER_FILE") or os.environ.get("PANTAU_REPORTER_NAME")):
            # the demo's packages get an invented reporter (a real team sets its own; the app refuses empty ones)
            os.environ["PANTAU_REPORTER_FILE"] = str(DEMO_REPORTER)
        _serve(db, host, port)


def _ensure_demo_account(store) -> None:
    """The demo needs someone to log in: create `demo` (supervisor) once, printing its password once."""
    if store.scalar("SELECT count(*) FROM users"):
        return
    password = os.environ.get("PANTAU_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    try:
        store.add_user("demo", password, "supervisor", actor="demo")
    except ValueError as exc:
        raise fail(f"PANTAU_DEMO_PASSWORD: {exc}") from None
    shown = "(from PANTAU_DEMO_PASSWORD)" if os.environ.get("PANTAU_DEMO_PASSWORD") else password
    typer.echo(f"demo account: username demo, password {shown} (shown once; change it with `pantau user passwd demo`)")


@app.command("demo-site")
def demo_site(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8800,
) -> None:
    """Serve only the local demo social platform (generated posts) until Ctrl-C."""
    from pantau.demo.site import serve_forever  # http.server and friends (~0.1 s): only the demo commands serve pages

    typer.echo(f"demo platform at http://{host}:{port}")
    try:
        serve_forever(host, port)
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@app.command()
def serve(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="0 = any free port.")] = 8000,
) -> None:
    """Serve the triage web app."""
    _serve(db, host, port)


def _serve(db: Path, host: str, port: int) -> None:
    import uvicorn  # heavy (uvicorn): only when a command needs it

    from pantau.triage.app import create_app  # heavy (FastAPI and the app): only when a command needs it
    from pantau.triage.server import listening_socket, uvicorn_config  # heavy (uvicorn): only when a command needs it

    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror}; try --port 0") from None
    actual = sock.getsockname()[1]
    typer.echo(f"triage app at http://{host}:{actual}/  (Ctrl-C to stop)")
    sys.stdout.flush()
    uvicorn.Server(uvicorn_config(create_app(db))).run(sockets=[sock])  # proxy headers: PANTAU_TRUSTED_PROXIES


DeploymentName = Annotated[str, typer.Argument(help="Deployment name, as in `pantau schedule list`.")]
ScheduleDb = Annotated[Path, typer.Option(help="DuckDB file the scheduled runs use.")]
ScheduleWatchlist = Annotated[Optional[Path], typer.Option(help="Watchlist TOML (for monitor deployments).")]

schedule_app = typer.Typer(name="schedule", no_args_is_help=True,
                           help="Scheduled Prefect deployments (cron, Asia/Jakarta time; docs/operations.md).")


def _deployment_plans(db: Path, watchlist: Optional[Path]):  # noqa: ANN202
    from pantau.flows.deployments import plans  # heavy (Prefect): only when a command needs it

    try:
        return plans(db, watchlist)
    except (WatchlistError, ValueError) as exc:
        raise fail(str(exc)) from None


@schedule_app.command("list")
def schedule_list(
    db: Annotated[Path, typer.Option(help="DuckDB file the scheduled runs use.")] = DEFAULT_DB,
    watchlist: Annotated[Optional[Path], typer.Option(help="Watchlist TOML: one monitor deployment per source.")] = None,
) -> None:
    """Print every deployment `pantau worker` would serve: name, flow, cron, time zone and whether it is paused
    (the schedule file's changes included; starts nothing)."""
    found = _deployment_plans(db, watchlist)
    typer.echo(f"{'deployment':28} {'flow':20} {'cron':14} {'timezone':13} state")
    for p in found:
        source = f"  source={p.parameters['source']}" if "source" in p.parameters else ""
        typer.echo(f"{p.name:28} {p.flow:20} {p.cron:14} {p.timezone:13} {'paused' if p.paused else 'active'}{source}")
    if watchlist is None:
        typer.echo("(no --watchlist: no monitor deployments)")


def _change_schedule(name: str, db: Path, watchlist: Optional[Path], **change: object) -> None:
    from prefect.settings import PREFECT_API_URL  # heavy (Prefect): only when a command needs it

    from pantau.flows.deployments import ScheduleError, apply_to_server, find_plan, schedules_path, write_override  # heavy (Prefect): only when a command needs it

    try:
        find_plan(_deployment_plans(db, watchlist), name)
        write_override(name, **change)
        plan = find_plan(_deployment_plans(db, watchlist), name)
    except ScheduleError as exc:
        raise fail(str(exc)) from None
    state = "paused" if plan.paused else "active"
    typer.echo(f"{plan.name}: {plan.cron} ({plan.timezone}), {state}; saved in {schedules_path()}")
    if not PREFECT_API_URL.value():
        typer.echo("PREFECT_API_URL is not set: the change applies when `pantau worker` starts")
        return
    try:
        import asyncio  # slow to import (~0.2 s), only this command runs an event loop

        known = asyncio.run(apply_to_server(plan))
    except Exception as exc:  # noqa: BLE001 - the server is down or refused: the file still holds the change
        raise fail(f"saved, but the Prefect server did not take the change ({type(exc).__name__}: {exc}); "
                   "it applies when `pantau worker` starts") from None
    typer.echo("the Prefect server has the change" if known else
               "the Prefect server does not know this deployment yet: it applies when `pantau worker` starts")


@schedule_app.command("set")
def schedule_set(
    name: DeploymentName,
    cron: Annotated[str, typer.Option(help="Cron string in Asia/Jakarta time, e.g. \"0 */4 * * *\".")],
    db: ScheduleDb = DEFAULT_DB,
    watchlist: ScheduleWatchlist = None,
) -> None:
    """Change a deployment's cron: kept in the schedule file (PANTAU_SCHEDULES, default var/schedules.json) and
    sent to the Prefect server in PREFECT_API_URL when it is set."""
    from pantau.flows.deployments import ScheduleError, check_cron  # heavy (Prefect): only when a command needs it

    try:
        check_cron(cron)
    except ScheduleError as exc:
        raise fail(str(exc)) from None
    _change_schedule(name, db, watchlist, cron=cron)


@schedule_app.command("pause")
def schedule_pause(
    name: DeploymentName,
    db: ScheduleDb = DEFAULT_DB,
    watchlist: ScheduleWatchlist = None,
) -> None:
    """Pause a deployment: no scheduled runs until `pantau schedule resume` (kept across worker restarts)."""
    _change_schedule(name, db, watchlist, paused=True)


@schedule_app.command("resume")
def schedule_resume(
    name: DeploymentName,
    db: ScheduleDb = DEFAULT_DB,
    watchlist: ScheduleWatchlist = None,
) -> None:
    """Resume a paused deployment."""
    _change_schedule(name, db, watchlist, paused=False)


@app.command("worker")
def worker(
    db: Annotated[Path, typer.Option(help="DuckDB file the scheduled runs use.")] = DEFAULT_DB,
    watchlist: Annotated[Optional[Path], typer.Option(help="Watchlist TOML: one monitor deployment per source.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Most flow runs at once in this process.")] = None,
    server: Annotated[bool, typer.Option("--server", help="Also start a local Prefect server (state in "
                                         "--server-home) and use it, instead of PREFECT_API_URL.")] = False,
    server_port: Annotated[int, typer.Option(help="Port of the local Prefect server (--server).")] = 4200,
    server_home: Annotated[Path, typer.Option(help="Folder of the local Prefect server's database and log "
                                              "(--server).")] = Path("var/prefect"),
) -> None:
    """Register the deployments with the Prefect server and run their scheduled runs here until Ctrl-C
    (prefect.serve). The server: PREFECT_API_URL, or with --server one started here (docs/operations.md)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings  # heavy (Prefect): only when a command needs it

    from pantau.flows.deployments import ScheduleError, crawl_limits  # heavy (Prefect): only when a command needs it
    from pantau.flows.server import local_server  # subprocess, http (~0.1 s): only `worker --server` starts one

    found = _deployment_plans(db, watchlist)  # a bad watchlist fails here, with its line
    try:
        limits = crawl_limits(found)
    except ScheduleError as exc:
        raise fail(str(exc)) from None
    if server:
        # a service manager stops the worker with SIGTERM: end like Ctrl-C, so the server is stopped too
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            with local_server(server_home, server_port) as api:
                typer.echo(f"Prefect server at {api.removesuffix('/api')} (state in {server_home})")
                os.environ["PREFECT_API_URL"] = api  # the flow-run subprocesses talk to it too
                with temporary_settings({PREFECT_API_URL: api}):
                    _serve_deployments(db, watchlist, limits, limit)
        except RuntimeError as exc:
            raise fail(str(exc)) from None
        return
    if not PREFECT_API_URL.value():
        typer.secho("warning: PREFECT_API_URL is not set: runs go to a temporary server with no scheduler; "
                    "use `pantau worker --server`, or start `prefect server start` and set "
                    "PREFECT_API_URL=http://127.0.0.1:4200/api", fg=typer.colors.YELLOW, err=True)
    _serve_deployments(db, watchlist, limits, limit)


def _serve_deployments(db: Path, watchlist: Optional[Path], limits: dict[str, int], limit: Optional[int]) -> None:
    from prefect import serve  # heavy (Prefect): only when a command needs it

    from pantau.flows.deployments import build_deployments, ensure_limits  # heavy (Prefect): only when a command needs it

    deployments = build_deployments(db, watchlist)
    ensure_limits(limits)
    if limits:
        typer.echo("crawl concurrency limits: " + ", ".join(f"{k}={v}" for k, v in limits.items()))
    typer.echo(f"serving {len(deployments)} deployment(s): {', '.join(d.name for d in deployments)}")
    sys.stdout.flush()
    serve(*deployments, limit=limit, print_starting_message=False)


@app.command("reminders")
def reminders(db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB) -> None:
    """Run the `deadline_reminders` flow once: referrals due within 48 h or overdue go to the notification hook
    (PANTAU_NOTIFY_WEBHOOK and/or PANTAU_SMTP_HOST/FROM/TO; docs/operations.md)."""
    from pantau.flows.reminders import deadline_reminders  # heavy (Prefect): only when a command needs it

    state = deadline_reminders(db=db, return_state=True)
    result = state.result(raise_on_failure=False)
    if not state.is_completed():
        raise fail(str(result))
    typer.echo(f"{result['due']} referral deadline(s) due within 48 h or overdue ({result['overdue']} overdue); "
               f"sent via {', '.join(result['sent']) or 'nothing'}")
    typer.echo(f"{result['first_review_overdue']} item(s) not reviewed within the first-review target; "
               f"shift handover due: {'yes' if result['handover_due'] else 'no'}")
