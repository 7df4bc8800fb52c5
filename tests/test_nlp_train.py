"""Labelled data generator and training: determinism, honest group split, model file round trip."""

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from pantau.nlp.classifier import load
from pantau.nlp.data import generate
from pantau.nlp.model_file import MODEL_FILE
from pantau.nlp.train import (
    CATEGORY_CODES, DataError, default_data_path, family_folds, family_group, group_split, held_out_groups,
    model_version, sub_labels, train,
)
from pantau.post import Author, Post


@pytest.fixture(scope="module")
def rows():
    return [json.loads(line) for line in default_data_path().read_text(encoding="utf-8").splitlines()]


def test_generator_reproduces_the_committed_file_byte_for_byte(tmp_path):
    out = tmp_path / "labelled.jsonl"
    generate.write(out)
    assert out.read_bytes() == default_data_path().read_bytes()


def test_labelled_data_shape(rows):
    assert len(rows) >= 2000
    assert all(set(r) == {"id", "family", "register", "cue", "platform", "text", "bio", "label", "category"} for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    negatives = [r for r in rows if r["label"] == 0]
    assert len(negatives) >= len(rows) / 2
    assert all(r["category"] is None for r in negatives)
    assert {r["category"] for r in rows if r["label"] == 1} == set(CATEGORY_CODES)
    # Campaign families hold both labels: the same stance from ASN and from non-ASN authors.
    by_family = Counter((r["family"], r["label"]) for r in rows)
    mixed = {f for f, _ in by_family if (f, 0) in by_family and (f, 1) in by_family}
    assert len(mixed) >= 40
    families = {r["family"] for r in rows}
    assert len(families) >= 100
    # Hard negatives of every kind are present.
    kinds = {f.split(".")[0] for f in families}
    assert {"neg_berita", "neg_laporan_warga", "neg_asn_netral", "neg_asn_kerja", "neg_asn_pribadi", "neg_asn_mirip",
            "neg_asn_politik", "neg_kandidat", "neg_partai", "neg_mirip", "neg_politik_warga", "neg_umum"} <= kinds
    # Registers and identity cues vary, so that whole groups can be held out.
    assert len({r["register"] for r in rows}) >= 6
    assert len({r["cue"] for r in rows if r["label"] == 1}) >= 6
    # Identity in the text itself, with a bio that says nothing about the job ("sbg guru", "kami ASN", "beta PNS").
    in_text = [r for r in rows if r["label"] == 1 and not any(w in r["bio"].lower() for w in ("guru", "asn", "pns", "bidan", "camat"))]
    assert len(in_text) >= 100
    assert sum(r["text"].startswith("RT @") for r in rows) >= 50


def test_group_split_holds_out_families_registers_and_cues(rows):
    fams = [r["family"] for r in rows]
    regs = [r["register"] for r in rows]
    cues = [r["cue"] for r in rows]
    split = group_split(fams, regs, cues, seed=0, family_folds_k=5, share=0.15)
    dev, test = set(split["dev"].tolist()), set(split["test"].tolist())
    assert dev and test and not dev & test
    test_fams = {fams[i] for i in test}
    assert not {fams[i] for i in dev} & test_fams
    assert {i for i, f in enumerate(fams) if f in test_fams} == test  # whole families
    assert split["registers"] and split["cues"]
    assert not {regs[i] for i in dev} & set(split["registers"])
    assert not {cues[i] for i in dev} & set(split["cues"])
    assert sum(r in split["registers"] for r in regs) >= 0.15 * len(rows)
    again = group_split(fams, regs, cues, seed=0, family_folds_k=5, share=0.15)
    assert again["test"].tolist() == split["test"].tolist() and again["dev"].tolist() == split["dev"].tolist()
    assert (again["registers"], again["cues"]) == (split["registers"], split["cues"])


def test_held_out_groups_are_whole_and_seeded():
    values = ["a"] * 50 + ["b"] * 30 + ["c"] * 15 + ["none"] * 5
    chosen = held_out_groups(values, 0.2, seed=1, exclude=("none",))
    assert "none" not in chosen and sum(v in chosen for v in values) >= 20
    assert chosen == held_out_groups(list(reversed(values)), 0.2, seed=1, exclude=("none",))


def test_family_folds_keep_families_whole_and_spread_kinds():
    fams = [f"{kind}.t{i:02d}" for kind in ("a", "b", "c") for i in range(7)]
    folds = family_folds(fams + fams, 5, seed=3)
    assert set(folds) == set(fams)
    for kind in ("a", "b", "c"):
        assert len({folds[f] for f in fams if f.startswith(kind)}) == 5
    assert folds == family_folds(list(reversed(fams)), 5, seed=3)


def test_family_folds_hold_out_a_hand_written_idea_with_its_negative_twin():
    twins = ["hw_kampanye_medsos.hw.D.repost-guru", "hw_non_asn_campaigner.hw.D.repost-guru"]
    others = [f"hw_everyday.hw.E.e{i:03d}" for i in range(40)] + [f"neg_umum.s{i:02d}" for i in range(10)]
    folds = family_folds(twins + others, 5, seed=0)
    assert folds[twins[0]] == folds[twins[1]]
    assert family_group(twins[0]) == family_group(twins[1]) == "hw.hw.D.repost-guru"
    assert family_group("kampanye_medsos.s03") == "kampanye_medsos.s03"
    assert len({folds[f] for f in others if f.startswith("hw_")}) == 5


def test_hand_written_posts_join_the_labelled_data(rows):
    hand = [r for r in rows if r["family"].startswith("hw_")]
    assert len(hand) >= 1000 and sum(r["label"] for r in hand) >= 400
    assert {r["register"] for r in hand} == {r["cue"] for r in hand} == {"-"}  # never dropped as a held-out group
    assert {r["category"] for r in hand if r["label"] == 1} == set(CATEGORY_CODES)
    kinds = {r["family"].split(".")[0] for r in hand if r["label"] == 0}
    assert kinds == {f"hw_{k}" for k in generate.HANDWRITTEN_KINDS}
    # Every hand-written negative kind trains at least one sub-head (see sub_labels).
    asn, partisan = sub_labels([r["family"] for r in hand], np.array([r["label"] for r in hand]))
    assert ((asn >= 0) | (partisan >= 0)).all()
    assert len({r["id"] for r in hand}) == len(hand)


def test_hand_written_lines_that_do_not_fit_are_refused(tmp_path):
    path = tmp_path / "handwritten.jsonl"
    good = {"id": "hw-X-0001", "family": "hw.X.a", "kind": "violation", "platform": "x", "text": "coblos 2",
            "bio": "Guru SDN 1", "label": 1, "category": "kampanye_medsos"}
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "id": "hw-X-0002", "label": 0}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"handwritten.jsonl:2: label/kind/category"):
        generate.handwritten(path)
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"handwritten.jsonl:2: invalid JSON"):
        generate.handwritten(path)
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    assert generate.handwritten(path)[0]["family"] == "hw_kampanye_medsos.hw.X.a"


