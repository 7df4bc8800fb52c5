"""pantau.nlp.tokenizer: spaCy's blank Indonesian tokenizer without spaCy gives spaCy's tokens."""

import json
import re

import pytest

from pantau.nlp.normalise import blank_nlp
from pantau.nlp.tokenizer import RULES_FILE, export_rules, tokenize_chunk
from pantau.nlp.train import default_data_path

AWKWARD = [
    "(dll.)", "a.n.", "Rp.50.000,-", "http://x.id/a?b=1).", "#Pilih02!!", '"Saya', "wkwk:)", "@budi_s:", "2024/2025",
    "10.000-an", "(08123456789)", "e-KTP,", "U.S.", "Dr.", "bpk.", "hlm.", "x-)", "...", ":-D", "ASN!!!?", "Jl.Merdeka",
    "s.d.", "tgl.12/3", "(Dinkes):", "*Diteruskan*\n📢", "1']\nsdh", "2\n\n—", "a\tb", "✌️✌️", "’no.2’", "www.kpu.go.id,",
]


def _chunks() -> set[str]:
    chunks = set(AWKWARD)
    for path in sorted(default_data_path().parent.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            author = row.get("author") if isinstance(row.get("author"), dict) else {}
            for value in (row.get("text"), row.get("bio"), author.get("bio"), author.get("name")):
                if isinstance(value, str):
                    chunks.update(re.findall(r"[^ ]+", value))
    return chunks


def test_rules_file_is_the_installed_spacy_export(tmp_path):
    """nlp/data/tokenizer_id.json is what export_rules writes from the installed spaCy (re-run it after an upgrade)."""
    fresh = export_rules(tmp_path / "rules.json")
    assert json.loads(fresh.read_text(encoding="utf-8")) == json.loads(RULES_FILE.read_text(encoding="utf-8"))


def test_tokens_equal_spacy_on_every_chunk_of_the_data():
    tokenizer = blank_nlp().tokenizer
    chunks = _chunks()
    assert len(chunks) > 10_000
    differ = [c for c in sorted(chunks) if [(t.text, t.idx) for t in tokenizer(c)] != tokenize_chunk(c)]
    assert not differ, differ[:10]


@pytest.mark.parametrize("chunk, tokens", [
    ("(Dinkes):", ["(", "Dinkes", "):"]),  # a special case put back together after the affix split
    ("dll.", ["dll."]),
    ("#PilihNomor2!!", ["#PilihNomor2", "!", "!"]),
    ("https://x.id/a?b=1", ["https://x.id/a?b=1"]),
])
def test_known_splits(chunk, tokens):
    assert [t for t, _ in tokenize_chunk(chunk)] == tokens
