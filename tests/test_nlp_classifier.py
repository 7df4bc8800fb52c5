"""The shipped model (models/asn_campaign.skops) on fresh sentences written for this test.

None of these sentences, names or accounts appear in the training data.
"""

import json
from pathlib import Path

import pytest

import pantau.models
from pantau.nlp.classifier import ModelError, default_model_path, load
from pantau.nlp.train import CATEGORY_CODES
from pantau.post import Author, Post

KEYS = {"platform", "post_id", "score", "flagged", "category", "signals", "model_version"}

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
    ("Kepala Desa Sumberrejo", "Seluruh warga Sumberrejo saya ajak mendukung pak Haris nomor 2, beliau peduli desa"),
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
    assert default_model_path() == Path(pantau.models.__file__).parent / "asn_campaign.skops"
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
    missing = tmp_path / "nope.skops"
    with pytest.raises(FileNotFoundError) as exc:
        load(missing)
    assert str(exc.value) == f"model not found at {missing}; run `pantau train`"
    broken = tmp_path / "broken.skops"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="cannot read model file"):
        load(broken)


def test_a_model_file_with_untrusted_types_is_refused(tmp_path):
    import operator

    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "evil.skops"
    sio.dump({"format": 1, "x": FunctionTransformer(func=operator.attrgetter)}, path)
    with pytest.raises(ModelError, match="types pantau does not trust: operator.attrgetter"):
        load(path)


def test_fast_tfidf_gives_the_numbers_of_sklearn_transform(clf):
    """The cached per-token TF-IDF path reproduces each fitted vectorizer's own transform."""
    import numpy as np

    from pantau.nlp.features import FastTfidf
    from pantau.nlp.normalise import normalise

    docs = [normalise(t) for t in ("Ayo coblos nomor 2 ya bapak ibu ✌️", "Guru SDN 3 Sleman | PNS", "", "RT @x: #PilihNomor2 mantap",
                                   "juara 2 lomba mewarnai", "kami ASN siap netral #ASNNetral")]
    for name, vec in clf._features.blocks.items():
        if name == "signals":
            continue
        fast = FastTfidf(vec)
        assert fast.supported
        a, b = fast.transform(docs), vec.transform(docs)
        assert a.shape == b.shape and np.abs((a - b).toarray()).max() < 1e-12
        assert np.abs((fast.transform(docs) - b).toarray()).max() < 1e-12  # second call: from the cache


def test_results_do_not_depend_on_caches(clf):
    posts = [Post(platform="t", post_id=str(i), text=t, author=Author(bio=b)) for i, (b, t) in enumerate([
        ("Guru SDN 5 Kudus", "Ayo coblos nomor 2 tanggal 27!"), ("", "Hujan deras di Kudus"), ("Camat Jati", "Kami ASN netral")])]
    warm = clf.classify(posts)
    clf.clear_caches()
    assert clf.classify(posts) == warm
