"""Run reports: each flow run publishes a markdown artifact with its figures, read back through the Prefect API."""

from __future__ import annotations

import asyncio

import pytest

from pantau.flows.report import artifact_key, render


def test_artifact_key_is_valid_for_prefect():
    assert artifact_key("monitor", "Berita_Lokal 2") == "monitor-berita-lokal-2"
    assert artifact_key("monitor", "x") == "monitor-x"
    assert artifact_key("--") == "run"


def test_render_lists_figures_errors_by_source_and_time():
    md = render("monitor demo", {"posts fetched": 12, "new": 3, "evidence ok": None, "by kind": {"raw": 2}},
                {"demo": {"crawl errors": 1, "request failures": 0}, "x": {"request failures": 4}}, 2.345)
    assert "| posts fetched | 12 |" in md and "| new | 3 |" in md and "| evidence ok | - |" in md
    assert "| by kind | raw 2 |" in md and "| time taken (s) | 2.3 |" in md
    assert "| source | crawl errors | request failures |" in md
    assert "| demo | 1 | 0 |" in md and "| x | 0 | 4 |" in md
    assert "| demo | 0 |" in render("t", {}, {"demo": {"crawl errors": 0}}, 0)
    assert "No errors." in render("t", {}, {}, 0)


def artifacts(key: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def fetch():
        async with get_client() as client:
            return await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))

    return asyncio.run(fetch())


def figure(markdown: str, name: str) -> str:
    for line in markdown.splitlines():
        if line.startswith(f"| {name} |"):
            return line.split("|")[2].strip()
    raise AssertionError(f"{name} missing from\n{markdown}")


@pytest.mark.slow
def test_every_flow_run_publishes_its_report(prefect_server, tmp_path):
    from test_evidence import site_posts

    from pantau.demo.site import DemoSite
    from pantau.flows.capture import capture_evidence
    from pantau.flows.monitor import monitor
    from pantau.flows.recheck import recheck

    db = tmp_path / "r.duckdb"
    with DemoSite(site_posts(4)) as site:
        state = monitor(db=db, source="demo", base_url=site.url, work_dir=tmp_path / "w", capture=False,
                        return_state=True)
        summary = state.result()
        captured = capture_evidence(db=db, return_state=True)
        cap = captured.result()
        site.delete("1")
        checked = recheck(db=db, return_state=True)
        rc = checked.result()

    [art] = artifacts("monitor-demo")
    assert art.type == "markdown" and art.flow_run_id == state.state_details.flow_run_id
    md = art.data
    assert figure(md, "posts fetched") == "4" and figure(md, "new") == "4"
    assert figure(md, "flagged") == str(summary["classify"]["flagged"]) and summary["classify"]["flagged"] > 0
    assert figure(md, "evidence ok") == "-"  # capture=False
    assert "| source | crawl errors | invalid posts | request failures | unreadable pages |" in md
    assert "| demo | 0 | 0 | 0 | 0 |" in md
    assert float(figure(md, "time taken (s)")) > 0

    [art] = artifacts("capture-evidence")
    assert art.flow_run_id == captured.state_details.flow_run_id
    flagged = summary["classify"]["flagged"]
    assert cap["posts"] == flagged
    assert figure(art.data, "flagged posts missing evidence") == str(flagged)
    assert figure(art.data, "evidence ok") == str(sum(cap["ok"].values())) and cap["ok"]["html"] == flagged
    assert figure(art.data, "evidence failed") == str(sum(cap["failed"].values()))
    if cap["failed"]:  # e.g. no Chromium here: the failed screenshots are listed under the platform
        assert f"| demo | {cap['failed']['png']} |" in art.data
    else:
        assert "No errors." in art.data

    [art] = artifacts("recheck")
    assert art.flow_run_id == checked.state_details.flow_run_id
    assert figure(art.data, "posts checked") == str(flagged) == str(rc["checked"])
    deleted = rc["outcomes"].get("deleted", 0)
    assert figure(art.data, "deleted") == str(deleted)
    assert figure(art.data, "unchanged") == str(flagged - deleted)


@pytest.mark.slow
def test_retention_flow_purges_and_reports(prefect_server, tmp_path):
    from datetime import timedelta

    from conftest import make_post, result

    from pantau.flows.retention import retention_purge
    from pantau.post import utcnow
    from pantau.store.db import Store

    store = Store(tmp_path / "ret.duckdb")
    old = utcnow() - timedelta(days=45)
    posts = [make_post(i, f"pos {i}", captured=old) for i in range(5)]
    store.ingest(posts, now=old)
    store.save_classifications([result(p, 0.1, False) for p in posts[:3]] + [result(posts[3], 0.9, True, "A")])
    state = retention_purge(db=store.path, days=30, return_state=True)
    assert state.result()["posts"] == 3
    assert store.scalar("SELECT count(*) FROM posts") == 2  # the flagged one and the never-classified one
    [art] = artifacts("retention-purge")
    assert art.flow_run_id == state.state_details.flow_run_id
    assert figure(art.data, "posts deleted") == "3" and figure(art.data, "old posts kept, never classified") == "1"


@pytest.mark.slow
def test_reading_flows_run_while_the_triage_app_owns_the_database(prefect_server, tmp_path):
    """`pantau serve` (another process) owns the file: the retention flow's purge is run by the app, the reminders
    flow reads the app's snapshot; neither fails on the lock."""
    import os
    import subprocess
    import sys
    import time
    from datetime import timedelta

    from conftest import make_post, result

    from pantau.flows.reminders import deadline_reminders
    from pantau.flows.retention import retention_purge
    from pantau.post import utcnow
    from pantau.store.db import Store, live_owner

    store = Store(tmp_path / "owned.duckdb")
    old = utcnow() - timedelta(days=45)
    posts = [make_post(i, f"pos {i}", captured=old) for i in range(4)]
    store.ingest(posts, now=old)
    store.save_classifications([result(p, 0.1, False) for p in posts])
    env = {**os.environ, "PANTAU_NOTIFY_WEBHOOK": "", "PANTAU_SMTP_HOST": ""}
    app = subprocess.Popen([sys.executable, "-m", "pantau.cli", "serve", "--db", str(store.path), "--port", "0"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while live_owner(store.path) != app.pid:
            assert app.poll() is None and time.monotonic() < deadline, app.stdout.read() if app.poll() else "timeout"
            time.sleep(0.2)
        purged = retention_purge(db=store.path, days=30, return_state=True)
        reminded = deadline_reminders(db=store.path, return_state=True)
        assert purged.is_completed() and purged.result()["posts"] == 4
        assert reminded.is_completed() and reminded.result()["due"] == 0
        assert live_owner(store.path) == app.pid  # the app kept the file throughout
    finally:
        app.terminate()
        app.wait(timeout=60)
    assert Store(store.path).counts()["posts"] == 0
    [entry] = Store(store.path).query("SELECT actor FROM audit_log WHERE action = 'retention_purge'")
    assert entry["actor"] == "flow:retention_purge"
