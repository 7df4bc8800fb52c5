"""The words the normaliser knows: our slang map, spaCy's Indonesian lookup tables (lemmas, norms) and what is
built on them: de-elongation (``bangettt`` -> ``banget``) and hashtag segmentation (``#PilihNomor2`` -> pilih,
nomor, 2). `pantau.nlp.normalise` applies them to a post's tokens. Nothing is computed at import time; the tables
load on first use.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib.resources import files

# Words that make a lone "no"/"nmr" before a digit mean "nomor".
NUMBER_PREFIXES = {"no", "nomor"}

_CAMEL_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_TRIPLE_RE = re.compile(r"([^\W\d_])\1{2,}", re.U)
_DOUBLE_RE = re.compile(r"([^\W\d_])\1", re.U)
_VOWEL_RE = re.compile(r"[aeiou]")
_TRAILING_DOUBLE_RE = re.compile(r"([^\W\d_])\1$", re.U)

# Our own slang / abbreviation map (written for this project). Applied before the
# spaCy lexeme_norm table, which covers many more informal spellings.
SLANG: dict[str, str] = {
    "yg": "yang", "yng": "yang", "ygy": "yang",
    "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "engga": "tidak", "kagak": "tidak", "tdk": "tidak", "tak": "tidak", "ndak": "tidak", "ora": "tidak",
    "udh": "sudah", "udah": "sudah", "sdh": "sudah", "dah": "sudah", "wis": "sudah", "sampun": "sudah",
    "jgn": "jangan", "jngn": "jangan", "jangn": "jangan",
    "utk": "untuk", "utuk": "untuk", "bwt": "buat",
    "bgt": "banget", "bngt": "banget", "bener": "benar", "bnr": "benar",
    "sbg": "sebagai", "tgl": "tanggal", "tgll": "tanggal",
    "dgn": "dengan", "dg": "dengan", "krn": "karena", "karna": "karena", "sy": "saya", "aq": "aku", "gw": "gue",
    "aja": "saja", "aj": "saja", "kmrn": "kemarin", "kmarin": "kemarin", "bsk": "besok", "dr": "dari",
    "pd": "pada", "spy": "supaya", "jd": "jadi", "jdi": "jadi", "blm": "belum", "lg": "lagi", "org": "orang",
    "sm": "sama", "kpd": "kepada", "thn": "tahun", "bpk": "bapak", "bp": "bapak", "ibu2": "ibu",
    "tp": "tapi", "tpi": "tapi", "klo": "kalau", "kl": "kalau", "kalo": "kalau", "sj": "saja",
    "bs": "bisa", "bisa2": "bisa", "msh": "masih", "skrg": "sekarang", "skg": "sekarang", "trs": "terus",
    "sllu": "selalu", "slalu": "selalu", "mnjd": "menjadi", "mjd": "menjadi", "dlm": "dalam", "ttg": "tentang",
    "pemkab": "pemkab", "kab": "kabupaten", "kec": "kecamatan", "kel": "kelurahan", "prov": "provinsi",
    "gaes": "gaes", "gais": "gaes", "guys": "gaes", "gaez": "gaes", "gengs": "gaes",
    "gass": "gas", "gasss": "gas", "gaskeun": "gas", "gaskan": "gas", "gaspol": "gas",
    "yuk": "yuk", "yok": "yuk", "yuks": "yuk", "kuy": "yuk", "hayu": "ayo", "mari": "mari", "ayok": "ayo",
    "nmr": "nomor", "nomer": "nomor", "nomr": "nomor", "nmor": "nomor",
    "dukungg": "dukung", "plis": "tolong", "pls": "tolong",
    "pilkda": "pilkada", "pemilukada": "pilkada", "cabup": "cabup", "cawabup": "cawabup",
    "paslon": "paslon", "pasangan": "pasangan",
    "mksh": "terima kasih", "makasih": "terima kasih", "trims": "terima kasih", "tks": "terima kasih",
    "ok": "oke", "okey": "oke", "sip": "sip", "p3k": "pppk", "allin": "all in",
}

# Domain words the lexicon must know (for de-elongation and hashtag segmentation).
_DOMAIN_WORDS = (
    "asn pns pppk netral netralitas paslon cabup cawabup cagub cawagub cawalkot calon bupati walikota gubernur "
    "pilkada pemilu pilih pilihan coblos nyoblos nomor urut menang menangkan lanjutkan periode putaran "
    "dukung ayo yuk gas mari kampanye relawan timses deklarasi konvoi baliho stiker kaos banner spanduk "
    "bawaslu kpu bkn kasn dpt tps golput lapor guru bidan perawat camat lurah dinas pemkab pemkot pemprov "
    "puskesmas rsud kemenag sdn smpn sman smkn bersama rakyat nusantara maju sejahtera hebat berkah amanah "
    "jaya juara timnas challenge jari banget mantap ayo gaes sehat cerdas bijak damai indonesia kita kami "
    "kabupaten kota desa kades honorer abdi negara hak suara pemilih pintar saatnya perubahan baru bangkit "
    "satu dua tiga empat lima siji loro telu hiji tilu opat berakhlak akhlak"
).split()

@lru_cache(maxsize=1)
def lookup_tables() -> tuple[dict[str, str], dict[str, str]]:
    """spaCy's Indonesian `lexeme_norm` and `lemma_lookup` tables from spacy-lookups-data, as plain dicts.

    The package ships them as gzipped JSON files (data/id_lexeme_norm.json.gz, data/id_lemma_lookup.json.gz);
    they are read directly, without importing spaCy (whose `load_lookups` gives the same tables, hashed).
    """
    data = files("spacy_lookups_data") / "data"
    return tuple(json.loads(gzip.decompress((data / f"id_{name}.json.gz").read_bytes()))  # type: ignore[return-value]
                 for name in ("lexeme_norm", "lemma_lookup"))


@lru_cache(maxsize=1)
def _lexicon_values() -> frozenset[str]:
    norm_table, lemma_table = lookup_tables()
    words = set(lemma_table.values()) | set(norm_table.values()) | set(SLANG.values()) | set(SLANG)
    words.update(_DOMAIN_WORDS)
    return frozenset(w for w in words if isinstance(w, str))


def in_lexicon(word: str) -> bool:
    """True if the word is a known Indonesian form (lemma table key or value, norm table, our maps)."""
    norm_table, lemma_table = lookup_tables()
    return word in _lexicon_values() or word in lemma_table or word in norm_table


def _full_word(word: str) -> bool:
    """A known word that is not one of our slang abbreviations ("bp", "dg", "sm" are not words)."""
    if word in SLANG and SLANG[word] != word:
        return False
    return in_lexicon(word)


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """Lemma from spaCy's id_lemma_lookup (mendukung -> dukung, mencoblos -> coblos); the word itself if unknown."""
    _, lemma_table = lookup_tables()
    found = lemma_table.get(word)
    return found if isinstance(found, str) else word


