"""Contests as data: shipped Pemilu/Pilkada files, mention signals with refs, a team's own contest directory."""

import pytest

from pantau.nlp.contests import ContestError, load_contests, load_file
from pantau.nlp.signals import SignalExtractor, extract_signals


def refs(text, name="candidate_ref"):
    return [s.get("ref") for s in extract_signals(text) if s["name"] == name]


def test_pemilu_2024_and_the_18_national_parties_are_shipped():
    c = load_contests()
    pres = {x.nomor_urut: x.names for x in c.contestants if x.election == "pilpres-2024"}
    assert pres == {1: ("Anies Rasyid Baswedan", "Abdul Muhaimin Iskandar"),
                    2: ("Prabowo Subianto", "Gibran Rakabuming Raka"), 3: ("Ganjar Pranowo", "Mahfud MD")}
    parties = {x.nomor_urut for x in c.contestants if x.election == "partai-2024"}
    assert len(parties) == 18 and parties == set(range(1, 18)) | {24}
    regions = {e["region"] for e in c.elections.values()}
    assert {"Kab. Sleman", "Kota Medan", "Kab. Garut", "Kota Makassar", "Kab. Badung", "Kota Kupang",
            "Kab. Banyumas"} <= regions  # the demo regions' Pilkada 2024
    assert all(x.uncertain for x in c.contestants if x.election == "pilbup-sleman-2024")
    assert "Prabowo Subianto / Gibran Rakabuming Raka" in c.describe("pilpres-2024#2")


@pytest.mark.parametrize("text, ref", [
    ("Tetap dukung prabowo-gibran", "pilpres-2024#2"),
    ("#PrabowoGibran2024 ✌️✌️ semoga menang", "pilpres-2024#2"),
    ("AMIN menang satu putaran!", "pilpres-2024#1"),
    ("Cak Imin mantap", "pilpres-2024#1"),
    ("Ganjar-Mahfud sat set", "pilpres-2024#3"),
    ("Kang Dedi Mulyadi untuk Jabar", "pilgub-jabar-2024#4"),
])
def test_a_listed_contestant_is_act_evidence_with_its_ref(text, ref):
    assert ref in refs(text)


def test_exact_case_aliases_and_look_alike_words():
    assert refs("Amin ya Allah, semoga sehat") == []     # "amin" is also "amen"
    assert refs("coblos PAN!", "party") == ["partai-2024#12"]
    assert refs("pan goreng baru", "party") == []


def test_a_vote_verb_before_a_contestant_is_a_call():
    sigs = extract_signals("Yukkk wargi Jabar, pilih Prabowo-Gibran!")
    assert any(s["name"] == "vote_call" and s["text"] == "pilih Prabowo-Gibran" for s in sigs)


def test_a_team_adds_its_own_contest_without_retraining(tmp_path, monkeypatch):
    (tmp_path / "pilbup-x.toml").write_text(
        '[election]\nid = "pilbup-x-2029"\nname = "Pilkada X 2029"\nregion = "Kab. X"\nlevel = "kabupaten"\n'
        '[[candidates]]\nnomor_urut = 2\nnames = ["Sutrisno Wicaksono", "Lina Marlina"]\n'
        'aliases = ["Sutrisno-Lina", "Mas Tris"]\nhashtags = ["#TrisLina"]\ntag_stems = ["trislina"]\n')
    assert not refs("Ayo menangkan Mas Tris!")
    monkeypatch.setenv("PANTAU_CONTESTS", str(tmp_path))
    extractor = SignalExtractor()
    sigs = extractor.extract("Ayo menangkan Mas Tris! #TrisLinaJuara")
    assert [s["ref"] for s in sigs if s["name"] == "candidate_ref"] == ["pilbup-x-2029#2", "pilbup-x-2029#2"]


def test_a_bad_contest_file_is_named(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[election]\nid = "e"\n[[candidates]]\nnomor_urut = 0\nnames = ["A"]\n')
    with pytest.raises(ContestError, match=r"bad.toml: e candidate\[0\]: nomor_urut"):
        load_file(bad)
    bad.write_text('[election]\nid = "e"\n[[candidates]]\nnames = ["A"]\nhashtags = ["no hash"]\n')
    with pytest.raises(ContestError, match="is not a hashtag"):
        load_file(bad)
    with pytest.raises(ContestError, match="not found"):
        load_contests([tmp_path / "missing"])


def calls(text):
    return [s["text"] for s in extract_signals(text) if s["name"] == "vote_call"]


@pytest.mark.parametrize("text, call", [
    ("Yuk bisa yuk Prabowo-Gibran", "yuk Prabowo-Gibran"),                # a cheer before a candidate
    ("ayo maju terus AMIN", "ayo maju terus AMIN"),                       # cheer fillers between
    ("Ganjar Mahfud gasss terus", "Ganjar Mahfud gasss"),                 # a cheer after
    ("Anies-Muhaimin saya pilih", "Anies-Muhaimin saya pilih"),           # the author's vote after the name
    ("sy tetep pilih amin", "pilih amin"),                                # a case-free alias right after a vote verb
    ("Tusuk Prabowo Sandi di TPS 17 April", "Tusuk Prabowo Sandi"),       # the 2019 ballot verb
])
def test_a_cheer_or_vote_next_to_a_candidate_is_a_call(text, call):
    assert call in calls(text)


@pytest.mark.parametrize("text", [
    "yuk nonton debat Prabowo malam ini",       # a non-cheer word between: no call
    "Yuk bisa yuk Prabowo-Gibran kalah",         # a loss word near the name
    "ayo jangan Anies lagi",                     # a negation
    "Semoga sehat selalu, amin",                 # "amin" without a vote verb stays a prayer
    "Saya dukung, amin",                          # punctuation between the verb and "amin"
])
def test_no_call_without_a_cheer_next_to_the_candidate(text):
    assert not [c for c in calls(text) if c != "dukung"]


def test_a_count_after_a_number_is_no_ballot_number():
    assert [s["text"] for s in extract_signals("menangkan 1 putaran") if s["name"] == "paslon_number"] == []
    assert [s["text"] for s in extract_signals("coblos nomor 2 ya") if s["name"] == "paslon_number"] == ["coblos nomor 2"]


def test_2019_campaign_hashtags_name_their_pair():
    assert refs("Bersatu menangkan @user #PilihOrangBaik") == ["pilpres-2019#1"]
    assert refs("dukung GAMA sampai menang") == ["pilpres-2024#3"]
