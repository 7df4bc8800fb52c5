"""Property-based fuzzing (Hypothesis) of everything that reads untrusted input (issue 21, the standing adversarial
suite): `Post.from_payload`, JSON Lines files (`iter_jsonl_posts` and `Store.ingest_file`), every crawler parser
(its public parse functions, on mutations of its saved fixtures and on arbitrary bytes) and the classifier.

Property: a valid result or the module's documented error (PostError / JsonlError; ParseError and its PageError for
the parsers) -- never another exception, and what is accepted is sound (a Post that survives its own JSON round
trip, times in range, scores in [0, 1]...).

`make test` runs a few inputs per target, the same ones every run (derandomised). The nightly campaign runs many
more, fresh ones: `python -m bench.fuzz` (PANTAU_FUZZ_EXAMPLES=10000 inputs per target).
"""

from __future__ import annotations

import atexit
import copy
import functools
import inspect
import json
import math
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.crawlers.common import ParseError
from pantau.crawlers.run import list_sources
from pantau.post import (MAX_DEPTH, POST_KINDS, Author, JsonlError, Post, PostError, iter_jsonl_posts, time_range)
from pantau.store.db import Store

EXAMPLES_ENV = "PANTAU_FUZZ_EXAMPLES"
NIGHTLY = int(os.environ.get(EXAMPLES_ENV) or 0)
FUZZ = settings(max_examples=NIGHTLY or 25, deadline=None, derandomize=not NIGHTLY, database=None,
                suppress_health_check=list(HealthCheck), print_blob=True)
COUNTS: Counter[str] = Counter()  # inputs tried per target (bench/fuzz.py prints them)
FIX = Path(__file__).parent / "fixtures"
WORK = Path(tempfile.mkdtemp(prefix="pantau-fuzz-"))
atexit.register(shutil.rmtree, WORK, True)  # the files and database the targets reuse

def _write_counts() -> None:
    if report := os.environ.get("PANTAU_FUZZ_REPORT"):
        Path(report).write_text(json.dumps(COUNTS), encoding="utf-8")


def _tick(target: str) -> None:
    COUNTS[target] += 1
    if COUNTS[target] % 250 == 0:  # a campaign cut short still has its figures
        _write_counts()


@pytest.fixture(autouse=True)
def _report_counts():  # noqa: ANN202
    yield
    _write_counts()


# --- values -----------------------------------------------------------------------------------------------------

# Any code point, lone surrogates included (json.loads makes them from "\ud800").
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
words = st.sampled_from(["guru", "ASN", "PNS", "Camat", "coblos", "nomor", "02", "paslon", "#Pilkada2024", "✌️",
                         "👍", "dukung", "kampanye", "@bu_ratna", "http://t.co/x", "Bapak", "SDN", "kader", "\n",
                         "  ", "İ", "ß", "ﬁ", "e\u0301", "\u200b", "\x00", "\t", "Σ", "ǅ", "<b>", "&amp;"])
prose = st.lists(st.one_of(words, any_text), max_size=40).map(" ".join)
offsets = st.sampled_from(["", "Z", "+07:00", "-03:30", "+23:59", "-23:59", "+00:00"])
iso_times = st.builds(lambda dt, sep, off: dt.isoformat(sep=sep) + off,
                      st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
                      st.sampled_from(["T", " "]), offsets)
near_times = st.builds(lambda s, off: (datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=s))
                       .isoformat() + off, st.integers(-10**9, 3 * 86_400), offsets)
numbers = st.one_of(st.integers(), st.integers(-10**40, 10**40), st.floats(allow_nan=True, allow_infinity=True))
times = st.one_of(iso_times, near_times, numbers, any_text, st.sampled_from(["", "2024-13-01", "2024-02-30T25:00"]))
scalars = st.one_of(st.none(), st.booleans(), numbers, any_text, prose)
json_values = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                           st.dictionaries(any_text, kids, max_size=4)),
                           max_leaves=12)
hex64 = st.text("0123456789abcdefABCDEF", min_size=63, max_size=65)
AUTHOR_KEYS = [f.name for f in fields(Author)]
person = st.one_of(st.none(), json_values, st.fixed_dictionaries(
    {}, optional={k: st.one_of(st.booleans(), prose, scalars) for k in AUTHOR_KEYS}))