def test_model_version_follows_the_data():
    cfg = {"x": 1}
    assert model_version(b"a", cfg) == model_version(b"a", cfg)
    assert model_version(b"a", cfg) != model_version(b"b", cfg)
    assert model_version(b"a", cfg) != model_version(b"a", {"x": 2})
    assert model_version(b"a", cfg).startswith("asn-campaign-") and len(model_version(b"a", cfg)) == len("asn-campaign-") + 12


@pytest.fixture(scope="module")
def subset(rows, tmp_path_factory):
    """Every sixth family of the real data: small enough to train in seconds, all categories present."""
    families = sorted({r["family"] for r in rows})[::6]
    path = tmp_path_factory.mktemp("data") / "subset.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows if r["family"] in families), encoding="utf-8")
    return path


PROBES = [
    ("Guru SDN 5 Kudus", "Ayo coblos nomor 2 tanggal 27, menang satu putaran!"),
    ("Kepala Desa Jatirejo", "Ayo coblos nomor 2 tanggal 27, menang satu putaran!"),
    ("Bidan Puskesmas Jati", "Posyandu balita besok jam 8 di balai desa"),
    ("", "Bawaslu Kudus memeriksa guru yang diduga kampanye"),
]


def _probe(model_path):
    clf = load(model_path)
    posts = [Post(platform="t", post_id=str(i), text=t, author=Author(bio=b)) for i, (b, t) in enumerate(PROBES)]
    return clf.classify(posts)


