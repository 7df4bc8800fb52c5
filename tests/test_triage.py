"""Triage request cycles through the real app and a real DuckDB file (in-process client)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau.triage.app import create_app
from test_triage_helpers import PASSWORD, add_users, csrf_of, login, login_csrf


@pytest.fixture
def client(seeded_store):
    store, _ = seeded_store
    add_users(store, ("rina", "reviewer"), ("budi", "reviewer"), ("sari", "supervisor"))
    return TestClient(create_app(store.path, secret=b"test-secret")), store


def test_queue_requires_login(client):
    c, _ = client
    r = c.get("/antrean", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/masuk")


def test_wrong_password_is_refused_and_audited(client):
    c, store = client
    r = c.post("/masuk", data={"csrf_token": login_csrf(c), "username": "rina", "password": "salah-sekali-123"}, follow_redirects=False)
    assert r.status_code == 401 and "salah" in r.text
    assert c.get("/antrean", follow_redirects=False).status_code == 303
    r = c.post("/masuk", data={"csrf_token": login_csrf(c), "username": "tidakada", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 401
    actions = [r["action"] for r in store.query("SELECT action FROM audit_log ORDER BY seq")]
    assert actions.count("login_failed") == 2 and "login" not in actions


def test_login_rate_limit_per_username_and_address(client):
    c, _ = client
    for _ in range(5):
        assert c.post("/masuk", data={"csrf_token": login_csrf(c), "username": "rina", "password": "salah-sekali-123"}).status_code == 401
    # even the right password is refused while blocked
    r = c.post("/masuk", data={"csrf_token": login_csrf(c), "username": "rina", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 429 and "Terlalu banyak" in r.text
    # another username from the same address is not blocked
    login(c, "budi")


def test_decision_cycle_moves_item_out_of_queue_and_opens_next(client):
    c, store = client
    login(c, "rina")
    page = c.get("/antrean")
    assert page.status_code == 200
    assert "Antrean tinjauan" in page.text and '<span id="total">4</span>' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")

    item = c.get("/pos/demo/3")
    assert item.status_code == 200 and "pos nomor 3" in item.text
    r = c.post(
        "/pos/demo/3/keputusan",
        data={"decision": "not_violation", "reason": "netral", "asn_identity": "1", "csrf_token": csrf_of(item.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/pos/demo/2"  # next by deadline
    row = store.query("SELECT decision, reviewer, reason FROM decisions")[0]
    assert row == {"decision": "not_violation", "reviewer": "rina", "reason": "netral"}
    note = store.query("SELECT checklist FROM notes")[0]["checklist"]
    assert '"asn_identity": true' in note and '"partisan_act": false' in note
    assert "3" not in [r["post_id"] for r in store.query("SELECT post_id FROM triage_queue")]
    assert '<span id="total">3</span>' in c.get("/antrean").text
    actions = [r["action"] for r in store.query("SELECT action FROM audit_log ORDER BY seq")]
    assert actions[-3:] == ["login", "view_item", "decision"]


def test_post_without_csrf_token_is_refused_and_records_nothing(client):
    c, store = client
    login(c, "rina")
    r = c.post("/pos/demo/3/keputusan", data={"decision": "violation"}, follow_redirects=False)
    assert r.status_code == 403
    r = c.post("/pos/demo/3/keputusan", data={"decision": "violation", "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert store.scalar("SELECT count(*) FROM decisions") == 0


def test_post_text_is_escaped(tmp_path):
    from pantau.store.db import Store

    store = Store(tmp_path / "x.duckdb")
    evil = make_post(1, '<script>alert(1)</script><img src=x onerror="alert(2)">')
    store.ingest([evil])
    res = result(evil, 0.95, True, "kampanye_medsos")
    res["signals"] = [{"name": "x", "source": "text", "start": 0, "end": 8, "text": "<script>"}]
    store.save_classifications([res])
    add_users(store, ("rina", "reviewer"))
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    for url in ("/antrean", "/pos/demo/1"):
        html = c.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;img src=x onerror=" in html
    html = c.get("/pos/demo/1").text
    assert '<mark class="signal" title="x">&lt;script&gt;</mark>alert(1)&lt;/script&gt;' in html


def test_item_page_names_signals_in_indonesian_by_group(tmp_path):
    from pantau.store.db import Store

    store = Store(tmp_path / "s.duckdb")
    post = make_post(1, "Ayo coblos nomor 2, kata pak camat")
    store.ingest([post])
    res = result(post, 0.95, True, "kampanye_medsos")
    res["signals"] = [{"name": "vote_call", "source": "text", "start": 0, "end": 10, "text": "Ayo coblos"},
                      {"name": "other_role", "source": "text", "start": 29, "end": 34, "text": "camat"}]
    store.save_classifications([res])
    add_users(store, ("rina", "reviewer"))
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    html = c.get("/pos/demo/1").text
    assert html.index("Keberpihakan / kampanye") < html.index("Penanda bukan pelanggaran")
    assert "Ajakan memilih <code>vote_call</code> (teks): &ldquo;Ayo coblos&rdquo;" in html
    assert "Peran orang lain (disebut/disapa) <code>other_role</code>" in html
    assert '<mark class="signal" title="Ajakan memilih">Ayo coblos</mark>' in html
    assert "signal-group signal-asn" not in html  # no ASN signal: no empty group


def test_unknown_post_is_404_and_bad_decision_400(client):
    c, _ = client
    login(c, "rina")
    assert c.get("/pos/demo/nope").status_code == 404
    item = c.get("/pos/demo/3")
    r = c.post("/pos/demo/3/keputusan", data={"decision": "maybe", "csrf_token": csrf_of(item.text)})
    assert r.status_code == 400


def test_claimed_item_cannot_be_decided_by_another_reviewer(client):
    c1, store = client
    c2 = TestClient(c1.app)
    login(c1, "rina")
    login(c2, "budi")
    c1.get("/pos/demo/3")
    page = c2.get("/pos/demo/3")
    assert "Sedang ditinjau oleh rina" in page.text and 'id="decision-form"' not in page.text
    # budi forges the form anyway: refused, nothing stored
    r = c2.post("/pos/demo/3/keputusan", data={"decision": "not_violation", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 409
    assert store.scalar("SELECT count(*) FROM decisions") == 0
    # the next item offered to budi skips items claimed by others
    c2.get("/pos/demo/1")
    c1.get("/pos/demo/2")
    page = c2.get("/pos/demo/1")
    r = c2.post("/pos/demo/1/keputusan", data={"decision": "not_violation", "csrf_token": csrf_of(page.text)},
                follow_redirects=False)
    assert r.headers["location"] == "/pos/demo/0"


def test_four_eyes_violation_needs_another_supervisor(client):
    c1, store = client
    sup = TestClient(c1.app)
    login(c1, "rina")
    login(sup, "sari")
    item = c1.get("/pos/demo/3")
    c1.post("/pos/demo/3/keputusan", data={"decision": "violation", "reason": "ajakan coblos",
                                           "csrf_token": csrf_of(item.text)})
    assert store.scalar("SELECT status FROM queue_items WHERE post_id = '3'") == "awaiting_confirmation"
    # the reviewer cannot open the supervisor page; the supervisor sees the item there
    assert c1.get("/konfirmasi").status_code == 403
    page = sup.get("/konfirmasi")
    assert "ajakan coblos" in page.text
    decision_id = store.scalar("SELECT decision_id FROM decisions WHERE post_id = '3'")
    assert sup.get("/ekspor.csv").text.count("\n") == 1  # header only: nothing confirmed yet
    r = sup.post(f"/konfirmasi/{decision_id}", data={"agree": "1", "csrf_token": csrf_of(page.text)},
                 follow_redirects=False)
    assert r.status_code == 303
    assert store.scalar("SELECT status FROM queue_items WHERE post_id = '3'") == "confirmed"
    csv_text = sup.get("/ekspor.csv").text
    assert csv_text.count("\n") == 2 and "rina" in csv_text and "sari" in csv_text
    assert store.query("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")[0]["action"] == "export"


def test_supervisor_cannot_confirm_own_violation_and_disagreement_is_kept(client):
    c, store = client
    login(c, "sari")
    item = c.get("/pos/demo/2")
    c.post("/pos/demo/2/keputusan", data={"decision": "violation", "csrf_token": csrf_of(item.text)})
    did = store.scalar("SELECT decision_id FROM decisions")
    r = c.post(f"/konfirmasi/{did}", data={"agree": "1", "csrf_token": csrf_of(item.text)})
    assert r.status_code == 409 and "prinsip empat mata" in r.text
    assert store.scalar("SELECT status FROM queue_items WHERE post_id = '2'") == "awaiting_confirmation"
    # a different supervisor disagrees: the item goes back as not a violation, both labels kept
    add_users(store, ("dewi", "supervisor"))
    d = TestClient(c.app)
    login(d, "dewi")
    page = d.get("/konfirmasi")
    d.post(f"/konfirmasi/{did}", data={"agree": "0", "decision": "not_violation", "reason": "bukan ASN",
                                       "csrf_token": csrf_of(page.text)})
    assert store.scalar("SELECT status FROM queue_items WHERE post_id = '2'") == "not_violation"
    hist = d.get("/pos/demo/2").text
    assert "Tidak disetujui oleh dewi" in hist and "bukan ASN" in hist
    agreement = d.get("/kesepakatan").text
    assert '<dd id="pairs">1</dd>' in agreement and '<dd id="percent">0.0%</dd>' in agreement


def test_queue_filters_and_keyset_pagination(tmp_path, monkeypatch):
    import pantau.triage.queue as triage_queue
    from pantau.store.db import Store

    store = Store(tmp_path / "many.duckdb")
    posts = [make_post(i, f"guru sd kampanye nomor {i}", platform="demo" if i % 2 else "other") for i in range(1, 26)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.5 + (i % 5) / 10, True, "kampanye_medsos") for i, p in enumerate(posts)])
    add_users(store, ("rina", "reviewer"))
    monkeypatch.setattr(triage_queue, "PAGE_SIZE", 10)
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    seen = _walk_queue(c, "/antrean")
    assert len(seen) == 25 and len(set(seen)) == 25
    expected = store.query("SELECT platform, post_id FROM queue_items ORDER BY deadline_at, score DESC, platform, post_id")
    assert seen == [f"/pos/{r['platform']}/{r['post_id']}" for r in expected]
    html = c.get("/antrean?platform=other").text
    assert '<span id="total">12</span>' in html
    # full-text search, both before and after the index is built
    assert '<span id="total">1</span>' in c.get("/antrean?q=nomor+17").text
    store.build_search_index()
    assert '<span id="total">1</span>' in c.get("/antrean?q=nomor+17").text
    store.ingest([make_post(99, "kepala dinas ajak coblos")])
    store.save_classifications([result(make_post(99), 0.9, True, "kampanye_medsos")])
    assert '<span id="total">1</span>' in c.get("/antrean?q=coblos").text  # stored after the index: still found
    # stored and indexed while not flagged (the index holds queue posts only), flagged later by a new model run
    late = make_post(77, "camat hadir deklarasi relawan")
    store.ingest([late])
    store.save_classifications([result(late, 0.1, False)])
    store.build_search_index()
    assert '<span id="total">0</span>' in c.get("/antrean?q=deklarasi").text
    store.save_classifications([{**result(late, 0.95, True, "hadir_kampanye"), "model_version": "test-model-2"}])
    assert '<span id="total">1</span>' in c.get("/antrean?q=deklarasi+relawan").text


def test_login_without_the_forms_csrf_token_is_refused(client):
    c, store = client
    r = c.post("/masuk", data={"username": "rina", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "pantau_session" not in r.cookies
    login_csrf(c)  # the nonce cookie alone, with a forged token, is not enough either
    r = c.post("/masuk", data={"username": "rina", "password": PASSWORD, "csrf_token": "palsu"}, follow_redirects=False)
    assert r.status_code == 403
    assert c.get("/antrean", follow_redirects=False).status_code == 303
    assert "login" not in [row["action"] for row in store.query("SELECT action FROM audit_log")]


def _walk_queue(c, url: str) -> list[str]:
    import re

    seen: list[str] = []
    while url:
        html = c.get(url).text
        seen += re.findall(r'data-href="(/pos/[^"]+)"', html)
        m = re.search(r'rel="next" href="([^"]+)"', html)
        url = m.group(1).replace("&amp;", "&") if m else None
    return seen


def test_queue_pages_are_exact_when_many_items_share_a_deadline(tmp_path, monkeypatch):
    """The page query bounds the scan by the page's last deadline; ties across a page boundary must not be lost."""
    import pantau.triage.queue as triage_queue
    from conftest import NOW
    from pantau.store.db import Store

    store = Store(tmp_path / "ties.duckdb")
    # 23 posts captured at the same moment (same deadline), 4 earlier ones, scores with ties too
    posts = [make_post(i, captured=NOW - timedelta(hours=30 if i < 4 else 2), platform="p" + str(i % 3))
             for i in range(27)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.5 + (i % 4) / 10, True, "kampanye_medsos") for i, p in enumerate(posts)])
    add_users(store, ("rina", "reviewer"))
    monkeypatch.setattr(triage_queue, "PAGE_SIZE", 5)
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    seen = _walk_queue(c, "/antrean")
    expected = store.query("SELECT platform, post_id FROM queue_items ORDER BY deadline_at, score DESC, platform, post_id")
    assert seen == [f"/pos/{r['platform']}/{r['post_id']}" for r in expected] and len(seen) == 27


