"""Prefect flow `retrain`: train a candidate model on the project's labelled data plus the reviewers' decisions,
compare it with the current (active) model on the same sets, and promote it only if it is better.

Reviewers' final decisions come from `v_training_rows` (store/learning.py): a confirmed violation (four-eyes) is a
positive with its category, a post decided `not_violation` a negative (an unflagged post from the "Bantu model"
lane too), each with the model version that scored it. Each author is one family (`review.<platform>.<author>`), so
the training's group split holds out whole authors, never rows of an author it trained on. The candidate is
trained deterministically (`pantau.nlp.train.train`, whose model card counts the reviewer decisions and the model
versions they were made on) into a work folder. Both models are then scored on the same sets
(pantau.nlp.compare): the reviewers' decisions held out of the candidate's training and the fixed evaluation
sets; `promotion_verdict` decides. The comparison report (Markdown: set, metric, current, candidate, delta) is
published as the Prefect artifact `retrain-comparison` and written beside the candidate (`comparison.md` in the
work folder) and beside the active model (`<model>.retrain.md`, the latest run). The previous model is kept as
`*.previous`.

The active model is the file named by PANTAU_MODEL (what `monitor` and `classify` load, see
`pantau.nlp.classifier.default_model_path`); until a first promotion writes it, the packaged model is used.
Publishes the run report artifact `retrain` too.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from pantau.categories import CATEGORIES
from pantau.nlp.classifier import active_model_target, default_model_path, load
from pantau.nlp.compare import REVIEW_SET, compare_models, comparison_sets, promotion_verdict, render_comparison
from pantau.nlp.model_file import MODEL_FILE
from pantau.nlp.train import default_data_path, train
from pantau.store.db import Store
from pantau.store.learning import training_rows

from .report import publish

COMPARISON_ARTIFACT = "retrain-comparison"


@task(retries=2, retry_delay_seconds=[5, 30])
def reviewed_examples(db: Path) -> list[dict]:
    """Examples from the reviewers' final decisions (v_training_rows; read-only, short connection). `scored_by` is
    the model version that scored the post when it was decided."""
    out = []
    for r in training_rows(Store(db)):
        positive = bool(r["label"])
        if positive and r["category"] not in CATEGORIES:
            continue  # a positive needs its SKB category for the category head
        out.append({"id": f"review-{r['platform']}-{r['post_id']}", "family": f"review.{r['platform']}.{r['author']}",
                    "register": "review", "cue": "-", "platform": r["platform"], "text": r["text"],
                    "bio": r["author_bio"] or "", "label": int(positive),
                    "category": r["category"] if positive else None, "scored_by": r["model_version"] or "-"})
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
    """Both models on the same sets (pantau.nlp.compare): the reviewers' held-out decisions and the fixed sets."""
    metrics = json.loads((Path(candidate_path).parent / "metrics.json").read_text(encoding="utf-8"))
    active, candidate = load(active_path), load(candidate_path)
    rows = compare_models(active, candidate, comparison_sets(metrics, data_path))
    return {"rows": rows, "active_version": active.version, "candidate_version": candidate.version,
            "reviewed_trained": metrics["data"].get("reviewer_decisions") or {}}


@task(retries=2, retry_delay_seconds=[1, 5])
def promote(candidate_path: Path, target: Path) -> str:
    """Put the candidate (with its metrics.json, model card and comparison report) at `target`, keeping the old
    file as .previous; the model file is replaced atomically, so a running classify loads either the old or the new
    model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.copy2(target, target.with_name(target.name + ".previous"))
    src_dir = Path(candidate_path).parent
    for extra in ("metrics.json", "MODEL_CARD.md", "comparison.md"):
        if (src_dir / extra).exists():
            shutil.copy2(src_dir / extra, target.with_name(f"{target.stem}.{extra}"))
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copy2(candidate_path, tmp)
    tmp.replace(target)
    return str(target)


def report_path(target: Path) -> Path:
    """The latest comparison report beside the active model: <model>.retrain.md."""
    return target.with_name(f"{target.stem}.retrain.md")


@flow(name="retrain", log_prints=True, timeout_seconds=3 * 3600)
def retrain(db: Path, model_path: Path | None = None, data_path: Path | None = None, min_reviewed: int = 20,
            margin: float = 0.0, seed: int = 0, work_dir: Path | None = None) -> dict:
    """Retrain with the reviewers' decisions in `db`; promote to `model_path` (default PANTAU_MODEL) when
    `promotion_verdict` says the candidate is better (`margin`: how much higher its F1 on the reviewers' held-out
    decisions must be; 0: not worse, and some set strictly better). With fewer than `min_reviewed` reviewed posts
    nothing is trained."""
    started = time.perf_counter()
    target = Path(model_path) if model_path else active_model_target()
    active = target if target.exists() else default_model_path(packaged=True)
    examples = reviewed_examples(Path(db))
    summary: dict = {"reviewed": len(examples), "positives": sum(e["label"] for e in examples),
                     "active_model": str(active), "promoted": False}
    # Confirmed violations without an SKB category (a post the model did not flag has none) cannot train the
    # category head: left out, and counted so the report says so.
    summary["uncategorised_violations"] = (
        Store(Path(db)).scalar("SELECT count(*) FROM v_training_rows WHERE label = 1") - summary["positives"])
    if len(examples) < min_reviewed:
        summary["reason"] = f"only {len(examples)} reviewed post(s), fewer than {min_reviewed}: nothing trained"
    else:
        work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="pantau-retrain-"))
        work.mkdir(parents=True, exist_ok=True)
        cand = train_candidate(examples, Path(data_path) if data_path else default_data_path(), work, seed)
        scores = compare(active, Path(cand["model_path"]), Path(cand["data_path"]))
        review = next(r for r in scores["rows"] if r["set"] == REVIEW_SET)
        promoted, reason = promotion_verdict(scores["rows"], margin=margin)
        summary.update(comparison=scores["rows"], active_version=scores["active_version"],
                       candidate_version=scores["candidate_version"], heldout_examples=review["examples"],
                       heldout_reviewed=review["examples"], active_f1=review["current_f1"],
                       candidate_f1=review["candidate_f1"], reason=reason)
        report = render_comparison(scores["rows"], current_version=scores["active_version"],
                                   candidate_version=scores["candidate_version"], promoted=promoted, reason=reason,
                                   reviewed=scores["reviewed_trained"])
        (Path(cand["model_path"]).parent / "comparison.md").write_text(report, encoding="utf-8")
        if promoted:
            summary["model_path"] = promote(Path(cand["model_path"]), target)
            summary["promoted"] = True
        target.parent.mkdir(parents=True, exist_ok=True)
        report_path(target).write_text(report, encoding="utf-8")
        summary["report_path"] = str(report_path(target))
        create_markdown_artifact(markdown=report, key=COMPARISON_ARTIFACT,
                                 description="retrain: candidate vs current on the same sets")
    print(f"retrain: {summary['reviewed']} reviewed post(s); " + summary["reason"]
          + (f" (F1 on reviewers' held-out {summary.get('candidate_f1')} vs {summary.get('active_f1')})"
             if "active_f1" in summary else ""))
    figures = {k: summary.get(k) for k in ("reviewed", "positives", "uncategorised_violations", "heldout_examples", "heldout_reviewed",
                                            "active_version", "active_f1", "candidate_version", "candidate_f1",
                                            "promoted", "reason")}
    publish("retrain", "retrain", figures, {}, time.perf_counter() - started)
    return summary
