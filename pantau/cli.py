"""`pantau`: one command line for every job.

Heavy imports (DuckDB, Prefect, FastAPI, numpy) happen inside the commands that need them, so
`pantau --help` is instant and importing this module has no side effects.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Annotated, Optional

import typer

from pantau.calendar import CalendarError, load_calendar
from pantau.crawlers.run import CrawlError, list_sources, run_crawl
from pantau.crawlers.watchlist import WatchlistError, crawl_plan, load_watchlist
from pantau.post import JsonlError, iter_jsonl_posts
from pantau.progress import count_lines, progress
from pantau.referral.evidence import EvidenceError, evidence_dir, purge
from pantau.referral.reporter import ReporterError, load_reporter

app = typer.Typer(
    name="pantau",
    help="pantau: monitor civil servants (ASN) campaigning on social media, triage and refer to Bawaslu.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_DB = Path("var/pantau.duckdb")
CLASSIFY_CHUNK = 5000  # posts per classifier call in `pantau classify` (bounded memory, steady progress)

# Privacy and offline defaults, applied when the CLI starts (never at import time).
ENV_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # Prefect's temporary server (flows run without PREFECT_API_URL) gets 20 s to start by default: too little on
    # a busy 2-core machine, where `pantau demo` then failed with "Timed out while attempting to connect".
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "SCRAPY_SETTINGS_MODULE": "pantau.crawlers.settings",
}


def apply_env_defaults() -> None:
    for key, value in ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)


def store_failure(exc: Exception) -> typer.Exit:
    """Exit 3 when the triage app owns the database (StoreBusy: try again once it is stopped), else 1."""
    from pantau.store.db import StoreBusy  # heavy (DuckDB): only when a command needs it

    return fail(str(exc), 3 if isinstance(exc, StoreBusy) else 1)


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@app.callback()
def _main() -> None:
    apply_env_defaults()


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


calendar_app = typer.Typer(help="The election calendar: stages per election and region (docs/calendar.md).",
                            no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")


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


watchlist_app = typer.Typer(help="Check a team's watchlist file and crawl what it lists.", no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")


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
def classify(
    input: Annotated[Path, typer.Argument(help="JSON Lines file, one Post per line.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON Lines file of results.")],
    skip_invalid: Annotated[bool, typer.Option(help="Skip bad lines instead of stopping.")] = False,
    model: Annotated[Optional[Path], typer.Option(help="Model file (.npz); default: the shipped model.")] = None,
) -> None:
    """Classify posts: one result per valid input line (score, flagged, category, signals, model_version)."""
    from pantau.nlp.classifier import ModelError, load  # heavy (numpy and the model): only when a command needs it
    if not input.exists():
        raise fail(f"{input}: no such file")
    try:
        clf = load(model)
    except (FileNotFoundError, ModelError) as exc:
        raise fail(str(exc)) from None
    errors: list[JsonlError] = []
    posts = iter_jsonl_posts(input, skip_invalid=skip_invalid, errors=errors)
    n = flagged = 0
    # streamed in chunks (bounded memory); the output appears only complete (temp file renamed at the end)
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        with progress("classify", count_lines(input)) as update, tmp.open("w", encoding="utf-8") as out:
            while chunk := list(islice(posts, CLASSIFY_CHUNK)):
                for r in clf.classify(chunk):
                    out.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
                    flagged += bool(r["flagged"])
                n += len(chunk)
                update(n + len(errors))
        os.replace(tmp, output)
    except JsonlError as exc:
        raise fail(f"{exc} (use --skip-invalid to skip bad lines); no output written") from None
    finally:
        tmp.unlink(missing_ok=True)
    for err in errors:
        typer.echo(f"skipped {err}", err=True)
    typer.echo(f"{n} classified, {flagged} flagged, {len(errors)} skipped -> {output} (model {clf.version})")


@app.command()
def evaluate(
    model: Annotated[Optional[Path], typer.Option(help="Model file (.npz); default: the shipped model.")] = None,
    sets: Annotated[str, typer.Option(help="Comma-separated sets: heldout, realistic, demo, independent "
                                           "(nlp/data/eval_independent.jsonl), everyday (nlp/data/eval_everyday.jsonl)."
                                      )] = "heldout,realistic,demo,independent,everyday",
    as_json: Annotated[bool, typer.Option("--json", help="Print the full evaluation as JSON.")] = False,
) -> None:
    """Evaluate the model and a keyword baseline: P/R/F1, per category, confusion matrix, threshold curve."""
    from pantau.nlp.classifier import ModelError, load  # heavy (numpy and the model): only when a command needs it
    from pantau.nlp.evaluate import evaluate_all  # heavy (numpy and the model): only when a command needs it
    from pantau.nlp.train import METRICS_FILE  # heavy (numpy and the model): only when a command needs it

    try:
        clf = load(model)
    except (FileNotFoundError, ModelError) as exc:
        raise fail(str(exc)) from None
    metrics_path = (clf.path.parent if clf.path else Path(".")) / METRICS_FILE
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    try:
        result = evaluate_all(clf, metrics, sets=[x.strip() for x in sets.split(",") if x.strip()])
    except ValueError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    typer.echo(f"model {clf.version}, threshold {clf.threshold}")
    for name, s in result.items():
        m, b = s["model"], s["baseline"]
        typer.echo(f"\n[{name}] n={m['n']} positives={m['positives']}")
        e = s.get("everyday_false_flag")
        if not m["positives"]:  # negatives only: precision, recall and the curve say nothing
            typer.echo(f"  model flags {m['fp']} of {m['n']}, baseline flags {b['fp']}")
            if e:
                typer.echo(_everyday_line(e))
            continue
        typer.echo(f"  model    P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} "
                   f"TP={m['tp']} FP={m['fp']} FN={m['fn']} TN={m['tn']} false-flag rate={m['false_flag_rate']:.4f}")
        typer.echo(f"  baseline P={b['precision']:.3f} R={b['recall']:.3f} F1={b['f1']:.3f} "
                   f"TP={b['tp']} FP={b['fp']} FN={b['fn']} TN={b['tn']}")
        if e:
            typer.echo(_everyday_line(e))
        for code, c in s["per_category"].items():
            typer.echo(f"  {code:22s} n={c['positives']:3d} recall model={c['model_recall']:.2f} baseline={c['baseline_recall']:.2f}")
        typer.echo("  threshold curve: " + "  ".join(
            f"{c['threshold']}:P{c['precision']:.2f}/R{c['recall']:.2f}" for c in s["threshold_curve"]))


def _everyday_line(e: dict) -> str:
    return (f"  everyday false flags: {e['model_flagged']} of {e['negatives']} = {100 * e['model_rate']:.2f}% "
            f"(one-sided 95% upper bound {100 * e['model_rate_upper_95']:.2f}%; goal <= {100 * e['goal']:.1f}%)")


@app.command()
def train(
    data: Annotated[Optional[Path], typer.Option(help="Labelled JSON Lines; default: nlp/data/labelled.jsonl.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Model folder; default: the package's models/.")] = None,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Train the classifier (deterministic) and write the model and its metrics."""
    from pantau.nlp.train import train as run_train  # heavy (numpy and the model): only when a command needs it

    metrics = run_train(data, out, seed=seed)
    typer.echo(json.dumps(metrics, indent=2, ensure_ascii=False, default=str))


