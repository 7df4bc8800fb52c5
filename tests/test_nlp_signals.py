"""Rule signals on concrete cases, including the hard negatives; offsets into the original text."""

import pytest

from pantau.nlp.nip import find_nips, valid_nip
from pantau.nlp.signals import SIGNAL_NAMES, extract_signals


def names(text, source="text"):
    return {s["name"] for s in extract_signals(text, source)}


def spans(text, name):
    return [s["text"] for s in extract_signals(text) if s["name"] == name]


def test_every_signal_points_into_the_original_text():
    text = "Sbg guru SDN 3 Sleman sy ajak dukung paslon no urut 2 ✌️ tgl 27, #MenangBersama!! NIP 19850312 201001 2 005"
    sigs = extract_signals(text)
    assert sigs
    for s in sigs:
        assert set(s) == {"name", "source", "start", "end", "text"}
        assert s["source"] == "text" and s["name"] in SIGNAL_NAMES
        assert text[s["start"]:s["end"]] == s["text"]
    assert "paslon no urut 2" in spans(text, "paslon_number")[0]
    assert spans(text, "number_emoji") == ["✌"]
    assert spans(text, "asn_nip") == ["19850312 201001 2 005"]


@pytest.mark.parametrize("text, role", [
    ("Saya guru SDN 2 Bantul", "guru"),
    ("Bidan puskesmas Ngaglik", "Bidan"),
    ("Camat Depok hadir", "Camat"),
    ("kami PPPK kabupaten", "PPPK"),
    ("sebagai abdi negara", "abdi negara"),
    ("Kepala Dinas Sosial", "Kepala Dinas"),
    ("seragam khaki on, hati tetep nomor 3", "seragam khaki"),
    ("abis latsar CPNS langsung kerja", "latsar"),
    ("Kepala Distrik Abepura", "Kepala Distrik"),
    ("civil servant | bandung", "civil servant"),
])
def test_asn_roles(text, role):
    assert role in spans(text, "asn_role")


@pytest.mark.parametrize("text, name, span", [
    ("Kepala Desa Sukamaju siap menangkan paslon 01", "village_official", "Kepala Desa"),
    ("Kades Mekarsari ikut deklarasi", "village_official", "Kades"),
    ("Kasi Pemerintahan Desa Sukamaju", "village_official", "Kasi Pemerintahan Desa"),
    ("sa anggota TNI tapi ini di luar dinas", "security_official", "anggota TNI"),
    ("Bhabinkamtibmas Desa Sukamaju", "security_official", "Bhabinkamtibmas"),
])
def test_village_officials_and_tni_polri_are_their_own_identity_signals(text, name, span):
    """Not ASN (no asn_role), but bound to neutrality by other laws: their own signals (identity classes)."""
    assert "asn_role" not in names(text)
    assert span in [s["text"] for s in extract_signals(text) if s["name"] == name]


def test_a_relative_or_a_pensioner_is_not_an_official():
    assert "security_official" not in names("bapak saya polisi, dukung nomor 2")
    assert "relative_role" in names("bapak saya polisi, dukung nomor 2")
    assert "village_official" not in names("pak kades bagi sembako")
    assert "security_official" not in names("pensiunan polisi, dukung nomor 1")


@pytest.mark.parametrize("text, role", [
    ("Sekmat Menes bersama Binwil membagikan atribut", "Sekmat"),
    ("Sekcam Cikupa", "Sekcam"),
    ("Kasubag Umum Dinkes", "Kasubag"),
    ("Kabid SD Disdik", "Kabid"),
    ("staf kecamatan Menes", "staf kecamatan"),
    ("pegawai kelurahan Sukamaju", "pegawai kelurahan"),
    ("bidan desa Sukamaju", "bidan desa"),
    ("Guru P3K SDN 1", "Guru P3K"),
    ("operator sekolah SDN 3", "operator sekolah"),
    ("Penyuluh KB Kec. Menes", "Penyuluh KB"),
    ("Pengawas SD Kec. Cikupa", "Pengawas SD"),
    ("Analis Kebijakan Ahli Muda", "Analis Kebijakan"),
    ("Auditor BPKP Perwakilan Banten", "Auditor BPKP"),
    ("Pegawai pajak | KPP Serang", "Pegawai pajak"),
    ("Jaksa fungsional Kejari Serang", "Jaksa"),
])
def test_regional_government_role_abbreviations_are_asn_roles(text, role):
    assert role in spans(text, "asn_role")


