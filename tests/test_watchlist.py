"""Watchlist files: the documented example loads; every kind of mistake names the key and the line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from pantau.crawlers.watchlist import WatchlistError, crawl_plan, load_watchlist, parse_watchlist

DOC = Path(__file__).parents[1] / "docs" / "watchlists.md"


def example() -> str:
    return re.search(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)


def test_documented_example_loads_and_plans(tmp_path):
    path = tmp_path / "sleman.toml"
    path.write_text(example(), encoding="utf-8")
    wl = load_watchlist(path)
    assert wl.team.startswith("Tim Pemantau") and len(wl.elections) == 2
    assert wl.elections[0].voting_day == date(2024, 11, 27) and wl.elections[1].level == "provinsi"
    assert [c.nomor_urut for c in wl.candidates] == [1, 2] and wl.candidates[1].parties == ("Partai Contoh Dua", "Partai Contoh Tiga")
    assert wl.search_terms()[:3] == ["#SlemanSatuHati", "#Paslon01", "#SlemanDuaJuara"] and "Sleman maju bersama" in wl.search_terms()
    assert wl.candidate_terms()["Pilkada Kabupaten Sleman 2024#2"]["hashtags"] == ["#SlemanDuaJuara"]
    jobs = crawl_plan(wl)
    assert [j.source for j in jobs] == ["x", "telegram", "mastodon", "rss"]
    assert jobs[0].spider_args["query"].startswith("(#SlemanSatuHati OR #Paslon01 OR #SlemanDuaJuara OR \"nomor urut\" OR coblos")
    assert jobs[1].spider_args == {"channels": "infopilkada_sleman,warta_sleman"} and jobs[1].region == "Kab. Sleman"
    assert jobs[2].spider_args == {"base_url": "https://mastodon.example", "tags": "pilkadasleman,ASNNetral"}
    assert jobs[3].label == "berita-lokal"


def line_of(text: str, needle: str, nth: int = 0) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if line.startswith(needle)]
    return lines[nth]


@pytest.mark.parametrize(("old", "new", "key", "message", "line_needle", "nth"), [
    ('nomor_urut = 2', 'nomor_urut = "dua"', "candidates[1].nomor_urut", "whole number", "nomor_urut", 1),
    ('nomor_urut = 2', 'nomor_urut = 1', "candidates[1].nomor_urut", "appears twice", "nomor_urut", 1),
    ('level = "provinsi"', 'level = "desa"', "elections[1].level", "must be one of", 'level = "desa"', 0),
    ('voting_day = 2024-11-27\n\n[[elections]]', 'voting_day = "27 November"\n\n[[elections]]', "elections[0].voting_day", "YYYY-MM-DD", "voting_day", 0),
    ('campaign_end = 2024-11-23\nvoting_day = 2024-11-27\n\n[[candidates]]', 'campaign_end = 2024-11-28\nvoting_day = 2024-11-27\n\n[[candidates]]',
     "elections[1].voting_day", "after campaign_end", "voting_day", 1),
    ('hashtags = ["#SlemanDuaJuara"]', 'hashtags = ["Sleman Dua"]', "candidates[1].hashtags", "not a hashtag", 'hashtags = ["Sleman', 0),
    ('election = "Pilkada Kabupaten Sleman 2024"\nnomor_urut = 2', 'election = "Pilkada Sleman"\nnomor_urut = 2', "candidates[1].election", "no [[elections]] named", 'election = "Pilkada Sleman"', 0),
    ('source = "telegram"', 'source = "facebook"', "sources[1].source", "unknown source 'facebook'", 'source = "facebook"', 0),
    ('channels = [', 'chanels = [', "sources[1].chanels", "not an argument of the telegram source", "chanels", 0),
    ('slogans = ["Sleman maju bersama"]', 'slogan = ["Sleman maju bersama"]', "candidates[0].slogan", "unknown key", "slogan =", 0),
    ('names = ["Calon Dua A", "Calon Dua B"]', 'names = []', "candidates[1].names", "must not be empty", "names = []", 0),
])
def test_errors_name_the_key_and_line(old, new, key, message, line_needle, nth):
    text = example()
    assert old in text
    bad = text.replace(old, new, 1)
    with pytest.raises(WatchlistError) as info:
        parse_watchlist(bad, "team.toml")
    err = info.value
    assert err.key == key and message in str(err)
    assert err.line == line_of(bad, line_needle, nth), str(err)
    assert str(err).startswith(f"team.toml:{err.line}: {key}: ")


def test_toml_syntax_error_and_missing_parts(tmp_path):
    with pytest.raises(WatchlistError, match=r"team.toml:3: not valid TOML"):
        parse_watchlist('team = "a"\nkeywords = ["x"]\n[[elections]\n', "team.toml")
    with pytest.raises(WatchlistError, match=r"team: required"):
        parse_watchlist('keywords = ["x"]\n', "team.toml")
    with pytest.raises(WatchlistError, match=r"elections: at least one \[\[elections\]\] table is required"):
        parse_watchlist('team = "a"\n', "team.toml")
    with pytest.raises(WatchlistError, match="No such file"):
        load_watchlist(tmp_path / "missing.toml")


def test_cli_watchlist_check_and_plan(tmp_path):
    from typer.testing import CliRunner

    from pantau.cli import app

    good = tmp_path / "good.toml"
    good.write_text(example(), encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["watchlist", "check", str(good)])
    assert r.exit_code == 0 and "2 election(s), 2 candidate pair(s), 5 keyword(s), 4 source(s)" in r.output
    r = runner.invoke(app, ["watchlist", "plan", str(good)])
    assert r.exit_code == 0 and "telegram" in r.output and "channels='infopilkada_sleman,warta_sleman'" in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text(example().replace('level = "kabupaten"', 'level = "kecamatan"'), encoding="utf-8")
    r = runner.invoke(app, ["watchlist", "check", str(bad)])
    assert r.exit_code == 1 and f"bad.toml:{line_of(bad.read_text(), 'level = ' + chr(34) + 'kecamatan')}: elections[0].level" in r.output
