"""Deadline reminders: what is due, the message, and the notification hook against a webhook and an SMTP server
on 127.0.0.1 (pytest-httpserver; a tiny socketserver SMTP responder); the flow under a temporary Prefect server."""

from __future__ import annotations

import json
import socketserver
import threading
from datetime import timedelta
from email import message_from_bytes as _from_bytes
from email import policy

import pytest

from conftest import NOW, make_post, result
from pantau.flows.notify import NotifyConfig, NotifyError, notify, send_webhook
from pantau.flows.reminders import compose, due_items, shift_state, worth_sending
from pantau.store.db import Store

SECRET_URL_PART = "hooks/T0KEN-rahasia"


def message_from_bytes(data: bytes):
    return _from_bytes(data, policy=policy.default)


@pytest.fixture
def httpserver():
    """A pytest-httpserver of this module's own on 127.0.0.1 (never `localhost`)."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    if server.is_running():
        server.stop()
    server.clear()


def late_store(tmp_path, now):
    """Posts captured 8 days, 6 days, 1 day ago and 6.5 days ago: cases for 30/31/32, 33 confirmed without case."""
    store = Store(tmp_path / "due.duckdb")
    captured = {"30": now - timedelta(days=8), "31": now - timedelta(days=6), "32": now - timedelta(days=1),
                "33": now - timedelta(days=6, hours=12), "34": now - timedelta(days=8)}
    posts = [make_post(int(i), captured=t) for i, t in captured.items()]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    for pid in ("30", "31", "32", "34"):
        store.register_referral("demo", pid, package=f"laporan-demo-{pid}.zip", package_dir="/nonexistent",
                                package_sha256="a" * 64, manifest_sha256="b" * 64,
                                office="Bawaslu Kabupaten Sleman", built_by="sari")
    store.set_referral_status(store.referral_for("demo", "34")["referral_id"], "sent", actor="sari")
    d = store.record_decision("demo", "33", "violation", reviewer="rina")
    store.confirm_decision(d, supervisor="sari", agreed=True)
    return store


def test_due_items_and_message(tmp_path):
    now = NOW + timedelta(days=10)
    store = late_store(tmp_path, now)
    items = due_items(store, now)
    # 30: 1 day overdue; 33: no case, due in 12 h; 31: due in 24 h; 32 has 6 days left; 34 was sent (late)
    assert [(i["post_id"], i["kind"], i["deadline_state"]) for i in items] == [
        ("30", "case", "overdue"), ("33", "unreferred", "due_soon"), ("31", "case", "due_soon")]
    subject, body, payload = compose(items, now)
    assert "1 terlambat, 2 jatuh tempo dalam 48 jam" in subject
    assert "demo/30" in body and "Terlambat 1 hari 0 jam" in body and "Sisa 12 jam" in body
    assert "akun" not in body and "akun" not in json.dumps(payload)  # no author handles leave the store
    assert payload["overdue"] == 1 and payload["due_soon"] == 2
    assert [i["post_id"] for i in payload["items"]] == ["30", "33", "31"]
    assert payload["items"][0]["deadline_at"].startswith((now - timedelta(days=1)).date().isoformat())
    assert due_items(store, NOW) == []  # ten days earlier nothing was due


def test_config_from_env_only_and_secrets_not_in_repr():
    cfg = NotifyConfig.from_env({"PANTAU_NOTIFY_WEBHOOK": f"http://127.0.0.1:9/{SECRET_URL_PART}",
                                 "PANTAU_SMTP_HOST": "127.0.0.1", "PANTAU_SMTP_PORT": "2525",
                                 "PANTAU_SMTP_FROM": "pantau@tim.example", "PANTAU_SMTP_TO": "a@tim.example, b@tim.example",
                                 "PANTAU_SMTP_PASSWORD": "sandi-rahasia"})
    assert cfg.channels == ["webhook", "smtp"] and cfg.smtp_port == 2525
    assert cfg.smtp_to == ("a@tim.example", "b@tim.example")
    assert SECRET_URL_PART not in repr(cfg) and "sandi-rahasia" not in repr(cfg)
    assert NotifyConfig.from_env({"PANTAU_SMTP_HOST": "127.0.0.1"}).channels == []  # no sender/recipient: off
    with pytest.raises(NotifyError):
        NotifyConfig.from_env({"PANTAU_SMTP_PORT": "dua puluh lima"})


def test_webhook_errors_never_show_the_url(httpserver):
    httpserver.expect_request(f"/{SECRET_URL_PART}", method="POST").respond_with_data("no", status=500)
    url = httpserver.url_for(f"/{SECRET_URL_PART}")
    with pytest.raises(NotifyError) as err:
        send_webhook(url, {"x": 1})
    assert "HTTP 500" in str(err.value) and SECRET_URL_PART not in str(err.value)
    port = httpserver.port
    httpserver.stop()
    with pytest.raises(NotifyError) as err:
        send_webhook(f"http://127.0.0.1:{port}/{SECRET_URL_PART}", {"x": 1}, timeout=2)
    assert "unreachable" in str(err.value) and SECRET_URL_PART not in str(err.value)


class SMTPServer:
    """Accepts SMTP sessions on 127.0.0.1 and keeps each message's envelope and bytes (enough for smtplib)."""

    def __init__(self):
        received = self.received = []

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.reply("220 127.0.0.1 test SMTP")
                envelope: dict = {"rcpt": []}
                while line := self.rfile.readline():
                    cmd = line.decode().strip()
                    verb = cmd.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 127.0.0.1")
                    elif verb == "MAIL":
                        envelope["from"] = cmd.split(":", 1)[1].strip()
                        self.reply("250 ok")
                    elif verb == "RCPT":
                        envelope["rcpt"].append(cmd.split(":", 1)[1].strip())
                        self.reply("250 ok")
                    elif verb == "DATA":
                        self.reply("354 end with .")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk
                        received.append({**envelope, "data": data})
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_notify_sends_webhook_and_email(httpserver):
    httpserver.expect_oneshot_request(f"/{SECRET_URL_PART}", method="POST").respond_with_data("ok")
    with SMTPServer() as smtp:
        cfg = NotifyConfig(webhook=httpserver.url_for(f"/{SECRET_URL_PART}"), smtp_host="127.0.0.1",
                           smtp_port=smtp.port, smtp_from="pantau@tim.example", smtp_to=("koordinator@tim.example",))
        assert notify("Subjek", "Isi pesan", {"event": "test", "n": 2}, cfg) == ["webhook", "smtp"]
    [(request, _)] = httpserver.log
    assert request.json == {"subject": "Subjek", "text": "Isi pesan", "event": "test", "n": 2}
    [mail] = smtp.received
    assert mail["rcpt"] == ["<koordinator@tim.example>"]
    msg = message_from_bytes(mail["data"])
    assert msg["Subject"] == "Subjek" and msg.get_content().strip() == "Isi pesan"


