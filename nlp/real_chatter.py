"""False flags on real chatter: the shipped model on real public posts that are not in this repository.

Real posts are other people's personal data, and the terms they were collected under (X's developer terms) do not
let this project redistribute them, so no text is vendored. ``REAL_SETS`` names each set's public source (repository,
commit, files, licence); the command reads the files from a local checkout of that source, scores every post with no
author bio (real accounts mostly have none), prints the flagged posts for a hand check (terminal only) and records
the figures (counts, model version, a digest of the texts; never a text) in metrics.json under ``real_chatter``,
then regenerates the model card from metrics.json (no retraining):

    python -m pantau.nlp.real_chatter pilpres2024-prabowo-gibran /path/to/sentiment-webscrape
    python -m pantau.nlp.real_chatter emot-general /path/to/indonlu [--model-dir models] [--no-record]

The partisan sets (`partisan_sets()`, ids and bios in nlp/data/real_partisan_calls.json: tweet ids, no text) are real
first-person calls to vote or support picked by reading from a real set; each post is scored with an official's
bio and with a citizen's bio (recall, and false flags of citizens' campaigning), recorded under ``real_partisan``:

    python -m pantau.nlp.real_chatter pilpres2024-partisan-calls /path/to/sentiment-webscrape

Evaluation only: these posts are never used for training, threshold choice or tuning.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from pantau.nlp.classifier import Classifier, load
from pantau.nlp.evaluate import write_model_card
from pantau.nlp.model_file import MODEL_FILE
from pantau.nlp.real_card import rate_upper_bound
from pantau.nlp.train import METRICS_FILE, DataError
from pantau.post import Post

MENTION_RE = re.compile(r"(?<![\w@])@\w{1,15}")
PARTISAN_FILE = Path(__file__).parent / "data" / "real_partisan_calls.json"
PARTISAN_LEVEL = 0.5


@dataclass(frozen=True)
class RealSet:
    title: str
    source: str  # public repository (owner/name)
    commit: str
    files: tuple[str, ...]  # glob patterns relative to the checkout's root
    fmt: str  # "tweet_harvest": id_str + full_text columns, ';' or ',' separated; "emot": a "tweet" column
    licence: str


REAL_SETS = {
    "pilpres2024-prabowo-gibran": RealSet(
        title="X posts on the Prabowo-Gibran ticket, Pilpres 2024 campaign (15 Nov - 15 Dec 2023)",
        source="achmaddhani/sentiment-webscrape", commit="e23965de3049480d68b107218f9495c42639cb38",
        files=("twitter_sentiment_analysis/Raw_Data/*.csv", "twitter_sentiment_analysis/Cleaned_Data/*.csv"),
        fmt="tweet_harvest",
        licence="MIT (repository LICENSE); the posts are X users' content under X's terms, which restrict "
                "redistribution: not vendored"),
    "emot-general": RealSet(
        title="General Indonesian tweets, IndoNLU EmoT (Saputri et al. 2018)",
        source="IndoNLP/indonlu", commit="ce728f6926a36174b9923dfe49d6a6839b6e9bb7",
        files=tuple(f"dataset/emot_emotion-twitter/{s}_preprocess.csv" for s in ("train", "valid", "test")),
        fmt="emot",
        licence="MIT (repository LICENSE; SEACrowd lists EmoT as CC BY-SA 4.0); tweets under X's terms: not vendored"),
}


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    csv.field_size_limit(1 << 24)
    with open(path, encoding="utf-8", newline="") as fh:
        head = fh.readline()
        fh.seek(0)
        reader = csv.DictReader(fh, delimiter=";" if head.count(";") > head.count(",") else ",")
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def read_texts(spec: RealSet, root: Path) -> list[str]:
    """The set's post texts read from a checkout at ``root``, @mentions replaced by @user (nothing else of the author
    is read). tweet_harvest files are deduplicated by post id (the same post in several daily files)."""
    posts = read_posts(spec, root)
    return list(posts.values()) if isinstance(posts, dict) else posts


def read_posts(spec: RealSet, root: Path) -> dict[str, str] | list[str]:
    """Post id -> text (tweet_harvest: first file, in path order, that holds the id), or the texts of a set
    without ids (emot), as `read_texts` reads them."""
    paths = sorted({p for pattern in spec.files for p in Path(root).glob(pattern) if p.is_file()})
    if not paths:
        raise DataError(f"{root}: no file matches {', '.join(spec.files)} (a checkout of {spec.source} at "
                        f"{spec.commit[:12]}?)")
    text_col, id_col = ("full_text", "id_str") if spec.fmt == "tweet_harvest" else ("tweet", None)
    seen: dict[str, str] = {}
    texts: list[str] = []
    for path in paths:
        fields, rows = _rows(path)
        missing = [c for c in (text_col, id_col) if c and c not in fields]
        if missing:
            raise DataError(f"{path}: no column {', '.join(missing)} (columns: {', '.join(fields)})")
        for row in rows:
            text = (row.get(text_col) or "").replace("[USERNAME]", "@user").strip()
            if not text:
                continue
            if id_col is None:
                texts.append(MENTION_RE.sub("@user", text))
            elif row.get(id_col) and row[id_col] not in seen:
                seen[row[id_col]] = MENTION_RE.sub("@user", text)
    return texts if id_col is None else seen


def digest(texts: Sequence[str]) -> str:
    """Order-free SHA-256 of the texts: names the exact set measured without storing any of it."""
    return hashlib.sha256("\n".join(sorted(texts)).encode("utf-8")).hexdigest()


def measure(clf: Classifier, texts: Sequence[str]) -> tuple[dict, list[tuple[str, dict]]]:
    """Score every text as a post without bio or author; the figures, and the flagged posts with their results."""
    if not texts:
        raise DataError("the set has no posts")
    posts = [Post.from_payload({"platform": "x", "post_id": f"r{i}", "text": t}) for i, t in enumerate(texts)]
    results = clf.classify(posts)
    flagged = [(t, r) for t, r in zip(texts, results) if r["flagged"]]
    figures = {"n": len(texts), "flagged": len(flagged), "model_version": clf.version, "digest": digest(texts),
               "identity_evidence": sum(1 for r in results if r["identity_class"]),
               "partisan": sum(1 for r in results if r["partisan_score"] >= PARTISAN_LEVEL),
               "measured": datetime.now(timezone.utc).date().isoformat()}
    return figures, flagged


@dataclass(frozen=True)
class PartisanSet:
    base: str  # the REAL_SETS entry the posts are read from
    ids: tuple[str, ...]
    asn_bios: tuple[str, ...]  # officials: ASN roles and a perangkat desa, one per post in turn
    citizen_bios: tuple[str, ...]
    note: str


def partisan_sets(path: Path = PARTISAN_FILE) -> dict[str, PartisanSet]:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return {name: PartisanSet(base=doc["base"], ids=tuple(s["ids"]), asn_bios=tuple(doc["asn_bios"]),
                              citizen_bios=tuple(doc["citizen_bios"]), note=s["note"])
            for name, s in doc["sets"].items()}


def _with_every_bio(clf: Classifier, texts: Sequence[str], bios: Sequence[str]) -> list[list[dict]]:
    """The result of each post (a row) with each bio (a column); one classify call."""
    results = list(clf.classify(Post.from_payload({"platform": "x", "post_id": f"p{i}", "text": t,
                                                   "author": {"bio": b}})
                                for i, (t, b) in enumerate((t, b) for t in texts for b in bios)))
    return [results[i * len(bios):(i + 1) * len(bios)] for i in range(len(texts))]


def measure_partisan(clf: Classifier, posts: dict[str, str], spec: PartisanSet) -> tuple[dict, list[tuple[str, str, dict]]]:
    """Recall of the set's posts with an official's bio, flags with a citizen's bio (post k with bio k of the list
    in turn, and with every bio); the figures and the missed (text, bio, result) of the official bios in turn."""
    missing = [i for i in spec.ids if i not in posts]
    if missing:
        raise DataError(f"{len(missing)} selected post ids not in the checkout (first: {missing[0]})")
    texts = [posts[i] for i in spec.ids]
    asn = _with_every_bio(clf, texts, spec.asn_bios)
    citizen = _with_every_bio(clf, texts, spec.citizen_bios)
    asn_in_turn = [row[k % len(row)] for k, row in enumerate(asn)]
    figures = {"n": len(texts), "n_asn_bios": len(spec.asn_bios), "n_citizen_bios": len(spec.citizen_bios),
               "asn_flagged": sum(r["flagged"] for r in asn_in_turn),
               "citizen_flagged": sum(row[k % len(row)]["flagged"] for k, row in enumerate(citizen)),
               "asn_flagged_every_bio": sum(r["flagged"] for row in asn for r in row),
               "citizen_flagged_every_bio": sum(r["flagged"] for row in citizen for r in row),
               "model_version": clf.version, "digest": digest(texts), "note": spec.note,
               "measured": datetime.now(timezone.utc).date().isoformat()}
    return figures, [(t, spec.asn_bios[k % len(spec.asn_bios)], r)
                     for k, (t, r) in enumerate(zip(texts, asn_in_turn)) if not r["flagged"]]


def record(model_dir: Path, name: str, figures: dict) -> Path:
    """Store the set's figures (and source) in metrics.json under real_chatter (real_partisan for a partisan set)
    and regenerate the model card."""
    path = Path(model_dir) / METRICS_FILE
    metrics = json.loads(path.read_text(encoding="utf-8"))
    if name in REAL_SETS:
        metrics.setdefault("real_chatter", {})[name] = {**asdict(REAL_SETS[name]), **figures}
    else:
        spec = partisan_sets()[name]
        base = REAL_SETS[spec.base]
        metrics.setdefault("real_partisan", {})[name] = {"base": spec.base, "source": base.source,
                                                         "commit": base.commit, **figures}
    path.write_text(json.dumps(metrics, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return write_model_card(Path(model_dir))


def main(argv: Sequence[str] | None = None) -> int:
    partisan = partisan_sets()
    parser = argparse.ArgumentParser(prog="python -m pantau.nlp.real_chatter", description=__doc__.split("\n\n")[0])
    parser.add_argument("set", choices=sorted(REAL_SETS) + sorted(partisan))
    parser.add_argument("root", type=Path, help="a checkout of the set's source repository")
    parser.add_argument("--model-dir", type=Path, default=None,
                        help="directory of asn_campaign.npz and metrics.json (default: the shipped model's)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave metrics.json and the card")
    args = parser.parse_args(argv)
    model_path = args.model_dir / MODEL_FILE if args.model_dir else None
    try:
        clf = load(model_path, registry=[])
        if args.set in partisan:
            spec = partisan[args.set]
            figures, missed = measure_partisan(clf, read_posts(REAL_SETS[spec.base], args.root), spec)
        else:
            figures, flagged = measure(clf, read_texts(REAL_SETS[args.set], args.root))
    except (DataError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    n = figures["n"]
    if args.set in partisan:
        print(f"{args.set}: {n} posts; official bio: {figures['asn_flagged']} flagged (recall "
              f"{figures['asn_flagged'] / n:.3f}); citizen bio: {figures['citizen_flagged']} flagged; every official "
              f"bio: recall {figures['asn_flagged_every_bio'] / (n * figures['n_asn_bios']):.3f}; every citizen bio: "
              f"{figures['citizen_flagged_every_bio']} of {n * figures['n_citizen_bios']} flagged; model "
              f"{figures['model_version']}")
        for text, bio, res in missed:  # for the analysis of misses (terminal only, never stored)
            spans = "; ".join(f"{s['source']}:{s['name']}:{s.get('text', '')}" for s in res["signals"])
            print(f"- missed, score {res['score']:.3f} (partisan {res['partisan_score']:.3f}) bio {bio!r}: "
                  f"{text!r}\n  signals: {spans}")
    else:
        k = figures["flagged"]
        print(f"{args.set}: {n} posts, {k} flagged ({100 * k / n:.3f}%), one-sided 95% upper bound "
              f"{100 * rate_upper_bound(k, n):.4f}%; identity evidence in {figures['identity_evidence']}, partisan "
              f"(>= {PARTISAN_LEVEL}) {figures['partisan']}; model {figures['model_version']}")
        for text, res in flagged:  # for the hand check: is there identity evidence of a civil servant? (never stored)
            spans = "; ".join(f"{s['name']}:{s.get('text', '')}" for s in res["signals"])
            print(f"- score {res['score']:.3f} [{res['identity_class']}] {text!r}\n  signals: {spans}")
    if not args.no_record:
        print(f"recorded -> {record(model_path.parent if model_path else clf.path.parent, args.set, figures)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
