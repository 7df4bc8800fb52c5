"""The model file (format 4, numpy arrays) and its scorer: the numbers of the fitted scikit-learn objects, refusal of
older or damaged files, and a classify path that imports neither spaCy nor scikit-learn nor scipy."""

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from conftest import classify_in_new_process

from pantau.nlp.classifier import ModelError, default_model_path, load
from pantau.nlp.features import DENSE_NAMES, FastTfidf, analyse_many, build_rows, category_matrix, dense_matrix
from pantau.nlp.model_file import LinearModel, export_arrays, read, save
from pantau.nlp.train import CONFIG, _fit_all, default_data_path, head_scores, load_examples

PANTAU = [sys.executable, "-m", "pantau.cli"]


@pytest.fixture(scope="module")
def fitted():
    """A small model fitted with the training recipe on every 6th labelled row, and other rows to score."""
    rows = load_examples(default_data_path())
    train_rows, score_rows = rows[::6], rows[3::17]
    analysed = analyse_many([r["text"] for r in train_rows], [r.get("bio") or "" for r in train_rows])
    X_rows = build_rows(analysed)
    vec, flag, cat_head = _fit_all(X_rows, np.array([r["label"] for r in train_rows]),
                                   np.array([r["family"] for r in train_rows]), [r.get("category") for r in train_rows], 0)
    score = build_rows(analyse_many([r["text"] for r in score_rows], [r.get("bio") or "" for r in score_rows]))
    meta = {"model_version": "test", "threshold": 0.5, "dense_names": list(DENSE_NAMES),
            "category_signal_boost": CONFIG["category_signal_boost"]}
    return vec, flag, cat_head, export_arrays(meta, vec, flag, cat_head), score


def test_scores_and_categories_equal_the_fitted_sklearn_objects(fitted, tmp_path):
    vec, flag, cat_head, arrays, rows = fitted
    save(arrays, tmp_path / "m.npz")
    model = LinearModel(read(tmp_path / "m.npz"))
    X = vec.transform(rows)
    want_flag, want_par = head_scores(flag, X)
    features = model.features(rows)
    got_flag, got_par = model.head_scores(features)
    assert len(rows) > 500
    assert np.abs(got_flag - want_flag).max() < 1e-12 and np.abs(got_par - want_par).max() < 1e-12
    idx = np.arange(len(rows))
    want_cat = cat_head.predict(category_matrix(X, rows, CONFIG["category_signal_boost"]))
    assert model.categories(features, idx, CONFIG["category_signal_boost"]) == [str(c) for c in want_cat]
    some = idx[::3]
    assert model.categories(features, some, CONFIG["category_signal_boost"]) == [str(c) for c in want_cat[some]]


def test_fast_tfidf_gives_the_numbers_of_sklearn_transform(fitted):
    """Training's cached per-token TF-IDF path reproduces each fitted vectorizer's own transform."""
    from pantau.nlp.normalise import normalise

    vec = fitted[0]
    docs = [normalise(t) for t in ("Ayo coblos nomor 2 ya bapak ibu ✌️", "Guru SDN 3 Sleman | PNS", "", "RT @x: #PilihNomor2 mantap",
                                   "juara 2 lomba mewarnai", "kami ASN siap netral #ASNNetral")]
    for name, block in vec.blocks.items():
        if name == "signals":
            continue
        fast = FastTfidf(block)
        assert fast.supported
        a, b = fast.transform(docs), block.transform(docs)
        assert a.shape == b.shape and np.abs((a - b).toarray()).max() < 1e-12
        assert np.abs((fast.transform(docs) - b).toarray()).max() < 1e-12  # second call: from the cache


def test_the_shipped_model_is_arrays_only():
    path = default_model_path(packaged=True)
    assert path.name == "asn_campaign.npz"
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)
    assert json.loads(read(path)["meta"].tobytes())["format"] == 4


