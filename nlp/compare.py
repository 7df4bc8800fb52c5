"""Candidate vs current model on the same sets, and the promotion rule (issue 18, part 3: `pantau retrain`).

Sets, identical for both models (same examples, same order; each model at its own threshold):
- ``reviewers_heldout``: the reviewers' decisions (v_training_rows) whose author is among the candidate's test
  families (the training's group split holds out whole authors, `review.<platform>.<author>`): the candidate never
  trained on them; the current model may have (which favours it: the comparison is conservative);
- ``realistic`` and ``demo``: the fixed evaluation sets of pantau.nlp.evaluate, never trained on by either model.
The blind sets (``independent``, ``everyday``) are left out on purpose: choosing between models on them would make
them no longer blind. The candidate's model card still scores them.

`promotion_verdict` is the one place the promotion rule is written (docs/operations.md#retrain).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from pantau.nlp.evaluate import default_realistic_path, demo_examples, heldout_examples, score_set
from pantau.nlp.train import load_examples

REVIEW_SET = "reviewers_heldout"
FIXED_SETS = ("realistic", "demo")
METRICS = ("precision", "recall", "f1", "false_flag_rate")
FIXED_F1_TOLERANCE = 0.01  # a fixed set's F1 may drop by at most this much (noise of a few examples)


def comparison_sets(candidate_metrics: dict, data_path: Path) -> dict[str, list[dict]]:
    """{set name: examples}: the reviewers' held-out decisions of the candidate's split, then the fixed sets."""
    held = heldout_examples(candidate_metrics, data_path)
    return {REVIEW_SET: [r for r in held if str(r["family"]).startswith("review.")],
            "realistic": load_examples(default_realistic_path()),
            "demo": demo_examples()}


def compare_models(current, candidate, sets: dict[str, Sequence[dict]]) -> list[dict]:
    """One row per set: examples, positives, and each metric of METRICS for both models (rounded to 4 places)."""
    rows = []
    for name, examples in sets.items():
        row = {"set": name, "examples": len(examples), "positives": sum(int(r["label"]) for r in examples)}
        for who, clf in (("current", current), ("candidate", candidate)):
            m = score_set(clf, examples, max_examples=0)["model"] if examples else {}
            for metric in METRICS:
                row[f"{who}_{metric}"] = round(float(m[metric]), 4) if examples else None
        rows.append(row)
    return rows


def promotion_verdict(rows: Sequence[dict], *, margin: float = 0.0,
                      tolerance: float = FIXED_F1_TOLERANCE) -> tuple[bool, str]:
    """The promotion rule: the candidate replaces the current model only when
    1. its F1 on the reviewers' held-out decisions is at least the current model's plus `margin`
       (and that set is not empty), and
    2. no fixed set's F1 is worse than the current model's by more than `tolerance`, and
    3. at least one set's F1 is strictly better.
    Returns (promote, reason)."""
    by_set = {r["set"]: r for r in rows}
    review = by_set.get(REVIEW_SET)
    if not review or not review["examples"]:
        return False, "no reviewer decision held out of the candidate's training: nothing to judge it on; current model kept"
    if review["candidate_f1"] < review["current_f1"] + margin:
        return False, (f"candidate F1 on the reviewers' held-out decisions {review['candidate_f1']} is below the current "
                       f"model's {review['current_f1']}" + (f" + margin {margin}" if margin else "") + "; current model kept")
    worse = [r for r in rows if r["set"] in FIXED_SETS and r["examples"]
             and r["candidate_f1"] < r["current_f1"] - tolerance]
    if worse:
        return False, ("candidate F1 worse by more than " + str(tolerance) + " on "
                       + ", ".join(f"{r['set']} ({r['candidate_f1']} vs {r['current_f1']})" for r in worse)
                       + "; current model kept")
    better = [r["set"] for r in rows if r["examples"] and r["candidate_f1"] > r["current_f1"]]
    if not better:
        return False, "candidate F1 not strictly better on any set; current model kept"
    return True, "candidate better: F1 higher on " + ", ".join(better) + ", not worse elsewhere"


def _cell(x: float | None) -> str:
    return "-" if x is None else f"{x:.4f}"


def _delta(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{b - a:+.4f}"


def render_comparison(rows: Sequence[dict], *, current_version: str, candidate_version: str, promoted: bool,
                      reason: str, reviewed: dict | None = None) -> str:
    """The comparison report (Markdown): one row per set and metric, current, candidate and delta."""
    lines = ["# Retrain: candidate vs current", "",
             f"- Current model: `{current_version}`",
             f"- Candidate model: `{candidate_version}`"]
    if reviewed:
        lines.append(f"- Reviewer decisions trained on: {reviewed.get('examples', 0)} "
                     f"({reviewed.get('positives', 0)} confirmed violations)")
    lines += [f"- Verdict: **{'promoted' if promoted else 'not promoted'}**: {reason}", "",
              "Both models are scored on the same examples of every set, each at its own threshold.", "",
              "| set | examples | positives | metric | current | candidate | delta |",
              "|---|---|---|---|---|---|---|"]
    for r in rows:
        for metric in METRICS:
            a, b = r[f"current_{metric}"], r[f"candidate_{metric}"]
            lines.append(f"| {r['set']} | {r['examples']} | {r['positives']} | {metric.replace('_', '-')} | "
                         f"{_cell(a)} | {_cell(b)} | {_delta(a, b)} |")
    lines += ["", "Rule (pantau.nlp.compare.promotion_verdict): F1 on the reviewers' held-out decisions not worse "
              f"(plus the margin), no fixed set's F1 worse by more than {FIXED_F1_TOLERANCE}, and at least one set "
              "strictly better.", ""]
    return "\n".join(lines)
