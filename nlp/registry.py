"""Account registry: accounts a team already knows to be bound to neutrality, loaded when classifying.

A registry entry is identity evidence with its source ("terdaftar sebagai ASN: keputusan #123"), so a post by a
known camat whose bio says nothing is still flagged when it campaigns. A team keeps one TOML file per region (or
one for all), listed in `PANTAU_REGISTRY` (paths separated by the OS path separator) or passed to
`pantau.nlp.classifier.load(registry=...)`:

    [[accounts]]
    platform = "x"                 # as in the Post spec
    handle = "camat_cikupa"        # without '@'; or author_id = "12345" (either, or both)
    class = "asn"                  # asn | desa | tni_polri  (pantau.nlp.identity.IDENTITY_CLASSES)
    role = "Camat Cikupa"          # what is known
    region = "Kab. Tangerang"
    source = "keputusan #123"      # how it is known: a confirmed decision, an official agency list, an earlier
                                   # self-identification ("bio 2024-01-03: 'Camat Cikupa'")

Accounts confirmed by reviewers' decisions come from the store (the view `v_registry_decisions`, docs/store.md: an
account with a post whose latest decision that counts is a violation): `Registry.from_rows` makes entries of those
rows (source "keputusan #<decision_id>", the role from the decided post's bio/name span) and `with_decided` adds
them to a loaded classifier's registry (the flows that classify posts into the store do). The TOML files win: an
account in both keeps the team's entry (its role, region and source were written by the team on purpose), so a
decision adds only accounts the files do not list.
"""

from __future__ import annotations

import copy
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from pantau.nlp.identity import IDENTITY_CLASSES, REGISTRY_SIGNAL, SIGNAL_CLASS

REGISTRY_ENV = "PANTAU_REGISTRY"
_CLASS_WORD = {"asn": "ASN", "desa": "kepala/perangkat desa", "tni_polri": "anggota TNI/Polri"}


class RegistryError(ValueError):
    """A registry file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Entry:
    platform: str
    handle: str | None
    author_id: str | None
    cls: str
    role: str
    region: str
    source: str

    def signal(self) -> dict:
        """The identity-evidence signal of this entry (no span: it is not in the post)."""
        what = f"terdaftar sebagai {_CLASS_WORD[self.cls]}"
        detail = ", ".join(x for x in (self.role, self.region) if x)
        text = f"{what}{f' ({detail})' if detail else ''}: {self.source}"
        return {"name": REGISTRY_SIGNAL, "source": "registry", "start": 0, "end": 0, "text": text, "class": self.cls}


def _norm_handle(handle: str | None) -> str | None:
    return handle.strip().lstrip("@").lower() if handle and handle.strip() else None


class Registry:
    """Entries by (platform, handle) and (platform, author id)."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self._by_handle: dict[tuple[str, str], Entry] = {}
        self._by_id: dict[tuple[str, str], Entry] = {}
        for e in entries:
            if e.handle:
                self._by_handle[(e.platform, e.handle)] = e
            if e.author_id:
                self._by_id[(e.platform, e.author_id)] = e

    def __len__(self) -> int:
        return len(set(self._by_handle.values()) | set(self._by_id.values()))

    def entries(self) -> list[Entry]:
        return list(dict.fromkeys([*self._by_id.values(), *self._by_handle.values()]))

    def merged(self, other: "Registry") -> "Registry":
        """This registry plus the entries of `other` whose account it does not know (by author id or handle):
        on a conflict this registry's entry wins."""
        extra = [e for e in other.entries()
                 if not (e.author_id and (e.platform, e.author_id) in self._by_id)
                 and not (e.handle and (e.platform, e.handle) in self._by_handle)]
        return Registry([*extra, *self.entries()]) if extra else self

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> "Registry":
        """Entries of the store's `v_registry_decisions` rows (platform, author_id, author_handle, identity_class,
        region, source, signals); a row of an unknown class or with no account key is skipped."""
        entries = []
        for r in rows:
            klass, platform = r.get("identity_class"), (r.get("platform") or "").strip()
            handle = _norm_handle(r.get("author_handle"))
            author_id = str(r["author_id"]).strip() if r.get("author_id") not in (None, "") else None
            if klass not in IDENTITY_CLASSES or not platform or not (handle or author_id) or not r.get("source"):
                continue
            entries.append(Entry(platform, handle, author_id, klass, _role(r.get("signals"), klass),
                                 str(r.get("region") or "").strip(), str(r["source"]).strip()))
        return cls(entries)

    def lookup(self, platform: str, handle: str | None, author_id: str | None) -> Entry | None:
        if author_id and (platform, author_id) in self._by_id:
            return self._by_id[(platform, author_id)]
        h = _norm_handle(handle)
        return self._by_handle.get((platform, h)) if h else None


def _role(signals: Any, klass: str) -> str:
    """The role the decided post showed in its author's bio or display name (e.g. "Camat Cikupa"), else ""; an NIP
    is not a role (and is personal data)."""
    if isinstance(signals, str):
        try:
            signals = json.loads(signals)
        except ValueError:
            return ""
    for s in signals or ():
        if (isinstance(s, dict) and s.get("source") in ("bio", "name") and s.get("name") != "asn_nip"
                and SIGNAL_CLASS.get(s.get("name")) == klass and str(s.get("text") or "").strip()):
            return str(s["text"]).strip()
    return ""


def load_file(path: Path) -> list[Entry]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RegistryError(f"{path}: {exc}") from None
    accounts = data.get("accounts", [])
    if not isinstance(accounts, list):
        raise RegistryError(f"{path}: accounts must be an array of tables")
    out = []
    for i, a in enumerate(accounts):
        where = f"{path}: accounts[{i}]"
        if not isinstance(a, dict):
            raise RegistryError(f"{where}: expected a table")
        for key in ("platform", "class", "source"):
            if not isinstance(a.get(key), str) or not a[key].strip():
                raise RegistryError(f"{where}: {key} is required")
        if a["class"] not in IDENTITY_CLASSES:
            raise RegistryError(f"{where}: class must be one of {', '.join(IDENTITY_CLASSES)}")
        handle, author_id = _norm_handle(a.get("handle")), (str(a["author_id"]).strip() if a.get("author_id") else None)
        if not handle and not author_id:
            raise RegistryError(f"{where}: handle or author_id is required")
        out.append(Entry(a["platform"].strip(), handle, author_id, a["class"], str(a.get("role", "")).strip(),
                         str(a.get("region", "")).strip(), a["source"].strip()))
    return out


def load_registry(paths: Iterable[Path] | None = None) -> Registry:
    """Entries of the given files (default: the files in PANTAU_REGISTRY; none -> an empty registry)."""
    if paths is None:
        paths = [Path(p) for p in os.environ.get(REGISTRY_ENV, "").split(os.pathsep) if p.strip()]
    entries: list[Entry] = []
    for p in paths:
        entries.extend(load_file(Path(p)))
    return Registry(entries)


def with_decided(model: Any, decided: Iterable[Mapping[str, Any]]) -> Any:
    """The Classifier `model` with the accounts confirmed by decisions (`decided`: rows of the store's
    `v_registry_decisions`) added to its registry, the team's files winning (`Registry.merged`). A shallow copy:
    the model given (often cached) keeps its registry; with no decided rows, `model` itself."""
    extra = Registry.from_rows(decided)
    if not len(extra):
        return model
    merged = copy.copy(model)
    merged.registry = model.registry.merged(extra)
    return merged
