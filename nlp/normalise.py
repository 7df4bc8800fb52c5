"""Normalisation of Indonesian social-media text, keeping offsets into the original.

The text is tokenised as spaCy's blank Indonesian tokenizer does it (`pantau.nlp.tokenizer`: its rules as
data, applied without importing spaCy); every original token
becomes zero or more normalised sub-tokens (``NormToken``) that remember the character
span of the original token they came from. `normalise()` joins them with spaces for the
TF-IDF features; `pantau.nlp.signals` matches rules on the same tokens and reports spans
in the original text.

What is normalised:
- case (lowercase), letter elongation (``bangettt`` -> ``banget``, ``maaaf`` -> ``maaf``:
  a collapsed form is only kept when a lexicon knows it, so legit double letters stay);
- slang and abbreviations (our own map below, then spaCy's ``id_lexeme_norm`` table from
  the MIT-licensed ``spacy-lookups-data`` package);
- numbers used for candidate pairs: ``no 2``/``no.2``/``nomer 2`` -> ``nomor 2``, ``02`` ->
  ``2``, number words after ``nomor``/``paslon`` (``nomor urut dua``, Javanese ``nomer loro``,
  Sundanese ``nomer tilu``) -> digits, finger emoji (``☝️`` -> ``nomor 1``, ``✌️`` -> ``nomor 2``,
  ``🤟``/``👌`` -> ``nomor 3``);
- hashtags are kept (``#pilihnomor2``) and split into words after them
  (``#PilihNomor2`` -> ``#pilihnomor2 pilih nomor 2``), by case/digit boundaries or, for
  all-lowercase tags, by a lexicon-based segmentation;
- URLs become ``url``; mentions are kept; punctuation is dropped.

Stop words are never removed: *tidak, jangan, bakal, dua, ikut, bersama, kami* carry the signal.
The word lists, lookup tables, lemmas, de-elongation and hashtag segmentation live in `pantau.nlp.lexicon`.
Nothing is computed at import time; the tokenizer rules and lookup tables load on first use.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import compress
from typing import Iterable, Iterator, NamedTuple, Sequence

from pantau.nlp.lexicon import NUMBER_PREFIXES, SLANG, lemma, norm_word, split_hashtag
from pantau.nlp.tokenizer import special_cases, tokenize_chunk

NORMALISE_VERSION = "1"

# Number words that, after "nomor", "urut", "paslon", "calon", become digits.
NUMBER_WORDS: dict[str, str] = {
    "satu": "1", "dua": "2", "tiga": "3", "empat": "4", "lima": "5",
    "siji": "1", "setunggal": "1", "loro": "2", "kalih": "2", "telu": "3", "tigo": "3", "papat": "4",
    "hiji": "1", "kahiji": "1", "kadua": "2", "tilu": "3", "katilu": "3", "opat": "4",
    "besik": "1", "kekalih": "2", "telung": "3",
    "wahid": "1",
}
_NUMBER_CONTEXT = {"nomor", "urut", "paslon", "calon", "pasangan", "cabup", "cawalkot", "cagub", "kandidat"}

# Finger emoji used as candidate numbers (after removing variation selectors and skin tones).
EMOJI_NUMBERS: dict[str, str] = {"☝": "1", "👆": "1", "✌": "2", "🤟": "3", "👌": "3"}

_EMOJI_STRIP = {"\ufe0f", "\ufe0e", "\u200d", "\u20e3"}
_SKIN_TONES = {chr(c) for c in range(0x1F3FB, 0x1F400)}
_URL_RE = re.compile(r"^(https?://|www\.)\S+$", re.I)
_RUN_RE = re.compile(r"[^\W\d_]+|\d+(?:[.,:]\d+)*", re.U)
_LEADING_ZERO_RE = re.compile(r"^0([1-9])$")


class NormToken(NamedTuple):
    """One normalised token and the [start, end) span of the original token it came from."""

    text: str
    lemma: str
    start: int
    end: int


class Tokens:
    """A text's normalised tokens as parallel lists: `words`, `lemmas` and the [start, end) spans (`starts`, `ends`)
    of the original tokens they came from. The signal rules read the lists; `tokens[i]` and iteration give
    NormToken. (Lists, not one object per token: a post has dozens of tokens and classification runs at thousands
    of posts per second.)"""

    __slots__ = ("words", "lemmas", "starts", "ends")

    def __init__(self, words: list[str], lemmas: list[str], starts: list[int], ends: list[int]):
        self.words, self.lemmas, self.starts, self.ends = words, lemmas, starts, ends

    def __len__(self) -> int:
        return len(self.words)

    def __getitem__(self, i: int) -> NormToken:
        return NormToken(self.words[i], self.lemmas[i], self.starts[i], self.ends[i])

    def __iter__(self) -> Iterator[NormToken]:
        return map(NormToken, self.words, self.lemmas, self.starts, self.ends)


def as_tokens(toks: "Sequence[NormToken] | Tokens") -> Tokens:
    """`toks` as parallel lists (a list of NormToken is converted)."""
    if isinstance(toks, Tokens):
        return toks
    return Tokens([t.text for t in toks], [t.lemma for t in toks], [t.start for t in toks], [t.end for t in toks])


@lru_cache(maxsize=1)
def blank_nlp():
    """`spacy.blank("id")` (tokenizer and vocab), built once on first use: only for the reference tokenisation
    `normalise_tokens_spacy` that tests compare with; classification never imports spaCy."""
    import spacy  # heavy (seconds of start-up): reference path for tests only

    return spacy.blank("id")


def _clean_emoji(text: str) -> str:
    return "".join(ch for ch in text if ch not in _EMOJI_STRIP and ch not in _SKIN_TONES)


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk", "Sm")


@lru_cache(maxsize=65536)
def normalise_token(token: str) -> tuple[str, ...]:
    """Normalised pieces of one original token, before the context pass (no + digit, number words)."""
    text = _clean_emoji(token)
    if not text:
        return ()
    if text[0] == "#" and len(text) > 1:
        words = split_hashtag(text)
        out = ["#" + "".join(words)]
        for w in words:
            out.extend(normalise_token(w))
        return tuple(out)
    if text[0] == "@" and len(text) > 1:
        return (text.lower(),)
    if _URL_RE.match(text):
        return ("url",)
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            out.extend(_norm_text_run("".join(buf)))
            buf.clear()

    for ch in text:
        if ch in EMOJI_NUMBERS:
            flush()
            out.extend(("nomor", EMOJI_NUMBERS[ch]))
        elif _is_symbol(ch) and ord(ch) > 0x2000:
            flush()
            out.append(ch)
        else:
            buf.append(ch)
    flush()
    return tuple(out)


def _norm_text_run(text: str) -> list[str]:
    """Letters/digits of a token without emoji: split letter and digit runs, normalise each."""
    low = text.lower()
    if low in SLANG:  # e.g. "ibu2", "bisa2"
        return SLANG[low].split()
    if re.fullmatch(r"[^\W\d_]+(?:-[^\W\d_]+)+", low):  # reduplication / compounds: keep
        return [low]
    out: list[str] = []
    for run in _RUN_RE.findall(low):
        if run[0].isdigit():
            m = _LEADING_ZERO_RE.match(run)
            out.append(m.group(1) if m else run)
        else:
            out.extend(norm_word(run).split())
    return out


_CONTEXT_TRIGGERS = frozenset(NUMBER_PREFIXES) | frozenset(NUMBER_WORDS)


def _context_pass(words: list[str]) -> list[str]:
    """Rules that need a neighbour: "no 2" -> "nomor 2"; "nomor urut dua" -> "nomor urut 2"."""
    changes = _context_changes(words)
    if not changes:
        return words
    out = list(words)
    for i, w in changes:
        out[i] = w
    return out


def _context_changes(words: list[str]) -> list[tuple[int, str]]:
    """(position, new word) of `_context_pass`, in order; each rule reads the words as changed before it."""
    if _CONTEXT_TRIGGERS.isdisjoint(words):
        return []
    changes: list[tuple[int, str]] = []
    n = len(words)
    changed: dict[int, str] = {}
    for i in compress(range(n), map(_CONTEXT_TRIGGERS.__contains__, words)):  # a scan of the trigger positions
        w = words[i]
        nxt = words[i + 1] if i + 1 < n else ""  # not changed yet: the scan goes left to right
        if w in NUMBER_PREFIXES and (nxt[:1].isdigit() or nxt == "urut"):
            changes.append((i, "nomor"))
            changed[i] = "nomor"
        elif w in NUMBER_WORDS and i > 0 and changed.get(i - 1, words[i - 1]) in _NUMBER_CONTEXT:
            changes.append((i, NUMBER_WORDS[w]))
            changed[i] = NUMBER_WORDS[w]
    return changes


def normalise_tokens(text: str) -> list[NormToken]:
    """Normalised tokens of `text`, each with the character span of its original token."""
    return list(_normalise_text(text or ""))


def tokens_of(text: str) -> Tokens:
    """`normalise_tokens` as parallel lists (what the signal rules read)."""
    return _normalise_text(text or "")


def normalise_tokens_many(texts: Iterable[str], batch_size: int = 256) -> list[Tokens]:
    """`tokens_of` over many texts (`batch_size` is kept for API compatibility)."""
    return [_normalise_text(t or "") for t in texts]


def normalise_tokens_spacy(text: str) -> list[NormToken]:
    """Reference path: the whole text through spaCy's tokenizer in one call. `normalise_tokens` must give
    the same tokens (a test checks it on the training data)."""
    return _normalise_doc(blank_nlp().tokenizer(text or ""))


# spaCy's tokenizer first splits on single spaces and then treats every space-free chunk on its own
# (prefixes, suffixes, infixes, special cases, URLs). So the normalised pieces of a chunk can be cached
# per chunk: a word such as "coblos" or "#PilihNomor2" is tokenised and normalised once per process,
# not once per post. `pantau.nlp.tokenizer` applies spaCy's rules to a chunk without spaCy (whose import and
# start-up cost seconds); `normalise_tokens_spacy` is the reference it is tested against.


def _special_cases() -> dict[str, list[str]]:
    return special_cases()


def _chunk_pieces(chunk: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """(pieces, their lemmas, starts, ends) of the normalised pieces of one space-free chunk (offsets in the chunk)."""
    if chunk.isalpha() and chunk not in _special_cases():
        # Letters only and no tokenizer exception: spaCy returns the chunk as one token.
        pieces = normalise_token(chunk)
        return pieces, tuple(map(lemma, pieces)), (0,) * len(pieces), (len(chunk),) * len(pieces)
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for text, start in tokenize_chunk(chunk):
        pieces = normalise_token(text)
        words += pieces
        starts += [start] * len(pieces)
        ends += [start + len(text)] * len(pieces)
    return tuple(words), tuple(map(lemma, words)), tuple(starts), tuple(ends)


class _ChunkCache(dict):
    """chunk -> (number of pieces, then `_chunk_pieces(chunk)`; for one piece its word, lemma, start and end
    themselves), computed on first sight (dict.__missing__: a lookup stays in C); forgets everything when full."""

    MAX = 262144

    def __missing__(self, chunk: str):
        if len(self) >= self.MAX:
            self.clear()
        w, lm, s, e = _chunk_pieces(chunk)
        value = self[chunk] = (1, w[0], lm[0], s[0], e[0]) if len(w) == 1 else (len(w), w, lm, s, e)
        return value

    def cache_clear(self) -> None:
        self.clear()


CHUNKS = _ChunkCache()


def _normalise_text(text: str) -> Tokens:
    words: list[str] = []
    lemmas: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    add_word, add_lemma, add_start, add_end = words.append, lemmas.append, starts.append, ends.append
    off = 0
    pieces_of = CHUNKS.__getitem__
    for chunk in text.split(" "):  # the chunks of spaCy's first split, offsets counted ("" has no pieces)
        n, w, lm, s, e = pieces_of(chunk)
        if n == 1:
            add_word(w)
            add_lemma(lm)
            add_start(s + off)
            add_end(e + off)
        elif n:
            words += w
            lemmas += lm
            starts += [x + off for x in s]
            ends += [x + off for x in e]
        off += len(chunk) + 1
    for i, w in _context_changes(words):  # "no 2" -> "nomor 2", "urut dua" -> "urut 2", and their lemmas
        words[i] = w
        lemmas[i] = lemma(w)
    return Tokens(words, lemmas, starts, ends)


def _normalise_doc(doc) -> list[NormToken]:
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    add_word, add_span, norm_token = words.append, spans.append, normalise_token
    for tok in doc:
        text = tok.text
        pieces = norm_token(text)
        if not pieces:
            continue
        span = (tok.idx, tok.idx + len(text))
        for p in pieces:
            add_word(p)
            add_span(span)
    words = _context_pass(words)
    lem = lemma
    return [NormToken(w, lem(w), s, e) for w, (s, e) in zip(words, spans)]


def join_tokens(tokens: Iterable[NormToken] | Tokens) -> str:
    if isinstance(tokens, Tokens):
        return " ".join(tokens.words)
    return " ".join(t.text for t in tokens)


def normalise(text: str) -> str:
    """Normalised text: lowercase, slang/elongation fixed, numbers and hashtags expanded, tokens space-joined."""
    return " ".join(_normalise_text(text or "").words)
