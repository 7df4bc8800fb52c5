"""Normaliser: concrete Indonesian social-media cases, and offsets back into the original text."""

import subprocess
import sys

import pytest

from pantau.nlp.normalise import lemma, normalise, normalise_tokens, split_hashtag


@pytest.mark.parametrize("raw, expected", [
    ("bangettt", "banget"),
    ("mantappp", "mantap"),
    ("maaaaf", "maaf"),  # collapsing to two letters when that is the known word
    ("saat taat", "saat taat"),  # legit double letters stay
    ("ayooo yukk", "ayo yuk"),
    ("BPP PPK", "bpp ppk"),  # acronyms are not elongations
    ("yg gak udh sdh jgn utk bgt sbg tgl", "yang tidak sudah sudah jangan untuk banget sebagai tanggal"),
    ("nggak ga tdk", "tidak tidak tidak"),
    ("gass gasss", "gas gas"),
    ("silahkan", "silakan"),  # spaCy's id_lexeme_norm table, not our own map
])
def test_words(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("coblos no 2", "coblos nomor 2"),
    ("coblos no. 2", "coblos nomor 2"),
    ("No urut 3", "nomor urut 3"),
    ("no problem", "no problem"),  # "no" only means nomor before a number
    ("nomor urut dua", "nomor urut 2"),
    ("nyoblos nomer loro", "nyoblos nomor 2"),  # Javanese
    ("milih nomer tilu", "milih nomor 3"),  # Sundanese
    ("pendukung 02", "pendukung 2"),
    ("paslon02", "paslon 2"),
    ("☝️", "nomor 1"),
    ("✌🏻", "nomor 2"),  # skin tone modifier dropped
    ("🤟 👌", "nomor 3 nomor 3"),
])
def test_numbers_and_emoji(raw, expected):
    assert normalise(raw) == expected


def test_hashtags_are_kept_and_split():
    assert normalise("#PilihNomor2") == "#pilihnomor2 pilih nomor 2"
    assert normalise("#asnnetral") == "#asnnetral asn netral"  # all-lowercase: lexicon segmentation
    assert split_hashtag("#HebatMenang2024") == ("hebat", "menang", "2024")


def test_stop_words_are_not_dropped():
    assert normalise("Jangan pilih bakal calon, ikut kami bersama") == "jangan pilih bakal calon ikut kami bersama"


def test_urls_mentions_and_punctuation():
    assert normalise("Lapor @Bawaslu_RI!!! https://t.co/abc") == "lapor @bawaslu_ri url"


def test_lemma_table_from_spacy_lookups():
    assert lemma("mendukung") == "dukung"
    assert lemma("mencoblos") == "coblos"
    assert lemma("xyzabc") == "xyzabc"


def test_tokens_point_back_to_the_original_text():
    text = "Jgn lupa ✌️ #PilihNomor2 bangettt"
    toks = normalise_tokens(text)
    by_text = {t.text: text[t.start:t.end] for t in toks}
    assert by_text["jangan"] == "Jgn"
    assert by_text["banget"] == "bangettt"
    assert [text[t.start:t.end] for t in toks if t.text == "nomor"] == ["✌", "#PilihNomor2"]
    assert by_text["pilih"] == "#PilihNomor2"


def test_empty_text():
    assert normalise("") == ""
    assert normalise_tokens("") == []


def test_import_does_no_work():
    code = (
        "import sys; import pantau.nlp.normalise as n, pantau.nlp.signals as s, pantau.nlp.classifier as c; "
        "assert 'spacy' not in sys.modules, 'spacy imported at import time'; "
        "assert n.blank_nlp.cache_info().currsize == 0 and s.get_extractor.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cached_chunk_path_equals_one_spacy_pass_over_the_whole_text():
    """normalise_tokens caches tokenisation per space-free chunk; it must give exactly the tokens (and spans)
    of running spaCy's tokenizer over the whole text, on the training data and on awkward strings."""
    import json

    from pantau.nlp.normalise import normalise_tokens_spacy
    from pantau.nlp.train import default_data_path

    rows = [json.loads(line) for line in default_data_path().read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows[::7]] + [r["bio"] for r in rows[::11]]
    texts += ["a\nb  c\t#Tag2!! (coblos02) https://x.co/a?b=1 ✌️✌️ 'no.2' \"ayo\" ...", "  lead", "trail  ", "\n\n",
              "3M 2rb (PNS) :) dll. e.g. ASN-nya", "Rp50.000,- 27/11 07.00 WIB"]
    for t in texts:
        assert normalise_tokens(t) == normalise_tokens_spacy(t), t
