"""The shortcuts `pantau classify` takes for speed give exactly what the plain definitions give: phrase matching
at a post's candidate positions only, the overlap index of a post with few spans, token rules and numbers at
their trigger positions, and the normaliser's parallel token lists."""

import json
import math
import random
import resource
import sys
from collections import Counter
from types import SimpleNamespace

import pytest
from conftest import classify_in_new_process

from pantau.commands.classifier import _json_line_encoder
from pantau.nlp.act_rules import (
    ACT_CONTEXT_SIGNALS, act_context, is_number_token, is_rule_trigger, number_signals, token_rules
)
from pantau.nlp.features import BIO_SIGNALS, DENSE_NAMES, analyse_many, build_rows, dense_features, dense_matrix
from pantau.nlp.identity_rules import IDENTITY_CONTEXT_SIGNALS
from pantau.nlp.nip import _NIP_RE, find_nips, valid_nip
from pantau.nlp.normalise import (
    _NUMBER_CONTEXT, NUMBER_PREFIXES, NUMBER_WORDS, NormToken, Tokens, _context_pass, normalise_tokens,
    normalise_tokens_many, tokens_of
)
from pantau.nlp.signals import _QUOTES, SIGNAL_NAMES, extract_signals, get_extractor
from pantau.nlp.spans import OverlapIndex, PhraseIndex
from pantau.nlp.tokenizer import _split, rules
from pantau.nlp.train import default_data_path, load_examples


def naive_phrases(phrases: list[tuple[str, tuple[str, ...]]], words: list[str]) -> set[tuple[str, int, int]]:
    return {(name, i, i + len(p)) for i in range(len(words)) for name, p in phrases if tuple(words[i:i + len(p)]) == p}


def test_phrase_index_finds_what_a_scan_of_every_position_finds():
    rng = random.Random(3)
    vocab = ["kepala", "sekolah", "dinas", "desa", "yang", "ke", "guru", "pns", "nomor", "2", "urut"]
    phrases = [("a", ("kepala",)), ("b", ("kepala", "sekolah")), ("c", ("kepala", "dinas")), ("d", ("kepala", "desa")),
               ("e", ("guru",)), ("f", ("guru", "pns")), ("g", ("nomor", "urut", "2")), ("h", ("nomor", "urut", "2")),
               ("a", ("kepala",)), ("i", ("yang", "ke", "guru", "pns"))]
    index = PhraseIndex()
    for name, p in phrases:
        index.add(name, p)
    assert index.first_words() == {"kepala", "guru", "nomor", "yang"}
    for _ in range(500):
        words = [rng.choice(vocab) for _ in range(rng.randint(0, 12))]
        want = naive_phrases(sorted(set(phrases)), words)
        got = index(words)
        assert len(got) == len(set(got)) and set(got) == want, words
        positions = [i for i, w in enumerate(words) if w in index.first_words()]
        assert sorted(index(words, positions)) == sorted(got)


def test_overlap_index_answers_like_a_scan_with_few_or_many_spans():
    rng = random.Random(5)
    for n in (0, 1, 5, OverlapIndex.SMALL, OverlapIndex.SMALL + 1, 3 * OverlapIndex.SMALL):
        found = [(rng.choice("xyz"), s, s + rng.randint(1, 4)) for s in (rng.randint(0, 40) for _ in range(n))]
        index = OverlapIndex(found)
        for _ in range(300):
            name, s = rng.choice("xyzw"), rng.randint(0, 45)
            e, before, after = s + rng.randint(1, 3), rng.randint(0, 2), rng.randint(0, 2)
            want = any(m == name and a < e + after and s - before < b for m, a, b in found)
            assert index(name, s, e, pad_before=before, pad_after=after) == want


def test_rules_at_trigger_positions_equal_rules_over_every_token():
    ex = get_extractor()
    rows = load_examples(default_data_path())[::7]
    for r in rows:
        text = r["text"]
        toks = tokens_of(text)
        rules = [i for i, (w, lm) in enumerate(zip(toks.words, toks.lemmas)) if is_rule_trigger(w, lm)]
        assert token_rules(toks, rules) == token_rules(list(toks))
        numbers = [i for i, w in enumerate(toks.words) if is_number_token(w)]
        overlaps = OverlapIndex(ex.phrases(toks.words))
        assert number_signals(toks, toks.words, text, overlaps, numbers) == number_signals(list(toks), toks.words, text, overlaps)
        assert ex.from_tokens(text, toks, "text") == ex.from_tokens(text, list(toks), "text")


def test_parallel_token_lists_equal_the_token_objects():
    rows = load_examples(default_data_path())[::5]
    texts = [r["text"] for r in rows] + ["", "   ", "  dua  spasi ", "no 2 ya", "nomor urut dua ✌️", "#PilihNomor2 mantap!"]
    many = normalise_tokens_many(texts)
    for text, toks in zip(texts, many):
        assert isinstance(toks, Tokens)
        listed = normalise_tokens(text)
        assert list(toks) == listed and all(isinstance(t, NormToken) for t in listed)
        assert (toks.words, toks.lemmas, toks.starts, toks.ends) == (
            [t.text for t in listed], [t.lemma for t in listed], [t.start for t in listed], [t.end for t in listed])
        assert [toks[i] for i in range(len(toks))] == listed


