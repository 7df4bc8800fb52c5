"""Evidence capture, re-check and retention over the demo platform on 127.0.0.1, with real Chromium and DuckDB.

The flows' tasks are called through `.fn` here (no Prefect engine); test_flows_under_prefect runs both flows for
real under a temporary Prefect server.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import make_post, result
from pantau.post import utcnow
from pantau.referral import evidence as ev

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def chromium():
    from pantau.triage.server import CHROMIUM

    pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")


def site_posts(n: int) -> list[dict]:
    return [{"id": str(i), "text": f"Guru SDN {i} Sidomulyo ajak coblos nomor {i % 3 + 1} #menang",
             "created_at": f"2024-11-1{i}T0{i}:00:00Z", "region": "Kab. Sleman",
             "author": {"id": f"a{i}", "handle": f"guru{i}", "name": f"Guru {i}", "bio": "Guru PNS"}}
            for i in range(1, n + 1)]


def stored_demo_posts(db: Path, site, flagged: dict[str, bool]):
    """Store the site's posts (URL = their page on the running site) with classifier results `flagged`."""
    from pantau.store.db import Store

    store = Store(db)
    posts = [dataclasses.replace(make_post(int(pid)), url=f"{site.url}/p/{pid}") for pid in flagged]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9 if flagged[p.post_id] else 0.1, flagged[p.post_id]) for p in posts])
    return store


def run_capture(db: Path, max_attempts: int = 5) -> list[dict]:
    """The capture_evidence flow's steps, as plain functions."""
    from pantau.flows import capture as fc

    root = ev.evidence_dir(db)
    targets = fc.find_pending.fn(db, max_attempts, None)
    rows = fc.save_raw.fn(db, targets, root) + fc.fetch_snapshots.fn(targets, root) + fc.render_screenshots.fn(targets, root)
    fc.store_evidence.fn(db, rows)
    return rows


def run_recheck(db: Path) -> dict[str, dict]:
    """The recheck flow's steps, as plain functions; returns the checks by post_id."""
    from pantau.flows import capture as fc
    from pantau.flows import recheck as fr

    root = ev.evidence_dir(db)
    results = fr.refetch.fn(fr.find_captured.fn(db, None), root)
    new = [row for r in results for row in r["evidence"]]
    new += fc.render_screenshots.fn([{**r, "kinds": ["png"]} for r in new], root)
    fc.store_evidence.fn(db, new)
    fr.store_checks.fn(db, [r["check"] for r in results])
    return {r["check"]["post_id"]: r["check"] for r in results}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_capture_snapshot_and_screenshot_of_a_demo_post(tmp_path, chromium):
    from pantau.demo.site import DemoSite

    root = tmp_path / "ev"
    with DemoSite(site_posts(3)) as site:
        url = f"{site.url}/p/2"
        first = ev.capture(url, root)
        second = ev.capture(url, root)

    html, png = first["html"], first["png"]
    assert html["status"] == "ok" and png["status"] == "ok"
    assert html["http_status"] == 200 and png["http_status"] == 200 and html["url"] == url
    assert html["captured_at"].utcoffset() == timedelta(0)
    # Content-addressed: the path is the hash, and the bytes hash to it.
    html_bytes = (root / html["path"]).read_bytes()
    assert html["path"] == f"sha256/{html['sha256'][:2]}/{html['sha256']}.html"
    assert hashlib.sha256(html_bytes).hexdigest() == html["sha256"] and len(html_bytes) == html["size"]
    assert "Guru SDN 2 Sidomulyo ajak coblos" in html_bytes.decode("utf-8")
    png_bytes = (root / png["path"]).read_bytes()
    assert hashlib.sha256(png_bytes).hexdigest() == png["sha256"]
    width, height = png_size(png_bytes)
    assert width == ev.VIEWPORT["width"] and 100 <= height <= 5000
    assert len(png_bytes) > 5 * ev.MIN_PNG_BYTES
    # The same unchanged page twice: identical HTML hash; the screenshot is again a valid PNG of the same size
    # (its pixels matched in our runs, but fonts/rendering may differ between machines, so it is not asserted).
    assert second["html"]["sha256"] == html["sha256"] and second["html"]["path"] == html["path"]
    assert png_size((root / second["png"]["path"]).read_bytes()) == (width, height)
    assert len(list(root.rglob("*.html"))) == 1


