"""Manual intake in the triage app (/masukan): the real app, a real DuckDB file, the real intake crawler (a
subprocess) fetching a page served on 127.0.0.1, and the shipped model."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pantau.crawlers.platforms.intake.parse import intake_post
from pantau.post import Post
from pantau.triage import intake as intake_mod
from pantau.triage.app import create_app, to_wib
from test_triage_helpers import add_users, csrf_of, login

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Postingan publik</title>
<meta property="og:title" content="Sari Wulandari - Guru SDN 3 Depok">
<meta property="og:description" content="Ayo coblos nomor 2! #PaslonDuaJuara"></head><body>Masuk</body></html>"""
CONTACT = "pelapor-rahasia@example.org"
USERS = (("mon", "monitor"), ("rev", "reviewer"), ("sup", "supervisor"), ("ana", "analyst"), ("adm", "admin"))


@pytest.fixture(scope="module")
def shipped_model():
    from pantau.nlp.classifier import load

    return load()


def make_app(db: Path, model, *, fetch_private: bool = True, **more):
    """create_app with the intake options: a counting model loader and (for 127.0.0.1 test pages) private fetches."""
    loads: list[int] = []

    def loader():
        loads.append(1)
        return model

    options = {"classifier_loader": loader, "fetch_private": fetch_private, **more}
    app = create_app(db, secret=b"intake-test", intake=options)
    return app, loads


@pytest.fixture
def app_store(tmp_path, shipped_model):
    app, loads = make_app(tmp_path / "intake.duckdb", shipped_model)
    store = app.state.store
    add_users(store, *USERS)
    return app, store, loads


def client_as(app, username: str) -> TestClient:
    c = TestClient(app)
    login(c, username)
    return c


def submit(c: TestClient, **fields) -> "object":
    token = csrf_of(c.get("/masukan").text)
    return c.post("/masukan", data={"csrf_token": token, **fields}, follow_redirects=False)


def intake_audit(store) -> list[dict]:
    return store.query("SELECT actor, target, detail, logged_at FROM audit_log WHERE action = 'intake' ORDER BY seq")


def raw_submission(store, platform: str, post_id: str) -> dict:
    [row] = store.query(
        "SELECT r.raw FROM posts p JOIN raw_payloads r USING (platform, post_id, raw_sha256) "
        "WHERE p.platform = ? AND p.post_id = ?", [platform, post_id])
    return json.loads(row["raw"])


