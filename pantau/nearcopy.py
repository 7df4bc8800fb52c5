"""Near-copies ("pesan serentak"): the one definition of when two posts' texts are near-copies of each other.

A post's text is normalised (`words`: case folded; URLs and @mentions dropped; emoji, punctuation, '#' and '_'
separate words, so a hashtag keeps its word) and cut into shingles: its words and its pairs of neighbouring words.
A batch of posts is summarised by one-permutation MinHash signatures (`signatures`, vectorised with numpy): each
shingle is hashed once (BLAKE2b of each distinct word, mixed for pairs), the hash's low bits pick one of `BINS`
bins, and a bin keeps the smallest high 32 bits it sees (`EMPTY` when no shingle fell in it). Two signatures
estimate the Jaccard similarity of the shingle sets (`similarity`): the bins equal in both, out of the bins filled
in either. `ROWS_PER_BAND` neighbouring bins form a band; posts with the same band key (`band_keys`) are candidates
(LSH), and a candidate pair is a near-copy when its estimated similarity is at least `THRESHOLD`.

Everything here is deterministic across processes and machines (no Python `hash()`), so band keys and signatures
can be stored and compared later (store/clusters.py). bench/clusters.py measures recall and false merges.
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

BINS = 32  # signature length (uint32 each)
ROWS_PER_BAND = 2  # bins per LSH band: 16 bands; a pair at similarity 0.5 shares a band with p ~ 0.99
BANDS = BINS // ROWS_PER_BAND
THRESHOLD = 0.5  # estimated Jaccard at or above which two posts are near-copies
ALGORITHM = f"oph-blake2b-w12-{BINS}x{ROWS_PER_BAND}"  # kept with stored signatures: another one means recomputing
EMPTY = np.uint32(0xFFFFFFFF)

_DROP = re.compile(r"https?://\S+|www\.\S+|@[\w.]+")
_WORD = re.compile(r"[^\W_]+")
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_word_hashes: dict[str, int] = {}  # a cache of BLAKE2b per word (bounded: cleared past _CACHE_MAX)
_CACHE_MAX = 1_000_000


def words(text: str) -> list[str]:
    """The normalised words of `text`: runs of letters and digits, case folded, without URLs and @mentions."""
    s = text.casefold()
    if "/" in s or "@" in s or "www." in s:
        s = _DROP.sub(" ", s)
    return _WORD.findall(s)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser (uint64 -> uint64, a bijection that spreads every input bit)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _word_hash(word: str) -> int:
    h = _word_hashes.get(word)
    if h is None:
        if len(_word_hashes) >= _CACHE_MAX:
            _word_hashes.clear()
        h = _word_hashes[word] = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    return h


def signatures(texts: Sequence[str]) -> np.ndarray:
    """The (len(texts), BINS) uint32 signatures of `texts`; a text without words has only EMPTY bins."""
    n = len(texts)
    flat: list[int] = []
    lengths = np.empty(n, dtype=np.int64)
    for i, text in enumerate(texts):
        ws = words(text)
        lengths[i] = len(ws)
        flat.extend(map(_word_hash, ws))
    sig = np.full(n * BINS, EMPTY, dtype=np.uint32)
    if not flat:
        return sig.reshape(n, BINS)
    with np.errstate(over="ignore"):
        h = np.array(flat, dtype=np.uint64)
        post = np.repeat(np.arange(n, dtype=np.int64), lengths)
        same = post[:-1] == post[1:]  # neighbouring words of one post: a pair shingle
        pairs = _mix(h[:-1][same] * _GOLDEN + h[1:][same])
        sh = np.concatenate([_mix(h), pairs])
        owner = np.concatenate([post, post[:-1][same]])
    # the smallest value per (post, bin): sort (post, bin, value) packed in 64 bits, keep each group's first
    packed = ((owner.astype(np.uint64) * np.uint64(BINS) + (sh % np.uint64(BINS))) << np.uint64(32)) | (sh >> np.uint64(32))
    packed.sort()
    slot = packed >> np.uint64(32)
    first = np.empty(len(packed), dtype=bool)
    first[0] = True
    np.not_equal(slot[1:], slot[:-1], out=first[1:])
    sig[slot[first].astype(np.int64)] = (packed[first] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return sig.reshape(n, BINS)


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signatures `a` and `b` (rows paired; 0 when both are empty)."""
    filled = (a != EMPTY) | (b != EMPTY)
    same = (a == b) & filled
    n = filled.sum(axis=-1)
    return np.where(n > 0, same.sum(axis=-1) / np.maximum(n, 1), 0.0)


def band_keys(sig: np.ndarray) -> np.ndarray:
    """(n, BANDS) int64 band keys of signatures; 0 for a band whose bins are all empty (never a candidate)."""
    n = sig.shape[0]
    bands = sig.reshape(n, BANDS, ROWS_PER_BAND).astype(np.uint64)
    with np.errstate(over="ignore"):
        k = np.broadcast_to(np.arange(1, BANDS + 1, dtype=np.uint64), (n, BANDS)).copy()
        for r in range(ROWS_PER_BAND):
            k = _mix(k * _GOLDEN + bands[:, :, r])
    keys = (k >> np.uint64(1)).astype(np.int64) | 1  # 63 bits, never 0
    keys[(sig.reshape(n, BANDS, ROWS_PER_BAND) == EMPTY).all(axis=2)] = 0
    return keys


def components(edges: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Union-find over `edges` (pairs of ids): each id that appears maps to the smallest id of its component."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def wave_phrase(accounts: int, regions: int, span_hours: float) -> str:
    """How a report and the triage app cite a cluster: 'bagian dari pesan serentak: 30 akun, 1 wilayah, 2 jam'."""
    span = f"{int(span_hours * 60 + 0.5)} menit" if span_hours < 1 else f"{int(span_hours + 0.5)} jam"  # half up
    return f"bagian dari pesan serentak: {accounts} akun, {regions} wilayah, {span}"
