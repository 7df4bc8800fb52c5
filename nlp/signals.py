"""Rule-based signals: named evidence spans for ASN identity, campaigning and hard negatives.

Text is tokenised by spaCy's `blank("id")` tokenizer and normalised token by token
(`pantau.nlp.normalise`, lemmas from spaCy's id_lemma_lookup table); the normalised tokens are
matched against phrase lists (`pantau.nlp.vocabulary`, through `pantau.nlp.spans.PhraseIndex`,
PhraseMatcher semantics) and token rules (`pantau.nlp.act_rules`: structural patterns such as
"nomor urut 2", "coblos ✌️", "juara 2"). Both are plain loops over the token list: measured here,
that is several times faster than building a second spaCy `Doc` per post for spaCy's
`PhraseMatcher`/`Matcher`, and classification must run at thousands of posts per second. The 18-digit
NIP is found by a regular expression on the original text and validated (`pantau.nlp.nip`). Context
rules then fix the known traps: "kepala desa" and "guru honorer" are not ASN, "bapak gue guru" is a
relative (`pantau.nlp.identity_rules`); "deklarasi netralitas" is not a rally, "dukung timnas" is not
a call to vote (`pantau.nlp.act_rules`).

Every signal is a dict {"name", "source" ("text"|"bio"), "start", "end", "text"} whose offsets
point into the ORIGINAL string (each normalised token remembers the span of the token it came from).

The spaCy tokenizer and the phrase index are built once, on first use (`get_extractor()`),
never at import time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress
from typing import Iterable, Sequence

from pantau.nlp.act_rules import (ACT_CONTEXT_SIGNALS, act_context, cheer_call, is_number_token, is_rule_trigger,
                                  number_signals, token_rules)
from pantau.nlp.contests import Contests, load_contests
from pantau.nlp.identity_rules import IDENTITY_CONTEXT_SIGNALS, identity_context
from pantau.nlp.nip import find_nips
from pantau.nlp.normalise import NormToken, Tokens, as_tokens, lemma, normalise_tokens, normalise_tokens_many, tokens_of
from pantau.nlp.spans import OverlapIndex, PhraseIndex, drop_contained
from pantau.nlp.vocabulary import LEMMA_VOTE, TERMS, VOTE_SET

RULES_VERSION = "10"

ASN_SIGNALS = ("asn_role", "asn_agency", "asn_nip")
# Officials who are not ASN but must stay out of campaigns (their own identity classes, see pantau.nlp.identity).
OFFICIAL_SIGNALS = ("village_official", "security_official")
CAMPAIGN_SIGNALS = (
    "vote_call", "paslon_number", "number_emoji", "number_ref", "slogan", "candidate_ref", "rally",
    "campaign_team", "attack_rival", "all_in", "party", "gesture_photo", "party_registration",
    "state_facility", "campaign_attribute", "campaign_interaction",
)
NEGATIVE_SIGNALS = ("non_asn_role", "relative_role", "other_role", "news_report", "report_tip", "civic_neutral", "neutrality_pledge",
                    "lookalike", "quotation")
SOURCES = ("text", "bio", "name")  # the post's text, the author's bio, the author's display name
SIGNAL_NAMES: tuple[str, ...] = ASN_SIGNALS + OFFICIAL_SIGNALS + CAMPAIGN_SIGNALS + NEGATIVE_SIGNALS

# Which loops of `from_tokens` look at a word (bits of SignalExtractor._roles): a post's words are looked up once,
# and each loop visits only the positions of its words (most words of a post start no phrase and trigger no rule).
_PHRASE, _CONTEST, _RULE, _NUMBER, _HASHTAG = 1, 2, 4, 8, 16
_MAX_ROLES = 1_000_000  # distinct words remembered


class _Roles(dict):
    """word -> bits of the loops that look at it, computed on first sight (dict.__missing__: lookups stay in C)."""

    __slots__ = ("phrase_first", "contest_first")

    def __missing__(self, word: str) -> int:
        bits = ((_PHRASE if word in self.phrase_first else 0) | (_CONTEST if word in self.contest_first else 0)
                | (_RULE if is_rule_trigger(word, lemma(word)) else 0) | (_NUMBER if is_number_token(word) else 0)
                | (_HASHTAG if word[0] == "#" and len(word) > 2 else 0))
        if len(self) >= _MAX_ROLES:
            self.clear()
        self[word] = bits
        return bits


_QUOTES = '"\u201c\u201d\u00ab\u00bb'
_QUOTE_RE = re.compile(f"[{_QUOTES}]([^{_QUOTES}\\n]{{4,280}})[{_QUOTES}]")


def _vote_word(words: Sequence[str], toks: Tokens, k: int) -> bool:
    """Whether word k is a vote verb ("pilih", "coblos", "tusuk") or one of its forms ("mendukung", "dicoblos")."""
    return words[k] in VOTE_SET or toks.lemmas[k] in LEMMA_VOTE


class SignalExtractor:
    """Phrase lists and token rules over normalised tokens; build once (see `get_extractor`)."""

    def __init__(self, contests: Contests | None = None) -> None:
        self.phrases = PhraseIndex()
        for name, phrases in TERMS.items():
            for phrase in phrases:
                # Patterns go through the same normaliser as posts, so "no urut" == "nomor urut".
                words = [phrase] if phrase.startswith("#") else [t.text for t in normalise_tokens(phrase)]
                if words:
                    self.phrases.add(name, words)
        # Contestants from the contest files: their mentions are act evidence carrying the contestant's ref.
        self.contests = contests if contests is not None else load_contests()
        self.contest_phrases = PhraseIndex()
        self._exact: dict[str, tuple[str, str]] = {}  # index key -> (ref, alias in its exact case)
        for phrase, c, exact in self.contests.phrases():
            words = [t.text for t in normalise_tokens(phrase)]
            if not words:
                continue
            key = f"{c.ref}\t{phrase}" if exact else c.ref
            if exact:
                self._exact[key] = (c.ref, " ".join(phrase.split()))
            self.contest_phrases.add(key, words)
        self._kind = {c.ref: ("party" if c.kind == "party" else "candidate_ref") for c in self.contests.contestants}
        self._hashtags = {t: c.ref for t, c in self.contests.hashtags().items()}
        stems = self.contests.tag_stems()
        self._stem_ref = stems
        self._stem_re = re.compile("|".join(sorted(map(re.escape, stems), key=len, reverse=True))) if stems else None
        self._roles = _Roles()
        self._roles.phrase_first = self.phrases.first_words()
        self._roles.contest_first = self.contest_phrases.first_words()

    # -- public -------------------------------------------------------------------

    def extract(self, text: str, source: str = "text") -> list[dict]:
        """Signals for one original string."""
        return self.from_tokens(text or "", tokens_of(text or ""), source)

    def analyse(self, text: str, source: str = "text") -> tuple[str, list[dict]]:
        """(normalised text, signals) from one tokenisation pass."""
        toks = tokens_of(text or "")
        return " ".join(toks.words), self.from_tokens(text or "", toks, source)

    def analyse_many(self, texts: Sequence[str], source: str = "text") -> list[tuple[str, list[dict]]]:
        toks_list = normalise_tokens_many(texts)
        return [(" ".join(t.words), self.from_tokens(s or "", t, source)) for s, t in zip(texts, toks_list)]

    # -- matching -----------------------------------------------------------------

    def from_tokens(self, original: str, toks: Sequence[NormToken] | Tokens, source: str) -> list[dict]:
        if source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
        toks = as_tokens(toks)
        found: list[tuple[str, int, int]] = []  # (name, token start, token end)
        refs: dict[tuple[str, int, int], str] = {}  # contest mentions: (name, char start, char end) -> ref
        words, starts, ends = toks.words, toks.starts, toks.ends
        roles = list(map(self._roles.__getitem__, words))
        hot = list(compress(range(len(words)), roles))  # the positions any loop looks at
        if hot:
            found = self.phrases(words, [i for i in hot if roles[i] & _PHRASE])
            found.extend(token_rules(toks, [i for i in hot if roles[i] & _RULE]))
            for name, s, e, ref in self._contest_mentions(original, toks, words, roles, hot):
                found.append((name, s, e))
                refs[(name, starts[s], ends[e - 1])] = ref
                # "pilih Prabowo-Gibran", "tetap dukung Anies", "coblos wae Dedi Mulyadi": a vote verb before a contestant
                for k in range(max(0, s - 2), s):
                    if _vote_word(words, toks, k):
                        found.append(("vote_call", k, e))
                        break
                else:  # "yuk bisa yuk Prabowo-Gibran", "Prabowo Gibran gas terus": a cheer next to a candidate
                    if name == "candidate_ref" and (call := cheer_call(words, s, e)) is not None:
                        found.append(("vote_call", *call))
            found = self._apply_context(found, toks, words, original, source,
                                        [i for i in hot if roles[i] & _NUMBER])
        spans = {(name, starts[s], ends[e - 1]) for name, s, e in found}
        spans.update(("asn_nip", s, e) for s, e in find_nips(original))
        # Quoted speech ("...") is typical of reports about a post rather than the post itself.
        if any(q in original for q in _QUOTES):  # the regular expression needs a quote mark: most posts have none
            spans.update(("quotation", m.start(), m.end()) for m in _QUOTE_RE.finditer(original)
                         if " " in m.group(1).strip())
        spans = drop_contained(spans)
        out = []
        for name, s, e in sorted(spans, key=lambda x: (x[1], x[2], x[0])):
            sig = {"name": name, "source": source, "start": s, "end": e, "text": original[s:e]}
            ref = refs.get((name, s, e))
            if ref is not None:
                sig["ref"] = ref
            out.append(sig)
        return out

    def _contest_mentions(self, original: str, toks: Tokens, words: list[str], roles: list[int], hot: list[int]):
        """(signal name, token start, token end, ref) for every mention of a listed contestant: names and aliases
        (exact-case aliases only in their case), listed hashtags and hashtags containing a contestant's stem."""
        for key, s, e in self.contest_phrases(words, [i for i in hot if roles[i] & _CONTEST]):
            exact = self._exact.get(key)
            if exact is not None:
                ref, alias = exact
                if " ".join(original[toks.starts[s]:toks.ends[e - 1]].split()) != alias and not (
                        s > 0 and _vote_word(words, toks, s - 1)
                        and not original[toks.ends[s - 1]:toks.starts[s]].strip()):
                    continue  # "AMIN" in another case is a prayer, unless a vote verb is right before ("pilih Amin")
            else:
                ref = key
            yield self._kind[ref], s, e, ref
        if self._stem_re is None:
            return
        for i in hot:
            if roles[i] & _HASHTAG:
                w = words[i]
                ref = self._hashtags.get(w)
                if ref is None:
                    m = self._stem_re.search(w)
                    ref = self._stem_ref[m.group()].ref if m else None
                if ref is not None:
                    yield self._kind[ref], i, i + 1, ref

    def _apply_context(self, found, toks, words, original, source="text", number_positions=None):
        """Identity rules on role and agency spans, act rules (lawful markers) on the others, then the numbers
        (at `number_positions`, when given: every position whose token `is_number_token`)."""
        overlaps = OverlapIndex(found)
        out: list[tuple[str, int, int]] = []
        for name, s, e in found:
            if name in IDENTITY_CONTEXT_SIGNALS:
                kept = identity_context(name, s, e, toks, words, original, source, overlaps)
            elif name in ACT_CONTEXT_SIGNALS:
                kept = act_context(name, s, e, toks, words, original, overlaps)
            else:
                kept = name
            if kept is not None:
                out.append((kept, s, e))
        if number_positions is None or number_positions:
            out.extend(number_signals(toks, words, original, overlaps, number_positions))
        return out


@lru_cache(maxsize=1)
def get_extractor() -> SignalExtractor:
    """The shared extractor (phrase index over the normalised patterns), built on first call."""
    return SignalExtractor()


def extract_signals(text: str, source: str = "text") -> list[dict]:
    """Named evidence spans in `text` (offsets into `text` itself)."""
    return get_extractor().extract(text, source)


def count_signals(signals: Iterable[dict]) -> dict[tuple[str, str], int]:
    """Counts per (source, name)."""
    counts: dict[tuple[str, str], int] = {}
    for sig in signals:
        key = (sig["source"], sig["name"])
        counts[key] = counts.get(key, 0) + 1
    return counts
