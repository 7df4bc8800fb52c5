"""Act rules: campaigning written in the structure of a post, and the lawful markers that void it.

`token_rules` finds structural patterns over normalised tokens: "nomor urut 2", "coblos (nomor) 2", "pilih
Arif-Hamzah nomor 2", inflected vote verbs through spaCy's lemma table (mendukung -> dukung), "partai X", slogan
hashtags (#Menang2), mentions of oversight accounts (@bawaslu...), agencies ("dinas X", "SDN 3") and look-alike
numbers ("juara 2", "menu nomor 2"). `act_context` then applies the lawful markers around an act: "dukung timnas"
is not a call to vote, "deklarasi netralitas" is not a rally, a "dua jari challenge" is a look-alike, "partai besar"
is wholesale; `number_signals` adds finger emoji used as numbers and a "02" standing alone.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from pantau.nlp.normalise import EMOJI_NUMBERS, NormToken, Tokens, as_tokens
from pantau.nlp.spans import OverlapIndex
from pantau.nlp.vocabulary import (
    CANDIDATE_SET, CHEER_AFTER, CHEER_BEFORE, CHEER_FILLERS, CHEER_NEGATORS, DINAS_STOP, LEMMA_VOTE, LEMMA_VOTE_EXCLUDE,
    LOOKALIKE_NOUNS, LOOKALIKE_OBJECTS, LOOKALIKE_SET, NEUTRAL_FOLLOWERS, NEUTRAL_PIECES, NOMOR_URUT, NUMBER_COUNTS,
    PARTY_STOP, PREFERENCE_WORDS, SCHOOL_PREFIX, SELF_MARKERS, SLOGAN_PIECES, TIP_MENTIONS, VERB_FILLERS, VOTE_SET,
)

_ZERO_NUM_RE = re.compile(r"^0[1-9]$")
_RULE_TRIGGERS = (
    CANDIDATE_SET | VOTE_SET | PREFERENCE_WORDS | LOOKALIKE_SET | SCHOOL_PREFIX
    | frozenset(["nomor", "partai", "dinas", "kementerian"])
)


def _is_num(word: str) -> bool:
    return word.isdigit() and len(word) <= 2


def is_rule_trigger(word: str, lemma: str) -> bool:
    """Whether `token_rules` looks at a token (every pattern starts at a trigger)."""
    return word in _RULE_TRIGGERS or word[0] in "@#" or lemma in LEMMA_VOTE


def token_rules(toks: Sequence[NormToken] | Tokens, positions: Iterable[int] | None = None) -> list[tuple[str, int, int]]:
    """Structural patterns over normalised tokens (plain Python: faster than spaCy's Matcher
    with set predicates, same semantics). Returns (name, token start, token end). `positions`, when given, lists
    (ascending) every position whose token is a trigger (`is_rule_trigger`); the others are skipped unseen."""
    toks = as_tokens(toks)
    words, lemmas, starts, ends = toks.words, toks.lemmas, toks.starts, toks.ends
    n = len(words)
    out: list[tuple[str, int, int]] = []
    for i in range(n) if positions is None else positions:
        w = words[i]
        if not is_rule_trigger(w, lemmas[i]):
            continue
        nxt = words[i + 1] if i + 1 < n else ""
        # paslon_number: "nomor urut 2", "paslon (nomor urut) 2", "coblos (nomor) 2"
        direct = False
        if w in CANDIDATE_SET or w in VOTE_SET or (w == "nomor" and nxt == "urut"):
            fillers = NOMOR_URUT if w in CANDIDATE_SET or w == "nomor" else VERB_FILLERS
            j = i + 1
            while j < n and words[j] in fillers:
                j += 1
            if j < n and _is_num(words[j]) and (w != "nomor" or j > i + 1):
                out.append(("paslon_number", i, j + 1))
                direct = True
        if not direct and (w in VOTE_SET or w in PREFERENCE_WORDS):
            # "pilih Arif-Hamzah nomor 2", "pilihan saya jelas, nomor 3": up to 3 words before "nomor N"
            for k in range(i + 2, min(i + 5, n - 1)):
                if words[k] == "nomor" and _is_num(words[k + 1]):
                    if not any(_is_num(x) or x == "nomor" for x in words[i + 1: k]):
                        out.append(("paslon_number", i, k + 2))
                    break
        if w == "nomor" and _is_num(nxt):
            out.append(("number_ref", i, i + 2))
        # look-alike numbers: "juara 2", "menu nomor 2", "nomor antrian"
        if w in LOOKALIKE_SET:
            j = i + 1 + (nxt == "nomor")
            if j < n and _is_num(words[j]):
                out.append(("lookalike", i, j + 1))
        if w == "nomor" and nxt in LOOKALIKE_SET:
            out.append(("lookalike", i, i + 2))
        # inflected vote verbs through the spaCy lemma table (mendukung -> dukung, mencoblos -> coblos)
        if lemmas[i] in LEMMA_VOTE and w not in LEMMA_VOTE_EXCLUDE:
            out.append(("vote_call", i, i + 1))
        if w == "partai" and nxt.isalpha() and nxt not in PARTY_STOP:
            out.append(("party", i, i + 2))
        if w == "dinas" and nxt.isalpha() and nxt not in DINAS_STOP:
            out.append(("asn_agency", i, i + 2))
        if w in SCHOOL_PREFIX and _is_num(nxt):
            out.append(("asn_agency", i, i + 2))
        if w == "kementerian" and nxt.isalpha():
            out.append(("asn_agency", i, i + 2))
        if w[0] == "@" and w.startswith(TIP_MENTIONS):
            out.append(("report_tip", i, i + 1))
        if w[0] == "#" and len(w) > 1:
            start, end = starts[i], ends[i]
            j = i + 1
            while j < n and starts[j] == start and ends[j] == end:
                j += 1
            pieces = set(words[i + 1: j])
            if pieces & NEUTRAL_PIECES:
                continue
            if pieces & SLOGAN_PIECES or any(_is_num(p) for p in pieces):
                out.append(("slogan", i, i + 1))
    return out


def cheer_call(words: Sequence[str], s: int, e: int) -> tuple[int, int] | None:
    """The (start, end) of a call to support the candidate mentioned at words[s:e], made by a cheer next to it
    (vocabulary.CHEER_BEFORE/CHEER_AFTER): "yuk bisa yuk <c>", "ayo maju terus <c>", "<c> gas terus", "<c> saya
    pilih"; None when there is none or a negation or loss word stands near it ("yuk <c> kalah")."""
    if CHEER_NEGATORS.intersection(words[max(0, s - 3): e + 2]):
        return None
    for k in range(s - 1, max(-1, s - 5), -1):  # back over cheer fillers only, at most four words
        if words[k] in CHEER_BEFORE:
            return k, e
        if words[k] not in CHEER_FILLERS:
            break
    after = words[e: e + 2]
    if after and (after[0] in CHEER_AFTER or (len(after) == 2 and after[0] in SELF_MARKERS and after[1] in VOTE_SET)):
        return s, e + (1 if after[0] in CHEER_AFTER else 2)
    return None


