"""A referral package's review trail (bukti/penilaian.json) marks a decision its reviewer withdrew ("Batalkan"):
the decision stays in the trail (nothing is deleted) but a reader of the package sees that it does not count."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

from conftest import NOW, make_post, result
from pantau.referral.package import ReferralConfig, build_package
from pantau.referral.reporter import load_reporter
from pantau.store.db import Store

REPORTER = {f"PANTAU_REPORTER_{k}": v for k, v in {
    "NAME": "Siti Rahmawati", "BIRTH_PLACE": "Sleman", "BIRTH_DATE": "12 Maret 1990", "SEX": "Perempuan",
    "OCCUPATION": "Koordinator pemantau", "CITIZENSHIP": "WNI", "ADDRESS": "Jl. Kaliurang Km 5, Sleman",
    "PHONE": "0812-3456-7890", "EMAIL": "siti@example.org"}.items()}


def test_a_withdrawn_decision_is_marked_in_the_packages_review_trail(tmp_path):
    store = Store(tmp_path / "w.duckdb")
    post = make_post(1, "Ayo coblos nomor urut 2! Saya guru PNS", bio="Guru SDN 2 | PNS", captured=NOW)
    store.ingest([post])
    store.save_classifications([result(post, 0.9, True, "kampanye_medsos")])
    decided = NOW + timedelta(minutes=5)
    slip = store.record_decision("demo", "1", "not_violation", reviewer="rina", reason="salah klik", now=decided,
                                 double_check_rate=0.0)
    store.withdraw_decision(slip, reviewer="rina", window_seconds=60, now=decided + timedelta(seconds=5))
    kept = store.record_decision("demo", "1", "violation", reviewer="rina", reason="ajakan mencoblos",
                                 checklist={"asn_identity": True, "partisan_act": True},
                                 now=decided + timedelta(seconds=10), double_check_rate=0.0)
    store.confirm_decision(kept, supervisor="sari", agreed=True, reason="setuju", now=decided + timedelta(minutes=1))

    [pkg] = build_package(store, ["demo/1"], tmp_path / "out",
                          ReferralConfig(reporter=load_reporter(None, REPORTER), now=NOW + timedelta(days=1)))
    with zipfile.ZipFile(pkg.path) as zf:
        trail = json.loads(zf.read("bukti/penilaian.json"))
    by_id = {d["decision_id"]: d for d in trail["decisions"]}
    assert set(by_id) == {slip, kept}  # nothing deleted
    assert by_id[slip]["withdrawn_at"] is not None and by_id[slip]["withdrawn_by"] == "rina"
    assert by_id[kept]["withdrawn_at"] is None and by_id[kept]["withdrawn_by"] is None
