"""Pure helpers of the triage app: highlight spans, agreement statistics, cursors, CSV cells, search terms."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pantau.store.db import search_terms
from pantau.triage.logic import agreement, csv_cell, decode_cursor, encode_cursor, highlight_segments


def test_highlight_marks_spans_and_keeps_every_character():
    text = "Ayo coblos nomor 2 <b>sekarang</b>"
    signals = [
        {"name": "nomor", "source": "text", "start": 11, "end": 18, "text": "nomor 2"},
        {"name": "ajakan", "source": "text", "start": 4, "end": 10, "text": "coblos"},
        {"name": "overlap", "source": "text", "start": 5, "end": 12, "text": text[5:12]},  # overlaps: skipped
        {"name": "wrong", "source": "text", "start": 0, "end": 3, "text": "xxx"},  # text mismatch: skipped
        {"name": "outside", "source": "text", "start": 30, "end": 99, "text": "?"},  # out of range: skipped
        {"name": "bio", "source": "bio", "start": 0, "end": 3, "text": "Ayo"},  # other source
    ]
    segs = highlight_segments(text, signals)
    assert "".join(s["text"] for s in segs) == text
    assert [(s["text"], s["signal"]) for s in segs if s["signal"]] == [("coblos", "ajakan"), ("nomor 2", "nomor")]


def test_cohens_kappa_textbook_example():
    pairs = [("v", "v")] * 20 + [("v", "n")] * 5 + [("n", "v")] * 10 + [("n", "n")] * 15
    a = agreement(pairs)
    assert a["n"] == 50 and a["percent"] == pytest.approx(70.0) and a["kappa"] == pytest.approx(0.4)
    assert agreement([])["kappa"] is None
    assert agreement([("v", "v")] * 3)["kappa"] is None  # chance agreement is 1: undefined
    assert agreement([("v", "n"), ("n", "v")])["kappa"] == pytest.approx(-1.0)


def test_cursor_round_trip_and_garbage():
    row = {"deadline_at": datetime(2026, 11, 27, 1, 2, 3, tzinfo=timezone.utc), "score": 0.75, "platform": "x",
           "post_id": "a/b?c"}
    assert decode_cursor(encode_cursor(row)) == (row["deadline_at"], 0.75, "x", "a/b?c")
    assert decode_cursor("bukan-kursor") is None


def test_csv_cells_never_start_a_formula():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and csv_cell("@x") == "'@x" and csv_cell("ok") == "ok"
    assert csv_cell(None) == ""


def test_search_terms_match_the_index_tokeniser():
    assert search_terms("Coblos NOMOR-2, Pak Lurah! café") == ["coblos", "nomor", "2", "pak", "lurah", "cafe"]
    assert search_terms("  ...  ") == []
