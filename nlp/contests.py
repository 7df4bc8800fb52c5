"""Contests as data: candidates, nicknames, ballot numbers, hashtags and parties per election and region.

Candidates are knowledge, not vocabulary: the classifier's model never needs a candidate's name in its TF-IDF
vocabulary. The contest files (`nlp/data/contests/*.toml`, format in the README there; more directories through
`PANTAU_CONTESTS=dir1:dir2`) are read when the signal extractor is built, and a mention of a listed candidate or
party becomes act evidence: a `candidate_ref` or `party` signal that carries `"ref"` (e.g. `pilpres-2024#2`).

    contests = load_contests()                 # shipped files + PANTAU_CONTESTS
    for phrase, ref, exact in contests.phrases(): ...   # what the signal extractor indexes
    contests.describe("pilpres-2024#2")        # "Pemilu Presiden ... no. 2: Prabowo Subianto / Gibran ..."
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

CONTESTS_ENV = "PANTAU_CONTESTS"
SHIPPED_DIR = Path(__file__).parent / "data" / "contests"


class ContestError(ValueError):
    """A contest file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Contestant:
    """A candidate (pair) or a party in one election."""

    ref: str                     # "<election id>#<nomor urut or index>"
    kind: str                    # "candidate" | "party"
    election: str
    names: tuple[str, ...]
    nomor_urut: int | None = None
    aliases: tuple[str, ...] = ()
    aliases_exact_case: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    tag_stems: tuple[str, ...] = ()
    uncertain: bool = False


@dataclass
class Contests:
    """All contestants of the loaded files."""

    elections: dict[str, dict] = field(default_factory=dict)
    contestants: list[Contestant] = field(default_factory=list)

    def phrases(self) -> Iterator[tuple[str, Contestant, bool]]:
        """(phrase, contestant, exact case) for every name and alias (hashtags are matched separately)."""
        for c in self.contestants:
            for p in dict.fromkeys(c.names + c.aliases):
                yield p, c, False
            for p in c.aliases_exact_case:
                yield p, c, True

    def hashtags(self) -> dict[str, Contestant]:
        """Exact hashtags (lowercase, with '#') -> contestant."""
        return {t.lower(): c for c in self.contestants for t in c.hashtags}

    def tag_stems(self) -> dict[str, Contestant]:
        """A word that makes any hashtag containing it a mention ("#prabowogibran2024" contains "prabowo")."""
        return {s.lower(): c for c in self.contestants for s in c.tag_stems}

    def by_ref(self, ref: str) -> Contestant | None:
        return next((c for c in self.contestants if c.ref == ref), None)

    def describe(self, ref: str) -> str:
        c = self.by_ref(ref)
        if c is None:
            return ref
        name = self.elections.get(c.election, {}).get("name", c.election)
        number = f" no. {c.nomor_urut}" if c.nomor_urut is not None else ""
        return f"{name}{number}: {' / '.join(c.names)}"


def _strings(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContestError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _contestant(entry: dict, kind: str, election: str, index: int, uncertain: bool, where: str) -> Contestant:
    if not isinstance(entry, dict):
        raise ContestError(f"{where}: expected a table")
    number = entry.get("nomor_urut")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool) or number < 1):
        raise ContestError(f"{where}: nomor_urut must be a positive integer")
    names = _strings(entry.get("names") or ([entry["name"]] if "name" in entry else None), f"{where}.names")
    if not names:
        raise ContestError(f"{where}: names (or name) is required")
    for tag in _strings(entry.get("hashtags"), f"{where}.hashtags"):
        if not tag.startswith("#") or " " in tag:
            raise ContestError(f"{where}.hashtags: {tag!r} is not a hashtag")
    return Contestant(
        ref=f"{election}#{number if number is not None else f'c{index}'}", kind=kind, election=election, names=names,
        nomor_urut=number, aliases=_strings(entry.get("aliases"), f"{where}.aliases"),
        aliases_exact_case=_strings(entry.get("aliases_exact_case"), f"{where}.aliases_exact_case"),
        hashtags=_strings(entry.get("hashtags"), f"{where}.hashtags"),
        tag_stems=_strings(entry.get("tag_stems"), f"{where}.tag_stems"),
        uncertain=bool(entry.get("uncertain", uncertain)),
    )


def _add_election(out: Contests, meta: dict, candidates: list, parties: list, where: str) -> None:
    eid = meta.get("id")
    if not isinstance(eid, str) or not eid.strip():
        raise ContestError(f"{where}: election id is required")
    if eid in out.elections:
        raise ContestError(f"{where}: election {eid!r} defined twice")
    uncertain = bool(meta.get("uncertain", False))
    out.elections[eid] = {k: v for k, v in meta.items() if k not in ("candidates", "parties")}
    for kind, entries in (("candidate", candidates), ("party", parties)):
        if not isinstance(entries, list):
            raise ContestError(f"{where}: {kind} entries must be a list")
        for i, entry in enumerate(entries):
            out.contestants.append(_contestant(entry, kind, eid, i, uncertain, f"{where}: {eid} {kind}[{i}]"))


def load_file(path: Path, into: Contests | None = None) -> Contests:
    out = into if into is not None else Contests()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ContestError(f"{path}: {exc}") from None
    if "election" in data:
        _add_election(out, data["election"], data.get("candidates", []), data.get("parties", []), str(path))
    for meta in data.get("elections", []):
        _add_election(out, meta, meta.get("candidates", []), meta.get("parties", []), str(path))
    return out


def contest_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(CONTESTS_ENV, "").split(os.pathsep) if p.strip()]
    return [SHIPPED_DIR, *extra]


def load_contests(dirs: list[Path] | None = None) -> Contests:
    """Every `*.toml` in the given directories (default: the shipped ones plus PANTAU_CONTESTS), in name order."""
    out = Contests()
    for d in dirs if dirs is not None else contest_dirs():
        if not d.is_dir():
            raise ContestError(f"{d}: contest directory not found")
        for path in sorted(d.glob("*.toml")):
            load_file(path, out)
    return out
