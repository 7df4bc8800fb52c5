"""Local fixture server of the demo platform for the adapter contract test: the real DemoSite with 30 posts."""

from __future__ import annotations

from pantau.demo.generate import generate_posts
from pantau.demo.site import DemoSite

ENV: dict[str, str] = {}


def _posts() -> list[dict]:
    return generate_posts(n=30)


def serve():  # noqa: ANN201 - a DemoSite (context manager with .url)
    return DemoSite(posts=_posts())


def expected_ids(args: dict | None = None) -> set[str]:
    return {p["id"] for p in _posts()}


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "limit": "10"}
