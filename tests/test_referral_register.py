"""The referral register and the app side of referrals: a real DuckDB file, the real app in-process, real Chromium.

Acceptance path: a reviewer decides "violation", a supervisor confirms, the supervisor builds the package from the
item page, downloads it, and verify_package accepts the download.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from conftest import NOW, make_post, result
from pantau.post import Author
from pantau.referral import register
from pantau.referral.reporter import Reporter
from pantau.referral.verify import verify_package
from pantau.store.db import REFERRAL_STATUSES, Store, StoreError, referral_next_statuses
from pantau.triage.app import create_app
from test_triage_helpers import add_users, csrf_of, login

BUILT_AT = NOW + timedelta(days=1)
REPORTER = Reporter(name="Siti Rahmawati", address="Jl. Kaliurang Km 5, Sleman", phone="0812-3456-7890",
                    email="siti@example.org", organisation="Tim Pantau Sleman", occupation="Pemantau",
                    citizenship="WNI", sex="Perempuan", birth_place="Sleman", birth_date="12 Maret 1990")
CONTACTS = ("0812-3456-7890", "siti@example.org", "Kaliurang")


def demo_post(i: int, text: str, bio: str, captured=None):
    p = make_post(i, text, bio=bio, captured=captured)
    return dataclasses.replace(p, author=Author(id=f"u{i}", handle=f"guru_{i}", name=f"Pak Guru {i}", bio=bio))


def seed(store: Store) -> None:
    posts = [
        demo_post(1, "Ayo coblos nomor urut 2! #Paslon02", "Guru SDN 2 Sidomulyo | PNS"),
        demo_post(2, "Dukung paslon 01 gaes", "Bidan Puskesmas Tirtoadi"),
        demo_post(3, "Salam dua jari", "Perawat RSUD"),
    ]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])


def fake_case(store: Store, post_id: str, *, by: str = "sari", tmp=None) -> int:
    """Register a case without building a package (register logic only)."""
    return store.register_referral(
        "demo", post_id, package=f"laporan-demo-{post_id}.zip", package_dir=str(tmp or "/nonexistent"),
        package_sha256="a" * 64, manifest_sha256="b" * 64, office="Bawaslu Kabupaten Sleman", built_by=by)


@pytest.fixture
def app_env(tmp_path):
    store = Store(tmp_path / "rujukan.duckdb")
    seed(store)
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"), ("adi", "analyst"), ("adm", "admin"),
              ("mon", "monitor"))
    out = tmp_path / "paket"
    app = create_app(store.path, secret=b"test-secret",
                     referrals={"out_dir": out, "reporter": lambda: REPORTER, "clock": lambda: BUILT_AT})
    return app, store, out


def client_for(app, user: str) -> TestClient:
    c = TestClient(app)
    login(c, user)
    return c


def decide_and_confirm(rina: TestClient, sari: TestClient, post_id: str, store: Store) -> None:
    page = rina.get(f"/pos/demo/{post_id}")
    r = rina.post(f"/pos/demo/{post_id}/keputusan", follow_redirects=False, data={
        "decision": "violation", "reason": "ajakan mencoblos", "asn_identity": "1", "partisan_act": "1",
        "election_period": "1", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    page = sari.get(f"/pos/demo/{post_id}")
    assert 'id="confirm-agree"' in page.text
    decision_id = store.scalar("SELECT decision_id FROM latest_decision WHERE post_id = ?", [post_id])
    r = sari.post(f"/konfirmasi/{decision_id}", data={"agree": "1", "csrf_token": csrf_of(page.text)},
                  follow_redirects=False)
    assert r.status_code == 303
    assert store.scalar("SELECT status FROM queue_items WHERE post_id = ?", [post_id]) == "confirmed"


# -- acceptance: decide, confirm, build, download, verify ------------------------------------------------


def test_supervisor_builds_downloads_and_the_package_verifies(app_env, tmp_path):
    app, store, out = app_env
    with TestClient(app):  # lifespan: the app owns the DuckDB file, as under uvicorn
        rina, sari = client_for(app, "rina"), client_for(app, "sari")
        decide_and_confirm(rina, sari, "1", store)

        page = sari.get("/pos/demo/1")
        assert 'id="referral-build"' in page.text and "Buat paket laporan" in page.text
        assert 'id="referral-download"' not in page.text
        r = sari.post("/pos/demo/1/rujukan", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/pos/demo/1?rujukan=dibuat#rujukan"

        case = store.referral_for("demo", "1")
        assert case["status"] == "draft" and case["built_by"] == "sari" and case["package"] == "laporan-demo-1.zip"
        assert case["office"] == "Bawaslu Kabupaten Sleman"
        assert (out / "laporan-demo-1.zip").is_file()

        page = sari.get("/pos/demo/1?rujukan=dibuat")
        assert 'id="referral-built"' in page.text and 'id="referral-status">Draf<' in page.text
        assert 'href="/paket/demo/1"' in page.text

        r = sari.get("/paket/demo/1")
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
        assert 'filename="laporan-demo-1.zip"' in r.headers["content-disposition"]
        downloaded = tmp_path / "unduhan.zip"
        downloaded.write_bytes(r.content)
        assert hashlib.sha256(r.content).hexdigest() == case["package_sha256"]
        check = verify_package(downloaded, manifest_sha256=case["manifest_sha256"])
        assert check.ok, check.problems
        assert check.item == "demo/1" and check.checked >= 5
        with zipfile.ZipFile(downloaded) as zf:
            report = zf.read("laporan.html").decode("utf-8")
        assert "Siti Rahmawati" in report and "0812-3456-7890" in report  # the reporter is in the package

        # Everything audited, chain intact: the build (refer), the registration, the download (export).
        entries = store.query("SELECT actor, action, target, detail FROM audit_log WHERE target = 'demo/1' "
                              "AND action IN ('refer', 'referral_status', 'export') ORDER BY seq")
        assert [(e["actor"], e["action"]) for e in entries] == [
            ("sari", "refer"), ("sari", "referral_status"), ("sari", "export")]
        assert '"referral_package"' in entries[-1]["detail"]
        assert store.verify_audit()[1] == []

        # The reviewer sees the case's status but no button and no download; the package is refused.
        page = rina.get("/pos/demo/1")
        assert 'id="referral-status">Draf<' in page.text
        assert 'id="referral-build"' not in page.text and "paket.zip" not in page.text
        assert rina.get("/paket/demo/1").status_code == 403

        # The register lists the case; the CSV export with and without the reporter columns.
        reg = sari.get("/rujukan")
        assert reg.status_code == 200 and 'id="kasus-1"' in reg.text and "laporan-demo-1.zip" in reg.text
        full = list(csv.DictReader(io.StringIO(sari.get("/rujukan.csv").text)))
        assert full[0]["reporter_name"] == "Siti Rahmawati" and full[0]["reporter_organisation"] == "Tim Pantau Sleman"
        assert full[0]["status"] == "draft" and full[0]["package_sha256"] == case["package_sha256"]
        bare = sari.get("/rujukan.csv?tanpa_pelapor=1").text
        assert "reporter_" not in bare and "Siti" not in bare and "Tim Pantau" not in bare
        assert list(csv.DictReader(io.StringIO(bare)))[0]["post_id"] == "1"
        for text in (sari.get("/rujukan.csv").text, bare):
            assert not any(c in text for c in CONTACTS)  # contacts never leave the package
        # The register itself holds no reporter data.
        assert not any(v and ("Siti" in str(v) or "0812" in str(v)) for v in case.values())


def test_a_sent_case_is_not_rebuilt_and_a_changed_file_is_not_served(app_env):
    app, store, out = app_env
    rina, sari = client_for(app, "rina"), client_for(app, "sari")
    decide_and_confirm(rina, sari, "1", store)
    token = csrf_of(sari.get("/pos/demo/1").text)
    assert sari.post("/pos/demo/1/rujukan", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    zip_path = out / "laporan-demo-1.zip"
    zip_path.write_bytes(zip_path.read_bytes() + b"x")  # changed after registration
    r = sari.get("/paket/demo/1")
    assert r.status_code == 409 and "berubah" in r.text
    case = store.referral_for("demo", "1")
    store.set_referral_status(case["referral_id"], "sent", actor="sari", reference="TT-1")
    page = sari.get("/pos/demo/1")
    assert 'id="referral-build"' not in page.text
    r = sari.post("/pos/demo/1/rujukan", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 409
    assert store.referral_for("demo", "1")["package_sha256"] == case["package_sha256"]


def test_unconfirmed_item_gets_no_button_and_a_forged_build_is_refused(app_env):
    app, store, out = app_env
    rina, sari = client_for(app, "rina"), client_for(app, "sari")
    page = rina.get("/pos/demo/2")
    rina.post("/pos/demo/2/keputusan", data={"decision": "violation", "csrf_token": csrf_of(page.text)})
    page = sari.get("/pos/demo/2")  # awaiting confirmation
    assert 'id="referral-build"' not in page.text
    r = sari.post("/pos/demo/2/rujukan", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 400 and "dikonfirmasi" in r.text
    assert store.referrals() == [] and not out.exists()


# -- roles and CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["rina", "adi", "mon"])
def test_other_roles_get_403_on_the_register_and_the_build(app_env, user):
    app, store, _ = app_env
    decide_and_confirm(client_for(app, "rina"), client_for(app, "sari"), "1", store)
    c = client_for(app, user)
    token = csrf_of(c.get("/").text)
    assert c.get("/rujukan").status_code == 403
    assert c.get("/rujukan.csv").status_code == 403
    assert c.post("/pos/demo/1/rujukan", data={"csrf_token": token}, follow_redirects=False).status_code == 403
    assert c.post("/pos/demo/1/rujukan/status", data={"csrf_token": token, "status": "sent"},
                  follow_redirects=False).status_code == 403
    assert "/rujukan" not in c.get("/", follow_redirects=True).text
    assert store.referrals() == []


def test_admin_sees_the_register_but_cannot_build(app_env, tmp_path):
    app, store, _ = app_env
    fake_case(store, "3")
    adm = client_for(app, "adm")
    page = adm.get("/rujukan")
    assert page.status_code == 200 and 'href="/rujukan"' in page.text and 'id="kasus-1"' in page.text
    assert adm.post("/pos/demo/3/rujukan", data={"csrf_token": csrf_of(page.text)},
                    follow_redirects=False).status_code == 403


def test_forged_posts_without_csrf_are_refused_and_change_nothing(app_env):
    app, store, _ = app_env
    rid = fake_case(store, "3")
    decide_and_confirm(client_for(app, "rina"), client_for(app, "sari"), "1", store)
    sari = client_for(app, "sari")
    before = store.scalar("SELECT count(*) FROM audit_log")
    assert sari.post("/pos/demo/1/rujukan", follow_redirects=False).status_code == 403
    assert sari.post("/pos/demo/1/rujukan", data={"csrf_token": "palsu"}, follow_redirects=False).status_code == 403
    assert sari.post("/pos/demo/3/rujukan/status", data={"status": "sent"}, follow_redirects=False).status_code == 403
    assert store.referral(rid)["status"] == "draft" and store.referral_for("demo", "1") is None
    assert store.scalar("SELECT count(*) FROM audit_log") == before


# -- the status form ------------------------------------------------------------------------------------


def test_status_form_moves_forward_and_refuses_going_back(app_env):
    app, store, _ = app_env
    d = store.record_decision("demo", "3", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)  # only a confirmed violation's case is sent
    rid = fake_case(store, "3")
    sari = client_for(app, "sari")
    page = sari.get("/rujukan")
    assert 'id="kasus-1"' in page.text and '<option value="sent">Dikirim ke Bawaslu</option>' in page.text
    token = csrf_of(page.text)
    r = sari.post("/pos/demo/3/rujukan/status", data={"csrf_token": token, "status": "sent", "reference": "TT-001"},
                  follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/rujukan?tersimpan=1#kasus-1"
    r = sari.post("/pos/demo/3/rujukan/status", data={"csrf_token": token, "status": "registered",
                                                      "reference": "REG/123/BWS", "note": "diterima"})
    assert r.status_code == 200 and "Reg. Bawaslu: REG/123/BWS" in r.text  # followed to the register page
    case = store.referral(rid)
    assert (case["status"], case["sent_ref"], case["bawaslu_reg_no"]) == ("registered", "TT-001", "REG/123/BWS")
    r = sari.post("/pos/demo/3/rujukan/status", data={"csrf_token": token, "status": "sent"}, follow_redirects=False)
    assert r.status_code == 400 and "cannot go back" in r.text
    r = sari.post("/pos/demo/3/rujukan/status", data={"csrf_token": token, "status": "selesai"},
                  follow_redirects=False)
    assert r.status_code == 400
    assert store.referral(rid)["status"] == "registered"
    assert [e["status"] for e in store.referral_history(rid)] == ["draft", "sent", "registered"]


# -- the store: transitions ---------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "reg.duckdb")
    seed(s)
    return s


def test_full_forward_path_keeps_every_reference_event_and_audit_entry(store):
    rid = fake_case(store, "1")
    refs = {"sent": "TT-1", "registered": "REG-2", "forwarded_bkn": "BKN-3", "decided": "PUT-4", "sanctioned": "SK-5"}
    for status, ref in refs.items():
        store.set_referral_status(rid, status, actor="sari", reference=ref, note=f"ke {status}")
    case = store.set_referral_status(rid, "closed", actor="sari", note="selesai")
    assert case["status"] == "closed" and case["status_by"] == "sari"
    assert (case["sent_ref"], case["bawaslu_reg_no"], case["bkn_ref_no"], case["decision_ref"],
            case["sanction_ref"]) == tuple(refs.values())
    history = store.referral_history(rid)
    assert [e["status"] for e in history] == list(REFERRAL_STATUSES)
    assert [e["reference"] for e in history] == [None, *refs.values(), None]
    audit = store.query("SELECT detail FROM audit_log WHERE action = 'referral_status' ORDER BY seq")
    assert len(audit) == len(REFERRAL_STATUSES)
    assert '"from": "sanctioned"' in audit[-1]["detail"] and '"status": "closed"' in audit[-1]["detail"]
    assert store.verify_audit()[1] == []


@pytest.mark.parametrize("path, refused, message", [
    (["sent"], "draft", "cannot go back"),
    (["sent", "registered"], "sent", "cannot go back"),
    (["sent"], "sent", "already"),
    ([], "terkirim", "unknown status"),
    (["closed"], "sent", "closed"),
    (["closed"], "closed", "closed"),
])
def test_refused_transitions_change_nothing(store, path, refused, message):
    rid = fake_case(store, "1")
    for status in path:
        store.set_referral_status(rid, status, actor="sari")
    before = (store.referral(rid), len(store.referral_history(rid)), store.scalar("SELECT count(*) FROM audit_log"))
    with pytest.raises(StoreError, match=message):
        store.set_referral_status(rid, refused, actor="sari", reference="X")
    after = (store.referral(rid), len(store.referral_history(rid)), store.scalar("SELECT count(*) FROM audit_log"))
    assert after == before


def test_closed_from_any_status_and_forward_skips(store):
    assert referral_next_statuses("draft") == list(REFERRAL_STATUSES[1:])
    assert referral_next_statuses("decided") == ["sanctioned", "closed"]
    assert referral_next_statuses("closed") == []
    rid = fake_case(store, "1")
    case = store.set_referral_status(rid, "closed", actor="sari", note="ditarik")
    assert case["status"] == "closed" and case["sent_at"] is None
    rid2 = fake_case(store, "2")
    case = store.set_referral_status(rid2, "registered", actor="sari", reference="REG-9")
    assert case["sent_at"] is not None and case["bawaslu_reg_no"] == "REG-9" and case["sent_ref"] is None
    with pytest.raises(StoreError, match="no referral"):
        store.set_referral_status(999, "sent", actor="sari")


def test_rebuilding_a_draft_keeps_the_case_and_a_sent_case_is_refused(store):
    rid = fake_case(store, "1")
    again = store.register_referral("demo", "1", package="laporan-demo-1.zip", package_dir="/x",
                                    package_sha256="c" * 64, manifest_sha256="d" * 64, office="Bawaslu X",
                                    built_by="budi")
    assert again == rid and store.referral(rid)["package_sha256"] == "c" * 64
    assert [e["note"] for e in store.referral_history(rid)] == ["paket dibuat: laporan-demo-1.zip",
                                                               "paket dibuat ulang: laporan-demo-1.zip"]
    store.set_referral_status(rid, "sent", actor="sari")
    with pytest.raises(StoreError, match="already sent"):
        fake_case(store, "1")
    assert store.referral(rid)["package_sha256"] == "c" * 64
    with pytest.raises(StoreError, match="no post"):
        fake_case(store, "404")


# -- overdue ----------------------------------------------------------------------------------------------


def test_overdue_by_date(tmp_path):
    now = NOW + timedelta(days=10)
    store = Store(tmp_path / "late.duckdb")
    captured = {"10": now - timedelta(days=8), "11": now - timedelta(days=6), "12": now - timedelta(days=1),
                "13": now - timedelta(days=9), "14": now - timedelta(days=5), "15": now - timedelta(days=5) + timedelta(seconds=1),
                "16": now - timedelta(days=6, hours=12), "17": now - timedelta(days=9)}
    posts = [make_post(int(i), captured=t) for i, t in captured.items()]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    for pid in ("10", "11", "12", "13", "14", "15"):
        fake_case(store, pid)
    store.set_referral_status(store.referral_for("demo", "13")["referral_id"], "sent", actor="sari")
    for pid in ("16", "17"):  # confirmed violations with no package yet
        d = store.record_decision("demo", pid, "violation", reviewer="rina")
        store.confirm_decision(d, supervisor="sari", agreed=True)
    states = {c["post_id"]: c["deadline_state"] for c in register.annotate(store.referrals(), now)}
    # 10: deadline 1 day ago; 11: in 24 h; 12: in 6 days; 13: sent (late but sent); 14: in exactly 48 h (due soon);
    # 15: in 48 h + 1 s (not yet)
    assert states == {"10": "overdue", "11": "due_soon", "12": "ok", "13": "sent", "14": "due_soon", "15": "ok"}
    late = register.overdue(store, now)
    assert [(c["post_id"], c["deadline_state"]) for c in late["cases"]] == [("10", "overdue"), ("11", "due_soon"),
                                                                            ("14", "due_soon")]
    assert [(u["post_id"], u["deadline_state"]) for u in late["unreferred"]] == [("17", "overdue"),
                                                                                 ("16", "due_soon")]
    assert register.overdue(store, NOW)["cases"] == []  # ten days earlier nothing was late
    labels = {c["post_id"]: c["deadline_label"] for c in register.annotate(store.referrals(), now)}
    assert labels["10"] == "Terlambat 1 hari 0 jam" and labels["11"] == "Sisa 1 hari 0 jam"
    assert labels["13"] == "Terkirim"


def test_register_page_lists_overdue_cases_for_supervisors(tmp_path):
    store = Store(tmp_path / "page.duckdb")
    now = NOW + timedelta(days=10)
    posts = [make_post(20, captured=now - timedelta(days=8)), make_post(21, captured=now - timedelta(days=1))]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True) for p in posts])
    fake_case(store, "20")
    fake_case(store, "21")
    add_users(store, ("sari", "supervisor"))
    app = create_app(store.path, secret=b"s", referrals={"out_dir": tmp_path / "p", "clock": lambda: now})
    page = client_for(app, "sari").get("/rujukan").text
    overdue_section = page.split('id="overdue"', 1)[1].split("</section>", 1)[0]
    assert "demo/20" in overdue_section and "Terlambat 1 hari 0 jam" in overdue_section
    assert "demo/21" not in overdue_section
    assert "Sisa 6 hari 0 jam" in page  # case 21 in the register


# -- CSV ---------------------------------------------------------------------------------------------------


def test_csv_reads_the_reporter_from_the_package_only_when_asked(store, tmp_path):
    from pantau.referral.package import render_html  # noqa: F401 - the template the markup below mirrors

    html = ('<h2>I. Identitas Pelapor</h2>\n<table class="form">\n'
            '<tr><td class="k">Nama</td><td class="c">:</td><td>Siti &amp; Rekan</td></tr>\n'
            '<tr><td class="k">Nomor telepon/HP</td><td class="c">:</td><td>0812-3456-7890</td></tr>\n'
            '<tr><td class="k">Organisasi/tim pemantau</td><td class="c">:</td><td>=Tim Pantau</td></tr>\n'
            '</table>\n<h2>II. Identitas Terlapor</h2>\n<table class="form">\n'
            '<tr><td class="k">Nama</td><td class="c">:</td><td>Pak Guru</td></tr>\n</table>')
    with zipfile.ZipFile(tmp_path / "laporan-demo-1.zip", "w") as zf:
        zf.writestr("laporan.html", html)
    fake_case(store, "1", tmp=tmp_path)
    fake_case(store, "2", tmp=tmp_path)  # its package file is missing: empty reporter cells
    rows = list(csv.DictReader(io.StringIO(register.to_csv(store.referrals(), reporter=True, now=NOW))))
    assert [r["post_id"] for r in rows] == ["2", "1"]  # by deadline: demo/2 was captured first
    rows = sorted(rows, key=lambda r: r["post_id"])
    assert rows[0]["reporter_name"] == "Siti & Rekan" and rows[0]["reporter_organisation"] == "'=Tim Pantau"
    assert rows[1]["reporter_name"] == "" and rows[0]["deadline_state"] == "ok"
    assert list(rows[0]) == register.CSV_COLUMNS + register.REPORTER_COLUMNS
    bare = register.to_csv(store.referrals(), reporter=False, now=NOW)
    assert bare.splitlines()[0].split(",") == register.CSV_COLUMNS
    assert "Siti" not in bare and "0812" not in bare
    full = register.to_csv(store.referrals(), reporter=True, now=NOW)
    assert "0812" not in full  # the phone number is in the package, never in the export


# -- CLI ---------------------------------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    return subprocess.run([sys.executable, "-m", "pantau.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def refer_demo_1_as_sari(store, out) -> None:
    """`pantau refer demo/1` by sari: a draft case whose package on disk hashes to what the register holds."""
    r = cli("refer", "demo/1", "--db", str(store.path), "-o", str(out), "--actor", "sari")
    assert r.returncode == 0, r.stderr
    assert "referral 1 (draft)" in r.stdout
    case = store.referral_for("demo", "1")
    assert case["status"] == "draft" and case["built_by"] == "sari"
    assert hashlib.sha256((out / case["package"]).read_bytes()).hexdigest() == case["package_sha256"]


def test_cli_refer_registers_a_draft_and_referral_commands_move_it(store, tmp_path):
    d = store.record_decision("demo", "1", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    db = str(store.path)
    refer_demo_1_as_sari(store, tmp_path / "out")

    r = cli("referral", "set-status", "1", "sent", "--reference", "TT-77", "--actor", "sari", "--db", db)
    assert r.returncode == 0, r.stderr
    r = cli("referral", "set-status", "1", "draft", "--db", db)
    assert r.returncode == 1 and "cannot go back" in r.stderr
    r = cli("referral", "list", "--db", db)
    assert r.returncode == 0 and "demo/1" in r.stdout and "sent_ref=TT-77" in r.stdout and " sent " in r.stdout
    r = cli("refer", "demo/1", "--db", db, "-o", str(tmp_path / "again"))
    assert r.returncode == 1 and "already sent" in r.stderr and not (tmp_path / "again").exists()
    out = tmp_path / "reg.csv"
    r = cli("referral", "list", "--db", db, "--csv", str(out), "--no-reporter")
    assert r.returncode == 0, r.stderr
    assert "reporter_" not in out.read_text(encoding="utf-8") and "TT-77" in out.read_text(encoding="utf-8")


def test_cli_refer_and_status_changes_are_carried_out_by_the_running_triage_app(store, tmp_path):
    """While the app owns the database, `pantau refer` and `pantau referral set-status` do not fail: the app
    builds, registers and records them (same package, case, events and audit entries as without it)."""
    from pantau.triage.app import InboxDrainer

    d = store.record_decision("demo", "1", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    db = str(store.path)
    store.own()
    drainer = InboxDrainer(store, interval=0.05)
    drainer.start()
    try:
        refer_demo_1_as_sari(store, tmp_path / "out")
        r = cli("referral", "set-status", "1", "sent", "--reference", "TT-78", "--actor", "sari", "--db", db)
        assert r.returncode == 0, r.stderr
        assert "referral 1 (demo/1): sent" in r.stdout
        r = cli("refer", "demo/1", "--db", db, "-o", str(tmp_path / "again"))
        assert r.returncode == 1 and "already sent" in r.stderr and "Traceback" not in r.stderr
        assert not (tmp_path / "again").exists()
        assert store.referral_for("demo", "1")["sent_ref"] == "TT-78"
        actions = [a["action"] for a in store.query("SELECT action FROM audit_log WHERE actor = 'sari' ORDER BY seq")]
        assert actions[-3:] == ["refer", "referral_status", "referral_status"]
    finally:
        drainer.stop()
        store.disown()
    assert store.verify_audit()[1] == []


def test_empty_reporter_details_block_the_package_and_name_the_setting(tmp_path):
    store = Store(tmp_path / "kosong.duckdb")
    seed(store)
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"))
    out = tmp_path / "paket"
    app = create_app(store.path, secret=b"r", referrals={"out_dir": out, "reporter": lambda: Reporter()})
    with TestClient(app):
        rina, sari = client_for(app, "rina"), client_for(app, "sari")
        decide_and_confirm(rina, sari, "1", store)
        page = sari.get("/rujukan")
        assert "Data pelapor tim belum lengkap" in page.text and "PANTAU_REPORTER_FILE" in page.text
        assert 'class="build-package"' not in page.text and "demo/1" in page.text  # listed as ready, no button
        r = sari.post("/pos/demo/1/rujukan", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert r.status_code == 400 and "PANTAU_REPORTER_NAME" in r.text and "Nama" in r.text
        assert store.referrals() == [] and not out.exists()


def test_ready_to_refer_list_builds_and_comes_back_with_the_download(app_env):
    app, store, out = app_env
    with TestClient(app):
        rina, sari = client_for(app, "rina"), client_for(app, "sari")
        decide_and_confirm(rina, sari, "1", store)
        queue = sari.get("/antrean")
        assert 'id="waiting-ready"><strong>1</strong>' in queue.text
        page = sari.get("/rujukan")
        assert '<span id="ready-count">1</span>' in page.text and 'class="build-package"' in page.text
        r = sari.post("/pos/demo/1/rujukan", data={"csrf_token": csrf_of(page.text), "kembali": "rujukan"},
                      follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/rujukan?dibuat=demo%2F1")
        page = sari.get(r.headers["location"])
        assert 'id="package-download"' in page.text and '<span id="ready-count">0</span>' in page.text
        assert sari.get("/paket/demo/1").content[:2] == b"PK"
