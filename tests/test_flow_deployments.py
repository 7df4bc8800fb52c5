"""Deployments: names, cron strings and time zone of what `pantau worker` serves; `pantau schedule list`; and (slow)
the worker registering them with a temporary Prefect server and running one of them."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.flows import deployments as dep

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture
def watchlist(tmp_path) -> Path:
    """The documented example watchlist (4 sources: x, telegram, mastodon, rss labelled `berita-lokal`)."""
    path = tmp_path / "sleman.toml"
    doc = (DOCS / "watchlists.md").read_text(encoding="utf-8")
    path.write_text(re.search(r"```toml\n(.*?)```", doc, re.S).group(1), encoding="utf-8")
    return path


def test_deployments_have_their_cron_and_jakarta_time(tmp_path, watchlist):
    from prefect.flows import load_flow_from_entrypoint

    built = dep.build_deployments(tmp_path / "p.duckdb", watchlist)
    by_name = {d.name: d for d in built}
    assert list(by_name) == ["monitor-x-1", "monitor-telegram-2", "monitor-mastodon-3", "monitor-berita-lokal",
                             "capture-evidence", "recheck", "deadline-reminders", "retention-purge", "retrain",
                             "audit-anchor"]
    crons = {name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules] for name, d in by_name.items()}
    assert crons["monitor-x-1"] == [("0 */2 * * *", "Asia/Jakarta")]
    assert crons["monitor-berita-lokal"] == [("0 */2 * * *", "Asia/Jakarta")]
    assert crons["capture-evidence"] == [("30 * * * *", "Asia/Jakarta")]
    assert crons["recheck"] == [("0 3 * * *", "Asia/Jakarta")]
    assert crons["deadline-reminders"] == [("0 */6 * * *", "Asia/Jakarta")]
    assert crons["retention-purge"] == [("0 2 * * *", "Asia/Jakarta")]
    assert crons["retrain"] == [("0 4 * * 1", "Asia/Jakarta")]
    assert crons["audit-anchor"] == [("15 0 * * *", "Asia/Jakarta")]
    assert {d.flow_name for d in built} == {"monitor", "capture_evidence", "recheck", "deadline_reminders",
                                            "retention_purge", "retrain", "audit_anchor"}
    tg = by_name["monitor-telegram-2"].parameters
    assert tg["source"] == "telegram" and tg["spider_args"] == {"channels": "infopilkada_sleman,warta_sleman"}
    assert tg["watchlist"].startswith("Tim Pemantau") and tg["db"] == str(tmp_path / "p.duckdb")
    assert "#SlemanSatuHati" in by_name["monitor-x-1"].parameters["spider_args"]["query"]
    assert by_name["recheck"].parameters == {"db": str(tmp_path / "p.duckdb")}
    for d in built:  # module entrypoints: a run loads the installed package from any directory
        assert load_flow_from_entrypoint(d.entrypoint).name == d.flow_name
    # other crons, same zone
    assert dep.plans(tmp_path / "p.duckdb", monitor_cron="*/30 * * * *")[0].cron == "30 * * * *"
    other = dep.build_deployments(tmp_path / "p.duckdb", watchlist, monitor_cron="*/30 * * * *")
    assert other[0].schedules[0].schedule.cron == "*/30 * * * *"


def test_every_deployed_flow_has_a_timeout_shorter_than_its_interval(tmp_path, watchlist):
    """A hung run ends (fails, visibly) before the next scheduled run of its deployment starts."""
    from datetime import datetime

    from cronsim import CronSim  # Prefect's own cron implementation

    flows = dep.flows_by_name()
    for p in dep.plans(tmp_path / "p.duckdb", watchlist):
        runs = CronSim(p.cron, datetime(2026, 12, 1))
        first, second = next(runs), next(runs)
        timeout = flows[p.flow].timeout_seconds
        assert timeout and timeout < (second - first).total_seconds(), p.name


def test_duplicate_labels_are_refused(tmp_path):
    path = tmp_path / "dup.toml"
    path.write_text('team = "t"\n[[elections]]\nname = "e"\nregion = "r"\nlevel = "kota"\ncampaign_start = 2024-09-25\n'
                    'campaign_end = 2024-11-23\nvoting_day = 2024-11-27\n'
                    '[[sources]]\nsource = "rss"\nlabel = "a"\nfeeds = ["http://127.0.0.1/1"]\n'
                    '[[sources]]\nsource = "rss"\nlabel = "a"\nfeeds = ["http://127.0.0.1/2"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="monitor-a"):
        dep.plans(tmp_path / "p.duckdb", path)


def test_schedule_list_prints_each_deployment(tmp_path, watchlist):
    from pantau.cli import app

    out = CliRunner().invoke(app, ["schedule", "list", "--db", str(tmp_path / "p.duckdb"), "--watchlist", str(watchlist)])
    assert out.exit_code == 0, out.output
    rows = {line.split()[0]: line.split()[1:] for line in out.output.splitlines()[1:]}
    assert rows["monitor-telegram-2"] == ["monitor", "0", "*/2", "*", "*", "*", "Asia/Jakarta", "active",
                                          "source=telegram"]
    assert rows["deadline-reminders"] == ["deadline_reminders", "0", "*/6", "*", "*", "*", "Asia/Jakarta", "active"]
    assert len(rows) == 10
    bare = CliRunner().invoke(app, ["schedule", "list", "--db", str(tmp_path / "p.duckdb")])
    assert bare.exit_code == 0 and "no --watchlist" in bare.output and "monitor-" not in bare.output
    bad = CliRunner().invoke(app, ["schedule", "list", "--watchlist", str(tmp_path / "missing.toml")])
    assert bad.exit_code == 1


def test_schedule_set_pause_resume_are_kept_in_the_schedule_file(tmp_path, watchlist, monkeypatch):
    from pantau.cli import app

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    db = ["--db", str(tmp_path / "p.duckdb")]

    def listed(*extra: str) -> dict[str, list[str]]:
        out = CliRunner().invoke(app, ["schedule", "list", *db, *extra])
        assert out.exit_code == 0, out.output
        return {line.split()[0]: line.split()[1:] for line in out.output.splitlines()[1:]}

    out = CliRunner().invoke(app, ["schedule", "set", "monitor-x-1", "--cron", "15 */4 * * *", *db,
                                   "--watchlist", str(watchlist)])
    assert out.exit_code == 0 and "applies when `pantau worker` starts" in out.output, out.output
    assert CliRunner().invoke(app, ["schedule", "pause", "recheck", *db]).exit_code == 0
    rows = listed("--watchlist", str(watchlist))
    assert rows["monitor-x-1"][:6] == ["monitor", "15", "*/4", "*", "*", "*"]
    assert rows["monitor-x-1"][6:8] == ["Asia/Jakarta", "active"]
    assert rows["recheck"][-1] == "paused" and rows["monitor-telegram-2"][1:3] == ["0", "*/2"]
    # what the worker would register: the changed cron, the paused deployment
    built = {d.name: d for d in dep.build_deployments(tmp_path / "p.duckdb", watchlist)}
    assert built["monitor-x-1"].schedules[0].schedule.cron == "15 */4 * * *" and built["recheck"].paused
    assert not built["capture-evidence"].paused

    assert CliRunner().invoke(app, ["schedule", "resume", "recheck", *db]).exit_code == 0
    assert listed()["recheck"][-1] == "active"
    assert listed()["recheck"][1:6] == ["0", "3", "*", "*", "*"]  # resuming kept its cron

    # refused before anything is written: a bad cron, an unknown name, a monitor deployment without its watchlist
    before = Path(os.environ["PANTAU_SCHEDULES"]).read_text()
    bad = CliRunner().invoke(app, ["schedule", "set", "recheck", "--cron", "61 * * * *", *db])
    assert bad.exit_code == 1 and "not a valid cron string" in bad.output
    unknown = CliRunner().invoke(app, ["schedule", "pause", "recheck-typo", *db])
    assert unknown.exit_code == 1 and "no deployment named 'recheck-typo'" in unknown.output
    assert CliRunner().invoke(app, ["schedule", "pause", "monitor-x-1", *db]).exit_code == 1
    assert Path(os.environ["PANTAU_SCHEDULES"]).read_text() == before
    # a broken schedule file is a clear error, not a silent default
    Path(os.environ["PANTAU_SCHEDULES"]).write_text('{"recheck": {"cron": "0 3 * *"}}')
    broken = CliRunner().invoke(app, ["schedule", "list", *db])
    assert broken.exit_code == 1 and "not a valid cron string" in broken.output


@pytest.mark.slow
def test_worker_registers_the_deployments_and_runs_one(tmp_path):
    """`pantau worker` against a real `prefect server start`: the deployments appear with their schedules (a
    deployment paused in the schedule file stays paused), the server's scheduler creates their coming runs at the
    cron times in Jakarta, a cron run of `deadline_reminders` (every minute here) is completed by the worker process
    with its report artifact, and `pantau schedule set|resume` change the server's deployments."""
    from zoneinfo import ZoneInfo

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (ArtifactFilter, ArtifactFilterKey, DeploymentFilter,
                                                DeploymentFilterId)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from pantau.flows.server import free_port

    db = tmp_path / "w.duckdb"
    dep.write_override("recheck", paused=True)
    dep.write_override("deadline-reminders", cron="* * * * *")  # every minute: a cron run within the test
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PANTAU_NOTIFY_WEBHOOK": "", "PANTAU_SMTP_HOST": "", "PREFECT_UI_ENABLED": "false",
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2"}
    env.pop("PREFECT_API_URL", None)
    log = open(tmp_path / "worker.log", "w")
    # `pantau worker --server` starts the Prefect server itself (state in tmp_path/prefect)
    proc = subprocess.Popen([sys.executable, "-m", "pantau.cli", "worker", "--db", str(db), "--server",
                             "--server-port", str(port), "--server-home", str(tmp_path / "prefect")], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    with temporary_settings({PREFECT_API_URL: api}):
        env = {**env, "PREFECT_API_URL": api}
        try:
            async def poll():
                async with get_client() as client:
                    deadline = time.monotonic() + 120
                    while time.monotonic() < deadline:
                        try:
                            found = await client.read_deployments()
                        except Exception:  # noqa: BLE001 - the worker is still starting the server
                            found = []
                        if len(found) == 6:
                            break
                        await asyncio.sleep(0.5)
                    found = {d.name: d for d in await client.read_deployments()}
                    # the scheduler creates the every-minute runs; the worker runs the first one that is due
                    reminders = DeploymentFilter(id=DeploymentFilterId(any_=[found["deadline-reminders"].id]))
                    run, state = None, None
                    while time.monotonic() < deadline + 180:
                        done = [r for r in await client.read_flow_runs(deployment_filter=reminders)
                                if r.state and r.state.is_final()]
                        if done:
                            run, state = done[0], done[0].state
                            break
                        await asyncio.sleep(1)
                    # the server's scheduler creates the coming runs from the cron schedules
                    only = DeploymentFilter(id=DeploymentFilterId(any_=[found["retention-purge"].id]))
                    upcoming = []
                    while time.monotonic() < deadline + 240 and len(upcoming) < 3:
                        upcoming = [r for r in await client.read_flow_runs(deployment_filter=only)
                                    if r.state and r.state.is_scheduled()]
                        await asyncio.sleep(1)
                    reports = await client.read_artifacts(
                        artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["deadline-reminders"])))
                    return found, state, run, upcoming, reports

            async def read(name: str):
                async with get_client() as client:
                    return await client.read_deployment_by_name(name)

            found, state, run, upcoming, reports = asyncio.run(poll())
            changes = [subprocess.run([sys.executable, "-m", "pantau.cli", "schedule", *args, "--db", str(db)],
                                      env=env, capture_output=True, text=True, timeout=120)
                       for args in (["set", "deadline-reminders", "--cron", "15 */3 * * *"], ["resume", "recheck"])]
            reminders_after = asyncio.run(read("deadline_reminders/deadline-reminders"))
            recheck_after = asyncio.run(read("recheck/recheck"))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            log.close()
    output = (tmp_path / "worker.log").read_text()
    assert f"Prefect server at http://127.0.0.1:{port}" in output
    with pytest.raises(OSError):  # stopping the worker stopped its server
        urllib.request.urlopen(f"{api}/health", timeout=5)
    assert set(found) == {"capture-evidence", "recheck", "deadline-reminders", "retention-purge", "retrain",
                          "audit-anchor"}, output
    schedules = {n: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules] for n, d in found.items()}
    assert schedules["recheck"] == [("0 3 * * *", "Asia/Jakarta")]
    assert schedules["deadline-reminders"] == [("* * * * *", "Asia/Jakarta")]
    assert found["recheck"].paused and not found["deadline-reminders"].paused  # the schedule file was applied
    assert found["capture-evidence"].parameters == {"db": str(db)}
    assert run is not None and run.auto_scheduled and state.is_completed(), output  # a cron run, completed
    assert run.expected_start_time.second == 0 and run.expected_start_time.microsecond == 0
    assert run.id in [a.flow_run_id for a in reports]  # with its report, linked to it
    assert "| due within 48 h or overdue | 0 |" in reports[0].data
    # scheduled runs at 02:00 in Jakarta, one a day
    starts = sorted(r.expected_start_time.astimezone(ZoneInfo("Asia/Jakarta")) for r in upcoming)
    assert len(starts) >= 3 and {(t.hour, t.minute) for t in starts} == {(2, 0)}
    assert {(b - a).days for a, b in zip(starts, starts[1:])} == {1}
    assert "serving 6 deployment(s)" in output
    for r in changes:
        assert r.returncode == 0 and "the Prefect server has the change" in r.stdout, r.stdout + r.stderr
    assert [(s.schedule.cron, s.schedule.timezone) for s in reminders_after.schedules] == \
        [("15 */3 * * *", "Asia/Jakarta")]
    assert not recheck_after.paused


def test_operations_doc_matches_the_deployments(tmp_path, watchlist):
    doc = (DOCS / "operations.md").read_text(encoding="utf-8")
    seen = set()
    for p in dep.plans(tmp_path / "p.duckdb", watchlist):
        name = "monitor-<label>" if p.flow == "monitor" else p.name
        assert f"| `{name}` | `{p.flow}` | `{p.cron}` |" in doc, name
        seen.add(name)
    assert len(seen) == 7 and "Asia/Jakarta" in doc
    for var in ("PANTAU_NOTIFY_WEBHOOK", "PANTAU_SMTP_HOST", "PANTAU_SMTP_PORT", "PANTAU_SMTP_FROM", "PANTAU_SMTP_TO"):
        assert f"`{var}`" in doc
