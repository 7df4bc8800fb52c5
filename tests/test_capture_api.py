"""The capture intake API (issue 19): per-user tokens, limits, refusals, and a capture stored as a queued Post with
its evidence. The real app (TestClient, lifespan: it owns the DuckDB file), a real database and the shipped model."""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pantau.post import format_time
from pantau.referral.evidence import evidence_dir, file_sha256
from pantau.store import tokens
from pantau.triage.app import create_app
from pantau.triage.capture import CAPTURE_ROLES, LazyClassifier, RateLimiter
from pantau.triage.capture_input import MAX_IMAGE
from test_triage_helpers import ROLES, add_users, csrf_of, login

USERS = (("mon", "monitor"), ("mon2", "monitor"), ("rev", "reviewer"), ("sup", "supervisor"), ("ana", "analyst"),
         ("adm", "admin"))
FB_URL = "https://www.facebook.com/sari.wulandari.guru/posts/pfbid02abc"
TEXT = "Ayo warga Depok, coblos nomor 2! Saya guru SDN 3 Depok mendukung Paslon Dua #PaslonDuaJuara"


def png_bytes(width: int = 40, height: int = 30, shade: int = 90) -> bytes:
    rows = b"".join(b"\x00" + bytes((shade, 120, 200)) * width for _ in range(height))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def mhtml_bytes(url: str = FB_URL, body: str = TEXT) -> bytes:
    return (f"From: <Saved by Blink>\r\nSnapshot-Content-Location: {url}\r\nSubject: Postingan\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="----MultipartBoundary--x"\r\n\r\n'
            "------MultipartBoundary--x\r\nContent-Type: text/html\r\nContent-Location: " + url + "\r\n\r\n"
            f"<html><body><div>{body}</div></body></html>\r\n------MultipartBoundary--x--\r\n").encode()


@pytest.fixture(scope="module")
def shipped_model():
    """The shipped model's loader; when the model file cannot be loaded (e.g. retrained to a new format in this
    checkout) the app's own fallback runs: the capture is stored and queued with the `no-model` classification."""
    from pantau.nlp.classifier import ModelError, load

    try:
        model = load()
    except ModelError as exc:
        error = exc

        def unavailable():
            raise error

        return unavailable
    return lambda: model


@pytest.fixture
def app_store(tmp_path, shipped_model):
    app = create_app(tmp_path / "capture.duckdb", secret=b"capture-test")
    app.state.capture_classifier = LazyClassifier(shipped_model)
    add_users(app.state.store, *USERS)
    with TestClient(app) as owner:  # lifespan: the app owns the file, as when served
        yield app, app.state.store, owner


def client_as(app, username: str) -> TestClient:
    c = TestClient(app)
    login(c, username)
    return c


def new_token(app, username: str, label: str = "laptop") -> str:
    c = client_as(app, username)
    page = c.get("/token")
    assert page.status_code == 200
    r = c.post("/token", data={"csrf_token": csrf_of(page.text), "label": label})
    assert r.status_code == 200, r.text
    return re.search(r'id="new-token" readonly value="([^"]+)"', r.text).group(1)


def send(c: TestClient, token: str | None, *, shot: bytes | None = None, snap: bytes | None = None, **fields):
    data = {"page_url": FB_URL, "text": TEXT, "author_name": "Sari Wulandari", "author_handle": "@sari.wulandari.guru",
            **fields}
    files = {}
    if shot is not None:
        files["screenshot"] = ("layar.png", shot, "image/png")
        data.setdefault("screenshot_sha256", hashlib.sha256(shot).hexdigest())
    if snap is not None:
        files["snapshot"] = ("halaman.mhtml", snap, "multipart/related")
        data.setdefault("snapshot_sha256", hashlib.sha256(snap).hexdigest())
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return c.post("/api/tangkap", data={k: v for k, v in data.items() if v is not None}, files=files or None,
                  headers=headers)


