"""Evaluation sets, keyword baseline, factorised sub-labels, model card and the `evaluate`/`classify` CLI."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pantau.models
from pantau.nlp.classifier import load
from pantau.nlp.evaluate import (
    EVERYDAY_FALSE_FLAG_GOAL, MODEL_CARD_FILE, default_everyday_path, default_independent_path, default_realistic_path, demo_examples,
    keyword_baseline, load_labelled, rate_upper_bound, render_model_card, score_set,
)
from pantau.nlp.train import CATEGORY_CODES, METRICS_FILE, default_data_path, load_examples, sub_labels

MODELS = Path(pantau.models.__file__).parent
PANTAU = [sys.executable, "-m", "pantau.cli"]


def test_realistic_set_is_independent_balanced_and_covers_all_categories():
    rows = load_examples(default_realistic_path())
    assert len(rows) >= 200
    share = sum(r["label"] for r in rows) / len(rows)
    assert 0.25 <= share <= 0.4
    assert {r["category"] for r in rows if r["label"] == 1} == set(CATEGORY_CODES)
    assert len({r["text"] for r in rows}) == len(rows)
    train_texts = {r["text"] for r in load_examples(default_data_path())}
    assert not train_texts & {r["text"] for r in rows}, "the realistic set must never overlap the training data"


def test_everyday_set_is_all_negative_everyday_posts_large_enough_to_test_the_goal():
    """The everyday stand-in only measures false flags: every post is label 0, kind everyday, distinct; and it is
    large enough that zero flags would show the 0.2% goal at the one-sided 95% upper bound."""
    rows = load_labelled(default_everyday_path(), "everyday.")
    assert len(rows) >= 1500
    assert {(r["label"], r["kind"], r["category"]) for r in rows} == {(0, "everyday", None)}
    assert len({(r["text"], r["bio"]) for r in rows}) == len(rows)
    assert rate_upper_bound(0, len(rows)) <= EVERYDAY_FALSE_FLAG_GOAL
    train_texts = {r["text"] for r in load_examples(default_data_path())}
    assert not train_texts & {r["text"] for r in rows}, "the everyday set must never overlap the training data"


def test_rate_upper_bound_is_the_exact_clopper_pearson_bound():
    assert rate_upper_bound(0, 1000) == pytest.approx(1 - 0.05 ** (1 / 1000))   # closed form when nothing is flagged
    assert rate_upper_bound(5, 5) == 1.0
    assert rate_upper_bound(1, 424) > rate_upper_bound(0, 424) > 0 and rate_upper_bound(1, 424) > 1 / 424
    assert rate_upper_bound(0, 1497) < 0.002 < rate_upper_bound(0, 1496)    # 0 flags need >= 1,497 posts to show <= 0.2%


def test_demo_examples_take_the_label_from_truth():
    ex = demo_examples()
    assert len(ex) == 360
    pos = [e for e in ex if e["label"] == 1]
    assert pos and all(e["category"] in CATEGORY_CODES for e in pos)
    assert all(e["category"] is None for e in ex if e["label"] == 0)


@pytest.mark.parametrize("bio,text,expected", [
    ("Guru SDN 1 Pati", "Ayo coblos nomor 2!", 1),           # ASN word in bio x campaign word
    ("", "Sebagai PNS saya dukung paslon 3", 1),              # both in the text
    ("Relawan paslon 2", "Ayo coblos nomor 2!", 0),           # no ASN word
    ("Guru SDN 1 Pati", "Besok ulangan matematika", 0),      # no campaign word
])
def test_keyword_baseline(bio, text, expected):
    assert keyword_baseline(text, bio) == expected


def test_sub_labels_follow_the_definition():
    fams = ["kampanye_medsos.t00", "kampanye_medsos.t00", "neg_asn_kerja.t01", "neg_kandidat.t00", "neg_berita.t02"]
    asn, partisan = sub_labels(fams, np.array([1, 0, 0, 0, 0]))
    assert asn.tolist() == [1, 0, 1, 0, -1]          # -1: unknown, that row does not train the ASN head
    assert partisan.tolist() == [1, 1, 0, 1, 0]       # a campaign text takes sides whoever wrote it


def test_score_set_counts_are_consistent_with_the_model():
    clf = load()
    rows = load_examples(default_realistic_path())[:60]
    s = score_set(clf, rows)
    m = s["model"]
    assert m["tp"] + m["fn"] == sum(r["label"] for r in rows)
    assert m["tp"] + m["fp"] + m["fn"] + m["tn"] == len(rows)
    scores = clf.score_texts([r["text"] for r in rows], [r["bio"] for r in rows])
    assert m["tp"] == int(sum(1 for r, p in zip(rows, scores) if r["label"] == 1 and p >= clf.threshold))
    assert [c["threshold"] for c in s["threshold_curve"]] == sorted(c["threshold"] for c in s["threshold_curve"])


def test_model_card_is_generated_from_metrics_without_drift():
    metrics = json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8"))
    card = (MODELS / MODEL_CARD_FILE).read_text(encoding="utf-8")
    assert card == render_model_card(metrics), "models/MODEL_CARD.md is stale: run `pantau train`"
    assert metrics["model_version"] in card
    for name in ("heldout", "realistic", "demo"):
        assert f"| {name} |" in card


def test_evaluate_cli_prints_model_and_baseline(tmp_path):
    proc = subprocess.run([*PANTAU, "evaluate", "--sets", "realistic"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "[realistic]" in proc.stdout and "baseline P=" in proc.stdout and "threshold curve" in proc.stdout
    every = subprocess.run([*PANTAU, "evaluate", "--sets", "everyday"], capture_output=True, text=True, timeout=300)
    assert every.returncode == 0, every.stderr
    stored = json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8"))["evaluation"]["everyday"]["everyday_false_flag"]
    assert f"everyday false flags: {stored['model_flagged']} of {stored['negatives']} = " in every.stdout
    assert "P=" not in every.stdout and "threshold curve" not in every.stdout  # meaningless without positives
    bad = subprocess.run([*PANTAU, "evaluate", "--sets", "nope"], capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0 and "unknown evaluation set" in bad.stderr and "Traceback" not in bad.stderr


def test_classify_cli_reports_a_broken_model_clearly(tmp_path):
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"platform": "x", "post_id": "1", "text": "halo", "url": "https://x/1",
                                 "created_at": "2024-11-01T00:00:00Z"}) + "\n", encoding="utf-8")
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip file")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([*PANTAU, "classify", str(posts), "-o", str(out), "--model", str(broken)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "cannot read model file" in proc.stderr and "Traceback" not in proc.stderr
    assert posts.read_text(encoding="utf-8")  # input untouched


def test_independent_set_reports_rates_per_kind_and_never_copies_texts(tmp_path, monkeypatch):
    """The independent set is read by field names only; results hold counts and rates, never the posts."""
    import pantau.nlp.evaluate as ev

    rows = [
        {"id": "i1", "family": "x.1", "kind": "everyday", "text": "Macet parah di Jalan Kaliurang pagi ini", "bio": "", "label": 0, "category": None},
        {"id": "i2", "family": "x.2", "kind": "everyday", "text": "Nasi goreng depan kampus enak banget", "bio": "Mahasiswa", "label": 0, "category": None},
        {"id": "i3", "family": "x.3", "kind": "violation", "text": "Sebagai guru PNS saya ajak wali murid coblos nomor 2!",
         "bio": "Guru SDN 4 Klaten", "label": 1, "category": "kampanye_medsos"},
        {"id": "i4", "family": "x.4", "kind": "news", "text": "Bawaslu memeriksa camat yang diduga ikut kampanye", "bio": "Portal berita", "label": 0, "category": None},
    ]
    path = tmp_path / "eval_independent.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(ev, "default_independent_path", lambda: path)
    assert "independent" in ev.external_sets()
    res = ev.evaluate_all(load(), {}, sets=("independent",))["independent"]
    m = res["model"]
    assert m["n"] == 4 and m["positives"] == 1 and m["tp"] + m["fn"] == 1
    kinds = res["flag_rate_by_kind"]
    assert set(kinds) == {"everyday", "violation", "news"} and kinds["everyday"]["n"] == 2
    assert 0.0 <= kinds["everyday"]["model_flag_rate"] <= 1.0
    e = res["everyday_false_flag"]
    assert e["negatives"] == 2 and e["goal"] == 0.002 and e["model_rate"] == e["model_flagged"] / 2
    assert res["misses"] == [] and res["false_flags"] == []
    dumped = json.dumps(res, ensure_ascii=False)
    assert not any(r["text"] in dumped for r in rows)
    # missing file: the set is skipped, not an error
    monkeypatch.setattr(ev, "default_independent_path", lambda: tmp_path / "missing.jsonl")
    assert "independent" not in ev.external_sets()
    assert ev.evaluate_all(load(), {}, sets=("independent",)) == {}


def test_everyday_set_reports_false_flags_with_an_upper_bound_and_never_copies_texts(tmp_path, monkeypatch):
    import pantau.nlp.evaluate as ev

    texts = ["Macet parah di Jalan Kaliurang pagi ini", "Nasi goreng depan kampus enak banget",
             "gw pilih 02 lah, debat semalem dia paling jelas", "Siapa yg ke kondangan Mbak Rini besok? nebeng dong"]
    path = tmp_path / "eval_everyday.jsonl"
    path.write_text("".join(json.dumps({"id": f"e{i}", "family": f"e.{i}", "kind": "everyday", "text": t, "bio": "",
                                        "label": 0, "category": None}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    monkeypatch.setattr(ev, "default_everyday_path", lambda: path)
    assert ev.external_sets()[-1] == "everyday"
    res = ev.evaluate_all(load(), {}, sets=("everyday",))["everyday"]
    e = res["everyday_false_flag"]
    assert e["negatives"] == 4 and e["model_rate"] == e["model_flagged"] / 4
    assert e["model_rate_upper_95"] == pytest.approx(rate_upper_bound(e["model_flagged"], 4)) and e["model_rate_upper_95"] > 0.5
    assert e["met_at_upper_95"] is (e["model_rate_upper_95"] <= 0.002)
    assert not any(t in json.dumps(res, ensure_ascii=False) for t in texts)
    card = render_model_card({**json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8")),
                              "evaluation": {"everyday": res}})
    assert "| everyday (never used for training or tuning) | 4 | 0 | - | - | - |" in card
    assert "### False flags on everyday posts (goal <= 0.2%)" in card and "| everyday | 4 |" in card
    monkeypatch.setattr(ev, "default_everyday_path", lambda: tmp_path / "missing.jsonl")
    assert "everyday" not in ev.external_sets()


def test_model_card_renders_metrics_written_before_the_upper_bound_existed():
    """Older metrics.json files have no upper bound in everyday_false_flag: the card computes it."""
    metrics = json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8"))
    for res in metrics["evaluation"].values():
        if res.get("everyday_false_flag"):
            for key in ("model_rate_upper_95", "met_at_upper_95"):
                res["everyday_false_flag"].pop(key)
    card = render_model_card(metrics)
    e = metrics["evaluation"]["independent"]["everyday_false_flag"]
    bound = rate_upper_bound(e["model_flagged"], e["negatives"])
    assert f"| independent | {e['negatives']} | {e['model_flagged']} | {100 * e['model_rate']:.2f}% | {100 * bound:.2f}% |" in card


def test_model_card_shows_internal_and_outside_sets_side_by_side():
    metrics = json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8"))
    card = render_model_card(metrics)
    assert "| validation (out-of-fold) |" in card and "| heldout |" in card and "| realistic |" in card
    assert metrics["split"]["held_out_registers"] and ", ".join(metrics["split"]["held_out_registers"]) in card
    if "independent" in metrics.get("evaluation", {}):
        assert "| independent (never used for training or tuning) |" in card
        e = metrics["evaluation"]["independent"]["everyday_false_flag"]
        assert e is None or f"| independent | {e['negatives']} | {e['model_flagged']} |" in card
    if "everyday" in metrics.get("evaluation", {}):
        e = metrics["evaluation"]["everyday"]["everyday_false_flag"]
        assert f"| everyday | {e['negatives']} | {e['model_flagged']} |" in card
        hw_everyday = metrics["test_all_folds"]["handwritten"]["false_positive_rate_by_kind"]["hw_everyday"]
        assert f"held out (all folds pooled) | {hw_everyday['negatives']} | {hw_everyday['flagged']} |" in card
    # The hand-written posts are reported on their own: every one of them scored once, in its held-out fold.
    hand = metrics["test_all_folds"]["handwritten"]
    assert hand["n"] == metrics["data"]["handwritten"]["examples"] and hand["positives"] == metrics["data"]["handwritten"]["positives"]
    assert f"| heldout, hand-written posts only (all folds pooled) | {hand['n']} | {hand['positives']} |" in card
    assert sum(k["negatives"] for k in hand["false_positive_rate_by_kind"].values()) == hand["n"] - hand["positives"]



def _shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = re.sub(r"[^\w]+", " ", text.lower()).split()
    return {tuple(words[i: i + n]) for i in range(max(1, len(words) - n + 1))}


def test_hand_written_training_posts_are_no_near_copies_of_evaluation_posts():
    """A near-copy leaks as surely as a copy: no hand-written training post shares 60% or more of its (or the
    evaluation post's, if shorter) four-word runs with a post of the realistic, independent, everyday or demo set."""
    index: dict[tuple[str, ...], list[int]] = {}
    held: list[tuple[str, set]] = []
    for name, rows in (("realistic", load_examples(default_realistic_path())),
                       ("independent", load_labelled(default_independent_path(), "ind")),
                       ("everyday", load_labelled(default_everyday_path(), "everyday")),
                       ("demo", demo_examples())):
        for r in rows:
            sh = _shingles(r["text"])
            for s in sh:
                index.setdefault(s, []).append(len(held))
            held.append((name, sh))
    hand = [r for r in load_examples(default_data_path()) if r["family"].startswith("hw_")]
    assert len(hand) >= 500
    near = []
    for r in hand:
        sh = _shingles(r["text"])
        shared: dict[int, int] = {}
        for s in sh:
            for i in index.get(s, ()):
                shared[i] = shared.get(i, 0) + 1
        near += [(r["id"], held[i][0]) for i, k in shared.items()
                 if min(len(sh), len(held[i][1])) >= 3 and k / min(len(sh), len(held[i][1])) >= 0.6]
    assert not near, f"near-copies of evaluation posts: {near[:10]}"
