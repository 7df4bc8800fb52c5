"""The Post record and its JSON Lines interchange format.

Every source (crawler adapter, manual intake, demo platform) produces `Post`
records; the classifier, the store and the CLI consume them. One post is one
JSON object on one line (see docs/post-format.md, checked by tests).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

REQUIRED_FIELDS = ("platform", "post_id", "text")
# What a post is: its own post, a share of another (repost: retweet, reblog, forward), a share with the sharer's
# own words (quote), or an answer (reply on the same platform feed, comment under a video or article).
POST_KINDS = ("post", "repost", "quote", "reply", "comment")
MEDIA_TYPES = ("image", "video", "gif", "audio", "document", "poll", "location", "sticker", "other")
# Media types in Bahasa Indonesia: a media-only post's text (`[foto] alt`) and the triage item page.
MEDIA_LABELS = {"image": "foto", "video": "video", "gif": "gif", "audio": "audio", "document": "dokumen",
                "poll": "polling", "location": "lokasi", "sticker": "stiker", "other": "media"}

# Input limits (docs/post-format.md#limits), the one home of each: Post.from_payload and iter_jsonl_posts refuse
# what lies outside them with a PostError, so no reader (ingest, classify, bulk, crawlers) ever stores one.
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)  # no post (nor its capture) is older
FUTURE_SLACK = timedelta(days=1)  # a time may lie at most this far ahead of the clock (skewed clocks, time zones)
MAX_POST_BYTES = 8 * 1024 * 1024  # one post: its line in a JSON Lines file; built in code, its strings together
MAX_DEPTH = 100  # objects and arrays nested in one post line


class PostError(ValueError):
    """A payload that cannot be turned into a Post; the message says which field."""


@dataclass(frozen=True, slots=True)
class Author:
    id: str | None = None
    handle: str | None = None
    name: str | None = None
    bio: str | None = None
    verified: bool | None = None
    location: str | None = None  # what the account says (profile location), never the watchlist's region

    @classmethod
    def from_payload(cls, payload: Any, name: str = "author") -> "Author":
        if payload is None:
            return cls()
        if not isinstance(payload, dict):
            raise PostError(f"{name} must be an object with id, handle, name, bio")
        verified = payload.get("verified")
        if verified is not None and not isinstance(verified, bool):
            raise PostError(f"{name}.verified must be true, false or null")
        return cls(**{k: _opt_str(payload.get(k), f"{name}.{k}") for k in ("id", "handle", "name", "bio", "location")},
                   verified=verified)


@dataclass(frozen=True, slots=True)
class Media:
    """A photo, video, poll... attached to a post: `alt` is its description (alt text, caption, poll question)."""

    type: str
    url: str | None = None
    alt: str | None = None

    @classmethod
    def list_from_payload(cls, payload: Any) -> tuple["Media", ...]:
        if payload is None:
            return ()
        if not isinstance(payload, list):
            raise PostError("media must be a list of {type, url, alt}")
        out = []
        for i, m in enumerate(payload):
            if not isinstance(m, dict):
                raise PostError(f"media[{i}] must be an object with type, url, alt")
            kind = m.get("type")
            if kind not in MEDIA_TYPES:
                raise PostError(f"media[{i}].type must be one of {', '.join(MEDIA_TYPES)}, got {kind!r}")
            out.append(cls(kind, _opt_str(m.get("url"), f"media[{i}].url"), _opt_str(m.get("alt"), f"media[{i}].alt")))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class SharedFrom:
    """The original of a repost or quote: who published it and what it said (the Post itself is the sharer's)."""

    platform: str | None = None
    post_id: str | None = None
    url: str | None = None
    created_at: datetime | None = None
    author: Author = field(default_factory=Author)
    text: str | None = None

    @classmethod
    def from_payload(cls, payload: Any) -> "SharedFrom | None":
        if payload is None:
            return None
        if not isinstance(payload, dict):
            raise PostError("shared_from must be an object with platform, post_id, url, created_at, author, text")
        return cls(
            **{k: _opt_str(payload.get(k), f"shared_from.{k}") for k in ("platform", "post_id", "url", "text")},
            created_at=parse_time(payload.get("created_at"), "shared_from.created_at"),
            author=Author.from_payload(payload.get("author"), "shared_from.author"),
        )


@dataclass(frozen=True, slots=True)
class Post:
    platform: str
    post_id: str
    text: str
    url: str | None = None
    created_at: datetime | None = None
    author: Author = field(default_factory=Author)
    lang: str | None = None
    region: str | None = None
    # First time pantau saw this post: the "known since" time that starts the
    # 7-day Bawaslu reporting deadline. Set once by the capturing pipeline.
    captured_at: datetime | None = None
    # SHA-256 (hex) of the exact raw payload bytes the post was parsed from.
    raw_sha256: str | None = None
    # The raw payload itself (JSON text or HTML fragment) as captured.
    raw: str | None = None
    # Issue 16: a share is a Post by the sharer (author, created_at = share time, its own post_id) whose text is
    # the sharer's words plus the shared text; the original is kept in shared_from.
    kind: str = "post"
    shared_from: SharedFrom | None = None
    media: tuple[Media, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.post_id)

    @classmethod
    def from_payload(cls, payload: Any) -> "Post":
        """Build a Post from a decoded JSON object, validating every field."""
        if not isinstance(payload, dict):
            raise PostError(f"expected a JSON object, got {type(payload).__name__}")
        _check_size(payload)
        missing = [f for f in REQUIRED_FIELDS if payload.get(f) in (None, "")]
        if missing:
            raise PostError(f"missing required field(s): {', '.join(missing)}")
        raw_sha = _opt_str(payload.get("raw_sha256"), "raw_sha256")
        if raw_sha is not None and not _is_sha256(raw_sha):
            raise PostError("raw_sha256 must be 64 lowercase hex characters")
        kind = payload.get("kind")
        if kind is not None and kind not in POST_KINDS:
            raise PostError(f"kind must be one of {', '.join(POST_KINDS)}, got {kind!r}")
        return cls(
            platform=_req_str(payload["platform"], "platform"),
            post_id=_req_str(payload["post_id"], "post_id"),
            text=_req_str(payload["text"], "text", allow_non_str=False),
            url=_opt_str(payload.get("url"), "url"),
            created_at=parse_time(payload.get("created_at"), "created_at"),
            author=Author.from_payload(payload.get("author")),
            lang=_opt_str(payload.get("lang"), "lang"),
            region=_opt_str(payload.get("region"), "region"),
            captured_at=parse_time(payload.get("captured_at"), "captured_at"),
            raw_sha256=raw_sha,
            raw=_opt_str(payload.get("raw"), "raw"),
            kind=kind or "post",
            shared_from=SharedFrom.from_payload(payload.get("shared_from")),
            media=Media.list_from_payload(payload.get("media")),
        )

    def to_payload(self, *, include_raw: bool = True) -> dict[str, Any]:
        """The JSON object of docs/post-format.md. Built by hand, not with dataclasses.asdict (its deep copy was
        the slowest step of a crawl's item path, see crawlers/pipelines.py)."""
        a, s = self.author, self.shared_from
        d = {
            "platform": self.platform, "post_id": self.post_id, "text": self.text, "url": self.url,
            "created_at": format_time(self.created_at),
            "author": {"id": a.id, "handle": a.handle, "name": a.name, "bio": a.bio, "verified": a.verified,
                       "location": a.location},
            "lang": self.lang, "region": self.region, "captured_at": format_time(self.captured_at),
            "raw_sha256": self.raw_sha256, "raw": self.raw, "kind": self.kind,
            "shared_from": None if s is None else {
                "platform": s.platform, "post_id": s.post_id, "url": s.url, "created_at": format_time(s.created_at),
                "author": {"id": s.author.id, "handle": s.author.handle, "name": s.author.name, "bio": s.author.bio,
                           "verified": s.author.verified, "location": s.author.location},
                "text": s.text},
            "media": [{"type": m.type, "url": m.url, "alt": m.alt} for m in self.media],
        }
        if not include_raw:
            del d["raw"]
        return d

    def to_json(self, *, include_raw: bool = True) -> str:
        return json.dumps(self.to_payload(include_raw=include_raw), ensure_ascii=False, separators=(",", ":"))


# The Post as stored: one column per field, in field order, of store/schema.sql's `posts` table (all but `raw`, kept
# apart in raw_payloads) and of the store's staging layout; `author` becomes author_<key> columns, `shared_from` and
# `media` JSON (as to_payload writes them). Derived from the fields' annotations, so a new field gets its column here
# and a field of a new type stops the import until its SQL type is written below (tests/test_post.py,
# tests/test_store.py compare this with schema.sql).
SQL_TYPES = {"str": "VARCHAR", "str | None": "VARCHAR", "bool | None": "BOOLEAN", "datetime | None": "TIMESTAMPTZ",
             "SharedFrom | None": "JSON", "tuple[Media, ...]": "JSON"}


def post_columns(cls: type = Post) -> dict[str, str]:
    """Column name -> DuckDB type of each field of the Post dataclass `cls` (nested Author fields flattened)."""
    def sql_type(owner: str, name: str, annotation: Any) -> str:
        if not isinstance(annotation, str):  # a module without `from __future__ import annotations`
            annotation = getattr(annotation, "__name__", None) if isinstance(annotation, type) else str(annotation)
        if annotation not in SQL_TYPES:
            raise TypeError(f"{owner}.{name} is {annotation}: pantau.post.SQL_TYPES has no column type for it")
        return SQL_TYPES[annotation]

    columns: dict[str, str] = {}
    for f in fields(cls):
        if f.type == "Author":
            columns.update((f"{f.name}_{a.name}", sql_type("Author", a.name, a.type)) for a in fields(Author))
        else:
            columns[f.name] = sql_type(cls.__name__, f.name, f.type)
    return columns


POST_COLUMNS = post_columns()

def sha256_hex(raw: str | bytes) -> str:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj: Any) -> str:
    """Stable JSON text for hashing a decoded API object."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_aware(dt: datetime | None) -> datetime | None:
    """A datetime with a time zone: naive ones (as DuckDB returns TIMESTAMP columns) are taken as UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def parse_time(value: Any, name: str) -> datetime | None:
    """ISO 8601 text (or epoch seconds) to an aware UTC datetime between EARLIEST_TIME and FUTURE_SLACK from now."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            dt = datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):  # 1e20, -1e13, NaN, inf
            raise PostError(f"{name} is not a time: {value!r} {_TIME_RANGE}") from None
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise PostError(f"{name} is not an ISO 8601 time: {value!r}") from None
    else:
        raise PostError(f"{name} must be an ISO 8601 string, got {type(value).__name__}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        dt = dt.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00:00+01:00
        raise PostError(f"{name} is out of range: {value!r} {_TIME_RANGE}") from None
    earliest, latest = time_range()
    if not earliest <= dt <= latest:
        raise PostError(f"{name} is out of range: {value!r} {_TIME_RANGE}")
    return dt


def time_range() -> tuple[datetime, datetime]:
    """The earliest and the latest time a post may carry, now."""
    return EARLIEST_TIME, utcnow() + FUTURE_SLACK


_TIME_RANGE = f"(times lie between {EARLIEST_TIME:%Y-%m-%d} and one day from now, docs/post-format.md#limits)"


def format_time(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _check_size(payload: dict) -> None:
    """MAX_POST_BYTES (characters of all its strings, keys included) and MAX_DEPTH, walked without recursion."""
    chars, todo = 0, [(payload, 1)]
    while todo:
        obj, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise PostError(f"nested deeper than {MAX_DEPTH} levels (docs/post-format.md#limits)")
        for key, value in (obj.items() if isinstance(obj, dict) else enumerate(obj)):
            chars += len(key) if isinstance(key, str) else 0
            if isinstance(value, str):
                chars += len(value)
            elif isinstance(value, (dict, list, tuple)):
                todo.append((value, depth + 1))
    if chars > MAX_POST_BYTES:
        raise PostError(f"post too large: {chars:,} characters, at most {MAX_POST_BYTES:,} "
                        "(docs/post-format.md#limits)")


def _req_str(value: Any, name: str, allow_non_str: bool = True) -> str:
    if isinstance(value, str):
        if (bad := _SURROGATE.search(value)) is not None:  # JSON's "\ud800": no UTF-8 for it, spaCy fails on it
            raise PostError(f"{name} holds a lone surrogate U+{ord(bad.group()):04X} at character {bad.start()}: "
                            "not valid Unicode")
        return value
    if allow_non_str and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise PostError(f"{name} must be a string, got {type(value).__name__}")


def _opt_str(value: Any, name: str) -> str | None:
    if value is None:
        return None
    return _req_str(value, name)


_SHA256 = re.compile(r"[0-9a-f]{64}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _is_sha256(value: str) -> bool:
    return _SHA256.fullmatch(value) is not None


# --- JSON Lines ---------------------------------------------------------------


class JsonlError(ValueError):
    """A bad line in a JSON Lines file; carries the 1-based line number."""

    def __init__(self, path: str, lineno: int, reason: str):
        super().__init__(f"{path}:{lineno}: {reason}")
        self.path, self.lineno, self.reason = path, lineno, reason


def iter_jsonl_posts(
    path: str | Path, *, skip_invalid: bool = False, errors: list[JsonlError] | None = None
) -> Iterator[Post]:
    """Yield Posts from a JSON Lines file.

    A bad line raises JsonlError naming the line, unless skip_invalid is set:
    then it is appended to `errors` (if given) and skipped. Blank lines are ignored.
    Bytes that are not UTF-8 are reported as a bad line, never silently replaced. A line longer than
    MAX_POST_BYTES is a bad line too, read in pieces (never whole into memory).
    """
    with open(path, "rb") as fh:
        for lineno, raw_line in enumerate(read_lines(fh), start=1):
            if not raw_line.strip():
                continue
            try:
                if len(raw_line.rstrip(b"\r\n")) > MAX_POST_BYTES:
                    raise PostError(f"line longer than {MAX_POST_BYTES:,} bytes, the largest post pantau takes "
                                    "(docs/post-format.md#limits)")
                try:
                    line = raw_line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise PostError(f"not valid UTF-8 (byte {exc.start})") from None
                try:
                    payload = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise PostError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
                except ValueError as exc:  # an integer of more than 4,300 digits
                    raise PostError(f"invalid JSON: {exc}") from None
                except RecursionError:
                    raise PostError(f"nested deeper than {MAX_DEPTH} levels (docs/post-format.md#limits)") from None
                yield Post.from_payload(payload)
            except PostError as exc:
                err = JsonlError(str(path), lineno, str(exc))
                if not skip_invalid:
                    raise err from None
                if errors is not None:
                    errors.append(err)


def read_lines(fh: BinaryIO) -> Iterator[bytes]:
    """The lines of a binary file with their newlines; a line longer than MAX_POST_BYTES comes cut to its first
    MAX_POST_BYTES + 1 bytes plus a newline (still too long, so still refused), the rest skipped unread into memory."""
    while line := fh.readline(MAX_POST_BYTES + 1):
        if len(line) > MAX_POST_BYTES and not line.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            line += b"\n"  # so that lines joined into a chunk stay apart
        yield line


def line_chunks(fh: BinaryIO, n: int, block: int = 1 << 20) -> Iterator[tuple[bytes, int]]:
    """The lines of a binary file `n` at a time: (the lines joined, how many), the last chunk with the lines left.
    The lines are those of `read_lines` (a line longer than MAX_POST_BYTES cut the same way, so memory stays
    bounded), read in blocks: 122,880 lines of ~1 KB in 0.16 s where read_lines and a join took 0.45 s."""
    pieces: list[bytes | memoryview] = []  # complete lines, not yielded yet
    lines = 0
    partial = bytearray()  # the line being read, cut at MAX_POST_BYTES + 1 bytes
    cut = False  # the rest of an over-long line is skipped up to its newline

    def take(end: bytes) -> None:  # the line ends with `end` and a newline
        nonlocal cut
        line = bytes(partial) + end
        pieces.append((line[:MAX_POST_BYTES + 1] if cut or len(line) > MAX_POST_BYTES + 1 else line) + b"\n")
        partial.clear()
        cut = False

    while data := fh.read(min(block, MAX_POST_BYTES)):  # a line within a block is not over-long
        first = data.find(b"\n")
        if first < 0:
            if not cut:
                partial.extend(data)
                if len(partial) > MAX_POST_BYTES:
                    del partial[MAX_POST_BYTES + 1:]
                    cut = True
            continue
        take(data[:first] if not cut else b"")
        lines += 1
        start, last = first + 1, data.rfind(b"\n")
        more = data.count(b"\n", start, last + 1)
        while lines + more >= n:  # the newline that ends the n-th line is in data[start:last + 1]
            end = start
            for _ in range(n - lines):
                end = data.index(b"\n", end) + 1
            pieces.append(memoryview(data)[start:end])
            yield b"".join(pieces), n
            pieces.clear()
            more -= n - lines
            lines, start = 0, end
        pieces.append(memoryview(data)[start:last + 1])
        lines += more
        partial.extend(memoryview(data)[last + 1:])
    if partial or cut:
        if cut or len(partial) > MAX_POST_BYTES:
            take(b"")
        else:
            pieces.append(bytes(partial))
        lines += 1
    if lines:
        yield b"".join(pieces), lines


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
            n += 1
    return n
