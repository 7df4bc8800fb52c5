"""Run reports: every flow run publishes a Prefect markdown artifact with its figures (see docs/operations.md).

`render` is a pure function (figures -> markdown, tested without Prefect); `publish` attaches the report to the
current flow run under a stable key (`monitor-<source>`, `capture-evidence`, `recheck`, `deadline-reminders`), so
the Prefect UI's Artifacts page shows the history of each key.
"""

from __future__ import annotations

import re
from typing import Any, Mapping
from uuid import UUID


def artifact_key(*parts: str) -> str:
    """A Prefect artifact key: lowercase letters, digits and dashes only (`monitor-Berita_Lokal` -> `monitor-berita-lokal`)."""
    key = re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")
    return re.sub(r"-{2,}", "-", key) or "run"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "0"
    return str(value).replace("|", "\\|").replace("\n", " ")


def render(title: str, figures: Mapping[str, Any], errors: Mapping[str, Mapping[str, int]], seconds: float) -> str:
    """Markdown of one run: a figure table with the time taken, then the errors by source (one row per source,
    one column per error kind; zero rows are kept so a clean source is visible)."""
    lines = [f"# {title}", "", "| figure | value |", "|---|---|"]
    lines += [f"| {name} | {_cell(value)} |" for name, value in figures.items()]
    lines += [f"| time taken (s) | {seconds:.1f} |", "", "## Errors by source", ""]
    kinds = sorted({k for counts in errors.values() for k in counts})
    if not kinds:
        lines.append("No errors.")
    else:
        lines += ["| source | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
        lines += [f"| {_cell(src)} | " + " | ".join(str(counts.get(k, 0)) for k in kinds) + " |"
                  for src, counts in sorted(errors.items())]
    return "\n".join(lines) + "\n"


def publish(key: str, title: str, figures: Mapping[str, Any], errors: Mapping[str, Mapping[str, int]],
            seconds: float) -> UUID:
    """Create the markdown artifact of this run (inside a flow run it is linked to that run)."""
    from prefect.artifacts import create_markdown_artifact  # heavy (all of Prefect): the CLI imports this module for artifact_key

    return create_markdown_artifact(markdown=render(title, figures, errors, seconds), key=key,
                                    description=f"{title}: run report")
