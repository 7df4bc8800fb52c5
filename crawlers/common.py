"""Pure helpers shared by the platform parsers: errors, JSON pages, HTML to text, Link headers, Post payloads.

No Scrapy, no I/O. Every parser returns Post payload dicts that `pantau.post.Post.from_payload` accepts, with
`raw` the exact source of the post (canonical JSON of an API object, or the HTML fragment) and
`raw_sha256 = sha256_hex(raw)`. `captured_at` is left to the crawl pipeline.

Posts are validated once, here: `checked_post` runs Post.from_payload, computes raw_sha256 from raw itself and
returns a read-only `CheckedPost` dict carrying the validated Post, which the crawl pipeline uses as is. Any other
item (a plain dict, or a new dict built from a CheckedPost to change it) is validated again by the pipeline.
"""

from __future__ import annotations

import copy
import html
import json
import re
from typing import Any

from parsel import Selector
from w3lib.encoding import html_to_unicode

from pantau.post import MEDIA_LABELS, Post, PostError, canonical_json, parse_time, sha256_hex


class ParseError(ValueError):
    """One post (or page) that could not be parsed. `index` is the post's position on the page."""

    def __init__(self, reason: str, *, index: int | None = None, post_id: str | None = None, snippet: str = ""):
        where = f"post #{index}" if index is not None else "page"
        if post_id:
            where += f" (id {post_id})"
        super().__init__(f"{where}: {reason}")
        self.reason, self.index, self.post_id, self.snippet = reason, index, post_id, snippet[:200]


class PageError(ParseError):
    """The whole page is unusable (not JSON, wrong content type, wrong shape...)."""


class AuthError(RuntimeError):
    """Credentials missing or rejected. The message names the environment variable, never the secret."""


JSON_TYPES = ("application/json", "text/json", "application/problem+json")


def load_json(body: bytes | str, content_type: str | None = None) -> tuple[Any, bool]:
    """(decoded JSON, had_bad_bytes). Raises PageError for an empty body, a non-JSON content type or bad JSON.

    Bytes that are not UTF-8 are replaced by U+FFFD (had_bad_bytes=True) rather than losing the page.
    """
    if content_type:
        ctype = content_type.split(";")[0].strip().lower()
        if ctype and ctype not in JSON_TYPES and not ctype.endswith("+json"):
            raise PageError(f"expected JSON, got content type {ctype!r}")
    bad = False
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            text, bad = body.decode("utf-8", errors="replace"), True
    else:
        text = body
    if not text.strip():
        raise PageError("empty body")
    try:
        return json.loads(text), bad
    except json.JSONDecodeError as exc:
        raise PageError(f"not valid JSON: {exc.msg} at char {exc.pos}") from None


def decode_html(page: str | bytes, content_type: str | None = None) -> str:
    """Bytes to text like a browser: BOM, Content-Type charset, <meta charset>, then UTF-8 (bad bytes replaced)."""
    if isinstance(page, str):
        return page
    try:
        return html_to_unicode(content_type, page)[1]
    except LookupError:  # a charset Python knows only as a bytes codec (uu, base64, zlib...): ignored, as a browser does
        pass
    try:
        return html_to_unicode(None, page)[1]  # without the header's charset: the page's own
    except LookupError:
        return page.decode("utf-8", errors="replace")


_BLOCK = re.compile(r"(?i)<\s*(br|/p|/div|/li|/h[1-6])\s*/?\s*>")
_BREAK = "\ue000"  # a private-use character standing for a line break while the source's whitespace is collapsed


def html_to_text(fragment: str | None) -> str:
    """Visible text of an HTML fragment, as a browser shows it: <br> and block ends become newlines, any other run of
    whitespace (newlines of pretty-printed source included) one space."""
    if not fragment or not isinstance(fragment, str):  # absent, or not text where an API promised HTML
        return ""
    if not fragment.isascii():  # a lone surrogate (JSON "\ud800") cannot reach lxml: U+FFFD, as a browser shows it
        fragment = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in fragment)
    marked = _BLOCK.sub(lambda m: _BREAK + m.group(0), fragment.replace(_BREAK, ""))
    text = "".join(Selector(text=f"<div>{marked}</div>").xpath("//text()").getall())
    lines = [" ".join(line.split()) for line in text.split(_BREAK)]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def unescape(text: Any) -> Any:
    """HTML character references (`&amp;`, `&#39;`, `&quot;`) in plain-text API fields to characters; non-text as is."""
    return html.unescape(text) if isinstance(text, str) and "&" in text else text


def media_text(media: list[dict]) -> str:
    """`[foto] alt text [video]`: the text of a post that has only media (alt texts and captions included)."""
    parts = []
    for m in media:
        label = f"[{MEDIA_LABELS.get(m.get('type'), 'media')}]"
        parts.append(f"{label} {m['alt']}" if m.get("alt") else label)
    return " ".join(parts)


def with_shared(own: str | None, shared: str | None) -> str:
    """The text of a share: the sharer's own words, then the shared text (each may be empty)."""
    return "\n\n".join(t.strip() for t in (own, shared) if t and t.strip())


def parse_link_header(value: str | bytes | None) -> dict[str, str]:
    """RFC 8288 Link header to {rel: url}: `<https://a/b?max_id=1>; rel="next", <...>; rel="prev"`."""
    if not value:
        return {}
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    links: dict[str, str] = {}
    for part in re.finditer(r'<([^>]*)>\s*((?:;\s*[^;,]+)*)', value):
        url, params = part.group(1), part.group(2)
        rel = re.search(r'rel\s*=\s*"?([^";,]+)"?', params)
        if rel:
            for name in rel.group(1).split():
                links.setdefault(name, url)
    return links


