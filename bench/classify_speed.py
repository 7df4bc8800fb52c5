"""Classify throughput on the demo posts vs a bare TF-IDF + LogisticRegression predict, same run, one core.

    .venv/bin/python -m bench.classify_speed [--repeat 20]

Prints posts/s of `Classifier.classify` (normalisation, signal detectors, features, calibrated model,
category head, signal spans) and of a bare TfidfVectorizer(char_wb 2-5) + LogisticRegression `predict`
over the same texts, and the time ratio. Issue goals: >= 5,000 posts/s and <= 2x the bare model.

Three classify figures. "warm": the per-token and per-bio caches already hold these posts' words (the
same posts were classified before). "steady": caches cleared, then filled by classifying *other* demo
posts (another seed) first, untimed - a long-running monitor's state, where most words and bios recur but
not all. "cold": every cache cleared before each run (first batch of a fresh process). Post texts are
never cached: every run normalises, matches signals and scores every post again.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args(argv)

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from pantau.demo.generate import generate_posts
    from pantau.nlp.classifier import load
    from pantau.nlp.train import default_data_path, load_examples
    from pantau.post import Post

    def as_posts(raw):
        return [Post.from_payload({"platform": "demo", "post_id": p["id"], "text": p["text"], "url": f"http://demo/{p['id']}",
                                   "created_at": p["created_at"], "author": p["author"]}) for p in raw]

    raw = generate_posts()
    posts = as_posts(raw)
    other = as_posts(generate_posts(seed=8))
    texts = [p["text"] for p in raw]
    clf = load()
    clf.classify(posts[:10])  # warm-up (lazy spaCy/lookup loading is not throughput)

    train_rows = load_examples(default_data_path())
    bare_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    bare = LogisticRegression(max_iter=1000).fit(bare_vec.fit_transform([r["text"] for r in train_rows]),
                                                 np.array([r["label"] for r in train_rows]))
    def cold():
        clf.clear_caches()
        t0 = time.perf_counter()
        clf.classify(posts)
        return time.perf_counter() - t0

    def steady():
        clf.clear_caches()
        clf.classify(other)
        t0 = time.perf_counter()
        clf.classify(posts)
        return time.perf_counter() - t0

    t_bare = _best(lambda: bare.predict(bare_vec.transform(texts)), args.repeat)
    t_warm = _best(lambda: clf.classify(posts), args.repeat)
    t_steady = min(steady() for _ in range(args.repeat))
    t_cold = min(cold() for _ in range(args.repeat))
    clf.clear_caches()
    n = len(posts)
    print(f"posts: {n} (demo platform), best of {args.repeat}, one thread")
    print(f"bare TF-IDF + LR predict:  {n / t_bare:10.0f} posts/s  ({t_bare * 1000:.1f} ms)")
    for name, t in (("warm", t_warm), ("steady", t_steady), ("cold", t_cold)):
        print(f"pantau classify ({name + '):':8s} {n / t:8.0f} posts/s  ({t * 1000:.1f} ms)  ratio {t / t_bare:.2f}x")
    print(f"ratio classify / bare:     {t_steady / t_bare:10.2f}x  (steady state; goal <= 2x; goal >= 5000 posts/s)")


if __name__ == "__main__":
    main()
