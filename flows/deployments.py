"""Prefect deployments of pantau's flows, defined in code, with cron schedules in Asia/Jakarta time.

    monitor-<label>        one per [[sources]] entry of the watchlist     every 2 hours   (MONITOR_CRON)
    capture-evidence       evidence of flagged posts still missing it     hourly          (CAPTURE_CRON)
    recheck                captured posts fetched again                   daily 03:00     (RECHECK_CRON)
    deadline-reminders     referral deadlines within 48 h -> notify       every 6 hours   (REMINDERS_CRON)
    retention-purge        old never-flagged posts deleted (UU PDP)       daily 02:00     (RETENTION_CRON)
    retrain                reviewers' decisions -> candidate model        Mondays 04:00   (RETRAIN_CRON)
    audit-anchor           audit chain head timestamped by the TSA        daily 00:15     (ANCHOR_CRON)

`build_deployments` only builds the `RunnerDeployment` objects (nothing is started or sent to a server);
`pantau schedule list` prints them and `pantau worker` serves them (`prefect.serve`), which registers them with the
Prefect server in PREFECT_API_URL and runs their scheduled runs in this process. See docs/operations.md.

A team changes a cron or pauses a deployment with `pantau schedule set|pause|resume`: the change is kept in the
schedule file (PANTAU_SCHEDULES, default var/schedules.json), which `plans` applies, so it survives a restart of
the worker (serve registers the deployments again from code), and is sent to the running server at once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.schedules import CronSchedule
from prefect.deployments.runner import EntrypointType
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron

from pantau.crawlers.watchlist import crawl_plan, load_watchlist
from pantau.flows.anchor import audit_anchor
from pantau.flows.capture import capture_evidence
from pantau.flows.monitor import crawl_limit_name, monitor
from pantau.flows.recheck import recheck
from pantau.flows.reminders import deadline_reminders
from pantau.flows.report import artifact_key
from pantau.flows.retention import retention_purge
from pantau.flows.retrain import retrain
from pantau.settings import env_int

TIMEZONE = "Asia/Jakarta"
MONITOR_CRON = "0 */2 * * *"
CAPTURE_CRON = "30 * * * *"  # on the half hour, between the monitor runs
RECHECK_CRON = "0 3 * * *"
REMINDERS_CRON = "0 */6 * * *"
RETENTION_CRON = "0 2 * * *"
RETRAIN_CRON = "0 4 * * 1"
ANCHOR_CRON = "15 0 * * *"
SCHEDULES_ENV = "PANTAU_SCHEDULES"
DEFAULT_SCHEDULES = Path("var/schedules.json")


@dataclass(frozen=True)
class Plan:
    """One deployment as listed by `pantau schedule list`."""

    name: str
    flow: str
    cron: str
    timezone: str
    parameters: dict[str, Any]
    paused: bool = False

    @property
    def full_name(self) -> str:
        """The name the Prefect server knows it by: `<flow>/<deployment>`."""
        return f"{self.flow}/{self.name}"


class ScheduleError(ValueError):
    """A bad schedule file, cron string or deployment name."""


def schedules_path() -> Path:
    return Path(os.environ.get(SCHEDULES_ENV) or DEFAULT_SCHEDULES)


def check_cron(cron: str, timezone: str = TIMEZONE) -> str:
    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValueError:
        raise ScheduleError(f"not a valid cron string: {cron!r} (five fields: minute hour day month weekday)") from None
    return cron


def read_overrides(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The schedule file: {deployment name: {"cron": "...", "paused": true}}; missing file = no overrides."""
    path = path or schedules_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ScheduleError(f"{path}: cannot read the schedule file ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ScheduleError(f"{path}: expected an object of {{deployment: {{cron, paused}}}}")
    for name, entry in data.items():
        unknown = set(entry) - {"cron", "paused"}
        if unknown:
            raise ScheduleError(f"{path}: {name}: unknown key(s) {', '.join(sorted(unknown))}")
        if "cron" in entry:
            check_cron(entry["cron"])
    return data


def write_override(name: str, path: Path | None = None, **change: Any) -> dict[str, Any]:
    """Record `change` (cron=..., paused=...) for deployment `name` in the schedule file (atomic replace)."""
    path = path or schedules_path()
    data = read_overrides(path)
    entry = {**data.get(name, {}), **change}
    data[name] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return entry


def plans(db: Path, watchlist: Path | None = None, *, monitor_cron: str = MONITOR_CRON,
          capture_cron: str = CAPTURE_CRON, recheck_cron: str = RECHECK_CRON,
          reminders_cron: str = REMINDERS_CRON, retention_cron: str = RETENTION_CRON,
          retrain_cron: str = RETRAIN_CRON, anchor_cron: str = ANCHOR_CRON, timezone: str = TIMEZONE,
          overrides: dict[str, dict[str, Any]] | None = None) -> list[Plan]:
    """The deployments for the store `db` and (optionally) a watchlist file, as plain data, with the schedule
    file's changes applied (`overrides`; default: read from `schedules_path()`)."""
    db_param = str(db)
    out: list[Plan] = []
    if watchlist is not None:
        wl = load_watchlist(watchlist)
        for job in crawl_plan(wl):
            out.append(Plan(artifact_key("monitor", job.label), "monitor", monitor_cron, timezone,
                            {"db": db_param, "source": job.source, "spider_args": dict(job.spider_args),
                             "watchlist": wl.team}))
    out += [
        Plan("capture-evidence", "capture_evidence", capture_cron, timezone, {"db": db_param}),
        Plan("recheck", "recheck", recheck_cron, timezone, {"db": db_param}),
        Plan("deadline-reminders", "deadline_reminders", reminders_cron, timezone, {"db": db_param}),
        Plan("retention-purge", "retention_purge", retention_cron, timezone, {"db": db_param}),
        Plan("retrain", "retrain", retrain_cron, timezone, {"db": db_param}),
        Plan("audit-anchor", "audit_anchor", anchor_cron, timezone, {"db": db_param}),
    ]
    names = [p.name for p in out]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"two deployments would be named {', '.join(dupes)}: give the watchlist sources distinct labels")
    overrides = read_overrides() if overrides is None else overrides
    return [replace(p, **overrides[p.name]) if p.name in overrides else p for p in out]


