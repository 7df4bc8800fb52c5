"""Post ids in URLs. Any string is a post id (`channel/1008` on Telegram; an attacker's `../../ekspor.csv`).

A link percent-encodes the id whole (`/` becomes `%2F`), so it stays one path segment and a browser never resolves it
elsewhere. The server decodes `%2F` back to `/` before routing, so the routes take the id with the `post_id`
convertor, which matches across `/` like `path`. Two ids no encoding can carry as a segment are `.` and `..`:
browsers resolve them (even as `%2E%2E`) before sending the request. They travel with a `~` in front, and so does
every id that starts with `~`, which keeps the mapping one-to-one: the convertor strips one leading `~`.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.convertors import Convertor, register_url_convertor


def encode_post_id(post_id: str) -> str:
    """The URL path segment of a post id (see the module docstring)."""
    text = str(post_id)
    if text in (".", "..") or text.startswith("~"):
        text = "~" + text
    return quote(text, safe="")


def decode_post_id(segment: str) -> str:
    """The post id of a (percent-decoded) path value: one leading `~` is the escape of encode_post_id."""
    return segment[1:] if segment.startswith("~") else segment


class PostIdConvertor(Convertor[str]):
    regex = ".*"

    def convert(self, value: str) -> str:
        return decode_post_id(value)

    def to_string(self, value: str) -> str:
        return encode_post_id(value)


register_url_convertor("post_id", PostIdConvertor())