def deelongate(word: str) -> str:
    """Collapse letter elongation: bangettt -> banget, maaaf -> maaf, mantapp -> mantap, saat -> saat."""
    if _TRIPLE_RE.search(word) and _VOWEL_RE.search(word):  # "pppk", "www" are not elongations
        one = _TRIPLE_RE.sub(r"\1", word)
        two = _TRIPLE_RE.sub(r"\1\1", word)
        if in_lexicon(one) or one in SLANG:
            word = one
        elif in_lexicon(two) or two in SLANG:
            word = two
        else:
            word = _deelongate_doubles(one)
            return word
    if _DOUBLE_RE.search(word) and not in_lexicon(word):
        word = _deelongate_doubles(word)
    return word


def _deelongate_doubles(word: str) -> str:
    # Short words and acronyms keep their double letters (bpp, ppk, bkd ...).
    if len(word) < 4 or not _VOWEL_RE.search(word):
        return word
    # Elongation is usually at the end (bangett, allahh); try that before collapsing every double.
    for candidate in (_TRAILING_DOUBLE_RE.sub(r"\1", word), _DOUBLE_RE.sub(r"\1", word)):
        if candidate != word and _full_word(candidate):
            return candidate
    return word


def norm_word(word: str) -> str:
    """Normalise one lowercase alphabetic word (slang, spaCy norm table, elongation)."""
    if word in SLANG:
        return SLANG[word]
    norm_table, _ = lookup_tables()
    found = norm_table.get(word)
    if isinstance(found, str):
        return found
    fixed = deelongate(word)
    if fixed != word:
        if fixed in SLANG:
            return SLANG[fixed]
        found = norm_table.get(fixed)
        if isinstance(found, str):
            return found
    return fixed


@lru_cache(maxsize=8192)
def split_hashtag(tag: str) -> tuple[str, ...]:
    """Words inside a hashtag (without the '#'), lowercase and unnormalised.

    CamelCase and digit boundaries split first (PilihNomor2 -> pilih, nomor, 2); an
    all-lowercase run is segmented with the lexicon when every piece is a known word
    (asnnetral -> asn, netral); otherwise the run is kept whole.
    """
    body = tag.lstrip("#")
    pieces: list[str] = []
    for chunk in re.split(r"[_\W]+", body):
        if not chunk:
            continue
        for part in _CAMEL_RE.findall(chunk) or [chunk]:
            low = part.lower()
            if low.isalpha() and len(low) > 6 and not in_lexicon(low):
                pieces.extend(_segment(low))
            else:
                pieces.append(low)
        # Non-ASCII letters the camel regex skips.
        if not _CAMEL_RE.findall(chunk):
            pieces.append(chunk.lower())
    return tuple(pieces)


@lru_cache(maxsize=8192)
def _segment(word: str) -> tuple[str, ...]:
    """Split an all-lowercase run into known words (fewest pieces wins); the run itself if impossible."""
    n = len(word)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (pieces, previous cut)
    best[0] = (0, 0)
    for end in range(1, n + 1):
        for start in range(max(0, end - 20), end):
            if best[start] is None:
                continue
            piece = word[start:end]
            if len(piece) < 2 and not piece.isdigit():
                continue
            if piece in SLANG or in_lexicon(piece) or piece in NUMBER_PREFIXES:
                cand = (best[start][0] + 1, start)
                if best[end] is None or cand[0] < best[end][0]:
                    best[end] = cand
    if best[n] is None:
        return (word,)
    out: list[str] = []
    end = n
    while end > 0:
        _, start = best[end]
        out.append(word[start:end])
        end = start
    return tuple(reversed(out))
