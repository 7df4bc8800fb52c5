"""Real-chatter false flags (issue 20): the loader of the real sets, the command that measures and records them, and
the model card's figures, which must come from the set (recomputed here) and carry the exact one-sided 95% bound.

The real sets are not in the repository (their terms do not allow redistribution): the tests use small sets written
here in the sources' own file layouts; with PANTAU_REAL_CHATTER set to a directory holding one checkout per set
(named as in REAL_SETS), the recorded figures are recomputed from the real sets themselves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pantau.nlp import real_chatter as rc
from pantau.nlp.classifier import load
from pantau.nlp.evaluate import MODEL_CARD_FILE, rate_upper_bound, render_model_card
from pantau.nlp.model_file import MODEL_FILE
from pantau.nlp.train import METRICS_FILE, DataError
from pantau.post import Post

MODELS = Path(__file__).resolve().parent.parent / "models"
ELECTION_NAME = "pilpres2024-prabowo-gibran"
ELECTION = rc.REAL_SETS[ELECTION_NAME]

# Written for these tests (not real posts), in the tweet-harvest layout of the election set.
RAW_HEADER = "created_at;id_str;full_text;lang;user_id_str;username\n"
RAW_ROWS = [
    ("11", "@budi_s @KPU_ID Saya PNS di Dinas Pendidikan, tapi 14 Februari nanti wajib coblos nomor 2 ya teman-teman!"),
    ("12", "Hujan deras dari pagi, jalanan macet total di Pasar Minggu"),
    ("13", "Yang pilih 02 berarti gak paham konstitusi @someone"),
    ("14", "Semoga pemilu damai, siapa pun presidennya kita tetap saudara"),
]
CLEANED = ("created_at,id_str,full_text,lang,username,sentiment_label\n"
           "2023-12-01,12,Hujan deras dari pagi, jalanan macet total di Pasar Minggu,in,x,netral\n"
           "2023-12-01,15,Sebagai ASN kecamatan saya ajak warga pilih paslon nomor urut 1,in,y,positif\n"
           "2023-12-01,16,,in,z,netral\n")


def model_copy(tmp_path: Path) -> Path:
    """The shipped model and its metrics in a folder of their own (the command writes metrics.json and the card)."""
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    for name in (MODEL_FILE, METRICS_FILE):
        shutil.copy(MODELS / name, model_dir / name)
    return model_dir


def write_election_checkout(root: Path) -> Path:
    raw = root / "twitter_sentiment_analysis" / "Raw_Data"
    cleaned = root / "twitter_sentiment_analysis" / "Cleaned_Data"
    raw.mkdir(parents=True)
    cleaned.mkdir(parents=True)
    (raw / "Prabowo-Gibran_01122023.csv").write_text(
        RAW_HEADER + "".join(f'Fri Dec 01;{i};"{t}";in;9{i};user{i}\n' for i, t in RAW_ROWS), encoding="utf-8")
    # "Hujan deras ..., jalanan" holds a comma: the cleaned file quotes it as its writer (pandas) does
    (cleaned / "cleaned_01122023.csv").write_text(CLEANED.replace(
        ",Hujan deras dari pagi, jalanan macet total di Pasar Minggu,", ',"Hujan deras dari pagi, jalanan macet total di Pasar Minggu",'),
        encoding="utf-8")
    return root


def test_tweet_harvest_files_read_once_per_post_with_mentions_replaced(tmp_path):
    texts = rc.read_texts(ELECTION, write_election_checkout(tmp_path))
    assert texts == [
        "Hujan deras dari pagi, jalanan macet total di Pasar Minggu",
        "Sebagai ASN kecamatan saya ajak warga pilih paslon nomor urut 1",
        "@user @user Saya PNS di Dinas Pendidikan, tapi 14 Februari nanti wajib coblos nomor 2 ya teman-teman!",
        "Yang pilih 02 berarti gak paham konstitusi @user",
        "Semoga pemilu damai, siapa pun presidennya kita tetap saudara",
    ]  # post 12 is in both files (read once), post 16 has no text; no user name or id is kept


def test_emot_layout_masks_user_names(tmp_path):
    d = tmp_path / "dataset" / "emot_emotion-twitter"
    d.mkdir(parents=True)
    for split in ("train", "valid", "test"):
        (d / f"{split}_preprocess.csv").write_text(f'label,tweet\nhappy,"[USERNAME] senang sekali hari ini, {split}"\n',
                                                    encoding="utf-8")
    texts = rc.read_texts(rc.REAL_SETS["emot-general"], tmp_path)
    assert sorted(texts) == sorted(f"@user senang sekali hari ini, {s}" for s in ("train", "valid", "test"))


def test_missing_files_or_columns_are_clear_errors(tmp_path):
    with pytest.raises(DataError, match="no file matches twitter_sentiment_analysis/Raw_Data"):
        rc.read_texts(ELECTION, tmp_path)
    raw = tmp_path / "twitter_sentiment_analysis" / "Raw_Data"
    raw.mkdir(parents=True)
    (raw / "a.csv").write_text("created_at;text\nx;y\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"a\.csv: no column full_text, id_str"):
        rc.read_texts(ELECTION, tmp_path)


def test_command_records_figures_recomputed_from_the_set_and_regenerates_the_card(tmp_path):
    model_dir = model_copy(tmp_path)
    root = write_election_checkout(tmp_path / "checkout")
    proc = subprocess.run([sys.executable, "-m", "pantau.nlp.real_chatter", "pilpres2024-prabowo-gibran", str(root),
                           "--model-dir", str(model_dir)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PANTAU_REGISTRY": ""})
    assert proc.returncode == 0, proc.stderr

    # recompute from the set: the same texts, scored by the same model as posts without bio
    texts = rc.read_texts(ELECTION, root)
    clf = load(model_dir / MODEL_FILE, registry=[])
    results = clf.classify([Post.from_payload({"platform": "x", "post_id": str(i), "text": t}) for i, t in enumerate(texts)])
    flagged = sum(r["flagged"] for r in results)
    assert flagged == 2  # the two written self-identified ASN calls to vote
    metrics = json.loads((model_dir / METRICS_FILE).read_text(encoding="utf-8"))
    entry = metrics["real_chatter"]["pilpres2024-prabowo-gibran"]
    assert (entry["n"], entry["flagged"], entry["digest"]) == (len(texts), flagged, rc.digest(texts))
    assert entry["partisan"] == sum(r["partisan_score"] >= rc.PARTISAN_LEVEL for r in results)
    assert (entry["source"], entry["commit"], entry["model_version"]) == (ELECTION.source, ELECTION.commit, clf.version)
    assert not any(t[:30] in json.dumps(metrics, ensure_ascii=False) for t in texts)  # never a text in metrics

    card = (model_dir / MODEL_CARD_FILE).read_text(encoding="utf-8")
    assert card == render_model_card(metrics)
    row = (f"| {len(texts)} | {flagged} | {100 * flagged / len(texts):.3f}% | "
           f"{100 * rate_upper_bound(flagged, len(texts)):.3f}% |")
    assert row in card and "| 5 | 2 | 40.000% | 81.074% |" in card  # Clopper-Pearson: 2 of 5 -> 0.810745
    assert not any(t[:30] in card for t in texts)
    assert "Saya PNS di Dinas Pendidikan" in proc.stdout  # flagged posts are shown for the hand check


def test_card_without_figures_for_this_model_says_how_to_measure():
    metrics = json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8"))
    for stale in (None, {"pilpres2024-prabowo-gibran": {**metrics.get("real_chatter", {}).get(
            "pilpres2024-prabowo-gibran", {"n": 1, "flagged": 0}), "model_version": "an-older-model"}}):
        card = render_model_card({**metrics, "real_chatter": stale})
        assert f"Not measured for model `{metrics['model_version']}`" in card
        assert "`python -m\npantau.nlp.real_chatter SET DIR`" in card


def test_shipped_card_shows_the_recorded_real_sets_with_their_exact_bound():
    metrics = json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8"))
    card = (MODELS / MODEL_CARD_FILE).read_text(encoding="utf-8")
    sets = metrics.get("real_chatter") or {}
    assert "pilpres2024-prabowo-gibran" in sets, "no real election set measured: run python -m pantau.nlp.real_chatter"
    for name, s in sets.items():
        assert s["model_version"] == metrics["model_version"]
        spec = rc.REAL_SETS[name]
        assert (s["source"], s["commit"], s["licence"]) == (spec.source, spec.commit, spec.licence)
        n, k = s["n"], s["flagged"]
        if k == 0:
            assert rate_upper_bound(0, n) == pytest.approx(1 - 0.05 ** (1 / n))
        assert (f"| {name} | {spec.title} | {spec.source} @ {spec.commit[:12]} | {spec.licence} | {n} | {k} | "
                f"{100 * k / n:.3f}% | {100 * rate_upper_bound(k, n):.3f}% | {s['identity_evidence']} | {s['partisan']} |") in card


@pytest.mark.parametrize("name", sorted(rc.REAL_SETS))
def test_recorded_figures_recomputed_from_the_real_set(name):
    """Needs the real set (not vendored): PANTAU_REAL_CHATTER=DIR with DIR/<set name> a checkout of its source."""
    base = os.environ.get("PANTAU_REAL_CHATTER")
    if not base or not (Path(base) / name).is_dir():
        pytest.skip("real set not present: set PANTAU_REAL_CHATTER to a directory of checkouts named by set")
    entry = json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8"))["real_chatter"][name]
    texts = rc.read_texts(rc.REAL_SETS[name], Path(base) / name)
    figures, _ = rc.measure(load(MODELS / MODEL_FILE, registry=[]), texts)
    for key in ("n", "flagged", "digest", "identity_evidence", "partisan", "model_version"):
        assert figures[key] == entry[key], key


def test_partisan_sets_ship_ids_and_bios_only():
    """The selected real posts are stored as tweet ids (digits), never as text; the two sets do not share a post."""
    sets = rc.partisan_sets()
    assert set(sets) == {"pilpres2024-partisan-calls", "pilpres2024-partisan-calls-holdout"}
    ids = [i for s in sets.values() for i in s.ids]
    assert all(i.isdigit() and 15 <= len(i) <= 20 for i in ids) and len(ids) == len(set(ids))
    for s in sets.values():
        assert s.base in rc.REAL_SETS and len(s.asn_bios) >= 10 and len(s.citizen_bios) >= 10


def test_partisan_command_scores_each_post_with_official_and_citizen_bios(tmp_path):
    model_dir = model_copy(tmp_path)
    root = write_election_checkout(tmp_path / "checkout")
    posts = rc.read_posts(ELECTION, root)
    assert posts["11"].startswith("@user @user Saya PNS") and "16" not in posts
    # written stand-ins for selected posts: two calls to vote and a civic message, none naming the author's job
    written = {"21": "Tetap dukung prabowo-gibran sampai menang!", "22": "Ayo coblos nomor 1 tanggal 14 Februari",
               "23": "Jangan golput ya, 14 Februari semua ke TPS"}
    spec = rc.PartisanSet(base="pilpres2024-prabowo-gibran", ids=("21", "22", "23"), note="written for this test",
                          asn_bios=("Camat Cikupa", "Guru PNS SDN 2"), citizen_bios=("Mahasiswa", "Driver ojol"))
    figures, missed = rc.measure_partisan(load(model_dir / MODEL_FILE, registry=[]), written, spec)
    assert (figures["n"], figures["asn_flagged"], figures["citizen_flagged"]) == (3, 2, 0)
    assert (figures["asn_flagged_every_bio"], figures["citizen_flagged_every_bio"]) == (4, 0)
    assert [(t, b) for t, b, _ in missed] == [(written["23"], "Camat Cikupa")]  # bios in turn; a civic call is no act
    assert figures["digest"] == rc.digest(list(written.values())) and "Tetap dukung" not in json.dumps(figures)
    with pytest.raises(DataError, match="1 selected post ids not in the checkout"):
        rc.measure_partisan(load(model_dir / MODEL_FILE, registry=[]), written, rc.PartisanSet(**{**spec.__dict__, "ids": ("21", "99")}))

    proc = subprocess.run([sys.executable, "-m", "pantau.nlp.real_chatter", "pilpres2024-partisan-calls-holdout",
                           str(root), "--model-dir", str(model_dir)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PANTAU_REGISTRY": ""})
    assert proc.returncode == 1 and "selected post ids not in the checkout" in proc.stderr  # the written checkout lacks them


def test_partisan_figures_are_recorded_and_shown_in_the_card(tmp_path):
    for name in (MODEL_FILE, METRICS_FILE):
        shutil.copy(MODELS / name, tmp_path / name)
    metrics = json.loads((tmp_path / METRICS_FILE).read_text(encoding="utf-8"))
    figures = {"n": 10, "n_asn_bios": 2, "n_citizen_bios": 3, "asn_flagged": 9, "citizen_flagged": 1,
               "asn_flagged_every_bio": 18, "citizen_flagged_every_bio": 2, "model_version": metrics["model_version"],
               "digest": "d", "note": "a note", "measured": "2026-12-07"}
    card = rc.record(tmp_path, "pilpres2024-partisan-calls", figures).read_text(encoding="utf-8")
    entry = json.loads((tmp_path / METRICS_FILE).read_text(encoding="utf-8"))["real_partisan"]["pilpres2024-partisan-calls"]
    assert entry == {"base": ELECTION_NAME, "source": ELECTION.source, "commit": ELECTION.commit, **figures}
    assert "| pilpres2024-partisan-calls | 10 | 9 | 0.900 | 1 | 0.900 (18 of 20) | 2 of 30 | a note |" in card


@pytest.mark.parametrize("name", sorted(rc.partisan_sets()))
def test_recorded_partisan_figures_recomputed_from_the_real_set(name):
    """Needs the real set the posts come from: PANTAU_REAL_CHATTER=DIR with DIR/<base set name> its checkout."""
    spec = rc.partisan_sets()[name]
    base = os.environ.get("PANTAU_REAL_CHATTER")
    if not base or not (Path(base) / spec.base).is_dir():
        pytest.skip("real set not present: set PANTAU_REAL_CHATTER to a directory of checkouts named by set")
    entry = json.loads((MODELS / METRICS_FILE).read_text(encoding="utf-8"))["real_partisan"][name]
    figures, _ = rc.measure_partisan(load(MODELS / MODEL_FILE, registry=[]),
                                     rc.read_posts(rc.REAL_SETS[spec.base], Path(base) / spec.base), spec)
    for key in ("n", "asn_flagged", "citizen_flagged", "asn_flagged_every_bio", "citizen_flagged_every_bio", "digest",
                "model_version"):
        assert figures[key] == entry[key], key
