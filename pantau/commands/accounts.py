"""Accounts of the triage app (`user`) and the hash-chained audit trail (`audit`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from pantau.commands.common import DEFAULT_DB, fail, store_failure


user_app = typer.Typer(name="user", no_args_is_help=True,
                       help="Triage app accounts (roles: monitor, reviewer, supervisor, analyst, admin).")
audit_app = typer.Typer(name="audit", no_args_is_help=True,
                        help="The hash-chained audit trail.")


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