def test_notify_reports_a_failing_channel_after_trying_the_others(httpserver):
    httpserver.expect_request(f"/{SECRET_URL_PART}").respond_with_data("ok")
    cfg = NotifyConfig(webhook=httpserver.url_for(f"/{SECRET_URL_PART}"), smtp_host="127.0.0.1", smtp_port=1,
                       smtp_from="a@tim.example", smtp_to=("b@tim.example",))
    with pytest.raises(NotifyError) as err:
        notify("s", "b", {}, cfg)
    assert "SMTP 127.0.0.1:1 failed" in str(err.value) and "(sent via webhook)" in str(err.value)
    assert len(httpserver.log) == 1


@pytest.mark.slow
def test_deadline_reminders_flow_notifies_both_channels(prefect_server, tmp_path, httpserver, monkeypatch, caplog):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from pantau.flows.reminders import deadline_reminders

    now = NOW + timedelta(days=10)
    late_store(tmp_path, now)
    httpserver.expect_request(f"/{SECRET_URL_PART}", method="POST").respond_with_data("ok")
    with SMTPServer() as smtp:
        for key, value in {"PANTAU_NOTIFY_WEBHOOK": httpserver.url_for(f"/{SECRET_URL_PART}"),
                           "PANTAU_SMTP_HOST": "127.0.0.1", "PANTAU_SMTP_PORT": str(smtp.port),
                           "PANTAU_SMTP_FROM": "pantau@tim.example", "PANTAU_SMTP_TO": "koordinator@tim.example"}.items():
            monkeypatch.setenv(key, value)
        state = deadline_reminders(db=tmp_path / "due.duckdb", now=now, return_state=True)
        summary = state.result()
        # nothing due ten days earlier: nothing sent
        assert deadline_reminders(db=tmp_path / "due.duckdb", now=NOW)["sent"] == []
    # 30, 31 and 34 were never decided and were captured more than 24 h ago (32 exactly 24 h ago: due, not late)
    assert summary == {"due": 3, "overdue": 1, "first_review_overdue": 3, "handover_due": False,
                       "sent": ["webhook", "smtp"], "failed": {}}
    [(request, _)] = httpserver.log
    assert request.json["event"] == "deadline_reminder" and len(request.json["items"]) == 3
    [mail] = smtp.received
    assert "demo/30" in message_from_bytes(mail["data"]).get_content()
    # pantau's own log lines (the test webhook server's access log aside) never show the URL
    assert not [r for r in caplog.records if r.name != "werkzeug" and SECRET_URL_PART in r.getMessage()]

    async def fetch():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["deadline-reminders"])))

    arts = {a.flow_run_id: a.data for a in asyncio.run(fetch())}
    md = arts[state.state_details.flow_run_id]
    assert "| due within 48 h or overdue | 3 |" in md and "| sent via | webhook, smtp |" in md
    assert SECRET_URL_PART not in md