# The spans `act_context` may change or void; any other span keeps its name.
ACT_CONTEXT_SIGNALS = frozenset(("party", "rally", "gesture_photo", "vote_call", "paslon_number", "number_ref",
                                 "neutrality_pledge"))


def act_context(name: str, s: int, e: int, toks: Sequence[NormToken], words: list[str], original: str,
                overlaps: OverlapIndex) -> str | None:
    """The name the span (name, token s, token e) keeps in its context, or None when a lawful marker voids it."""
    if name == "party":
        if overlaps("lookalike", s, e):
            return None  # "partai besar" (wholesale), not a party
    elif name == "rally":
        if words[s] == "deklarasi" and NEUTRAL_FOLLOWERS.intersection(words[e: e + 2]):
            return None
    elif name == "gesture_photo":
        if "challenge" in words[s: e + 3] or "tantangan" in words[s: e + 3]:
            return "lookalike"
    elif name == "vote_call":
        if LOOKALIKE_OBJECTS.intersection(words[e: e + 2]) or overlaps("lookalike", s, e):
            return None
    elif name in ("paslon_number", "number_ref"):
        if overlaps("lookalike", s, e, pad_before=1) or (e < len(words) and words[e] in NUMBER_COUNTS):
            return None  # "menangkan 1 putaran", "pilih 2 periode": a count, not a ballot number
        if name == "number_ref" and (overlaps("paslon_number", s, e) or from_emoji(toks, s, original)):
            return None
    elif name == "neutrality_pledge" and words[s] == "netral" and s > 0 and words[s - 1] == "tidak":
        return None
    return name


def is_number_token(word: str) -> bool:
    """Whether `number_signals` looks at a token."""
    return word == "nomor" or (len(word) == 1 and word.isdigit())


def number_signals(toks: Sequence[NormToken] | Tokens, words: list[str], original: str, overlaps: OverlapIndex,
                   positions: Iterable[int] | None = None) -> list[tuple[str, int, int]]:
    """Finger emoji used as numbers (number_emoji) and "01"/"02"/"03" standing alone, not part of a date, time or
    RT/RW (paslon_number). `positions`, when given, lists (ascending) every position whose token
    `is_number_token`."""
    out: list[tuple[str, int, int]] = []
    for i in range(len(words)) if positions is None else positions:
        w = words[i]
        if not is_number_token(w):
            continue
        t = toks[i]
        if w == "nomor" and from_emoji(toks, i, original):
            out.append(("number_emoji", i, i + 1))
        elif len(w) == 1 and w.isdigit() and _ZERO_NUM_RE.match(original[t.start:t.end]) \
                and standalone_number(original, t, words, i) and not overlaps("lookalike", i, i + 1, pad_before=1):
            out.append(("paslon_number", i, i + 1))
    return out


def from_emoji(toks: Sequence[NormToken], i: int, original: str) -> bool:
    t = toks[i]
    return any(ch in EMOJI_NUMBERS for ch in original[t.start:t.end])


def standalone_number(original: str, t: NormToken, words: list[str], i: int) -> bool:
    before = original[t.start - 1] if t.start > 0 else " "
    after = original[t.end] if t.end < len(original) else " "
    if before in "/:.-" or after in "/:.-" or before.isdigit() or after.isdigit():
        return False
    prev = words[i - 1] if i > 0 else ""
    return prev not in LOOKALIKE_NOUNS and prev not in ("jam", "pukul", "tanggal", "nomor")
