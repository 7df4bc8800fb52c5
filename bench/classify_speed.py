"""`pantau classify` end to end on realistic input vs a bare TF-IDF + LogisticRegression predict, same run.

    .venv/bin/python -m bench.classify_speed [--posts 50000] [--small 100]

Input: `--posts` distinct posts (default 50,000) composed from the project's own written and generated posts
(`nlp/data/labelled.jsonl`: each post is one labelled text, half of them followed by a second one, so texts are
distinct and >= 100 characters on average), each with its row's bio (many empty, as in the field) and a display
name. Nothing here is a real post.

Measured, all in this run, one thread (wall time, and CPU time, which a busy shared machine disturbs less):
- the whole `pantau classify in.jsonl -o out.jsonl` command (a new process: interpreter start, imports, model
  and lookup loading, JSON parsing, classification, writing results): posts/s;
- the same command on the first `--small` posts (default 100): seconds (goal <= 1.5 s);
- a bare char_wb(2-5) TF-IDF + LogisticRegression (fitted beforehand, not timed) transforming and predicting the
  same texts in this process: posts/s; and the ratio of the two times (goal <= 2x, classify >= 5,000 posts/s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

NAMES = ["Budi", "Sari W.", "Rudi Hartono", "ibu_ani", "Dimas", "Yuli 🌸", "Pak Made", "Andi", "Nur", "Komang"]


def realistic_posts(n: int, seed: int = 1) -> list[dict]:
    """`n` distinct Post payloads composed from the labelled rows (see the module docstring)."""
    from pantau.nlp.train import default_data_path, load_examples  # heavy (numpy): only this function needs it

    rows = load_examples(default_data_path())
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[dict] = []
    while len(out) < n:
        a = rng.choice(rows)
        text = a["text"] if rng.random() < 0.5 else f"{a['text']} {rng.choice(rows)['text']}"
        if text in seen:
            continue
        seen.add(text)
        i = len(out)
        out.append({"platform": "bench", "post_id": str(i), "url": f"http://bench.invalid/{i}", "text": text,
                    "created_at": "2024-11-20T08:00:00Z",
                    "author": {"id": f"a{i % 9973}", "handle": f"user{i % 9973}", "name": rng.choice(NAMES),
                               "bio": a.get("bio") or None}})
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(path: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the whole command. CPU time is printed too: on a machine shared with other
    jobs, wall time measures the neighbours as much as the command."""
    t0, c0 = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-m", "pantau.cli", "classify", str(path), "-o", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, _children_cpu() - c0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=50_000)
    ap.add_argument("--small", type=int, default=100)
    args = ap.parse_args(argv)

    import numpy as np  # heavy (numpy): only this function needs it
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy (scikit-learn): only this function needs it
    from sklearn.linear_model import LogisticRegression  # heavy (scikit-learn): only this function needs it

    from pantau.nlp.train import default_data_path, load_examples  # heavy (numpy): only this function needs it

    posts = realistic_posts(args.posts)
    texts = [p["text"] for p in posts]
    train_rows = load_examples(default_data_path())
    bare_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    bare = LogisticRegression(max_iter=1000).fit(bare_vec.fit_transform([r["text"] for r in train_rows]),
                                                 np.array([r["label"] for r in train_rows]))
    with tempfile.TemporaryDirectory() as tmp:
        big, small, out = Path(tmp) / "posts.jsonl", Path(tmp) / "small.jsonl", Path(tmp) / "out.jsonl"
        big.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), encoding="utf-8")
        small.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts[: args.small]), encoding="utf-8")
        t0, c0 = time.perf_counter(), time.process_time()
        bare.predict(bare_vec.transform(texts))
        t_bare, c_bare = time.perf_counter() - t0, time.process_time() - c0
        t_cmd, c_cmd = run_command(big, out)
        flagged = sum(json.loads(line)["flagged"] for line in out.open(encoding="utf-8"))
        t_small, c_small = run_command(small, out)
    n = len(posts)
    avg = sum(map(len, texts)) / n
    print(f"posts: {n} distinct, {avg:.0f} characters on average, {sum(bool(p['author']['bio']) for p in posts)} with a bio")
    print(f"bare TF-IDF + LR predict (in process):   {n / t_bare:8.0f} posts/s  ({t_bare:.2f} s; CPU {c_bare:.2f} s)")
    print(f"pantau classify, whole command:          {n / t_cmd:8.0f} posts/s  ({t_cmd:.2f} s; CPU {c_cmd:.2f} s = "
          f"{n / c_cmd:.0f} posts per CPU second; {flagged} flagged)  goal >= 5,000")
    print(f"ratio classify / bare:                   {t_cmd / t_bare:8.2f}x  (CPU {c_cmd / c_bare:.2f}x)  goal <= 2x")
    print(f"pantau classify, {args.small} posts, whole command: {t_small:.2f} s (CPU {c_small:.2f} s)  goal <= 1.5 s")


if __name__ == "__main__":
    main()
