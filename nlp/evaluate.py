"""Evaluate a trained classifier (and a keyword baseline) on three sets; render the model card.

Sets:
- ``heldout``: the TEST families of nlp/data/labelled.jsonl (the families listed in metrics.json,
  never used for fitting or threshold choice);
- ``realistic``: nlp/data/eval_realistic.jsonl, posts written by hand, independently of the
  generator; NEVER used for training or threshold choice;
- ``demo``: the demo platform's posts (pantau.demo.generate), labelled by their hidden ``truth``.

The keyword baseline flags a post when an ASN word (bio or text) co-occurs with a campaign word
(text) — the "ASN words x campaign words" rule the issue asks to beat.

    from pantau.nlp.evaluate import evaluate_all, render_model_card
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pantau.nlp.train import CATEGORY_CODES, METRICS_FILE, binary_metrics, default_data_path, load_examples

MODEL_CARD_FILE = "MODEL_CARD.md"
CURVE_THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)

_ASN_WORDS = re.compile(
    r"\b(asn|pns|pppk|guru|dosen|bidan|perawat|dokter|camat|lurah|kepala (dinas|sekolah|puskesmas|seksi|bidang)|"
    r"kadis|kasubag|kabid|kasi|dinas|puskesmas|rsud|kecamatan|kelurahan|pemkab|pemkot|pemprov|kemenag|"
    r"penyuluh|widyaiswara|setda|sekda|nip)\b")
_CAMPAIGN_WORDS = re.compile(
    r"\b(pilih|coblos|nyoblos|milih|dukung|menangkan|kampanye|paslon|nomor urut|no urut|relawan|"
    r"tim (sukses|pemenangan)|deklarasi|konvoi|baliho|spanduk|stiker|partai|bacalon|calon)\b|[☝✌🤟]")


def keyword_baseline(text: str, bio: str | None) -> int:
    """1 when an ASN word (bio or text) and a campaign word (text) both occur, else 0."""
    t = (text or "").lower()
    b = (bio or "").lower()
    return int(bool(_ASN_WORDS.search(t) or _ASN_WORDS.search(b)) and bool(_CAMPAIGN_WORDS.search(t)))


def default_realistic_path() -> Path:
    return default_data_path().parent / "eval_realistic.jsonl"


def demo_examples(seed: int = 7, n: int = 360) -> list[dict]:
    """The demo platform's posts as labelled examples (label = truth.violation)."""
    from pantau.demo.generate import generate_posts

    out = []
    for p in generate_posts(seed=seed, n=n):
        t = p["truth"]
        out.append({"id": "demo-" + p["id"], "family": "demo." + str(t.get("kind")), "text": p["text"],
                    "bio": (p.get("author") or {}).get("bio") or "", "label": int(bool(t["violation"])),
                    "category": t.get("category") if t["violation"] else None, "kind": t.get("kind")})
    return out


def heldout_examples(metrics: dict, data_path: Path | None = None) -> list[dict]:
    fams = set(metrics.get("split", {}).get("test_family_list", []))
    return [r for r in load_examples(Path(data_path) if data_path else default_data_path()) if r["family"] in fams]


def _confusion(y: np.ndarray, pred: np.ndarray) -> dict:
    return {"tp": int(np.sum(pred & (y == 1))), "fp": int(np.sum(pred & (y == 0))),
            "fn": int(np.sum(~pred & (y == 1))), "tn": int(np.sum(~pred & (y == 0)))}


