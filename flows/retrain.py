"""Prefect flow `retrain`: train a candidate model on the project's labelled data plus the reviewers' decisions,
and promote it only if it is not worse than the active model on examples the candidate never saw.

Reviewed posts become examples: a confirmed violation (four-eyes) is a positive with its category, a post decided
`not_violation` a negative; each author is one family (`review.<platform>.<author>`), so the training's group
split holds out whole authors, never rows of an author it trained on. The candidate is trained deterministically
(`pantau.nlp.train.train`) into a work folder; both models are then scored on the candidate's held-out examples
(its test families, repository and reviewed alike) at their own thresholds. The candidate replaces the active
model only when its F1 there is at least the active model's (the active model may have trained on some of those
examples, which favours it: promotion is conservative). The previous model is kept as `*.previous`.

The active model is the file named by PANTAU_MODEL (what `monitor` and `classify` load, see
`pantau.nlp.classifier.default_model_path`); until a first promotion writes it, the packaged model is used.
Publishes the run report artifact `retrain`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

from prefect import flow, task

from pantau.categories import CATEGORIES
from pantau.nlp.classifier import active_model_target, default_model_path, load
from pantau.nlp.evaluate import heldout_examples, score_set
from pantau.nlp.model_file import MODEL_FILE
from pantau.nlp.train import default_data_path, train
from pantau.store.db import Store

from .report import publish

POSITIVE_STATUS = "confirmed"
NEGATIVE_STATUS = "not_violation"


@task(retries=2, retry_delay_seconds=[5, 30])
def reviewed_examples(db: Path) -> list[dict]:
    """Examples from the reviewers' final decisions (read-only, short connection)."""
    rows = Store(db).query(
        """SELECT qi.platform, qi.post_id, qi.status, coalesce(qi.category, lc.category) AS category,
                  p.text, p.author_bio, coalesce(p.author_id, p.author_handle, p.post_id) AS author
           FROM queue_items qi JOIN posts p USING (platform, post_id)
           LEFT JOIN latest_classification lc USING (platform, post_id)
           WHERE qi.status IN (?, ?) ORDER BY qi.platform, qi.post_id""",
        [POSITIVE_STATUS, NEGATIVE_STATUS])
    out = []
    for r in rows:
        positive = r["status"] == POSITIVE_STATUS
        if positive and r["category"] not in CATEGORIES:
            continue  # a positive needs its SKB category for the category head
        out.append({"id": f"review-{r['platform']}-{r['post_id']}", "family": f"review.{r['platform']}.{r['author']}",
                    "register": "review", "cue": "-", "platform": r["platform"], "text": r["text"],
                    "bio": r["author_bio"] or "", "label": int(positive),
                    "category": r["category"] if positive else None})
    return out


@task
def train_candidate(examples: list[dict], data_path: Path, work: Path, seed: int) -> dict:
    """Train on the labelled file plus `examples` into `work/model/` (deterministic; pure CPU: no retries)."""
    combined = work / "labelled.jsonl"
    with open(combined, "w", encoding="utf-8") as out:
        out.write(Path(data_path).read_text(encoding="utf-8").rstrip("\n") + "\n")
        for ex in examples:
            out.write(json.dumps(ex, ensure_ascii=False) + "\n")
    metrics = train(combined, work / "model", seed=seed)
    return {"model_path": str(work / "model" / MODEL_FILE), "data_path": str(combined),
            "version": metrics["model_version"]}


@task
def compare(active_path: Path, candidate_path: Path, data_path: Path) -> dict:
    """F1 of both models on the candidate's held-out examples."""
    metrics = json.loads((Path(candidate_path).parent / "metrics.json").read_text(encoding="utf-8"))
    held = heldout_examples(metrics, data_path)
    active, candidate = load(active_path), load(candidate_path)
    a, c = score_set(active, held)["model"], score_set(candidate, held)["model"]
    return {"heldout_examples": len(held), "heldout_reviewed": sum(r["family"].startswith("review.") for r in held),
            "active_version": active.version, "candidate_version": candidate.version,
            "active_f1": round(a["f1"], 4), "candidate_f1": round(c["f1"], 4),
            "active_precision": round(a["precision"], 4), "candidate_precision": round(c["precision"], 4),
            "active_recall": round(a["recall"], 4), "candidate_recall": round(c["recall"], 4)}


@task(retries=2, retry_delay_seconds=[1, 5])
def promote(candidate_path: Path, target: Path) -> str:
    """Put the candidate (with its metrics.json and model card) at `target`, keeping the old file as .previous;
    the model file is replaced atomically, so a running classify loads either the old or the new model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.copy2(target, target.with_name(target.name + ".previous"))
    src_dir = Path(candidate_path).parent
    for extra in ("metrics.json", "MODEL_CARD.md"):
        if (src_dir / extra).exists():
            shutil.copy2(src_dir / extra, target.with_name(f"{target.stem}.{extra}"))
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copy2(candidate_path, tmp)
    tmp.replace(target)
    return str(target)


@flow(name="retrain", log_prints=True, timeout_seconds=3 * 3600)
def retrain(db: Path, model_path: Path | None = None, data_path: Path | None = None, min_reviewed: int = 20,
            margin: float = 0.0, seed: int = 0, work_dir: Path | None = None) -> dict:
    """Retrain with the reviewers' decisions in `db`; promote to `model_path` (default PANTAU_MODEL) when the
    candidate's held-out F1 is at least the active model's plus `margin` (0: not worse; a positive margin avoids
    replacing a model for noise). With fewer than `min_reviewed` reviewed posts nothing is trained."""
    started = time.perf_counter()
    target = Path(model_path) if model_path else active_model_target()
    active = target if target.exists() else default_model_path(packaged=True)
    examples = reviewed_examples(Path(db))
    summary: dict = {"reviewed": len(examples), "positives": sum(e["label"] for e in examples),
                     "active_model": str(active), "promoted": False}
    if len(examples) < min_reviewed:
        summary["reason"] = f"only {len(examples)} reviewed post(s), fewer than {min_reviewed}: nothing trained"
    else:
        work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="pantau-retrain-"))
        work.mkdir(parents=True, exist_ok=True)
        cand = train_candidate(examples, Path(data_path) if data_path else default_data_path(), work, seed)
        scores = compare(active, Path(cand["model_path"]), Path(cand["data_path"]))
        summary.update(scores)
        if scores["candidate_f1"] >= scores["active_f1"] + margin:
            summary["model_path"] = promote(Path(cand["model_path"]), target)
            summary["promoted"] = True
            summary["reason"] = "candidate F1 not worse on held-out examples" + (f" (margin {margin})" if margin else "")
        else:
            summary["reason"] = ("candidate F1 worse on held-out examples" + (f" than active + {margin}" if margin else "")
                                 + ": active model kept")
    print(f"retrain: {summary['reviewed']} reviewed post(s); " + summary["reason"]
          + (f" (F1 {summary.get('candidate_f1')} vs {summary.get('active_f1')})" if "active_f1" in summary else ""))
    figures = {k: summary.get(k) for k in ("reviewed", "positives", "heldout_examples", "heldout_reviewed",
                                            "active_version", "active_f1", "candidate_version", "candidate_f1",
                                            "promoted", "reason")}
    publish("retrain", "retrain", figures, {}, time.perf_counter() - started)
    return summary