@pytest.mark.slow
def test_url_submission_is_fetched_classified_queued_and_audited(app_store, httpserver, shipped_model):
    app, store, loads = app_store
    httpserver.expect_request("/posts/12345").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    url = httpserver.url_for("/posts/12345")
    c = client_as(app, "rev")
    assert "Masukan manual" in c.get("/masukan").text

    before = datetime.now(timezone.utc)
    r = submit(c, url=url, tip="Guru SDN ajak coblos paslon 2 di status", reporter_contact=CONTACT)
    after = datetime.now(timezone.utc)
    assert r.status_code == 303, r.text
    location = urlsplit(r.headers["location"])
    assert location.path.startswith("/pos/web/") and parse_qs(location.query) == {"masukan": ["baru"]}
    post_id = location.path.rsplit("/", 1)[1]
    assert len(httpserver.log) == 1  # the page was fetched, once

    # Stored through the Store with the page's title/description, who submitted it and when.
    [post] = store.query("SELECT * FROM posts")
    assert (post["platform"], post["post_id"], post["url"]) == ("web", post_id, url)
    assert "Guru SDN ajak coblos" in post["text"] and "Sari Wulandari - Guru SDN 3 Depok" in post["text"]
    raw = raw_submission(store, "web", post_id)
    assert raw["intake"]["submitted_by"] == "rev" and raw["intake"]["reporter_contact"] == CONTACT
    assert raw["fetched"]["status"] == 200 and raw["fetched"]["title"] == "Sari Wulandari - Guru SDN 3 Depok"
    submitted = datetime.fromisoformat(raw["intake"]["submitted_at"].replace("Z", "+00:00"))
    assert before.replace(microsecond=0) <= submitted <= after and post["captured_at"] == submitted

    # Classified by the shipped model, marked as an intake, flagged for review: it is in the queue.
    [cls] = store.query("SELECT * FROM classifications")
    model = shipped_model.classify([Post.from_payload(intake_post(raw["intake"], raw["fetched"]))])[0]
    assert cls["model_version"] == model["model_version"] + "+intake" and cls["flagged"]
    assert cls["score"] == pytest.approx(model["score"])
    signals = json.loads(cls["signals"])
    assert signals[0]["name"] == "manual_intake" and "rev" in signals[0]["text"]
    assert signals[0]["model_flagged"] is model["flagged"]
    [item] = store.query("SELECT status, deadline_at FROM queue_items WHERE post_id = ?", [post_id])
    assert item["status"] == "new"
    assert f'/pos/web/{post_id}' in c.get("/antrean").text

    # Audited, without the reporter's contact.
    [entry] = intake_audit(store)
    assert entry["actor"] == "rev" and entry["target"] == f"web/{post_id}"
    detail = json.loads(entry["detail"])
    assert detail["fetched"] is True and detail["new"] is True and detail["reporter_contact"] is True
    assert CONTACT not in json.dumps(store.query("SELECT * FROM audit_log"), default=str)
    ok, problems = store.verify_audit()
    assert problems == []

    # The item page opens (reviewer) and shows no contact; neither do the queue nor the admin's audit page.
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and post_id in page.text
    assert "+intake)" in page.text and "<code>manual_intake</code>" in page.text  # the mark is visible to reviewers
    assert CONTACT not in page.text and CONTACT not in c.get("/antrean").text
    assert CONTACT not in client_as(app, "adm").get("/audit").text
    assert loads == [1]


@pytest.mark.slow
def test_tip_only_submission_by_a_monitor_is_queued_even_with_a_low_score(app_store, shipped_model):
    app, store, loads = app_store
    c = client_as(app, "mon")
    tip = "Jalan di depan pasar rusak dan berlubang sejak bulan lalu."
    assert not shipped_model.classify([Post.from_payload(intake_post({"tip": tip, "submitted_at": "2026-01-01T00:00:00Z"}))])[0]["flagged"]

    r = submit(c, tip=tip)
    assert r.status_code == 303, r.text
    location = urlsplit(r.headers["location"])
    query = parse_qs(location.query)
    assert location.path == "/masukan" and query["masukan"] == ["baru"]  # a monitor cannot open the item page
    platform, post_id = query["tersimpan"][0].split("/", 1)
    assert platform == "tip" and post_id.startswith("tip-")

    [post] = store.query("SELECT platform, post_id, text, url FROM posts")
    assert post == {"platform": "tip", "post_id": post_id, "text": tip, "url": None}
    raw = raw_submission(store, platform, post_id)
    assert raw["intake"]["submitted_by"] == "mon" and raw["fetched"] is None and raw["intake"]["reporter_contact"] is None
    [cls] = store.query("SELECT flagged, signals, model_version FROM classifications")
    assert cls["flagged"] and cls["model_version"].endswith("+intake")
    assert json.loads(cls["signals"])[0]["model_flagged"] is False  # the model alone would not have queued it
    assert store.query("SELECT status FROM queue_items") == [{"status": "new"}]
    assert [e["actor"] for e in intake_audit(store)] == ["mon"]

    page = c.get(r.headers["location"])
    assert "Masukan tersimpan dan masuk antrean" in page.text and post_id in page.text
    assert "buka pos" not in page.text
    # A reviewer finds it in the queue.
    assert f"/pos/tip/{post_id}" in client_as(app, "rev").get("/antrean").text


