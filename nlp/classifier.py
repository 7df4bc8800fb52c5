"""Load the trained model and classify Posts.

    from pantau.nlp.classifier import load
    clf = load()                      # models/asn_campaign.npz from the pantau.models package
    results = clf.classify(posts)     # one dict per post, same order

Each result: {"platform", "post_id", "score" (decision score 0..1), "flagged" (bool), "category" (code, only when
flagged, else None), "signals" (text, bio and display-name evidence spans, and a registry entry when the author is
in the account registry), "identity_class" ("asn" | "desa" | "tni_polri" | None), "partisan_score" (P(the text
takes sides), kept for every post: analysts can query campaigning by anyone, reviewers only see flags),
"truncated_at" (the character cap when the text was longer, else None), "model_version"}.

A post is flagged only when it has identity evidence (pantau.nlp.identity: bio, display name, a self-claimed
role in the text, an NIP, or a registry entry) AND at least one act span AND its decision score reaches the
model's threshold; without identity evidence the decision score is 0 whatever the partisan score says.

The model file (pantau.nlp.model_file, format 4) holds numpy arrays only and is read without pickle; classifying
imports neither spaCy nor scikit-learn nor scipy (`pantau classify` on 100 posts is mostly interpreter start-up).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

import pantau.models
from pantau.nlp import features, normalise
from pantau.nlp.features import DENSE_NAMES, MAX_TEXT_CHARS, analyse_many, dense_matrix
from pantau.nlp.identity import decision_scores, gate
from pantau.nlp.model_file import LinearModel, MODEL_FILE, ModelError, meta_of, read
from pantau.nlp.registry import Registry, load_registry
from pantau.post import Post

__all__ = ["Classifier", "ModelError", "load", "default_model_path", "active_model_target"]

MODEL_ENV = "PANTAU_MODEL"
DEFAULT_ACTIVE_MODEL = Path("var/models") / MODEL_FILE


def active_model_target() -> Path:
    """Where `retrain` promotes models: PANTAU_MODEL, else var/models/asn_campaign.npz."""
    return Path(os.environ.get(MODEL_ENV) or DEFAULT_ACTIVE_MODEL)


def default_model_path(*, packaged: bool = False) -> Path:
    """The model `load()` uses: the file in PANTAU_MODEL once it exists (a model promoted by `retrain`), else the
    model packaged with pantau (`packaged=True` always gives the packaged one)."""
    if not packaged:
        env = os.environ.get(MODEL_ENV)
        if env and Path(env).is_file():
            return Path(env)
    return Path(pantau.models.__file__).parent / MODEL_FILE


class Classifier:
    """A loaded model: `version`, `threshold`, `classify(posts)`."""

    def __init__(self, arrays: dict[str, Any], path: Path | None = None, registry: Registry | None = None):
        """`arrays`: the contents of a model file (pantau.nlp.model_file.read or export_arrays)."""
        try:
            meta = meta_of(arrays)
            if list(meta.get("dense_names", [])) != list(DENSE_NAMES):
                raise ModelError("model was trained with other signal features; run `pantau train`")
            self._model = LinearModel(arrays)
        except ModelError as exc:
            raise ModelError(f"{path}: {exc}" if path else str(exc)) from None
        except KeyError as exc:
            raise ModelError(f"{path}: the model file has no {exc.args[0]!r}; run `pantau train`") from None
        self.path = path
        self.version: str = meta["model_version"]
        self.threshold: float = float(meta["threshold"])
        self._category_boost = float(meta.get("category_signal_boost", 0.0))
        self.registry = registry if registry is not None else Registry()

    def clear_caches(self) -> None:
        """Forget every per-token / per-bio cache (for cold-cache benchmarks; results do not change)."""
        self._model.clear_caches()
        normalise.CHUNKS.cache_clear()
        normalise.normalise_token.cache_clear()
        normalise.lemma.cache_clear()
        features._analyse_bio.cache_clear()

    def score_texts(self, texts: Sequence[str], bios: Sequence[str | None], classes: Sequence[str] = ("asn",)) -> np.ndarray:
        """Decision scores (flag when >= threshold) for parallel lists of post texts and author bios, counting
        only flags of the given identity classes (0 for the others). The labelled sets mark ASN violations, so
        evaluation scores the "asn" class and reports the other classes' flags on their own."""
        scores, _, _, gates, _ = self._run(texts, bios)
        keep = np.array([g[3] in classes for g in gates], dtype=bool)
        return np.where(keep, scores, 0.0)

    def _run(self, texts: Sequence[str], bios: Sequence[str | None], names: Sequence[str | None] | None = None,
             registry_signals: Sequence[dict | None] | None = None):
        """(decision scores, partisan scores, analysed posts, gates, features)."""
        analysed = analyse_many(texts, bios, names)
        if not analysed:
            return np.zeros(0), np.zeros(0), [], [], None
        if registry_signals is not None:
            for a, reg in zip(analysed, registry_signals):
                if reg is not None:
                    a.signals.append(dict(reg))
        features = self._model.features_of([[a.text_norm for a in analysed], [a.bio_norm for a in analysed]],
                                           dense_matrix(analysed))
        p_flag, p_par = self._model.head_scores(features)
        gates = [gate(a.signals, (t or "")[:MAX_TEXT_CHARS]) for a, t in zip(analysed, texts)]
        scores = decision_scores(p_flag, p_par, [g[0] for g in gates], [g[1] for g in gates])
        return scores, p_par, analysed, gates, features

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
        names = [p.author.name if p.author else None for p in posts]
        registry = [self._registry_signal(p) for p in posts]
        scores, p_par, analysed, gates, features = self._run(texts, bios, names, registry)
        flagged = scores >= self.threshold
        categories: list[str | None] = [None] * len(posts)
        idx = np.flatnonzero(flagged)
        for i, cat in zip(idx, self._model.categories(features, idx, self._category_boost)):
            categories[i] = cat
        return [
            {
                "platform": post.platform,
                "post_id": post.post_id,
                "score": float(round(float(score), 6)),
                "flagged": bool(flag),
                "category": cat,
                "signals": a.signals,
                "identity_class": g[3] if g[2] else None,
                "partisan_score": float(round(float(par), 6)),
                "truncated_at": MAX_TEXT_CHARS if len(post.text or "") > MAX_TEXT_CHARS else None,
                "model_version": self.version,
            }
            for post, score, par, flag, cat, a, g in zip(posts, scores, p_par, flagged, categories, analysed, gates)
        ]

    def _registry_signal(self, post: Post) -> dict | None:
        if not len(self.registry) or post.author is None:
            return None
        entry = self.registry.lookup(post.platform, post.author.handle, post.author.id)
        return entry.signal() if entry else None


def load(path: Path | None = None, registry: Registry | Sequence[Path] | None = None) -> Classifier:
    """Load a model file (default: the active model, else asn_campaign.npz of the pantau.models package) and the
    account registry (a Registry, registry file paths, or by default the files in PANTAU_REGISTRY)."""
    path = Path(path) if path else default_model_path()
    if not path.is_file():
        raise FileNotFoundError(f"model not found at {path}; run `pantau train`")
    arrays = read(path)
    if not isinstance(registry, Registry):
        registry = load_registry(None if registry is None else [Path(p) for p in registry])
    return Classifier(arrays, path, registry)
