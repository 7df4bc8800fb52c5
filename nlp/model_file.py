"""The model file (format 4) and the linear scorer that classifies with it, in numpy only.

Training fits scikit-learn objects (pantau.nlp.train); the shipped model is what inference needs of them, as
plain arrays: per TF-IDF block its vocabulary (terms in index order, UTF-8, one per line) and idf; the signal
block's scale; for each flag head (direct, asn, partisan: calibrated logistic regressions) its coefficients,
intercept and sigmoid calibration (a, b); for the category head (one-vs-rest logistic regression) a coefficient
matrix. One `np.savez_compressed` file, read with `allow_pickle=False`: no code is ever loaded from a model file,
and classifying imports neither scikit-learn nor scipy nor skops (their start-up cost seconds; the file loads in
about 0.1 s). tests/test_nlp_model_file.py checks the scores equal scikit-learn's on the same rows.

A file of an older format (the skops files of format 3) is refused with a clear error naming `pantau train`.
"""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pantau.nlp.features import BLOCKS, N_TEXT_COLUMNS
from pantau.nlp.tfidf import Block, TokenTable

MODEL_FORMAT = 4
MODEL_FILE = "asn_campaign.npz"
HEADS = ("direct", "asn", "partisan")
TEXT_BLOCKS = ("text_word", "text_char")  # the partisan head reads the text alone


class ModelError(RuntimeError):
    """The model file exists but is not a usable pantau model."""


# --- writing (training side: reads fitted scikit-learn objects' attributes, imports nothing of them) -----------


def export_arrays(meta: dict[str, Any], vec, flag: dict, cat_head) -> dict[str, np.ndarray]:
    """The arrays of a model file from a fitted `features.Vectoriser`, the flag heads (`train._fit_factorised`)
    and the category head (OneVsRestClassifier or None); `meta` gives format-independent facts (version,
    threshold, dense names, config, ...)."""
    arrays: dict[str, np.ndarray] = {}
    blocks = {}
    for name, col, analyzer in BLOCKS:
        tf = vec.blocks[name]
        vocab: dict[str, int] = tf.vocabulary_
        terms = sorted(vocab, key=vocab.__getitem__)
        if any("\n" in t for t in terms):
            raise ValueError(f"{name}: a vocabulary term contains a new line")
        if not (tf.sublinear_tf and tf.use_idf and tf.norm == "l2" and not tf.lowercase and tf.analyzer == analyzer):
            raise ValueError(f"{name}: unsupported TF-IDF settings")
        arrays[f"vocab_{name}"] = np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)
        arrays[f"idf_{name}"] = np.asarray(tf.idf_, dtype=np.float64)
        blocks[name] = {"column": col, "analyzer": analyzer, "ngram_range": list(tf.ngram_range), "size": len(terms)}
    arrays["signals_scale"] = np.asarray(vec.blocks["signals"].scale_, dtype=np.float64)
    heads = {}
    for head in HEADS:
        cal = flag[head]
        if len(cal.calibrated_classifiers_) != 1:
            raise ValueError(f"{head}: one calibrated classifier expected (ensemble=False)")
        inner = cal.calibrated_classifiers_[0]
        (sig,) = inner.calibrators
        lr = inner.estimator
        arrays[f"coef_{head}"] = np.asarray(lr.coef_[0], dtype=np.float64)
        heads[head] = {"intercept": float(lr.intercept_[0]), "a": float(sig.a_), "b": float(sig.b_)}
    category = None
    if cat_head is not None:
        rows, intercepts = [], []
        for est in cat_head.estimators_:
            if hasattr(est, "coef_"):
                rows.append(np.asarray(est.coef_[0], dtype=np.float64))
                intercepts.append(float(est.intercept_[0]))
            else:  # a class seen in every or no training row: a constant decision (sklearn's _ConstantPredictor)
                rows.append(np.zeros(len(rows[0]) if rows else 0))
                intercepts.append(float(est.y_[0]))
        arrays["category_coef"] = np.vstack(rows)
        arrays["category_intercept"] = np.asarray(intercepts)
        category = {"classes": [str(c) for c in cat_head.classes_], "multiclass": cat_head.label_binarizer_.y_type_ == "multiclass"}
    meta = {**meta, "format": MODEL_FORMAT, "blocks": blocks, "heads": heads, "category": category,
            "feature_weights": {k: float(v) for k, v in vec.weights.items()}, "text_columns": int(flag["text_columns"])}
    arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    return arrays


