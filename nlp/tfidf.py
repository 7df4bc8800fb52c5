"""Sublinear, L2-normalised TF-IDF vectors of many texts at once, with numpy: the scoring side of the model file's
TF-IDF blocks (pantau.nlp.model_file).

The texts are normalised tokens joined by spaces. A column's `TokenTable` gives every distinct token an id once
per process and, for each block reading that column, the token's vocabulary entries: its char_wb n-grams (they
never cross a space, so a token's n-grams are the same in every text) with their counts, or the word itself and
its id in the word bigrams' lexicon. A batch of texts then becomes one array of token ids, and every step after
that is a numpy operation over all the batch's entries (no per-token Python work for tokens seen before):

- entries (text, term id, count) are gathered from the tokens' entries; word bigrams are found by a sorted
  search of the pair (lexicon id, lexicon id) of neighbouring tokens;
- a term's count in a text, c, is summed in a scratch table of a few texts at a time (np.add.at); an entry of
  count w then carries w * (1 + log c) / c, so the entries of one (text, term) add up to 1 + log c, the sublinear
  TF, without sorting or merging them (the values are linear in the entries from here on);
- the L2 norm of each text is a bincount over its entries.

The numbers equal scikit-learn's TfidfVectorizer.transform (sublinear_tf, l2) to rounding (1e-12, tested).
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

# int32 cells of the count table: texts per pass = SCRATCH_CELLS // vocabulary size. 2 MB, so that the cells a pass
# touches stay in the CPU's cache: counting a 2,048-post batch's char n-grams took 13 ms with 16 MB, 7.4 ms with 2 MB
SCRATCH_CELLS = 1 << 19
_ONE = np.int32(1)
MAX_TOKENS = 500_000  # distinct tokens a table keeps; it starts again when a batch begins above this
LANES = 8  # char n-gram entries are handed out in this many interleaved runs of texts (see `_lanes`)
MIN_LANE_ENTRIES = 1 << 14  # fewer entries than this per lane: kept in text order


class _Grow:
    """An integer numpy array that grows by appending (capacity doubles)."""

    __slots__ = ("a", "n")

    def __init__(self, dtype=np.int64) -> None:
        self.a = np.empty(1024, dtype=dtype)
        self.n = 0

    def extend(self, values: Sequence[int]) -> None:
        need = self.n + len(values)
        if need > len(self.a):
            bigger = np.empty(max(need, 2 * len(self.a)), dtype=self.a.dtype)
            bigger[: self.n] = self.a[: self.n]
            self.a = bigger
        self.a[self.n: need] = values
        self.n = need

    @property
    def view(self) -> np.ndarray:
        return self.a[: self.n]


class Block:
    """One TF-IDF block (a vocabulary, its idf, char_wb or word n-grams) and its per-token entries."""

    def __init__(self, terms: list[str], idf: np.ndarray, analyzer: str, ngram_range: Sequence[int]):
        self.vocab = {t: i for i, t in enumerate(terms)}
        self.size = len(terms)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.char = analyzer == "char_wb"
        self.min_n, self.max_n = int(ngram_range[0]), int(ngram_range[1])
        if not self.char and not (self.min_n == 1 and self.max_n <= 2):
            raise ValueError(f"word n-grams {tuple(ngram_range)} are not supported")
        self.bigrams = not self.char and self.max_n == 2
        if self.bigrams:  # bigram "a b" -> key lexicon[a] * len(lexicon) + lexicon[b], sorted for a binary search
            pairs = [(t.split(" ", 1), j) for t, j in self.vocab.items() if " " in t]
            self.lexicon: dict[str, int] = {}
            for (a, b), _ in pairs:
                self.lexicon.setdefault(a, len(self.lexicon))
                self.lexicon.setdefault(b, len(self.lexicon))
            n_lex = max(len(self.lexicon), 1)
            keys = np.array([self.lexicon[a] * n_lex + self.lexicon[b] for (a, b), _ in pairs], dtype=np.int64)
            order = np.argsort(keys)
            self._bigram_keys = keys[order]
            self._bigram_ids = np.array([j for _, j in pairs], dtype=np.int64)[order]
            self._n_lex = n_lex
        self._scratch: np.ndarray | None = None
        self.reset()

    def reset(self) -> None:
        """Forget every token's entries (the token table starts again)."""
        self._start, self._len = _Grow(), _Grow()
        self._ids, self._counts = _Grow(np.int32), _Grow(np.int32)
        self._word, self._lex = _Grow(), _Grow()
        self._pending: list[tuple[list[int], list[int]] | tuple[int, int]] = []

    # -- per token -------------------------------------------------------------------------------------------

    def char_ngram_ids(self, token: str) -> list[int]:
        """Vocabulary ids of a token's char_wb n-grams (scikit-learn's `_char_wb_ngrams` on one word)."""
        vocab = self.vocab
        w = " " + token + " "
        w_len = len(w)
        ids = []
        for n in range(self.min_n, self.max_n + 1):
            last = max(w_len - n, 0)
            for offset in range(last + 1):
                j = vocab.get(w[offset: offset + n])
                if j is not None:
                    ids.append(j)
            if last == 0:  # a word shorter than n counts once
                break
        return ids

    def add_token(self, token: str) -> None:
        """Queue the entries of a new token (the next token id); `flush` stores the queue."""
        if self.char:
            counts = Counter(self.char_ngram_ids(token))
            self._pending.append((list(counts), list(counts.values())))
        else:
            self._pending.append((self.vocab.get(token, -1), self.lexicon.get(token, -1) if self.bigrams else -1))

    def flush(self) -> None:
        if not self._pending:
            return
        if self.char:
            start = self._ids.n
            lens = [len(ids) for ids, _ in self._pending]
            self._start.extend(np.cumsum([0] + lens[:-1], dtype=np.int64) + start)
            self._len.extend(lens)
            self._ids.extend([j for ids, _ in self._pending for j in ids])
            self._counts.extend([c for _, counts in self._pending for c in counts])
        else:
            self._word.extend([w for w, _ in self._pending])
            self._lex.extend([x for _, x in self._pending])
        self._pending = []

    # -- per batch -------------------------------------------------------------------------------------------

    def entries(self, row: np.ndarray, tids: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(text, term id, value, scale): the sublinear TF-IDF vectors of `n_docs` texts given as their tokens' ids
        `tids` and each token's text `row` (ascending), as entries before normalisation, and each text's 1 / L2
        norm. A (text, term) may have several entries: their values add up to the vector's component (times the
        text's scale)."""
        if self.char:
            lens = self._len.view.take(tids)  # take: numpy's faster gather (same values as [tids])
            starts = self._start.view.take(tids)
            total = int(lens.sum())
            e_row = np.repeat(row, lens)
            idx = np.repeat(starts - (np.cumsum(lens) - lens), lens)
            idx += np.arange(total, dtype=np.int64)
            parts = [(e_row, self._ids.view.take(idx), self._counts.view.take(idx))]
        else:
            word = self._word.view[tids]
            hit = word >= 0
            parts = [(row[hit], word[hit], None)]
            if self.bigrams and len(tids) > 1 and len(self._bigram_keys):
                lex = self._lex.view[tids]
                pair = (row[1:] == row[:-1]) & (lex[:-1] >= 0) & (lex[1:] >= 0)
                keys = lex[:-1][pair] * self._n_lex + lex[1:][pair]
                pos = np.minimum(np.searchsorted(self._bigram_keys, keys), len(self._bigram_keys) - 1)
                found = self._bigram_keys[pos] == keys
                parts.append((row[:-1][pair][found], self._bigram_ids[pos[found]], None))
        rows, cols, vals = [], [], []
        squares = np.zeros(n_docs)
        for e_row, col, w in parts:  # w None: every entry counts 1; unigrams and bigrams are different terms
            if not len(col):
                continue
            c = self._term_counts(e_row, col, w, n_docs)
            if w is not None and (order := _lanes(e_row)) is not None:
                e_row, col, w, c = e_row.take(order), col.take(order), w.take(order), c.take(order)
            k = np.arange(int(c.max()) + 1, dtype=np.float64)
            k[0] = 1.0
            tf = 1.0 + np.log(k)  # the sublinear TF of a count
            idf = self.idf.take(col)
            v = (tf / k).take(c)  # the entry's share of its (text, term)'s TF: w / c * (1 + log c)
            if w is not None:
                v *= w
            v *= idf
            squares += np.bincount(e_row, v * tf.take(c) * idf, minlength=n_docs)  # adds up to (tf * idf) ** 2
            rows.append(e_row)
            cols.append(col)
            vals.append(v)
        norm = np.sqrt(squares)
        norm[norm == 0] = 1.0
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), 1.0 / norm
        e_row, col, val = (np.concatenate(x) if len(x) > 1 else x[0] for x in (rows, cols, vals))
        return e_row, col, val, 1.0 / norm

    def _term_counts(self, row: np.ndarray, col: np.ndarray, w: np.ndarray | None, n_docs: int) -> np.ndarray:
        """For each entry, the count of its term in its text: the sum of w (None: 1 each) over the entries of that
        (text, term). Rows ascending; a scratch table of `per_pass` texts x vocabulary, left zeroed after each
        pass."""
        size = max(self.size, 1)
        per_pass = max(1, SCRATCH_CELLS // size)
        if self._scratch is None:
            self._scratch = np.zeros(per_pass * size, dtype=np.int32)
        scratch = self._scratch
        out = np.empty(len(row), dtype=np.int32)
        bounds = np.searchsorted(row, np.arange(0, n_docs + per_pass, per_pass)).tolist()
        for k in range(len(bounds) - 1):
            lo, hi = bounds[k], bounds[k + 1]
            if lo == hi:
                continue
            key = row[lo:hi] - k * per_pass
            key *= size
            key += col[lo:hi]
            np.add.at(scratch, key, _ONE if w is None else w[lo:hi])  # int32 like the table: numpy's fast path
            out[lo:hi] = scratch[key]
            scratch[key] = 0
        return out


def _lanes(row: np.ndarray) -> np.ndarray | None:
    """An order of entries whose rows ascend (`row`) that keeps every row's entries in their order but puts LANES
    rows side by side: the entries of LANES runs of rows, interleaved (None when there are few entries).

    Summing each row's entries (np.bincount with weights: the vectors' norms here, the heads' decision functions in
    pantau.nlp.model_file) then gives the same numbers, added in the same order, but consecutive additions go to
    different rows instead of waiting for each other: the bincount of 1.1M entries takes 1.3 ms instead of 4.1."""
    n = len(row)
    if n < LANES * MIN_LANE_ENTRIES:
        return None
    cuts = np.searchsorted(row, row[np.arange(1, LANES) * (n // LANES)])  # each cut at the start of its row
    bounds = np.concatenate(([0], cuts, [n]))
    lens = np.diff(bounds)
    step = np.arange(int(lens.max()))
    order = np.where(step < lens[:, None], bounds[:-1, None] + step, n).T.ravel()  # n: past a lane's end
    return order[order < n]


class _Ids(dict):
    """token -> token id; a missing token is added to its table (dict.__missing__, so lookups stay in C)."""

    __slots__ = ("table",)

    def __missing__(self, token: str) -> int:
        tid = len(self)
        for block in self.table.blocks:
            block.add_token(token)
        self[token] = tid
        return tid


class TokenTable:
    """The distinct tokens of one text column (post texts, or bios) and their entries in the blocks reading it."""

    def __init__(self, blocks: Sequence[Block]):
        self.blocks = list(blocks)
        self.clear()

    def clear(self) -> None:
        self._ids = _Ids()
        self._ids.table = self
        for block in self.blocks:
            block.reset()

    def __len__(self) -> int:
        return len(self._ids)

    def tokens(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text of each token, token id) of the space-separated tokens of `docs`, in order."""
        if len(self._ids) > MAX_TOKENS:
            self.clear()
        flat: list[str] = []
        lens: list[int] = []
        for doc in docs:
            toks = doc.split()
            lens.append(len(toks))
            flat += toks
        tids = np.fromiter(map(self._ids.__getitem__, flat), dtype=np.int64, count=len(flat))
        for block in self.blocks:
            block.flush()
        return np.repeat(np.arange(len(docs), dtype=np.int64), lens), tids
