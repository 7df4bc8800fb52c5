"""Spans over a post's token list: `PhraseIndex` (which phrases occur where), `OverlapIndex` (does a span of a given
name overlap this one) and `drop_contained` (keep the longest span of each name)."""

from __future__ import annotations

from bisect import bisect_left
from itertools import compress
from typing import Iterable, Sequence


class PhraseIndex:
    """Exact phrase matching over normalised tokens (like spaCy's PhraseMatcher on LOWER).

    One-word phrases are found by one dict lookup per word; longer ones are indexed by their first two words,
    so a common first word ("yang", "kepala", "nomor") costs a second lookup, not a comparison per phrase.
    (Building a second spaCy `Doc` from the normalised words only to run PhraseMatcher costs
    about 60 microseconds per post, several times the matching itself.)
    """

    def __init__(self) -> None:
        self._single: dict[str, list[str]] = {}  # one-word phrase -> names
        self._longer: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {}  # first -> second -> [(phrase, name)]

    def add(self, name: str, words: Sequence[str]) -> None:
        key = tuple(words)
        if len(key) == 1:
            names = self._single.setdefault(key[0], [])
            if name not in names:
                names.append(name)
            return
        bucket = self._longer.setdefault(key[0], {}).setdefault(key[1], [])
        if (key, name) not in bucket:
            bucket.append((key, name))

    def first_words(self) -> frozenset[str]:
        """The words a phrase can start with (a word elsewhere cannot start a match)."""
        return frozenset(self._single) | frozenset(self._longer)

    def __call__(self, words: Sequence[str], positions: Iterable[int] | None = None) -> list[tuple[str, int, int]]:
        """(name, start, end) of every phrase occurrence; `positions`, when given, lists (ascending) every position
        whose word may start a phrase (others are skipped unseen)."""
        out: list[tuple[str, int, int]] = []
        single, longer = self._single, self._longer
        n = len(words)
        if positions is None:
            positions = compress(range(n), map(self.first_words().__contains__, words))
        for i in positions:
            w = words[i]
            names = single.get(w)
            if names:
                out += [(name, i, i + 1) for name in names]
            if i + 1 < n:
                seconds = longer.get(w)
                if seconds:
                    bucket = seconds.get(words[i + 1])
                    if bucket:
                        for key, name in bucket:
                            end = i + len(key)
                            if end <= n and (len(key) == 2 or tuple(words[i + 2:end]) == key[2:]):
                                out.append((name, i, end))
        return out


def drop_contained(spans: set[tuple[str, int, int]]) -> set[tuple[str, int, int]]:
    """Drop a span lying inside a longer span of the same name ("coblos" inside "ayo coblos").

    One sort and one sweep per name (O(n log n)): in (start ascending, end descending) order a span is inside
    another exactly when some earlier span of its name reaches at least as far (spans are distinct)."""
    keep = set()
    current, reach = None, -1
    for name, s, e in sorted(spans, key=lambda x: (x[0], x[1], -x[2])):
        if name != current:
            current, reach = name, -1
        if e <= reach:
            continue
        reach = e
        keep.add((name, s, e))
    return keep


class OverlapIndex:
    """Which spans of a name overlap [s - pad_before, e + pad_after): a bisect over the name's sorted starts, so a
    query costs O(log n + hits) instead of a scan of every span (near-linear matching on long texts). A post with
    few spans (most posts) is scanned instead: building the bisect lists would cost more than the queries."""

    SMALL = 64

    def __init__(self, found: Sequence[tuple[str, int, int]]):
        by_name: dict[str, list[tuple[int, int]]] = {}
        for name, s, e in found:
            by_name.setdefault(name, []).append((s, e))
        self._small = by_name if len(found) <= self.SMALL else None
        if self._small is not None:
            return
        self._starts: dict[str, list[int]] = {}
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._longest: dict[str, int] = {}
        for name, spans in by_name.items():
            spans.sort()
            self._spans[name] = spans
            self._starts[name] = [s for s, _ in spans]
            self._longest[name] = max(e - s for s, e in spans)

    def __call__(self, name: str, s: int, e: int, pad_before: int = 0, pad_after: int = 0) -> bool:
        if self._small is not None:
            lo_s, hi_e = s - pad_before, e + pad_after
            return any(start < hi_e and lo_s < end for start, end in self._small.get(name, ()))
        starts = self._starts.get(name)
        if not starts:
            return False
        lo_s, hi_e = s - pad_before, e + pad_after
        spans = self._spans[name]
        i = bisect_left(starts, lo_s - self._longest[name])
        j = bisect_left(starts, hi_e)
        return any(lo_s < spans[k][1] for k in range(i, j))

