"""Load the trained model and classify Posts.

    from pantau.nlp.classifier import load
    clf = load()                      # models/asn_campaign.skops from the pantau.models package
    results = clf.classify(posts)     # one dict per post, same order

Each result: {"platform", "post_id", "score" (calibrated probability 0..1), "flagged" (bool),
"category" (code, only when flagged, else None), "signals" (text then bio evidence spans),
"model_version"}.

The model file is read with skops and an explicit list of trusted types: skops' defaults
(scikit-learn estimators, numpy, scipy) plus the two private scikit-learn classes that
CalibratedClassifierCV stores. Nothing else in the file is accepted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pantau.nlp.features import DENSE_NAMES, Vectoriser, analyse_many, build_rows, category_matrix
from pantau.nlp.train import MODEL_FILE, MODEL_FORMAT, default_model_dir, flag_scores
from pantau.post import Post

# Exactly the non-default types a pantau model file contains (checked on load).
TRUSTED_TYPES = [
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]


class ModelError(RuntimeError):
    """The model file exists but is not a usable pantau model."""


MODEL_ENV = "PANTAU_MODEL"
DEFAULT_ACTIVE_MODEL = Path("var/models") / MODEL_FILE


def active_model_target() -> Path:
    """Where `retrain` promotes models: PANTAU_MODEL, else var/models/asn_campaign.skops."""
    return Path(os.environ.get(MODEL_ENV) or DEFAULT_ACTIVE_MODEL)


def default_model_path(*, packaged: bool = False) -> Path:
    """The model `load()` uses: the file in PANTAU_MODEL once it exists (a model promoted by `retrain`), else the
    model packaged with pantau (`packaged=True` always gives the packaged one)."""
    if not packaged:
        env = os.environ.get(MODEL_ENV)
        if env and Path(env).is_file():
            return Path(env)
    return default_model_dir() / MODEL_FILE


class Classifier:
    """A loaded model: `version`, `threshold`, `classify(posts)`."""

    def __init__(self, bundle: dict[str, Any], path: Path | None = None):
        if not isinstance(bundle, dict) or bundle.get("format") != MODEL_FORMAT:
            raise ModelError(f"{path}: not a pantau model (format {MODEL_FORMAT} expected); run `pantau train`")
        if list(bundle.get("dense_names", [])) != list(DENSE_NAMES):
            raise ModelError(f"{path}: model was trained with other signal features; run `pantau train`")
        self.path = path
        self.version: str = bundle["model_version"]
        self.threshold: float = float(bundle["threshold"])
        self._features = Vectoriser(bundle["features"], bundle["feature_weights"])
        self._flag = bundle["flag"]
        self._category = bundle.get("category")
        self._category_boost = float(bundle.get("category_signal_boost", 0.0))

    def clear_caches(self) -> None:
        """Forget every per-token / per-bio cache (for cold-cache benchmarks; results do not change)."""
        from pantau.nlp import features, normalise

        for fast in self._features._fast.values():
            fast._cache.clear()
        normalise._chunk_pieces.cache_clear()
        normalise.normalise_token.cache_clear()
        normalise.lemma.cache_clear()
        features._analyse_bio.cache_clear()

    def score_texts(self, texts: Sequence[str], bios: Sequence[str | None]) -> np.ndarray:
        """Calibrated probabilities for parallel lists of post texts and author bios."""
        return self._run(texts, bios)[0]

    def _run(self, texts: Sequence[str], bios: Sequence[str | None]):
        """(probabilities, analysed posts, feature matrix, raw rows)."""
        analysed = analyse_many(texts, bios)
        if not analysed:
            return np.zeros(0), [], None, None
        rows = build_rows(analysed)
        X = self._features.transform(rows)
        return flag_scores(self._flag, X), analysed, X, rows

    def classify(self, posts: Sequence[Post], batch_size: int = 2048) -> list[dict]:
        """Classify posts in batches; returns one result dict per post, in order."""
        results: list[dict] = []
        posts = list(posts)
        for start in range(0, len(posts), batch_size):
            results.extend(self._classify_batch(posts[start: start + batch_size]))
        return results

    def _classify_batch(self, posts: Sequence[Post]) -> list[dict]:
        if not posts:
            return []
        texts = [p.text for p in posts]
        bios = [p.author.bio if p.author else None for p in posts]
        scores, analysed, X, rows = self._run(texts, bios)
        flagged = scores >= self.threshold
        categories: list[str | None] = [None] * len(posts)
        idx = np.flatnonzero(flagged)
        if len(idx) and self._category is not None:
            cat_X = category_matrix(X[idx], rows[idx], self._category_boost)
            for i, cat in zip(idx, self._category.predict(cat_X)):
                categories[i] = str(cat)
        return [
            {
                "platform": post.platform,
                "post_id": post.post_id,
                "score": float(round(float(score), 6)),
                "flagged": bool(flag),
                "category": cat,
                "signals": a.signals,
                "model_version": self.version,
            }
            for post, score, flag, cat, a in zip(posts, scores, flagged, categories, analysed)
        ]


def load(path: Path | None = None) -> Classifier:
    """Load a model file (default: asn_campaign.skops next to the pantau.models package)."""
    import skops.io as sio

    path = Path(path) if path else default_model_path()
    if not path.is_file():
        raise FileNotFoundError(f"model not found at {path}; run `pantau train`")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a truncated or non-skops file
        raise ModelError(f"{path}: cannot read model file ({exc}); run `pantau train`") from None
    unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unexpected:
        raise ModelError(f"{path}: model file contains types pantau does not trust: {', '.join(unexpected)}")
    bundle = sio.load(path, trusted=TRUSTED_TYPES)
    return Classifier(bundle, path)
