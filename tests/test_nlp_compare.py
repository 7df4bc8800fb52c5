"""The promotion rule of `pantau retrain` (pantau.nlp.compare.promotion_verdict), clause by clause, and the
comparison report's table (every set x metric, current, candidate, delta)."""

from __future__ import annotations

from pantau.nlp.compare import FIXED_F1_TOLERANCE, METRICS, promotion_verdict, render_comparison


def row(name: str, current: float, candidate: float, n: int = 40) -> dict:
    out = {"set": name, "examples": n, "positives": n // 2}
    for metric in METRICS:
        out[f"current_{metric}"] = current
        out[f"candidate_{metric}"] = candidate
    return out


def test_better_on_reviewers_and_not_worse_on_fixed_sets_is_promoted():
    ok, reason = promotion_verdict([row("reviewers_heldout", 0.70, 0.80), row("realistic", 0.9, 0.9),
                                    row("demo", 0.8, 0.8 - FIXED_F1_TOLERANCE / 2)])
    assert ok and "reviewers_heldout" in reason


def test_worse_on_reviewers_is_not_promoted_even_when_better_elsewhere():
    ok, reason = promotion_verdict([row("reviewers_heldout", 0.80, 0.79), row("realistic", 0.5, 0.9),
                                    row("demo", 0.5, 0.9)])
    assert not ok and "reviewers' held-out" in reason


def test_a_fixed_set_worse_beyond_the_tolerance_blocks_promotion():
    """A candidate trained on label-flipped reviewer rows can look better on those reviewers' (flipped) held-out
    decisions: the fixed sets catch it."""
    ok, reason = promotion_verdict([row("reviewers_heldout", 0.6, 0.9), row("realistic", 0.9, 0.9),
                                    row("demo", 0.8, 0.8 - 2 * FIXED_F1_TOLERANCE)])
    assert not ok and "demo (" in reason


def test_equal_everywhere_or_nothing_held_out_is_not_promoted():
    ok, reason = promotion_verdict([row("reviewers_heldout", 0.8, 0.8), row("realistic", 0.9, 0.9), row("demo", 0.8, 0.8)])
    assert not ok and "not strictly better" in reason
    ok, reason = promotion_verdict([row("reviewers_heldout", 0.0, 0.0, n=0), row("realistic", 0.5, 0.9)])
    assert not ok and "no reviewer decision held out" in reason


def test_margin_applies_to_the_reviewers_set():
    rows = [row("reviewers_heldout", 0.80, 0.805), row("realistic", 0.9, 0.9), row("demo", 0.8, 0.8)]
    assert promotion_verdict(rows)[0]
    assert not promotion_verdict(rows, margin=0.01)[0]


def test_report_lists_every_set_and_metric_with_delta():
    rows = [row("reviewers_heldout", 0.5, 0.75, n=12), row("realistic", 0.9, 0.85, n=300)]
    md = render_comparison(rows, current_version="m-old", candidate_version="m-new", promoted=False, reason="x",
                           reviewed={"examples": 59, "positives": 20})
    assert "| reviewers_heldout | 12 | 6 | f1 | 0.5000 | 0.7500 | +0.2500 |" in md
    assert "| realistic | 300 | 150 | false-flag-rate | 0.9000 | 0.8500 | -0.0500 |" in md
    assert sum(line.startswith("| realistic |") for line in md.splitlines()) == len(METRICS)
    assert "`m-old`" in md and "`m-new`" in md and "59 (20 confirmed violations)" in md and "**not promoted**" in md
