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
    assert decode_cursor(encode_cursor(row)) == (row["deadline_at"].isoformat(), 0.75, "x", "a/b?c")
    far = {**row, "deadline_at": "10000-01-07 23:59:59+00"}  # DuckDB returns a time after year 9999 as text
    assert decode_cursor(encode_cursor(far))[0] == "10000-01-07 23:59:59+00"
    assert decode_cursor("bukan-kursor") is None


def test_csv_cells_never_start_a_formula():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and csv_cell("@x") == "'@x" and csv_cell("ok") == "ok"
    assert csv_cell(None) == ""


def test_search_terms_match_the_index_tokeniser():
    assert search_terms("Coblos NOMOR-2, Pak Lurah! café") == ["coblos", "nomor", "2", "pak", "lurah", "cafe"]
    assert search_terms("  ...  ") == []


def test_every_classifier_signal_has_a_reviewer_label_in_a_group():
    """The item page names each signal in Bahasa Indonesia; a new signal in nlp/signals.py needs its label here."""
    from pantau.nlp.identity import REGISTRY_SIGNAL
    from pantau.nlp.signals import ASN_SIGNALS, CAMPAIGN_SIGNALS, NEGATIVE_SIGNALS, OFFICIAL_SIGNALS, SIGNAL_NAMES
    from pantau.triage.intake import SIGNAL_NAME as INTAKE_SIGNAL
    from pantau.triage.logic import SIGNAL_GROUPS, SIGNAL_LABELS, group_signals, signal_label

    assert set(SIGNAL_NAMES) | {INTAKE_SIGNAL, REGISTRY_SIGNAL} == set(SIGNAL_LABELS)
    by_group = {key: set(names) for key, _, names in SIGNAL_GROUPS}
    assert by_group["asn"] == set(ASN_SIGNALS) | set(OFFICIAL_SIGNALS) | {REGISTRY_SIGNAL}
    assert by_group["kampanye"] == set(CAMPAIGN_SIGNALS)
    assert by_group["penyangkal"] == set(NEGATIVE_SIGNALS)
    groups = group_signals([
        {"name": "vote_call", "source": "text", "text": "ayo coblos"}, {"name": "asn_role", "source": "bio", "text": "Guru"},
        {"name": "other_role", "source": "text", "text": "camat"}, {"name": "from_a_newer_model", "source": "text", "text": "x"},
    ])
    assert [g["key"] for g in groups] == ["asn", "kampanye", "penyangkal", "lain"]  # fixed order, empty groups left out
    assert groups[0]["items"] == [{"name": "asn_role", "label": "Peran/jabatan ASN", "source": "bio", "text": "Guru"}]
    assert groups[3]["items"][0]["label"] == "from_a_newer_model" == signal_label("from_a_newer_model")


def test_kappa_note_says_why_kappa_means_nothing_when_one_kind_is_double_checked():
    from pantau.triage.logic import agreement, kappa_note

    only_violations = agreement([("violation", "violation")] * 7 + [("violation", "not_violation")])
    assert only_violations["percent"] == 87.5 and only_violations["kappa"] == 0.0
    assert "tidak bermakna" in kappa_note(only_violations)
    mixed = agreement([("violation", "violation"), ("not_violation", "not_violation")] * 15)
    assert mixed["kappa"] == 1.0 and kappa_note(mixed) is None
    assert "pasangan" in kappa_note(agreement([("violation", "violation"), ("not_violation", "not_violation")]))