@pytest.mark.slow
def test_failure_is_recorded_and_retried_on_the_next_run(tmp_path, chromium):
    from pantau.demo.site import DemoSite

    db = tmp_path / "e.duckdb"
    with DemoSite(site_posts(4), faults={"/p/1": [503, 503]}) as site:
        store = stored_demo_posts(db, site, {"1": True, "2": True, "3": False, "4": True})
        site.delete("4")  # gone before it could be captured: fails every time
        run_capture(db, max_attempts=2)
        rows = store.query("SELECT post_id, kind, status, attempt, http_status, error FROM evidence ORDER BY ALL")
        by = {(r["post_id"], r["kind"]): r for r in rows}
        assert by[("1", "html")]["status"] == "failed" and by[("1", "html")]["error"] == "HTTP 503"
        assert by[("1", "png")]["status"] == "failed" and by[("1", "png")]["http_status"] == 503
        assert by[("1", "raw")]["status"] == "ok"  # the stored payload needs no network
        assert all(by[("2", k)]["status"] == "ok" for k in ev.KINDS)
        assert by[("4", "html")]["error"] == "HTTP 410"
        assert not any(r["post_id"] == "3" for r in rows)  # not flagged: no evidence

        pending = {t["post_id"]: t["kinds"] for t in ev.pending_targets(store, max_attempts=2)}
        assert pending == {"1": ["html", "png"], "4": ["html", "png"]}
        run_capture(db, max_attempts=2)  # the next run: the fault is over for post 1
        again = store.query("SELECT post_id, kind, status, attempt FROM evidence WHERE attempt = 2 ORDER BY ALL")
        assert [(r["post_id"], r["kind"], r["status"]) for r in again] == [
            ("1", "html", "ok"), ("1", "png", "ok"), ("4", "html", "failed"), ("4", "png", "failed")]
        # Post 4 failed twice per kind: given up; post 1 is complete; nothing left to do.
        assert ev.pending_targets(store, max_attempts=2) == []
        assert ev.pending_targets(store, max_attempts=3)[0]["post_id"] == "4"
        summary = ev.evidence_summary(store, "demo", "4")
        assert summary["status"] == "partial" and summary["failures"]["html"]["attempts"] == 2
        assert ev.evidence_summary(store, "demo", "1")["status"] == "captured"


@pytest.mark.slow
def test_recheck_detects_an_edit_and_a_deletion(tmp_path, chromium):
    from pantau.demo.site import DemoSite

    db = tmp_path / "r.duckdb"
    site = DemoSite(site_posts(3)).start()
    try:
        store = stored_demo_posts(db, site, {"1": True, "2": True, "3": True})
        run_capture(db)
        before = {r["post_id"]: r["sha256"] for r in store.query(
            "SELECT post_id, sha256 FROM evidence WHERE kind = 'html' AND status = 'ok'")}
        assert {c["outcome"] for c in run_recheck(db).values()} == {"unchanged"}

        site.edit("1", "Saya netral, tidak mendukung siapa pun.")
        site.delete("2")
        checks = run_recheck(db)
    finally:
        site.stop()
    assert checks["1"]["outcome"] == "edited" and checks["1"]["old_sha256"] == before["1"]
    assert checks["1"]["new_sha256"] not in (None, before["1"])
    assert checks["2"]["outcome"] == "deleted" and checks["2"]["http_status"] == 410
    assert checks["3"]["outcome"] == "unchanged" and checks["3"]["new_sha256"] == before["3"]
    edited_sha = checks["1"]["new_sha256"]

    # Both versions of the edited page are kept, each with its own file and a fresh screenshot of the new one.
    versions = store.query("SELECT attempt, sha256, path FROM evidence WHERE post_id = '1' AND kind = 'html' "
                           "AND status = 'ok' ORDER BY attempt")
    assert [v["sha256"] for v in versions] == [before["1"], checks["1"]["new_sha256"]]
    root = ev.evidence_dir(db)
    assert "tidak mendukung siapa pun" in (root / versions[1]["path"]).read_text(encoding="utf-8")
    assert "ajak coblos" in (root / versions[0]["path"]).read_text(encoding="utf-8")
    assert store.scalar("SELECT count(*) FROM evidence WHERE post_id = '1' AND kind = 'png' AND status = 'ok'") == 2

    # The site is down now: unavailable, with the time of each check kept.
    checks = run_recheck(db)
    assert {c["outcome"] for c in checks.values()} == {"unavailable"}
    assert store.scalar("SELECT count(*) FROM evidence_checks WHERE post_id = '2'") == 3

    summary = ev.evidence_summary(store, "demo", "1")
    assert summary["versions"] == 2 and [c["outcome"] for c in summary["checks"]] == ["unavailable", "edited", "unchanged"]
    assert summary["last_check"]["wib"].endswith("WIB") and summary["last_check"]["utc"].endswith("Z")
    assert {f["name"] for f in ev.package_files(store, "demo", "1", root)} >= {
        f"bukti/halaman-{before['1'][:16]}.html", f"bukti/halaman-{edited_sha[:16]}.html"}
    assert all(f["intact"] for f in ev.package_files(store, "demo", "1", root))


