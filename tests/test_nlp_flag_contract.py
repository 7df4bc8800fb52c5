"""Contract: every flag shows both legal elements. Over every evaluation set (written realistic, independent and
everyday sets, the demo platform posts, the held-out training families), each flagged result's `signals` hold at
least one identity evidence (a bio/name/text span or a registry entry, pantau.nlp.identity) and one act span, and
the flag carries its identity class."""

import json
from pathlib import Path

import pytest

import pantau.models
from pantau.nlp.classifier import load
from pantau.nlp.evaluate import (
    default_everyday_path,
    default_independent_path,
    default_realistic_path,
    demo_examples,
    heldout_examples,
    load_labelled,
)
from pantau.nlp.identity import IDENTITY_CLASSES, act_evidence, identity_evidence
from pantau.post import Author, Post


def _sets() -> dict[str, list[dict]]:
    metrics = json.loads((Path(pantau.models.__file__).parent / "metrics.json").read_text())
    out = {"realistic": load_labelled(default_realistic_path(), "r."), "demo": demo_examples(),
           "heldout": heldout_examples(metrics)}
    for name, path in (("independent", default_independent_path()), ("everyday", default_everyday_path())):
        if path.exists():
            out[name] = load_labelled(path, name + ".")
    return out


SETS = _sets()


@pytest.fixture(scope="module")
def clf():
    return load()


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_flag_holds_identity_evidence_and_an_act_span(clf, name):
    rows = SETS[name]
    posts = [Post(platform="eval", post_id=str(i), text=r["text"], author=Author(bio=r.get("bio") or None))
             for i, r in enumerate(rows)]
    results = clf.classify(posts)
    flagged = [(p, r) for p, r in zip(posts, results) if r["flagged"]]
    if name != "everyday":
        assert flagged, f"{name}: no flags at all, the contract would hold vacuously"
    for post, r in flagged:
        evidence = identity_evidence(r["signals"], post.text)
        assert evidence, (name, post.author.bio if post.author else None, post.text)
        assert act_evidence(r["signals"]), (name, post.text)
        assert r["identity_class"] in IDENTITY_CLASSES
        assert r["identity_class"] in {e["class"] for e in evidence}