@pytest.mark.slow
def test_unreachable_page_still_records_and_a_repeated_url_opens_the_same_post(app_store):
    app, store, loads = app_store
    c = client_as(app, "sup")
    url = "http://127.0.0.1:9/posts/1"  # nothing listens on port 9
    r = submit(c, url=url, tip="Camat ikut deklarasi paslon", reporter_contact=CONTACT)
    assert r.status_code == 303, r.text
    location = urlsplit(r.headers["location"])
    assert parse_qs(location.query) == {"masukan": ["tanpa-halaman"]}
    post_id = location.path.rsplit("/", 1)[1]
    raw = raw_submission(store, "web", post_id)
    assert "error" in raw["fetched"] and raw["intake"]["submitted_by"] == "sup"
    assert json.loads(intake_audit(store)[0]["detail"])["fetched"] is False

    r2 = submit(c, url=url, tip="Laporan kedua atas pos yang sama", no_fetch="1")
    assert r2.status_code == 303 and urlsplit(r2.headers["location"]).path == location.path
    assert parse_qs(urlsplit(r2.headers["location"]).query) == {"masukan": ["ada"]}
    assert store.scalar("SELECT count(*) FROM posts") == 1
    assert store.scalar("SELECT count(*) FROM raw_payloads") == 2  # both submissions are kept
    assert [json.loads(e["detail"])["new"] for e in intake_audit(store)] == [True, False]
    details = intake_mod.intake_details(store, "web", post_id, "supervisor")
    assert [d["tip"] for d in details] == ["Camat ikut deklarasi paslon", "Laporan kedua atas pos yang sama"]
    assert details[0]["reporter_contact"] == CONTACT and not details[0]["fetched"]
    assert loads == [1]  # the model is loaded once per app


@pytest.mark.slow
def test_private_addresses_are_not_fetched_unless_allowed(tmp_path, httpserver, shipped_model):
    app, _ = make_app(tmp_path / "private.duckdb", shipped_model, fetch_private=False)
    store = app.state.store
    add_users(store, ("rev", "reviewer"))
    httpserver.expect_request("/internal").respond_with_data(PAGE, content_type="text/html")
    r = submit(client_as(app, "rev"), url=httpserver.url_for("/internal"), tip="Tautan dari grup WhatsApp")
    assert r.status_code == 303
    assert parse_qs(urlsplit(r.headers["location"]).query) == {"masukan": ["tanpa-halaman"]}
    assert len(httpserver.log) == 0
    [post] = store.query("SELECT platform, post_id FROM posts")
    assert raw_submission(store, post["platform"], post["post_id"])["fetched"] is None
    assert json.loads(intake_audit(store)[0]["detail"])["fetch"] is False


@pytest.mark.slow
def test_a_crawler_that_cannot_finish_stores_nothing_and_says_so(tmp_path, shipped_model):
    app, loads = make_app(tmp_path / "timeout.duckdb", shipped_model, crawl_timeout=0.01)
    store = app.state.store
    add_users(store, ("rev", "reviewer"))
    r = submit(client_as(app, "rev"), tip="Guru ajak coblos", reporter_contact=CONTACT)
    assert r.status_code == 502 and "perayap masukan gagal berjalan" in r.text
    assert store.scalar("SELECT count(*) FROM posts") == 0 and intake_audit(store) == [] and loads == []
    assert not list(Path(tempfile.gettempdir()).glob("pantau-intake-*/intake.jsonl*"))  # no leftover with the contact