@pytest.mark.slow
def test_capture_and_recheck_run_while_the_triage_app_owns_the_database(tmp_path, chromium):
    """Another process runs the capture and recheck steps while the app owns the file: targets are read from the
    app's snapshot, evidence rows and checks are handed to its inbox; nothing waits for the lock."""
    import json
    import os
    import subprocess
    import sys
    import textwrap
    import time

    from pantau.demo.site import DemoSite
    from pantau.store.db import snapshot_file
    from pantau.triage.app import InboxDrainer

    db = tmp_path / "owned.duckdb"
    script = textwrap.dedent(
        """
        import json, sys
        sys.path.insert(0, {tests!r})
        from test_evidence import run_capture, run_recheck
        from pathlib import Path
        step, db = sys.argv[1], Path(sys.argv[2])
        out = run_capture(db) if step == "capture" else list(run_recheck(db).values())
        print(json.dumps(sorted((r["post_id"], r.get("kind") or r.get("outcome")) for r in out)))
        """
    ).format(tests=os.path.dirname(__file__))

    def step(name: str) -> list:
        out = subprocess.run([sys.executable, "-c", script, name, str(db)], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    with DemoSite(site_posts(2)) as site:
        store = stored_demo_posts(db, site, {"1": True, "2": False})
        store.own()
        drainer = InboxDrainer(store, interval=0.05)
        drainer.start()
        try:
            assert step("capture") == [["1", "html"], ["1", "png"], ["1", "raw"]]
            deadline = time.monotonic() + 30
            while store.scalar("SELECT count(*) FROM evidence") < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            rows = store.query("SELECT post_id, kind, status FROM evidence ORDER BY kind")
            assert [(r["post_id"], r["kind"], r["status"]) for r in rows] == [
                ("1", "html", "ok"), ("1", "png", "ok"), ("1", "raw", "ok")]
            # A reader reuses a snapshot for up to SNAPSHOT_MAX_AGE s; drop it so the recheck sees the new rows now.
            snapshot_file(db).unlink(missing_ok=True)
            assert step("recheck") == [["1", "unchanged"]]
            while store.scalar("SELECT count(*) FROM evidence_checks") < 1 and time.monotonic() < deadline + 30:
                time.sleep(0.05)
            assert store.query("SELECT post_id, outcome FROM evidence_checks") == [{"post_id": "1", "outcome": "unchanged"}]
        finally:
            drainer.stop()
            store.disown()


def test_purge_keeps_flagged_evidence_and_removes_the_rest(seeded_store, tmp_path):
    store, posts = seeded_store  # posts 0-3 flagged, 4-5 not
    root = ev.evidence_dir(store.path)
    now = utcnow()

    def add(post_id: str, data: bytes) -> str:
        sha, rel = ev.put_file(root, data, "html")
        store.record_evidence([{"platform": "demo", "post_id": post_id, "kind": "html", "status": "ok", "sha256": sha,
                                "path": rel, "size": len(data), "url": "u", "http_status": 200, "captured_at": now}])
        return rel

    shared = add("0", b"<p>same page</p>")  # flagged, open case
    add("4", b"<p>same page</p>")  # not flagged, but the same bytes as post 0's evidence
    only4 = add("4", b"<p>not flagged</p>")
    old_closed = add("1", b"<p>closed long ago</p>")  # decided not_violation 400 days ago
    recent = add("2", b"<p>closed recently</p>")  # decided not_violation 10 days ago
    referred = add("3", b"<p>referral closed</p>")  # referral closed 400 days ago
    store.record_evidence_checks([{"platform": "demo", "post_id": "4", "checked_at": now, "outcome": "unchanged"}])
    store.record_decision("demo", "1", "not_violation", reviewer="rina", now=now - timedelta(days=400))
    store.record_decision("demo", "2", "not_violation", reviewer="rina", now=now - timedelta(days=10))
    rid = store.register_referral("demo", "3", package="p.zip", package_dir="d", package_sha256="a" * 64,
                                  manifest_sha256="b" * 64, office=None, built_by="sari", now=now - timedelta(days=401))
    store.set_referral_status(rid, "closed", actor="sari", now=now - timedelta(days=400))
    audit_before = store.scalar("SELECT count(*) FROM audit_log")

    dry = ev.purge(store, root, dry_run=True, days=365)
    assert set(dry.items) == {("demo", "1"), ("demo", "3"), ("demo", "4")}
    assert dry.items[("demo", "4")] == "not flagged" and "decision not_violation" in dry.items[("demo", "1")]
    assert "referral closed" in dry.items[("demo", "3")]
    assert store.scalar("SELECT count(*) FROM evidence") == 6 and store.scalar("SELECT count(*) FROM audit_log") == audit_before

    assert set(ev.purge_plan(store, days=9)) == {("demo", "1"), ("demo", "2"), ("demo", "3"), ("demo", "4")}
    done = ev.purge(store, root, days=365, actor="sari")
    assert set(done.items) == set(dry.items)
    left = store.query("SELECT DISTINCT post_id FROM evidence ORDER BY post_id")
    assert [r["post_id"] for r in left] == ["0", "2"]
    assert store.scalar("SELECT count(*) FROM evidence_checks") == 0
    assert sorted(done.files_removed) == sorted([only4, old_closed, referred])
    assert (root / shared).exists() and (root / recent).exists() and not (root / only4).exists()
    entries = store.query("SELECT actor, target, detail FROM audit_log WHERE action = 'evidence_purge' ORDER BY target")
    assert [(e["actor"], e["target"]) for e in entries] == [("sari", "demo/1"), ("sari", "demo/3"), ("sari", "demo/4")]
    assert '"reason": "not flagged"' in entries[2]["detail"] and only4 in entries[2]["detail"]
    assert store.verify_audit()[1] == []
    assert ev.purge(store, root, days=365).items == {}


def test_retention_days_setting(monkeypatch):
    monkeypatch.delenv(ev.RETENTION_ENV, raising=False)
    assert ev.retention_days() == 365
    monkeypatch.setenv(ev.RETENTION_ENV, "30")
    assert ev.retention_days() == 30 and ev.retention_days(7) == 7
    monkeypatch.setenv(ev.RETENTION_ENV, "setahun")
    with pytest.raises(ev.EvidenceError, match=ev.RETENTION_ENV):
        ev.retention_days()


def test_item_page_partial_shows_status_hashes_and_recheck(seeded_store):
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from pantau.triage.app import to_wib

    store, _ = seeded_store
    root = ev.evidence_dir(store.path)
    now = utcnow()
    sha, rel = ev.put_file(root, b"<p>v1</p>", "html")
    store.record_evidence([
        {"platform": "demo", "post_id": "0", "kind": "html", "status": "ok", "sha256": sha, "path": rel,
         "url": "http://x/p/0", "http_status": 200, "captured_at": now},
        {"platform": "demo", "post_id": "0", "kind": "png", "status": "failed", "url": "http://x/p/0",
         "http_status": 503, "captured_at": now, "error": "HTTP 503"},
    ])
    store.record_evidence_checks([{"platform": "demo", "post_id": "0", "checked_at": now, "outcome": "deleted",
                                   "http_status": 410, "old_sha256": sha}])
    env = Environment(loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "triage" / "templates"),
                      autoescape=select_autoescape(["html"]))
    env.filters["wib"] = to_wib
    page = env.get_template("_evidence.html").render(evidence_capture=ev.evidence_summary(store, "demo", "0"))
    assert "sebagian" in page and sha[:16] in page and "HTTP 503" in page
    assert 'data-outcome="deleted"' in page and "DIHAPUS" in page and "WIB" in page
    assert env.get_template("_evidence.html").render().strip() == ""  # not given: nothing shown
    none = ev.evidence_summary(store, "demo", "5")
    assert none["status"] == "none" and "belum ditangkap" in env.get_template("_evidence.html").render(
        evidence_capture=none)


