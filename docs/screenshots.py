"""Regenerate docs/triage-queue.png and docs/triage-item.png: `python docs/screenshots.py`.

Writes a throwaway store with a few hand-written posts (no real people), serves the app with uvicorn in a thread
and photographs it with Playwright driving /usr/bin/chromium.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from pantau.post import Author, Post, canonical_json, sha256_hex, utcnow

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DOCS = Path(__file__).resolve().parent
PASSWORD = "tangkapan-layar-1"
POSTS = [
    ("Bu guru di SDN 3 ikut ajak warga: ayo coblos nomor urut 2, pasti menang! #Paslon02", "Guru SDN 3 Mlati | PNS", 150),
    ("Foto bareng calon bupati abis apel pagi ✌️ salam dua jari dari kantor kecamatan", "Staf Kecamatan Depok", 20),
    ("Gass pol dukung paslon 01, jangan lupa share ya gaes", "Perawat RSUD | ASN", 60),
    ("Hadir di deklarasi relawan pemenangan tadi malam, semangat!", "Penyuluh pertanian", 100),
    ("Ikut pasang baliho calon di depan rumah dinas, mantap", "Lurah Caturtunggal", 130),
    ("Ingat ya, gunakan hak pilihmu 27 November. Jangan golput!", "Guru SMP | PNS", 30),
]
SIGNALS = {0: [("ajakan_coblos", "coblos nomor urut 2"), ("hashtag_calon", "#Paslon02")],
           1: [("foto_calon", "Foto bareng calon bupati"), ("gestur", "salam dua jari")],
           2: [("dukungan", "dukung paslon 01")], 3: [("hadir_kampanye", "deklarasi relawan pemenangan")],
           4: [("atribut", "pasang baliho calon")], 5: []}
CATS = ["kampanye_medsos", "foto_simbol", "interaksi_pemenangan", "hadir_kampanye", "atribut_kampanye", None]


def build(db: Path):
    from pantau.store.db import Store  # heavy (DuckDB): only this function needs it

    store = Store(db)
    now = utcnow()
    posts = []
    for i, (text, bio, hours_ago) in enumerate(POSTS):
        raw = canonical_json({"id": str(1000 + i), "text": text})
        posts.append(Post(platform="demo", post_id=str(1000 + i), text=text, url=f"http://127.0.0.1:8800/p/{1000 + i}",
                          created_at=now - timedelta(hours=hours_ago + 1),
                          author=Author(id=f"a{i % 4}", handle=f"akun_contoh{i % 4}", name=f"Nama Contoh {i % 4}", bio=bio),
                          region=["Kab. Sleman", "Kota Yogyakarta", "Kab. Bantul"][i % 3],
                          captured_at=now - timedelta(hours=hours_ago), raw=raw, raw_sha256=sha256_hex(raw)))
    store.ingest(posts)
    results = []
    for i, p in enumerate(posts):
        sig = [{"name": n, "source": "text", "start": p.text.index(t), "end": p.text.index(t) + len(t), "text": t}
               for n, t in SIGNALS[i]]
        if "Guru" in (p.author.bio or "") or "ASN" in (p.author.bio or ""):
            word = "Guru" if "Guru" in p.author.bio else "ASN"
            start = p.author.bio.index(word)
            sig.append({"name": "asn_role", "source": "bio", "start": start, "end": start + len(word), "text": word})
        results.append({"platform": "demo", "post_id": p.post_id, "score": round(0.97 - i * 0.07, 2),
                        "flagged": True, "category": CATS[i], "signals": sig, "model_version": "contoh-1"})
    store.save_classifications(results)
    store.add_user("rina", PASSWORD, "reviewer", actor="docs")
    store.record_decision("demo", "1005", "needs_info", reviewer="rina", reason="perlu cek status ASN")
    return store


def main() -> None:
    from playwright.sync_api import sync_playwright  # heavy (Playwright): only this function needs it

    from pantau.triage.app import create_app  # heavy (FastAPI and the app): only this function needs it
    from pantau.triage.server import CHROMIUM, CHROMIUM_ARGS, ThreadServer  # heavy (uvicorn)

    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "shots.duckdb")
        with ThreadServer(create_app(store.path, secret=b"docs")) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 820})
            page.goto(f"{url}/masuk")
            page.fill("input[name=username]", "rina")
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")
            page.wait_for_url(f"{url}/antrean")
            page.keyboard.press("j")
            page.screenshot(path=str(DOCS / "triage-queue.png"), full_page=True)
            page.goto(f"{url}/pos/demo/1000")
            page.keyboard.press("1")
            page.screenshot(path=str(DOCS / "triage-item.png"), full_page=True)
            browser.close()
    print(f"wrote {DOCS / 'triage-queue.png'} and {DOCS / 'triage-item.png'}")


if __name__ == "__main__":
    main()
