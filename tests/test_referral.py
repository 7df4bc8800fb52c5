"""Referral packages built from a real DuckDB file and printed by the real Chromium; PDFs read back with pdftotext."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import NOW, make_post, result
from pantau.post import Author, canonical_json, sha256_hex
from pantau.referral.package import NotConfirmed, ReferralConfig, ReferralError, build_package
from pantau.referral.reporter import ReporterError, load_reporter
from pantau.referral.verify import verify_package

# `make test` installs Debian poppler-utils (pdftotext); without it these tests fail rather than skip.

BUILT_AT = NOW + timedelta(days=2)  # demo/1 was captured 1 hour before NOW: 4 days 23 hours left
REPORTER_TOML = """
witnesses = ["Andi Wijaya, warga Sidomulyo, 0812-0000-1111"]

[reporter]
name = "Siti Rahmawati"
birth_place = "Sleman"
birth_date = "12 Maret 1990"
sex = "Perempuan"
occupation = "Koordinator pemantau"
citizenship = "WNI"
address = "Jl. Kaliurang Km 5, Sleman"
phone = "0812-3456-7890"
email = "siti@example.org"
organisation = "Tim Pantau Sleman"
"""
NIP = "19800101 200501 2 003"


def _post(i, text, *, bio, region, captured):
    payload = {"id": str(i), "text": text, "user": {"bio": bio}}
    raw = canonical_json(payload)
    return dataclasses.replace(
        make_post(i, text, bio=bio, captured=captured), region=region, raw=raw, raw_sha256=sha256_hex(raw),
        author=Author(id=f"u{i}", handle=f"akun_{i}", name=f"Nama Terlapor {i}", bio=bio),
    )


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    from pantau.store.db import Store

    tmp = tmp_path_factory.mktemp("referral")
    store = Store(tmp / "ref.duckdb")
    posts = [
        _post(1, "Ayo coblos nomor urut 2! #Paslon02 <script>alert(1)</script>",
              bio=f"Guru SDN 2 Sidomulyo | PNS | NIP {NIP}", region="Kab. Sleman", captured=NOW - timedelta(hours=1)),
        _post(2, "Dukung paslon 01 gaes", bio="Bidan Puskesmas Tirtoadi", region="Kab. Sleman", captured=NOW),
        _post(3, "Salam dua jari", bio="Perawat RSUD", region="Kota Medan", captured=NOW),
        # confirmed, but known 10 days before the build, in a place the office table does not know
        _post(4, "Hadir deklarasi relawan tadi malam", bio="Camat Entah | ASN", region="Negeri Antah Berantah",
              captured=NOW - timedelta(days=8)),
    ]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    checklist = {"asn_identity": True, "partisan_act": True, "election_period": True}
    for pid in ("1", "4"):
        d = store.record_decision("demo", pid, "violation", reviewer="rina", reason="ajakan mencoblos", checklist=checklist)
        store.confirm_decision(d, supervisor="sari", agreed=True, reason="setuju, NIP terlihat")
    store.record_decision("demo", "2", "violation", reviewer="rina", reason="dukungan")  # awaiting confirmation
    reporter_file = tmp / "pelapor.toml"
    reporter_file.write_text(REPORTER_TOML, encoding="utf-8")
    reporter = load_reporter(reporter_file, environ={})
    out = tmp / "out"
    packages = build_package(store, ["demo/1", "demo/4"], out, ReferralConfig(reporter=reporter, now=BUILT_AT))
    return {"store": store, "posts": posts, "packages": {p.item: p for p in packages}, "tmp": tmp,
            "reporter": reporter, "reporter_file": reporter_file}


def pdf_text(zip_path: Path, tmp: Path) -> str:
    pdf = tmp / (zip_path.stem + ".pdf")
    with zipfile.ZipFile(zip_path) as zf:
        pdf.write_bytes(zf.read("laporan.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text


def squash(text: str) -> str:
    return " ".join(text.split())


def rewrite_zip(src: Path, dst: Path, *, change=None, drop=None, add=None) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info.filename)
            if info.filename == change:
                data = data.replace(b"akun_1", b"akun_9")
                assert data != zin.read(info.filename)
            zout.writestr(info, data)
        if add:
            zout.writestr(add, b"{}")


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    return subprocess.run([sys.executable, "-m", "pantau.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


# -- the package ---------------------------------------------------------------------------------------


def test_pdf_contains_every_required_field(case):
    pkg = case["packages"]["demo/1"]
    text = squash(pdf_text(pkg.path, case["tmp"]))
    r = case["reporter"]
    # reporter (pelapor)
    for value in (r.name, "Sleman, 12 Maret 1990", r.sex, r.occupation, r.citizenship, r.address, r.phone, r.email):
        assert value in text, value
    # reported party (terlapor): name, account, role, agency, status, NIP (public in the bio)
    for value in ("Nama Terlapor 1", "@akun_1", "Jabatan/peran : Guru", "Instansi : SDN 2 Sidomulyo", "PNS", NIP,
                  "tercantum secara publik di bio profil"):
        assert value in text, value
    # event: what, category, where, when it happened, when it became known, deadline and days left, witnesses
    assert "Kampanye/promosi calon di media sosial" in text
    assert "wilayah Kab. Sleman" in text and "http://127.0.0.1/p/1" in text
    assert "Waktu kejadian : 20 November 2026, 18.00 WIB (2026-11-20T11:00:00Z)" in text  # created_at = NOW - 1 h
    assert "Waktu diketahui : 20 November 2026, 18.00 WIB (2026-11-20T11:00:00Z" in text  # first capture
    assert "Batas waktu pelaporan : 27 November 2026, 18.00 WIB" in text and "sisa 4 hari 23 jam" in text
    assert "Andi Wijaya, warga Sidomulyo" in text
    assert "Uraian singkat kejadian" in text and "Ayo coblos nomor urut 2!" in text
    # evidence list: every evidence file with its SHA-256
    for entry in pkg.files:
        if entry["kind"] in ("raw_payload", "post_record", "review_trail"):
            assert entry["path"] in text and entry["sha256"] in text, entry["path"]
    # the reviewers' decision and the second person's confirmation
    assert "Pelanggaran (rujuk) · oleh rina" in text and "ajakan mencoblos" in text
    assert "Setuju · oleh sari" in text and "setuju, NIP terlihat" in text
    assert "Terlapor adalah ASN: ya" in text
    # routing
    assert "Kepada: Bawaslu Kabupaten Sleman" in text and "BKN" in text
    assert "MELEWATI" not in text and "TELAH LEWAT" not in text


def test_manifest_lists_every_file_with_hash_size_and_capture_time(case):
    pkg = case["packages"]["demo/1"]
    post = case["posts"][0]
    with zipfile.ZipFile(pkg.path) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        contents = {n: zf.read(n) for n in names}
    assert names[0] == "manifest.json" and sorted(names[1:]) == names[1:]
    listed = {e["path"]: e for e in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    assert {"laporan.pdf", "laporan.html", "bukti/pos.json", "bukti/penilaian.json"} <= set(listed)
    for path, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(contents[path]).hexdigest()
        assert entry["size"] == len(contents[path])
        assert entry["captured_at_utc"].endswith("Z") and entry["captured_at_wib"].endswith("+07:00")
    # the raw payload byte for byte as stored, its hash the one recorded at capture
    raw = [e for e in manifest["files"] if e["kind"] == "raw_payload"]
    assert len(raw) == 1
    assert contents[raw[0]["path"]] == post.raw.encode("utf-8")
    assert raw[0]["sha256"] == post.raw_sha256 == raw[0]["recorded_sha256"]
    assert raw[0]["captured_at_utc"] == "2026-11-20T11:00:00Z" and raw[0]["captured_at_wib"] == "2026-11-20T18:00:00+07:00"
    assert manifest["deadline_utc"] == "2026-11-27T11:00:00Z" and manifest["late"] is False
    assert manifest["office"]["name"] == "Bawaslu Kabupaten Sleman" and manifest["office"]["fallback"] is False
    assert contents["laporan.pdf"].startswith(b"%PDF-")
    assert pkg.days_left == 4


def test_report_html_escapes_post_text(case):
    with zipfile.ZipFile(case["packages"]["demo/1"].path) as zf:
        html = zf.read("laporan.html").decode("utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_refer_is_written_to_the_audit_log(case):
    store = case["store"]
    rows = store.query("SELECT actor, target, detail FROM audit_log WHERE action = 'refer' ORDER BY seq")
    assert [r["target"] for r in rows] == ["demo/1", "demo/4"]
    detail = json.loads(rows[0]["detail"])
    assert detail["manifest_sha256"] == case["packages"]["demo/1"].manifest_sha256
    assert detail["sha256"] == hashlib.sha256(case["packages"]["demo/1"].path.read_bytes()).hexdigest()
    assert store.verify_audit()[1] == []


# -- verify -------------------------------------------------------------------------------------------


def test_verify_accepts_the_untouched_package(case):
    pkg = case["packages"]["demo/1"]
    v = verify_package(pkg.path, manifest_sha256=pkg.manifest_sha256)
    assert v.ok and v.problems == [] and v.checked == len(pkg.files) and v.item == "demo/1"
    r = cli("verify", str(pkg.path))
    assert r.returncode == 0, r.stderr
    assert f"{len(pkg.files)} files match" in r.stdout


def test_verify_names_a_tampered_file(case, tmp_path):
    bad = tmp_path / "tampered.zip"
    rewrite_zip(case["packages"]["demo/1"].path, bad, change="bukti/pos.json")
    v = verify_package(bad)
    assert not v.ok
    assert [(p.kind, p.path) for p in v.problems] == [("altered", "bukti/pos.json")]
    r = cli("verify", str(bad))
    assert r.returncode == 1 and "ALTERED: bukti/pos.json" in r.stderr


def test_verify_names_a_missing_file(case, tmp_path):
    bad = tmp_path / "missing.zip"
    rewrite_zip(case["packages"]["demo/1"].path, bad, drop="bukti/penilaian.json")
    v = verify_package(bad)
    assert [(p.kind, p.path) for p in v.problems] == [("missing", "bukti/penilaian.json")]
    r = cli("verify", str(bad))
    assert r.returncode == 1 and "MISSING: bukti/penilaian.json" in r.stderr


def test_verify_names_an_unexpected_file_and_a_changed_manifest(case, tmp_path):
    pkg = case["packages"]["demo/1"]
    bad = tmp_path / "extra.zip"
    rewrite_zip(pkg.path, bad, add="bukti/tambahan.json")
    assert [(p.kind, p.path) for p in verify_package(bad).problems] == [("unexpected", "bukti/tambahan.json")]
    # a manifest rewritten to match a forged file is caught against the hash from the audit log
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(pkg.path) as zin, zipfile.ZipFile(forged, "w") as zout:
        manifest = json.loads(zin.read("manifest.json"))
        for e in manifest["files"]:
            if e["path"] == "bukti/pos.json":
                data = zin.read(e["path"]).replace(b"akun_1", b"akun_9")
                e["sha256"], e["size"] = hashlib.sha256(data).hexdigest(), len(data)
        zout.writestr("manifest.json", json.dumps(manifest))
        for n in zin.namelist()[1:]:
            zout.writestr(n, data if n == "bukti/pos.json" else zin.read(n))
    assert verify_package(forged).ok
    v = verify_package(forged, manifest_sha256=pkg.manifest_sha256)
    assert [(p.kind, p.path) for p in v.problems] == [("altered", "manifest.json")]


def test_a_tsa_timestamps_the_manifest_and_verify_checks_it(case, tmp_path, monkeypatch):
    """With PANTAU_TSA_URL set, the package carries an RFC 3161 token over manifest.json (a real OpenSSL TSA on
    127.0.0.1): verify proves it; a manifest forged to match a changed file no longer matches the token."""
    from pantau import timestamp
    from tsa import LocalTsa

    with LocalTsa(tmp_path / "tsa") as tsa:
        monkeypatch.setenv(timestamp.URL_ENV, tsa.url)
        monkeypatch.setenv(timestamp.CA_ENV, str(tsa.ca_pem))
        config = ReferralConfig(reporter=case["reporter"], now=BUILT_AT, audit=False)
        [pkg] = build_package(case["store"], ["demo/1"], tmp_path / "ts", config)
    with zipfile.ZipFile(pkg.path) as zf:
        assert "manifest.json.tsr" in zf.namelist()
        assert "manifest.json.tsr" not in [e["path"] for e in json.loads(zf.read("manifest.json"))["files"]]
    v = verify_package(pkg.path, manifest_sha256=pkg.manifest_sha256)
    assert v.ok and v.timestamped_at is not None and v.timestamp_chain_verified
    r = cli("verify", str(pkg.path))
    assert r.returncode == 0 and "timestamped by a TSA" in r.stdout and "TSA signature verified" in r.stdout

    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(pkg.path) as zin, zipfile.ZipFile(forged, "w") as zout:
        manifest = json.loads(zin.read("manifest.json"))
        data = zin.read("bukti/pos.json").replace(b"akun_1", b"akun_9")
        for e in manifest["files"]:
            if e["path"] == "bukti/pos.json":
                e["sha256"], e["size"] = hashlib.sha256(data).hexdigest(), len(data)
        zout.writestr("manifest.json", json.dumps(manifest))
        for n in zin.namelist():
            if n != "manifest.json":
                zout.writestr(n, data if n == "bukti/pos.json" else zin.read(n))
    v = verify_package(forged)  # without the hash from the audit log, the token still catches it
    assert [(p.kind, p.path) for p in v.problems] == [("timestamp", "manifest.json.tsr")]
    r = cli("verify", str(forged))
    assert r.returncode == 1 and "TIMESTAMP: manifest.json.tsr" in r.stderr

    monkeypatch.setenv(timestamp.URL_ENV, "http://127.0.0.1:9/tsr")  # TSA down: the report still goes out, said so
    [late] = build_package(case["store"], ["demo/1"], tmp_path / "down", config)
    assert any("no trusted timestamp for manifest.json" in w for w in late.warnings)
    assert verify_package(late.path).ok and verify_package(late.path).timestamped_at is None


# -- refusals, deadline, routing ---------------------------------------------------------------------------


def test_unconfirmed_items_are_refused_naming_item_and_status(case, tmp_path):
    out = tmp_path / "none"
    with pytest.raises(NotConfirmed) as exc:
        build_package(case["store"], ["demo/1", "demo/2", "demo/3"], out, ReferralConfig(now=BUILT_AT))
    assert exc.value.refused == {"demo/2": "awaiting_confirmation", "demo/3": "new"}
    assert "demo/2 (status: awaiting_confirmation)" in str(exc.value) and "demo/3 (status: new)" in str(exc.value)
    assert not out.exists()  # nothing built, not even the confirmed one
    with pytest.raises(ReferralError, match="no post demo/99"):
        build_package(case["store"], ["demo/99"], out)
    r = cli("refer", "demo/2", "--db", str(case["store"].path), "-o", str(out))
    assert r.returncode == 1 and "demo/2 (status: awaiting_confirmation)" in r.stderr


def test_past_deadline_package_warns_and_says_it_will_not_be_registered(case):
    pkg = case["packages"]["demo/4"]
    assert pkg.late and pkg.days_left < 0
    assert any("PAST THE DEADLINE" in w and "will not be registered" in w for w in pkg.warnings)
    with zipfile.ZipFile(pkg.path) as zf:
        assert json.loads(zf.read("manifest.json"))["late"] is True
    text = squash(pdf_text(pkg.path, case["tmp"]))
    assert "BATAS WAKTU PELAPORAN TELAH LEWAT" in text and "tidak akan diregistrasi" in text
    assert "telah lewat 3 hari 0 jam" in text  # known NOW - 8 days, built NOW + 2 days: deadline passed 3 days ago


def test_unknown_region_falls_back_to_bawaslu_ri_and_says_so(case):
    pkg = case["packages"]["demo/4"]
    assert pkg.route.fallback and pkg.route.level == "nasional"
    assert any("routing fallback" in w for w in pkg.warnings)
    text = squash(pdf_text(pkg.path, case["tmp"]))
    assert "Kepada: Badan Pengawas Pemilihan Umum Republik Indonesia (Bawaslu RI)" in text
    assert "tidak dikenali dalam tabel kantor" in text


def test_same_data_gives_the_same_zip_bytes(case, tmp_path):
    config = ReferralConfig(reporter=case["reporter"], now=BUILT_AT, audit=False)
    a = build_package(case["store"], ["demo/1"], tmp_path / "a", config)[0]
    b = build_package(case["store"], ["demo/1"], tmp_path / "b", config)[0]
    assert a.path.read_bytes() == b.path.read_bytes()


def test_cli_refer_builds_a_package_verify_accepts(case, tmp_path):
    out = tmp_path / "cli"
    r = cli("refer", "demo/1", "--db", str(case["store"].path), "-o", str(out), "--reporter",
            str(case["reporter_file"]), "--actor", "sari")
    assert r.returncode == 0, r.stderr
    assert "to Bawaslu Kabupaten Sleman" in r.stdout and "manifest sha256" in r.stdout
    assert cli("verify", str(out / "laporan-demo-1.zip")).returncode == 0


def test_reporter_file_errors_name_the_key(tmp_path):
    f = tmp_path / "r.toml"
    f.write_text('[reporter]\nname = "A"\nnomor_ktp = "123"\n', encoding="utf-8")
    with pytest.raises(ReporterError, match="nomor_ktp"):
        load_reporter(f, environ={})
    env = {"PANTAU_REPORTER_NAME": "Dari Env", "PANTAU_REPORTER_PHONE": "0811"}
    f.write_text('[reporter]\nname = "Dari Berkas"\n', encoding="utf-8")
    r = load_reporter(f, environ=env)
    assert r.name == "Dari Berkas" and r.phone == "0811" and "email" in r.missing()


# -- the report of a share (issue 16) ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_confirmed_share_reports_the_sharer_and_cites_the_original(tmp_path):
    """A retweet by a civil servant: the sharer is the terlapor, the original is cited in "Konten yang dibagikan";
    the share's own page is captured (raw payload, HTML snapshot, screenshot) and the manifest records the original."""
    from pantau.demo.site import DemoSite
    from pantau.post import SharedFrom
    from pantau.store.db import Store
    from test_evidence import run_capture, site_posts

    original_text = "Coblos nomor 2 tanggal 27 November! #Paslon02"
    shared_at = NOW - timedelta(hours=3)  # 20 November 2026, 16.00 WIB
    with DemoSite(site_posts(1)) as site:
        share = dataclasses.replace(
            _post(7, f"Setuju, ayo!\n\n{original_text}", bio="Guru SDN 3 Mlati | PNS", region="Kab. Sleman",
                  captured=NOW - timedelta(hours=1)),
            url=f"{site.url}/p/1", kind="repost",
            shared_from=SharedFrom(platform="demo", post_id="99", url="https://x.com/tim_paslon02/status/99",
                                   created_at=shared_at, text=original_text,
                                   author=Author(id="u99", handle="tim_paslon02", name="Tim Pemenangan 02",
                                                 bio="Akun resmi tim pemenangan paslon 02")))
        store = Store(tmp_path / "share.duckdb")
        store.ingest([share])
        store.save_classifications([result(share, 0.9, True, "interaksi_pemenangan")])
        rows = run_capture(tmp_path / "share.duckdb")
    assert {r["kind"] for r in rows if r["status"] == "ok"} == {"raw", "html", "png"}, rows
    assert all(r["url"] in (None, share.url) for r in rows), "the share's own URL is captured, not the original's"
    d = store.record_decision("demo", "7", "violation", reviewer="rina", reason="ASN membagikan ajakan mencoblos")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    [pkg] = build_package(store, ["demo/7"], tmp_path / "out", ReferralConfig(now=BUILT_AT, audit=False))

    text = squash(pdf_text(pkg.path, tmp_path))
    # the sharer is the reported person
    assert "Nama Terlapor 7" in text and "@akun_7" in text and "Guru SDN 3 Mlati" in text
    assert "membagikan ulang di demo konten milik akun @tim_paslon02 (Tim Pemenangan 02)" in text
    identity, event = text.split("II. Identitas Terlapor")[1].split("III. Peristiwa")
    assert "tim_paslon02" not in identity, "the original's account is not the terlapor"
    # the original cited in its own section: platform, link, account, time in WIB, text
    cited = text.split("III.a Konten yang dibagikan")[1].split("IV. Bukti")[0]
    for value in ("Platform : demo", "https://x.com/tim_paslon02/status/99", "@tim_paslon02 (Tim Pemenangan 02)",
                  "Akun resmi tim pemenangan paslon 02", "20 November 2026, 16.00 WIB (2026-11-20T09:00:00Z)",
                  original_text):
        assert value in cited, value
    with zipfile.ZipFile(pkg.path) as z:
        manifest = json.loads(z.read("manifest.json"))
        record = json.loads(z.read("bukti/pos.json"))
        names = z.namelist()
    assert manifest["shared_from"] == {"platform": "demo", "post_id": "99", "url": "https://x.com/tim_paslon02/status/99",
                                       "author_handle": "tim_paslon02", "published_at_utc": "2026-11-20T09:00:00Z"}
    assert record["kind"] == "repost" and record["author_handle"] == "akun_7"
    assert record["shared_from"]["author"]["handle"] == "tim_paslon02"
    kinds = {f["kind"] for f in manifest["files"]}
    assert {"raw_payload", "capture_html", "capture_png", "post_record"} <= kinds
    assert all(f["url"] == share.url for f in manifest["files"] if f["kind"].startswith("capture_"))
    assert any(n.startswith("bukti/tangkapan-layar-") for n in names) and any(n.startswith("bukti/halaman-") for n in names)
    assert verify_package(pkg.path).ok


def test_a_plain_post_has_no_shared_section(case):
    pkg = case["packages"]["demo/1"]
    assert "Konten yang dibagikan" not in squash(pdf_text(pkg.path, case["tmp"]))
    with zipfile.ZipFile(pkg.path) as z:
        assert "shared_from" not in json.loads(z.read("manifest.json"))
        assert json.loads(z.read("bukti/pos.json"))["kind"] == "post"