def post_payload(platform: str, post_id: Any, text: Any, raw: Any, *, index: int | None = None, **fields: Any) -> "CheckedPost":
    """A validated Post payload; `raw` is a str (kept as is) or a JSON object (canonical JSON). Raises ParseError."""
    raw_text = raw if isinstance(raw, str) else canonical_json(raw)
    if isinstance(post_id, int) and not isinstance(post_id, bool):
        post_id = str(post_id)
    if not isinstance(post_id, str) or not post_id:
        raise ParseError("missing id", index=index, snippet=raw_text)
    if not isinstance(text, str) or not text.strip():
        raise ParseError("missing text", index=index, post_id=post_id, snippet=raw_text)
    payload = {"platform": platform, "post_id": post_id, "text": text, "raw": raw_text}
    payload.update(fields)
    return checked_post(payload, index=index)


def odd_time(value: Any, name: str = "created_at") -> str | None:
    """None when `value` is absent or a time Post accepts (ISO 8601 or epoch seconds within 2000-01-01 .. now + 1
    day); otherwise a short text of it (`created_at='kemarin sore'`) for the log. The one test every adapter uses."""
    if value is None or value == "":
        return None
    try:
        parse_time(value, name)
    except PostError:
        return f"{name}={value!r}"[:120]
    return None


def settle_times(payload: dict) -> tuple[dict, tuple[str, ...]]:
    """`payload` with every odd time (see odd_time) of the post and of its shared original set to None, and the odd
    texts. A post is never lost for a date: it is kept with its time unknown (the capture time stands in); the crawl
    pipeline logs the texts and counts them in the stat `pantau/<platform>/odd_dates`."""
    odd = []
    if text := odd_time(payload.get("created_at")):
        payload, odd = {**payload, "created_at": None}, [text]
    shared = payload.get("shared_from")
    if isinstance(shared, dict) and (text := odd_time(shared.get("created_at"), "shared_from.created_at")):
        payload = {**payload, "shared_from": {**shared, "created_at": None}}
        odd.append(text)
    return payload, tuple(odd)


def validated(payload: dict, error: type[Exception] = PostError, **context: Any) -> tuple[Post, dict, tuple[str, ...]]:
    """(Post.from_payload(payload), the payload as validated, its odd times). Times are checked once, by
    Post.from_payload; only a payload it refuses is settled (settle_times) and validated again, so a post is
    lost for its date never, and the common path pays nothing. Any other fault raises `error(message, **context)`."""
    try:
        return Post.from_payload(payload), payload, ()
    except PostError as exc:
        settled, odd = settle_times(payload)
        if not odd:
            raise error(str(exc), **context) from None
    try:
        return Post.from_payload(settled), settled, odd
    except PostError as exc:
        raise error(str(exc), **context) from None


def _read_only(self: Any, *args: Any, **kwargs: Any) -> Any:
    raise TypeError("a checked post payload is read-only: build a new dict ({**post, ...}) to change it")


class _FrozenDict(dict):
    """A dict that refuses in-place changes; copies (dict(d), {**d}, copy, pickle) are plain dicts."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]
    pop = popitem = setdefault = update = clear = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        return copy.deepcopy(dict(self), memo)


class CheckedPost(_FrozenDict):
    """A Post payload that passed Post.from_payload, its raw_sha256 computed from its raw by `checked_post`.

    Read-only (its `author` too), so `post` (the validated Post) always matches the dict: the crawl pipeline
    uses `post` without validating or hashing again. Equal to the plain dict with the same content.
    """

    __slots__ = ("post", "odd_dates")
    post: Post
    odd_dates: tuple[str, ...]  # the times set to None by settle_times, for the pipeline's log and count


def checked_post(payload: dict, *, index: int | None = None) -> CheckedPost:
    """`payload` validated with Post.from_payload, with raw_sha256 = sha256_hex(raw) (any raw_sha256 given is
    replaced: the hash is always of the raw text kept). A time that cannot be read or lies out of range does not
    lose the post: it is set to None (settle_times) and named in `odd_dates`. Raises ParseError naming the post."""
    raw = payload.get("raw")
    post_id = payload.get("post_id")
    where = {"index": index, "post_id": str(post_id) if post_id not in (None, "") else None}
    if raw is not None and not isinstance(raw, str):
        raise ParseError(f"raw must be text, got {type(raw).__name__}", **where)
    out = dict(payload)
    try:
        out["raw_sha256"] = sha256_hex(raw) if raw is not None else None
    except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800" in an API's JSON): no UTF-8 bytes to hash
        raise ParseError(f"raw holds a lone surrogate at character {exc.start}: not valid Unicode", **where) from None
    author = out.get("author")
    if type(author) is dict:
        out["author"] = _FrozenDict(author)
    post, out, odd = validated(out, ParseError, snippet=raw or "", **where)
    checked = CheckedPost(out)
    checked.post, checked.odd_dates = post, odd
    return checked


def collect(items: Any, build: Any, errors: list[ParseError] | None) -> list[dict]:
    """Apply build(obj, index) to each item; a ParseError is reported in `errors` and the item skipped."""
    posts: list[dict] = []
    for index, obj in enumerate(items):
        try:
            if not isinstance(obj, dict):
                raise ParseError(f"expected an object, got {type(obj).__name__}", index=index)
            posts.append(build(obj, index))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
    return posts


def id_key(value: str) -> tuple[int, str]:
    """Sort key for ids that are usually numeric strings (snowflakes): numeric order, then text."""
    return (int(value), "") if value.isdigit() else (-1, value)