@pytest.mark.slow
def test_deadline_reminders_flow_fails_when_the_webhook_refuses(prefect_server, tmp_path, httpserver, monkeypatch):
    from pantau.flows import reminders

    # the same task, retried without the production back-off (5 s, 30 s) so the test does not sleep
    monkeypatch.setattr(reminders, "send", reminders.send.with_options(retry_delay_seconds=0))
    assert reminders.send.retries == 2
    now = NOW + timedelta(days=10)
    late_store(tmp_path, now)
    httpserver.expect_request(f"/{SECRET_URL_PART}").respond_with_data("no", status=503)
    monkeypatch.setenv("PANTAU_NOTIFY_WEBHOOK", httpserver.url_for(f"/{SECRET_URL_PART}"))
    for key in ("PANTAU_SMTP_HOST", "PANTAU_SMTP_FROM", "PANTAU_SMTP_TO"):
        monkeypatch.delenv(key, raising=False)
    state = reminders.deadline_reminders(db=tmp_path / "due.duckdb", now=now, return_state=True)
    assert state.is_failed()
    assert len(httpserver.log) == 3  # first try + 2 retries of the webhook task
    message = str(state.result(raise_on_failure=False))
    assert "webhook answered HTTP 503" in message and SECRET_URL_PART not in message


@pytest.mark.slow
def test_reminders_command_sends_the_webhook(tmp_path, httpserver):
    import os
    import subprocess
    import sys

    from datetime import datetime, timezone

    late_store(tmp_path, datetime.now(timezone.utc))  # the command uses the clock: deadlines relative to it
    httpserver.expect_request(f"/{SECRET_URL_PART}", method="POST").respond_with_data("ok")
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PANTAU_NOTIFY_WEBHOOK": httpserver.url_for(f"/{SECRET_URL_PART}"), "PANTAU_SMTP_HOST": ""}
    r = subprocess.run([sys.executable, "-m", "pantau.cli", "reminders", "--db", str(tmp_path / "due.duckdb")],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "3 referral deadline(s) due within 48 h or overdue (1 overdue); sent via webhook" in r.stdout
    assert SECRET_URL_PART not in r.stdout + r.stderr
    [(request, _)] = httpserver.log
    assert [i["post_id"] for i in request.json["items"]] == ["30", "33", "31"]


def test_documented_webhook_body_matches_the_payload(tmp_path):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text(encoding="utf-8")
    documented = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))
    now = NOW + timedelta(days=10)
    store = late_store(tmp_path, now)
    subject, body, payload = compose(due_items(store, now), now, shift_state(store, now))
    sent = {"subject": subject, "text": body, **payload}
    assert set(documented) == set(sent)
    assert documented["subject"] == sent["subject"]
    by_id = {i["post_id"]: i for i in sent["items"]}
    for item in documented["items"]:
        assert item == by_id[item["post_id"]]


