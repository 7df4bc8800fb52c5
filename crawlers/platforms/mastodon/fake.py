"""Fake Mastodon instance API (shapes from docs.joinmastodon.org) over pantau.crawlers.samples, 5 statuses per page.

Besides the samples (the newest first): a reblog by guru_ahmad of relawan_tiga's status (empty content, its own
`.../activity` uri, `reblog` holding the original), a photo-only status with an alt `description`, and a status
with a preview `card`; accounts carry profile `fields` (name, HTML value)."""

from __future__ import annotations

import html

from pantau.crawlers.fakeserver import FakeRequest, Reply, json_reply
from pantau.crawlers.samples import SAMPLES

ENV: dict[str, str] = {}


def status_id(s: dict) -> str:
    return str(113500000000000000 + (100 - s["n"]) * 100)


def _status(s: dict, base: str) -> dict:
    acct = s["handle"]
    return {
        "id": status_id(s), "created_at": s["at"].replace("Z", ".000Z"), "in_reply_to_id": None, "sensitive": False,
        "spoiler_text": "", "visibility": "public", "language": s["lang"],
        "uri": f"{base}/users/{acct}/statuses/{status_id(s)}", "url": f"{base}/@{acct}/{status_id(s)}",
        "content": "<p>" + html.escape(s["text"]).replace(". ", ".<br>", 1) + "</p>", "reblog": None,
        "account": {"id": str(1000 + s["n"]), "username": acct, "acct": acct, "display_name": s["name"],
                    "note": f"<p>{html.escape(s['bio'] or '')}</p>", "url": f"{base}/@{acct}",
                    "fields": [{"name": "Kantor", "value": f"<a href=\"{base}/kantor\" rel=\"me\">{html.escape(s['region'] or '-')}</a>",
                                "verified_at": None}]},
        "media_attachments": [], "mentions": [], "tags": [], "card": None,
    }


def _by(handle: str) -> dict:
    return next(s for s in SAMPLES if s["handle"] == handle)


REBLOG_ID, PHOTO_ID, CARD_ID = "113500000000099900", "113500000000099800", "113500000000099700"


def _extras(base: str) -> list[dict]:
    """A reblog, a photo-only status and a status with a preview card (newest first)."""
    reblogger, original = _status(_by("guru_ahmad"), base), _status(_by("relawan_tiga"), base)
    photo, card = _status(_by("bidan_rina"), base), _status(_by("kpu_sleman_info"), base)
    return [
        {**reblogger, "id": REBLOG_ID, "created_at": "2024-11-20T09:50:00.000Z", "uri": f"{base}/users/guru_ahmad/statuses/{REBLOG_ID}/activity",
         "url": None, "content": "", "reblog": original},
        {**photo, "id": PHOTO_ID, "created_at": "2024-11-20T09:40:00.000Z", "uri": f"{base}/users/bidan_rina/statuses/{PHOTO_ID}",
         "url": f"{base}/@bidan_rina/{PHOTO_ID}", "content": "", "media_attachments": [
             {"id": "1", "type": "image", "url": f"{base}/system/media/1.jpg", "preview_url": f"{base}/system/media/1_small.jpg",
              "description": "Foto bersama paslon nomor 1 di posko pemenangan", "blurhash": None}]},
        {**card, "id": CARD_ID, "created_at": "2024-11-20T09:30:00.000Z", "uri": f"{base}/users/kpu_sleman_info/statuses/{CARD_ID}",
         "url": f"{base}/@kpu_sleman_info/{CARD_ID}", "content": "<p>Baca ini</p>",
         "card": {"url": "https://example.org/jadwal", "title": "Jadwal Pilkada &amp; Tahapan", "description": "Semua tanggal penting",
                  "type": "link"}},
    ]


def expected_ids(args: dict | None = None) -> set[str]:
    return ({f"{{base}}/users/{s['handle']}/statuses/{status_id(s)}" for s in SAMPLES}
            | {s["uri"].replace("http://base", "{base}") for s in _extras("http://base")})


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "tags": "pilkada"}


def app(req: FakeRequest) -> Reply:
    statuses = _extras(req.base) + [_status(s, req.base) for s in SAMPLES]
    if req.path == "/api/v1/accounts/lookup":
        acct = req.query.get("acct", "")
        match = [s for s in statuses if s["account"]["acct"] == acct]
        return json_reply(match[0]["account"]) if match else json_reply({"error": "Record not found"}, 404)
    if req.path.startswith("/api/v1/timelines/tag/"):
        pass
    elif req.path.startswith("/api/v1/accounts/") and req.path.endswith("/statuses"):
        aid = req.path.split("/")[4]
        statuses = [s for s in statuses if s["account"]["id"] == aid]
    else:
        return json_reply({"error": "Not found"}, 404)
    limit = min(int(req.query.get("limit", 20)), 5)
    if req.query.get("max_id"):
        statuses = [s for s in statuses if int(s["id"]) < int(req.query["max_id"])]
    if req.query.get("since_id"):
        statuses = [s for s in statuses if int(s["id"]) > int(req.query["since_id"])]
    chunk = statuses[:limit]
    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299", "X-RateLimit-Reset": "2099-01-01T00:00:00.000Z"}
    if chunk:
        links = [f'<{req.base}{req.path}?limit={limit}&max_id={chunk[-1]["id"]}>; rel="next"',
                 f'<{req.base}{req.path}?limit={limit}&min_id={chunk[0]["id"]}>; rel="prev"']
        headers["Link"] = ", ".join(links)
    return json_reply(chunk, **headers)
