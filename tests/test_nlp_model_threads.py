"""One loaded model scores posts from several threads at once (the triage app's intake route runs in FastAPI's thread
pool and shares one Classifier): the TF-IDF token tables and scratch counts (nlp/tfidf.py) are the model's state, so
two threads must never update them together, or a token gets another token's id and every later post with it the
wrong score."""

from __future__ import annotations

import threading

from pantau.nlp import tfidf
from pantau.nlp.classifier import load
from pantau.post import Author, Post

TEXTS = ("Ayo coblos nomor 2 kampanyekanlah pasangan Prabowo Gibran, kami guru honorer mendukung",
         "Rapat koordinasi penyuluhan pertanian organik di balai desa Sukamaju, semua warga diundang")


def _post(i: int, text: str) -> Post:
    return Post(platform="x", post_id=f"t{i}", text=text, author=Author(id=f"a{i}", handle=f"user{i}"))


def test_two_threads_scoring_new_tokens_at_once_get_the_scores_of_one_thread(monkeypatch):
    alone = load()
    expected = [alone.classify([_post(i, t)])[0] for i, t in enumerate(TEXTS)]

    shared = load()
    # Each thread pauses at its first new token until the other one reaches its own (at most 1 s): without the
    # model's lock both have taken the same next token id by then.
    barrier = threading.Barrier(len(TEXTS), timeout=1.0)
    paused = threading.local()
    add_token = tfidf.Block.add_token

    def add_token_meeting(block, token):
        if not getattr(paused, "done", False):
            paused.done = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:  # the other thread waits for the model: no meeting
                pass
        return add_token(block, token)

    monkeypatch.setattr(tfidf.Block, "add_token", add_token_meeting)
    got: dict[int, dict] = {}
    errors: list[BaseException] = []

    def score(i: int) -> None:
        try:
            got[i] = shared.classify([_post(i, TEXTS[i])])[0]
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=score, args=(i,)) for i in range(len(TEXTS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [got[i] for i in range(len(TEXTS))] == expected
    # and the shared tables stay right for the next posts
    monkeypatch.setattr(tfidf.Block, "add_token", add_token)
    assert [shared.classify([_post(i, t)])[0] for i, t in enumerate(TEXTS)] == expected