def score_set(clf, examples: Sequence[dict], *, max_examples: int = 8) -> dict:
    """Model and baseline metrics on one labelled set (threshold = the model's own)."""
    texts = [r["text"] for r in examples]
    bios = [r.get("bio") or "" for r in examples]
    y = np.array([int(r["label"]) for r in examples])
    p = clf.score_texts(texts, bios)
    pred = p >= clf.threshold
    model = binary_metrics(y, p, clf.threshold)
    base_pred = np.array([keyword_baseline(t, b) for t, b in zip(texts, bios)], dtype=bool)
    base = binary_metrics(y, base_pred.astype(float), 0.5)
    base.pop("roc_auc", None)
    base.pop("average_precision", None)
    cats = [r.get("category") for r in examples]
    per_cat = {}
    for code in CATEGORY_CODES:
        m = np.array([c == code for c in cats]) & (y == 1)
        if m.any():
            per_cat[code] = {"positives": int(m.sum()), "model_recall": float(pred[m].mean()),
                             "baseline_recall": float(base_pred[m].mean())}
    kinds: dict[str, dict] = {}
    for i, r in enumerate(examples):
        if y[i] == 0:
            k = r.get("kind") or r["family"].split(".", 1)[0]
            d = kinds.setdefault(k, {"negatives": 0, "model_flagged": 0, "baseline_flagged": 0})
            d["negatives"] += 1
            d["model_flagged"] += int(pred[i])
            d["baseline_flagged"] += int(base_pred[i])
    curve = []
    for t in CURVE_THRESHOLDS:
        c = _confusion(y, p >= t)
        prec = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        rec = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        curve.append({"threshold": t, "precision": prec, "recall": rec,
                      "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0})
    negatives = int(np.sum(y == 0))
    order = np.argsort(-np.abs(p - clf.threshold))  # deterministic order: most confident errors first
    misses = [i for i in order if y[i] == 1 and not pred[i]][:max_examples]
    false_flags = [i for i in order if y[i] == 0 and pred[i]][:max_examples]
    ex = lambda i: {"bio": bios[i], "text": texts[i], "score": round(float(p[i]), 4)}  # noqa: E731
    return {
        "model": {**model, "false_flag_rate": model["fp"] / negatives if negatives else 0.0},
        "baseline": {**base, "false_flag_rate": base["fp"] / negatives if negatives else 0.0},
        "per_category": per_cat,
        "negatives_by_kind": dict(sorted(kinds.items())),
        "threshold_curve": curve,
        "misses": [ex(i) for i in misses],
        "false_flags": [ex(i) for i in false_flags],
    }


def evaluate_all(clf, metrics: dict | None = None, *, sets: Sequence[str] = ("heldout", "realistic", "demo"),
                 data_path: Path | None = None) -> dict:
    """{set name: score_set(...)} for the named sets (held-out families come from `data_path`)."""
    out: dict[str, Any] = {}
    for name in sets:
        if name == "heldout":
            ex = heldout_examples(metrics or {}, data_path)
        elif name == "realistic":
            ex = load_examples(default_realistic_path())
        elif name == "demo":
            ex = demo_examples()
        else:
            raise ValueError(f"unknown evaluation set {name!r} (heldout, realistic, demo)")
        if ex:
            out[name] = score_set(clf, ex)
    return out


# --- model card ------------------------------------------------------------------------------------

_SET_TITLES = {
    "heldout": "Held-out template families (synthetic, never trained on)",
    "realistic": "Hand-written realistic posts (nlp/data/eval_realistic.jsonl, never trained on)",
    "demo": "Demo platform posts (written independently of the training generator)",
}


def _f(x: float) -> str:
    return f"{x:.3f}"


def render_model_card(metrics: dict) -> str:
    """The model card (Markdown) generated from metrics.json; no other input."""
    d = metrics["data"]
    lines = [
        "# Model card: pantau ASN-campaign classifier",
        "",
        "<!-- GENERATED from metrics.json by pantau.nlp.evaluate.render_model_card; do not edit by hand. -->",
        "",
        f"- Model version: `{metrics['model_version']}`",
        f"- Flag threshold: {metrics['threshold']} (chosen on out-of-fold validation scores of development families)",
        f"- Seed: {metrics['seed']}",
        "",
        "## Intended use",
        "",
        "Ranks public social-media posts for human reviewers of an election monitoring team: a flag means the",
        "author is likely ASN (civil servant) *and* the post takes sides for a candidate or party. A flag is a",
        "lead for review, never a finding; every report to Bawaslu needs a human check of the account and",
        "the evidence. Not for automated sanctions, profiling of individuals, or non-Indonesian text.",
        "",
        "## Training data",
        "",
        f"- `{d['path']}`: {d['examples']} synthetic examples ({d['positives']} positive) from "
        f"{d['families']} template families, generated by `nlp/data/generate.py` (licence-clean, project-written).",
        f"- Split by family: {metrics['split']['dev_families']} development families, "
        f"{metrics['split']['test_families']} held-out test families.",
        "",
        "## Metrics",
        "",
        "| set | n | pos | model P | model R | model F1 | false-flag rate | baseline P | baseline R | baseline F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    ev = metrics.get("evaluation", {})
    for name, s in ev.items():
        m, b = s["model"], s["baseline"]
        lines.append(f"| {name} | {m['n']} | {m['positives']} | {_f(m['precision'])} | {_f(m['recall'])} | {_f(m['f1'])} | "
                     f"{_f(m['false_flag_rate'])} | {_f(b['precision'])} | {_f(b['recall'])} | {_f(b['f1'])} |")
    lines += ["", "Baseline: keyword co-occurrence (an ASN word in bio or text AND a campaign word in the text).", ""]
    for name, s in ev.items():
        lines += [f"### {_SET_TITLES.get(name, name)}", "",
                  f"Confusion (model): TP {s['model']['tp']}, FP {s['model']['fp']}, FN {s['model']['fn']}, TN {s['model']['tn']}.", "",
                  "| category | positives | model recall | baseline recall |", "|---|---|---|---|"]
        for code, c in s["per_category"].items():
            lines.append(f"| {code} | {c['positives']} | {_f(c['model_recall'])} | {_f(c['baseline_recall'])} |")
        lines += ["", "| threshold | precision | recall | F1 |", "|---|---|---|---|"]
        for c in s["threshold_curve"]:
            lines.append(f"| {c['threshold']} | {_f(c['precision'])} | {_f(c['recall'])} | {_f(c['f1'])} |")
        lines.append("")
    lines += ["## Limitations", "",
              "- Trained only on synthetic, template-generated posts; the held-out-family score overstates real-world",
              "  performance. The hand-written and demo sets are the better predictors; real posts will be harder still.",
              "- TF-IDF + linear model: no world knowledge; ASN status is inferred from role words in the bio or text only",
              "  (uniform photos, NIP images and employer pages are not seen).",
              "- Candidate names are not known unless they appear with campaign context (nomor urut, vote verbs, hashtags).",
              "- The realistic set is small (a few hundred posts) and was written by one author; its confidence intervals are wide.",
              "", "## Known failure cases", ""]
    for name, s in ev.items():
        if name == "heldout":
            continue
        for kind, key in (("missed violation", "misses"), ("false flag", "false_flags")):
            for e in s[key]:
                lines.append(f"- [{name}, {kind}, score {e['score']}] bio: \"{e['bio']}\" — text: \"{e['text']}\"")
    lines.append("")
    return "\n".join(lines)


def write_model_card(model_dir: Path) -> Path:
    metrics = json.loads((Path(model_dir) / METRICS_FILE).read_text(encoding="utf-8"))
    path = Path(model_dir) / MODEL_CARD_FILE
    path.write_text(render_model_card(metrics), encoding="utf-8")
    return path
