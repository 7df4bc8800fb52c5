"""The monitor flow end to end under a real Prefect engine (temporary server), over the demo platform on 127.0.0.1."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


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


def test_a_source_failing_n_runs_in_a_row_is_notified_once_per_n(prefect_server, tmp_path, monkeypatch):
    """PANTAU_NOTIFY_FAILURES=2: runs 1 and 3 of a failing source send nothing, runs 2 and 4 send one message each;
    a run of another source in between does not count; the unknown source is not retried (it cannot pass)."""
    import json

    from prefect.client.orchestration import get_client
    from pytest_httpserver import HTTPServer

    from pantau.flows.monitor import monitor

    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/hook", method="POST").respond_with_data("ok")
    server.start()
    try:
        monkeypatch.setenv("PANTAU_NOTIFY_FAILURES", "2")
        monkeypatch.setenv("PANTAU_NOTIFY_WEBHOOK", server.url_for("/hook"))
        monkeypatch.delenv("PANTAU_SMTP_HOST", raising=False)
        db = tmp_path / "f.duckdb"
        sent_after = []
        for i in range(4):
            state = monitor(db=db, source="nosuchsite", work_dir=tmp_path / f"w{i}", return_state=True)
            assert state.is_failed() and "unknown source 'nosuchsite'" in str(state.result(raise_on_failure=False))
            if i == 1:  # another source failing in between is another streak
                monitor(db=db, source="othersite", work_dir=tmp_path / "o", return_state=True)
            sent_after.append(len(server.log))
        flow_run_id = state.state_details.flow_run_id
    finally:
        server.stop()

    assert sent_after == [0, 1, 1, 2]
    messages = [json.loads(req.get_data()) for req, _ in server.log]
    assert [m["failed_runs"] for m in messages] == [2, 4]
    assert {m["source"] for m in messages} == {"nosuchsite"} and messages[0]["event"] == "source_failing"
    assert "unknown source 'nosuchsite'" in messages[0]["last_error"]

    async def crawl_attempts():
        async with get_client() as client:
            runs = await client.read_task_runs()
            return [r.run_count for r in runs if r.flow_run_id == flow_run_id and r.name.startswith("crawl-")]

    import asyncio

    assert asyncio.run(crawl_attempts()) == [1]  # a configuration error is not retried


def test_crawls_of_one_platform_wait_for_its_concurrency_limit(prefect_server, tmp_path):
    """With the global concurrency limit crawl-demo at 1 slot, taken by someone else, a monitor run does not start
    its crawl; when the slot is released it goes on and completes."""
    import threading
    import time

    from prefect.client.orchestration import get_client
    from prefect.concurrency.sync import concurrency

    from pantau.demo.generate import generate_posts
    from pantau.demo.site import DemoSite
    from pantau.flows.monitor import crawl_limit_name, monitor

    def crawl_running() -> bool:
        with get_client(sync_client=True) as client:
            return any(r.name == "crawl-demo" and r.state_type and r.state_type.value == "RUNNING"
                       for r in client.read_task_runs())

    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(crawl_limit_name("demo"), 1)
    work = tmp_path / "w"
    result: dict = {}
    try:
        with DemoSite(posts=generate_posts(n=5)) as site:
            with concurrency(crawl_limit_name("demo"), occupy=1, strict=True):
                run = threading.Thread(target=lambda: result.update(summary=monitor(
                    db=tmp_path / "c.duckdb", source="demo", base_url=site.url, work_dir=work, capture=False)))
                run.start()
                # the run reaches its crawl task (Running) and waits there: no crawl output for a while
                deadline = time.monotonic() + 180
                while not crawl_running() and time.monotonic() < deadline and run.is_alive():
                    time.sleep(0.5)
                assert crawl_running()
                time.sleep(5)
                assert run.is_alive() and not any(work.glob("demo-posts.jsonl*")), list(work.glob("*"))
            run.join(timeout=300)
    finally:
        with get_client(sync_client=True) as client:
            client.delete_global_concurrency_limit_by_name(crawl_limit_name("demo"))
    assert not run.is_alive() and result["summary"]["crawl"]["items"] == 5
