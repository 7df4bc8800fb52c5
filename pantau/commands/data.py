"""The database: `ingest`, the `bulk` flow, `reindex`, `sql`, `export` and `retention`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from pantau.commands.common import DEFAULT_DB, fail, store_failure
from pantau.post import JsonlError
from pantau.progress import count_lines, progress
from pantau.store.sql_results import AnalystError, format_result, owner_read

app = typer.Typer()


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
def reindex(db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB) -> None:
    """Rebuild the full-text search index over all posts (the triage queue's search)."""
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    try:
        indexed = Store(db).build_search_index()
    except StoreError as exc:
        raise store_failure(exc) from None
    typer.echo(f"{indexed} posts indexed")


@app.command("sql")
def sql_command(
    query: Annotated[str, typer.Argument(help="SQL to run, e.g. \"SELECT * FROM v_flags_weekly\" (docs/sql.md).")],
    db: Annotated[Path, typer.Option(help="DuckDB file or DuckLake target (ducklake:...).")] = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Query the database read-only (statements that write are refused); views and examples in docs/sql.md."""
    if fmt not in ("table", "csv", "json"):
        raise fail(f"unknown format {fmt!r}; expected table, csv or json")
    try:
        result = owner_read(db, query)  # while the app owns the file it runs the read: no DuckDB imported here
        if result is None:
            from pantau.store.analyst import run_sql  # heavy (DuckDB): only when no app answers the read

            result = run_sql(db, query, ask_owner=False)
        typer.echo(format_result(result, fmt))
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
    from pantau.store.analyst import SALT_ENV, export  # heavy (DuckDB): only when a command needs it

    try:
        result = export(db, out_dir, fmt, pseudonymise=pseudonymise, salt=os.environ.get(SALT_ENV), actor=actor)
    except AnalystError as exc:
        raise fail(str(exc)) from None
    for f in result.files:
        typer.echo(f"{f['rows']:>9} rows  {out_dir / f['file']}")
    typer.echo(f"{len(result.files)} files{' (pseudonymised)' if pseudonymise else ''}, listed in "
               f"{out_dir / 'export.json'}; audit entry {result.audit_seq}")


retention_app = typer.Typer(name="retention", no_args_is_help=True,
                            help="Retention of posts nobody needs (UU PDP 27/2022: least data kept).")


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
