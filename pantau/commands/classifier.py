"""The classifier: `classify`, `evaluate`, `train` and the `retrain` flow.

`pantau classify` must start fast: numpy and the model load inside the commands, and nothing here imports spaCy,
scikit-learn, scipy, skops or DuckDB (tests/test_nlp_model_file.py checks it)."""

from __future__ import annotations

import ctypes
import gc
import json
import os
from itertools import islice
from json.encoder import c_make_encoder, encode_basestring
from pathlib import Path
from typing import Annotated, Optional

import typer

from pantau.commands.common import DEFAULT_DB, fail
from pantau.post import JsonlError, iter_jsonl_posts
from pantau.progress import count_lines, progress

CLASSIFY_CHUNK = 5000  # posts per classifier call in `pantau classify` (bounded memory, steady progress)
# Classifying makes and drops millions of small lists, tuples and dicts, freed by reference counting (they hold no
# cycles); the cyclic collector's default passes over them and over the loaded model and caches took ~8% of the
# command (1.2 of 13.5 s CPU on the bench's 50,000 posts). While classifying it collects rarely (restored after).
CLASSIFY_GC_THRESHOLD = (100_000, 20, 100)
# The TF-IDF step makes and frees numpy arrays of megabytes per batch (a batch's n-gram entries). glibc serves
# them with fresh mmap'd pages and returns them on free (or trims the heap), so every batch pays page faults again:
# 160,000 faults and 0.6-1.5 s of system CPU on the bench's 50,000 posts. While classifying, blocks below
# CLASSIFY_MALLOC_THRESHOLD come from the heap and freed ones stay there for the next batch (37,000 faults, 0.2 s);
# glibc's starting values (128 KiB) are set back after, though fixed: glibc no longer raises its mmap threshold
# by itself in this process (the command ends soon after). No effect where the C library has no mallopt.
CLASSIFY_MALLOC_THRESHOLD = 256 << 20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (malloc.h)
_MALLOC_DEFAULT = 128 << 10


