"""`pantau`: one command line for every job. The commands live in pantau/commands/, one module per topic:

    crawl.py       sources, crawl, intake, monitor, watchlist, calendar
    classifier.py  classify, evaluate, train, retrain
    data.py        ingest, bulk, reindex, sql, export, retention
    accounts.py    user, audit
    referral.py    refer, verify, referral, evidence
    operations.py  demo, demo-site, serve, schedule, worker, reminders

This module only assembles them and holds `main()` (the `pantau` console script; `python -m pantau.cli` works too).
Heavy imports (DuckDB, Prefect, FastAPI, numpy) happen inside the commands that need them, so `pantau --help` is
instant and importing this module has no side effects.
"""

from __future__ import annotations

import os
import sys

import typer

from pantau.commands import accounts, classifier, crawl, data, operations, referral

app = typer.Typer(
    name="pantau",
    help="pantau: monitor civil servants (ASN) campaigning on social media, triage and refer to Bawaslu.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# `pantau --help` lists the commands in this order (a workflow: try the demo, collect, classify, store, monitor,
# serve, refer, analyse, schedule), then the command groups below. A command missing here is listed last.
COMMAND_ORDER = ("demo", "demo-site", "sources", "crawl", "intake", "classify", "evaluate", "train", "ingest",
                 "monitor", "retrain", "bulk", "serve", "reindex", "refer", "verify", "sql", "export", "worker",
                 "reminders")
GROUPS = (crawl.calendar_app, crawl.watchlist_app, accounts.user_app, accounts.audit_app, referral.referral_app,
          referral.evidence_app, data.retention_app, operations.schedule_app)

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


def command_name(info: typer.models.CommandInfo) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _assemble() -> None:
    commands = [info for module in (operations, crawl, classifier, data, referral)
                for info in module.app.registered_commands]
    rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
    app.registered_commands.extend(sorted(commands, key=lambda info: rank.get(command_name(info), len(rank))))
    for group in GROUPS:
        app.add_typer(group)


_assemble()


@app.callback()
def _main() -> None:
    apply_env_defaults()


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