def scan_context_pass(words: list[str]) -> list[str]:
    """The number rules as a plain left-to-right scan of every word (what `_context_pass` must equal)."""

    out = list(words)
    for i, w in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else ""
        if w in NUMBER_PREFIXES and (nxt[:1].isdigit() or nxt == "urut"):
            out[i] = "nomor"
        elif w in NUMBER_WORDS and i > 0 and out[i - 1] in _NUMBER_CONTEXT:
            out[i] = NUMBER_WORDS[w]
    return out


def test_number_rules_at_trigger_positions_equal_a_scan_of_every_word():

    rng = random.Random(7)
    vocab = ["no", "nomor", "urut", "dua", "loro", "2", "paslon", "calon", "satu", "ya", "pilih", "tilu", "02"]
    for _ in range(3000):
        words = [rng.choice(vocab) for _ in range(rng.randint(0, 9))]
        assert _context_pass(words) == scan_context_pass(words), words
    assert tokens_of("no urut dua").words == ["nomor", "urut", "2"]
    assert tokens_of("paslon no 2 calon loro").lemmas == [lemma for lemma in tokens_of("paslon nomor 2 calon 2").lemmas]


def listed_dense_features(signals: list[dict]) -> list[float]:
    """The first two parts of the dense vector as plainly defined: per signal name its capped count."""

    text_c: dict[str, int] = {}
    bio_c: dict[str, int] = {}
    for s in signals:
        if s["source"] != "registry":
            c = text_c if s["source"] == "text" else bio_c
            c[s["name"]] = c.get(s["name"], 0) + 1
    return [min(text_c.get(n, 0), 3) / 3 for n in SIGNAL_NAMES] + [min(bio_c.get(n, 0), 2) / 2 for n in BIO_SIGNALS]


def test_dense_matrix_equals_the_per_post_vectors():

    rows = load_examples(default_data_path())[::9]
    analysed = analyse_many([r["text"] for r in rows] * 2, [r.get("bio") for r in rows] * 2,
                            ["Pak Camat", None] * len(rows))
    analysed[0].signals.append({"name": "registry", "source": "registry", "start": 0, "end": 0, "text": ""})
    matrix = dense_matrix(analysed)
    assert matrix.shape == (len(analysed), len(DENSE_NAMES))
    built = build_rows(analysed)[:, 2:].astype(float)
    for a, got, row in zip(analysed, matrix, built):
        vec = dense_features(a.signals)
        assert got.tolist() == vec == row.tolist()
        assert vec[: len(listed_dense_features(a.signals))] == listed_dense_features(a.signals)
    assert dense_matrix([]).shape == (0, len(DENSE_NAMES))
    # a repeated text: each post has its own signal dicts, equal ones
    i = next(i for i, a in enumerate(analysed[: len(rows)]) if any(s["source"] == "text" for s in a.signals))
    first, again = analysed[i].signals, analysed[i + len(rows)].signals
    texts = [(s, t) for s, t in zip(first, again) if s["source"] == "text"]
    assert texts and all(s == t and s is not t for s, t in texts)


def test_quotations_are_found_with_every_quote_mark_and_only_with_one():

    for left in _QUOTES:
        for right in _QUOTES:
            text = f"Kata dia {left}ayo coblos nomor dua{right} kemarin"
            quotes = [s for s in extract_signals(text) if s["name"] == "quotation"]
            assert [(q["start"], q["end"]) for q in quotes] == [(9, len(text) - len(" kemarin"))], (left, right)
    assert not [s for s in extract_signals("Kata dia 'ayo coblos nomor dua' kemarin") if s["name"] == "quotation"]


def test_act_context_changes_only_the_signals_it_names():

    ex = get_extractor()
    others = [n for n in SIGNAL_NAMES if n not in ACT_CONTEXT_SIGNALS and n not in IDENTITY_CONTEXT_SIGNALS]
    for text in ("tidak netral dua jari challenge dukung timnas partai besar juara 2 nomor 2 ✌️",
                 "deklarasi netralitas ASN, nomor antrian 2, menu nomor 3"):
        toks = tokens_of(text)
        found = ex.phrases(toks.words) + token_rules(toks)
        overlaps = OverlapIndex(found)
        for s in range(len(toks)):
            for name in others:
                assert act_context(name, s, s + 1, toks, toks.words, text, overlaps) == name


def test_nip_search_skipped_only_without_eight_digits_in_a_row():

    texts = ["NIP 19850312 201001 1 002", "NIP. 198503122010011002 guru", "x" * 50 + "198503122010011002",
             "nomor 12345678 bukan", "", "1985031220100110021", "nip 19850312.201001.1.002.", "١٩٨٥٠٣١٢٢٠١٠٠١١٠٠٢",
             "1985 0312 2010 0110 02"] + [r["text"] for r in load_examples(default_data_path())[::11]]
    for text in texts:
        assert find_nips(text) == [(m.start(), m.end()) for m in _NIP_RE.finditer(text) if valid_nip(m.group(0))]
    assert find_nips("NIP 19850312 201001 1 002") == [(4, 25)]