def test_queue_filters_by_watchlist(tmp_path):
    from pantau.store.db import Store

    store = Store(tmp_path / "wl.duckdb")
    sleman = [make_post(i, platform="x") for i in range(0, 6)]
    bantul = [make_post(i, platform="x") for i in range(4, 9)]  # posts 4 and 5 are found by both watchlists
    store.ingest(sleman, watchlist="Pilkada Sleman")
    store.ingest(bantul, watchlist="Pilkada Bantul")
    store.ingest([make_post(20, platform="x")])  # no watchlist (e.g. a manual ingest)
    everything = sleman + bantul[2:] + [make_post(20, platform="x")]
    store.save_classifications([result(p, 0.8, True, "kampanye_medsos") for p in everything])
    assert store.scalar("SELECT count(*) FROM post_watchlists") == 11
    add_users(store, ("rina", "reviewer"))
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    page = c.get("/antrean")
    assert '<span id="total">10</span>' in page.text
    assert ">Pilkada Bantul</option>" in page.text and ">Pilkada Sleman</option>" in page.text
    sleman_ids = sorted(_walk_queue(c, "/antrean?watchlist=Pilkada+Sleman"))
    assert sleman_ids == sorted(f"/pos/x/{i}" for i in range(0, 6))
    bantul_ids = sorted(_walk_queue(c, "/antrean?watchlist=Pilkada+Bantul"))
    assert bantul_ids == sorted(f"/pos/x/{i}" for i in range(4, 9))
    assert '<span id="total">0</span>' in c.get("/antrean?watchlist=Tidak+Ada").text
    # ingesting again with the same watchlist adds nothing
    store.ingest(sleman, watchlist="Pilkada Sleman")
    assert store.scalar("SELECT count(*) FROM post_watchlists") == 11