known = {
    "platform": st.one_of(st.sampled_from(["x", "demo", "telegram"]), scalars),
    "post_id": st.one_of(st.integers(), prose, scalars),
    "text": st.one_of(prose, scalars),
    "created_at": times, "captured_at": times,
    "author": person,
    "raw_sha256": st.one_of(hex64, scalars),
    "kind": st.one_of(st.sampled_from(POST_KINDS), scalars),
    "shared_from": st.one_of(st.none(), json_values, st.fixed_dictionaries(
        {}, optional={"platform": scalars, "post_id": scalars, "url": scalars, "text": prose, "created_at": times,
                      "author": person})),
    "media": st.one_of(st.none(), json_values, st.lists(st.fixed_dictionaries(
        {}, optional={"type": st.one_of(st.sampled_from(["image", "video", "poll"]), scalars), "url": scalars,
                      "alt": prose}), max_size=3)),
}
# Every field of the Post spec, those added later too (fuzzed with any JSON value until given a strategy here).
payloads = st.fixed_dictionaries({}, optional={f.name: known.get(f.name, json_values) for f in fields(Post)}
                                 ).flatmap(lambda d: st.dictionaries(any_text, json_values, max_size=2)
                                           .map(lambda extra: {**extra, **d}))


def valid_post_payloads() -> st.SearchStrategy[dict]:
    """Payloads that mostly pass (so the checks after validation are fuzzed too)."""
    return st.fixed_dictionaries({"platform": st.sampled_from(["x", "demo"]), "post_id": st.integers(0, 10**6),
                                  "text": prose.filter(str.strip)},
                                 optional={"created_at": near_times, "author": person, "lang": st.just("id")})


def check_post(post: Post) -> None:
    """What every accepted Post holds."""
    assert all(isinstance(v, str) and v for v in (post.platform, post.post_id, post.text))
    earliest, latest = time_range()
    for t in (post.created_at, post.captured_at):
        assert t is None or (t.tzinfo is not None and earliest <= t <= latest)
    encoded = post.to_json()
    encoded.encode("utf-8")  # no lone surrogate anywhere: the store and spaCy get valid Unicode
    assert Post.from_payload(json.loads(encoded)) == post


# --- Post.from_payload and JSON Lines ---------------------------------------------------------------------------


@FUZZ
@given(st.one_of(payloads, valid_post_payloads(), json_values))
def test_from_payload_gives_a_post_or_a_post_error(payload):
    _tick("Post.from_payload")
    try:
        post = Post.from_payload(payload)
    except PostError:
        return
    check_post(post)


@st.composite
def line_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["payload", "valid", "bytes", "deep", "cut"]))
    if kind == "bytes":
        return draw(st.binary(max_size=80)).replace(b"\n", b" ")
    if kind == "deep":
        depth = draw(st.integers(MAX_DEPTH - 2, MAX_DEPTH + 2) | st.integers(1, 5000))
        return (b'{"platform":"x","post_id":"d","text":"t","z":' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}")
    payload = draw(payloads if kind == "payload" else valid_post_payloads())
    text = json.dumps(payload, ensure_ascii=draw(st.booleans()), allow_nan=True)
    data = text.encode("utf-8", "surrogatepass")
    if kind == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    return data


lines_files = st.lists(line_bytes(), min_size=1, max_size=6)


@FUZZ
@given(lines_files)
def test_json_lines_give_posts_or_line_numbered_errors(lines):
    _tick("iter_jsonl_posts")
    path = WORK / "lines.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    errors: list[JsonlError] = []
    posts = list(iter_jsonl_posts(path, skip_invalid=True, errors=errors))
    assert all(isinstance(e, JsonlError) and 1 <= e.lineno <= len(lines) for e in errors)
    assert len(posts) + len(errors) == sum(1 for x in lines if x.strip())
    for post in posts:
        check_post(post)
    try:
        assert list(iter_jsonl_posts(path)) == posts
        assert not errors
    except JsonlError as exc:
        assert errors and exc.lineno == errors[0].lineno


@functools.lru_cache(maxsize=1)
@functools.lru_cache(maxsize=1)
def _store() -> Store:
    """The one database every input is stored into (emptied first): its schema made once, and one connection
    shared by every call (Store.session) -- opening the file three times an input cost more than the input."""
    store = Store(WORK / "fuzz.duckdb")
    store.init()
    session = store.session()
    session.__enter__()
    atexit.register(session.__exit__, None, None, None)  # before WORK is removed (atexit runs last-in first)
    return store


