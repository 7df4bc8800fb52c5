"""The monitor flow end to end under a real Prefect engine (temporary server), over the demo platform on 127.0.0.1."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_monitor_flow_crawls_classifies_and_stores_idempotently(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from pantau.demo.generate import generate_posts
    from pantau.demo.site import DemoSite
    from pantau.flows.monitor import monitor
    from pantau.store.db import Store

    db = tmp_path / "flow.duckdb"
    expected = len(generate_posts())
    with DemoSite() as site:
        state = monitor(db=db, source="demo", base_url=site.url, work_dir=tmp_path / "w1", return_state=True)
        summary = state.result()
        again = monitor(db=db, source="demo", base_url=site.url, work_dir=tmp_path / "w2", capture=False)

    assert state.is_completed()
    assert summary["crawl"]["items"] == expected
    assert summary["store"]["new"] == expected
    assert again["store"]["new"] == 0 and again["store"]["already_known"] == expected

    store = Store(db)
    counts = store.counts()
    assert counts["posts"] == expected
    assert counts["classified"] == expected
    assert 0 < counts["queue"] < counts["posts"]
    assert store.scalar("SELECT count(DISTINCT model_version) FROM classifications") == 1
    # evidence captured at ingestion for every flagged post: raw payload, HTML snapshot and screenshot
    assert summary["evidence"]["posts"] == counts["flagged"] and summary["evidence"]["failed"] == 0
    kinds = store.query("SELECT kind, count(DISTINCT post_id) AS n FROM evidence WHERE status = 'ok' GROUP BY kind")
    assert {r["kind"]: r["n"] for r in kinds} == {"raw": counts["flagged"], "html": counts["flagged"],
                                                  "png": counts["flagged"]}
    assert again["evidence"] is None

    # The run is recorded by the real Prefect API, with its task runs.
    import asyncio

    async def fetch():
        async with get_client() as client:
            runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
            tasks = await client.read_task_runs()
            return runs, tasks

    runs, tasks = asyncio.run(fetch())
    assert runs[0].state.is_completed()
    names = {t.name.split("-")[0] for t in tasks if t.flow_run_id == state.state_details.flow_run_id}
    assert {"crawl", "store_posts", "classify", "store_results", "flagged_targets", "save_raw_files",
            "fetch_snapshots", "render_screenshots", "store_evidence"} <= names


def test_monitor_flow_writes_to_a_ducklake(prefect_server, tmp_path):
    """The same flow with `db` a DuckLake target: posts and results in the lake, evidence capture skipped."""
    from pantau.demo.generate import generate_posts
    from pantau.demo.site import DemoSite
    from pantau.flows.monitor import monitor
    from pantau.store.lake import LakeStore

    target = f"ducklake:sqlite:{tmp_path / 'lake' / 'catalog.sqlite'}"
    expected = len(generate_posts())
    with DemoSite() as site:
        summary = monitor(db=target, source="demo", base_url=site.url, work_dir=tmp_path / "w", max_pages=3)
    lake = LakeStore(target)
    counts = lake.counts()
    assert 0 < summary["store"]["new"] == counts["posts"] <= expected
    assert counts["classified"] == counts["posts"] and counts["flagged"] == summary["classify"]["flagged"] > 0
    assert summary["evidence"] is None
    assert lake.scalar("SELECT count(*) FROM raw_payloads") == counts["posts"]
    lake.close()
