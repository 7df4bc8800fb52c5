"""Issue 22: the team's reporter details kept in the app by an admin (Pengaturan > Data pelapor), in Chromium.

Empty details block the package with a message naming the page and the server settings; an admin fills them in
(CSRF, audited by field name only); a supervisor then builds the package, whose report carries them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from conftest import make_post, result
from pantau.triage.app import create_app
from pantau.triage.server import CHROMIUM, ThreadServer
from test_triage_helpers import add_users, browser  # noqa: F401 - browser is a fixture
from test_triage_helpers import browser_login as login

pytestmark = pytest.mark.slow

pytest.importorskip("playwright.sync_api")

DETAILS = {"name": "Siti Rahmawati", "birth_place": "Sleman", "birth_date": "12 Maret 1990", "sex": "Perempuan",
           "occupation": "Pemantau", "citizenship": "WNI", "address": "Jl. Kaliurang Km 5, Sleman",
           "phone": "0812-3456-7890", "email": "siti@example.org"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from pantau.store.db import Store

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    mp = pytest.MonkeyPatch()
    for key in ("FILE", *(k.upper() for k in DETAILS), "ORGANISATION", "WITNESSES"):
        mp.delenv(f"PANTAU_REPORTER_{key}", raising=False)  # nothing from the server's settings
    store = Store(tmp_path_factory.mktemp("pelapor") / "pelapor.duckdb")
    posts = [make_post(i, f"Sebagai guru SD saya ajak pilih paslon nomor {i}", bio="Guru SDN 1, ASN")
             for i in (1, 2)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"), ("adm", "admin"))
    d = store.record_decision("demo", "1", "violation", reviewer="rina", reason="ajakan memilih")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    out = tmp_path_factory.mktemp("paket")
    with ThreadServer(create_app(store.path, secret=b"pelapor", referrals={"out_dir": out})) as url:
        yield url, store, out
    mp.undo()


def test_admin_fills_the_details_and_a_supervisor_builds_the_package(served, browser):
    url, store, out = served
    context, page, _ = login(browser, url, "sari")
    page.goto(f"{url}/rujukan")
    warning = page.locator("#reporter-missing").inner_text()
    assert "/pengaturan/pelapor" in warning and "PANTAU_REPORTER_FILE" in warning  # names the page and setting
    assert page.locator("button.build-package").count() == 0  # blocked
    assert page.goto(f"{url}/pengaturan/pelapor").status == 403  # admins only
    context.close()

    context, page, _ = login(browser, url, "adm")
    page.goto(f"{url}/pengaturan/pelapor")
    assert page.locator("#reporter-missing").is_visible()
    for key, value in DETAILS.items():
        page.fill(f"#reporter-{key}", value)
    page.fill("#reporter-witnesses", "Budi, 0813\nAni, 0814")
    page.locator("#reporter-submit").click()
    page.wait_for_url(re.compile(r"tersimpan=10"))
    assert page.locator("#reporter-complete").is_visible()
    assert page.input_value("#reporter-name") == DETAILS["name"]
    context.close()
    entry = store.query("SELECT actor, action, detail FROM audit_log WHERE action = 'reporter_update'")
    assert len(entry) == 1 and entry[0]["actor"] == "adm"
    assert "name" in entry[0]["detail"] and DETAILS["name"] not in entry[0]["detail"]  # names, never values

    context, page, _ = login(browser, url, "sari")
    page.goto(f"{url}/rujukan")
    assert page.locator("#reporter-missing").count() == 0
    page.locator("button.build-package").first.click()
    page.wait_for_url(re.compile(r"/rujukan\?dibuat="))
    with page.expect_download() as download:
        page.locator("#package-download").click()
    with zipfile.ZipFile(download.value.path()) as z:
        report = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".html", ".md")))
    for value in (DETAILS["name"], DETAILS["address"], DETAILS["phone"], "Ani, 0814"):
        assert value in report, value
    context.close()