def test_demo_site_edit_and_delete():
    import httpx

    from pantau.demo.site import DemoSite

    with DemoSite(site_posts(2)) as site:
        site.edit("1", "teks baru")
        assert "teks baru" in httpx.get(f"{site.url}/p/1").text
        site.delete("2")
        assert httpx.get(f"{site.url}/p/2").status_code == 410
        assert httpx.get(f"{site.url}/p/9").status_code == 404
        assert [p["id"] for p in httpx.get(f"{site.url}/api/v1/posts").json()["data"]] == ["1"]
        with pytest.raises(KeyError):
            site.delete("2")


@pytest.mark.slow
def test_flows_under_prefect(tmp_path, chromium):
    """Both flows for real: a temporary Prefect server, task runs recorded, retries configured on I/O tasks."""
    from prefect.testing.utilities import prefect_test_harness

    from pantau.demo.site import DemoSite
    from pantau.flows.capture import capture_evidence, fetch_snapshots, render_screenshots
    from pantau.flows.recheck import recheck

    assert fetch_snapshots.retries == 2 and render_screenshots.retries == 2
    db = tmp_path / "f.duckdb"
    with prefect_test_harness(server_startup_timeout=120), DemoSite(site_posts(3)) as site:
        store = stored_demo_posts(db, site, {"1": True, "2": True, "3": False})
        state = capture_evidence(db=db, return_state=True)
        summary = state.result()
        assert state.is_completed()
        assert summary["ok"] == {"raw": 2, "html": 2, "png": 2} and summary["failed"] == {}
        assert capture_evidence(db=db)["posts"] == 0  # nothing left to capture
        site.edit("2", "Diedit: saya netral.")
        checked = recheck(db=db)
    assert checked == {"checked": 2, "outcomes": {"unchanged": 1, "edited": 1}}
    assert store.scalar("SELECT count(*) FROM evidence WHERE status = 'ok'") == 8
    assert ev.evidence_summary(store, "demo", "2")["last_check"]["outcome"] == "edited"


