"""Watchlists: what one monitoring team follows, in a TOML file (stdlib tomllib), validated with errors that
name the key and, when it can be found, the line. Format and example: docs/watchlists.md.

    wl = load_watchlist("sleman.toml")      # raises WatchlistError("sleman.toml:14: candidates[1].nomor_urut: ...")
    for job in crawl_plan(wl): run_crawl(job.source, ..., spider_args=job.spider_args)
"""

from __future__ import annotations

import importlib
import inspect
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pantau.crawlers.run import list_sources

LEVELS = ("nasional", "provinsi", "kabupaten", "kota")
TOP_KEYS = ("team", "keywords", "elections", "candidates", "sources")
ELECTION_KEYS = ("name", "region", "level", "campaign_start", "campaign_end", "voting_day")
CANDIDATE_KEYS = ("election", "nomor_urut", "names", "parties", "hashtags", "slogans")
SOURCE_META_KEYS = ("source", "region", "label")
WATCHLIST_QUERY = "@watchlist"  # a source's `query = "@watchlist"` becomes the team's hashtags + keywords


class WatchlistError(ValueError):
    def __init__(self, path: str, key: str, message: str, line: int | None = None):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
        self.path, self.key, self.line = path, key, line


@dataclass(frozen=True)
class Election:
    name: str
    region: str
    level: str
    campaign_start: date
    campaign_end: date
    voting_day: date


@dataclass(frozen=True)
class Candidate:
    election: str
    nomor_urut: int
    names: tuple[str, ...]
    parties: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    slogans: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceEntry:
    source: str
    region: str | None
    label: str | None
    args: dict[str, str]


@dataclass(frozen=True)
class Watchlist:
    team: str
    elections: tuple[Election, ...]
    candidates: tuple[Candidate, ...] = ()
    keywords: tuple[str, ...] = ()
    sources: tuple[SourceEntry, ...] = ()
    path: str = ""

    def search_terms(self) -> list[str]:
        """Hashtags, then keywords, then slogans (unique, in order): what searches look for."""
        terms: list[str] = []
        for c in self.candidates:
            terms += c.hashtags
        terms += self.keywords
        for c in self.candidates:
            terms += c.slogans
        return list(dict.fromkeys(terms))

    def candidate_terms(self) -> dict[str, dict[str, Any]]:
        """For the classifier: {"<election>#<nomor urut>": {names, parties, hashtags, slogans}}."""
        return {f"{c.election}#{c.nomor_urut}": {"nomor_urut": c.nomor_urut, "names": list(c.names), "parties": list(c.parties),
                                                 "hashtags": list(c.hashtags), "slogans": list(c.slogans)} for c in self.candidates}


@dataclass(frozen=True)
class CrawlJob:
    source: str
    region: str | None
    label: str
    spider_args: dict[str, str] = field(default_factory=dict)