@app.command()
def ingest(
    input: Annotated[Path, typer.Argument(help="JSON Lines file of Posts.")],
    db: Annotated[Path, typer.Option(help="DuckDB file, or a DuckLake: ducklake:sqlite:PATH or "
                                     "ducklake:postgres:CONNINFO (docs/store.md#ducklake).")] = DEFAULT_DB,
    skip_invalid: Annotated[bool, typer.Option(help="Skip bad lines instead of stopping.")] = False,
    watchlist: Annotated[Optional[str], typer.Option(help="Tag the posts with this watchlist (queue filter).")] = None,
) -> None:
    """Store posts from a JSON Lines file (idempotent: known posts are not added again)."""
    from pantau.store.lake import open_store  # heavy (DuckDB): only when a command needs it

    if not input.exists():
        raise fail(f"{input}: no such file")
    errors: list[JsonlError] = []
    try:
        with progress("ingest", count_lines(input)) as update:
            # a DuckDB file: DuckDB reads the file itself, the bar moves per chunk; a DuckLake: parsed in Python
            result = open_store(db).ingest_file(input, watchlist=watchlist, skip_invalid=skip_invalid, errors=errors,
                                                progress=update)
    except JsonlError as exc:
        raise fail(f"{exc} (use --skip-invalid to skip bad lines); {_stored_before(exc)}") from None
    handed = f", {result.queued} handed to the running triage app" if result.queued else ""
    typer.echo(f"{result.received} received, {result.new} new, {result.already_known} already known{handed}, "
               f"{len(errors)} skipped")


