"""Spans over a post's token list: `PhraseIndex` (which phrases occur where), `OverlapIndex` (does a span of a given
name overlap this one) and `drop_contained` (keep the longest span of each name)."""

from __future__ import annotations

from bisect import bisect_left
from typing import Iterable, Sequence


class PhraseIndex:
    """Exact phrase matching over normalised tokens (like spaCy's PhraseMatcher on LOWER).

    Phrases are indexed by their first word; matching a post costs one dict lookup per token.
    (Building a second spaCy `Doc` from the normalised words only to run PhraseMatcher costs
    about 60 microseconds per post, several times the matching itself.)
    """

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}

    def add(self, name: str, words: Sequence[str]) -> None:
        key = tuple(words)
        bucket = self._by_first.setdefault(key[0], [])
        if (key, name) not in bucket:
            bucket.append((key, name))

    def __call__(self, words: Sequence[str]) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        by_first = self._by_first
        n = len(words)
        for i, w in enumerate(words):
            bucket = by_first.get(w)
            if not bucket:
                continue
            for key, name in bucket:
                end = i + len(key)
                if end <= n and (len(key) == 1 or tuple(words[i:end]) == key):
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
    query costs O(log n + hits) instead of a scan of every span (near-linear matching on long texts)."""

    def __init__(self, found: Iterable[tuple[str, int, int]]):
        by_name: dict[str, list[tuple[int, int]]] = {}
        for name, s, e in found:
            by_name.setdefault(name, []).append((s, e))
        self._starts: dict[str, list[int]] = {}
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._longest: dict[str, int] = {}
        for name, spans in by_name.items():
            spans.sort()
            self._spans[name] = spans
            self._starts[name] = [s for s, _ in spans]
            self._longest[name] = max(e - s for s, e in spans)

    def __call__(self, name: str, s: int, e: int, pad_before: int = 0, pad_after: int = 0) -> bool:
        starts = self._starts.get(name)
        if not starts:
            return False
        lo_s, hi_e = s - pad_before, e + pad_after
        spans = self._spans[name]
        i = bisect_left(starts, lo_s - self._longest[name])
        j = bisect_left(starts, hi_e)
        return any(lo_s < spans[k][1] for k in range(i, j))

