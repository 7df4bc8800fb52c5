"""Issue 18: a referral report of a post that is part of a coordinated wave cites it ("bagian dari pesan serentak:
N akun, K wilayah, H jam"); a post alone gets no such row."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import NOW, result
from pantau.post import Author, Post
from pantau.referral.package import ReferralConfig, build_package
from pantau.referral.reporter import load_reporter
from test_nearcopy import COPIES, SAME_TOPIC
from test_referral import REPORTER_TOML

pytestmark = pytest.mark.slow


def test_the_report_cites_the_wave_its_post_is_part_of(tmp_path):
    from pantau.store.db import Store

    store = Store(tmp_path / "db.duckdb")
    regions = ("Kab. Bogor", "Kab. Bogor", "Kab. Bekasi", "Kota Depok")
    posts = [Post(platform="demo", post_id=str(i), text=COPIES[i], url=f"http://127.0.0.1/p/{i}",
                  author=Author(id=f"g{i}", handle=f"guru{i}", name=f"Guru {i}", bio="Guru SDN 1 Cibinong | PNS"),
                  region=regions[i], created_at=NOW - timedelta(minutes=50 * (4 - i)), captured_at=NOW)
             for i in range(4)]
    alone = Post(platform="demo", post_id="9", text=SAME_TOPIC[1], url="http://127.0.0.1/p/9",
                 author=Author(id="g9", handle="guru9", name="Guru 9", bio="Guru SDN 2 Cibinong | PNS"),
                 region="Kab. Bogor", created_at=NOW - timedelta(hours=1), captured_at=NOW)
    store.ingest([*posts, alone])
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in [*posts, alone]])
    checklist = {"asn_identity": True, "partisan_act": True, "election_period": True}
    for pid in ("0", "9"):
        d = store.record_decision("demo", pid, "violation", reviewer="rina", reason="ajakan", checklist=checklist)
        store.confirm_decision(d, supervisor="sari", agreed=True)
    (tmp_path / "pelapor.toml").write_text(REPORTER_TOML, encoding="utf-8")
    config = ReferralConfig(reporter=load_reporter(tmp_path / "pelapor.toml", environ={}), now=NOW + timedelta(days=1))
    packages = {p.item: p for p in build_package(store, ["demo/0", "demo/9"], tmp_path / "out", config)}

    def html(item: str) -> str:
        with zipfile.ZipFile(Path(packages[item].path)) as zf:
            return zf.read("laporan.html").decode("utf-8")

    assert "Bagian dari pesan serentak: 4 akun, 3 wilayah, 3 jam" in html("demo/0")  # 150 minutes, half up
    assert "pesan serentak" not in html("demo/9")
