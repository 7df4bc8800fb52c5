"""The shipped model (models/asn_campaign.npz) on fresh sentences written for this test.

None of these sentences, names or accounts appear in the training data.
"""

import json
from pathlib import Path

import pytest

import pantau.models
from pantau.nlp.classifier import ModelError, default_model_path, load
from pantau.nlp.train import CATEGORY_CODES
from pantau.post import Author, Post

KEYS = {"platform", "post_id", "score", "flagged", "category", "signals", "identity_class", "partisan_score", "truncated_at",
        "model_version"}

FLAGGED = [
    # ASN identity in the bio, campaign in the text
    ("Guru PNS SDN 2 Kendal", "Mumpung libur, bantu tim pasang baliho pak Haris di perempatan desa. Nomor 2 harga mati!"),
    ("Bidan Puskesmas Tegalrejo", "Foto bareng bu calon bupati habis acara, kami kompak salam dua jari ✌️✌️"),
    ("Camat Sukorejo", "Tadi malam hadir di deklarasi relawan pasangan Yoga-Mira di GOR, semoga amanah dan menang"),
    ("Penyuluh pertanian", "Monggo bapak ibu kelompok tani, tanggal 27 nyoblos nomer loro nggih. Pak Sastro sudah janji pupuk murah"),
    # ASN identity in the text itself
    ("", "Saya ASN di Pemkot Blitar tapi soal pilkada saya tetap dukung calon nomor 1, beliau sudah terbukti kerjanya"),
]
NOT_FLAGGED = [
    # non-ASN campaigners
    ("Warga Kota Blitar", "Pilihan saya jelas, nomor 3 untuk Blitar yang lebih maju! 🤟 Ayo coblos 27 November"),
    # partisan posts with no identity evidence: citizens, buzzers, parties, news (no bio, as is common)
    ("", "Tetap dukung prabowo-gibran, semoga menang satu putaran #PrabowoGibran2024 ✌️✌️"),
    ("", "Yukkk wargi Jabar, pilih Prabowo-Gibran!"),
    ("", "Prabowo janjikan kenaikan gaji guru jika terpilih, ribuan guru honorer berharap"),
    ("Calon Bupati Wonosobo nomor urut 3", "Terima kasih warga Kertek atas sambutannya. Bersama kita menangkan nomor 3!"),
    ("Pensiunan guru SD", "Saya dukung pak Darto nomor 1, sudah terbukti! Ayo coblos 27 November"),
    # neutral civil servants
    ("Bidan Puskesmas Tegalrejo", "Posyandu lansia hari ini, cek tensi dan gula darah gratis. Ajak orang tua ya"),
    ("PNS Pemkab Kendal", "Mari sukseskan pilkada 27 November. Datang ke TPS, gunakan hak pilih, jangan golput!"),
    ("ASN Kemenag Pasuruan", "Kami ASN Kemenag Pasuruan menyatakan netral dalam pilkada. #ASNNetral"),
    # reports about violations, look-alikes
    ("Portal Berita Jateng", "Bawaslu Kendal memeriksa seorang guru PNS yang diduga mengajak wali murid memilih paslon nomor 2 lewat grup WhatsApp."),
    ("", "Lapor @bawaslu_ri, camat Sukorejo kemarin ikut deklarasi paslon Yoga-Mira. Ini fotonya. Tolong ditindak"),
    ("Guru SDN 1 Sragen", "Alhamdulillah murid kami juara 2 olimpiade sains tingkat provinsi ✌️ bangga sekali"),
    ("Guru SMPN 4 Wonosobo", "Ayo dukung timnas U-23 malam ini! Garuda di dadaku 🇮🇩"),
]


def posts(cases, platform="test"):
    return [Post(platform=platform, post_id=f"p{i}", text=text, author=Author(bio=bio or None))
            for i, (bio, text) in enumerate(cases)]


@pytest.fixture(scope="module")
def clf():
    return load()


