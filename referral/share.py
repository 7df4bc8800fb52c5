"""The report of a share (issue 16): the sharer is the reported person; the original is cited, not reported.

A repost, quote or forward is stored as the sharer's Post (author = the sharing account, created_at = the share
time) with the original in the `shared_from` JSON column (docs/post-format.md). Sharing campaign content is itself
the act to report (`interaksi_pemenangan`), so the report's terlapor stays the post's author and the original is
cited in its own section, "Konten yang dibagikan": platform, link, account, time in WIB and text. The package's
manifest records the original's link beside the share's own evidence (captured for the share's URL, as for any post).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pantau.post import PostError, parse_time
from pantau.times import utc_text, wib_text

# What the sharer did, in the report's words
SHARE_ACTS = {"repost": "membagikan ulang", "quote": "mengutip dan membagikan"}


def shared_original(post: dict[str, Any]) -> dict[str, Any] | None:
    """The original a stored share cites, ready for the report, or None for a post that shares nothing.

    {platform, post_id, url, handle, name, bio, when_wib, when_utc, text, act} (empty strings where unknown)."""
    value = post.get("shared_from")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, dict):
        return None
    author = value.get("author") if isinstance(value.get("author"), dict) else {}
    when = _time(value.get("created_at"))
    return {
        "platform": value.get("platform") or post.get("platform") or "", "post_id": value.get("post_id") or "",
        "url": value.get("url") or "", "handle": (author.get("handle") or "").lstrip("@"),
        "name": author.get("name") or "", "bio": author.get("bio") or "",
        "when_wib": wib_text(when), "when_utc": utc_text(when), "text": (value.get("text") or "").strip(),
        "act": SHARE_ACTS.get(post.get("kind") or "", "membagikan"),
    }


def original_account(original: dict[str, Any]) -> str:
    """'@handle (Name)', the name alone, or '(akun tidak diketahui)'."""
    if original["handle"]:
        return f"@{original['handle']}" + (f" ({original['name']})" if original["name"] else "")
    return original["name"] or "(akun tidak diketahui)"


def manifest_entry(original: dict[str, Any]) -> dict[str, str]:
    """What the package manifest records of the original: where it is, whose it is, when it was published."""
    return {"platform": original["platform"], "post_id": original["post_id"], "url": original["url"],
            "author_handle": original["handle"], "published_at_utc": original["when_utc"]}


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return parse_time(value, "shared_from.created_at")
    except PostError:
        return None  # shown as unknown; the stored JSON (bukti/pos.json) keeps it as it came
