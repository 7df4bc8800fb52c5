"""The `retrain` flow under a real Prefect engine: reviewers' decisions become examples (with the model version that
scored them), a candidate is trained, both models are scored on the same sets (reviewers' held-out decisions and the
fixed evaluation sets), the comparison report is written and published, and the candidate is promoted only if it is
better (pantau.nlp.compare.promotion_verdict). Trains on a 600-example sample of the labelled data (plus the reviewed
posts) to stay quick."""

from __future__ import annotations

import asyncio
import json
import random
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    from pantau.nlp.train import default_data_path

    lines = default_data_path().read_text(encoding="utf-8").splitlines()
    random.Random(1).shuffle(lines)
    path = tmp_path_factory.mktemp("retrain") / "sample.jsonl"
    path.write_text("\n".join(lines[:600]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reviewed_db(tmp_path_factory) -> Path:
    """60 demo posts, all flagged, then decided by reviewers by their ground truth: violations confirmed by a
    supervisor, the rest `not_violation`; one post left undecided."""
    from pantau.demo.generate import generate_posts
    from pantau.post import Post
    from pantau.store.db import Store

    raw = generate_posts(seed=11, n=60)
    db = tmp_path_factory.mktemp("retrain-db") / "r.duckdb"
    store = Store(db)
    posts = [Post.from_payload({"platform": "demo", "post_id": p["id"], "text": p["text"], "author": p["author"],
                                "url": f"http://127.0.0.1/p/{p['id']}", "created_at": p["created_at"]}) for p in raw]
    store.ingest(posts)
    store.save_classifications([{"platform": "demo", "post_id": p["id"], "model_version": "m0", "score": 0.9,
                                 "flagged": True, "signals": [],
                                 "category": p["truth"].get("category") or "kampanye_medsos"} for p in raw])
    for p in raw[:-1]:
        if p["truth"]["violation"]:
            d = store.record_decision("demo", p["id"], "violation", reviewer="rina")
            store.confirm_decision(d, supervisor="sari", agreed=True)
        else:
            store.record_decision("demo", p["id"], "not_violation", reviewer="rina")
    return db


@pytest.fixture(scope="module")
def flipped(sample) -> Path:
    """The sample with every label flipped (violations become everyday posts, hard negatives become violations of
    three categories, families renamed to match): what a model must not learn."""
    cats = ["kampanye_medsos", "foto_simbol", "hadir_kampanye"]
    out = sample.with_name("flipped.jsonl")
    with open(out, "w", encoding="utf-8") as fh:
        for i, line in enumerate(sample.read_text(encoding="utf-8").splitlines()):
            row = json.loads(line)
            family = "f" + row["family"].replace(".", "_")
            if row["label"]:
                row.update(label=0, category=None, family=f"neg_umum.{family}")
            else:
                row.update(label=1, category=cats[i % 3], family=f"{cats[i % 3]}.{family}")
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def test_reviewed_examples_are_confirmed_violations_and_rejections(reviewed_db):
    from pantau.demo.generate import generate_posts
    from pantau.flows.retrain import reviewed_examples

    truth = {p["id"]: p["truth"] for p in generate_posts(seed=11, n=60)[:-1]}
    examples = reviewed_examples.fn(reviewed_db)
    assert len(examples) == 59  # the undecided post is not an example
    assert {e["id"].removeprefix("review-demo-"): e["label"] for e in examples} == \
        {k: int(bool(t["violation"])) for k, t in truth.items()}
    assert all(e["family"].startswith("review.demo.") and e["category"] for e in examples if e["label"])
    assert all(e["category"] is None for e in examples if not e["label"])
    assert {e["scored_by"] for e in examples} == {"m0"}  # the model version that scored the posts


def comparison_artifact(flow_run_id) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from pantau.flows.retrain import COMPARISON_ARTIFACT

    async def fetch():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[COMPARISON_ARTIFACT])))

    [md] = [a.data for a in asyncio.run(fetch()) if a.flow_run_id == flow_run_id]
    return md


def report_table(md: str) -> dict[tuple[str, str], tuple[int, str, str]]:
    """{(set, metric): (examples, current, candidate)} from the comparison report's table."""
    rows = re.findall(r"^\| (\w+) \| (\d+) \| \d+ \| ([\w-]+) \| ([\d.-]+) \| ([\d.-]+) \| [+\d.-]+ \|$", md, re.M)
    return {(s, m): (int(n), a, b) for s, n, m, a, b in rows}


