"""Prefect deployments of pantau's flows, defined in code, with cron schedules in Asia/Jakarta time.

    monitor-<label>        one per [[sources]] entry of the watchlist     every 2 hours   (MONITOR_CRON)
    capture-evidence       evidence of flagged posts still missing it     hourly          (CAPTURE_CRON)
    recheck                captured posts fetched again                   daily 03:00     (RECHECK_CRON)
    deadline-reminders     referral deadlines within 48 h -> notify       every 6 hours   (REMINDERS_CRON)

`build_deployments` only builds the `RunnerDeployment` objects (nothing is started or sent to a server);
`pantau schedule list` prints them and `pantau worker` serves them (`prefect.serve`), which registers them with the
Prefect server in PREFECT_API_URL and runs their scheduled runs in this process. See docs/operations.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

TIMEZONE = "Asia/Jakarta"
MONITOR_CRON = "0 */2 * * *"
CAPTURE_CRON = "30 * * * *"  # on the half hour, between the monitor runs
RECHECK_CRON = "0 3 * * *"
REMINDERS_CRON = "0 */6 * * *"


@dataclass(frozen=True)
class Plan:
    """One deployment as listed by `pantau schedule list`."""

    name: str
    flow: str
    cron: str
    timezone: str
    parameters: dict[str, Any]


def plans(db: Path, watchlist: Path | None = None, *, monitor_cron: str = MONITOR_CRON,
          capture_cron: str = CAPTURE_CRON, recheck_cron: str = RECHECK_CRON,
          reminders_cron: str = REMINDERS_CRON, timezone: str = TIMEZONE) -> list[Plan]:
    """The deployments for the store `db` and (optionally) a watchlist file, as plain data."""
    from pantau.flows.report import artifact_key

    db_param = str(db)
    out: list[Plan] = []
    if watchlist is not None:
        from pantau.crawlers.watchlist import crawl_plan, load_watchlist

        wl = load_watchlist(watchlist)
        for job in crawl_plan(wl):
            out.append(Plan(artifact_key("monitor", job.label), "monitor", monitor_cron, timezone,
                            {"db": db_param, "source": job.source, "spider_args": dict(job.spider_args),
                             "watchlist": wl.team}))
    out += [
        Plan("capture-evidence", "capture_evidence", capture_cron, timezone, {"db": db_param}),
        Plan("recheck", "recheck", recheck_cron, timezone, {"db": db_param}),
        Plan("deadline-reminders", "deadline_reminders", reminders_cron, timezone, {"db": db_param}),
    ]
    names = [p.name for p in out]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"two deployments would be named {', '.join(dupes)}: give the watchlist sources distinct labels")
    return out


def flows_by_name() -> dict[str, Any]:
    from pantau.flows.capture import capture_evidence
    from pantau.flows.monitor import monitor
    from pantau.flows.recheck import recheck
    from pantau.flows.reminders import deadline_reminders

    return {f.name: f for f in (monitor, capture_evidence, recheck, deadline_reminders)}


def build_deployments(db: Path, watchlist: Path | None = None, **schedule: str) -> list[Any]:
    """`RunnerDeployment`s (flow.to_deployment with one Cron schedule each) for `prefect.serve`."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    flows = flows_by_name()
    # module entrypoints (pantau.flows.monitor.monitor): the runs load the installed package from any directory
    return [flows[p.flow].to_deployment(name=p.name, schedules=[Cron(p.cron, timezone=p.timezone)],
                                        parameters=p.parameters, tags=["pantau"],
                                        entrypoint_type=EntrypointType.MODULE_PATH)
            for p in plans(db, watchlist, **schedule)]
