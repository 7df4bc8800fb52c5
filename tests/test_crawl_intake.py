"""Manual intake through the CLI: a tip whose page cannot be fetched is still stored, with who and when."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pantau.cli import app
from pantau.crawlers.platforms.intake.parse import intake_post, platform_of
from pantau.post import Post


def test_platform_and_ids_of_submissions():
    assert platform_of("https://m.facebook.com/story.php?id=1") == "facebook"
    assert platform_of("https://www.tiktok.com/@guru/video/1") == "tiktok" and platform_of(None) == "tip"
    sub = {"url": None, "tip": "Camat ikut deklarasi paslon", "reporter_contact": "0812", "submitted_by": "tim",
           "submitted_at": "2024-11-20T10:00:00Z"}
    post = Post.from_payload(intake_post(sub))
    assert post.platform == "tip" and post.post_id.startswith("tip-") and post.captured_at.isoformat().startswith("2024-11-20T10:00")
    assert json.loads(post.raw)["intake"]["reporter_contact"] == "0812"
    with pytest.raises(ValueError, match="needs a URL or a tip"):
        intake_post({**sub, "tip": None})


@pytest.mark.slow
def test_cli_intake_keeps_the_tip_when_the_page_cannot_be_fetched(tmp_path):
    out = tmp_path / "intake.jsonl"
    r = CliRunner().invoke(app, ["intake", "-o", str(out), "--url", "http://127.0.0.1:9/posts/1", "--tip", "Guru ajak pilih 02",
                                 "--reporter-contact", "pelapor@example.org", "--submitted-by", "relawan"])
    assert r.exit_code == 0, r.output
    assert "(page not fetched)" in r.output
    [line] = out.read_text(encoding="utf-8").splitlines()
    post = Post.from_payload(json.loads(line))
    raw = json.loads(post.raw)
    assert post.platform == "web" and post.text == "Guru ajak pilih 02" and post.url == "http://127.0.0.1:9/posts/1"
    assert raw["intake"]["submitted_by"] == "relawan" and raw["intake"]["reporter_contact"] == "pelapor@example.org"
    assert "ConnectionRefused" in raw["fetched"]["error"] and post.captured_at is not None