@FUZZ
@given(lines_files)
def test_ingest_file_stores_what_the_python_path_accepts(lines):
    """Store.ingest_file's DuckDB path must judge a line exactly as Post.from_payload does."""
    _tick("Store.ingest_file")
    path = WORK / "ingest.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    store = _store()
    with store.connect() as con:  # a fresh database costs 20 times more than emptying this one
        con.execute("DELETE FROM post_watchlists; DELETE FROM raw_payloads; DELETE FROM posts")
    errors: list[JsonlError] = []
    result = store.ingest_file(path, skip_invalid=True, errors=errors)
    expected_errors: list[JsonlError] = []
    posts = list(iter_jsonl_posts(path, skip_invalid=True, errors=expected_errors))
    assert [(e.lineno, e.reason) for e in errors] == [(e.lineno, e.reason) for e in expected_errors]
    assert result.received == len(posts)
    stored = {(r["platform"], r["post_id"]): r["text"] for r in store.query("SELECT platform, post_id, text FROM posts")}
    assert set(stored) == {p.key for p in posts}
    once = Counter(p.key for p in posts)
    assert all(stored[p.key] == p.text for p in posts if once[p.key] == 1)


# --- crawler parsers --------------------------------------------------------------------------------------------

BASE = "https://fixture.example"
SUBMISSION = {"url": "https://www.facebook.com/posts/12345", "tip": "Guru ajak coblos 02",
              "reporter_contact": "pelapor@example.org", "submitted_by": "relawan",
              "submitted_at": "2024-11-20T10:00:00Z"}
# Required arguments of parse functions besides the page (a new function needs its entry here: the test says so).
ARGS = {
    ("demo", "parse_timeline"): {"base_url": BASE + "/"},
    ("demo", "parse_profile"): {"base_url": BASE + "/"},
    ("intake", "parse_page"): {"submission": SUBMISSION},
    ("rss", "parse_article"): {"entry": None, "url": BASE + "/berita/3"},  # entry: the fixture feed's first
    ("x", "parse_users"): {"asked": ["bu_ratna", "pak_camat"]},
}
EXTRA_FUNCTIONS = ("error_reasons", "newest_id", "intake_post", "entry_post")


def _module(name: str):  # noqa: ANN202
    import importlib

    return importlib.import_module(f"pantau.crawlers.platforms.{name}.parse")


ARGS[("rss", "parse_article")]["entry"] = _module("rss").parse_feed((FIX / "rss" / "feed.rss.xml").read_bytes())[0][0]
# Functions that take an object (typed dict), not a page: fuzzed with that object's values swapped (for text).
OBJECT_SEEDS = {("intake", "intake_post"): SUBMISSION, ("rss", "entry_post"): ARGS[("rss", "parse_article")]["entry"]}


def _targets() -> list[tuple[str, str]]:
    out = []
    for name, _ in list_sources():
        parse = _module(name)
        for fname, fn in inspect.getmembers(parse, inspect.isfunction):
            if fn.__module__ == parse.__name__ and (fname.startswith("parse_") or fname in EXTRA_FUNCTIONS):
                out.append((name, fname))
    return sorted(out)


TARGETS = _targets()


def _arguments(name: str, fname: str) -> dict:
    fn = getattr(_module(name), fname)
    params = list(inspect.signature(fn).parameters.values())
    args = dict(ARGS.get((name, fname), {}))
    if name == "html":
        args.setdefault("site", _module("html").load_site(FIX / "html" / "site.toml"))
        args.setdefault("base_url", BASE + "/forum/pilkada")
    missing = [p.name for p in params[1:] if p.default is p.empty and p.kind is not p.VAR_KEYWORD
               and p.kind is not p.VAR_POSITIONAL and p.name not in args]
    assert not missing, f"{name}.{fname}: give tests/test_fuzz.py ARGS its required argument(s) {missing}"
    if any(p.name == "errors" for p in params):
        args["errors"] = []
    return args


@functools.lru_cache(maxsize=None)
def _seeds(name: str) -> tuple[bytes, ...]:
    folder = FIX / name
    return tuple(p.read_bytes() for p in sorted(folder.iterdir())
                 if p.suffix in (".json", ".html", ".xml") and p.name != "cases.json")


def _paths(obj, prefix=()):  # noqa: ANN001, ANN202
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


@functools.lru_cache(maxsize=None)
def _decoded(seed: bytes):  # noqa: ANN202
    try:
        obj = json.loads(seed)
    except ValueError:
        return None
    return obj, tuple(_paths(obj))


SNIPPETS = [b"<article", b"</article>", b"<div", b"</div>", b"<a href=\"javascript:alert(1)\">", b"&#xD800;", b"&amp;",
            b"<![CDATA[", b"]]>", b"\x00", b"\xff\xfe", b"<time datetime=\"9999-12-31T23:59:59Z\">", b"data-post-id=",
            b"<item>", b"</entry>", b"<title>", b"\"", b"<", b">", b"\\ud800", b"{", b"}", b"[", b"]", b",", b"null",
            b"<meta charset=\"utf-16\">"]