def _stored_before(exc: Exception) -> str:
    """What an ingest stopped by a bad line (IngestStopped) kept, and how to go on."""
    result = getattr(exc, "result", None)
    line = getattr(exc, "lineno", None)
    if result is None or not result.received:
        return "nothing from this file was stored"
    done = "handed to the running triage app" if result.queued else f"stored ({result.new} new)"
    return (f"the {result.received} post(s) before line {line} were {done}, nothing from line {line} on: "
            "fix or remove that line and run the same command again to store the rest (stored posts are skipped)")


DEMO_WATCHLIST = "Demo Pilkada Sleman"
DEMO_REPORTER = Path(__file__).resolve().parent.parent / "demo" / "reporter.toml"  # pantau.demo


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


@app.command("retrain")
def retrain_command(
    db: Annotated[Path, typer.Option(help="DuckDB file with the reviewers' decisions.")] = DEFAULT_DB,
    model: Annotated[Optional[Path], typer.Option(help="Active model file to compare with and replace "
                                                  "(default PANTAU_MODEL, else var/models/asn_campaign.npz).")] = None,
    data: Annotated[Optional[Path], typer.Option(help="Labelled JSON Lines (default: the repository's).")] = None,
    min_reviewed: Annotated[int, typer.Option(help="Train only with at least this many reviewed posts.")] = 20,
    margin: Annotated[float, typer.Option(help="Promote only if the candidate F1 on the reviewers' held-out "
                                          "decisions beats the active one by this much.")] = 0.0,
) -> None:
    """Run the Prefect `retrain` flow once: train on the labelled data plus the reviewers' decisions, compare the
    candidate with the active model on the same sets and promote it only if it is better (docs/learning.md)."""
    from pantau.flows.retrain import retrain  # heavy (Prefect): only when a command needs it

    state = retrain(db=db, model_path=model, data_path=data, min_reviewed=min_reviewed, margin=margin,
                    return_state=True)
    summary = state.result(raise_on_failure=False)
    if not state.is_completed():
        raise fail(f"retrain failed: {summary}")
    scores = (f"; F1 candidate {summary['candidate_f1']} vs active {summary['active_f1']} on "
              f"{summary['heldout_examples']} held-out reviewer decisions" if "candidate_f1" in summary else "")
    typer.echo(f"retrain: {summary['reviewed']} reviewed post(s){scores}; {summary['reason']}"
               + (f"; model at {summary['model_path']}" if summary["promoted"] else ""))
    if summary.get("report_path"):
        typer.echo(f"comparison report (candidate vs current on the same sets): {summary['report_path']}")


@app.command("bulk")
def bulk_command(
    posts: Annotated[Path, typer.Argument(help="JSON Lines file of posts (docs/post-format.md).")],
    db: Annotated[Path, typer.Option(help="DuckDB file (writes one chunk at a time) or DuckLake target "
                                     "(ducklake:...; concurrent writes).")] = DEFAULT_DB,
    model: Annotated[Optional[Path], typer.Option(help="Model file (default: the packaged model).")] = None,
    chunk_size: Annotated[int, typer.Option(help="Posts per Dask task.")] = 20_000,
    workers: Annotated[int, typer.Option(help="Worker processes of the local Dask cluster.")] = 2,
    dask_address: Annotated[Optional[str], typer.Option(
        help="Scheduler of an existing Dask cluster (tcp://host:8786); default PANTAU_DASK_ADDRESS, else a "
             "local cluster.")] = None,
    watchlist: Annotated[Optional[str], typer.Option(help="Tag the posts with this watchlist (queue filter).")] = None,
    work_dir: Annotated[Optional[Path], typer.Option(help="Folder for the chunk files (default: a temporary "
                                                     "folder; on a remote cluster, one every worker reads).")] = None,
) -> None:
    """Run the Prefect `bulk` flow on Dask: store and classify a large file of posts in chunks (docs/operations.md)."""
    from pantau.flows.bulk import run_bulk  # heavy (Prefect): only when a command needs it

    if not posts.is_file():
        raise fail(f"{posts}: no such file")
    if chunk_size < 1 or workers < 1:
        raise fail("--chunk-size and --workers must be at least 1")
    state = run_bulk(db, posts, dask_address=dask_address, workers=workers, model_path=model,
                     chunk_size=chunk_size, watchlist=watchlist, work_dir=work_dir, return_state=True)
    summary = state.result(raise_on_failure=False)
    if not state.is_completed():
        raise fail(f"bulk run failed: {summary}")
    typer.echo(f"bulk: {summary['posts']} posts in {summary['chunks']} chunk(s) on {summary['workers_used']} "
               f"worker process(es): {summary['new']} new, {summary['already_known']} already known, "
               f"{summary['flagged']} flagged (model {summary['model_version']}), {summary['invalid']} bad line(s) "
               f"skipped; writes {summary['writes']}")