def test_training_is_deterministic_and_round_trips(subset, tmp_path):
    m1 = train(subset, tmp_path / "a", seed=0)
    m2 = train(subset, tmp_path / "b", seed=0)
    assert (tmp_path / "a" / "metrics.json").read_bytes() == (tmp_path / "b" / "metrics.json").read_bytes()
    assert m1 == m2 == json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert _probe(tmp_path / "a" / MODEL_FILE) == _probe(tmp_path / "b" / MODEL_FILE)

    # Honest split: test families never overlap the families the model was fitted on.
    data = [json.loads(line) for line in subset.read_text().splitlines()]
    test_fams = set(m1["split"]["test_family_list"])
    assert test_fams and test_fams < {r["family"] for r in data}
    assert m1["split"]["test_examples"] == sum(r["family"] in test_fams for r in data)
    assert m1["model_version"] == model_version(subset.read_bytes(), m1["config"])
    assert 0.0 < m1["threshold"] < 1.0

    assert m1["split"]["dev_examples"] + m1["split"]["test_examples"] + m1["split"]["dropped_examples"] == len(data)

    # Model file round trip: arrays only (no pickle), and the loaded model reproduces the realistic-set confusion
    # counts computed before saving.
    from pantau.nlp.evaluate import default_realistic_path, score_set
    from pantau.nlp.train import load_examples

    model = tmp_path / "a" / MODEL_FILE
    with np.load(model, allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)
    clf = load(model)
    assert clf.version == m1["model_version"] and clf.threshold == m1["threshold"]
    again = score_set(clf, load_examples(default_realistic_path()))["model"]
    stored = m1["evaluation"]["realistic"]["model"]
    assert (again["tp"], again["fp"], again["fn"], again["tn"]) == (stored["tp"], stored["fp"], stored["fn"], stored["tn"])
    assert "heldout" in m1["evaluation"] and m1["evaluation"]["heldout"]["model"]["n"] == m1["split"]["test_examples"]


def test_bad_training_data_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "family": "f", "text": "x", "label": 1, "category": "kampanye_medsos"}\n{oops\n')
    with pytest.raises(DataError, match=r"bad.jsonl:2: invalid JSON"):
        train(path, tmp_path / "out")
    path.write_text('{"id": "1", "family": "f", "text": "x", "label": 1, "category": "nope"}\n')
    with pytest.raises(DataError, match="category code"):
        train(path, tmp_path / "out")
    with pytest.raises(FileNotFoundError, match="labelled data not found"):
        train(tmp_path / "missing.jsonl", tmp_path / "out")
    assert not (tmp_path / "out" / "asn_campaign.skops").exists()


def test_threshold_choice_respects_the_precision_floor_and_prefers_recall_on_ties():
    from pantau.nlp.train import choose_threshold

    y = np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 1])
    p = np.array([0.05, 0.1, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.8, 0.9])
    t, info = choose_threshold(y, p, min_precision=0.9)
    assert t == 0.6 and info["precision"] == 1.0 and info["recall"] == 0.8
    # With a tolerance, a lower threshold of almost the same F1 wins if it keeps the precision floor.
    y = np.array([0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1])
    p = np.array([0.05, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    assert choose_threshold(y, p, min_precision=0.75)[0] == 0.5
    t2, info2 = choose_threshold(y, p, min_precision=0.75, f1_tolerance=0.05)
    assert t2 == 0.3 and info2["recall"] == 1.0 and info2["precision"] >= 0.75
    assert choose_threshold(y, p, min_precision=0.8, f1_tolerance=0.05)[0] == 0.5  # 0.3 breaks the floor
    # No threshold reaches the floor: best F1 overall, and the summary says so.
    _, info3 = choose_threshold(np.array([1, 0, 1, 0]), np.array([0.1, 0.9, 0.2, 0.8]), min_precision=0.99)
    assert info3["met_min_precision"] is False
