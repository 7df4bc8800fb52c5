"""What every command uses: the default database file and the error exits (exit 1; 3 when the app owns the store)."""

from __future__ import annotations

from pathlib import Path

import typer

DEFAULT_DB = Path("var/pantau.duckdb")


def store_failure(exc: Exception) -> typer.Exit:
    """Exit 3 when the triage app owns the database (StoreBusy: try again once it is stopped), else 1."""
    from pantau.store.db import StoreBusy  # heavy (DuckDB): only when a command needs it

    return fail(str(exc), 3 if isinstance(exc, StoreBusy) else 1)


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)
