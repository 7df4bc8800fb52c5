"""Near-copies ("pesan serentak"): the one definition of when two posts' texts are near-copies of each other.

A post's text is normalised (`words`: case folded; URLs and @mentions dropped; emoji, punctuation, '#' and '_'
separate words, so a hashtag keeps its word) and cut into shingles: its words and its pairs of neighbouring words.
A batch of posts is summarised by one-permutation MinHash signatures (`signatures`): each shingle gets a 64-bit
hash, whose low bits pick one of `BINS` bins, and a bin keeps the smallest high 32 bits it sees (`EMPTY` when no
shingle fell in it). Two signatures estimate the Jaccard similarity of the shingle sets (`similarity`): the bins
equal in both, out of the bins filled in either. `ROWS_PER_BAND` neighbouring bins form a band; posts with the same
band key (`band_keys`) are candidates (LSH), and a candidate pair is a near-copy when its estimated similarity is at
least `THRESHOLD`.

The whole batch is worked on at once, with numpy (no Python loop per post or per word): the texts are joined by a
separator and normalised by one call of each string method, read as an array of code points, cut into words where
letters and digits start and stop, and each word is hashed by a polynomial over its code points (sums over the
batch's words at once), finished by splitmix64. Everything is deterministic across processes and machines (no
Python `hash()`), so band keys and signatures can be stored and compared later (store/clusters.py).
bench/clusters.py measures recall and false merges.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable, Sequence
from urllib.parse import urlsplit

import numpy as np

BINS = 32  # signature length (uint32 each)
ROWS_PER_BAND = 2  # bins per LSH band: 16 bands; a pair at similarity 0.5 shares a band with p ~ 0.99
BANDS = BINS // ROWS_PER_BAND
THRESHOLD = 0.5  # estimated Jaccard at or above which two posts are near-copies
# A text of fewer words has no signature, so it is nobody's near-copy: a reply like "mantap" or "setuju pak", or a
# media-only post's label "[foto]", is the same in thousands of unrelated posts (each was one cluster of them).
# Such posts still join a cluster through the same media file (`media_keys`).
MIN_WORDS = 4
KEY_BITS = 47  # bits of a band key
# kept with stored signatures and keys: another one means recomputing
ALGORITHM = f"oph-poly-w12-{BINS}x{ROWS_PER_BAND}-min{MIN_WORDS}-media1"
EMPTY = np.uint32(0xFFFFFFFF)

_DROP = re.compile(r"https?://\S+|www\.\S+|@[\w.]+")
_SEP = "\x1e"  # joins a batch's texts: whitespace to _DROP (a link ends there), never part of a word
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_P = np.uint64(0x5851F42D4C957F2D)  # the polynomial's base (odd: each power is a bijection of 64-bit words)
_SLICE = 8_192  # texts hashed at once: bounds the memory of the per-character arrays
# Word characters: what Python's regular expressions call \w, but '_' (str.isalnum), by code point; filled in blocks
# of 256 code points as texts bring them (`_filled` marks the blocks done).
_word_char = np.zeros(0x110000, dtype=bool)
_filled = np.zeros(0x110000 >> 8, dtype=bool)
_word_char[:0x100], _filled[0] = [chr(c).isalnum() for c in range(0x100)], True  # Latin-1: every batch has it
_powers = np.ones(1, dtype=np.uint64)  # _P ** i, grown to the longest word seen


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser (uint64 -> uint64, a bijection that spreads every input bit)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _normalised(texts: Sequence[str]) -> str:
    """The texts case folded, links and @mentions replaced by a space, joined by _SEP."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:  # a text holds the separator: a space there splits the same
        joined = _SEP.join(t.replace(_SEP, " ") for t in texts)
    s = joined.casefold()
    if "/" in s or "@" in s or "www." in s:
        s = _DROP.sub(" ", s)
    return s


def _is_word(cp: np.ndarray) -> np.ndarray:
    """Whether each code point is a letter or a digit (str.isalnum)."""
    rare = cp[cp >= 0x100] >> 8
    for block in np.flatnonzero((np.bincount(rare, minlength=len(_filled)) > 0) & ~_filled).tolist():
        first = block << 8
        _word_char[first:first + 256] = [chr(c).isalnum() for c in range(first, first + 256)]
        _filled[block] = True
    return _word_char[cp]


