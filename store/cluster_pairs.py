"""A batch's near-copy work that needs no stored cluster (numpy only): its posts' signatures, their band groups
(text band keys and exact media keys), and the verified pairs within the batch. store/clusters.py plans these
against the stored clusters and writes the rows.

A text band key (positive) makes a candidate pair, kept when the signatures are near-copies; a media key
(negative, pantau.nearcopy.media_keys) is the same file, so its pairs are kept without a check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from pantau import nearcopy

PAIRS_AT_ONCE = 65_536  # candidate pairs verified at once (bounds the memory of the gathered signatures)
URL_SEP = "\x1f"  # joins a post's media addresses in the SQL that reads them (MEDIA_URLS_SQL)
# A post's media addresses as one text (NULLs left out, '' when none), from its `media` JSON (the Post's list)
MEDIA_URLS_SQL = f"coalesce(array_to_string(json_extract_string(media, '$[*].url'), chr({ord(URL_SEP)})), '')"


@dataclass
class Batch:
    """Signatures of the batch's posts (rows in the order of their post_no); the (post, key) band groups sorted by
    key, then post (media keys first: they are negative), whether each is its key's first and the batch's first
    post with each; the pairs within the batch that are near-copies or share a media file (x, y)."""
    sig: np.ndarray
    post: np.ndarray
    key: np.ndarray
    first: np.ndarray
    x: np.ndarray
    y: np.ndarray


def batch_work(texts: Sequence[str], media_urls: np.ndarray | None = None) -> Batch:
    """The work of the batch of `texts` (in the order of their post_no); `media_urls`: each post's media addresses
    joined by URL_SEP ('' when none), as MEDIA_URLS_SQL reads them."""
    sig = nearcopy.signatures(texts)
    m_post, m_key = _media_keys(media_urls)
    post, key, first, rep = _band_groups(sig, m_post, m_key)
    x, y = _batch_edges(sig, post, key, rep)
    return Batch(sig, post, key, first, x, y)


def _media_keys(media_urls: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if media_urls is None or not len(media_urls):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    rows = np.flatnonzero(media_urls != "")
    return nearcopy.media_keys((int(i), media_urls[i].split(URL_SEP)) for i in rows)


def _band_groups(sig: np.ndarray, m_post: np.ndarray, m_key: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The (post, key) pairs of the batch (post: its row in `sig`; a text band key per filled band, and the media
    keys `m_key` of posts `m_post`) sorted by key, then post; whether each is its key's first, and the first post
    of the batch with its key."""
    n = len(sig)
    post = np.repeat(np.arange(n, dtype=np.int64), nearcopy.BANDS)
    key = nearcopy.band_keys(sig).reshape(-1)
    filled = key != 0
    post, key = post[filled], key[filled]
    shift = max(n - 1, 1).bit_length()
    if nearcopy.KEY_BITS + shift <= 63:  # key and post in one int64: one sort of values
        packed = np.sort((key << shift) | post)
        key, post = packed >> shift, packed & ((1 << shift) - 1)
    else:
        order = np.lexsort((post, key))
        post, key = post[order], key[order]
    if len(m_key):  # media keys (negative, few): sorted apart and put first
        order = np.lexsort((m_post, m_key))
        post, key = np.concatenate([m_post[order], post]), np.concatenate([m_key[order], key])
    first = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=first[1:])
    return post, key, first, post[first][np.cumsum(first) - 1]


def member(x: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Whether each value of `x` is one of `sorted_values`."""
    if not len(sorted_values):
        return np.zeros(len(x), dtype=bool)
    return sorted_values[np.minimum(np.searchsorted(sorted_values, x), len(sorted_values) - 1)] == x


def _batch_edges(sig: np.ndarray, post: np.ndarray, key: np.ndarray, rep: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of each new post and the batch's first post with each of its keys (rows of `sig`): near-copies for a
    text band key, every pair for a media key."""
    other = post != rep
    exact = other & (key < 0)
    other &= key > 0
    width = len(sig) + 1
    small = np.uint32 if width * width <= 2**32 else np.int64  # a sort of 32-bit values is faster
    pair = distinct(post[other].astype(small) * small(width) + rep[other].astype(small)).astype(np.int64)
    x, y = pair // width, pair % width
    ok = verified(sig, x, sig, y)
    if not exact.any():
        return x[ok], y[ok]
    same_file = distinct(post[exact] * width + rep[exact])
    return np.concatenate([x[ok], same_file // width]), np.concatenate([y[ok], same_file % width])


def distinct(x: np.ndarray) -> np.ndarray:
    """The distinct values of `x`, sorted (a sort: numpy's unique, a hash table, is slower on these)."""
    x = np.sort(x)
    keep = np.ones(len(x), dtype=bool)
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def verified(sig_a: np.ndarray, a: np.ndarray, sig_b: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each candidate pair (sig_a[a[i]], sig_b[b[i]]) is a near-copy, in slices."""
    ok = np.empty(len(a), dtype=bool)
    for i in range(0, len(a), PAIRS_AT_ONCE):
        j = slice(i, i + PAIRS_AT_ONCE)
        ok[j] = nearcopy.near_copies(sig_a[a[j]], sig_b[b[j]])
    return ok