@app.command()
def serve(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="0 = any free port.")] = 8000,
) -> None:
    """Serve the triage web app."""
    _serve(db, host, port)


user_app = typer.Typer(help="Triage app accounts (roles: monitor, reviewer, supervisor, analyst, admin).",
                        no_args_is_help=True)
app.add_typer(user_app, name="user")
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _read_password(confirm: bool = True) -> str:
    """The password from PANTAU_PASSWORD or a hidden prompt; never from the command line."""
    value = os.environ.get("PANTAU_PASSWORD")
    if value:
        return value
    return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option(help="monitor, reviewer, supervisor, analyst or admin.")],
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
) -> None:
    """Add an account; the password comes from PANTAU_PASSWORD or a prompt."""
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    password = _read_password()
    try:
        name = Store(db).add_user(username, password, role)
    except (ValueError, StoreError) as exc:
        raise store_failure(exc) from None
    typer.echo(f"user {name} added with role {role}")


@user_app.command("remove")
def user_remove(
    username: Annotated[str, typer.Argument()],
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
) -> None:
    """Remove an account (its decisions and audit entries stay)."""
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    try:
        Store(db).remove_user(username)
    except StoreError as exc:
        raise store_failure(exc) from None
    typer.echo(f"user {username} removed")


@user_app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument()],
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
) -> None:
    """Set a new password (PANTAU_PASSWORD or a prompt); the account's open sessions end."""
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    password = _read_password()
    try:
        Store(db).set_password(username, password)
    except (ValueError, StoreError) as exc:
        raise store_failure(exc) from None
    typer.echo(f"password of {username} changed")


@user_app.command("list")
def user_list(db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB) -> None:
    """List accounts and roles."""
    from pantau.store.db import Store  # heavy (DuckDB): only when a command needs it

    for row in Store(db).query("SELECT username, role FROM users ORDER BY username"):
        typer.echo(f"{row['username']:24} {row['role']}")


@audit_app.command("verify")
def audit_verify(db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB) -> None:
    """Recompute the audit log's hash chain and check it against its trusted timestamps (PANTAU_TSA_CA: the TSA's
    root certificate); exit 1 and name the entries if any was edited, deleted or re-hashed."""
    from pantau.store.db import Store  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    from pantau.timestamp import TimestampError  # heavy (cryptography): only when a command needs it

    try:
        checked, problems, notes = Store(db).audit_report()
    except TimestampError as exc:
        raise fail(str(exc)) from None
    if problems:
        for problem in problems:
            typer.echo(f"TAMPERED: {problem}", err=True)
        raise fail(f"audit log of {db} is broken ({checked} entries checked)")
    typer.echo(f"audit log intact: {checked} entries")
    for note in notes:
        typer.echo(f"  {note}")


@audit_app.command("anchor")
def audit_anchor(db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
                 tsa: Annotated[Optional[str], typer.Option(help="TSA URL (default: PANTAU_TSA_URL).")] = None) -> None:
    """Timestamp the audit chain's head at an RFC 3161 TSA, so an edited and re-hashed chain fails `audit verify`;
    run at least daily (the `audit-anchor` deployment does)."""
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    try:
        done = Store(db).anchor_audit(tsa)
    except StoreError as exc:
        raise store_failure(exc) from None
    state = "anchored" if done["new"] else "already anchored"
    typer.echo(f"{state}: entry {done['seq']} ({done['sha256'][:12]}) at {done['tsa_time']} by {done['tsa_url']}")


@app.command()
def reindex(db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB) -> None:
    """Rebuild the full-text search index over all posts (the triage queue's search)."""
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    try:
        indexed = Store(db).build_search_index()
    except StoreError as exc:
        raise store_failure(exc) from None
    typer.echo(f"{indexed} posts indexed")