def run(**kwargs):
    """One retrain flow run: (summary, its comparison artifact or None)."""
    from pantau.flows.retrain import retrain

    state = retrain(return_state=True, **kwargs)
    summary = state.result()
    return summary, (comparison_artifact(state.state_details.flow_run_id) if "comparison" in summary else None)


def test_a_better_candidate_is_promoted_and_a_worse_one_is_not(prefect_server, reviewed_db, sample, flipped,
                                                               tmp_path, monkeypatch):
    from pantau.nlp.classifier import load
    from pantau.nlp.evaluate import default_realistic_path, demo_examples
    from pantau.nlp.train import load_examples, train

    target = tmp_path / "active" / "asn_campaign.npz"
    monkeypatch.setenv("PANTAU_MODEL", str(target))
    fixed_sizes = {"realistic": len(load_examples(default_realistic_path())), "demo": len(demo_examples())}

    # too few decisions: nothing trained, nothing written
    few, _ = run(db=reviewed_db, data_path=sample, min_reviewed=1000, work_dir=tmp_path / "w0")
    assert few["promoted"] is False and "fewer than 1000" in few["reason"] and not target.exists()

    # against a poisoned active model, an honest candidate is promoted; the old file is kept as .previous
    train(flipped, tmp_path / "poisoned", evaluate=False)
    target.parent.mkdir()
    target.write_bytes((tmp_path / "poisoned" / "asn_campaign.npz").read_bytes())
    old_version = load(target).version
    promoted, md = run(db=reviewed_db, data_path=sample, work_dir=tmp_path / "w1")
    assert promoted["reviewed"] == 59 and promoted["heldout_reviewed"] > 0 and promoted["uncategorised_violations"] == 0
    assert promoted["active_version"] == old_version
    assert promoted["candidate_f1"] > promoted["active_f1"] and promoted["promoted"] is True
    assert load(None).version == promoted["candidate_version"]  # PANTAU_MODEL now loads the promoted model
    assert load(target.with_name(target.name + ".previous")).version == old_version
    assert json.loads(target.with_name("asn_campaign.metrics.json").read_text())["model_version"] == \
        promoted["candidate_version"]
    # the report: both models on identical sets (same example counts), every metric, published and written beside
    # the model
    table = report_table(md)
    sizes = {"reviewers_heldout": promoted["heldout_reviewed"], **fixed_sizes}
    assert set(table) == {(s, m) for s in sizes for m in ("precision", "recall", "f1", "false-flag-rate")}
    assert all(table[(s, m)][0] == n for (s, m) in table for n in [sizes[s]])
    assert {r["set"]: r["examples"] for r in promoted["comparison"]} == sizes
    assert float(table[("reviewers_heldout", "f1")][2]) == promoted["candidate_f1"]
    assert old_version in md and promoted["candidate_version"] in md and "**promoted**" in md
    assert target.with_name("asn_campaign.retrain.md").read_text() == md
    assert target.with_name("asn_campaign.comparison.md").read_text() == md
    # the promoted model's card says how many reviewer decisions it learned from, and on which model's scores
    card = target.with_name("asn_campaign.MODEL_CARD.md").read_text()
    assert "59 reviewer decisions from the triage app" in card and "`m0` (59)" in card

    # a genuinely worse candidate (trained on label-flipped data plus the same decisions) is never promoted:
    # the active model file is unchanged, the report shows both
    before = target.read_bytes()
    worse, md = run(db=reviewed_db, data_path=flipped, work_dir=tmp_path / "w3")
    assert worse["promoted"] is False and "current model kept" in worse["reason"]
    assert target.read_bytes() == before and load(None).version == promoted["candidate_version"]
    assert worse["active_version"] == promoted["candidate_version"] != worse["candidate_version"]
    table = report_table(md)
    assert float(table[("demo", "f1")][2]) < float(table[("demo", "f1")][1])  # candidate worse on a fixed set
    assert table[("demo", "f1")][0] == fixed_sizes["demo"] and worse["candidate_version"] in md
    assert "**not promoted**" in md and target.with_name("asn_campaign.retrain.md").read_text() == md

    # the same candidate again (deterministic training): not strictly better anywhere, so kept, file untouched
    again, _ = run(db=reviewed_db, data_path=sample, work_dir=tmp_path / "w2")
    assert again["candidate_version"] == again["active_version"] == promoted["candidate_version"]
    assert again["candidate_f1"] == again["active_f1"] and again["promoted"] is False
    assert "not strictly better" in again["reason"] and target.read_bytes() == before
    assert load(target.with_name(target.name + ".previous")).version == old_version
