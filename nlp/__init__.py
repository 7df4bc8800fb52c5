"""pantau's Indonesian classifier: normalisation, rule signals, features, training and classification.

Public entry points:
    pantau.nlp.normalise.normalise(text) -> str
    pantau.nlp.signals.extract_signals(text, source="text") -> list[dict]
    pantau.nlp.train.train(data_path=None, out_dir=None, seed=0) -> dict
    pantau.nlp.classifier.load(path=None, registry=None) -> Classifier   (Classifier.classify(posts) -> list[dict])
    pantau.nlp.identity.gate(signals, text) -> (mode, strong act, identity evidence, identity class)
    pantau.nlp.contests.load_contests() -> Contests      (nlp/data/contests/*.toml + PANTAU_CONTESTS)
    pantau.nlp.registry.load_registry() -> Registry      (PANTAU_REGISTRY)
Nothing heavy happens at import time; the tokenizer rules and lookup tables load on first use, and classifying
imports neither spaCy nor scikit-learn (pantau.nlp.tokenizer, pantau.nlp.model_file).
"""
