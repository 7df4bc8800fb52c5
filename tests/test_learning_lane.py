"""The "Bantu model" lane and the reviewers' training rows (issue 18, part 3): /antrean?lane=bantu lists undecided
posts near the active model's threshold (flagged or not) and accounts the registry marks as ASN that the model did
not flag, round-robin across categories; a reviewer decides one with the normal form and it becomes a training row
carrying the model version that scored it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau.nlp.classifier import load
from pantau.store.db import Store
from pantau.store.learning import LANE_BAND, lane_rows, refresh_lane
from pantau.triage.app import create_app
from test_triage_helpers import add_users, csrf_of, login

CROWDED, SMALL = "kampanye_medsos", ("foto_simbol", "hadir_kampanye")
REGISTRY = [{"name": "registry", "source": "registry", "start": 0, "end": 0, "text": "terdaftar sebagai ASN",
             "class": "asn"}]


@pytest.fixture
def lane_store(tmp_path, monkeypatch):
    """Around the packaged model's threshold t: 12 flagged posts of one category just above t (1-12), 2 of each of
    two other categories (13-16), 3 unflagged near-misses just below t (17-19); far from t: a sure flag (20) and
    a sure non-flag (21); an unflagged post by an author the registry marks as ASN (22, score 0); a near-threshold
    post already decided (23)."""
    monkeypatch.delenv("PANTAU_MODEL", raising=False)
    t = load(None).threshold
    store = Store(tmp_path / "lane.duckdb")
    # distinct texts (estimated similarity at most ~0.35): no near-copy cluster links a far post to the decided one
    posts = [make_post(i, f"pos uji {i} kegiatan {i + 100} desa {i + 200} kecamatan {i + 300}") for i in range(1, 24)]
    store.ingest(posts)
    res = [result(posts[i - 1], t + 0.01 * i, True, CROWDED) for i in range(1, 13)]
    res += [result(posts[i - 1], t + 0.005 * (i - 12), True, SMALL[(i - 13) // 2]) for i in range(13, 17)]
    res += [result(posts[i - 1], t - 0.01 * (i - 16), False) for i in range(17, 20)]
    res += [result(posts[19], min(1.0, t + LANE_BAND + 0.05), True, CROWDED), result(posts[20], 0.0, False)]
    registry = result(posts[21], 0.0, False)
    registry["signals"] = REGISTRY
    res += [registry, result(posts[22], t, True, CROWDED)]
    store.save_classifications(res)
    add_users(store, ("rina", "reviewer"))
    store.record_decision("demo", "23", "not_violation", reviewer="rina")
    return store, t


def lane_ids(html: str) -> list[str]:
    return re.findall(r'<tr class="queue-row lane-\w+" tabindex="0" data-href="/pos/demo/(\d+)"', html)


def test_lane_lists_uncertain_posts_round_robin_across_categories(lane_store):
    store, t = lane_store
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    assert 'href="/antrean?lane=bantu" id="lane-bantu">Bantu model</a>' in c.get("/antrean").text
    page = c.get("/antrean", params={"lane": "bantu"})
    assert page.status_code == 200
    ids = lane_ids(page.text)
    # every near-threshold post and the registry post, none of the far ones nor the decided one
    assert sorted(ids, key=int) == [str(i) for i in range(1, 20)] + ["22"]
    rows = {r["post_id"]: r for r in store.query("SELECT * FROM learning_lane")}
    assert rows["22"]["reason"] == "registry" and not rows["22"]["flagged"]
    assert {rows[i]["reason"] for i in ids if i != "22"} == {"uncertain"}
    # round-robin: the first four rows hold one post of each bucket (3 categories + unflagged), so the crowded
    # category does not fill the lane; within a bucket the closest to the threshold comes first
    cats = [rows[i]["category"] for i in ids]
    assert set(cats[:4]) == {CROWDED, *SMALL, None}
    assert set(cats[4:8]) == {CROWDED, *SMALL, None}
    assert ids[:4].count("1") == 1 and "12" not in ids[:8]
    # within the unflagged bucket, round-robin across reasons: the registry post, then the closest near miss
    assert [i for i in ids if rows[i]["category"] is None] == ["22", "17", "18", "19"]
    assert 'Terdaftar sebagai ASN, tidak ditandai model' in page.text


def test_a_lane_decision_is_a_training_row_with_the_model_version(lane_store):
    store, t = lane_store
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    assert "17" in lane_ids(c.get("/antrean", params={"lane": "bantu"}).text)
    # an unflagged near-miss, decided with the normal item page and form: a useful negative
    item = c.get("/pos/demo/17")
    assert 'id="decision-form"' in item.text
    seen = re.search(r'name="seen" value="([^"]*)"', item.text)
    data = {"decision": "not_violation", "csrf_token": csrf_of(item.text), **({"seen": seen.group(1)} if seen else {})}
    r = c.post("/pos/demo/17/keputusan", data=data, follow_redirects=False)
    assert r.status_code in (303, 200), r.text
    assert "17" not in lane_ids(c.get("/antrean", params={"lane": "bantu"}).text)
    rows = {r["post_id"]: r for r in store.query("SELECT * FROM v_training_rows")}
    assert set(rows) == {"17", "23"}
    assert rows["17"]["label"] == 0 and rows["17"]["model_version"] == "test-model"
    assert rows["17"]["score"] == pytest.approx(t - 0.01) and rows["17"]["model_flagged"] is False
    # the registry post the model missed, decided a violation: it reaches the supervisors' confirmation list like any
    # flagged post (queue_items holds decided unflagged posts), and once confirmed it is a positive training row
    item = c.get("/pos/demo/22")
    seen = re.search(r'name="seen" value="([^"]*)"', item.text)
    data = {"decision": "violation", "csrf_token": csrf_of(item.text), **({"seen": seen.group(1)} if seen else {})}
    assert c.post("/pos/demo/22/keputusan", data=data, follow_redirects=False).status_code in (303, 200)
    assert store.query("SELECT status FROM queue_items WHERE post_id = '22'") == [{"status": "awaiting_confirmation"}]
    add_users(store, ("sari", "supervisor"))
    sup = TestClient(c.app)
    login(sup, "sari")
    assert 'href="/pos/demo/22"' in sup.get("/konfirmasi").text
    [decision] = store.query("SELECT decision_id FROM decisions WHERE post_id = '22'")
    store.confirm_decision(decision["decision_id"], supervisor="sari", agreed=True)
    row = store.query("SELECT label, model_version, model_flagged FROM v_training_rows WHERE post_id = '22'")
    assert row == [{"label": 1, "model_version": "test-model", "model_flagged": False}]
    # an unflagged post nobody decided stays out of the queue
    assert store.scalar("SELECT count(*) FROM queue_items WHERE post_id IN ('18', '19', '21')") == 0


def test_training_rows_carry_the_model_version_that_scored_the_post(tmp_path):
    """A post scored by m1, decided, then rescored by m2: its training row names m1 (what the reviewer saw)."""
    from datetime import datetime, timedelta, timezone

    store = Store(tmp_path / "t.duckdb")
    posts = [make_post(i, f"pos nomor {i}") for i in range(1, 4)]
    store.ingest(posts)
    t0 = datetime.now(timezone.utc) - timedelta(days=2)
    store.save_classifications([{**result(p, 0.8, True, "foto_simbol"), "model_version": "m1"} for p in posts],
                               now=t0)
    d = store.record_decision("demo", "1", "violation", reviewer="rina", now=t0 + timedelta(hours=1))
    store.confirm_decision(d, supervisor="sari", agreed=True, now=t0 + timedelta(hours=2))
    store.record_decision("demo", "2", "violation", reviewer="rina", now=t0 + timedelta(hours=1))  # not confirmed
    store.record_decision("demo", "3", "not_violation", reviewer="rina", now=t0 + timedelta(hours=1))
    store.save_classifications([{**result(p, 0.3, False), "model_version": "m2"} for p in posts],
                               now=t0 + timedelta(days=1))
    rows = {r["post_id"]: r for r in store.query("SELECT * FROM v_training_rows")}
    assert set(rows) == {"1", "3"}  # an unconfirmed violation teaches nothing yet
    assert rows["1"]["label"] == 1 and rows["1"]["category"] == "foto_simbol"
    assert rows["3"]["label"] == 0 and rows["3"]["category"] is None
    assert {r["model_version"] for r in rows.values()} == {"m1"}
    assert {r["score"] for r in rows.values()} == {0.8}


def test_cluster_disagreement_is_in_the_lane(tmp_path):
    """Near-copies of a post reviewers confirmed as a violation, which the model did not flag, are in the lane."""
    store = Store(tmp_path / "c.duckdb")
    text = "Ayo bapak ibu guru se-kecamatan coblos nomor 2 tanggal 27 November, pasti menang! #{}"
    posts = [make_post(i, text.format(i)) for i in range(1, 5)] + [make_post(9, "resep sayur asem untuk makan siang")]
    store.ingest(posts)
    if store.scalar("SELECT count(DISTINCT cluster_id) FROM post_clusters WHERE post_id IN ('1','2','3','4')") != 1:
        pytest.skip("near-copy clustering did not group the wave")
    store.save_classifications([result(posts[0], 0.9, True, "kampanye_medsos")]
                               + [result(p, 0.0, False) for p in posts[1:]])
    d = store.record_decision("demo", "1", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    refresh_lane(store, 0.5, force=True)
    rows = {r["post_id"]: r["reason"] for r in lane_rows(store, 0.5)}
    assert rows == {"2": "cluster", "3": "cluster", "4": "cluster"}


def test_bench_runs_and_its_lane_holds_every_reason(tmp_path, capsys):
    """bench/learning_lane.py at a small size: it prints both ratios, and its lane holds all three reasons over the
    seven categories and the unflagged bucket."""
    from bench.learning_lane import main as bench_main

    assert bench_main(["--posts", "5000", "--db", str(tmp_path / "b.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "learning_lane recompute" in out and "lane opened (staleness check + read)" in out
    store = Store(tmp_path / "b.duckdb")
    assert {r["reason"] for r in store.query("SELECT DISTINCT reason FROM learning_lane")} == {
        "registry", "cluster", "uncertain"}
    assert store.scalar("SELECT count(DISTINCT coalesce(category, '')) FROM learning_lane") == 8


def test_a_withdrawn_decision_leaves_the_post_undecided_for_the_lane(lane_store):
    """A decision withdrawn ("Batalkan") does not count: the post is undecided again, so the lane holds it again
    (post 23, near the threshold, was decided in the fixture) and keeps holding it on the next read."""
    store, t = lane_store
    refresh_lane(store, t, force=True)
    assert "23" not in {r["post_id"] for r in lane_rows(store, t)}
    decision_id = store.scalar("SELECT decision_id FROM decisions WHERE post_id = '23'")
    store.withdraw_decision(decision_id, reviewer="rina", window_seconds=3600)
    refresh_lane(store, t, force=True)
    assert "23" in {r["post_id"] for r in lane_rows(store, t)}