def save(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Write the model file atomically (a temporary file renamed)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    tmp.replace(path)


def read(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a model file; ModelError for anything else (an older skops model, a damaged file)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"{path}: cannot read model file ({exc}); run `pantau train`") from None
    if "schema.json" in names:
        raise ModelError(f"{path}: a model of an older format (skops, format 3); this pantau reads format "
                         f"{MODEL_FORMAT} ({MODEL_FILE}): run `pantau train`")
    if "meta.npy" not in names:
        raise ModelError(f"{path}: not a pantau model file; run `pantau train`")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(f"{path}: cannot read model file ({exc}); run `pantau train`") from None


def meta_of(arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    try:
        return json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except (KeyError, ValueError) as exc:
        raise ModelError(f"not a pantau model file ({exc}); run `pantau train`") from None


# --- scoring ------------------------------------------------------------------------------------------------


class LinearModel:
    """Flag and category scores from normalised texts, bios and dense signal features (see `score`)."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        meta = meta_of(arrays)
        if meta.get("format") != MODEL_FORMAT:
            raise ModelError(f"not a pantau model of format {MODEL_FORMAT}; run `pantau train`")
        self.meta = meta
        self.weights = meta["feature_weights"]
        self.blocks: dict[str, Block] = {}
        self.offsets: dict[str, int] = {}
        offset = 0
        for name, _, _ in BLOCKS:
            spec = meta["blocks"][name]
            terms = arrays[f"vocab_{name}"].tobytes().decode("utf-8").split("\n") if spec["size"] else []
            if len(terms) != spec["size"]:
                raise ModelError(f"{name}: vocabulary of {len(terms)} terms, {spec['size']} expected")
            try:
                self.blocks[name] = Block(terms, arrays[f"idf_{name}"], spec["analyzer"], spec["ngram_range"])
            except ValueError as exc:
                raise ModelError(f"{name}: {exc}") from None
            self.offsets[name] = offset
            offset += spec["size"]
        self.offsets["signals"] = offset
        # one token table per text column (post text, bio), shared by the blocks that read it; the tables and the
        # blocks' scratch counts are this model's state: one thread at a time (the triage app's intake route
        # scores from FastAPI's thread pool with one shared model)
        self._columns: dict[int, tuple[TokenTable, list[str]]] = {}
        self._tables_lock = threading.Lock()
        for col in sorted({c for _, c, _ in BLOCKS}):
            names = [name for name, c, _ in BLOCKS if c == col]
            self._columns[col] = (TokenTable([self.blocks[name] for name in names]), names)
        self.signals_scale = arrays["signals_scale"]
        self.n_features = offset + len(self.signals_scale)
        if int(meta["text_columns"]) != sum(meta["blocks"][b]["size"] for b in TEXT_BLOCKS):
            raise ModelError("the partisan head's columns are not the text blocks")
        # The three flag heads as rows of one matrix (direct, asn, partisan). The
        # partisan head reads the text blocks alone: zero coefficients elsewhere.
        text_cols = int(meta["text_columns"])
        coef = np.zeros((len(HEADS), self.n_features))
        for j, h in enumerate(HEADS):
            c = arrays[f"coef_{h}"]
            if h == "partisan":
                if len(c) != text_cols:
                    raise ModelError(f"{h}: {len(c)} coefficients, {text_cols} expected")
                coef[j, :text_cols] = c
            else:
                if len(c) != self.n_features:
                    raise ModelError(f"{h}: {len(c)} coefficients, {self.n_features} expected")
                coef[j] = c
        self._head_coef = coef
        self._head_intercept = np.array([meta["heads"][h]["intercept"] for h in HEADS])
        self._head_a = np.array([meta["heads"][h]["a"] for h in HEADS])
        self._head_b = np.array([meta["heads"][h]["b"] for h in HEADS])
        self.category = meta.get("category")
        if self.category is not None:
            W = arrays["category_coef"]
            if W.shape[1] != self.n_features + len(self.signals_scale):
                raise ModelError(f"category head: {W.shape[1]} coefficients, {self.n_features + len(self.signals_scale)} expected")
            self._category_coef = np.ascontiguousarray(W[:, : self.n_features])  # (classes, n_features)
            self._category_boosted = np.ascontiguousarray(W[:, self.n_features:].T)  # raw signal block x boost
            self._category_intercept = arrays["category_intercept"]

    def clear_caches(self) -> None:
        with self._tables_lock:
            for table, _ in self._columns.values():
                table.clear()

    def features(self, rows: np.ndarray) -> "Features":
        """The feature vectors of `rows` (build_rows output: normalised text, bio, dense signal features)."""
        return self.features_of([rows[:, col].tolist() for col in range(N_TEXT_COLUMNS)],
                                rows[:, N_TEXT_COLUMNS:].astype(np.float64))

    def features_of(self, columns: Sequence[list[str]], dense: np.ndarray) -> "Features":
        """The feature vectors of posts given as their text columns (normalised text, normalised bio) and dense
        signal features (n, len(DENSE_NAMES))."""
        parts = {}
        for col, (table, names) in self._columns.items():
            column = columns[col]
            index: dict[str, int] = {}
            inverse = np.fromiter((index.setdefault(v, len(index)) for v in column), dtype=np.int64, count=len(column))
            with self._tables_lock:
                row, tids = table.tokens(list(index))
                for name in names:
                    e_row, idx, val, scale = self.blocks[name].entries(row, tids, len(index))
                    parts[name] = (e_row, idx, val, scale * float(self.weights[name]), len(index), inverse)
        scale = np.where(self.signals_scale == 0, 1.0, self.signals_scale)
        return Features(parts, dense, dense / scale * float(self.weights["signals"]), len(dense))

    def head_scores(self, f: "Features") -> tuple[np.ndarray, np.ndarray]:
        """(P(flag), P(partisan | text)): the mean of the direct head and the product of the ASN head and the
        text-only partisan head (pantau.nlp.train.head_scores on the fitted objects)."""
        df = self._linear_many(f, self._head_coef) + self._head_intercept
        p = 1.0 / (1.0 + np.exp(self._head_a * df + self._head_b))
        p_direct, p_asn, p_par = p[:, 0], p[:, 1], p[:, 2]
        return 0.5 * (p_asn * p_par + p_direct), p_par

    def _linear_many(self, f: "Features", coef: np.ndarray) -> np.ndarray:
        """Decision functions (n, k) of k linear heads without intercepts; coef (k, n_features), rows contiguous."""
        k = coef.shape[0]
        out = np.zeros((f.n, k))
        for name, (row, col, val, scale, n_docs, inverse) in f.parts.items():
            coef_block = coef[:, self.offsets[name]: self.offsets[name] + self.blocks[name].size]
            for j in range(k):
                out[:, j] += (np.bincount(row, coef_block[j].take(col) * val, minlength=n_docs) * scale)[inverse]
        off = self.offsets["signals"]
        out += f.scaled @ coef[:, off: off + f.scaled.shape[1]].T
        return out

    def categories(self, f: "Features", rows_idx: np.ndarray, boost: float) -> list[str]:
        """Category codes of the rows `rows_idx`: the features plus the raw signal block x `boost`."""
        if self.category is None or not len(rows_idx):
            return [None] * len(rows_idx)  # type: ignore[list-item]
        sub = f.select(rows_idx)
        scores = (self._linear_many(sub, self._category_coef) + sub.dense @ self._category_boosted * boost
                  + self._category_intercept)
        classes = self.category["classes"]
        if self.category["multiclass"]:
            return [classes[k] for k in np.argmax(scores, axis=1)]
        return [classes[int(s > 0)] for s in scores[:, 0]]


class Features:
    """Feature vectors of a batch, per block as entries (row of distinct value, term id in the block, value before
    normalisation), each distinct value's scale (block weight / L2 norm), the number of distinct values and the
    row of each post; plus the raw and scaled dense signal blocks."""

    def __init__(self, parts: dict, dense: np.ndarray, scaled: np.ndarray, n: int):
        self.parts, self.dense, self.scaled, self.n = parts, dense, scaled, n

    def select(self, rows_idx: np.ndarray) -> "Features":
        """The features of the posts `rows_idx` only (the entries of other texts left out)."""
        parts = {}
        for name, (row, col, val, scale, n_docs, inverse) in self.parts.items():
            wanted = inverse.take(rows_idx)
            keep = np.zeros(n_docs, dtype=bool)
            keep[wanted] = True
            new_id = np.cumsum(keep) - 1
            at = np.flatnonzero(keep.take(row))  # the kept entries, in order (one pass instead of a mask per array)
            parts[name] = (new_id.take(row.take(at)), col.take(at), val.take(at), scale[keep], int(keep.sum()),
                           new_id.take(wanted))
        return Features(parts, self.dense[rows_idx], self.scaled[rows_idx], len(rows_idx))