def _spans(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which code points of `cp` are word characters, and the start and end (exclusive) of each run of them."""
    word = np.zeros(len(cp) + 2, dtype=bool)
    word[1:-1] = _is_word(cp)
    edge = np.flatnonzero(word[1:] != word[:-1])
    return word[1:-1], edge[0::2], edge[1::2]


def words(text: str) -> list[str]:
    """The normalised words of `text`: runs of letters and digits, case folded, without URLs and @mentions."""
    s = _normalised([text])
    _, starts, ends = _spans(np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32))
    return [s[a:b] for a, b in zip(starts.tolist(), ends.tolist())]


def _word_hashes(chars: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """64-bit hash of each word (`chars`: the words' code points one after another; `lens`: their lengths): the sum
    of code point * _P ** position in the word, mixed with the length."""
    global _powers
    longest = int(lens.max())
    powers = _powers  # this call's table (another thread may grow the global one meanwhile)
    if len(powers) < longest:
        p = np.full(max(longest, 2 * len(powers)), _P, dtype=np.uint64)
        p[0] = 1
        with np.errstate(over="ignore"):
            powers = np.cumprod(p, dtype=np.uint64)
        if len(powers) > len(_powers):
            _powers = powers
    offsets = np.cumsum(lens) - lens  # where each word starts among the word characters
    step = np.ones(len(chars), dtype=np.int64)  # position of each character in its word: +1, back to 0 at a start
    step[offsets[1:]] = 1 - lens[:-1]
    step[0] = 0
    pos = np.cumsum(step, out=step)
    with np.errstate(over="ignore"):
        poly = np.add.reduceat(chars.astype(np.uint64) * powers[pos], offsets)
        return _mix(poly + lens.astype(np.uint64) * _GOLDEN)


def _signatures(texts: Sequence[str], sig: np.ndarray) -> None:
    """Fill `sig` (len(texts) * BINS uint32, EMPTY) with the signatures of `texts`."""
    cp = np.frombuffer(_normalised(texts).encode("utf-32-le"), dtype=np.uint32)
    word, starts, ends = _spans(cp)
    if not len(starts):
        return
    post = np.searchsorted(np.flatnonzero(cp == ord(_SEP)), starts)  # the text of each word
    h = _word_hashes(cp[word], ends - starts)
    enough = np.bincount(post, minlength=len(texts))[post] >= MIN_WORDS  # words of texts with MIN_WORDS or more
    if not enough.all():
        post, h = post[enough], h[enough]
        if not len(post):
            return
    same = post[:-1] == post[1:]  # neighbouring words of one text: a pair shingle
    with np.errstate(over="ignore"):
        shingles = np.concatenate([_mix(h), _mix(h[:-1][same] * _GOLDEN + h[1:][same])])
    owner = np.concatenate([post, post[:-1][same]])
    slot = owner * BINS + (shingles % np.uint64(BINS)).astype(np.int64)
    np.minimum.at(sig, slot, (shingles >> np.uint64(32)).astype(np.uint32))  # the smallest value per (text, bin)


def signatures(texts: Sequence[str]) -> np.ndarray:
    """The (len(texts), BINS) uint32 signatures of `texts`; a text of fewer than MIN_WORDS words has only EMPTY
    bins."""
    if isinstance(texts, np.ndarray):
        texts = texts.tolist()  # str.join takes a list fastest
    n = len(texts)
    sig = np.full(n * BINS, EMPTY, dtype=np.uint32)
    for i in range(0, n, _SLICE):
        _signatures(texts[i:i + _SLICE], sig[i * BINS:(i + _SLICE) * BINS])
    return sig.reshape(n, BINS)


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signatures `a` and `b` (rows paired; 0 when both are empty)."""
    both_empty = np.count_nonzero((a == EMPTY) & (b == EMPTY), axis=-1)
    n = BINS - both_empty
    return np.where(n > 0, (np.count_nonzero(a == b, axis=-1) - both_empty) / np.maximum(n, 1), 0.0)


def near_copies(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each pair of signatures (rows of `a` and `b`) is a near-copy: `similarity(a, b) >= THRESHOLD`, counted
    in whole numbers (the equal bins of a row as bytes of 0/1 read 8 at a time and bit-counted; ~1.3x faster)."""
    both = np.bitwise_count(np.ascontiguousarray((a == EMPTY) & (b == EMPTY)).view(np.uint64)).sum(
        axis=-1, dtype=np.int64)
    equal = np.bitwise_count(np.ascontiguousarray(a == b).view(np.uint64)).sum(axis=-1, dtype=np.int64)
    return (both < BINS) & ((equal - both) >= THRESHOLD * (BINS - both))


def media_keys(found: Iterable[tuple[int, Sequence[str]]]) -> tuple[np.ndarray, np.ndarray]:
    """Exact keys of posts' media files (`found`: each post with media, its row and its media addresses): two posts
    with the same file (an image forwarded or shared as it is) get the same key, with no similarity check. An
    address is its host (case folded, without "www.") and path; the scheme, query and fragment are left out (CDNs
    add sizes and signatures there: X's "?name=small", Facebook's "oh=...&oe=..."). Returns (the row of each key,
    the key): a post's key once, blank addresses left out; keys are negative (a band key is positive) and stable
    across processes (blake2b). A hash of the address, not of the bytes: the same picture uploaded again under
    another address gets another key (pantau does not download media)."""
    posts, keys = [], []
    for row, urls in found:
        seen = set()
        for url in urls:
            address = _media_address(url) if url else ""
            if address and address not in seen:
                seen.add(address)
                posts.append(row)
                digest = hashlib.blake2b(address.encode("utf-8"), digest_size=8).digest()
                keys.append(-(int.from_bytes(digest, "little") >> 2) - 1)  # in [-2**62, -1]
    return np.asarray(posts, dtype=np.int64), np.asarray(keys, dtype=np.int64)


# An http(s) address of printable ASCII without spaces or brackets: its host and path as urlsplit cuts them (it
# removes no character of such an address and checks nothing more), ~10x faster (urlsplit took 2 of the 18 s of
# clustering 1M posts, one in five with an image). Any other address goes through urlsplit.
_PLAIN_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://([^/?#\[\]]*)((?:/[^?#]*)?)(?:[?#]|$)")


def _media_address(url: str) -> str:
    """A media file's address as media_keys compares them: host (case folded, no "www.") and path (an address
    urlsplit refuses, such as "http://[x/a.jpg", is kept up to its query)."""
    url = url.strip()
    if url.isascii() and url.isprintable() and " " not in url:
        m = _PLAIN_URL.match(url)
        if m is not None:
            host = m[1].lower().removeprefix("www.")
            return f"{host}{m[2]}" if host else m[2]
    return _split_address(url)


def _split_address(url: str) -> str:
    """`_media_address` by urlsplit (any address)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip().split("#", 1)[0].split("?", 1)[0]
    host = parts.netloc.casefold().removeprefix("www.")
    return f"{host}{parts.path}" if host else parts.path


def band_keys(sig: np.ndarray) -> np.ndarray:
    """(n, BANDS) int64 band keys of signatures, of KEY_BITS bits (a post's row in a batch of up to 2**16 fits beside
    one in 63 bits, so one sort groups them); 0 for a band whose bins are all empty (never a candidate). Two bands
    that share a key by chance only make a candidate pair more, which fails the similarity check."""
    n = sig.shape[0]
    bands = sig.reshape(n, BANDS, ROWS_PER_BAND).astype(np.uint64)
    with np.errstate(over="ignore"):
        k = np.broadcast_to(np.arange(1, BANDS + 1, dtype=np.uint64), (n, BANDS)).copy()
        for r in range(ROWS_PER_BAND):
            k = _mix(k * _GOLDEN + bands[:, :, r])
    keys = (k >> np.uint64(64 - KEY_BITS)).astype(np.int64) | 1  # never 0
    keys[(sig.reshape(n, BANDS, ROWS_PER_BAND) == EMPTY).all(axis=2)] = 0
    return keys


def components(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of the edges (a[i], b[i]) (int64 ids): every id that appears (sorted) and the smallest
    id of its component. Labels move to the smaller end of each edge and jump to their label's label, until every
    edge has one label at both ends (a few rounds for the stars and chains LSH gives)."""
    ends = np.concatenate([a, b])
    order = np.argsort(ends, kind="stable")  # numpy's unique (a hash table) is slower on these
    step = np.ones(len(ends), dtype=bool)
    np.not_equal(ends[order][1:], ends[order][:-1], out=step[1:])
    ids = ends[order][step]
    index = np.empty(len(ends), dtype=np.int64)
    index[order] = np.cumsum(step) - 1
    u, v = index[:len(a)], index[len(a):]
    label = np.arange(len(ids))
    while True:
        low = np.minimum(label[u], label[v])
        np.minimum.at(label, u, low)
        np.minimum.at(label, v, low)
        while True:  # pointer jumping: each label becomes its component's smallest so far
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up
        if np.array_equal(label[u], label[v]):
            return ids, ids[label]


def wave_phrase(accounts: int, regions: int, span_hours: float) -> str:
    """How a report and the triage app cite a cluster: 'bagian dari pesan serentak: 30 akun, 1 wilayah, 2 jam'."""
    span = f"{int(span_hours * 60 + 0.5)} menit" if span_hours < 1 else f"{int(span_hours + 0.5)} jam"  # half up
    return f"bagian dari pesan serentak: {accounts} akun, {regions} wilayah, {span}"
