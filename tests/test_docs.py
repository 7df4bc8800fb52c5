"""Docs cannot drift: the schema, the Post fields and the example queries are checked against the code."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from pantau.post import Post
from pantau.store.db import Store, schema_sql

DOCS = Path(__file__).resolve().parents[1] / "docs"


def sql_blocks(md: str) -> list[str]:
    return re.findall(r"```sql\n(.*?)```", md, flags=re.S)


def test_every_table_view_and_column_is_documented(tmp_path):
    doc = (DOCS / "store.md").read_text(encoding="utf-8")
    store = Store(tmp_path / "d.duckdb")
    store.init()
    objects = store.query("SELECT table_name, table_type FROM information_schema.tables")
    assert {o["table_name"] for o in objects} >= {"posts", "classifications", "decisions", "triage_queue"}
    for obj in objects:
        assert f"### `{obj['table_name']}`" in doc, f"{obj['table_name']} missing from docs/store.md"
        section = doc.split(f"### `{obj['table_name']}`", 1)[1].split("###", 1)[0]
        if obj["table_name"] in ("latest_classification", "latest_decision", "schema_info"):
            continue
        columns = store.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [obj["table_name"]]
        )
        for col in columns:
            assert f"`{col['column_name']}`" in section, f"{obj['table_name']}.{col['column_name']} undocumented"


def test_store_doc_queries_run(seeded_store):
    store, _ = seeded_store
    blocks = sql_blocks((DOCS / "store.md").read_text(encoding="utf-8"))
    assert blocks
    for block in blocks:
        for stmt in filter(str.strip, block.split(";")):
            store.query(stmt)


def test_post_format_doc_matches_the_record():
    doc = (DOCS / "post-format.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(Post):
        assert f"| `{f.name}` |" in doc, f"Post.{f.name} missing from docs/post-format.md"
    example = re.search(r"```json\n(.*?)```", doc, flags=re.S).group(1)
    post = Post.from_payload(json.loads(example))
    assert post.author.bio and post.captured_at is not None


@pytest.mark.parametrize("code", ["kampanye_medsos", "interaksi_pemenangan", "foto_simbol", "hadir_kampanye",
                                  "pencalonan_parpol", "fasilitas_negara", "atribut_kampanye"])
def test_category_codes_documented(code):
    from pantau.categories import CATEGORIES

    assert code in CATEGORIES
    assert f"`{code}`" in (DOCS / "post-format.md").read_text(encoding="utf-8")


def test_schema_is_idempotent(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "twice.duckdb"))
    con.execute(schema_sql())
    con.execute(schema_sql())


def test_every_table_of_personal_data_is_in_the_security_doc():
    """A table schema.sql marks as personal data is listed under "What is protected" in docs/security.md (the
    reporter's details moved from a server file into the table reporter_details without the doc saying so)."""
    tables = re.findall(r"((?:--[^\n]*\n)+)CREATE TABLE IF NOT EXISTS (\w+)", schema_sql())
    personal = {name for comment, name in tables if "personal data" in comment.lower()}
    assert "reporter_details" in personal
    doc = (DOCS / "security.md").read_text(encoding="utf-8")
    protected = doc.split("## What is protected", 1)[1].split("\n## ", 1)[0]
    for name in sorted(personal):
        assert f"`{name}`" in protected, f"{name} holds personal data but docs/security.md does not protect it"


def test_every_training_data_module_is_named_in_the_classifier_doc():
    """docs/classifier.md names each module of nlp/data (the generator's split into compose/pools/stances left the
    doc saying generate.py composes every post from pools it no longer holds)."""
    doc = (DOCS / "classifier.md").read_text(encoding="utf-8")
    modules = sorted(p.name for p in (DOCS.parent / "nlp" / "data").glob("*.py") if p.name != "__init__.py")
    assert "generate.py" in modules
    for name in modules:
        assert f"`nlp/data/{name}`" in doc, f"nlp/data/{name} missing from docs/classifier.md"


def test_the_owner_read_modules_are_named_in_the_store_doc():
    """docs/store.md names each module of the owner's read path (store/owner_*.py, store/sql_results.py): the client
    moved out of owner_api.py into owner_client.py and sql_results.py without the doc saying so."""
    doc = (DOCS / "store.md").read_text(encoding="utf-8")
    store_dir = DOCS.parent / "store"
    modules = sorted(p.name for p in store_dir.glob("owner_*.py")) + ["sql_results.py"]
    assert "owner_api.py" in modules and (store_dir / "sql_results.py").is_file()
    for name in modules:
        assert f"`store/{name}`" in doc, f"store/{name} missing from docs/store.md"
