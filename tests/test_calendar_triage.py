"""The election calendar in the triage app and the report (issue 18, part 2): the queue filters by stage, the item
page shows the stage and ticks the checklist's timing element from it, the reviewer's submission is what is stored
(override both ways), and the referral package's report cites the stage with its dates."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau.calendar import SHIPPED_CALENDAR_DIR
from pantau.referral.package import ReferralConfig, build_package
from pantau.referral.reporter import load_reporter
from pantau.store.db import Store
from pantau.triage.app import create_app
from test_triage_helpers import add_users, csrf_of, login

UTC = timezone.utc
KAMPANYE = datetime(2024, 11, 23, 16, 30, tzinfo=UTC)  # 23:30 WIB on kampanye's last day; 01:30 WIT on 24 Nov
KAMPANYE_TEXT = "Masa kampanye Pilkada 2024 (25 Sep \u2013 23 Nov 2024)"


@pytest.fixture
def app_store(tmp_path, monkeypatch):
    """Posts 1 (Sleman, kampanye), 2 (Jayapura, the same instant: masa tenang), 3 (Sleman, June 2024: no stage)."""
    monkeypatch.setenv("PANTAU_CALENDAR_DIR", str(SHIPPED_CALENDAR_DIR))
    store = Store(tmp_path / "t.duckdb")
    posts = [replace(make_post(1, "Ayo coblos nomor 2"), created_at=KAMPANYE, region="Kab. Sleman"),
             replace(make_post(2, "Coblos nomor 1"), created_at=KAMPANYE, region="Kota Jayapura"),
             replace(make_post(3, "Dukung paslon"), created_at=datetime(2024, 6, 1, 3, tzinfo=UTC), region="Kab. Sleman")]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"))
    return store


def queue_ids(html: str) -> list[str]:
    return sorted(set(re.findall(r'href="/pos/demo/(\d+)"', html)))


def form_as_browser_sends(html: str, decision: str) -> dict[str, str]:
    """The decision form's fields as a browser submits them untouched: checked boxes only."""
    form = html[html.index('id="decision-form"'):]
    form = form[:form.index("</form>")]
    data = {"decision": decision, "csrf_token": csrf_of(html),
            "seen": re.search(r'name="seen" value="([^"]*)"', form).group(1)}
    for name in re.findall(r'<input type="checkbox" name="(\w+)" value="1"[^>]*\bchecked\b', form):
        data[name] = "1"
    return data


def stored_checklist(store, post_id: str) -> dict:
    return json.loads(store.query("SELECT checklist FROM notes WHERE post_id = ? ORDER BY note_id DESC LIMIT 1",
                                  [post_id])[0]["checklist"])


def test_queue_filters_by_stage(app_store):
    c = TestClient(create_app(app_store.path, secret=b"s"))
    login(c, "rina")
    page = c.get("/antrean")
    assert queue_ids(page.text) == ["1", "2", "3"]
    assert '<option value="pilkada2024/kampanye" >Masa kampanye Pilkada 2024</option>' in page.text
    assert f'title="{KAMPANYE_TEXT}">Masa kampanye Pilkada 2024</span>' in page.text  # the row's badge
    kampanye = c.get("/antrean", params={"stage": "pilkada2024/kampanye"})
    assert queue_ids(kampanye.text) == ["1"] and '<span id="total">1</span>' in kampanye.text
    assert '<option value="pilkada2024/kampanye" selected>' in kampanye.text
    assert queue_ids(c.get("/antrean", params={"stage": "pilkada2024/masa_tenang"}).text) == ["2"]
    assert queue_ids(c.get("/antrean", params={"stage": "pemilu2024/kampanye"}).text) == []
    # with another filter and a text search the stage still applies
    assert queue_ids(c.get("/antrean", params={"stage": "pilkada2024/kampanye", "region": "Kab. Sleman",
                                               "q": "coblos"}).text) == ["1"]


def test_item_shows_stage_and_prefills_timing_the_reviewer_can_override(app_store):
    c = TestClient(create_app(app_store.path, secret=b"s"))
    login(c, "rina")
    # in kampanye: shown, ticked; sent as the browser would, the tick is stored
    page = c.get("/pos/demo/1")
    assert f'<dd id="item-stage">{KAMPANYE_TEXT}</dd>' in page.text
    assert f"terisi dari kalender: {KAMPANYE_TEXT}" in page.text
    data = form_as_browser_sends(page.text, "not_violation")
    assert data.get("election_period") == "1" and "asn_identity" not in data
    assert c.post("/pos/demo/1/keputusan", data=data, follow_redirects=False).status_code == 303
    assert stored_checklist(app_store, "1")["election_period"] is True
    # the same instant in Jayapura (WIT) is masa tenang: still an election stage, ticked; the reviewer unticks it
    page = c.get("/pos/demo/2")
    assert '<dd id="item-stage">Masa tenang Pilkada 2024 (24 \u2013 26 Nov 2024)</dd>' in page.text
    data = form_as_browser_sends(page.text, "needs_info")
    assert data.pop("election_period") == "1"
    assert c.post("/pos/demo/2/keputusan", data=data, follow_redirects=False).status_code == 303
    assert stored_checklist(app_store, "2")["election_period"] is False
    # outside every stage: not ticked; the reviewer ticks it and that is stored
    page = c.get("/pos/demo/3")
    assert '<dd id="item-stage">di luar tahapan pemilihan yang tercatat</dd>' in page.text
    data = form_as_browser_sends(page.text, "not_violation")
    assert "election_period" not in data
    data["election_period"] = "1"
    assert c.post("/pos/demo/3/keputusan", data=data, follow_redirects=False).status_code == 303
    assert stored_checklist(app_store, "3")["election_period"] is True


REPORTER = """[reporter]
name = "Siti Rahmawati"
birth_place = "Sleman"
birth_date = "12 Maret 1990"
sex = "Perempuan"
occupation = "Koordinator pemantau"
citizenship = "WNI"
address = "Jl. Kaliurang Km 5, Sleman"
phone = "0812-3456-7890"
email = "siti@example.org"
"""


def test_report_cites_the_stage(app_store, tmp_path):
    store = app_store
    for pid in ("1", "3"):
        d = store.record_decision("demo", pid, "violation", reviewer="rina", reason="ajakan",
                                  checklist={"asn_identity": True, "partisan_act": True, "election_period": pid == "1"})
        store.confirm_decision(d, supervisor="sari", agreed=True, reason="setuju")
    (tmp_path / "pelapor.toml").write_text(REPORTER, encoding="utf-8")
    config = ReferralConfig(reporter=load_reporter(tmp_path / "pelapor.toml", environ={}),
                            now=datetime(2026, 11, 20, tzinfo=UTC) - timedelta(days=1))
    packages = {p.item: p for p in build_package(store, ["demo/1", "demo/3"], tmp_path / "out", config)}
    texts = {}
    for item, pkg in packages.items():
        pdf = tmp_path / f"{pkg.path.stem}.pdf"
        with zipfile.ZipFile(pkg.path) as zf:
            pdf.write_bytes(zf.read("laporan.pdf"))
        texts[item] = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                              text=True, check=True).stdout.split())
    assert f"Tahapan pemilihan : {KAMPANYE_TEXT}" in texts["demo/1"]
    assert "PKPU 2/2024" in texts["demo/1"] and "hari dihitung dalam WIB" in texts["demo/1"]
    assert "Tahapan pemilihan : Di luar tahapan pemilihan yang tercatat dalam kalender" in texts["demo/3"]
