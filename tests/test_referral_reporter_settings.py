"""The team's reporter details kept in the app (issue 22): which source wins field by field (the app's settings, then
the TOML file, then PANTAU_REPORTER_*), the store's audited updates, and the admin page's role and CSRF checks."""

from __future__ import annotations

import inspect

import pytest
from fastapi.testclient import TestClient

from pantau.referral.reporter import load_reporter
from pantau.triage.app import create_app
from pantau.triage import referrals
from pantau.triage.referrals import default_reporter
from test_triage_helpers import add_users, csrf_of, login


def test_the_apps_settings_win_then_the_file_then_the_environment(tmp_path):
    toml = tmp_path / "pelapor.toml"
    toml.write_text('witnesses = ["Saksi Berkas"]\n\n[reporter]\nname = "Dari Berkas"\nphone = "0811"\n',
                    encoding="utf-8")
    env = {"PANTAU_REPORTER_NAME": "Dari Env", "PANTAU_REPORTER_EMAIL": "env@example.org",
           "PANTAU_REPORTER_ADDRESS": "Alamat Env"}
    stored = {"name": "Dari Aplikasi", "address": "", "witnesses": "Saksi A\nSaksi B"}
    r = load_reporter(toml, env, stored=stored)
    assert r.name == "Dari Aplikasi"          # the app's settings win
    assert r.phone == "0811"                  # empty in the app: the file
    assert r.email == "env@example.org"       # in neither: the environment
    assert r.address == "Alamat Env"          # an empty stored value does not hide the server's
    assert r.witnesses == ("Saksi A", "Saksi B")
    assert load_reporter(toml, env).name == "Dari Berkas"  # without the app's settings, as before
    assert load_reporter(toml, env).witnesses == ("Saksi Berkas",)


def test_store_keeps_clears_and_audits_field_names_only(seeded_store):
    store, _ = seeded_store
    assert store.reporter_details() == {}
    assert store.set_reporter_details({"name": " Siti ", "phone": "0812"}, actor="adm") == ["name", "phone"]
    assert store.reporter_details() == {"name": "Siti", "phone": "0812"}
    assert store.set_reporter_details({"name": "Siti", "phone": ""}, actor="adm") == ["phone"]  # cleared
    assert store.reporter_details() == {"name": "Siti"}
    assert store.set_reporter_details({"name": "Siti"}, actor="adm") == []  # nothing changed: no audit entry
    rows = store.query("SELECT actor, detail FROM audit_log WHERE action = 'reporter_update' ORDER BY seq")
    assert [r["actor"] for r in rows] == ["adm", "adm"]
    assert all("Siti" not in r["detail"] and "0812" not in r["detail"] for r in rows)
    checked, problems = store.verify_audit()
    assert checked and problems == []


def test_the_page_is_for_admins_with_csrf_and_feeds_the_build(seeded_store, monkeypatch):
    for key in ("FILE", "NAME", "PHONE"):
        monkeypatch.delenv(f"PANTAU_REPORTER_{key}", raising=False)
    monkeypatch.setenv("PANTAU_REPORTER_PHONE", "0899")
    store, _ = seeded_store
    add_users(store, ("adm", "admin"), ("sari", "supervisor"))
    app = create_app(store.path, secret=b"pelapor")
    with TestClient(app) as adm, TestClient(app) as sari:
        login(adm, "adm")
        login(sari, "sari")
        assert sari.get("/pengaturan/pelapor").status_code == 403
        token = csrf_of(sari.get("/antrean").text)
        assert sari.post("/pengaturan/pelapor", data={"csrf_token": token, "name": "X"}).status_code == 403
        page = adm.get("/pengaturan/pelapor")
        assert page.status_code == 200 and 'id="reporter-missing"' in page.text
        assert "0899" in page.text  # the server's value shown as what an empty field falls back to
        r = adm.post("/pengaturan/pelapor", data={"csrf_token": "salah", "name": "X"})
        assert r.status_code == 403 and store.reporter_details() == {}
        r = adm.post("/pengaturan/pelapor", data={"csrf_token": csrf_of(page.text), "name": "Siti Rahmawati"},
                     follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/pengaturan/pelapor?tersimpan=1"
    assert store.reporter_details() == {"name": "Siti Rahmawati"}
    reporter = default_reporter(store)
    assert (reporter.name, reporter.phone) == ("Siti Rahmawati", "0899")
    assert "email" in reporter.missing()  # still incomplete: the build stays blocked


def test_witnesses_are_split_by_one_rule_in_the_app_and_the_environment():
    """PANTAU_REPORTER_WITNESSES and the app's text box split witnesses the same way (pantau.referral.reporter's
    witnesses_of: one per line or `;`); the variable kept a line break inside one witness before."""
    text = "Saksi A, 0811\nSaksi B; Saksi C"
    from_env = load_reporter(None, {"PANTAU_REPORTER_WITNESSES": text}).witnesses
    from_app = load_reporter(None, {}, stored={"witnesses": text}).witnesses
    assert from_env == from_app == ("Saksi A, 0811", "Saksi B", "Saksi C")


def test_the_witnesses_box_takes_what_the_server_accepts(seeded_store, monkeypatch):
    """Review finding 6: the browser's maxlength of each box is the server's limit for that field (the witnesses
    box took 300 characters while the server accepts more), and a list of that length is kept whole."""
    monkeypatch.delenv("PANTAU_REPORTER_FILE", raising=False)
    store, _ = seeded_store
    add_users(store, ("adm2", "admin"))
    app = create_app(store.path, secret=b"pelapor-saksi")
    with TestClient(app) as adm:
        login(adm, "adm2")
        page = adm.get("/pengaturan/pelapor").text
        box = page.split('id="reporter-witnesses"', 1)[1].split(">", 1)[0]
        limit = int(box.split('maxlength="', 1)[1].split('"', 1)[0])
        name = page.split('id="reporter-name"', 1)[1].split(">", 1)[0]
        assert limit > int(name.split('maxlength="', 1)[1].split('"', 1)[0])
        witnesses = "\n".join(f"Saksi {i:03d}, Jl. Merdeka No. {i}, 0812{i:06d}" for i in range(60))[:limit]
        assert len(witnesses) == limit
        r = adm.post("/pengaturan/pelapor", data={"csrf_token": csrf_of(page), "witnesses": witnesses},
                     follow_redirects=False)
        assert r.status_code == 303
        assert adm.post("/pengaturan/pelapor", data={"csrf_token": csrf_of(page), "witnesses": witnesses + "x"},
                        follow_redirects=False).status_code == 422  # one more than the box allows: refused
    assert store.reporter_details()["witnesses"] == witnesses.strip()


def test_the_reporter_file_setting_has_one_home(tmp_path, monkeypatch):
    """Review finding 7: PANTAU_REPORTER_FILE is read in one place (referrals.reporter_file), which both the server's
    reporter and a package's reporter use; a path with blanks around it works for both."""
    source = inspect.getsource(referrals)
    assert source.count("environ.get(REPORTER_FILE_ENV") == 1
    path = tmp_path / "pelapor.toml"
    path.write_text('[reporter]\nname = "Tim Pantau Berkas"\n', encoding="utf-8")
    monkeypatch.delenv("PANTAU_REPORTER_NAME", raising=False)
    monkeypatch.setenv("PANTAU_REPORTER_FILE", f"  {path}  ")
    assert referrals.reporter_file() == str(path)
    assert referrals.server_reporter().name == "Tim Pantau Berkas"
    monkeypatch.setenv("PANTAU_REPORTER_FILE", "   ")
    assert referrals.reporter_file() is None