def test_post_without_csrf_token_is_refused_and_stores_nothing(app_store):
    app, store, loads = app_store
    c = client_as(app, "rev")
    assert c.post("/masukan", data={"tip": "Guru ajak coblos"}, follow_redirects=False).status_code == 403
    r = c.post("/masukan", data={"tip": "Guru ajak coblos", "csrf_token": "palsu"}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    assert store.scalar("SELECT count(*) FROM posts") == 0 and intake_audit(store) == [] and loads == []


def test_analyst_is_refused(app_store):
    app, store, _ = app_store
    c = client_as(app, "ana")
    assert c.get("/masukan", follow_redirects=False).status_code == 403
    token = csrf_of(c.get("/antrean").text)
    r = c.post("/masukan", data={"tip": "Guru ajak coblos", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403
    assert store.scalar("SELECT count(*) FROM posts") == 0 and intake_audit(store) == []


def test_anonymous_is_sent_to_login(app_store):
    app, _, _ = app_store
    c = TestClient(app)
    for method in ("GET", "POST"):
        r = c.request(method, "/masukan", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/masuk?next=")


@pytest.mark.parametrize("role_user", ["mon", "rev", "sup", "adm"])
def test_allowed_roles_see_the_form(app_store, role_user):
    app, _, _ = app_store
    page = client_as(app, role_user).get("/masukan")
    assert page.status_code == 200 and 'id="intake-form"' in page.text and 'name="csrf_token"' in page.text
    assert "<script" not in page.text.split("</head>", 1)[1]  # no inline script (strict CSP)


def test_empty_form_and_bad_url_give_an_indonesian_error_and_store_nothing(app_store):
    app, store, loads = app_store
    c = client_as(app, "rev")
    r = submit(c, url="  ", tip="   ", reporter_contact=CONTACT)
    assert r.status_code == 400 and "Isi URL atau keterangan (tip); salah satu wajib diisi." in r.text
    assert f'value="{CONTACT}"' in r.text  # what was typed is kept in the form
    r = submit(c, url="javascript:alert(1)", tip='<script>alert("x")</script>')
    assert r.status_code == 400 and "diawali http:// atau https://" in r.text
    assert '<script>alert("x")</script>' not in r.text and "&lt;script&gt;" in r.text
    assert store.scalar("SELECT count(*) FROM posts") == 0
    assert store.scalar("SELECT count(*) FROM classifications") == 0 and intake_audit(store) == [] and loads == []


def test_reporter_contact_is_shown_only_to_supervisors_and_admins(tmp_path):
    from pantau.store.db import Store

    store = Store(tmp_path / "details.duckdb")
    sub = {"url": None, "tip": "Lurah <b>pasang</b> baliho paslon", "reporter_contact": CONTACT,
           "submitted_by": "mon", "submitted_at": "2026-11-20T03:00:00Z"}
    post = Post.from_payload(intake_post(sub))
    store.ingest([post])
    env = Environment(loader=FileSystemLoader(str(Path(intake_mod.__file__).parent / "templates")),
                      autoescape=select_autoescape(["html"]))
    env.filters["wib"] = to_wib
    request = SimpleNamespace(query_params={"masukan": "baru"})
    pages = {}
    for role in ("monitor", "reviewer", "analyst", "supervisor", "admin"):
        details = intake_mod.intake_details(store, post.platform, post.post_id, role)
        assert [d["submitted_by"] for d in details] == ["mon"]
        assert ("reporter_contact" in details[0]) is (role in ("supervisor", "admin"))
        pages[role] = env.get_template("_intake_notice.html").render(request=request, intake=details)
    for role, html in pages.items():
        assert (CONTACT in html) is (role in ("supervisor", "admin")), role
        assert "20-11-2026 10:00 WIB oleh mon" in html and "Masukan tersimpan" in html
        assert "<b>" not in html and "&lt;b&gt;pasang" in html




@pytest.mark.slow
def test_item_page_shows_the_notice_and_the_contact_only_to_supervisors(app_store):
    app, store, _ = app_store
    sup = client_as(app, "sup")
    r = submit(sup, tip="Kepala dinas hadir di deklarasi paslon", reporter_contact=CONTACT)
    assert r.status_code == 303 and r.headers["location"].endswith("?masukan=baru")
    page = sup.get(r.headers["location"])
    assert "Masukan tersimpan dan masuk antrean" in page.text and 'id="intake-details"' in page.text
    assert CONTACT in page.text and "oleh sup" in page.text
    path = urlsplit(r.headers["location"]).path
    for user in ("rev", "ana"):
        other = client_as(app, user).get(path)
        assert other.status_code == 200 and 'id="intake-details"' in other.text and "oleh sup" in other.text
        assert CONTACT not in other.text, user