def load_watchlist(path: str | Path) -> Watchlist:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WatchlistError(str(path), "", exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise WatchlistError(str(path), "", f"not UTF-8 text (byte {exc.start})") from None
    return parse_watchlist(text, str(path))


def parse_watchlist(text: str, path: str = "<watchlist>") -> Watchlist:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise WatchlistError(path, "", f"not valid TOML: {exc}", int(m.group(1)) if m else None) from None
    v = _Validator(text, path)
    return v.watchlist(doc)


class _Validator:
    def __init__(self, text: str, path: str):
        self.lines = text.splitlines()
        self.path = path

    def fail(self, key: str, message: str, loc: tuple = ()) -> WatchlistError:
        return WatchlistError(self.path, key, message, self._line(loc))

    def _line(self, loc: tuple) -> int | None:
        """Best-effort line of a key: loc = (key,) or (table, index, key)."""
        if not loc:
            return None
        if len(loc) == 1:
            for i, line in enumerate(self.lines, 1):
                if line.lstrip().startswith("["):
                    break
                if re.match(rf"\s*{re.escape(loc[0])}\s*=", line):
                    return i
            return None
        table, index, key = (loc + (None,))[:3]
        seen, start = -1, None
        for i, line in enumerate(self.lines, 1):
            if re.match(rf"\s*\[\[\s*{re.escape(table)}\s*\]\]", line):
                seen += 1
                if seen == index:
                    start = i
                    if key is None:
                        return i
                    continue
            if start is not None:
                if re.match(r"\s*\[\[?[^\]]+\]\]?", line) and not line.strip().startswith(f"[{table}."):
                    return start
                if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
                    return i
        return start

    # -- typed getters ---------------------------------------------------------------
    def text(self, obj: dict, key: str, name: str, loc: tuple, required: bool = True) -> str | None:
        value = obj.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, "required, a non-empty string" if value is None else f"must be a non-empty string, got {value!r}", loc)
        return value.strip()

    def strings(self, obj: dict, key: str, name: str, loc: tuple, required: bool = False) -> tuple[str, ...]:
        value = obj.get(key)
        if value is None:
            if required:
                raise self.fail(name, "required, a list of strings", loc)
            return ()
        if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
            raise self.fail(name, f"must be a list of non-empty strings, got {value!r}", loc)
        if required and not value:
            raise self.fail(name, "must not be empty", loc)
        return tuple(x.strip() for x in value)

    def day(self, obj: dict, key: str, name: str, loc: tuple) -> date:
        value = obj.get(key)
        if type(value) is not date:
            raise self.fail(name, "required, a date written as YYYY-MM-DD (no quotes)" if value is None
                            else f"must be a date written as YYYY-MM-DD (no quotes), got {value!r}", loc)
        return value

    def unknown(self, obj: dict, allowed: tuple[str, ...], prefix: str, loc_of: Any) -> None:
        for key in obj:
            if key not in allowed:
                raise self.fail(f"{prefix}{key}", f"unknown key; allowed: {', '.join(allowed)}", loc_of(key))

    def table_list(self, doc: dict, key: str, required: bool) -> list[dict]:
        value = doc.get(key)
        if value is None:
            if required:
                raise self.fail(key, f"at least one [[{key}]] table is required")
            return []
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            raise self.fail(key, f"must be [[{key}]] tables", (key,))
        if required and not value:
            raise self.fail(key, f"at least one [[{key}]] table is required")
        return value

    # -- the document ---------------------------------------------------------------
    def watchlist(self, doc: dict) -> Watchlist:
        self.unknown(doc, TOP_KEYS, "", lambda k: (k,))
        team = self.text(doc, "team", "team", ("team",))
        keywords = self.strings(doc, "keywords", "keywords", ("keywords",))
        elections = [self.election(e, i) for i, e in enumerate(self.table_list(doc, "elections", True))]
        names = [e.name for e in elections]
        for i, name in enumerate(names):
            if names.index(name) != i:
                raise self.fail(f"elections[{i}].name", f"duplicate election name {name!r}", ("elections", i, "name"))
        by_name = {e.name: e for e in elections}
        candidates = [self.candidate(c, i, by_name) for i, c in enumerate(self.table_list(doc, "candidates", False))]
        seen: set[tuple[str, int]] = set()
        for i, c in enumerate(candidates):
            if (c.election, c.nomor_urut) in seen:
                raise self.fail(f"candidates[{i}].nomor_urut", f"nomor urut {c.nomor_urut} appears twice for {c.election!r}",
                                ("candidates", i, "nomor_urut"))
            seen.add((c.election, c.nomor_urut))
        sources = [self.source(s, i) for i, s in enumerate(self.table_list(doc, "sources", False))]
        return Watchlist(team=team or "", elections=tuple(elections), candidates=tuple(candidates), keywords=keywords,
                         sources=tuple(sources), path=self.path)

    def election(self, e: dict, i: int) -> Election:
        p, loc = f"elections[{i}].", lambda k: ("elections", i, k)
        self.unknown(e, ELECTION_KEYS, p, loc)
        level = self.text(e, "level", p + "level", loc("level"))
        if level not in LEVELS:
            raise self.fail(p + "level", f"must be one of {', '.join(LEVELS)}, got {level!r}", loc("level"))
        el = Election(name=self.text(e, "name", p + "name", loc("name")) or "", region=self.text(e, "region", p + "region", loc("region")) or "",
                      level=level, campaign_start=self.day(e, "campaign_start", p + "campaign_start", loc("campaign_start")),
                      campaign_end=self.day(e, "campaign_end", p + "campaign_end", loc("campaign_end")),
                      voting_day=self.day(e, "voting_day", p + "voting_day", loc("voting_day")))
        if el.campaign_end < el.campaign_start:
            raise self.fail(p + "campaign_end", "is before campaign_start", loc("campaign_end"))
        if el.voting_day <= el.campaign_end:
            raise self.fail(p + "voting_day", "must come after campaign_end (the quiet period lies between)", loc("voting_day"))
        return el

    def candidate(self, c: dict, i: int, elections: dict[str, Election]) -> Candidate:
        p, loc = f"candidates[{i}].", lambda k: ("candidates", i, k)
        self.unknown(c, CANDIDATE_KEYS, p, loc)
        election = self.text(c, "election", p + "election", loc("election")) or ""
        if election not in elections:
            raise self.fail(p + "election", f"no [[elections]] named {election!r}; known: {', '.join(elections)}", loc("election"))
        number = c.get("nomor_urut")
        if type(number) is not int or number < 1:
            raise self.fail(p + "nomor_urut", f"must be a whole number from 1, got {number!r}", loc("nomor_urut"))
        hashtags = self.strings(c, "hashtags", p + "hashtags", loc("hashtags"))
        for tag in hashtags:
            if not tag.startswith("#") or " " in tag:
                raise self.fail(p + "hashtags", f"{tag!r} is not a hashtag (starts with #, no spaces)", loc("hashtags"))
        return Candidate(election=election, nomor_urut=number, names=self.strings(c, "names", p + "names", loc("names"), required=True),
                         parties=self.strings(c, "parties", p + "parties", loc("parties")), hashtags=hashtags,
                         slogans=self.strings(c, "slogans", p + "slogans", loc("slogans")))

    def source(self, s: dict, i: int) -> SourceEntry:
        p, loc = f"sources[{i}].", lambda k: ("sources", i, k)
        name = self.text(s, "source", p + "source", loc("source")) or ""
        known = [n for n, _ in list_sources() if n != "intake"]
        if name not in known:
            raise self.fail(p + "source", f"unknown source {name!r}; one of {', '.join(known)}", loc("source"))
        params = spider_params(name)
        args: dict[str, str] = {}
        for key, value in s.items():
            if key in SOURCE_META_KEYS:
                continue
            if key not in params:
                raise self.fail(p + key, f"not an argument of the {name} source; allowed: {', '.join(sorted(params))}", loc(key))
            if isinstance(value, list) and all(isinstance(x, str) for x in value):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "1" if value else "0"
            elif isinstance(value, int):
                value = str(value)
            if not isinstance(value, str) or not value.strip():
                raise self.fail(p + key, f"must be a string, a number or a list of strings, got {value!r}", loc(key))
            args[key] = value
        return SourceEntry(source=name, region=self.text(s, "region", p + "region", loc("region"), required=False),
                           label=self.text(s, "label", p + "label", loc("label"), required=False), args=args)


