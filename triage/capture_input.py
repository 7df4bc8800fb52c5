"""Reading one capture of the intake API (triage/capture.py): the multipart form, its limits, content types and
hashes, checked before anything is stored. Every refusal is a `Refused` (HTTP status, reason in Bahasa Indonesia)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from pantau.crawlers.common import ParseError
from pantau.crawlers.platforms.intake.parse import canonical_url
from pantau.post import Media, PostError, canonical_json, format_time, parse_time, sha256_hex, utcnow

MAX_REQUEST = 48 * 1024 * 1024
MAX_IMAGE = 15 * 1024 * 1024
MAX_SNAPSHOT = 30 * 1024 * 1024
MAX_TEXT, MAX_URL, MAX_NAME, MAX_MEDIA = 20_000, 2000, 200, 20
IMAGE_TYPES = {"image/png": ("png", b"\x89PNG\r\n\x1a\n"), "image/jpeg": ("jpg", b"\xff\xd8\xff"),
               "image/webp": ("webp", b"RIFF")}
SNAPSHOT_TYPES = frozenset({"multipart/related", "message/rfc822", "application/x-mimearchive"})
MAX_AGE = timedelta(days=30)  # a capture kept offline longer than this is refused (its time cannot be trusted)
CLOCK_SLACK = timedelta(minutes=10)
CAPTURE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
URL_IN_TEXT = re.compile(r"https?://\S+")


class Refused(Exception):
    """A capture that is refused: HTTP status and the reason in Bahasa Indonesia."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


async def read_form(request: Request):
    """The multipart form of a capture; refused before reading when the body is too large or not multipart."""
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):  # the latter: text only
        raise Refused(415, "Kirim tangkapan sebagai multipart/form-data.")
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_REQUEST):
        raise Refused(413, f"Kiriman terlalu besar (maksimal {MAX_REQUEST // 2**20} MB).")
    return await request.form(max_files=3, max_fields=30)


async def file_bytes(form, name: str, limit: int) -> tuple[bytes, str] | None:
    """(bytes, declared content type) of an uploaded file field, None when absent; refused when over `limit`."""
    item = form.get(name)
    if item is None or item == "":
        return None
    if not isinstance(item, UploadFile):
        raise Refused(400, f"Kolom {name} harus berupa berkas.")
    data = await item.read(limit + 1)
    if len(data) > limit:
        raise Refused(413, f"Berkas {name} terlalu besar (maksimal {limit // 2**20} MB).")
    if not data:
        return None
    return data, (item.content_type or "").split(";")[0].strip().lower()


def check_image(data: bytes, ctype: str, name: str) -> str:
    """The file extension of an accepted image; refused unless its declared type and its bytes agree."""
    if ctype not in IMAGE_TYPES:
        raise Refused(415, f"Berkas {name} harus gambar PNG, JPEG atau WebP (bukan {ctype or 'tanpa jenis'}).")
    ext, magic = IMAGE_TYPES[ctype]
    if not data.startswith(magic) or (ext == "webp" and data[8:12] != b"WEBP"):
        raise Refused(415, f"Isi berkas {name} bukan {ctype}.")
    return ext


def check_snapshot(data: bytes, ctype: str) -> None:
    if ctype not in SNAPSHOT_TYPES:
        raise Refused(415, f"Cuplikan halaman harus MHTML (multipart/related), bukan {ctype or 'tanpa jenis'}.")
    head = data[:4096].decode("latin-1").lower()
    if "mime-version:" not in head or "multipart/related" not in head:
        raise Refused(415, "Isi cuplikan halaman bukan MHTML.")


def text_field(form, name: str, limit: int) -> str:
    value = form.get(name) or ""
    if not isinstance(value, str):
        raise Refused(400, f"Kolom {name} harus berupa teks.")
    value = value.strip()
    if len(value) > limit:
        raise Refused(413, f"Kolom {name} terlalu panjang (maksimal {limit} karakter).")
    return value


def parse_capture(form, files: dict[str, tuple[bytes, str] | None], source: str) -> dict[str, Any]:
    """A checked capture from the form fields and files (everything but storing)."""
    page_url = text_field(form, "page_url", MAX_URL) or text_field(form, "url", MAX_URL)
    text = text_field(form, "text", MAX_TEXT)
    if not page_url:
        found = URL_IN_TEXT.search(text)  # phone apps often share "caption https://..." as text only
        page_url = found.group(0) if found else ""
    if not page_url:
        raise Refused(400, "Alamat (URL) pos wajib ada.")
    try:
        page_url = canonical_url(page_url)
        post_url = canonical_url(text_field(form, "post_url", MAX_URL) or page_url)
    except ParseError:
        raise Refused(400, "URL harus berupa alamat lengkap yang diawali http:// atau https://.") from None
    now = utcnow()
    try:
        captured = parse_time(text_field(form, "captured_at", 64), "captured_at") or now
    except PostError:
        raise Refused(400, "Waktu tangkap (captured_at) harus waktu ISO 8601.") from None
    if captured > now + CLOCK_SLACK or captured < now - MAX_AGE:
        raise Refused(422, "Waktu tangkap tidak masuk akal (jam perangkat salah, atau tangkapan lebih tua dari 30 hari).")
    kind = text_field(form, "kind", 20) or "post"
    try:
        media = Media.list_from_payload(json.loads(text_field(form, "media", 20_000) or "[]"))[:MAX_MEDIA]
    except (ValueError, PostError) as exc:
        raise Refused(400, f"Kolom media tidak sah: {exc}") from None
    capture_id = text_field(form, "capture_id", 64)
    if capture_id and not CAPTURE_ID.match(capture_id):
        raise Refused(400, "capture_id harus 8-64 huruf, angka, - atau _.")
    out = {"page_url": page_url, "post_url": post_url, "text": text, "title": text_field(form, "title", MAX_NAME * 5),
           "author_name": text_field(form, "author_name", MAX_NAME), "kind": kind, "media": media,
           "author_handle": text_field(form, "author_handle", MAX_NAME).lstrip("@") or None,
           "captured_at": captured, "source": source}
    for name in ("screenshot", "snapshot"):
        got = files.get(name)
        out[name] = None
        if got is None:
            if text_field(form, f"{name}_sha256", 64):
                raise Refused(400, f"Hash {name} dikirim tanpa berkasnya.")
            continue
        data, ctype = got
        ext = check_image(data, ctype, name) if name == "screenshot" else (check_snapshot(data, ctype) or "mhtml")
        sha = hashlib.sha256(data).hexdigest()
        claimed = text_field(form, f"{name}_sha256", 64).lower()
        if claimed and claimed != sha:
            raise Refused(422, f"Hash {name} tidak cocok: berkas rusak di jalan ({claimed[:12]}… ≠ {sha[:12]}…). "
                               "Tangkapan tetap disimpan di perangkat dan dikirim ulang.")
        out[name] = {"data": data, "ext": ext, "sha256": sha}
    out["capture_id"] = capture_id or sha256_hex(canonical_json(
        [page_url, format_time(captured), text, *[(out[n] or {}).get("sha256") for n in ("screenshot", "snapshot")]]))[:40]
    return out
