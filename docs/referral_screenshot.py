"""Regenerate docs/referral-report.png (page 1 of a referral report): `python docs/referral_screenshot.py`.

Writes a throwaway store with one demo-platform post by a fictional teacher (no real people), records a reviewer's
violation decision and a supervisor's confirmation, builds the package with `pantau refer` code (Chromium prints the
PDF), checks it with verify, and renders page 1 with `pdftoppm` (Debian poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pantau.post import Author, Post, canonical_json, sha256_hex
from pantau.referral.reporter import Reporter

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DOCS = Path(__file__).resolve().parent
TEXT = ("Bapak ibu wali murid, tgl 27 jangan lupa coblos nomor urut 2 ya ✌️ Bayu–Retno pasti membawa Sleman makmur! "
        "#BayuRetno")
BIO = "Guru SDN 2 Sidomulyo 🏫 | PNS | suka nanam cabai 🌶️"
CAPTURED = datetime(2024, 11, 18, 2, 30, tzinfo=timezone.utc)


def build(tmp: Path) -> Path:
    from pantau.referral.package import ReferralConfig, build_package  # heavy (DuckDB): only this function needs it
    from pantau.referral.verify import verify_package  # heavy (DuckDB): only this function needs it
    from pantau.store.db import Store  # heavy (DuckDB): only this function needs it

    store = Store(tmp / "contoh.duckdb")
    raw = canonical_json({"id": "48213", "text": TEXT, "user": {"handle": "bu_ratna_sd", "bio": BIO}})
    post = Post(platform="demo", post_id="48213", text=TEXT, url="http://127.0.0.1:8800/p/48213",
                created_at=CAPTURED - timedelta(hours=3),
                author=Author(id="u17", handle="bu_ratna_sd", name="Ratna Widyastuti", bio=BIO),
                region="Kab. Sleman", captured_at=CAPTURED, raw=raw, raw_sha256=sha256_hex(raw))
    store.ingest([post])
    signals = [{"name": "asn_role", "source": "bio", "start": 0, "end": 4, "text": "Guru"},
               {"name": "asn_agency", "source": "bio", "start": 5, "end": 8, "text": "SDN"},
               {"name": "ajakan_coblos", "source": "text", "start": 0, "end": 0, "text": "coblos nomor urut 2"}]
    store.save_classifications([{"platform": "demo", "post_id": "48213", "score": 0.94, "flagged": True,
                                 "category": "kampanye_medsos", "signals": signals, "model_version": "contoh-1"}])
    decision = store.record_decision(
        "demo", "48213", "violation", reviewer="rina", reason="Guru PNS mengajak wali murid mencoblos paslon 2",
        checklist={"asn_identity": True, "partisan_act": True, "election_period": True}, now=CAPTURED + timedelta(hours=5))
    store.confirm_decision(decision, supervisor="sari", agreed=True, reason="Bio menyebut PNS; ajakan jelas",
                           now=CAPTURED + timedelta(hours=8))
    reporter = Reporter(name="Nama Contoh Pelapor", birth_place="Sleman", birth_date="1 Januari 1990", sex="Perempuan",
                        occupation="Pemantau pemilu", citizenship="WNI", address="Jl. Contoh No. 1, Sleman",
                        phone="0800-0000-0000", email="pelapor@contoh.invalid", organisation="Tim Pantau Contoh")
    pkg = build_package(store, ["demo/48213"], tmp / "out",
                        ReferralConfig(reporter=reporter, now=CAPTURED + timedelta(days=1, hours=2)))[0]
    check = verify_package(pkg.path)
    if not check.ok:
        raise SystemExit("verify failed: " + "; ".join(map(str, check.problems)))
    return pkg.path


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        package = build(tmp)
        pdf = tmp / "laporan.pdf"
        with zipfile.ZipFile(package) as zf:
            pdf.write_bytes(zf.read("laporan.pdf"))
        target = DOCS / "referral-report"
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)],
                       check=True)
    print(f"wrote {target}.png")


if __name__ == "__main__":
    main()
