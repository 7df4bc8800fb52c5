import json
from dataclasses import dataclass

import pytest

from pantau.post import POST_COLUMNS, JsonlError, Post, PostError, iter_jsonl_posts, post_columns, sha256_hex


def test_round_trip_through_json():
    p = Post.from_payload({
        "platform": "demo", "post_id": 7, "text": "Ayo pilih ✌️", "created_at": "2026-11-18T03:15:00+07:00",
        "author": {"id": "u1", "handle": "guru_ani", "name": "Ani", "bio": "Guru SDN 1"},
    })
    assert p.post_id == "7"
    assert p.created_at.isoformat() == "2026-11-17T20:15:00+00:00"  # normalised to UTC
    again = Post.from_payload(json.loads(p.to_json()))
    assert again == p


@pytest.mark.parametrize("payload, message", [
    ([], "expected a JSON object"),
    ({"platform": "demo", "post_id": "1"}, "missing required field(s): text"),
    ({"platform": "demo", "post_id": "1", "text": 5}, "text must be a string"),
    ({"platform": "demo", "post_id": "1", "text": "x", "created_at": "kemarin"}, "created_at is not an ISO 8601"),
    ({"platform": "demo", "post_id": "1", "text": "x", "author": "ani"}, "author must be an object"),
    ({"platform": "demo", "post_id": "1", "text": "x", "raw_sha256": "abc"}, "raw_sha256 must be 64"),
])
def test_bad_payloads_are_named(payload, message):
    with pytest.raises(PostError) as exc:
        Post.from_payload(payload)
    assert message in str(exc.value)


def test_jsonl_reports_line_numbers_and_skips_on_request(tmp_path):
    path = tmp_path / "in.jsonl"
    good = json.dumps({"platform": "demo", "post_id": "1", "text": "halo"})
    path.write_bytes(b"\n".join([good.encode(), b"{not json", b"", b'{"platform":"demo","post_id":"2","text":"\xff\xfe"}',
                                 good.replace('"1"', '"3"').encode()]) + b"\n")
    with pytest.raises(JsonlError) as exc:
        list(iter_jsonl_posts(path))
    assert exc.value.lineno == 2 and "invalid JSON" in str(exc.value)
    errors = []
    posts = list(iter_jsonl_posts(path, skip_invalid=True, errors=errors))
    assert [p.post_id for p in posts] == ["1", "3"]
    assert [(e.lineno, e.reason.split(":")[0]) for e in errors] == [(2, "invalid JSON"), (4, "not valid UTF-8 (byte 41)")]


def test_sha256_hex_matches_hashlib():
    import hashlib

    assert sha256_hex("ü") == hashlib.sha256("ü".encode()).hexdigest()


def test_a_share_keeps_the_sharer_and_its_original():
    p = Post.from_payload({
        "platform": "x", "post_id": "2", "text": "Mantap! Coblos 02", "kind": "quote",
        "author": {"handle": "guru_ani", "bio": "Guru SDN 1", "verified": True, "location": "Sleman"},
        "shared_from": {"platform": "x", "post_id": "1", "created_at": "2026-11-18T10:00:00+07:00",
                        "author": {"handle": "tim02", "bio": "Tim pemenangan"}, "text": "Coblos 02"},
        "media": [{"type": "image", "url": "https://m/1.jpg", "alt": "foto dua jari"}],
    })
    assert (p.kind, p.author.handle, p.author.verified, p.author.location) == ("quote", "guru_ani", True, "Sleman")
    assert p.shared_from.author.handle == "tim02" and p.shared_from.created_at.hour == 3
    assert [(m.type, m.alt) for m in p.media] == [("image", "foto dua jari")]
    again = Post.from_payload(json.loads(p.to_json()))
    assert again == p
    assert json.loads(p.to_json())["shared_from"]["created_at"] == "2026-11-18T03:00:00Z"


def test_an_older_line_without_the_new_fields_still_loads():
    p = Post.from_payload({"platform": "demo", "post_id": "1", "text": "x", "author": {"handle": "a", "bio": "b"}})
    assert (p.kind, p.shared_from, p.media, p.author.verified, p.author.location) == ("post", None, (), None, None)


@pytest.mark.parametrize("fields, message", [
    ({"kind": "retweet"}, "kind must be one of post, repost, quote, reply, comment"),
    ({"author": {"verified": "ya"}}, "author.verified must be true, false or null"),
    ({"shared_from": "@tim02"}, "shared_from must be an object"),
    ({"shared_from": {"created_at": "kemarin"}}, "shared_from.created_at is not an ISO 8601"),
    ({"shared_from": {"author": {"bio": 5.5}}}, "shared_from.author.bio must be a string"),
    ({"media": {"type": "image"}}, "media must be a list"),
    ({"media": [{"type": "hologram"}]}, "media[0].type must be one of"),
    ({"media": [{"type": "image", "alt": ["x"]}]}, "media[0].alt must be a string"),
])
def test_bad_share_and_media_fields_are_named(fields, message):
    with pytest.raises(PostError) as exc:
        Post.from_payload({"platform": "x", "post_id": "1", "text": "x", **fields})
    assert message in str(exc.value)


def test_a_post_field_of_a_type_without_a_column_type_is_refused():
    """pantau.post.POST_COLUMNS is derived from Post's fields: one of a type it cannot store stops the import."""
    assert post_columns() == POST_COLUMNS
    assert POST_COLUMNS["author_verified"] == "BOOLEAN" and POST_COLUMNS["media"] == "JSON"

    @dataclass(frozen=True)
    class Scored(Post):
        score: float = 0.0

    with pytest.raises(TypeError, match=r"Scored\.score is float"):
        post_columns(Scored)

    @dataclass(frozen=True)
    class Noted(Post):
        note: str | None = None

    assert list(post_columns(Noted)) == [*POST_COLUMNS, "note"]