@app.command()
def refer(
    items: Annotated[list[str], typer.Argument(help="Confirmed violations as PLATFORM/POST_ID.")],
    out_dir: Annotated[Path, typer.Option("-o", "--out-dir", help="Folder for the laporan-*.zip packages.")],
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    reporter: Annotated[Optional[Path], typer.Option(help="Reporter TOML ([reporter] name, address...); "
                                                          "default: PANTAU_REPORTER_* variables.")] = None,
    actor: Annotated[str, typer.Option(help="Who builds the packages (audit log).")] = "cli",
) -> None:
    """Build a Bawaslu referral package (report PDF+HTML, evidence, manifest.json) per confirmed violation."""
    from pantau.referral.package import ReferralConfig, ReferralError  # heavy (DuckDB): only when a command needs it
    from pantau.referral.register import AlreadySent, refer as build_referrals  # heavy (DuckDB): on demand
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    try:
        config = ReferralConfig(reporter=load_reporter(reporter), actor=actor)
        # Each package becomes a draft case in the referral register (`pantau referral list`); while the triage
        # app runs, the app builds and registers them.
        built = build_referrals(Store(db), items, out_dir, config)
    except (AlreadySent, ReferralError, ReporterError, StoreError) as exc:
        raise store_failure(exc) from None
    for pkg in built:
        for warning in pkg["warnings"]:
            typer.secho(f"WARNING {pkg['item']}: {warning}", fg=typer.colors.YELLOW, err=True)
        left = (f"PAST THE DEADLINE by {-pkg['seconds_left'] / 86400:.1f} days: will not be registered" if pkg["late"]
                else f"{pkg['days_left']} days {int(pkg['seconds_left'] % 86400 // 3600)} h left")
        typer.echo(f"{pkg['item']} -> {pkg['path']}  to {pkg['office']}; {left}; "
                   f"sha256 {pkg['sha256']}; manifest sha256 {pkg['manifest_sha256']}; referral {pkg['referral_id']} (draft)")


@app.command()
def verify(
    package: Annotated[Path, typer.Argument(help="A laporan-*.zip built by `pantau refer`.")],
    manifest_sha256: Annotated[Optional[str], typer.Option(help="Expected manifest hash (printed by refer, "
                                                                "in the audit log).")] = None,
) -> None:
    """Re-hash every file of a referral package against its manifest; exit 1 naming each altered/missing/extra file."""
    from pantau.referral.verify import verify_package  # heavy (DuckDB): only when a command needs it

    result = verify_package(package, manifest_sha256=manifest_sha256)
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    if not result.ok:
        raise fail(f"{package}: {len(result.problems)} problem(s), {result.checked} file(s) intact")
    typer.echo(f"ok: {package}: {result.checked} files match manifest.json (item {result.item}, "
               f"manifest sha256 {result.manifest_sha256})")
    if result.timestamped_at is not None:
        signer = "TSA signature verified" if result.timestamp_chain_verified else \
            "TSA signature not verified: set PANTAU_TSA_CA"
        typer.echo(f"manifest.json timestamped by a TSA at {result.timestamped_at.isoformat()} ({signer})")
    else:
        typer.echo("no trusted timestamp in the package (set PANTAU_TSA_URL when building)")


referral_app = typer.Typer(help="The referral register: cases sent to Bawaslu and where they stand.",
                            no_args_is_help=True)
app.add_typer(referral_app, name="referral")