@pytest.mark.parametrize("text, not_asn", [
    ("Guru honorer juga ikut deklarasi paslon", "Guru honorer"),
    ("Pensiunan guru SD, dukung nomor 1", "Pensiunan guru"),
    ("Tenaga honorer Dinas Kesehatan", "honorer"),
    ("Purna ASN Kemenag, sekarang bebas bersuara", "Purna ASN"),
    ("Sa so resmi berhenti dari PNS, daftar partai", "berhenti dari PNS"),
    ("Penyuluh swadaya ajak petani dukung 01", "Penyuluh"),
    ("Pegawai bank daerah, lain ASN. Dukung nomor 2", "lain ASN"),
])
def test_honorer_and_pensioners_are_not_asn(text, not_asn):
    sigs = names(text)
    assert "asn_role" not in sigs
    assert any(not_asn in t for t in spans(text, "non_asn_role"))


@pytest.mark.parametrize("text, relative", [
    ("Bapak gw penyuluh KB, dari kecil liat alat peraga", True),
    ("bokap gw jd lurah 2 periode", True),
    ("suami sy PNS, aku ibu rumah tangga", True),
    ("adikku guru SD di Klaten", True),
    ("Istri PNS | ibu 2 anak", True),                   # a bio: the kin word alone, no possessive
    ("Anak guru, bangga", True),
    ("mama guru di SD Inpres Kupang", False),
    ("Bapak ibu guru sekalian, rapat jam 9", False),     # addressing teachers: other_role, below
    ("Saya guru SDN 2 Bantul", False),
])
def test_a_relatives_role_is_not_the_authors(text, relative):
    assert bool(spans(text, "relative_role")) is relative
    if relative:
        assert not spans(text, "asn_role")
    elif text.startswith("Bapak ibu guru"):
        assert spans(text, "other_role") and not spans(text, "asn_role")
    else:
        assert spans(text, "asn_role") and not spans(text, "other_role")


@pytest.mark.parametrize("bio, role", [
    ("Bapak 2 anak | Camat Sukajaya", "Camat"),      # the author's own children, then the author's job
    ("Mama 2 anak. Bidan", "Bidan"),
    ("Ayah | Guru", "Guru"),                          # a separator: two facts about the author
    ("Suami, ayah, PNS Kemenag", "PNS"),
    ("ibu dari 2 anak, PNS Dinkes", "PNS"),
    ("ASN | semoga berkah", "ASN"),                   # a wish after a separator is not a hoped-for role
])
def test_family_words_and_wishes_in_a_bio_do_not_hide_the_authors_own_role(bio, role):
    sigs = extract_signals(bio, "bio")
    assert role in [s["text"] for s in sigs if s["name"] == "asn_role"]
    assert not [s for s in sigs if s["name"] in ("relative_role", "non_asn_role")]


@pytest.mark.parametrize("text, role", [
    ("Saya PNS, semoga paslon 2 menang, ayo coblos 02", "PNS"),
    ("Kami para guru SDN 3 siap memenangkan paslon 01", "guru"),   # "para" with the author among them
    ("kita para ASN harus all in 02", "ASN"),
    ("saya ibu guru SDN 2, ayo coblos 2", "guru"),
])
def test_the_author_among_or_before_the_role_keeps_it(text, role):
    assert role in spans(text, "asn_role") and not spans(text, "other_role")


@pytest.mark.parametrize("text, source, other", [
    ("tadi pagi senam di kecamatan, pak camat ikut joget", "text", "camat"),   # someone the author talks about
    ("Bu guru anak sy baik bgt, suka kasih les gratis", "text", "guru"),
    ("kancaku sing PNS mumet ngurusi laporan terus", "text", "PNS"),
    ("temen gw yg guru SD skrg sibuk akreditasi", "text", "guru"),
    ("Bapak ibu guru sekalian, rapat jam 9", "text", "guru"),              # addressing teachers
    ("bawa kaos buat para guru", "text", "guru"),
    ("saya ibu guru SDN 2, ayo coblos 2", "text", None),                   # the author names themself first
    ("Sbg guru sy ajak dukung paslon", "text", None),
    ("Bu Guru kelas 3 SDN 1 | mama 2 anak", "bio", None),                  # in a bio an honorific is self-description
])
def test_a_role_of_someone_talked_about_or_addressed_is_not_the_authors(text, source, other):
    sigs = extract_signals(text, source)
    found = [s["text"] for s in sigs if s["name"] == "other_role"]
    if other:
        assert other in found and not [s for s in sigs if s["name"] == "asn_role"]
    else:
        assert not found and any(s["name"] == "asn_role" for s in sigs)


