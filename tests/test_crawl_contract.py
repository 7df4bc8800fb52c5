"""One contract for every crawler adapter found by convention (pantau.crawlers.run.list_sources()):

- a one-line DESCRIPTION; a spider module whose only spider's `name` is the folder name;
- pure parse functions checked on the saved fixtures in tests/fixtures/<name>/ (cases.json);
- a local fixture server (`fake.py`) and a real Scrapy crawl of it through run_crawl that gets every post once;
- a second crawl with the same state file fetches nothing new (incremental);
- credentials missing -> a clear error naming the environment variable.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
from pathlib import Path

import pytest
import scrapy

from pantau.crawlers.fakeserver import FakeServer
from pantau.crawlers.run import CrawlError, list_sources, run_crawl
from pantau.post import Post, iter_jsonl_posts, sha256_hex

FIX = Path(__file__).parent / "fixtures"
SOURCES = [name for name, _ in list_sources()]
EXPECTED = {"demo", "x", "youtube", "bluesky", "mastodon", "telegram", "rss", "html", "intake"}
TIMEOUT = 90


def module(name: str, part: str):
    return importlib.import_module(f"pantau.crawlers.platforms.{name}.{part}")


def test_every_expected_adapter_is_listed():
    assert EXPECTED <= set(SOURCES)


@pytest.mark.parametrize("name", SOURCES)
def test_description_and_spider_follow_the_convention(name):
    description = dict(list_sources())[name]
    assert description and "\n" not in description and len(description) <= 160
    spiders = [obj for _, obj in inspect.getmembers(module(name, "spider"), inspect.isclass)
               if issubclass(obj, scrapy.Spider) and obj.__module__.endswith(f".{name}.spider")]
    assert [s.name for s in spiders] == [name]
    parse = module(name, "parse")
    own = [f for f, obj in inspect.getmembers(parse, inspect.isfunction) if f.startswith("parse_") and obj.__module__ == parse.__name__]
    assert own, "parse.py has parse_* functions"
    assert not any(inspect.ismodule(v) and v.__name__.startswith(("scrapy", "twisted")) for v in vars(parse).values()), "parsers stay pure"


def _cases(name: str) -> list[dict]:
    path = FIX / name / "cases.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


PARSE_CASES = [(name, case) for name in SOURCES for case in _cases(name)]


@pytest.mark.parametrize("name", sorted(EXPECTED - {"demo"}))
def test_every_adapter_has_saved_fixtures(name):
    assert _cases(name), f"tests/fixtures/{name}/cases.json is missing"


@pytest.mark.parametrize(("name", "case"), PARSE_CASES, ids=[f"{n}-{c['file']}" for n, c in PARSE_CASES])
def test_pure_parsers_on_saved_fixtures(name, case):
    parse = module(name, "parse")
    body = (FIX / name / case["file"]).read_bytes()
    kwargs = dict(case.get("kwargs") or {})
    if "site_toml" in kwargs:
        kwargs["site"] = parse.load_site(FIX / name / kwargs.pop("site_toml"))
    if "link_file" in case:
        kwargs["link"] = (FIX / name / case["link_file"]).read_text(encoding="utf-8")
    errors: list = []
    posts, nxt = getattr(parse, case.get("function", "parse_page"))(body, errors=errors, **kwargs)
    assert [p["post_id"] for p in posts] == case["ids"] or sorted(p["post_id"] for p in posts) == sorted(case["ids"])
    assert nxt == case["next"]
    assert len(errors) == case.get("malformed", 0), [str(e) for e in errors]
    again, _ = getattr(parse, case.get("function", "parse_page"))(body, **kwargs)
    assert again == posts, "pure: same input, same output"
    for p in posts:
        post = Post.from_payload(p)
        assert post.raw and post.raw_sha256 == sha256_hex(post.raw)
        assert post.captured_at is None or name == "intake"
        if name != "intake":
            assert post.platform == parse.PLATFORM == name


def _server(fake, faults=None):
    return fake.serve() if hasattr(fake, "serve") else FakeServer(fake.app, faults=faults)


def _ids(path: Path) -> list[str]:
    return [p.post_id for p in iter_jsonl_posts(path)]


def _crawl_twice(name: str, tmp: Path) -> dict:
    """First crawl of the fixture server, then a second one with the same state file (not for demo/intake)."""
    fake = module(name, "fake")
    state, settings = tmp / "state.json", {"DOWNLOAD_DELAY": 0}
    env = {**os.environ, **fake.ENV}
    out: dict = {}
    with _server(fake) as server:
        args = fake.spider_args(server.url)
        out["expected"] = {i.replace("{base}", server.url) for i in fake.expected_ids(args)}
        out["first"] = run_crawl(name, tmp / "first.jsonl", spider_args=args, settings=settings, state_path=state,
                                 timeout=TIMEOUT, env=env)
        out["state"] = json.loads(state.read_text()) if state.exists() else None
        if name not in ("demo", "intake"):  # demo: a fixed site; intake: one submission per run
            out["second"] = run_crawl(name, tmp / "second.jsonl", spider_args=args, settings=settings, state_path=state,
                                      timeout=TIMEOUT, env=env)
    return out


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    """All adapters crawled (two at a time: each crawl is a Scrapy subprocess, mostly start-up time)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {n: pool.submit(_crawl_twice, n, tmp_path_factory.mktemp(f"crawl-{n}")) for n in SOURCES}
        return {n: f.result() for n, f in futures.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", SOURCES)
def test_crawl_of_the_local_fixture_server_gets_every_post_once_then_nothing_new(name, crawls):
    done = crawls[name]
    result = done["first"]
    ids = _ids(result.log_path.with_name("first.jsonl"))
    assert result.finish_reason == "finished" and result.errors == 0 and result.malformed == 0
    assert len(ids) == len(set(ids)) == result.items and set(ids) == done["expected"]
    for post in iter_jsonl_posts(result.log_path.with_name("first.jsonl")):
        assert post.captured_at is not None and post.raw_sha256 == sha256_hex(post.raw)
    if "second" not in done:
        return
    assert done["state"]["entries"], "state saved after a clean crawl"
    second = done["second"]
    assert second.items == 0 and _ids(second.log_path.with_name("second.jsonl")) == [], "a re-run only fetches what is new"


SECRET_SOURCES = [n for n in SOURCES if any("PASSWORD" in k or "TOKEN" in k or "KEY" in k for k in module(n, "fake").ENV)]


@pytest.mark.parametrize("name", SECRET_SOURCES)
def test_missing_credentials_name_the_variable(name, monkeypatch):
    from pantau.crawlers.common import AuthError

    fake = module(name, "fake")
    for key in fake.ENV:
        monkeypatch.delenv(key, raising=False)
    spider_cls = next(obj for _, obj in inspect.getmembers(module(name, "spider"), inspect.isclass)
                      if issubclass(obj, scrapy.Spider) and getattr(obj, "name", None) == name)
    with pytest.raises(AuthError, match="missing credentials: set the environment variable PANTAU_"):
        spider_cls(**fake.spider_args("http://127.0.0.1:9"))


@pytest.mark.slow
def test_missing_credentials_fail_the_crawl_with_the_variable_name(tmp_path, monkeypatch):
    monkeypatch.delenv("PANTAU_X_BEARER_TOKEN", raising=False)
    with pytest.raises(CrawlError, match=r"^crawl x failed \(exit code 1\): missing credentials: set the environment variable PANTAU_X_BEARER_TOKEN"):
        run_crawl("x", tmp_path / "out.jsonl", spider_args={"query": "pilkada", "base_url": "http://127.0.0.1:9"}, timeout=TIMEOUT)


@pytest.mark.slow
def test_rejected_credentials_are_logged_by_name_never_by_value(tmp_path, monkeypatch):
    fake = module("x", "fake")
    monkeypatch.setenv("PANTAU_X_BEARER_TOKEN", "wrong-secret-value-123")
    with FakeServer(fake.app) as server:
        with pytest.raises(CrawlError, match="fetched no page"):
            run_crawl("x", tmp_path / "out.jsonl", spider_args=fake.spider_args(server.url), state_path=False, timeout=TIMEOUT)
    log = (tmp_path / "out.jsonl.log").read_text()
    assert "credentials rejected by x (HTTP 401)" in log and "check PANTAU_X_BEARER_TOKEN" in log
    assert "wrong-secret-value-123" not in log
    assert [status for _, _, status in server.requests] == [401]