@referral_app.command("list")
def referral_list(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only cases not yet sent whose 7-day deadline has "
                                                            "passed or passes within 48 h.")] = False,
    csv_out: Annotated[Optional[Path], typer.Option("--csv", help="Write the register as CSV to this file.")] = None,
    no_reporter: Annotated[bool, typer.Option("--no-reporter", help="CSV without the reporter columns.")] = False,
) -> None:
    """List referral cases (status, deadline state, reference numbers), or export them as CSV."""
    from pantau.referral import register  # heavy (DuckDB): only when a command needs it
    from pantau.store.db import Store  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    store = Store(db)
    if csv_out is not None:
        cases = store.referrals()
        csv_out.write_text(register.to_csv(cases, reporter=not no_reporter), encoding="utf-8")
        store.audit("cli", "export", "referral_register", {"rows": len(cases), "reporter": not no_reporter})
        typer.echo(f"{len(cases)} case(s) written to {csv_out}")
        return
    cases = register.annotate(store.referrals())
    if overdue:
        cases = [c for c in cases if c["deadline_state"] in ("overdue", "due_soon")]
    for c in cases:
        refs = " ".join(f"{k}={c[k]}" for k in ("sent_ref", "bawaslu_reg_no", "bkn_ref_no", "decision_ref",
                                                 "sanction_ref") if c[k])
        deadline = c["deadline_at"].strftime("%Y-%m-%dT%H:%MZ") if c["deadline_at"] else "-"
        typer.echo(f"{c['referral_id']:>4} {c['platform']}/{c['post_id']:<20} {c['status']:<13} "
                   f"{c['deadline_state']:<8} deadline {deadline}  {c['office'] or '-'}  {refs}".rstrip())
    if overdue:
        for u in register.overdue(store)["unreferred"]:
            typer.echo(f"   - {u['platform']}/{u['post_id']:<20} {'(no package)':<13} {u['deadline_state']:<8} "
                       f"deadline {u['deadline_at'].strftime('%Y-%m-%dT%H:%MZ')}")


@referral_app.command("set-status")
def referral_set_status(
    referral_id: Annotated[int, typer.Argument(help="Case number (`pantau referral list`).")],
    status: Annotated[str, typer.Argument(help="sent, registered, forwarded_bkn, decided, sanctioned or closed.")],
    reference: Annotated[Optional[str], typer.Option(help="Reference number (receipt, Bawaslu registration, "
                                                          "BKN letter...).")] = None,
    note: Annotated[Optional[str], typer.Option(help="Free note kept in the case history.")] = None,
    actor: Annotated[str, typer.Option(help="Who records the change (audit log).")] = "cli",
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
) -> None:
    """Move a case forward (or close it); going back or leaving `closed` is refused."""
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    try:
        case = Store(db).set_referral_status(referral_id, status, actor=actor, reference=reference, note=note)
    except StoreError as exc:
        raise store_failure(exc) from None
    typer.echo(f"referral {referral_id} ({case['platform']}/{case['post_id']}): {case['status']}")


