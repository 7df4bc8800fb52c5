"""Features for the classifier: normalised text (bio marked) + signal counts.

A post becomes one row of an object array: column 0 is the normalised text, column 1 the
normalised bio, the other columns are dense signal features in [0, 1] (counts per signal
and source, capped, plus interaction flags such as "ASN identity AND campaign cue AND no
news/tip cue"). The bio is *marked* by having its own feature space: `Vectoriser` gives the
text TF-IDF word 1-2-grams and char_wb 2-5-grams, the bio separate word 1-2-grams and char_wb
2-4-grams, and scales the dense block (stock scikit-learn TfidfVectorizer and MaxAbsScaler).
So "guru" in a bio (who is writing) and "guru" in a news text (who is written about) are
different features; in one shared "bio: ... || text: ..." string they were one feature, and
held-out recall suffered. Training fits these scikit-learn objects; the model file keeps only their arrays
(pantau.nlp.model_file, which also scores without scikit-learn); all text analysis stays in this package. `Analysed.combined` gives the "bio: ... || text: ..."
view for display and debugging.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from pantau.nlp.signals import ASN_SIGNALS, CAMPAIGN_SIGNALS, OFFICIAL_SIGNALS, SIGNAL_NAMES, get_extractor

FEATURE_VERSION = "3"

BIO_SIGNALS = ("asn_role", "asn_agency", "asn_nip", "village_official", "security_official", "non_asn_role", "campaign_team", "party", "candidate_ref", "news_report")
_POLITICAL_BIO = ("campaign_team", "party", "candidate_ref")
_HARD_NEGATIVE = ("news_report", "report_tip", "civic_neutral", "neutrality_pledge", "lookalike", "quotation")
_STRONG_CAMPAIGN = ("vote_call", "paslon_number", "slogan", "rally", "campaign_team", "attack_rival", "all_in",
                    "gesture_photo", "party_registration", "campaign_attribute", "campaign_interaction", "party")
DERIVED = (
    "asn_text", "asn_bio", "asn_any", "non_asn_text", "non_asn_bio", "political_bio", "campaign_any",
    "campaign_strength", "hard_negative_any", "x_asn_campaign", "x_asn_campaign_clean", "x_asnbio_campaign",
    "x_nonasn_campaign", "x_asn_news", "x_asn_tip", "x_asn_pledge", "x_asn_civic", "x_asn_lookalike",
    "target_any", "x_asn_campaign_target", "x_campaign_no_target",
)
# A campaign cue only takes sides when it points at a candidate, number, party or team: "foto bareng pasien
# pose dua jari" or "pasang stiker dilarang merokok" have campaign-like words and no target.
_TARGET = ("candidate_ref", "paslon_number", "number_emoji", "party", "campaign_team", "slogan", "attack_rival", "all_in")
DENSE_NAMES: tuple[str, ...] = (
    tuple(f"text:{n}" for n in SIGNAL_NAMES) + tuple(f"bio:{n}" for n in BIO_SIGNALS) + DERIVED
)


@dataclass(frozen=True, slots=True)
class Analysed:
    """One post after normalisation and signal extraction."""

    text_norm: str
    bio_norm: str
    signals: list[dict] = field(default_factory=list)  # text signals then bio signals

    @property
    def combined(self) -> str:
        return combined_text(self.text_norm, self.bio_norm)


def combined_text(text_norm: str, bio_norm: str) -> str:
    return f"bio: {bio_norm} || text: {text_norm}"


# Classification reads at most this many characters of a post's text (and of a bio or display name): a 1 MB
# post costs what its first 10,000 characters cost; the result records the cap when it applied.
MAX_TEXT_CHARS = 10_000
MAX_BIO_CHARS = 1_000


@lru_cache(maxsize=16384)
def _analyse_bio(bio: str, source: str = "bio") -> tuple[str, tuple[dict, ...]]:
    norm, sigs = get_extractor().analyse(bio[:MAX_BIO_CHARS], source)
    return norm, tuple(sigs)


def analyse_many(texts: Sequence[str], bios: Sequence[str | None], names: Sequence[str | None] | None = None) -> list[Analysed]:
    """Normalise and extract signals for many posts (texts cut at MAX_TEXT_CHARS).

    Texts are tokenised in batches and each distinct text is analysed once per call;
    bios and display names are cached across calls (an author's bio repeats on every post).
    Display-name signals (source "name") count as bio signals in the features.
    """
    if len(texts) != len(bios) or (names is not None and len(names) != len(texts)):
        raise ValueError("texts, bios and names must have the same length")
    index: dict[str, int] = {}
    keys = [index.setdefault((t or "")[:MAX_TEXT_CHARS], len(index)) for t in texts]
    first: dict[int, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    unique_results = get_extractor().analyse_many(list(index), "text")
    out: list[Analysed] = []
    for i, (key, bio) in enumerate(zip(keys, bios)):
        t_norm, t_sigs = unique_results[key]
        b_norm, b_sigs = _analyse_bio(bio or "")
        # a text's signals are this call's own (a repeated text gets copies); bio and name signals are cached
        sigs = list(t_sigs) if first[key] == i else [dict(s) for s in t_sigs]
        sigs += [dict(s) for s in b_sigs]
        name = names[i] if names is not None else None
        if name:
            sigs += [dict(s) for s in _analyse_bio(name, "name")[1]]
        out.append(Analysed(t_norm, b_norm, sigs))
    return out


_ASN_SET = frozenset(ASN_SIGNALS)
# Kepala desa and TNI/Polri are not ASN: for the model they are non-ASN authors (their own flag classes come from
# pantau.nlp.identity, decided on their identity evidence and the post's partisan score).
_NON_ASN_SET = frozenset(("non_asn_role", *OFFICIAL_SIGNALS))
_POLITICAL_BIO_SET = frozenset(_POLITICAL_BIO)
_HARD_SET = frozenset(_HARD_NEGATIVE)
_TARGET_SET = frozenset(_TARGET)
_ZERO_TEXT = [0.0] * len(SIGNAL_NAMES)
_ZERO_BIO = [0.0] * len(BIO_SIGNALS)
_TEXT_INDEX = {n: i for i, n in enumerate(SIGNAL_NAMES)}
_BIO_INDEX = {n: i for i, n in enumerate(BIO_SIGNALS)}
_STRONG_SET = frozenset(_STRONG_CAMPAIGN)
_CAMPAIGN_SET = frozenset(CAMPAIGN_SIGNALS)


def dense_features(signals: Sequence[dict]) -> list[float]:
    """Dense feature vector (order = DENSE_NAMES) from a post's text and bio signals."""
    text_c: dict[str, int] = {}
    bio_c: dict[str, int] = {}
    for s in signals:
        if s["source"] == "registry":
            continue
        target = text_c if s["source"] == "text" else bio_c
        name = s["name"]
        target[name] = target.get(name, 0) + 1
    vec = list(_ZERO_TEXT)
    for n, c in text_c.items():
        j = _TEXT_INDEX.get(n)
        if j is not None:
            vec[j] = min(c, 3) / 3
    bio_vec = list(_ZERO_BIO)
    for n, c in bio_c.items():
        j = _BIO_INDEX.get(n)
        if j is not None:
            bio_vec[j] = min(c, 2) / 2
    vec += bio_vec

    text_names, bio_names = text_c.keys(), bio_c.keys()
    asn_text = float(not _ASN_SET.isdisjoint(text_names))
    asn_bio = float(not _ASN_SET.isdisjoint(bio_names))
    asn_any = max(asn_text, asn_bio)
    non_asn_text = float(not _NON_ASN_SET.isdisjoint(text_names))
    non_asn_bio = float(not _NON_ASN_SET.isdisjoint(bio_names))
    political_bio = float(not _POLITICAL_BIO_SET.isdisjoint(bio_names))
    n_campaign = sum(c for n, c in text_c.items() if n in _STRONG_SET)
    campaign_any = float(n_campaign > 0 or ("candidate_ref" in text_c and "number_emoji" in text_c))
    campaign_strength = min(sum(c for n, c in text_c.items() if n in _CAMPAIGN_SET), 6) / 6 if text_c else 0.0
    hard = float(not _HARD_SET.isdisjoint(text_names))
    news = float("news_report" in text_c)
    tip = float("report_tip" in text_c)
    pledge = float("neutrality_pledge" in text_c)
    civic = float("civic_neutral" in text_c)
    look = float("lookalike" in text_c)
    non_asn_any = max(non_asn_text, non_asn_bio, political_bio)
    target = float(not _TARGET_SET.isdisjoint(text_names))
    vec += [
        asn_text, asn_bio, asn_any, non_asn_text, non_asn_bio, political_bio, campaign_any, campaign_strength, hard,
        asn_any * campaign_any,
        asn_any * campaign_any * (1 - hard),
        asn_bio * (1 - non_asn_any) * campaign_any,
        non_asn_any * (1 - asn_bio) * campaign_any,
        asn_any * news, asn_any * tip, asn_any * pledge, asn_any * civic, asn_any * look,
        target, asn_any * campaign_any * target, campaign_any * (1 - target),
    ]
    return vec


N_TEXT_COLUMNS = 2


def dense_matrix(analysed: Sequence[Analysed]) -> np.ndarray:
    """The dense features (n, len(DENSE_NAMES)) of analysed posts, as floats (classification reads this; training
    reads them inside `build_rows`)."""
    return np.array([dense_features(a.signals) for a in analysed], dtype=np.float64).reshape(len(analysed), len(DENSE_NAMES))


def build_rows(analysed: Sequence[Analysed]) -> np.ndarray:
    """Object array (n, 2 + len(DENSE_NAMES)): normalised text, normalised bio, dense features."""
    rows = np.empty((len(analysed), N_TEXT_COLUMNS + len(DENSE_NAMES)), dtype=object)
    for i, a in enumerate(analysed):
        rows[i, 0] = a.text_norm
        rows[i, 1] = a.bio_norm
        rows[i, N_TEXT_COLUMNS:] = dense_features(a.signals)
    return rows


def category_matrix(X, rows: np.ndarray, boost: float):
    """Features for the category head: the shared matrix plus the dense signal block scaled by `boost`
    (signals such as baliho/foto/deklarasi separate the categories better than n-grams)."""
    import scipy.sparse as sp  # scipy: only training builds sparse matrices

    dense = sp.csr_matrix(_dense(rows))
    return sp.hstack([X, dense * boost], format="csr")


BLOCKS: tuple[tuple[str, int, str], ...] = (
    # (name, column in build_rows output, analyzer)
    ("text_word", 0, "word"),
    ("text_char", 0, "char_wb"),
    ("bio_word", 1, "word"),
    ("bio_char", 1, "char_wb"),
)


class Vectoriser:
    """TF-IDF blocks for text and bio plus the scaled signal block, stacked in a fixed order.

    It only wraps a dict of stock scikit-learn transformers (`blocks`) and their weights, for training; the
    model file stores their arrays (pantau.nlp.model_file.export_arrays), never this class. Works like a ColumnTransformer with
    transformer weights, except that each distinct string is vectorised once per batch
    (an author's bio repeats on every post; copy-pasted broadcasts repeat too).
    """

    def __init__(self, blocks: dict[str, Any], weights: dict[str, float]):
        self.blocks = blocks
        self.weights = {k: float(v) for k, v in weights.items()}
        self._fast: dict[str, FastTfidf] = {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Vectoriser":
        from sklearn.feature_extraction.text import TfidfVectorizer  # heavy (scikit-learn): training only
        from sklearn.preprocessing import MaxAbsScaler  # heavy (scikit-learn): training only

        blocks: dict[str, Any] = {}
        for name, _, analyzer in BLOCKS:
            spec = config[name]
            blocks[name] = TfidfVectorizer(
                lowercase=False, analyzer=analyzer, token_pattern=r"\S+" if analyzer == "word" else None,
                ngram_range=tuple(spec["ngram_range"]), min_df=spec["min_df"], max_features=spec["max_features"],
                sublinear_tf=True, dtype=np.float64,
            )
        blocks["signals"] = MaxAbsScaler()
        return cls(blocks, config["weights"])

    def fit(self, rows: np.ndarray) -> "Vectoriser":
        self._fast = {}
        for name, col, _ in BLOCKS:
            self.blocks[name].fit(rows[:, col].tolist())
            vocab = self.blocks[name].vocabulary_
            # Python ints, not numpy scalars: a plain dict of the vocabulary.
            self.blocks[name].vocabulary_ = {term: int(index) for term, index in vocab.items()}
        self.blocks["signals"].fit(_dense(rows))
        return self

    def transform(self, rows: np.ndarray):
        import scipy.sparse as sp  # scipy: only training builds sparse matrices

        parts = []
        for name, col, _ in BLOCKS:
            column = rows[:, col].tolist()
            index: dict[str, int] = {}
            inverse = [index.setdefault(value, len(index)) for value in column]
            fast = self._fast.get(name)
            if fast is None:
                fast = self._fast[name] = FastTfidf(self.blocks[name])
            block = fast.transform(list(index))
            if len(index) != len(column):
                block = block[inverse]
            parts.append(block * self.weights[name])
        parts.append(sp.csr_matrix(self.blocks["signals"].transform(_dense(rows))) * self.weights["signals"])
        return sp.hstack(parts, format="csr")

    def fit_transform(self, rows: np.ndarray):
        return self.fit(rows).transform(rows)

    def feature_names(self) -> list[str]:
        names: list[str] = []
        for name, _, _ in BLOCKS:
            names += [f"{name}:{f}" for f in self.blocks[name].get_feature_names_out()]
        return names + [f"signals:{d}" for d in DENSE_NAMES]


class FastTfidf:
    """Transform-only twin of a fitted TfidfVectorizer over space-joined normalised tokens.

    Same numbers as `vectorizer.transform` (a test checks it), faster: the vocabulary ids of every
    distinct token (its char_wb n-grams, or the word itself) are computed once and cached, because
    char_wb n-grams never cross a space and words repeat across posts. Word blocks add bigrams by
    dictionary lookup. Anything else (other analyzers, n > 2 word n-grams) falls back to sklearn.
    """

    MAX_CACHE = 200_000

    def __init__(self, vectorizer: Any):
        self.vectorizer = vectorizer
        self.vocab: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        lo, hi = vectorizer.ngram_range
        self.kind = vectorizer.analyzer
        self.bigrams = self.kind == "word" and hi >= 2
        self.supported = (
            (self.kind == "char_wb" or (self.kind == "word" and lo == 1 and hi <= 2 and vectorizer.token_pattern == r"\S+"))
            and not vectorizer.lowercase and vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"
            and vectorizer.preprocessor is None and vectorizer.strip_accents is None
        )
        self._analyse = vectorizer.build_analyzer() if self.kind == "char_wb" else None
        self._cache: dict[str, list[int]] = {}

    def _ids(self, token: str) -> list[int]:
        ids = self._cache.get(token)
        if ids is None:
            if len(self._cache) >= self.MAX_CACHE:
                self._cache.clear()
            vocab = self.vocab
            if self._analyse is not None:
                ids = [vocab[g] for g in self._analyse(token) if g in vocab]
            else:
                j = vocab.get(token)
                ids = [] if j is None else [j]
            self._cache[token] = ids
        return ids

    def transform(self, docs: Sequence[str]):
        import scipy.sparse as sp  # scipy: only training builds sparse matrices
        from sklearn.preprocessing import normalize  # heavy (scikit-learn): training only

        if not self.supported:
            return self.vectorizer.transform(docs)
        indices: list[int] = []
        indptr = [0]
        ids, vocab, extend = self._ids, self.vocab, indices.extend
        for doc in docs:
            toks = doc.split()
            for t in toks:
                extend(ids(t))
            if self.bigrams and len(toks) > 1:
                get = vocab.get
                extend(j for j in (get(a + " " + b) for a, b in zip(toks, toks[1:])) if j is not None)
            indptr.append(len(indices))
        X = sp.csr_matrix((np.ones(len(indices)), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
                          shape=(len(docs), len(vocab)), dtype=np.float64)
        X.sum_duplicates()
        np.log(X.data, X.data)
        X.data += 1.0
        X.data *= self.idf[X.indices]
        return normalize(X, norm="l2", copy=False)


def _dense(rows: np.ndarray) -> np.ndarray:
    return rows[:, N_TEXT_COLUMNS:].astype(np.float64)


def make_vectoriser(config: dict[str, Any]) -> Vectoriser:
    return Vectoriser.from_config(config)