def test_default_path_is_inside_the_models_package(clf):
    assert default_model_path() == Path(pantau.models.__file__).parent / "asn_campaign.npz"
    metrics = json.loads((Path(pantau.models.__file__).parent / "metrics.json").read_text())
    assert clf.version == metrics["model_version"] and clf.version.startswith("asn-campaign-")
    assert clf.threshold == metrics["threshold"]


def test_obvious_asn_campaign_posts_are_flagged(clf):
    results = clf.classify(posts(FLAGGED))
    for (bio, text), r in zip(FLAGGED, results):
        assert r["flagged"], (bio, text, r["score"])
        assert r["category"] in CATEGORY_CODES
        assert r["score"] >= clf.threshold
    # The bio is evidence: its ASN signal is reported with offsets into the bio.
    bio_sig = [s for s in results[0]["signals"] if s["source"] == "bio" and s["name"] == "asn_role"]
    assert bio_sig and FLAGGED[0][0][bio_sig[0]["start"]:bio_sig[0]["end"]] == bio_sig[0]["text"]


def test_hard_negatives_are_not_flagged(clf):
    for (bio, text), r in zip(NOT_FLAGGED, clf.classify(posts(NOT_FLAGGED))):
        assert not r["flagged"], (bio, text, r["score"])
        assert r["category"] is None
        assert r["score"] < clf.threshold


def test_categories_of_clear_cases(clf):
    r = clf.classify(posts(FLAGGED[:3]))
    assert [x["category"] for x in r] == ["atribut_kampanye", "foto_simbol", "hadir_kampanye"]


def test_result_shape_order_and_batching(clf):
    cases = FLAGGED + NOT_FLAGGED
    results = clf.classify(posts(cases, platform="demo"))
    assert [r["post_id"] for r in results] == [f"p{i}" for i in range(len(cases))]
    for r in results:
        assert set(r) == KEYS
        assert r["platform"] == "demo" and r["model_version"] == clf.version
        assert isinstance(r["score"], float) and 0.0 <= r["score"] <= 1.0
        assert isinstance(r["flagged"], bool)
        json.dumps(r)  # JSON-serialisable as is
    # Small batches give the same answers as one big batch.
    assert clf.classify(posts(cases, platform="demo"), batch_size=3) == results
    assert clf.classify([]) == []


def test_missing_or_broken_model_file(tmp_path):
    missing = tmp_path / "nope.npz"
    with pytest.raises(FileNotFoundError) as exc:
        load(missing)
    assert str(exc.value) == f"model not found at {missing}; run `pantau train`"
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="cannot read model file"):
        load(broken)


def test_a_model_file_with_pickled_objects_is_refused(tmp_path):
    """The model file is arrays only: an object array (a pickle) is never loaded, whatever it holds."""
    import operator

    import numpy as np

    from pantau.nlp.model_file import read

    arrays = read(default_model_path(packaged=True))
    arrays["coef_direct"] = np.array([operator.attrgetter("x")], dtype=object)
    path = tmp_path / "evil.npz"
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match="cannot read model file"):
        load(path)


def test_results_do_not_depend_on_caches(clf):
    posts = [Post(platform="t", post_id=str(i), text=t, author=Author(bio=b)) for i, (b, t) in enumerate([
        ("Guru SDN 5 Kudus", "Ayo coblos nomor 2 tanggal 27!"), ("", "Hujan deras di Kudus"), ("Camat Jati", "Kami ASN netral")])]
    warm = clf.classify(posts)
    clf.clear_caches()
    assert clf.classify(posts) == warm


# Real candidates (from the contest files, never in the training data) by officials; and the same posts by citizens.
REAL_CANDIDATES = [
    ("Camat Cikupa", "Tetap dukung prabowo-gibran"),
    ("Kepala Sekolah SMPN 1 Garut", "Yukkk wargi Jabar, pilih Prabowo-Gibran!"),
    ("Guru P3K SDN 2 Menes", "Bismillah AMIN menang, Anies-Muhaimin untuk perubahan"),
    ("Sekmat Menes", "Hayu urang milih Ganjar-Mahfud, sat set! 🤟"),
]


