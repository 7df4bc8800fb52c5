"""A flow stores posts in another process while reviewers decide through the app: counts exact, no errors."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import threading

import httpx
import pytest

from conftest import make_post, result
from pantau.triage.app import create_app
from pantau.triage.server import ThreadServer
from test_triage_helpers import PASSWORD, add_users, login_csrf

pytestmark = pytest.mark.slow

BATCHES, PER_BATCH, DECISIONS_EACH = 25, 20, 8

INGEST = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from pantau.post import Author, Post, canonical_json, sha256_hex
    from pantau.store.db import Store

    store = Store(sys.argv[1], lock_timeout=60)
    n = queued = 0
    for b in range({batches}):
        posts = []
        for i in range({per_batch}):
            raw = canonical_json({{"id": f"{{b}}-{{i}}"}})
            posts.append(Post(platform="gamma", post_id=f"{{b}}-{{i}}", text=f"guru ajak coblos {{b}} {{i}}",
                              url=None, created_at=None, author=Author(id="g", handle="g"), raw=raw,
                              raw_sha256=sha256_hex(raw), captured_at=datetime.now(timezone.utc)))
        res = store.ingest(posts)
        n += res.new + res.queued
        queued += res.queued
        store.save_classifications([dict(platform=p.platform, post_id=p.post_id, score=0.8, flagged=True,
                                         category="kampanye_medsos", signals=[], model_version="flow")
                                    for p in posts])
    print(n, queued)
    """
)


def reviewer(url: str, username: str, platform: str, decided: list, errors: list) -> None:
    with httpx.Client(base_url=url, timeout=120) as c:
        r = c.post("/masuk", data={"csrf_token": login_csrf(c), "username": username, "password": PASSWORD})
        if r.status_code != 303:
            errors.append(f"{username} login {r.status_code}")
            return
        while len(decided) < DECISIONS_EACH:
            page = c.get(f"/antrean?platform={platform}")
            hrefs = re.findall(r'data-href="(/pos/[^"]+)"', page.text)
            if page.status_code != 200 or not hrefs:
                errors.append(f"{username} queue {page.status_code} {len(hrefs)}")
                return
            item = c.get(hrefs[0])
            token = re.search(r'name="csrf_token" value="([^"]+)"', item.text).group(1)
            r = c.post(hrefs[0] + "/keputusan", data={"decision": "not_violation", "csrf_token": token},
                       follow_redirects=False)
            if r.status_code != 303:
                errors.append(f"{username} decide {r.status_code}: {r.text[-300:]}")
                return
            decided.append(hrefs[0])


def test_ingest_process_and_reviewers_at_once(tmp_path):
    from pantau.store.db import Store, inbox_dir, owner_file

    store = Store(tmp_path / "busy.duckdb")
    posts = [make_post(i, platform=p) for p in ("alpha", "beta") for i in range(12)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, ("rina", "reviewer"), ("budi", "reviewer"))

    with ThreadServer(create_app(store.path, secret=b"c")) as url:
        flow = subprocess.Popen(
            [sys.executable, "-c", INGEST.format(batches=BATCHES, per_batch=PER_BATCH), str(store.path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        decided = {"rina": [], "budi": []}
        errors: list[str] = []
        threads = [threading.Thread(target=reviewer, args=(url, "rina", "alpha", decided["rina"], errors)),
                   threading.Thread(target=reviewer, args=(url, "budi", "beta", decided["budi"], errors))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        out, err = flow.communicate(timeout=300)

    assert errors == []
    assert flow.returncode == 0, err
    handed, queued = map(int, out.split())
    assert handed == BATCHES * PER_BATCH
    # the app owned the file, so the flow handed every batch to its inbox instead of waiting for the lock
    assert queued == BATCHES * PER_BATCH
    inbox = inbox_dir(store.path)
    assert [p.name for p in inbox.iterdir() if p.name.endswith(".jsonl")] == [] and not (inbox / "failed").exists()
    assert not owner_file(store.path).exists()
    assert len(decided["rina"]) == len(set(decided["rina"])) == DECISIONS_EACH
    assert len(decided["budi"]) == len(set(decided["budi"])) == DECISIONS_EACH
    counts = store.counts()
    assert counts["posts"] == 24 + BATCHES * PER_BATCH
    assert counts["decisions"] == 2 * DECISIONS_EACH
    assert store.scalar("SELECT count(*) FROM queue_items") == 24 + BATCHES * PER_BATCH
    assert store.scalar("SELECT count(*) FROM queue_items WHERE status = 'not_violation'") == 2 * DECISIONS_EACH
    assert store.scalar("SELECT count(*) FROM queue_items WHERE platform = 'gamma' AND status = 'new'") == BATCHES * PER_BATCH
    checked, problems = store.verify_audit()
    assert problems == [] and checked >= 2 + 4 * DECISIONS_EACH