@pytest.mark.parametrize("text, about_author", [
    ("Sbg petani sy dukung paslon 2", True),
    ("Saya pedagang pasar, pilih nomor 1", True),
    ("bawa kaos paslon 02 buat dibagi ke petani", False),   # recipients, not the author
    ("sosialisasi program untuk para pedagang pasar", False),
    ("ngobrol sama nelayan soal solar", False),
])
def test_an_occupation_counts_as_the_author_only_when_it_is_not_someone_addressed(text, about_author):
    assert bool(spans(text, "non_asn_role")) is about_author


@pytest.mark.parametrize("text, agency", [
    ("PNS Dinas Pendidikan Kab. Bantul", "Dinas Pendidikan"),
    ("Perawat RSUD Sleman", "RSUD"),
    ("Guru SMPN 1 Garut", "SMPN 1"),
    ("Staf Pemkab Garut", "Pemkab"),
    ("Penghulu KUA Ngaglik", "KUA"),
])
def test_agencies(text, agency):
    assert agency in spans(text, "asn_agency")


@pytest.mark.parametrize("text", [
    "Siswa SMKN 7 Majalengka",                  # a pupil's school, not an employer
    "Alumni SMAN 3 angkatan 98",
    "Ortu murid SDN 8 Kediri",
    "Pasien setia RSUD Bantul wkwk",
    "ngurus ktp di dukcapil ternyata cepet",
    "aku lagi di depan SMAN 10, siapa mau nitip",
    "kalo ke kantor dinas mending pagi",
    "Honorer di kantor kecamatan Mlati",         # a non-ASN worker at an ASN workplace
    "Tenaga honorer Puskesmas Pakam",
])
def test_an_agency_the_author_visits_or_studies_at_is_not_their_employer(text):
    assert "asn_agency" not in names(text)


@pytest.mark.parametrize("text, agency", [
    ("Saya mengajar murid SDN 3 Wates", "SDN 3"),      # a teacher's pupils at the teacher's school
    ("berangkat ke SDN 3 pagi2, upacara", "SDN 3"),
    ("dimutasi ke Disdik sejak Januari", "Disdik"),
])
def test_an_agency_the_author_works_at_stays_an_agency(text, agency):
    assert agency in spans(text, "asn_agency")


@pytest.mark.parametrize("text, hoped_for", [
    ("Calon PNS 2025 aamiin", "Calon PNS"),
    ("pengen jadi PNS biar hidup tenang", "PNS"),
    ("besok tes CPNS doain ya", "CPNS"),
])
def test_a_role_the_author_hopes_for_is_not_theirs(text, hoped_for):
    assert "asn_role" not in names(text)
    assert hoped_for in spans(text, "non_asn_role")


def test_a_role_already_held_is_still_asn():
    assert "CPNS" in spans("lolos CPNS 2024 alhamdulillah, latsar bulan depan", "asn_role")


@pytest.mark.parametrize("digits, ok", [
    ("198503122010012005", True),
    ("19850312 201001 2 005", True),
    ("198513122010012005", False),  # birth month 13
    ("198502302010012005", False),  # 30 February
    ("198503122010132005", False),  # appointment month 13
    ("198503122010013005", False),  # sex digit must be 1 or 2
    ("198503122010012000", False),  # serial 000
    ("198503121990012005", False),  # appointed at age 4
    ("18500312201001200", False),  # 17 digits
])
def test_nip_validation(digits, ok):
    assert valid_nip(digits) is ok
    assert bool(find_nips(f"NIP. {digits} guru")) is ok


def test_nip_inside_a_longer_number_is_not_a_nip():
    assert find_nips("rekening 11985031220100120051") == []


