"""Pure parser for a listing page described by selectors.

Site config (TOML, see docs/crawlers.md):

    name = "forum-warga"                 # becomes the post id prefix: <name>/<id>
    start_url = "/forum/pilkada"         # relative to base_url
    item = "div.thread-post"             # one element per post
    next = "a.next::attr(href)"          # next listing page (optional)
    [fields]
    id = "::attr(data-id)"               # required
    text = ".body"                       # required; text of the element(s)
    url = "a.permalink::attr(href)"
    author = ".user"
    created_at = "time::attr(datetime)"

A selector is CSS unless it starts with `xpath:`. A field selector without `::attr()`/`::text` (or an XPath
`/text()`/`@attr`) yields the element's whole visible text.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from pantau.crawlers.common import ParseError, decode_html, html_to_text, post_payload

PLATFORM = "html"
REQUIRED = ("name", "start_url", "item")
FIELDS = ("id", "text", "url", "author", "created_at")


class SiteConfigError(ValueError):
    pass


def load_site(path: str | Path) -> dict:
    try:
        cfg = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SiteConfigError(f"{path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{path}: {exc}") from None
    return check_site(cfg, str(path))


def check_site(cfg: dict, where: str = "site config") -> dict:
    for key in REQUIRED:
        if not isinstance(cfg.get(key), str) or not cfg[key].strip():
            raise SiteConfigError(f"{where}: '{key}' is required (a non-empty string)")
    fields = cfg.get("fields")
    if not isinstance(fields, dict):
        raise SiteConfigError(f"{where}: [fields] table is required")
    for key in ("id", "text"):
        if not isinstance(fields.get(key), str):
            raise SiteConfigError(f"{where}: 'fields.{key}' is required")
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise SiteConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} in [fields]; allowed: {', '.join(FIELDS)}")
    for key, value in list(fields.items()) + [("item", cfg["item"]), ("next", cfg.get("next"))]:
        if value is not None:
            try:
                _select(Selector(text="<p/>"), value)
            except Exception as exc:  # noqa: BLE001 - any selector syntax error
                raise SiteConfigError(f"{where}: bad selector for '{key}': {value!r} ({exc})") from None
    return cfg


def _select(sel: Any, expr: str) -> Any:
    return sel.xpath(expr[6:]) if expr.startswith("xpath:") else sel.css(expr)


def _value(node: Any, expr: str | None) -> str | None:
    if not expr:
        return None
    found = _select(node, expr)
    if not found:
        return None
    plain = expr.startswith("xpath:") and ("/text()" in expr or "@" in expr) or ("::" in expr)
    if plain:
        value = " ".join(v.strip() for v in found.getall() if v.strip())
    else:
        value = "\n".join(html_to_text(f) for f in found.getall())
    return value.strip() or None


def parse_page(page: str | bytes, *, site: dict, base_url: str, content_type: str | None = None,
               errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Posts of one listing page and the absolute URL of the next page (or None)."""
    sel = Selector(text=decode_html(page, content_type), type="html")  # never sniffed as JSON
    fields = site["fields"]
    posts: list[dict] = []
    for index, node in enumerate(_select(sel, site["item"])):
        try:
            item_id = _value(node, fields["id"])
            url = _value(node, fields.get("url"))
            posts.append(post_payload(
                PLATFORM, f"{site['name']}/{item_id}" if item_id else None, _value(node, fields["text"]), node.get(), index=index,
                url=urljoin(base_url, url) if url else None,
                created_at=_value(node, fields.get("created_at")),
                author={"id": None, "handle": _value(node, fields.get("author")), "name": None, "bio": None},
            ))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
    nxt = _value(sel, site.get("next")) if site.get("next") else None
    return posts, (urljoin(base_url, nxt) if nxt else None)
