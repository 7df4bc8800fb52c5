"""Join HTML-timeline posts with their author's profile (bio, region), fetching each profile once.

The timeline shows an author's handle and name but not the bio, where ASN identity usually shows
("Guru SDN ...", "Bidan Puskesmas ..."). Posts wait here until their author's profile is known.
"""

from __future__ import annotations

from pantau.crawlers.platforms.demo.parse import with_profile


class ProfileJoin:
    def __init__(self) -> None:
        self.known: dict[str, dict | None] = {}
        self.pending: dict[str, list[dict]] = {}

    def offer(self, post: dict) -> tuple[list[dict], str | None]:
        """(posts ready to emit, handle whose profile must be fetched now or None)."""
        handle = (post.get("author") or {}).get("handle")
        if not handle:
            return [post], None
        if handle in self.known:
            return [with_profile(post, self.known[handle])], None
        first = handle not in self.pending
        self.pending.setdefault(handle, []).append(post)
        return [], handle if first else None

    def resolve(self, handle: str, profile: dict | None) -> list[dict]:
        """Record the profile (None if it could not be fetched) and release the posts waiting for it."""
        self.known[handle] = profile
        return [with_profile(p, profile) for p in self.pending.pop(handle, [])]

    @property
    def waiting(self) -> int:
        return sum(len(v) for v in self.pending.values())