@st.composite
def pages(draw: st.DrawFn, name: str, decoded_too: bool):  # noqa: ANN201
    """A page for a parser of `name`: a saved fixture mutated (JSON: values swapped anywhere in the tree; any page:
    bytes cut, dropped, repeated or inserted), or arbitrary bytes; `decoded_too`: or a mutated JSON object."""
    seeds = _seeds(name)
    kind = draw(st.sampled_from(["json", "bytes", "random"] if seeds else ["random"]))
    if kind == "random":
        return draw(st.binary(max_size=300))
    seed = draw(st.sampled_from(seeds))
    decoded = _decoded(seed)
    if kind == "json" and decoded is not None:
        obj, paths = decoded
        obj = copy.deepcopy(obj)
        for _ in range(draw(st.integers(1, 4))):
            path = draw(st.sampled_from(paths))
            value = draw(st.one_of(json_values, times, prose))
            obj = _replace(obj, path, value)
        if decoded_too and draw(st.booleans()):
            return obj
        return json.dumps(obj, ensure_ascii=draw(st.booleans()), allow_nan=True).encode("utf-8", "surrogatepass")
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["cut", "drop", "insert", "repeat"]))
        i = draw(st.integers(0, len(data)))
        j = draw(st.integers(i, min(len(data), i + 400)))
        if op == "cut":
            data = data[:i]
        elif op == "drop":
            del data[i:j]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=20))
        else:
            data[i:i] = data[i:j]
    return bytes(data)


def _replace(obj, path, value):  # noqa: ANN001, ANN202
    if not path:
        return value
    node = obj
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return obj  # an earlier change removed the path
    try:
        node[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        pass
    return obj


def _check_parse_result(result) -> None:  # noqa: ANN001
    """Posts a parser returns are valid Posts (it raised ParseError for the rest)."""
    items = result[0] if isinstance(result, tuple) and result and isinstance(result[0], list) else [result]
    for p in items:
        if isinstance(p, dict) and "platform" in p:  # a Post payload (feed entries, profiles... are not)
            check_post(Post.from_payload(dict(p)))


@st.composite
def objects(draw: st.DrawFn, seed: dict) -> dict:
    out = dict(seed)
    for key in draw(st.lists(st.sampled_from([*seed, "extra"]), max_size=len(seed))):
        out[key] = draw(st.one_of(st.none(), any_text, prose, iso_times, near_times))
    return out


@pytest.mark.parametrize(("name", "fname"), TARGETS, ids=[f"{n}.{f}" for n, f in TARGETS])
def test_parsers_return_posts_or_parse_errors(name, fname):
    fn = getattr(_module(name), fname)
    args = _arguments(name, fname)
    seed = OBJECT_SEEDS.get((name, fname))
    page_type = str(next(iter(inspect.signature(fn).parameters.values())).annotation)
    decoded_too = page_type in ("Any", "typing.Any")  # the JSON parsers take a decoded page too
    if seed is not None:
        inputs = objects(seed)
    elif page_type.startswith("str") and "bytes" not in page_type:  # a text, not a page (parse_date)
        inputs = st.one_of(iso_times, near_times, prose, any_text, st.none() if "None" in page_type else st.nothing())
    else:
        inputs = pages(name, decoded_too)

    @FUZZ
    @given(page=inputs)
    def run(page):  # noqa: ANN001
        _tick(f"{name}.{fname}")
        kwargs = {**args, "errors": []} if "errors" in args else args
        try:
            result = fn(page, **kwargs)
        except ParseError:
            return
        assert all(isinstance(e, ParseError) for e in kwargs.get("errors", []))
        _check_parse_result(result)

    run()


def test_every_platform_parser_is_fuzzed():
    assert {n for n, _ in TARGETS} == {n for n, _ in list_sources()}
    assert len(TARGETS) >= 20


# --- the classifier ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _classifier():  # noqa: ANN202
    from pantau.nlp.classifier import load

    return load()


@FUZZ
@given(text=st.one_of(prose, any_text, st.text(max_size=3000)), bio=st.one_of(st.none(), prose, any_text))
def test_classifier_scores_any_valid_post(text, bio):
    _tick("classifier")
    try:
        post = Post.from_payload({"platform": "x", "post_id": "1", "text": text, "author": {"bio": bio}})
    except PostError:
        return  # empty text, or a lone surrogate: never reaches the classifier
    [r] = _classifier().classify([post])
    assert 0.0 <= r["score"] <= 1.0 and not math.isnan(r["score"])
    assert isinstance(r["flagged"], bool) and (r["category"] is None or isinstance(r["category"], str))
    for s in r["signals"]:
        source = post.text if s["source"] == "text" else post.author.bio
        assert source is not None and 0 <= s["start"] <= s["end"] <= len(source), s