def test_token_is_shown_once_and_stored_only_as_a_hash(app_store):
    app, store, owner = app_store
    token = new_token(app, "mon")
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    [row] = store.query("SELECT * FROM capture_tokens WHERE username = 'mon'")
    assert row["token_sha256"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(row, default=str)
    again = client_as(app, "mon").get("/token")
    assert row["token_id"] in again.text and token not in again.text
    [entry] = store.query("SELECT actor, detail FROM audit_log WHERE action = 'capture_token_create'")
    assert entry["actor"] == "mon" and token not in entry["detail"]


def test_capture_becomes_a_queued_post_with_its_evidence(app_store):
    app, store, owner = app_store
    token = new_token(app, "mon")
    shot, snap = png_bytes(), mhtml_bytes()
    when = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=3)  # kept offline for 3 hours
    r = send(owner, token, shot=shot, snap=snap, captured_at=format_time(when), capture_id="cap-00000001",
             media=json.dumps([{"type": "image", "url": "https://scontent.example/foto.jpg", "alt": "Foto kampanye"}]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["platform"] == "facebook" and body["queued"] and body["status"] == "new"
    assert re.fullmatch(r"tersimpan, skor \d\.\d\d, masuk antrean", body["message"]), body["message"]
    [post] = store.query("SELECT * FROM posts WHERE platform = 'facebook'")
    assert post["post_id"] == body["post_id"] and post["url"] == FB_URL and post["text"] == TEXT
    assert post["author_handle"] == "sari.wulandari.guru" and post["author_name"] == "Sari Wulandari"
    assert post["captured_at"].astimezone(timezone.utc) == when  # known since = capture time, not receipt
    assert json.loads(post["media"])[0]["alt"] == "Foto kampanye"
    [queued] = store.query("SELECT * FROM queue_items WHERE post_id = ?", [post["post_id"]])
    assert queued["status"] == "new"
    files = {e["kind"]: e for e in store.query("SELECT * FROM evidence WHERE post_id = ?", [post["post_id"]])}
    assert files["png"]["sha256"] == hashlib.sha256(shot).hexdigest()
    assert files["html"]["sha256"] == hashlib.sha256(snap).hexdigest() and files["html"]["path"].endswith(".mhtml")
    for e in files.values():
        assert file_sha256(evidence_dir(store.path) / e["path"]) == e["sha256"]
    assert {f["sha256"] for f in body["evidence"]} == {files["png"]["sha256"], files["html"]["sha256"]}
    [audit] = store.query("SELECT actor, target, detail FROM audit_log WHERE action = 'capture'")
    detail = json.loads(audit["detail"])
    assert audit["actor"] == "mon" and audit["target"] == "capture/cap-00000001"
    assert detail["screenshot_sha256"] == files["png"]["sha256"] and detail["snapshot_sha256"] == files["html"]["sha256"]
    # the monitor's name stays out of the post, its raw payload and its classification
    raw = store.query("SELECT raw FROM raw_payloads WHERE post_id = ?", [post["post_id"]])[0]["raw"]
    signals = store.query("SELECT signals FROM classifications WHERE post_id = ?", [post["post_id"]])[0]["signals"]
    assert "mon" not in json.loads(raw)["capture"].values() and '"mon"' not in raw and "oleh mon" not in signals
    # a retry of the same capture (answer lost on the way) is answered, not stored again
    again = send(owner, token, shot=shot, snap=snap, captured_at=format_time(when), capture_id="cap-00000001")
    assert again.status_code == 200 and again.json()["again"] and again.json()["post_id"] == post["post_id"]
    assert store.scalar("SELECT count(*) FROM evidence") == 2 and store.scalar("SELECT count(*) FROM captures") == 1
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'capture'") == 1


@pytest.mark.parametrize("url, platform", [
    ("https://www.instagram.com/p/C9xYz/", "instagram"), ("https://www.tiktok.com/@guru.budi/video/73", "tiktok"),
    ("https://whatsapp.com/channel/0029VaFoo", "whatsapp"), ("https://m.facebook.com/story.php?id=1", "facebook"),
    ("https://berita.example.id/2026/asn-kampanye", "web"),
])
def test_platform_is_inferred_from_the_url(app_store, url, platform):
    app, store, owner = app_store
    r = send(owner, new_token(app, "rev"), page_url="http://127.0.0.1:9/lihat", post_url=url)
    assert r.status_code == 201, r.text
    assert r.json()["platform"] == platform
    assert store.scalar("SELECT url FROM posts WHERE platform = ?", [platform]) == url


def test_revoked_token_is_refused(app_store):
    app, store, owner = app_store
    token = new_token(app, "mon")
    c = client_as(app, "mon")
    token_id = store.query("SELECT token_id FROM capture_tokens")[0]["token_id"]
    r = c.post("/token/cabut", data={"csrf_token": csrf_of(c.get("/token").text), "token_id": token_id})
    assert r.status_code == 200 and "dicabut" in r.text
    refused = send(owner, token)
    assert refused.status_code == 401 and "dicabut" in refused.json()["error"]
    assert store.scalar("SELECT count(*) FROM posts") == 0


def test_wrong_user_is_refused(app_store):
    app, store, owner = app_store
    token = new_token(app, "mon")
    token_id = store.query("SELECT token_id FROM capture_tokens")[0]["token_id"]
    other = client_as(app, "mon2")  # another monitor cannot revoke (or see) mon's token
    listing = other.get("/token")
    assert token_id not in listing.text
    r = other.post("/token/cabut", data={"csrf_token": csrf_of(listing.text), "token_id": token_id})
    assert r.status_code == 404 and "tidak ditemukan" in r.text
    assert store.scalar("SELECT revoked_at FROM capture_tokens WHERE token_id = ?", [token_id]) is None
    _, analyst_token = tokens.create_token(store, "ana")  # a role that may not capture (made behind the app's back)
    refused = send(owner, analyst_token)
    assert refused.status_code == 403 and "Peran" in refused.json()["error"]
    assert send(owner, "x" * 43).status_code == 401  # a made-up token
    assert send(owner, None).status_code == 401 and "Token tidak ada" in send(owner, None).json()["error"]
    store.remove_user("mon", actor="test")  # a removed account's tokens stop working
    gone = send(owner, token)
    assert gone.status_code == 401
    assert store.scalar("SELECT count(*) FROM posts") == 0


def test_oversize_upload_is_refused(app_store):
    app, store, owner = app_store
    token = new_token(app, "mon")
    big = png_bytes() + b"\x00" * MAX_IMAGE
    r = send(owner, token, shot=big)
    assert r.status_code == 413 and "terlalu besar" in r.json()["error"]
    long_text = send(owner, token, text="a" * 20_001)
    assert long_text.status_code == 413 and "text" in long_text.json()["error"]
    assert store.scalar("SELECT count(*) FROM posts") == 0 and not evidence_dir(store.path).exists()


def test_wrong_content_type_is_refused(app_store):
    app, store, owner = app_store
    token = new_token(app, "mon")
    html = b"<html><body>bukan gambar</body></html>"
    r = send(owner, token, shot=html)  # declared image/png, bytes are HTML
    assert r.status_code == 415 and "bukan image/png" in r.json()["error"]
    r = owner.post("/api/tangkap", headers={"Authorization": f"Bearer {token}"}, data={"page_url": FB_URL},
                   files={"snapshot": ("x.html", html, "text/html")})
    assert r.status_code == 415 and "MHTML" in r.json()["error"]
    r = owner.post("/api/tangkap", headers={"Authorization": f"Bearer {token}"}, json={"page_url": FB_URL})
    assert r.status_code == 415 and "multipart" in r.json()["error"]
    shot = png_bytes()
    r = send(owner, token, shot=shot, screenshot_sha256="0" * 64)  # changed on the way
    assert r.status_code == 422 and "tidak cocok" in r.json()["error"]
    assert send(owner, token, page_url="javascript:alert(1)").status_code == 400
    assert send(owner, token, captured_at="2099-01-01T00:00:00Z").status_code == 400
    assert store.scalar("SELECT count(*) FROM posts") == 0


def test_rate_limit_per_token(app_store):
    app, store, owner = app_store
    app.state.capture_limiter = RateLimiter(2, 60)
    first, second = new_token(app, "mon"), new_token(app, "sup")
    codes = [send(owner, first, post_url=f"https://www.tiktok.com/@a/video/{i}").status_code for i in range(3)]
    assert codes == [201, 201, 429]
    r = send(owner, first, post_url="https://www.tiktok.com/@a/video/9")
    assert r.status_code == 429 and r.headers["retry-after"] == "60" and "Terlalu banyak" in r.json()["error"]
    assert send(owner, second).status_code == 201  # another token has its own budget
    assert store.scalar("SELECT count(*) FROM posts") == 3


@pytest.mark.parametrize("role", ROLES)
def test_token_pages_follow_the_role_matrix(app_store, role):
    app, store, owner = app_store
    add_users(store, (f"u-{role}", role))
    c = client_as(app, f"u-{role}")
    allowed = role in CAPTURE_ROLES["capture_tokens"]
    assert (c.get("/token").status_code == 200) is allowed
    assert (c.get("/tangkap").status_code == 200) is allowed


def test_capture_page_stores_a_pasted_link(app_store):
    app, store, owner = app_store
    c = client_as(app, "mon")
    page = c.get("/tangkap")
    assert "manifest.webmanifest" in page.text and "manifest-src 'self'" in page.headers["content-security-policy"]
    shot = png_bytes(shade=10)
    r = c.post("/tangkap", data={"csrf_token": csrf_of(page.text), "url": "https://www.instagram.com/p/Cx1/",
                                 "text": TEXT}, files={"image": ("s.png", shot, "image/png")})
    assert r.status_code == 201 and "masuk antrean" in r.text and hashlib.sha256(shot).hexdigest() in r.text
    assert store.scalar("SELECT source FROM captures") == "page"
    refused = c.post("/tangkap", data={"csrf_token": "salah", "url": "https://www.instagram.com/p/Cx2/"},
                     files={"image": ("s.png", shot, "image/png")})
    assert refused.status_code == 403
    assert store.scalar("SELECT count(*) FROM posts") == 1


def test_share_target_refuses_without_a_valid_token(app_store):
    app, store, owner = app_store
    r = owner.post("/bagikan", data={"text": "lihat https://vt.tiktok.com/ZS123/"})
    assert r.status_code == 401 and "Token" in r.text
    token = new_token(app, "mon")
    ok = owner.post("/bagikan", headers={"Authorization": f"Bearer {token}"},
                    data={"title": "TikTok", "text": "Pak camat ajak pilih nomor 2 https://vt.tiktok.com/ZS123/"})
    assert ok.status_code == 201 and "masuk antrean" in ok.text
    assert store.scalar("SELECT platform FROM posts") == "tiktok"
    assert store.scalar("SELECT source FROM captures") == "share"