def test_an_older_skops_model_is_refused_with_a_clear_error(tmp_path):
    old = tmp_path / "asn_campaign.skops"
    with zipfile.ZipFile(old, "w") as zf:  # the layout of a skops file: schema.json plus .npy members
        zf.writestr("schema.json", json.dumps({"__class__": "dict", "protocol": 2}))
    with pytest.raises(ModelError, match=r"older format \(skops, format 3\).*run `pantau train`"):
        load(old)
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"platform": "x", "post_id": "1", "text": "halo", "url": "https://x/1",
                                 "created_at": "2024-11-01T00:00:00Z"}) + "\n", encoding="utf-8")
    proc = subprocess.run([*PANTAU, "classify", str(posts), "-o", str(tmp_path / "out.jsonl"), "--model", str(old)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "older format" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_a_file_with_missing_arrays_is_refused(fitted, tmp_path):
    arrays = dict(fitted[3])
    save(arrays, tmp_path / "whole.npz")
    assert load(tmp_path / "whole.npz").version == "test"
    del arrays["coef_asn"]
    path = tmp_path / "partial.npz"
    save(arrays, path)
    with pytest.raises(ModelError, match="has no 'coef_asn'; run `pantau train`"):
        load(path)
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(ModelError, match="not a pantau model file"):
        load(tmp_path / "other.npz")


def test_classify_imports_no_heavy_library(tmp_path):
    """`pantau classify` starts in well under a second: no spaCy, scikit-learn, scipy, skops or store (duckdb)."""
    _, results = classify_in_new_process(tmp_path, [
        {"platform": "x", "post_id": str(i), "url": f"https://x/{i}", "created_at": "2024-11-01T00:00:00Z",
         "author": {"bio": "Guru PNS SDN 2 Kendal"},
         "text": f"Ayo coblos nomor 2 (Pak Haris) tgl. 27/11 dll. #PilihNomor{i} ✌️"} for i in range(20)],
        after="heavy = sorted(m for m in ('spacy', 'sklearn', 'scipy', 'skops', 'duckdb') if m in sys.modules)\n"
              "assert not heavy, heavy\n")
    assert len(results) == 20 and all(r["flagged"] for r in results)


def test_batch_tfidf_equals_sklearn_on_repeats_empty_texts_and_table_resets(monkeypatch):
    """pantau.nlp.tfidf counts a term's occurrences over all of a text's tokens (the n-gram "an " of "makan" and
    "jalan", a token repeated), in scratch passes of a few texts, and keeps equal numbers when its token table
    starts again between batches."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pantau.nlp import tfidf

    train = ["makan jalan jalan makan makan", "ayo coblos nomor 2", "jalan jalan ke pasar", "guru sdn 3 makan siang",
             "coblos coblos coblos", "nomor 2 nomor 2 menang"]
    docs = ["makan jalan jalan makan makan", "", "zzz qqq", "coblos " * 40 + "nomor 2", "jalan ke pasar ayo coblos",
            "a", "nomor 2 nomor 2 nomor 2 jalan"]
    monkeypatch.setattr(tfidf, "SCRATCH_CELLS", 64)  # a few texts per pass
    for analyzer, ngrams in (("char_wb", (2, 5)), ("word", (1, 2)), ("word", (1, 1))):
        vec = TfidfVectorizer(lowercase=False, analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True,
                              token_pattern=r"\S+" if analyzer == "word" else None).fit(train)
        terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        block = tfidf.Block(terms, vec.idf_, analyzer, ngrams)
        table = tfidf.TokenTable([block])
        want = vec.transform(docs).toarray()
        for batch in (docs, docs[3:], docs):
            monkeypatch.setattr(tfidf, "MAX_TOKENS", 0 if batch is docs else 10**6)  # the table starts again
            row, tids = table.tokens(batch)
            r, c, v, scale = block.entries(row, tids, len(batch))
            got = np.zeros((len(batch), len(terms)))
            np.add.at(got, (r, c), v * scale[r])
            assert np.abs(got - want[len(docs) - len(batch):]).max() < 1e-12, (analyzer, ngrams)


def test_lanes_keep_each_texts_entries_in_order_so_the_sums_are_equal():
    """pantau.nlp.tfidf hands char n-gram entries out in interleaved runs of texts (faster row sums): every text's
    entries stay in their order, so each sum adds the same numbers in the same order."""
    from pantau.nlp import tfidf

    rng = np.random.default_rng(0)
    row = np.sort(rng.integers(0, 400, 200_000))
    assert tfidf._lanes(row[: tfidf.LANES * tfidf.MIN_LANE_ENTRIES - 1]) is None
    order = tfidf._lanes(row)
    assert np.array_equal(np.sort(order), np.arange(len(row)))
    r = row[order]
    assert np.array_equal(order[np.argsort(r, kind="stable")], np.arange(len(row)))  # each row's entries in order
    assert np.mean(r[1:] != r[:-1]) > 0.8  # neighbours belong to different texts
    w = rng.random(len(row)) * 1e3 - 500
    assert np.array_equal(np.bincount(r, w[order]), np.bincount(row, w))


def test_scores_with_and_without_lanes_are_equal(monkeypatch):
    from pantau.nlp import tfidf

    rows = load_examples(default_data_path())[::20][:600]  # 600 posts: ~500,000 char n-gram entries, eight lanes
    texts, bios = [f"{r['text']} {r['text']}" for r in rows], [r.get("bio") for r in rows]
    clf = load()
    scores, partisan = clf._run(texts, bios)[:2]
    assert partisan.min() < 0.1 and partisan.max() > 0.9 and scores.max() > 0.9
    monkeypatch.setattr(tfidf, "MIN_LANE_ENTRIES", 1 << 40)
    clf.clear_caches()
    scores_in_text_order, partisan_in_text_order = clf._run(texts, bios)[:2]
    assert np.array_equal(scores_in_text_order, scores) and np.array_equal(partisan_in_text_order, partisan)


def test_features_select_keeps_the_entries_of_the_chosen_posts_in_order():
    """Features.select (the flagged posts' features, for the category head) equals selecting by boolean masks."""
    rows = load_examples(default_data_path())[::40][:300]
    clf = load()
    analysed = analyse_many([r["text"] for r in rows], [r.get("bio") for r in rows])
    f = clf._model.features_of([[a.text_norm for a in analysed], [a.bio_norm for a in analysed]], dense_matrix(analysed))
    rows_idx = np.flatnonzero(np.arange(len(rows)) % 3 == 1)
    got = f.select(rows_idx)
    for name, (row, col, val, scale, n_docs, inverse) in f.parts.items():
        keep = np.zeros(n_docs, dtype=bool)
        keep[inverse[rows_idx]] = True
        new_id, mask = np.cumsum(keep) - 1, keep[row]
        want = (new_id[row[mask]], col[mask], val[mask], scale[keep], int(keep.sum()), new_id[inverse[rows_idx]])
        assert len(want[0]) and all(np.array_equal(a, b) for a, b in zip(got.parts[name], want)), name
    assert np.array_equal(got.dense, f.dense[rows_idx]) and got.n == len(rows_idx)
