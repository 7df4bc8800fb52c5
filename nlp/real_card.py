"""The model card's sections on real posts (metrics.json `real_chatter` and `real_partisan`, written by
`pantau.nlp.real_chatter`), and the exact one-sided upper bound of a rate used across the card."""

from __future__ import annotations


def rate_upper_bound(flagged: int, n: int, confidence: float = 0.95) -> float:
    """Exact (Clopper-Pearson) one-sided upper confidence bound of a rate seen as flagged of n: the claim "the rate
    is at most the goal" is one-sided."""
    from scipy.stats import beta  # heavy (scipy): only for the confidence bound

    if flagged >= n:
        return 1.0
    return float(beta.ppf(confidence, flagged + 1, n - flagged))


def real_chatter_lines(metrics: dict) -> list[str]:
    """The card's real-chatter section: each real set measured for this model version (metrics.json real_chatter,
    written by pantau.nlp.real_chatter), its rate and exact one-sided 95% upper bound computed here from the counts."""
    version, sets = _this_model(metrics, "real_chatter")
    lines = ["### Real election chatter", "",
             "Real public posts (not written by the project), each scored as a post with no author bio (real accounts",
             "mostly have none); never used for training, threshold choice or tuning. The platform's terms they were",
             "collected under do not allow redistribution, so they are not in this repository and no text is copied here: `python -m",
             "pantau.nlp.real_chatter SET DIR` re-measures a set from a checkout DIR of its source (docs/classifier.md).", ""]
    if not sets:
        return lines + [f"Not measured for model `{version}`: run the command above for each set of",
                        "`pantau.nlp.real_chatter.REAL_SETS`; it records the figures in metrics.json and regenerates this card.", ""]
    lines += ["| set | what | source (repository @ commit) | licence | posts | flagged | rate | one-sided 95% upper bound | "
              "with identity evidence | partisan (score >= 0.5) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in sets.items():
        lines.append(f"| {name} | {s['title']} | {s['source']} @ {s['commit'][:12]} | {s['licence']} | {s['n']} | {s['flagged']} | "
                     f"{100 * s['flagged'] / s['n']:.3f}% | {100 * rate_upper_bound(s['flagged'], s['n']):.3f}% | "
                     f"{s['identity_evidence']} | {s['partisan']} |")
    return lines + ["", _measured(sets) +
                    "; the command prints each flagged post (terminal only) for a hand check of its identity evidence.", ""]


def real_partisan_lines(metrics: dict) -> list[str]:
    """The card's section on real partisan posts scored with official and with citizens' bios (metrics.json
    real_partisan): recall with an ASN bio per post, flags with a citizen's bio, and the same over every bio."""
    version, sets = _this_model(metrics, "real_partisan")
    lines = ["### Real partisan posts with an official's or a citizen's bio", "",
             "Real first-person calls to vote for or support a candidate, chosen by reading (ids in",
             "`nlp/data/real_partisan_calls.json`, texts read from a checkout of their source; never training data), each",
             "scored once with an ASN or perangkat-desa bio (post k gets bio k of the list, in turn) and once with a",
             "citizen's bio; and then with every bio of each list. `python -m pantau.nlp.real_chatter SET DIR` re-measures.", ""]
    if not sets:
        return lines + [f"Not measured for model `{version}`.", ""]
    lines += ["| set | posts | official bio: flagged | recall | citizen bio: flagged | every official bio: recall | "
              "every citizen bio: flagged | note |", "|---|---|---|---|---|---|---|---|"]
    for name, s in sets.items():
        n, na, nc = s["n"], s["n_asn_bios"], s["n_citizen_bios"]
        lines.append(f"| {name} | {n} | {s['asn_flagged']} | {s['asn_flagged'] / n:.3f} | {s['citizen_flagged']} | "
                     f"{s['asn_flagged_every_bio'] / (n * na):.3f} ({s['asn_flagged_every_bio']} of {n * na}) | "
                     f"{s['citizen_flagged_every_bio']} of {n * nc} | {s['note']} |")
    return lines + ["", _measured(sets) + ".", ""]


def _this_model(metrics: dict, key: str) -> tuple[str, dict[str, dict]]:
    """The model's version and the sets under `key` of metrics.json measured with it (other versions' are stale)."""
    version = metrics["model_version"]
    return version, {k: s for k, s in (metrics.get(key) or {}).items() if s["model_version"] == version}


def _measured(sets: dict[str, dict]) -> str:
    return "Measured " + ", ".join(f"{name} on {s['measured']}" for name, s in sets.items())