def test_tokenizer_asks_the_affix_patterns_once_per_substring():
    """The prefix and suffix patterns (spaCy's, large) are searched at most once per distinct substring of a chunk;
    the tokens stay those of the plain rules (tests/test_nlp_tokenizer.py compares them with spaCy's)."""


    real = rules()
    asked: Counter = Counter()

    def counted(kind, search):
        def run(text):
            asked[(kind, text)] += 1
            return search(text)
        return run

    fake = SimpleNamespace(prefix=counted("prefix", real.prefix), suffix=counted("suffix", real.suffix),
                           token_match=real.token_match, url=real.url, infix=real.infix)
    for chunk in ("(#PilihNomor2)!!", "\"ayo,", "tgl.27/11", "dll.)", "((coblos))", "Rp.50.000,-", "✌️✌️)"):
        asked.clear()
        assert _split(chunk, fake, real.specials) == _split(chunk, real, real.specials)
        assert asked and max(asked.values()) == 1, (chunk, asked.most_common(3))


def test_classify_command_runs_the_cyclic_collector_rarely_and_restores_it(tmp_path):
    """`pantau classify` frees its many small objects by reference counting; the cyclic collector's default passes
    cost ~8% of the command, so it collects rarely while classifying and restores the settings afterwards."""

    rows = load_examples(default_data_path())[:3000]

    def collections(n: int) -> int:
        payloads = [{"platform": "x", "post_id": str(i), "url": f"https://x/{i}", "text": r["text"],
                     "created_at": "2024-11-01T00:00:00Z", "author": {"bio": r.get("bio")}} for i, r in enumerate(rows[:n])]
        printed, _ = classify_in_new_process(
            tmp_path, payloads,
            before="import gc\nseen = []\n"
                   "gc.callbacks.append(lambda phase, info: phase == 'start' and seen.append(info['generation']))\n"
                   "before = gc.get_threshold()\n",
            after="assert gc.get_threshold() == before and gc.get_freeze_count() == 0, (gc.get_threshold(), before)\n"
                  "print(len(seen))\n")
        return int(printed.split()[-1])

    # start-up (imports, model) is the same for both; with the default settings 3,000 posts cost ~100 more passes
    assert collections(3000) - collections(10) < 10


def test_classify_command_reuses_freed_memory_for_the_next_batch(tmp_path):
    """`pantau classify` frees megabyte arrays every batch (TF-IDF entries); with glibc's default thresholds each
    batch got fresh mmap'd pages again (page faults, system CPU). While classifying, freed memory stays in the heap:
    8,000 posts (five batches) fault in hardly more pages than one batch of 2,048 posts does."""

    if not hasattr(resource, "RUSAGE_CHILDREN") or sys.platform != "linux":
        pytest.skip("page fault counts of glibc's allocator")
    rows = load_examples(default_data_path())
    n_rows = len(rows)
    texts = [f"{rows[i % n_rows]['text']} {rows[(7 * i + 1) % n_rows]['text']}" for i in range(8000)]

    def faults(n: int) -> int:
        payloads = [{"platform": "x", "post_id": str(i), "url": f"https://x/{i}", "text": t,
                     "created_at": "2024-11-01T00:00:00Z", "author": {"bio": rows[i % n_rows].get("bio")}}
                    for i, t in enumerate(texts[:n])]
        printed, _ = classify_in_new_process(tmp_path, payloads, before="import resource\n",
                                             after="print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)\n")
        return int(printed.split()[-1])

    one, five = faults(2048), faults(8000)
    assert five - one < 0.2 * one, (one, five)


def test_classify_output_lines_equal_json_dumps():
    """`pantau classify` writes each result with one reused C encoder: the same text json.dumps gives."""


    to_json = _json_line_encoder()
    results = [
        {"platform": "x", "post_id": "1", "score": 0.998367, "flagged": True, "category": "kampanye_medsos",
         "signals": [{"name": "asn_role", "source": "bio", "start": 0, "end": 3, "text": "ASN ✌️ \"guru\"\n\\"},
                     {"name": "registry", "source": "registry", "ref": None, "since": "2024-01-01", "nip": 1e-7}],
         "identity_class": "asn", "partisan_score": 1e-05, "truncated_at": 10000, "model_version": "m"},
        {"platform": "ü", "post_id": "\u2028\ud7ff", "score": 0.0, "flagged": False, "category": None, "signals": [],
         "identity_class": None, "partisan_score": -0.0, "truncated_at": None, "model_version": "m"},
        {"nan": math.nan, "inf": [math.inf, -math.inf], "big": 10 ** 30, "nested": {"a": [[], {}, [1.5, "x"]]}},
    ]
    for r in results:
        assert to_json(r) == json.dumps(r, ensure_ascii=False, separators=(",", ":"))