def _set_malloc_thresholds(nbytes: int) -> None:
    """glibc's mmap and trim thresholds (mallopt); nothing where the C library has none."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return
    mallopt(_M_MMAP_THRESHOLD, nbytes)
    mallopt(_M_TRIM_THRESHOLD, nbytes)

app = typer.Typer()


def _json_line_encoder():
    """The function json.dumps(result, ensure_ascii=False, separators=(",", ":")) is, with one C encoder for every
    line (json.dumps builds an encoder and a C encoder per call: a fifth of the output's cost)."""
    enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    if c_make_encoder is None:  # a Python without the C accelerator
        return enc.encode
    # the arguments json.encoder.JSONEncoder.iterencode passes; no circular-reference markers (results are trees)
    encode = c_make_encoder(None, enc.default, encode_basestring, None, ":", ",", False, False, True)
    return lambda result: "".join(encode(result, 0))


@app.command()
def classify(
    input: Annotated[Path, typer.Argument(help="JSON Lines file, one Post per line.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON Lines file of results.")],
    skip_invalid: Annotated[bool, typer.Option(help="Skip bad lines instead of stopping.")] = False,
    model: Annotated[Optional[Path], typer.Option(help="Model file (.npz); default: the shipped model.")] = None,
) -> None:
    """Classify posts: one result per valid input line (score, flagged, category, signals, model_version)."""
    from pantau.nlp.classifier import ModelError, load  # heavy (numpy and the model): only when a command needs it
    if not input.exists():
        raise fail(f"{input}: no such file")
    try:
        clf = load(model)
    except (FileNotFoundError, ModelError) as exc:
        raise fail(str(exc)) from None
    errors: list[JsonlError] = []
    posts = iter_jsonl_posts(input, skip_invalid=skip_invalid, errors=errors)
    n = flagged = 0
    # streamed in chunks (bounded memory); the output appears only complete (temp file renamed at the end)
    tmp = output.with_name(f".{output.name}.tmp")
    to_json = _json_line_encoder()
    thresholds = gc.get_threshold()
    gc.freeze()  # the model and what is loaded so far: never garbage, never scanned again
    gc.set_threshold(*CLASSIFY_GC_THRESHOLD)
    _set_malloc_thresholds(CLASSIFY_MALLOC_THRESHOLD)
    try:
        with progress("classify", count_lines(input)) as update, tmp.open("w", encoding="utf-8") as out:
            while chunk := list(islice(posts, CLASSIFY_CHUNK)):
                for r in clf.classify(chunk):
                    out.write(to_json(r) + "\n")
                    flagged += bool(r["flagged"])
                n += len(chunk)
                update(n + len(errors))
        os.replace(tmp, output)
    except JsonlError as exc:
        raise fail(f"{exc} (use --skip-invalid to skip bad lines); no output written") from None
    finally:
        tmp.unlink(missing_ok=True)
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        _set_malloc_thresholds(_MALLOC_DEFAULT)
    for err in errors:
        typer.echo(f"skipped {err}", err=True)
    typer.echo(f"{n} classified, {flagged} flagged, {len(errors)} skipped -> {output} (model {clf.version})")


@app.command()
def evaluate(
    model: Annotated[Optional[Path], typer.Option(help="Model file (.npz); default: the shipped model.")] = None,
    sets: Annotated[str, typer.Option(help="Comma-separated sets: heldout, realistic, demo, independent "
                                           "(nlp/data/eval_independent.jsonl), everyday (nlp/data/eval_everyday.jsonl)."
                                      )] = "heldout,realistic,demo,independent,everyday",
    as_json: Annotated[bool, typer.Option("--json", help="Print the full evaluation as JSON.")] = False,
) -> None:
    """Evaluate the model and a keyword baseline: P/R/F1, per category, confusion matrix, threshold curve."""
    from pantau.nlp.classifier import ModelError, load  # heavy (numpy and the model): only when a command needs it
    from pantau.nlp.evaluate import evaluate_all  # heavy (numpy and the model): only when a command needs it
    from pantau.nlp.train import METRICS_FILE  # heavy (numpy and the model): only when a command needs it

    try:
        clf = load(model)
    except (FileNotFoundError, ModelError) as exc:
        raise fail(str(exc)) from None
    metrics_path = (clf.path.parent if clf.path else Path(".")) / METRICS_FILE
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    try:
        result = evaluate_all(clf, metrics, sets=[x.strip() for x in sets.split(",") if x.strip()])
    except ValueError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    typer.echo(f"model {clf.version}, threshold {clf.threshold}")
    for name, s in result.items():
        m, b = s["model"], s["baseline"]
        typer.echo(f"\n[{name}] n={m['n']} positives={m['positives']}")
        e = s.get("everyday_false_flag")
        if not m["positives"]:  # negatives only: precision, recall and the curve say nothing
            typer.echo(f"  model flags {m['fp']} of {m['n']}, baseline flags {b['fp']}")
            if e:
                typer.echo(_everyday_line(e))
            continue
        typer.echo(f"  model    P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} "
                   f"TP={m['tp']} FP={m['fp']} FN={m['fn']} TN={m['tn']} false-flag rate={m['false_flag_rate']:.4f}")
        typer.echo(f"  baseline P={b['precision']:.3f} R={b['recall']:.3f} F1={b['f1']:.3f} "
                   f"TP={b['tp']} FP={b['fp']} FN={b['fn']} TN={b['tn']}")
        if e:
            typer.echo(_everyday_line(e))
        for code, c in s["per_category"].items():
            typer.echo(f"  {code:22s} n={c['positives']:3d} recall model={c['model_recall']:.2f} baseline={c['baseline_recall']:.2f}")
        typer.echo("  threshold curve: " + "  ".join(
            f"{c['threshold']}:P{c['precision']:.2f}/R{c['recall']:.2f}" for c in s["threshold_curve"]))


def _everyday_line(e: dict) -> str:
    return (f"  everyday false flags: {e['model_flagged']} of {e['negatives']} = {100 * e['model_rate']:.2f}% "
            f"(one-sided 95% upper bound {100 * e['model_rate_upper_95']:.2f}%; goal <= {100 * e['goal']:.1f}%)")


@app.command()
def train(
    data: Annotated[Optional[Path], typer.Option(help="Labelled JSON Lines; default: nlp/data/labelled.jsonl.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Model folder; default: the package's models/.")] = None,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Train the classifier (deterministic) and write the model and its metrics."""
    from pantau.nlp.train import train as run_train  # heavy (numpy and the model): only when a command needs it

    metrics = run_train(data, out, seed=seed)
    typer.echo(json.dumps(metrics, indent=2, ensure_ascii=False, default=str))


@app.command("retrain")
def retrain_command(
    db: Annotated[Path, typer.Option(help="DuckDB file with the reviewers' decisions.")] = DEFAULT_DB,
    model: Annotated[Optional[Path], typer.Option(help="Active model file to compare with and replace "
                                                  "(default PANTAU_MODEL, else var/models/asn_campaign.npz).")] = None,
    data: Annotated[Optional[Path], typer.Option(help="Labelled JSON Lines (default: the repository's).")] = None,
    min_reviewed: Annotated[int, typer.Option(help="Train only with at least this many reviewed posts.")] = 20,
    margin: Annotated[float, typer.Option(help="Promote only if the candidate F1 on the reviewers' held-out "
                                          "decisions beats the active one by this much.")] = 0.0,
) -> None:
    """Run the Prefect `retrain` flow once: train on the labelled data plus the reviewers' decisions, compare the
    candidate with the active model on the same sets and promote it only if it is better (docs/learning.md)."""
    from pantau.flows.retrain import retrain  # heavy (Prefect): only when a command needs it

    state = retrain(db=db, model_path=model, data_path=data, min_reviewed=min_reviewed, margin=margin,
                    return_state=True)
    summary = state.result(raise_on_failure=False)
    if not state.is_completed():
        raise fail(f"retrain failed: {summary}")
    scores = (f"; F1 candidate {summary['candidate_f1']} vs active {summary['active_f1']} on "
              f"{summary['heldout_examples']} held-out reviewer decisions" if "candidate_f1" in summary else "")
    typer.echo(f"retrain: {summary['reviewed']} reviewed post(s){scores}; {summary['reason']}"
               + (f"; model at {summary['model_path']}" if summary["promoted"] else ""))
    if summary.get("report_path"):
        typer.echo(f"comparison report (candidate vs current on the same sets): {summary['report_path']}")