@pytest.mark.slow
def test_referral_package_carries_the_captured_snapshot_and_screenshot(tmp_path, chromium):
    import json
    import zipfile

    from pantau.demo.site import DemoSite
    from pantau.referral.package import ReferralConfig, build_package
    from pantau.referral.verify import verify_package

    db = tmp_path / "ref.duckdb"
    with DemoSite(site_posts(2)) as site:
        store = stored_demo_posts(db, site, {"1": True, "2": False})
        run_capture(db)
    store.record_decision("demo", "1", "violation", reviewer="rina", reason="ajakan memilih")
    decision_id = store.scalar("SELECT max(decision_id) FROM decisions")
    store.confirm_decision(decision_id, supervisor="sari", agreed=True)
    [pkg] = build_package(store, ["demo/1"], tmp_path / "out", ReferralConfig(audit=False))
    recorded = {r["kind"]: r["sha256"] for r in store.query(
        "SELECT kind, sha256 FROM evidence WHERE post_id = '1' AND status = 'ok'")}
    with zipfile.ZipFile(pkg.path) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = z.namelist()
        html_name = f"bukti/halaman-{recorded['html'][:16]}.html"
        png_name = f"bukti/tangkapan-layar-{recorded['png'][:16]}.png"
        assert html_name in names and png_name in names
        assert hashlib.sha256(z.read(png_name)).hexdigest() == recorded["png"]
        assert z.read(png_name)[:8] == PNG_SIGNATURE
    listed = {f["path"]: f for f in manifest["files"]}
    assert listed[html_name]["sha256"] == recorded["html"] and listed[png_name]["sha256"] == recorded["png"]
    assert verify_package(pkg.path).ok
