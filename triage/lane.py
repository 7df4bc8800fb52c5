"""The queue's "Bantu model" lane (/antrean?lane=bantu, issue 18 part 3): undecided posts the model is least sure of
or that disagree with the account registry or with their cluster's decisions, round-robin across categories
(store/learning.py). Reviewers open and decide them with the normal item page and decision form; their decisions
become training rows (v_training_rows) for `pantau retrain`."""

from __future__ import annotations

import numpy as np
from fastapi import Request

from pantau.nlp.classifier import default_model_path
from pantau.nlp.model_file import meta_of
from pantau.store.db import Store
from pantau.store.learning import LANE_BAND, lane_rows

from .deps import Who, render

REASON_LABELS = {
    "registry": "Terdaftar sebagai ASN, tidak ditandai model",
    "cluster": "Berbeda dengan keputusan pada pesan serentaknya",
    "uncertain": "Model ragu (skor dekat ambang)",
}

_threshold_cache: dict[tuple[str, int], float] = {}


def active_threshold() -> float:
    """The flag threshold of the model `classify` uses (read from the model file's metadata only, cached per file)."""
    path = default_model_path()
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _threshold_cache:
        with np.load(path, allow_pickle=False) as npz:  # loads the small metadata array, not the model's weights
            _threshold_cache.clear()
            _threshold_cache[key] = float(meta_of({"meta": npz["meta"]})["threshold"])
    return _threshold_cache[key]


def lane_page(request: Request, who: Who, store: Store):
    threshold = active_threshold()
    rows = lane_rows(store, threshold)
    return render(request, "learning_lane.html", _who=who, rows=rows, threshold=threshold, band=LANE_BAND,
                  reason_labels=REASON_LABELS)
