"""Prefect flow `deadline_reminders`: tell the team which referrals are about to miss (or missed) the 7-day deadline.

What is due comes from `pantau.referral.register.overdue`: cases not yet sent and confirmed violations with no case
yet, whose deadline (first capture + 7 days) has passed or passes within 48 h. When anything is due, one message
goes to every configured channel of the notification hook (`pantau.flows.notify`: webhook and/or SMTP, from the
environment); each channel is its own task with retries, so a retry never sends twice on a channel that worked.
The message carries platform/post id, region, office and deadline, never an author handle or reporter data.
Nothing due -> nothing sent. The run report artifact is `deadline-reminders`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task


def due_items(store, now: datetime | None = None) -> list[dict[str, Any]]:
    """Cases and unreferred confirmed violations whose deadline passed or passes within 48 h, earliest first."""
    from pantau.referral.register import overdue

    late = overdue(store, now)
    items = [{"kind": "case", "referral_id": c["referral_id"], "platform": c["platform"], "post_id": c["post_id"],
              "region": c.get("region"), "office": c.get("office"), "status": c["status"],
              "deadline_at": c["deadline_at"], "deadline_state": c["deadline_state"], "hours_left": c["hours_left"],
              "label": c["deadline_label"]} for c in late["cases"]]
    items += [{"kind": "unreferred", "referral_id": None, "platform": u["platform"], "post_id": u["post_id"],
               "region": u.get("region"), "office": None, "status": "confirmed", "deadline_at": u["deadline_at"],
               "deadline_state": u["deadline_state"], "hours_left": u["hours_left"], "label": u["deadline_label"]}
              for u in late["unreferred"]]
    return sorted(items, key=lambda i: (i["hours_left"] if i["hours_left"] is not None else float("-inf"),
                                        i["platform"], i["post_id"]))


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).isoformat()


def compose(items: list[dict[str, Any]], now: datetime) -> tuple[str, str, dict[str, Any]]:
    """(subject, plain-text body, JSON payload) of the reminder; the text is in Bahasa Indonesia."""
    late = sum(i["deadline_state"] == "overdue" for i in items)
    soon = len(items) - late
    subject = f"[pantau] Batas 7 hari laporan Bawaslu: {late} terlambat, {soon} jatuh tempo dalam 48 jam"
    lines = [subject, ""]
    for i in items:
        what = f"kasus #{i['referral_id']} ({i['status']})" if i["kind"] == "case" else "pelanggaran terkonfirmasi, belum ada kasus"
        lines.append(f"- {i['platform']}/{i['post_id']}: {what}; {i['label']}; batas {_iso(i['deadline_at'])}"
                     + (f"; {i['region']}" if i["region"] else "") + (f"; {i['office']}" if i["office"] else ""))
    lines += ["", "Buka halaman Rujukan di aplikasi triase untuk menindaklanjuti."]
    payload = {"event": "deadline_reminder", "generated_at": now.isoformat(), "overdue": late, "due_soon": soon,
               "items": [{**{k: v for k, v in i.items() if k not in ("deadline_at", "hours_left")},
                          "deadline_at": _iso(i["deadline_at"]),
                          "hours_left": round(i["hours_left"], 1) if i["hours_left"] is not None else None}
                         for i in items]}
    return subject, "\n".join(lines) + "\n", payload


@task(retries=2, retry_delay_seconds=[1, 5])
def find_due(db: Path, now: datetime | None) -> list[dict[str, Any]]:
    from pantau.store.db import Store

    return due_items(Store(db), now)


@task(retries=2, retry_delay_seconds=[5, 30], task_run_name="notify-{channel}")
def send(channel: str, subject: str, body: str, payload: dict[str, Any]) -> str:
    from .notify import NotifyConfig, send_email, send_webhook

    config = NotifyConfig.from_env()
    if channel == "webhook":
        send_webhook(config.webhook, {"subject": subject, "text": body, **payload})
    else:
        send_email(config, subject, body)
    return channel


@flow(name="deadline_reminders", log_prints=True, timeout_seconds=15 * 60)
def deadline_reminders(db: Path, now: datetime | None = None) -> dict:
    """Notify the configured channels of the referrals due within 48 h or overdue; returns what was due and sent."""
    from .notify import NotifyConfig
    from .report import publish

    started = time.perf_counter()
    now = now or datetime.now(timezone.utc)
    items = find_due(Path(db), now)
    channels = NotifyConfig.from_env().channels
    sent: list[str] = []
    failed: dict[str, str] = {}
    if items and not channels:
        get_run_logger().warning("%d referral deadline(s) due but no notification channel configured "
                                 "(PANTAU_NOTIFY_WEBHOOK or PANTAU_SMTP_HOST/FROM/TO)", len(items))
    if items:
        subject, body, payload = compose(items, now)
        for channel in channels:
            state = send(channel, subject, body, payload, return_state=True)
            if state.is_completed():
                sent.append(channel)
            else:
                failed[channel] = str(state.result(raise_on_failure=False))
    summary = {"due": len(items), "overdue": sum(i["deadline_state"] == "overdue" for i in items),
               "sent": sent, "failed": failed}
    print(f"deadline_reminders: {summary['due']} due ({summary['overdue']} overdue), "
          f"sent via {', '.join(sent) or 'nothing'}" + (f", failed: {', '.join(failed)}" if failed else ""))
    publish("deadline-reminders", "deadline_reminders",
            {"due within 48 h or overdue": summary["due"], "overdue": summary["overdue"],
             "channels configured": ", ".join(channels) or "none", "sent via": ", ".join(sent) or "nothing"},
            {c: {"failed": 1} for c in failed}, time.perf_counter() - started)
    if failed:
        raise RuntimeError(f"notification failed on {', '.join(failed)}: {'; '.join(failed.values())}")
    return summary
