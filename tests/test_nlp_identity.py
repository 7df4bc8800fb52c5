"""Identity evidence (who the author is) and the flag gate: a flag needs identity evidence and an act."""

import pytest

from pantau.nlp.features import analyse_many
from pantau.nlp.identity import (
    NO_FLAG,
    USE_FLAG_SCORE,
    USE_PARTISAN_SCORE,
    decision_scores,
    gate,
    identity_evidence,
    self_claimed,
    strong_act,
)


def analysed(text, bio="", name=None):
    return analyse_many([text], [bio], [name])[0].signals


@pytest.mark.parametrize("text, role", [
    ("Saya guru SDN 2, tetap dukung nomor 1", "guru"),
    ("sy sbg ASN ya tetep pilih 02", "ASN"),
    ("Kami para guru se-Kecamatan Menes siap menangkan paslon 2", "guru"),
    ("Saya sudah 19 tahun jadi guru SD di pelosok", "guru"),
    ("Foto di SDN 3 tempat saya mengajar", "SDN 3"),
    ("Sebagai kepala desa saya mengajak warga mendukung nomor 2", "kepala desa"),
])
def test_a_role_the_author_claims_in_the_text_is_identity_evidence(text, role):
    start = text.index(role)
    assert self_claimed(text, start, start + len(role))
    assert any(e["text"] == role for e in identity_evidence(analysed(text), text))


@pytest.mark.parametrize("text", [
    "Prabowo janjikan kenaikan gaji guru jika menang, pendukung bersorak",  # a news headline about teachers
    "Camat Cikupa hadir di deklarasi paslon nomor 2 kemarin",              # someone else's role
    "Lapor, saya lihat ada guru kampanye pilih 02 di grup WA",             # a tip: the author saw a teacher
])
def test_a_role_merely_named_in_the_text_is_not_identity_evidence(text):
    sigs = analysed(text)
    assert not identity_evidence(sigs, text)
    assert gate(sigs, text)[0] == NO_FLAG


def test_bio_and_display_name_are_identity_evidence_with_their_class():
    text = "Tetap dukung prabowo-gibran"
    ev = identity_evidence(analysed(text, "Camat Cikupa"), text)
    assert [(e["source"], e["class"], e["text"]) for e in ev] == [("bio", "asn", "Camat")]
    ev = identity_evidence(analysed(text, "", "Dinas Pendidikan Kab. Garut"), text)
    assert ev and ev[0]["source"] == "name" and ev[0]["class"] == "asn"
    assert gate(analysed(text, "Kepala Desa Sukamaju"), text)[3] == "desa"
    assert gate(analysed(text, "Anggota Polri"), text)[3] == "tni_polri"


def test_no_identity_or_no_act_never_flags_whatever_the_scores():
    partisan = "Yukkk wargi Jabar, pilih Prabowo-Gibran! #PrabowoGibran2024 ✌️✌️"
    assert gate(analysed(partisan), partisan)[0] == NO_FLAG                      # a citizen, buzzer or party
    assert gate(analysed(partisan, "Relawan Prabowo-Gibran"), partisan)[0] == NO_FLAG
    work = "Posyandu lansia hari ini, cek tensi gratis"
    assert gate(analysed(work, "Bidan Puskesmas Menes"), work)[0] == NO_FLAG     # identity, no act
    mode, strong, _, cls = gate(analysed(partisan, "Kepala Sekolah SMPN 1 Garut"), partisan)
    assert (mode, strong, cls) == (USE_FLAG_SCORE, True, "asn")
    assert gate(analysed(partisan, "Kades Sukamaju"), partisan)[0] == USE_PARTISAN_SCORE
    scores = decision_scores([0.99, 0.1, 0.1], [0.99, 0.2, 0.7], [NO_FLAG, USE_FLAG_SCORE, USE_PARTISAN_SCORE],
                             [True, True, False])
    assert scores[0] == 0.0 and scores[1] >= 0.8 and scores[2] == pytest.approx(0.7)


@pytest.mark.parametrize("text, strong", [
    ("Tetap dukung prabowo-gibran", True),
    ("Yukkk wargi Jabar, pilih Prabowo-Gibran!", True),
    ("ayo coblos nomor urut 2", True),
    ("Bawaslu: camat diduga ajak warga dukung Prabowo-Gibran", False),   # news about a violation
    ("Debat semalam, Prabowo-Gibran tampil tenang", False),               # a mention is not a call
    ("ASN dilarang dukung paslon, jaga netralitas", False),
    ("Yuk bisa yuk Prabowo-Gibran", True),                                # a cheer next to the candidate
    ("Ayo semua ke TPS, tusuk Prabowo Sandi!", True),                     # a civic word beside a call on one pair
    ("Ayo ke TPS 14 Februari, pilih Anies, Prabowo atau Ganjar, bebas", False),  # several contestants: civic
    ("Jangan golput, ke TPS ya, pilih sesuai hati nurani", False),
])
def test_strong_acts_name_a_listed_contestant_or_a_number_with_a_call(text, strong):
    assert strong_act(analysed(text)) is strong