CRAWL_CONCURRENCY_ENV = "PANTAU_CRAWL_CONCURRENCY"
DEFAULT_CRAWL_CONCURRENCY = 1


def crawl_limits(found: list[Plan], slots: int | None = None) -> dict[str, int]:
    """One global concurrency limit per platform crawled by the monitor deployments: `crawl-<source>` with `slots`
    (default PANTAU_CRAWL_CONCURRENCY, else 1: one crawl of a platform at a time, whatever the number of sources)."""
    if slots is None:
        try:
            slots = env_int(CRAWL_CONCURRENCY_ENV, DEFAULT_CRAWL_CONCURRENCY, minimum=1)
        except ValueError as exc:
            raise ScheduleError(str(exc)) from None
    if slots < 1:
        raise ScheduleError(f"{CRAWL_CONCURRENCY_ENV} must be at least 1, not {slots}")
    return {crawl_limit_name(p.parameters["source"]): slots for p in found if p.flow == "monitor"}


def ensure_limits(limits: dict[str, int]) -> None:
    """Create or update the global concurrency limits on the Prefect server."""
    with get_client(sync_client=True) as client:
        for name, slots in limits.items():
            client.upsert_global_concurrency_limit_by_name(name, slots)


def find_plan(found: list[Plan], name: str) -> Plan:
    for p in found:
        if p.name == name:
            return p
    raise ScheduleError(f"no deployment named {name!r}; known: {', '.join(p.name for p in found)} "
                        "(monitor deployments need --watchlist)")


async def apply_to_server(plan: Plan) -> bool:
    """Send a plan's cron and paused state to the Prefect server in PREFECT_API_URL; False when the server does
    not know the deployment yet (the worker registers it, with the schedule file applied, when it starts)."""
    async with get_client() as client:
        try:
            deployment = await client.read_deployment_by_name(plan.full_name)
        except ObjectNotFound:
            return False
        schedule = CronSchedule(cron=plan.cron, timezone=plan.timezone)
        current = await client.read_deployment_schedules(deployment.id)
        if current:
            await client.update_deployment_schedule(deployment.id, current[0].id, schedule=schedule)
            for extra in current[1:]:
                await client.delete_deployment_schedule(deployment.id, extra.id)
        else:
            await client.create_deployment_schedules(deployment.id, [(schedule, True)])
        await client.set_deployment_paused_state(deployment.id, plan.paused)
    return True


def flows_by_name() -> dict[str, Any]:
    return {f.name: f for f in (monitor, capture_evidence, recheck, deadline_reminders, retention_purge, retrain,
                                audit_anchor)}


def build_deployments(db: Path, watchlist: Path | None = None, **schedule: str) -> list[Any]:
    """`RunnerDeployment`s (flow.to_deployment with one Cron schedule each) for `prefect.serve`."""
    flows = flows_by_name()
    # module entrypoints (pantau.flows.monitor.monitor): the runs load the installed package from any directory
    return [flows[p.flow].to_deployment(name=p.name, schedules=[Cron(p.cron, timezone=p.timezone)],
                                        parameters=p.parameters, tags=["pantau"], paused=p.paused,
                                        entrypoint_type=EntrypointType.MODULE_PATH)
            for p in plans(db, watchlist, **schedule)]
