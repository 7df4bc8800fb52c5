"""`pantau`: one command line for every job.

Heavy imports (Scrapy, spaCy, Prefect, FastAPI) happen inside the commands, so
`pantau --help` is instant and importing this module has no side effects.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="pantau",
    help="pantau: monitor civil servants (ASN) campaigning on social media, triage and refer to Bawaslu.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_DB = Path("var/pantau.duckdb")

# Privacy and offline defaults, applied when the CLI starts (never at import time).
ENV_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "SCRAPY_SETTINGS_MODULE": "pantau.crawlers.settings",
}


def apply_env_defaults() -> None:
    for key, value in ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)


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
    from pantau.demo.site import DemoSite
    from pantau.flows.monitor import monitor
    from pantau.store.db import Store

    started = time.perf_counter()
    with DemoSite() as site:
        typer.echo(f"demo platform at {site.url}")
        monitor(db=db, source="demo", base_url=site.url)
    counts = Store(db).counts()
    typer.echo(
        f"stored in {db}: {counts['posts']} posts, {counts['flagged']} flagged, "
        f"{counts['queue']} in the triage queue ({time.perf_counter() - started:.1f}s)"
    )
    if serve:
        _serve(db, host, port)


@app.command("demo-site")
def demo_site(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8800,
) -> None:
    """Serve only the local demo social platform (generated posts) until Ctrl-C."""
    from pantau.demo.site import serve_forever

    typer.echo(f"demo platform at http://{host}:{port}")
    try:
        serve_forever(host, port)
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@app.command()
def sources() -> None:
    """List the crawler adapters."""
    from pantau.crawlers.run import list_sources

    for name, description in list_sources():
        typer.echo(f"{name:12} {description}")


@app.command()
def crawl(
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON Lines file of Posts to write.")],
    source: Annotated[str, typer.Option(help="Adapter name (see `pantau sources`).")] = "demo",
    base_url: Annotated[Optional[str], typer.Option(help="Site or API base URL.")] = None,
    query: Annotated[Optional[str], typer.Option(help="Search query, if the source supports it.")] = None,
    max_pages: Annotated[Optional[int], typer.Option(help="Stop after this many pages.")] = None,
    arg: Annotated[Optional[list[str]], typer.Option("-a", help="Extra spider argument NAME=VALUE.")] = None,
) -> None:
    """Crawl one source into a JSON Lines file (runs Scrapy in a subprocess)."""
    from pantau.crawlers.run import CrawlError, run_crawl

    spider_args = {k: str(v) for k, v in {"base_url": base_url, "query": query, "max_pages": max_pages}.items() if v}
    for item in arg or []:
        if "=" not in item:
            raise fail(f"-a expects NAME=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        spider_args[k] = v
    try:
        result = run_crawl(source, output, spider_args=spider_args)
    except CrawlError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"{result.items} posts -> {output} ({result.invalid} invalid, {result.errors} errors)")


@app.command()
def classify(
    input: Annotated[Path, typer.Argument(help="JSON Lines file, one Post per line.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON Lines file of results.")],
    skip_invalid: Annotated[bool, typer.Option(help="Skip bad lines instead of stopping.")] = False,
    model: Annotated[Optional[Path], typer.Option(help="Model file (.skops); default: the shipped model.")] = None,
) -> None:
    """Classify posts: one result per valid input line (score, flagged, category, signals, model_version)."""
    from pantau.nlp.classifier import load
    from pantau.post import JsonlError, iter_jsonl_posts, write_jsonl

    if not input.exists():
        raise fail(f"{input}: no such file")
    errors: list[JsonlError] = []
    try:
        posts = list(iter_jsonl_posts(input, skip_invalid=skip_invalid, errors=errors))
    except JsonlError as exc:
        raise fail(f"{exc} (use --skip-invalid to skip bad lines)") from None
    try:
        clf = load(model)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    n = write_jsonl(output, clf.classify(posts))
    for err in errors:
        typer.echo(f"skipped {err}", err=True)
    flagged = sum(1 for line in output.open(encoding="utf-8") if json.loads(line)["flagged"])
    typer.echo(f"{n} classified, {flagged} flagged, {len(errors)} skipped -> {output} (model {clf.version})")


@app.command()
def train(
    data: Annotated[Optional[Path], typer.Option(help="Labelled JSON Lines; default: nlp/data/labelled.jsonl.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Model folder; default: the package's models/.")] = None,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Train the classifier (deterministic) and write the model and its metrics."""
    from pantau.nlp.train import train as run_train

    metrics = run_train(data, out, seed=seed)
    typer.echo(json.dumps(metrics, indent=2, ensure_ascii=False, default=str))


@app.command()
def ingest(
    input: Annotated[Path, typer.Argument(help="JSON Lines file of Posts.")],
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    skip_invalid: Annotated[bool, typer.Option(help="Skip bad lines instead of stopping.")] = False,
) -> None:
    """Store posts from a JSON Lines file (idempotent: known posts are not added again)."""
    from pantau.post import JsonlError, iter_jsonl_posts
    from pantau.store.db import Store

    errors: list[JsonlError] = []
    try:
        result = Store(db).ingest(iter_jsonl_posts(input, skip_invalid=skip_invalid, errors=errors))
    except JsonlError as exc:
        raise fail(f"{exc} (use --skip-invalid to skip bad lines); nothing from this file was stored") from None
    typer.echo(f"{result.received} received, {result.new} new, {result.already_known} already known, {len(errors)} skipped")


@app.command()
def monitor(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    source: Annotated[str, typer.Option(help="Adapter name.")] = "demo",
    base_url: Annotated[Optional[str], typer.Option(help="Site or API base URL.")] = None,
    query: Annotated[Optional[str], typer.Option()] = None,
    max_pages: Annotated[Optional[int], typer.Option()] = None,
) -> None:
    """Run the Prefect `monitor` flow once: crawl, store, classify, store results."""
    from pantau.flows.monitor import monitor as monitor_flow

    monitor_flow(db=db, source=source, base_url=base_url, query=query, max_pages=max_pages)


@app.command()
def serve(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="0 = any free port.")] = 8000,
) -> None:
    """Serve the triage web app."""
    _serve(db, host, port)


def _serve(db: Path, host: str, port: int) -> None:
    import socket

    import uvicorn

    from pantau.triage.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror}; try --port 0") from None
    actual = sock.getsockname()[1]
    typer.echo(f"triage app at http://{host}:{actual}/  (Ctrl-C to stop)")
    sys.stdout.flush()
    config = uvicorn.Config(create_app(db), log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


def main() -> None:
    app()


if __name__ == "__main__":
    main()