@pytest.mark.parametrize("text, expected", [
    ("Ayo coblos nomor urut 2 tanggal 27!", {"vote_call", "paslon_number"}),
    ("Jangan lupa pilih Arif-Hamzah nomor 2 ya", {"vote_call", "paslon_number"}),
    ("Ojo lali nyoblos nomer loro, dulur!", {"vote_call", "paslon_number"}),
    ("Hayu urang milih nomer tilu", {"vote_call"}),
    ("pendukung 02 merapat", {"campaign_team", "paslon_number"}),
    ("#HebatMenang pokoknya menang satu putaran", {"slogan"}),
    ("Hadir di deklarasi paslon, ikut konvoi relawan", {"rally", "campaign_team", "candidate_ref"}),
    ("Pokoknya all in untuk paslon 3", {"all_in", "paslon_number"}),
    ("Foto bareng cabup, salam dua jari", {"gesture_photo", "candidate_ref"}),
    ("Ambil formulir pendaftaran bakal calon di DPC Partai Maju Jaya", {"party_registration", "party"}),
    ("Pakai mobil dinas ke acara relawan", {"state_facility"}),
    ("Pasang baliho dan bagi-bagi stiker", {"campaign_attribute"}),
    ("Yuk follow akun resmi paslon dan share videonya", {"campaign_interaction"}),
    ("Jangan pilih calon boneka", {"attack_rival"}),
])
def test_campaign_cues(text, expected):
    assert expected <= names(text)


@pytest.mark.parametrize("text, expected, absent", [
    ("Alhamdulillah anak kami juara 2 lomba mewarnai", {"lookalike"}, {"paslon_number", "number_ref"}),
    ("Pesan menu nomor 2 ya kak", {"lookalike"}, {"paslon_number", "number_ref"}),
    ("Ayo dukung timnas malam ini!", {"lookalike"}, {"vote_call"}),
    ("Ikutan dua jari challenge bareng murid", {"lookalike"}, {"gesture_photo"}),
    ("RT 02 RW 05 kerja bakti", {"lookalike"}, {"paslon_number"}),
    ("Rapat jam 07.00 tanggal 02/11", set(), {"paslon_number"}),
    ("Deklarasi netralitas se-kabupaten #ASNNetral", {"neutrality_pledge"}, {"rally", "asn_role"}),
    ("Bawaslu menemukan oknum camat diduga hadir di deklarasi", {"news_report", "asn_role"}, set()),
    ("Lapor @bawaslu_ri ada guru kampanye", {"report_tip"}, set()),
    ("Jangan golput, gunakan hak pilih di TPS, cek DPT", {"civic_neutral"}, set()),
    ('Video guru ajak murid "coblos nomor 2" beredar luas', {"quotation", "news_report"}, set()),
    ("Terima pesanan PARTAI BESAR kaos polos, harga grosir", {"lookalike"}, {"party"}),
    ("Pemenang doorprize kantor: nomor undian 03 Pak Budi", {"lookalike"}, {"paslon_number"}),
    ("Kondangan ke nikahan temen sekantor, pose ✌️ bareng mempelai", {"lookalike", "gesture_photo"}, set()),
    ("Maaf sy ASN, gk boleh masuk grup relawan. Sy left grup ya pak", {"neutrality_pledge", "asn_role"}, set()),
])
def test_hard_negative_cues(text, expected, absent):
    found = names(text)
    assert expected <= found
    assert not (absent & found)


def test_bio_source_and_bad_source():
    sigs = extract_signals("Guru SDN 4 Bantul | NIP 198503122010012005", "bio")
    assert {s["source"] for s in sigs} == {"bio"}
    assert {"asn_role", "asn_agency", "asn_nip"} <= {s["name"] for s in sigs}
    with pytest.raises(ValueError, match="source must be"):
        extract_signals("x", "caption")


def test_empty_text_has_no_signals():
    assert extract_signals("") == []


def test_drop_contained_matches_the_definition_and_is_near_linear():
    """Same result as the quadratic definition on random spans; 200,000 nested spans of one name (4e10 pairs for
    the old all-pairs scan) finish as part of the normal run."""
    import random

    from pantau.nlp.spans import drop_contained

    rng = random.Random(5)
    for _ in range(200):
        spans = {(rng.choice("ab"), s, s + rng.randint(1, 6)) for s in (rng.randint(0, 30) for _ in range(rng.randint(1, 25)))}
        expected = {(n, s, e) for n, s, e in spans
                    if not any(m == n and os_ <= s and e <= oe and (os_, oe) != (s, e) for m, os_, oe in spans)}
        assert drop_contained(spans) == expected
    nested = {("vote_call", i, 400_000 - i) for i in range(200_000)}
    assert drop_contained(nested) == {("vote_call", 0, 400_000)}
