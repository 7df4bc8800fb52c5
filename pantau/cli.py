"""`pantau`: one command line for every job. The commands live in pantau/commands/, one module per topic
(operations, crawl, classifier, data, accounts, referral; COMMAND_MODULES below names the module of each command).

This module only assembles them and holds `main()` (the `pantau` console script; `python -m pantau.cli` works too).
Heavy imports (DuckDB, Prefect, FastAPI, numpy) happen inside the commands that need them, so `pantau --help` is
instant and importing this module has no side effects.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

import typer

# The module (in pantau/commands/) of each command and command group. `pantau <command>` imports only that module,
# `pantau --help` and anything not listed here all of them: `pantau sql` started in 0.10 s instead of 0.18 s
# (import alone, best of 5, load 2.6). tests/test_cli_commands.py checks this table against the modules.
COMMAND_MODULES = {
    "demo": "operations", "demo-site": "operations", "serve": "operations", "worker": "operations",
    "reminders": "operations", "schedule": "operations",
    "sources": "crawl", "crawl": "crawl", "intake": "crawl", "monitor": "crawl", "calendar": "crawl",
    "watchlist": "crawl",
    "classify": "classifier", "evaluate": "classifier", "train": "classifier", "retrain": "classifier",
    "ingest": "data", "bulk": "data", "reindex": "data", "sql": "data", "export": "data", "retention": "data",
    "user": "accounts", "audit": "accounts",
    "refer": "referral", "verify": "referral", "referral": "referral", "evidence": "referral",
}
MODULES = tuple(dict.fromkeys(COMMAND_MODULES.values()))

# `pantau --help` lists the commands in this order (a workflow: try the demo, collect, classify, store, monitor,
# serve, refer, analyse, schedule), then the command groups. A command missing here is listed last.
COMMAND_ORDER = ("demo", "demo-site", "sources", "crawl", "intake", "classify", "evaluate", "train", "ingest",
                 "monitor", "retrain", "bulk", "serve", "reindex", "refer", "verify", "sql", "export", "worker",
                 "reminders")
GROUP_ORDER = ("calendar", "watchlist", "user", "audit", "referral", "evidence", "retention", "schedule")

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


def command_modules(names: tuple[str, ...]) -> list[ModuleType]:
    # importlib: a command's module is imported when it is run (the table above), the point of this module
    return [importlib.import_module(f"pantau.commands.{name}") for name in names]


def build_app(modules: list[ModuleType]) -> typer.Typer:
    """The `pantau` command line with the commands and groups of `modules`."""
    cli = typer.Typer(
        name="pantau",
        help="pantau: monitor civil servants (ASN) campaigning on social media, triage and refer to Bawaslu.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
    commands = [info for module in modules if isinstance(getattr(module, "app", None), typer.Typer)
                for info in module.app.registered_commands]
    cli.registered_commands.extend(sorted(commands, key=lambda info: rank.get(command_name(info), len(rank))))
    groups = [value for module in modules for value in vars(module).values()
              if isinstance(value, typer.Typer) and value.info.name]
    group_rank = {name: i for i, name in enumerate(GROUP_ORDER)}
    for group in sorted(groups, key=lambda g: group_rank.get(g.info.name, len(group_rank))):
        cli.add_typer(group)
    cli.callback()(apply_env_defaults)
    return cli


def __getattr__(name: str) -> typer.Typer:
    """`pantau.cli.app`: the command line with every command (tests, docs)."""
    if name == "app":
        return build_app(command_modules(MODULES))
    raise AttributeError(name)


def _requested(argv: list[str]) -> tuple[str, ...]:
    """The modules `pantau argv...` needs: the module of its command, or all of them (help, an unknown command)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return (COMMAND_MODULES[first],) if first in COMMAND_MODULES else MODULES


def main() -> None:
    try:
        build_app(command_modules(_requested(sys.argv[1:])))()
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
