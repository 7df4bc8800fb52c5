"""docs/sql.md cannot drift: every ```sql block runs through `pantau sql`'s read-only path on a database built
from the demo platform's posts (classified by their hidden truth, reviewed, confirmed, referred) and returns rows."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from pantau.demo.generate import generate_posts
from pantau.post import Post, canonical_json, parse_time, sha256_hex
from pantau.store.analyst import ANALYST_VIEWS, run_sql
from pantau.store.db import Store

DOC = Path(__file__).resolve().parents[1] / "docs" / "sql.md"
REVIEWERS = ["rina", "tono", "dewi"]


def demo_posts() -> list[tuple[Post, dict]]:
    out = []
    for d in generate_posts():
        payload = {k: v for k, v in d.items() if k != "truth"}
        raw = canonical_json(payload)
        created = parse_time(d["created_at"], "created_at")
        post = Post.from_payload({
            "platform": "demo", "post_id": d["id"], "text": d["text"], "url": f"http://127.0.0.1:8800/p/{d['id']}",
            "created_at": d["created_at"], "lang": d["lang"], "region": d["region"], "author": d["author"],
            "captured_at": (created + timedelta(minutes=30)).isoformat(), "raw": raw, "raw_sha256": sha256_hex(raw),
        })
        out.append((post, d["truth"]))
    return out


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqldocs") / "demo.duckdb"
    store = Store(path)
    items = demo_posts()
    store.ingest([p for p, _ in items])
    flagged = [(p, t) for i, (p, t) in enumerate(items) if t["campaign"] or i % 20 == 0]  # a few false flags
    store.save_classifications([{
        "platform": p.platform, "post_id": p.post_id, "model_version": "demo-truth",
        "score": 0.9 if (p, t) in flagged else 0.1, "flagged": (p, t) in flagged,
        "category": t["category"], "signals": [],
    } for p, t in items])
    violations = []
    with store.session():
        for i, (p, t) in enumerate(flagged):
            if i % 10 == 9:
                continue  # still in the queue
            decision = "needs_info" if i % 10 == 8 else ("violation" if t["violation"] else "not_violation")
            when = p.captured_at + timedelta(hours=2 + (i * 7) % 60)
            decision_id = store.record_decision(p.platform, p.post_id, decision, reviewer=REVIEWERS[i % 3], now=when)
            if decision == "violation" and i % 4 != 1:
                store.confirm_decision(decision_id, supervisor="sari", agreed=True, now=when + timedelta(hours=3))
                violations.append((p, when + timedelta(hours=3)))
    for n, (p, confirmed_at) in enumerate(violations[:4]):
        case = store.register_referral(p.platform, p.post_id, package=f"laporan-demo-{p.post_id}.zip",
                                       package_dir="/tmp", package_sha256="0" * 64, manifest_sha256="1" * 64,
                                       office="Bawaslu", built_by="sari", now=confirmed_at + timedelta(hours=1))
        for k, status in enumerate(["sent", "registered", "forwarded_bkn"][:n]):
            store.set_referral_status(case, status, actor="sari", reference=f"REF-{p.post_id}-{k}",
                                      now=confirmed_at + timedelta(days=1 + 2 * k))
    return path


def sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_sql_doc_has_examples_for_every_analyst_view():
    text = "\n".join(sql_blocks())
    for view in ANALYST_VIEWS:
        assert f"FROM {view}" in text, f"docs/sql.md has no example query on {view}"
    assert len(sql_blocks()) >= len(ANALYST_VIEWS) + 2


@pytest.mark.parametrize("index", range(len(sql_blocks())))
def test_sql_doc_example_runs_and_returns_rows(demo_db, index):
    block = sql_blocks()[index]
    result = run_sql(demo_db, block)
    assert result.columns, block
    assert result.rows, f"no rows from docs/sql.md example {index + 1}:\n{block}"