@pytest.mark.parametrize("hours", [(10, 20, 30), (1, 2, 3)])  # the whole queue's scan; the 6-hour range's
def test_item_page_prev_and_next_follow_queue_order_with_ties(tmp_path, hours):
    import re

    from conftest import NOW
    from pantau.store.db import Store

    store = Store(tmp_path / "nav.duckdb")
    # three deadlines, several items on each, equal scores inside a deadline too
    posts = [make_post(i, captured=NOW - timedelta(hours=hours[i % 3]), platform="p" + str(i % 2))
             for i in range(12)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.5 + (i % 2) / 10, True, "kampanye_medsos") for i, p in enumerate(posts)])
    add_users(store, ("sari", "supervisor"))
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "sari")
    order = [f"/pos/{r['platform']}/{r['post_id']}" for r in store.query(
        "SELECT platform, post_id FROM queue_items ORDER BY deadline_at, score DESC, platform, post_id")]
    for i, href in enumerate(order):
        html = c.get(href).text
        nxt = re.search(r'id="next-item" href="([^"]+)"', html)
        prev = re.search(r'id="prev-item" href="([^"]+)"', html)
        assert (nxt.group(1) if nxt else None) == (order[i + 1] if i + 1 < len(order) else None), href
        assert (prev.group(1) if prev else None) == (order[i - 1] if i > 0 else None), href
