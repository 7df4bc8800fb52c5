"""Train the ASN-campaign classifier: deterministic, estimated on held-out groups.

Protocol. The generator (nlp/data/generate.py) composes posts from fragment pools; every row carries its
`family` (the stance fragment), `register` (formal, gaul, Javanese, Sundanese, ...) and `cue` (the kind of
author identity: guru, nakes, camat, kades, honorer, ...). Hand-written posts (family kind "hw_...", register
and cue "-") follow; a writer's family is one unit (`family_group`) and they weigh `handwritten_weight` in
fitting. Splits hold out whole groups, never rows:
1. TEST = the families of fold 0 (families split per kind into 5 folds, seeded). DEV = the other families
   minus every row of a seeded set of held-out registers and held-out cues (each set covering >= 15% of
   the rows; `group_split`). So the development model never sees the test families, nor those registers
   or kinds of author at all; rows of dev families in held-out groups are dropped. TEST rows from a
   held-out register or cue are also reported on their own ("novel register or cue").
2. Out-of-fold calibrated probabilities on DEV choose the flag threshold: DEV families in 4 folds, and each
   fold's model is also fitted without a per-fold set of held-out registers and cues (the same protocol as
   TEST). The threshold is the highest-F1 one among those with precision >= `min_precision`
   (near-ties within `f1_tolerance` go to the lowest threshold, favouring recall; see `choose_threshold`).
3. The *estimate model* (same recipe, fitted on DEV) scores TEST once: the internal held-out metrics.
   The *shipped model* is then refitted on all examples with the same recipe and threshold (a model that
   never saw Balinese or penyuluh posts would be worse in the field). Both are deterministic.
   The flag score is factorised after the definition "flag = likely ASN AND taking sides":
   mean of (a) a direct head on the flag label and (b) P(asn | bio, text) x P(partisan | text),
   each sub-head trained on its own sub-label derived from the family kind (`sub_labels`: a
   campaign text by a non-ASN is partisan=1 asn=0, an ASN's work post asn=1 partisan=0, ...).
   After fitting, the shipped model is scored (never tuned) on the hand-written realistic set, the demo
   platform posts and, when present, the independent set (pantau.nlp.evaluate); models/MODEL_CARD.md
   is generated from that, with the internal and outside figures side by side.
4. A second head (one-vs-rest logistic regression on the same features plus a boosted copy of
   the signal block, fitted on the positives) predicts the category code of flagged posts.

Same data + same seed -> byte-identical metrics.json and identical predictions.
model_version = "asn-campaign-" + sha256(data file bytes + config JSON)[:12], where the config
holds the hyperparameters, the seed and a fingerprint of the feature code.
The data are synthetic: held-out-group scores say how well the model generalises to unseen sentence
structures, registers and kinds of author, not to real posts; the outside sets say more.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

import pantau.models
import pantau.nlp.data
from pantau.nlp.features import (DENSE_NAMES, FEATURE_VERSION, MAX_TEXT_CHARS, analyse_many, build_rows,
                                 category_matrix, make_vectoriser)
from pantau.nlp.identity import NO_FLAG, decision_scores, gate
from pantau.nlp.model_file import MODEL_FILE, MODEL_FORMAT, export_arrays, save
from pantau.nlp.normalise import NORMALISE_VERSION
from pantau.nlp.signals import RULES_VERSION

METRICS_FILE = "metrics.json"
CATEGORY_CODES = (
    "kampanye_medsos", "interaksi_pemenangan", "foto_simbol", "hadir_kampanye",
    "pencalonan_parpol", "fasilitas_negara", "atribut_kampanye",
)

CONFIG: dict[str, Any] = {
    "text_word": {"ngram_range": [1, 2], "min_df": 2, "max_features": 20000},
    "text_char": {"ngram_range": [2, 5], "min_df": 2, "max_features": 30000},
    "bio_word": {"ngram_range": [1, 2], "min_df": 2, "max_features": 5000},
    "bio_char": {"ngram_range": [2, 4], "min_df": 2, "max_features": 8000},
    "weights": {"text_word": 1.0, "text_char": 1.0, "bio_word": 1.0, "bio_char": 1.0, "signals": 1.0},
    "flag_lr": {"C": 4.0, "solver": "liblinear", "class_weight": "balanced", "max_iter": 2000},
    "category_lr": {"C": 16.0, "solver": "liblinear", "max_iter": 2000},  # one-vs-rest
    "category_signal_boost": 3.0,
    "calibration": {"method": "sigmoid", "folds": 5},
    "split": {"test_folds": 5, "dev_folds": 4, "group_share": 0.15},
    "handwritten_weight": 2.0,
    "min_precision": 0.90,  # on validation rows, whose negatives are harder than field traffic (see docs/classifier.md)
    "f1_tolerance": 0.005,
    "versions": {"normalise": NORMALISE_VERSION, "rules": RULES_VERSION, "features": FEATURE_VERSION, "format": MODEL_FORMAT},
}

REQUIRED = ("id", "family", "text", "label")


class DataError(ValueError):
    """The labelled file has a bad line; the message names it."""


def default_data_path() -> Path:
    return Path(pantau.nlp.data.__file__).parent / "labelled.jsonl"


def default_model_dir() -> Path:
    return Path(pantau.models.__file__).parent


def iter_json_objects(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every non-blank line of a JSON Lines file; DataError names file and line."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise DataError(f"{path}:{lineno}: expected a JSON object")
            yield lineno, row


def load_examples(path: Path) -> list[dict]:
    rows: list[dict] = []
    for lineno, row in iter_json_objects(path):
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise DataError(f"{path}:{lineno}: missing field(s) {', '.join(missing)}")
        if row["label"] not in (0, 1):
            raise DataError(f"{path}:{lineno}: label must be 0 or 1")
        cat = row.get("category")
        if row["label"] == 1 and cat not in CATEGORY_CODES:
            raise DataError(f"{path}:{lineno}: a positive needs a category code, got {cat!r}")
        if not isinstance(row["text"], str):
            raise DataError(f"{path}:{lineno}: text must be a string")
        rows.append(row)
    if not rows:
        raise DataError(f"{path}: no examples")
    if len({r["label"] for r in rows}) < 2:
        raise DataError(f"{path}: needs both labels")
    return rows


def code_fingerprint() -> str:
    """SHA-256 (first 12 hex) of the code that turns a post into features, so that a changed rule
    or normaliser gives a new model version even when the data and hyperparameters are the same."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in ("tokenizer.py", "normalise.py", "lexicon.py", "signals.py", "vocabulary.py", "spans.py", "act_rules.py",
                 "identity_rules.py", "nip.py", "features.py", "identity.py", "contests.py", "train.py",
                 "data/tokenizer_id.json"):
        h.update(name.encode() + b"\0" + (here / name).read_bytes())
    for path in sorted((here / "data" / "contests").glob("*.toml")):  # contest mentions are signals
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def model_version(data_bytes: bytes, config: dict) -> str:
    h = hashlib.sha256()
    h.update(data_bytes)
    h.update(json.dumps(config, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    return "asn-campaign-" + h.hexdigest()[:12]


def family_kind(family: str) -> str:
    return family.split(".", 1)[0]


def family_group(family: str) -> str:
    """The unit that stays on one side of a split. A generated family is its own group; the hand-written kinds
    ("hw_<kind>.<writer's family>") group by the writer's family, so a violation and its negative twin
    written as variants of one idea are held out together."""
    return "hw." + family.split(".", 1)[1] if is_handwritten(family) and "." in family else family


def family_folds(families: Sequence[str], k: int, seed: int) -> dict[str, int]:
    """Assign each family to one of k folds, spreading every kind over the folds (seeded); families of one
    group (`family_group`) share a fold."""
    rng = random.Random(seed)
    by_kind: dict[str, list[str]] = {}
    for group in sorted({family_group(f) for f in families}):
        by_kind.setdefault(family_kind(group), []).append(group)
    group_fold: dict[str, int] = {}
    offset = 0
    for kind in sorted(by_kind):
        groups = by_kind[kind]
        rng.shuffle(groups)
        for i, group in enumerate(groups):
            group_fold[group] = (offset + i) % k
        offset += len(groups)  # rotate so small kinds do not all start in fold 0
    return {f: group_fold[family_group(f)] for f in set(families)}


# --- model pieces --------------------------------------------------------------------------------


def _fit_flag(X, y: np.ndarray, groups: np.ndarray, seed: int, weights: np.ndarray | None = None):
    from sklearn.calibration import CalibratedClassifierCV  # heavy (scikit-learn): training only
    from sklearn.linear_model import LogisticRegression  # heavy (scikit-learn): training only
    from sklearn.model_selection import GroupKFold  # heavy (scikit-learn): training only

    lr = LogisticRegression(random_state=seed, **CONFIG["flag_lr"])
    n_groups = len(set(groups.tolist()))
    folds = min(CONFIG["calibration"]["folds"], n_groups)
    splits = [(tr.astype(np.int32), te.astype(np.int32)) for tr, te in GroupKFold(n_splits=folds).split(X, y, groups)]
    clf = CalibratedClassifierCV(lr, method=CONFIG["calibration"]["method"], cv=splits, ensemble=False)
    clf.fit(X, y, sample_weight=weights)
    # The fold indices are only needed during fit; keep the saved model small.
    clf.cv = folds
    return clf


def _fit_category(X, cats: list[str], seed: int):
    from sklearn.linear_model import LogisticRegression  # heavy (scikit-learn): training only
    from sklearn.multiclass import OneVsRestClassifier  # heavy (scikit-learn): training only

    if len(set(cats)) < 2:
        return None
    return OneVsRestClassifier(LogisticRegression(random_state=seed, **CONFIG["category_lr"])).fit(X, cats)


# Sub-labels of the factorised model ("flag = likely ASN AND taking sides"), derived from the family
# kind: -1 = unknown (the row does not train that head).
_NEG_SUBLABELS = {  # kind -> (asn, partisan)
    "neg_asn_kerja": (1, 0), "neg_asn_pribadi": (1, 0), "neg_asn_mirip": (1, 0), "neg_asn_netral": (1, 0),
    "neg_asn_politik": (1, 0), "neg_kandidat": (0, 1), "neg_partai": (0, 1), "neg_politik_warga": (0, 1),
    "neg_laporan_warga": (0, 0), "neg_umum": (0, 0), "neg_berita": (-1, 0), "neg_kpu_info": (-1, 0), "neg_mirip": (-1, 0),
    # hand-written posts (nlp/data/handwritten.jsonl, family kind "hw_" + kind)
    "hw_non_asn_campaigner": (0, 1), "hw_neutral_asn": (1, 0), "hw_asn_personal_politics": (1, 0),
    "hw_news_oversight": (-1, 0), "hw_citizen_tip": (0, 0), "hw_lookalike": (-1, 0), "hw_everyday": (0, -1),
    # kinds of the previous generator (older data files still train)
    "neg_ikrar": (1, 0), "neg_civic": (-1, 0),
}


def sub_labels(families: Sequence[str], y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(asn, partisan) arrays for the rows: a campaign family's text takes sides whoever wrote it
    (asn = the row's label); negative kinds have fixed sub-labels (-1 where unknown)."""
    asn = np.full(len(y), -1)
    partisan = np.full(len(y), -1)
    for i, fam in enumerate(families):
        kind = family_kind(fam)
        if kind in CATEGORY_CODES:
            asn[i], partisan[i] = int(y[i]), 1
        elif y[i] == 1:
            asn[i], partisan[i] = 1, 1
        else:
            asn[i], partisan[i] = _NEG_SUBLABELS.get(kind, (-1, -1))
    return asn, partisan


def text_columns(vec) -> int:
    """Number of leading feature columns that come from the post text alone."""
    return sum(len(vec.blocks[name].vocabulary_) for name in ("text_word", "text_char"))


def head_scores(flag, X) -> tuple[np.ndarray, np.ndarray]:
    """(P(flag), P(partisan | text)). P(flag) is the mean of a direct head and the product of the ASN head and
    the text-only partisan head."""
    p_asn = flag["asn"].predict_proba(X)[:, 1]
    p_par = flag["partisan"].predict_proba(X[:, : int(flag["text_columns"])])[:, 1]
    p_mono = flag["direct"].predict_proba(X)[:, 1]
    return 0.5 * (p_asn * p_par + p_mono), p_par


def flag_scores(flag, X) -> np.ndarray:
    """P(flag) (see `head_scores`)."""
    return head_scores(flag, X)[0]


def gated_scores(flag, X, gates: tuple[np.ndarray, np.ndarray] | None, rows: np.ndarray) -> np.ndarray:
    """Decision scores of `rows` (pantau.nlp.identity.decision_scores) given all rows' (modes, strong acts);
    plain P(flag) when `gates` is None."""
    if gates is None:
        return flag_scores(flag, X)
    p_flag, p_par = head_scores(flag, X)
    return decision_scores(p_flag, p_par, gates[0][rows], gates[1][rows])


def _fit_factorised(X, y: np.ndarray, groups: np.ndarray, families: np.ndarray, seed: int, n_text: int) -> dict:
    asn, partisan = sub_labels(families.tolist(), y)
    ma, mp = asn >= 0, partisan >= 0
    w = row_weights(families)
    return {
        "direct": _fit_flag(X, y, groups, seed, w),
        "asn": _fit_flag(X[ma], asn[ma], groups[ma], seed, w[ma]),
        "partisan": _fit_flag(X[mp][:, :n_text], partisan[mp], groups[mp], seed, w[mp]),
        "text_columns": int(n_text),
    }


def row_weights(families: np.ndarray) -> np.ndarray:
    """Fitting weight per row: hand-written posts count `handwritten_weight` times a generated one (they are
    fewer, and closer to what the model meets in the field)."""
    hw = float(CONFIG["handwritten_weight"])
    return np.array([hw if is_handwritten(f) else 1.0 for f in families])


def _fit_all(rows_X: np.ndarray, y: np.ndarray, families: np.ndarray, cats: list, seed: int):
    vec = make_vectoriser(CONFIG)
    X = vec.fit_transform(rows_X)
    groups = np.array([family_group(f) for f in families])
    flag = _fit_factorised(X, y, groups, families, seed, text_columns(vec))
    pos = np.flatnonzero(y == 1)
    cat_X = category_matrix(X[pos], rows_X[pos], CONFIG["category_signal_boost"])
    cat_head = _fit_category(cat_X, [cats[i] for i in pos], seed) if len(pos) else None
    return vec, flag, cat_head


def choose_threshold(y: np.ndarray, p: np.ndarray, min_precision: float, f1_tolerance: float = 0.0) -> tuple[float, dict]:
    """Flag threshold from validation scores: maximise F1 among thresholds with precision >= min_precision
    (if none reaches it: maximise F1 overall). Thresholds whose F1 is within `f1_tolerance` of that
    best F1 (and that meet the precision floor) count as ties; the lowest of them wins, favouring recall,
    because the F1 curve of well-separated scores has a long flat top and its exact maximum is noise.
    """
    rows = []
    for t in np.unique(np.round(p, 6)):
        pred = p >= t
        tp = int(np.sum(pred & (y == 1)))
        fp = int(np.sum(pred & (y == 0)))
        fn = int(np.sum(~pred & (y == 1)))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        rows.append((float(t), prec, rec, f1))
    eligible = [r for r in rows if r[1] >= min_precision]
    pool = eligible or rows
    best_f1 = max(r[3] for r in pool)
    chosen = min((r for r in pool if r[3] >= best_f1 - f1_tolerance), key=lambda r: r[0])
    return chosen[0], {
        "precision": chosen[1], "recall": chosen[2], "f1": chosen[3], "best_f1": best_f1,
        "met_min_precision": bool(eligible),
        "rule": f"lowest threshold with precision >= {min_precision} and F1 within {f1_tolerance} of the best",
    }


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score  # heavy (scikit-learn): training only

    pred = p >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    out = {
        "n": int(len(y)), "positives": int(np.sum(y == 1)),
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
    }
    if len(set(y.tolist())) == 2:
        out["roc_auc"] = float(roc_auc_score(y, p))
        out["average_precision"] = float(average_precision_score(y, p))
    return out


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def held_out_groups(values: Sequence[str], share: float, seed: int, exclude: Sequence[str] = ()) -> list[str]:
    """A seeded set of whole groups (registers or identity cues) covering at least `share` of the rows."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    order = sorted(v for v in counts if v not in exclude)
    random.Random(seed).shuffle(order)
    chosen: list[str] = []
    covered = 0
    for v in order:
        if covered >= share * len(values):
            break
        chosen.append(v)
        covered += counts[v]
    return sorted(chosen)


_GROUP_EXCLUDE = ("-", "none", "warga", "media")  # generic cues: too broad to hold out as one group
# The base registers (formal Indonesian, Jakarta slang) are in every real training set; held-out registers are
# drawn from the regional ones, which is what "a register the model never saw" looks like in the field.
_REGISTER_EXCLUDE = _GROUP_EXCLUDE + ("formal", "gaul")


def group_split(fams: Sequence[str], registers: Sequence[str], cues: Sequence[str], seed: int,
                family_folds_k: int, share: float, test_fold: int = 0) -> dict[str, Any]:
    """The honest split. TEST = every row of the test families (family fold 0, per kind). DEV = rows whose
    family, register AND identity cue are all unseen in TEST's held-out groups: rows of held-out registers or
    cues (a seeded set covering >= `share` of the rows each) are dropped from DEV even when their family is
    not a test family. So the development model never saw the test families' sentence structures, nor the
    held-out registers (e.g. Balinese) or kinds of author (e.g. penyuluh, honorer) at all.
    `test_fold` > 0 gives the same protocol with another family fold and other held-out groups."""
    fold = family_folds(list(fams), family_folds_k, seed)
    regs = held_out_groups(registers, share, seed + 11 + 97 * test_fold, _REGISTER_EXCLUDE)
    cue_groups = held_out_groups(cues, share, seed + 23 + 97 * test_fold, _GROUP_EXCLUDE)
    is_test = np.array([fold[f] == test_fold for f in fams])
    novel = np.array([r in regs or c in cue_groups for r, c in zip(registers, cues)])
    return {"test": np.flatnonzero(is_test), "dev": np.flatnonzero(~is_test & ~novel),
            "dropped": np.flatnonzero(~is_test & novel), "novel": novel,
            "registers": regs, "cues": cue_groups}


def out_of_fold_scores(rows_X: np.ndarray, y: np.ndarray, fams: np.ndarray, cats: list, idx: np.ndarray, seed: int,
                       registers: np.ndarray | None = None, cues: np.ndarray | None = None,
                       gates: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Calibrated scores for rows `idx`, each from a model fitted without that row's family fold and without
    a per-fold set of held-out registers and cues (the same protocol as the TEST split)."""
    k_folds = CONFIG["split"]["dev_folds"]
    share = CONFIG["split"]["group_share"]
    registers = registers if registers is not None else np.array(["-"] * len(y))
    cues = cues if cues is not None else np.array(["-"] * len(y))
    fold = family_folds(fams[idx].tolist(), k_folds, seed + 1)
    fold_arr = np.array([fold[f] for f in fams[idx]])
    oof = np.zeros(len(idx))
    for k in range(k_folds):
        val_mask = fold_arr == k
        regs = set(held_out_groups(registers[idx].tolist(), share, seed + 101 + k, _REGISTER_EXCLUDE))
        cue_set = set(held_out_groups(cues[idx].tolist(), share, seed + 201 + k, _GROUP_EXCLUDE))
        novel = np.array([r in regs or c in cue_set for r, c in zip(registers[idx], cues[idx])])
        tr = idx[~val_mask & ~novel]
        if not val_mask.any() or len(set(y[tr].tolist())) < 2:
            continue
        vec, flag, _ = _fit_all(rows_X[tr], y[tr], fams[tr], [cats[i] for i in tr], seed)
        oof[val_mask] = gated_scores(flag, vec.transform(rows_X[idx[val_mask]]), gates, idx[val_mask])
    return oof


# --- entry point -----------------------------------------------------------------------------------


def _bundle(version: str, threshold: float, vec, flag, cat_head, config: dict) -> dict[str, np.ndarray]:
    """The model file's arrays (pantau.nlp.model_file): what classifying needs of the fitted objects."""
    meta = {"model_version": version, "threshold": float(threshold), "dense_names": list(DENSE_NAMES),
            "category_signal_boost": float(CONFIG["category_signal_boost"]), "config": json.loads(json.dumps(config))}
    return export_arrays(meta, vec, flag, cat_head)


def train(data_path: Path | None = None, out_dir: Path | None = None, seed: int = 0, evaluate: bool = True) -> dict:
    """Train, estimate on held-out groups, write <out_dir>/asn_campaign.npz and metrics.json.

    Returns the metrics dict (also written to metrics.json).
    """
    data_path = Path(data_path) if data_path else default_data_path()
    out_dir = Path(out_dir) if out_dir else default_model_dir()
    if not data_path.exists():
        raise FileNotFoundError(f"labelled data not found at {data_path}")
    data_bytes = data_path.read_bytes()
    examples = load_examples(data_path)
    config = {**CONFIG, "code": code_fingerprint(), "seed": seed}
    version = model_version(data_bytes, config)

    analysed = analyse_many([r["text"] for r in examples], [r.get("bio") or "" for r in examples])
    rows_X = build_rows(analysed)
    # Each row's flag gate (identity evidence and an act, pantau.nlp.identity): the threshold is chosen and the
    # held-out figures are measured on the same decision the classifier makes.
    row_gates = [gate(a.signals, r["text"][:MAX_TEXT_CHARS]) for a, r in zip(analysed, examples)]
    # The labels mark ASN violations: flags of the other identity classes (kepala desa, TNI/Polri) are left out here.
    gates = (np.array([g[0] if g[3] == "asn" else NO_FLAG for g in row_gates]), np.array([g[1] for g in row_gates]))
    y = np.array([int(r["label"]) for r in examples])
    fams = np.array([r["family"] for r in examples])
    registers = np.array([str(r.get("register") or "-") for r in examples])
    cues = np.array([str(r.get("cue") or "-") for r in examples])
    cats = [r.get("category") for r in examples]

    split = group_split(fams.tolist(), registers.tolist(), cues.tolist(), seed, CONFIG["split"]["test_folds"],
                        CONFIG["split"]["group_share"])
    dev, test = split["dev"], split["test"]
    if len(set(y[dev].tolist())) < 2:
        raise DataError("the development split needs both labels; add more families")

    # Out-of-fold probabilities on DEV (family folds + held-out register/cue groups) choose the threshold.
    oof = out_of_fold_scores(rows_X, y, fams, cats, dev, seed, registers, cues, gates)
    threshold, val_summary = choose_threshold(y[dev], oof, CONFIG["min_precision"], CONFIG["f1_tolerance"])

    # Estimate model: the same recipe fitted on DEV only; TEST is scored once with it.
    vec, flag, cat_head = _fit_all(rows_X[dev], y[dev], fams[dev], [cats[i] for i in dev], seed)
    test_fams = sorted(set(fams[test].tolist()))
    metrics: dict[str, Any] = {
        "model_version": version,
        "threshold": threshold,
        "seed": seed,
        "data": {"path": data_path.name, "sha256": hashlib.sha256(data_bytes).hexdigest(), "examples": len(examples),
                 "positives": int(y.sum()), "families": len(set(fams.tolist())),
                 "registers": sorted(set(registers.tolist())), "cues": sorted(set(cues.tolist())),
                 "handwritten": _handwritten_counts(fams, y), "reviewer_decisions": reviewer_counts(examples)},
        "split": {"unit": "group: family (stance fragment) x register x identity cue",
                  "dev_examples": int(len(dev)), "test_examples": int(len(test)),
                  "dropped_examples": int(len(split["dropped"])),
                  "dev_families": len(set(fams[dev].tolist())), "test_families": len(test_fams),
                  "held_out_registers": split["registers"], "held_out_cues": split["cues"],
                  "test_family_list": test_fams,
                  "shipped_model": "refitted on all examples with the same recipe and threshold"},
        "validation_oof": {**binary_metrics(y[dev], oof, threshold), "selection": val_summary},
        "config": config,
    }
    if len(test):
        X_test = vec.transform(rows_X[test])
        p_test = gated_scores(flag, X_test, gates, test)
        metrics["test"] = binary_metrics(y[test], p_test, threshold)
        novel = split["novel"][test]
        if novel.any() and len(set(y[test][novel].tolist())) == 2:
            metrics["test"]["novel_register_or_cue"] = binary_metrics(y[test][novel], p_test[novel], threshold)
        metrics["test"]["false_positive_rate_by_kind"] = _fp_by_kind(fams[test], y[test], p_test >= threshold)
        metrics["test"]["recall_by_category"] = _recall_by_category([cats[i] for i in test], y[test], p_test >= threshold)
        if cat_head is not None:
            pos = np.flatnonzero(y[test] == 1)
            if len(pos):
                pred_cat = cat_head.predict(category_matrix(X_test[pos], rows_X[test[pos]], CONFIG["category_signal_boost"]))
                true_cat = [cats[test[i]] for i in pos]
                metrics["test"]["category_accuracy_on_positives"] = float(np.mean([a == b for a, b in zip(pred_cat, true_cat)]))
        metrics["test_all_folds"] = _all_folds_estimate(rows_X, y, fams, registers, cues, cats, seed, threshold, split, p_test,
                                                        gates)
    metrics = _round(metrics)
    estimate_bundle = _bundle(version + "-estimate", threshold, vec, flag, cat_head, config)

    # Shipped model: all examples, same recipe, same threshold.
    vec, flag, cat_head = _fit_all(rows_X, y, fams, cats, seed)
    bundle = _bundle(version, threshold, vec, flag, cat_head, config)
    out_dir.mkdir(parents=True, exist_ok=True)
    if evaluate:
        # Internal held-out: the estimate model on the TEST families. External sets (hand-written realistic
        # posts, demo platform posts, the independent set if present): the shipped model, measured only,
        # never used for fitting or threshold choice.
        from pantau.nlp.classifier import Classifier
        from pantau.nlp.evaluate import evaluate_all, external_sets  # import cycle: evaluate imports train

        ev = evaluate_all(Classifier(estimate_bundle), metrics, sets=("heldout",), data_path=data_path)
        ev.update(evaluate_all(Classifier(bundle), metrics, sets=external_sets(), data_path=data_path))
        metrics["evaluation"] = _round(ev)
    save(bundle, out_dir / MODEL_FILE)
    (out_dir / METRICS_FILE).write_text(json.dumps(metrics, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    if evaluate:
        from pantau.nlp.evaluate import write_model_card  # import cycle: evaluate imports train

        write_model_card(out_dir)
    return metrics


def _all_folds_estimate(rows_X, y, fams, registers, cues, cats, seed: int, threshold: float, split0: dict, p0,
                        gates=None) -> dict:
    """The held-out protocol repeated with every family fold as TEST (each with its own held-out registers and
    cues), pooled: a steadier internal estimate than one fold of ~50 families. The threshold stays the one
    chosen on fold 0's development data (which contains the other folds' families, so this pooled figure is
    slightly less strict than fold 0 alone)."""
    pooled = np.full(len(y), np.nan)
    pooled[split0["test"]] = p0
    per_fold = [binary_metrics(y[split0["test"]], p0, threshold)["f1"]]
    for k in range(1, CONFIG["split"]["test_folds"]):
        sp_k = group_split(fams.tolist(), registers.tolist(), cues.tolist(), seed, CONFIG["split"]["test_folds"],
                           CONFIG["split"]["group_share"], test_fold=k)
        dev, test = sp_k["dev"], sp_k["test"]
        if not len(test) or len(set(y[dev].tolist())) < 2:
            continue
        vec, flag, _ = _fit_all(rows_X[dev], y[dev], fams[dev], [cats[i] for i in dev], seed)
        pooled[test] = gated_scores(flag, vec.transform(rows_X[test]), gates, test)
        per_fold.append(binary_metrics(y[test], pooled[test], threshold)["f1"])
    mask = ~np.isnan(pooled)
    out = {**binary_metrics(y[mask], pooled[mask], threshold), "folds": len(per_fold), "fold_f1": per_fold,
           "fold_f1_min": min(per_fold), "fold_f1_max": max(per_fold)}
    hw = mask & np.array([is_handwritten(f) for f in fams])
    if hw.any() and len(set(y[hw].tolist())) == 2:
        # The hand-written posts alone: whole posts, closest to the field, so the estimate to trust most.
        out["handwritten"] = binary_metrics(y[hw], pooled[hw], threshold)
        out["handwritten"]["recall_by_category"] = _recall_by_category([cats[i] for i in np.flatnonzero(hw)], y[hw],
                                                                       pooled[hw] >= threshold)
        out["handwritten"]["false_positive_rate_by_kind"] = _fp_by_kind(fams[hw], y[hw], pooled[hw] >= threshold)
    return out


def is_handwritten(family: str) -> bool:
    """Rows of nlp/data/handwritten.jsonl train under family kinds starting with "hw_"."""
    return family.startswith("hw_")


def _handwritten_counts(fams: np.ndarray, y: np.ndarray) -> dict:
    hw = np.array([is_handwritten(f) for f in fams], dtype=bool)
    return {"examples": int(hw.sum()), "positives": int(y[hw].sum()), "families": len(set(fams[hw].tolist()))}


def reviewer_counts(examples: Sequence[dict]) -> dict:
    """The reviewers' decisions among the examples (register "review", written by `pantau retrain`): how many,
    how many confirmed violations, and per model version that scored the posts (`scored_by`)."""
    rows = [r for r in examples if r.get("register") == "review"]
    versions: dict[str, int] = {}
    for r in rows:
        v = str(r.get("scored_by") or "-")
        versions[v] = versions.get(v, 0) + 1
    return {"examples": len(rows), "positives": sum(int(r["label"]) for r in rows),
            "by_model_version": dict(sorted(versions.items()))}


def _fp_by_kind(fams: np.ndarray, y: np.ndarray, flagged: np.ndarray) -> dict:
    out: dict[str, dict] = {}
    for kind in sorted({family_kind(f) for f in fams.tolist()}):
        mask = np.array([family_kind(f) == kind for f in fams]) & (y == 0)
        if mask.any():
            out[kind] = {"negatives": int(mask.sum()), "flagged": int(flagged[mask].sum())}
    return out


def _recall_by_category(cats: list, y: np.ndarray, flagged: np.ndarray) -> dict:
    out: dict[str, dict] = {}
    for code in CATEGORY_CODES:
        mask = np.array([c == code for c in cats]) & (y == 1)
        if mask.any():
            out[code] = {"positives": int(mask.sum()), "flagged": int(flagged[mask].sum())}
    return out