def shift_store(tmp_path, now):
    """Nothing due for referral; posts 40-42 captured 30 h, 26 h and 2 h ago, never decided (40 and 41 past the
    24-hour first-review target), 43 decided; the last shift handover was 9 hours ago."""
    store = Store(tmp_path / "shift.duckdb")
    posts = [make_post(40 + i, captured=now - timedelta(hours=h)) for i, h in enumerate((30, 26, 2, 50))]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    store.record_decision("demo", "43", "not_violation", reviewer="rina", now=now - timedelta(hours=40))
    store.record_handover("sari", now - timedelta(hours=17), now - timedelta(hours=9), "aman", {"open_items": 3},
                          now=now - timedelta(hours=9))
    return store


def test_reminder_carries_first_review_backlog_and_handover(tmp_path):
    now = NOW + timedelta(days=1)
    store = shift_store(tmp_path, now)
    independent = store.scalar("""SELECT count(*) FROM queue_items q WHERE NOT EXISTS (SELECT 1 FROM decisions d
                                  WHERE d.platform = q.platform AND d.post_id = q.post_id)
                                  AND q.captured_at + INTERVAL 24 HOUR < ?""", [now])
    shift = shift_state(store, now, target_hours=24, shift_len=8)
    assert shift["first_review_overdue"] == independent == 2
    assert shift["handover"]["by"] == "sari" and shift["handover"]["due"] and shift["handover"]["hours_since"] == 9
    assert worth_sending([], shift)  # no referral due, still worth a message
    subject, body, payload = compose([], now, shift)
    assert subject == "[pantau] 2 pos belum ditinjau lewat 24 jam; serah terima shift tertunda"
    assert "2 pos belum ditinjau lebih dari 24 jam sejak ditangkap" in body
    assert "Serah terima shift terakhir: 9 jam lalu oleh sari (lebih dari 8 jam" in body
    assert payload["first_review_overdue"] == 2 and payload["review_target_hours"] == 24
    assert payload["handover"] == {"last_at": (now - timedelta(hours=9)).isoformat(), "by": "sari",
                                   "hours_since": 9.0, "due": True}
    # a longer target, a handover still fresh: nothing to send
    calm = shift_state(store, now, target_hours=48, shift_len=12)
    assert calm["first_review_overdue"] == 0 and not calm["handover"]["due"] and not worth_sending([], calm)
    # a team that never handed a shift over gets no handover reminder
    assert shift_state(late_store(tmp_path, now), now)["handover"] is None


@pytest.mark.slow
def test_reminders_flow_sends_the_backlog_and_handover(prefect_server, tmp_path, httpserver, monkeypatch):
    from pantau.flows.reminders import deadline_reminders

    now = NOW + timedelta(days=1)
    shift_store(tmp_path, now)
    httpserver.expect_request(f"/{SECRET_URL_PART}", method="POST").respond_with_data("ok")
    monkeypatch.setenv("PANTAU_NOTIFY_WEBHOOK", httpserver.url_for(f"/{SECRET_URL_PART}"))
    for key in ("PANTAU_SMTP_HOST", "PANTAU_SMTP_FROM", "PANTAU_SMTP_TO", "PANTAU_REVIEW_TARGET_HOURS",
                "PANTAU_SHIFT_HOURS"):
        monkeypatch.delenv(key, raising=False)
    summary = deadline_reminders(db=tmp_path / "shift.duckdb", now=now)
    assert summary == {"due": 0, "overdue": 0, "first_review_overdue": 2, "handover_due": True, "sent": ["webhook"],
                       "failed": {}}
    [(request, _)] = httpserver.log
    assert request.json["first_review_overdue"] == 2 and request.json["handover"]["due"] is True
    assert request.json["items"] == [] and "serah terima shift tertunda" in request.json["subject"]
    # the team's own target and shift length, from the environment: nothing past 48 h, handover fresh for 12 h
    monkeypatch.setenv("PANTAU_REVIEW_TARGET_HOURS", "48")
    monkeypatch.setenv("PANTAU_SHIFT_HOURS", "12")
    assert deadline_reminders(db=tmp_path / "shift.duckdb", now=now)["sent"] == []
    assert len(httpserver.log) == 1
