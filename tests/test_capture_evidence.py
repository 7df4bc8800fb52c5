"""A monitor's capture as evidence (issue 19): the screenshot and MHTML snapshot sent through the intake API are
evidence files with their hashes on the item page and in the Bawaslu package ("ditangkap oleh pemantau ... pukul ...
WIB"), checked by `pantau verify` like any other; the monitor's name is in neither."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile

from fastapi.testclient import TestClient

from pantau.referral.evidence import recheck_targets
from pantau.referral.package import ReferralConfig, build_package
from pantau.referral.reporter import load_reporter
from pantau.referral.verify import verify_package
from pantau.store import tokens
from pantau.triage.app import create_app
from pantau.triage.capture import LazyClassifier
from test_capture_api import FB_URL, mhtml_bytes, png_bytes, send, shipped_model  # noqa: F401 - the fixture
from test_referral import REPORTER_TOML, cli
from test_triage_helpers import add_users, login

MONITOR = "wening.kusuma"  # a name that must not leave the team


def test_monitor_capture_is_evidence_in_the_item_page_and_the_package(tmp_path, shipped_model):
    app = create_app(tmp_path / "ev.duckdb", secret=b"evidence-test")
    app.state.capture_classifier = LazyClassifier(shipped_model)
    store = app.state.store
    add_users(store, (MONITOR, "monitor"), ("rina", "reviewer"), ("sari", "supervisor"))
    _, token = tokens.create_token(store, MONITOR)
    shot, snap = png_bytes(120, 80, 200), mhtml_bytes()
    with TestClient(app) as c:
        r = send(c, token, shot=shot, snap=snap, capture_id="cap-evidence-1")
        assert r.status_code == 201, r.text
        platform, post_id = r.json()["platform"], r.json()["post_id"]
        login(c, "rina")
        page = c.get(f"/pos/{platform}/{post_id}").text
    shot_sha, snap_sha = hashlib.sha256(shot).hexdigest(), hashlib.sha256(snap).hexdigest()
    for sha in (shot_sha, snap_sha):
        assert f'title="{sha}"' in page
    assert page.count('data-by="monitor">ditangkap oleh pemantau') == 2
    assert MONITOR not in page
    assert recheck_targets(store) == []  # a monitor's snapshot is not a page pantau fetched: never "edited" by a re-check

    d = store.record_decision(platform, post_id, "violation", reviewer="rina", reason="ajakan mencoblos",
                              checklist={"asn_identity": True, "partisan_act": True, "election_period": True})
    store.confirm_decision(d, supervisor="sari", agreed=True, reason="setuju")
    reporter_file = tmp_path / "pelapor.toml"
    reporter_file.write_text(REPORTER_TOML, encoding="utf-8")
    config = ReferralConfig(reporter=load_reporter(reporter_file, environ={}))
    [pkg] = build_package(store, [f"{platform}/{post_id}"], tmp_path / "out", config)

    with zipfile.ZipFile(pkg.path) as zf:
        contents = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(contents["manifest.json"])
    listed = {e["path"]: e for e in manifest["files"]}
    shot_name, snap_name = f"bukti/tangkapan-layar-{shot_sha[:16]}.png", f"bukti/halaman-{snap_sha[:16]}.mhtml"
    assert contents[shot_name] == shot and contents[snap_name] == snap
    for name, sha in ((shot_name, shot_sha), (snap_name, snap_sha)):
        assert listed[name]["sha256"] == sha == listed[name]["recorded_sha256"]
        assert listed[name]["url"] == FB_URL
    report = contents["laporan.html"].decode("utf-8")
    labels = re.findall(r"seperti dilihat pemantau, ditangkap oleh pemantau \d{1,2} \w+ \d{4} pukul \d\d\.\d\d WIB", report)
    assert len(labels) == 2 and shot_name in report and snap_name in report
    assert shot_sha in report and snap_sha in report
    for name, data in contents.items():  # the monitor stays confidential, as a reporter of a tip
        assert MONITOR.encode() not in data, name

    assert verify_package(pkg.path, manifest_sha256=pkg.manifest_sha256).ok
    done = cli("verify", str(pkg.path))
    assert done.returncode == 0, done.stdout + done.stderr