evidence_app = typer.Typer(help="Evidence of flagged posts: capture, re-check, retention (docs/referral.md).",
                           no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("capture")
def evidence_capture(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    max_attempts: Annotated[int, typer.Option(help="Give a kind up after this many failed tries.")] = 5,
    limit: Annotated[Optional[int], typer.Option(help="At most this many posts.")] = None,
) -> None:
    """Run the `capture_evidence` flow once: raw payload, HTML snapshot and screenshot of flagged posts."""
    from pantau.flows.capture import capture_evidence  # heavy (Prefect): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    s = capture_evidence(db=db, max_attempts=max_attempts, limit=limit)
    typer.echo(f"{s['posts']} posts: ok {s['ok']}, failed {s['failed']} (failures are retried on the next run)")


@evidence_app.command("recheck")
def evidence_recheck(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    limit: Annotated[Optional[int], typer.Option(help="At most this many posts.")] = None,
) -> None:
    """Run the `recheck` flow once: is each captured post unchanged, edited, deleted or unavailable?"""
    from pantau.flows.recheck import recheck  # heavy (Prefect): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    s = recheck(db=db, limit=limit)
    typer.echo(f"{s['checked']} posts checked: {s['outcomes']}")


@evidence_app.command("purge")
def evidence_purge(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be deleted.")] = False,
    days: Annotated[Optional[int], typer.Option(help="Days kept after a case closes "
                                                     "(default: PANTAU_EVIDENCE_RETENTION_DAYS or 365).")] = None,
    actor: Annotated[str, typer.Option(help="Who purges (audit log).")] = "cli",
) -> None:
    """Delete evidence of posts not flagged and of cases closed longer than the retention period (audit-logged)."""
    from pantau.store.db import Store  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    try:
        result = purge(Store(db), evidence_dir(db), days=days, dry_run=dry_run, actor=actor)
    except EvidenceError as exc:
        raise fail(str(exc)) from None
    verb = "would purge" if dry_run else "purged"
    for (platform, post_id), reason in result.items.items():
        typer.echo(f"{verb} {platform}/{post_id}: {reason}")
    typer.echo(f"{verb} {len(result.items)} post(s)" + ("" if dry_run else f", {len(result.files_removed)} file(s) "
                                                          "deleted, one evidence_purge audit entry per post"))


retention_app = typer.Typer(help="Retention of posts nobody needs (UU PDP 27/2022: least data kept).",
                            no_args_is_help=True)
app.add_typer(retention_app, name="retention")


@retention_app.command("purge")
def retention_purge_command(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    days: Annotated[Optional[int], typer.Option(help="Keep posts captured within this many days (default: "
                                                     "PANTAU_RETENTION_DAYS or 30).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be deleted.")] = False,
    actor: Annotated[str, typer.Option(help="Who purges (audit log).")] = "cli",
) -> None:
    """Delete old posts that no model flagged and nobody worked on, with their raw payloads and results (one
    audit entry). Flagged, queued, decided, referred posts and posts with evidence are always kept."""
    from pantau.flows.retention import retention_days  # heavy (Prefect): only when a command needs it
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    try:
        n = retention_days(days)
        c = Store(db).purge_unflagged(n, dry_run=dry_run, actor=actor)
    except (StoreError, ValueError) as exc:
        raise fail(str(exc)) from None
    verb = "would delete" if dry_run else "deleted"
    typer.echo(f"{verb} {c['posts']} post(s) captured before {c['cutoff']} (retention {n} days): "
               f"{c['raw_payloads']} raw payloads, {c['classifications']} classifier results; "
               f"kept {c['kept_unclassified']} old post(s) never classified"
               + (f"; audit entry {c['audit_seq']}" if c.get("audit_seq") else ""))


@app.command("sql")
def sql_command(
    query: Annotated[str, typer.Argument(help="SQL to run, e.g. \"SELECT * FROM v_flags_weekly\" (docs/sql.md).")],
    db: Annotated[Path, typer.Option(help="DuckDB file or DuckLake target (ducklake:...).")] = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Query the database read-only (statements that write are refused); views and examples in docs/sql.md."""
    from pantau.store.analyst import AnalystError, format_result, run_sql  # heavy (DuckDB): only when a command needs it

    if fmt not in ("table", "csv", "json"):
        raise fail(f"unknown format {fmt!r}; expected table, csv or json")
    try:
        typer.echo(format_result(run_sql(db, query), fmt))
    except AnalystError as exc:
        raise fail(str(exc)) from None


@app.command("export")
def export_command(
    out_dir: Annotated[Path, typer.Option("-o", "--out-dir", help="Folder for <table>.parquet|csv and export.json.")],
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    pseudonymise: Annotated[bool, typer.Option("--pseudonymise", help="Replace author ids, handles, names and "
                                               "reviewers by HMAC-SHA256 with the secret PANTAU_PSEUDONYM_SALT; "
                                               "leave out bios, URLs and reasons.")] = False,
    actor: Annotated[str, typer.Option(help="Who exports (audit log).")] = "cli",
) -> None:
    """Export posts, classifications, decisions and the analyst views (never raw payloads); audit-logged."""
    from pantau.store.analyst import SALT_ENV, AnalystError, export  # heavy (DuckDB): only when a command needs it

    try:
        result = export(db, out_dir, fmt, pseudonymise=pseudonymise, salt=os.environ.get(SALT_ENV), actor=actor)
    except AnalystError as exc:
        raise fail(str(exc)) from None
    for f in result.files:
        typer.echo(f"{f['rows']:>9} rows  {out_dir / f['file']}")
    typer.echo(f"{len(result.files)} files{' (pseudonymised)' if pseudonymise else ''}, listed in "
               f"{out_dir / 'export.json'}; audit entry {result.audit_seq}")


DeploymentName = Annotated[str, typer.Argument(help="Deployment name, as in `pantau schedule list`.")]
ScheduleDb = Annotated[Path, typer.Option(help="DuckDB file the scheduled runs use.")]
ScheduleWatchlist = Annotated[Optional[Path], typer.Option(help="Watchlist TOML (for monitor deployments).")]

schedule_app = typer.Typer(help="Scheduled Prefect deployments (cron, Asia/Jakarta time; docs/operations.md).",
                           no_args_is_help=True)
app.add_typer(schedule_app, name="schedule")


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


def main() -> None:
    try:
        app()
    except Exception as exc:
        # Only a command that opened the store can raise StoreBusy; importing the store here (duckdb, argon2) would
        # cost every command ~0.3 s of start-up, `pantau classify` included.
        store = sys.modules.get("pantau.store.db")
        if store is None or not isinstance(exc, store.StoreBusy):
            raise
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise SystemExit(3) from None


if __name__ == "__main__":
    main()