def spider_params(source: str) -> set[str]:
    """Spider arguments a source accepts (its __init__ parameters and the shared ones)."""
    import scrapy  # heavy (Scrapy): only this function needs it

    mod = importlib.import_module(f"pantau.crawlers.platforms.{source}.spider")
    cls = next(obj for _, obj in inspect.getmembers(mod, inspect.isclass) if issubclass(obj, scrapy.Spider) and getattr(obj, "name", None) == source)
    params: set[str] = set()
    for klass in cls.__mro__:
        if klass is scrapy.Spider or "__init__" not in vars(klass):
            continue
        params |= {n for n, prm in inspect.signature(klass.__init__).parameters.items()
                   if n != "self" and prm.kind not in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD)}
    return params - {"state_file"}


def watchlist_query(wl: Watchlist, source: str) -> str:
    terms = wl.search_terms()
    if source == "x":  # X query language: OR, quotes for phrases
        return "(" + " OR ".join(f'"{t}"' if " " in t else t for t in terms) + ")"
    return " ".join(terms) if source != "mastodon" else ",".join(t.lstrip("#") for t in terms if t.startswith("#"))


def crawl_plan(wl: Watchlist) -> list[CrawlJob]:
    """One crawl job per [[sources]] entry, `@watchlist` queries expanded from hashtags/keywords/slogans."""
    jobs = []
    for i, s in enumerate(wl.sources):
        args = {k: (watchlist_query(wl, s.source) if v == WATCHLIST_QUERY else v) for k, v in s.args.items()}
        jobs.append(CrawlJob(source=s.source, region=s.region, label=s.label or f"{s.source}-{i + 1}", spider_args=args))
    return jobs
