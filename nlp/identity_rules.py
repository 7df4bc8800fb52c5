"""Identity context rules: is a role or agency span in a post about the author, or about someone else?

A role found by the phrase lists ("guru", "camat", "kepala desa") becomes:
  relative_role  the author's relative's role ("bapak gue penyuluh", "suami saya PNS", "Istri PNS");
  other_role     someone the author talks about or to ("pak camat ikut joget", "temen gw yg guru"), in a post's text;
  non_asn_role   not a civil servant's role ("guru honorer", "pensiunan guru", "pengen jadi PNS", "Calon PNS aamiin");
or is dropped ("dibagi ke polisi", an ASN role inside a village or security office, a role in a neutrality pledge).
An agency is dropped when it is a place the author visits or uses ("pasien RSUD", "alumni SMAN 8") or where a
non-ASN works ("Honorer di kantor kecamatan"). Who the author is, from these spans, is decided in pantau.nlp.identity.
"""

from __future__ import annotations

from typing import Sequence

from pantau.nlp.normalise import NormToken
from pantau.nlp.spans import OverlapIndex
from pantau.nlp.vocabulary import (
    ASPIRATION_AFTER, ASPIRATION_BEFORE, CLIENT_MARKERS, HONORIFICS, KIN_DIRECT, KIN_SELF, KIN_WORDS,
    NON_ASN_MODIFIERS, OTHERS_MARKERS, POSSESSIVES, SELF_MARKERS, THIRD_PARTY, WORK_VERBS,
)

ROLE_SIGNALS = frozenset(("asn_role", "village_official", "security_official"))
IDENTITY_CONTEXT_SIGNALS = ROLE_SIGNALS | {"asn_agency", "non_asn_role"}  # the spans `identity_context` judges


def identity_context(name: str, s: int, e: int, toks: Sequence[NormToken], words: list[str], original: str,
                     source: str, overlaps: OverlapIndex) -> str | None:
    """The name the span (name, token s, token e) keeps in its context, or None when it is dropped."""
    if name == "asn_role" and (overlaps("village_official", s, e) or overlaps("security_official", s, e)):
        return None  # "Kasi Pemerintahan Desa": a village office, not an ASN one
    if name in ROLE_SIGNALS:
        if overlaps("neutrality_pledge", s, e):
            return None
        if relative_before(words, s) or kin_right_before(toks, words, s, original):
            return "relative_role"
        if source == "text" and not author_named_before(words, s) and (
                (s > 0 and words[s - 1] in HONORIFICS)
                or THIRD_PARTY.intersection(words[max(0, s - 3): s]) or OTHERS_MARKERS.intersection(words[max(0, s - 2): s])):
            return "other_role"
        # "Kepala Desa? bukan, saya Camat X": a modifier before the author's "saya" is about something else
        lo = max(0, s - 2)
        for j in range(s - 1, lo - 1, -1):
            if words[j] in SELF_MARKERS:
                lo = j + 1
                break
        window = words[lo: e + 1]
        if name != "asn_role" and OTHERS_MARKERS.intersection(words[max(0, s - 2): s]):
            return None  # "dibagi ke polisi": other people, not the author
        if overlaps("non_asn_role", s, e) or NON_ASN_MODIFIERS.intersection(window) \
                or ASPIRATION_BEFORE.intersection(words[max(0, s - 2): s]) \
                or aspiration_after(toks, words, e, original):
            return "non_asn_role"
    elif name == "asn_agency":
        before = words[max(0, s - 3): s]
        if not WORK_VERBS.intersection(words[max(0, s - 4): s]) \
                and (CLIENT_MARKERS.intersection(before) or "ke" in words[max(0, s - 2): s]):
            return None  # the author's school, hospital or office visit, not their employer
        if overlaps("non_asn_role", s, e, pad_before=3):
            return None  # "Honorer di kantor kecamatan", "Tenaga honorer Puskesmas": a non-ASN worker there
    elif name == "non_asn_role":
        if OTHERS_MARKERS.intersection(words[max(0, s - 2): s]):
            return None  # "dibagi ke petani", "buat para pedagang": other people, not the author
    return name


def relative_before(words: Sequence[str], s: int) -> bool:
    """A kinship word with a possessive ("bapak gue", "istri saya") or a self-referring one ("bokap", "suamiku")
    within the three words before position s."""
    before = words[max(0, s - 3): s]
    for i, w in enumerate(before):
        if w in KIN_SELF or (w in KIN_WORDS and i + 1 < len(before) and before[i + 1] in POSSESSIVES):
            return True
    return False


def author_named_before(words: Sequence[str], s: int) -> bool:
    """The author names themself within four words before position s ("saya", "kami para", "sebagai"), not as a
    possessive ("temen gw", "anak saya")."""
    for j in range(max(0, s - 4), s):
        if words[j] in SELF_MARKERS and not (j > 0 and (words[j - 1] in THIRD_PARTY or words[j - 1] in KIN_WORDS)):
            return True
    return False


def kin_right_before(toks: Sequence[NormToken], words: list[str], s: int, original: str) -> bool:
    """ "Istri PNS", "anak guru": a kinship word right before the role, only whitespace between them, and not a
    count of the author's own children ("Bapak 2 anak | Camat", "ibu dari 2 anak, PNS")."""
    if s == 0 or words[s - 1] not in KIN_DIRECT or original[toks[s - 1].end:toks[s].start].strip():
        return False
    return not (s >= 2 and (words[s - 2].isdigit() or words[s - 2] in ("dari", "beberapa", "banyak")))


def aspiration_after(toks: Sequence[NormToken], words: list[str], e: int, original: str) -> bool:
    """ "Calon PNS 2025 aamiin": an amen within two words after the role, with no punctuation between."""
    for j in range(e, min(e + 2, len(words))):
        if words[j] in ASPIRATION_AFTER:
            return not any(ch in ",.;:|/!?\n" for ch in original[toks[e - 1].end:toks[j].start])
    return False
