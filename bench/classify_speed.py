"""Classify throughput on the demo posts vs a bare TF-IDF + LogisticRegression predict, same run, one core.

    .venv/bin/python -m bench.classify_speed [--repeat 20]

Prints posts/s of `Classifier.classify` (normalisation, signal detectors, features, calibrated model,
category head) and of a bare TfidfVectorizer(char 2-5) + LogisticRegression `predict` over the same
texts, and the time ratio. Issue goals: >= 5,000 posts/s and <= 2x the bare model.
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

    raw = generate_posts()
    posts = [Post.from_payload({"platform": "demo", "post_id": p["id"], "text": p["text"], "url": f"http://demo/{p['id']}",
                                "created_at": p["created_at"], "author": p["author"]}) for p in raw]
    texts = [p["text"] for p in raw]
    clf = load()
    clf.classify(posts[:10])  # warm-up (lazy spaCy/lookup loading is not throughput)

    train_rows = load_examples(default_data_path())
    bare_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    bare = LogisticRegression(max_iter=1000).fit(bare_vec.fit_transform([r["text"] for r in train_rows]),
                                                 np.array([r["label"] for r in train_rows]))
    t_model = _best(lambda: clf.classify(posts), args.repeat)
    t_bare = _best(lambda: bare.predict(bare_vec.transform(texts)), args.repeat)
    n = len(posts)
    print(f"posts: {n} (demo platform), best of {args.repeat}")
    print(f"pantau classify:           {n / t_model:10.0f} posts/s  ({t_model * 1000:.1f} ms)")
    print(f"bare TF-IDF + LR predict:  {n / t_bare:10.0f} posts/s  ({t_bare * 1000:.1f} ms)")
    print(f"ratio classify / bare:     {t_model / t_bare:10.2f}x  (goal <= 2x; goal >= 5000 posts/s)")


if __name__ == "__main__":
    main()