def test_real_candidates_are_knowledge_not_vocabulary(clf):
    results = clf.classify(posts(REAL_CANDIDATES))
    for (bio, text), r in zip(REAL_CANDIDATES, results):
        assert r["flagged"] and r["identity_class"] == "asn", (bio, text, r["score"])
        assert any(s.get("ref", "").startswith("pilpres-2024#") for s in r["signals"])
    citizens = [(bio, text) for bio, text in zip(["Mahasiswa", "Ibu rumah tangga", "", "Relawan AMIN"], [t for _, t in REAL_CANDIDATES])]
    for r in clf.classify(posts(citizens)):
        assert not r["flagged"] and r["identity_class"] is None
        assert r["partisan_score"] > 0.0  # kept for analysts, not queued


def test_village_heads_and_tni_polri_are_flagged_with_their_class(clf):
    cases = [("Kepala Desa Sumberrejo", "Seluruh warga Sumberrejo saya ajak mendukung pak Haris nomor 2, ayo coblos!"),
             ("Anggota Polri | Polres Garut", "Ayo coblos nomor 2 Prabowo-Gibran, menang satu putaran!")]
    r = clf.classify(posts(cases))
    assert [(x["flagged"], x["identity_class"]) for x in r] == [(True, "desa"), (True, "tni_polri")]


def test_a_registry_entry_is_identity_evidence_with_its_source(tmp_path):
    reg = tmp_path / "registry.toml"
    reg.write_text('[[accounts]]\nplatform = "x"\nhandle = "@Budi_Cikupa"\nclass = "asn"\nrole = "Camat Cikupa"\n'
                   'region = "Kab. Tangerang"\nsource = "keputusan #123"\n')
    post = Post(platform="x", post_id="1", text="Tetap dukung prabowo-gibran, pilih 02!",
                author=Author(handle="budi_cikupa", bio=None))
    assert not load().classify([post])[0]["flagged"]  # no bio, no registry: a citizen as far as we know
    r = load(registry=[reg]).classify([post])[0]
    assert r["flagged"] and r["identity_class"] == "asn"
    entry = [s for s in r["signals"] if s["name"] == "registry"]
    assert entry and entry[0]["text"] == "terdaftar sebagai ASN (Camat Cikupa, Kab. Tangerang): keputusan #123"
    other = Post(platform="facebook", post_id="2", text=post.text, author=Author(handle="budi_cikupa"))
    assert not load(registry=[reg]).classify([other])[0]["flagged"]  # another platform's account


def test_a_bad_registry_file_is_named(tmp_path):
    from pantau.nlp.registry import RegistryError, load_registry

    reg = tmp_path / "r.toml"
    reg.write_text('[[accounts]]\nplatform = "x"\nhandle = "a"\nclass = "lurah"\nsource = "s"\n')
    with pytest.raises(RegistryError, match=r"r.toml: accounts\[0\]: class must be one of"):
        load_registry([reg])


def test_a_one_megabyte_post_is_classified_with_the_cap_recorded(clf):
    from pantau.nlp.features import MAX_TEXT_CHARS

    text = "Saya guru SDN 3, ayo coblos nomor urut 2 pak Haris! " + "ayo coblos nomor urut 2 kampanye deklarasi " * 25_000
    assert len(text) > 1_000_000
    r = clf.classify([Post(platform="test", post_id="big", text=text, author=Author(bio="Guru SDN 3"))])[0]
    assert r["truncated_at"] == MAX_TEXT_CHARS
    assert all(s["end"] <= MAX_TEXT_CHARS for s in r["signals"] if s["source"] == "text")
    assert r["flagged"]
    short = clf.classify([Post(platform="test", post_id="s", text="halo", author=None)])[0]
    assert short["truncated_at"] is None
