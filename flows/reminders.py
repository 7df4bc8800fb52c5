"""Prefect flow `deadline_reminders`: tell the team which referrals are about to miss (or missed) the 7-day deadline,
how many queue items are past the first-review target, and when a shift handover is due.

What is due comes from `pantau.referral.register.overdue`: cases not yet sent and confirmed violations with no case
yet, whose deadline (first capture + 7 days) has passed or passes within 48 h. When anything is due, one message
goes to every configured channel of the notification hook (`pantau.flows.notify`: webhook and/or SMTP, from the
environment); each channel is its own task with retries, so a retry never sends twice on a channel that worked.
The message carries platform/post id, region, office and deadline, never an author handle or reporter data.
With it go the shift figures (issue 18): items never decided past the team's first-review target
(PANTAU_REVIEW_TARGET_HOURS, pantau.sla) and the last shift handover, due again once it is older than a shift
(PANTAU_SHIFT_HOURS; never reminded before a team's first handover). Nothing due, nothing past the target and no
handover due -> nothing sent. The run report artifact is `deadline-reminders`.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from pantau.referral.register import overdue
from pantau.settings import review_target_hours, shift_hours
from pantau.sla import hours_between
from pantau.store.db import Store

from .notify import NotifyConfig, send_email, send_webhook
from .report import publish


def due_items(store, now: datetime | None = None) -> list[dict[str, Any]]:
    """Cases and unreferred confirmed violations whose deadline passed or passes within 48 h, earliest first."""
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


def shift_state(store, now: datetime, target_hours: int | None = None, shift_len: int | None = None) -> dict[str, Any]:
    """Items never decided past the first-review target at `now`, and the last handover (None before the first):
    when, by whom, hours since, and whether the next one is due (older than a shift)."""
    target_hours = target_hours or review_target_hours()
    shift_len = shift_len or shift_hours()
    sla = store.review_sla(now - timedelta(hours=shift_len), now, target_hours=target_hours, now=now)
    last = store.handover()
    handover = None
    if last is not None:
        since = hours_between(last["handed_at"], now)
        handover = {"last_at": last["handed_at"], "by": last["handed_by"], "hours_since": since,
                    "due": since >= shift_len}
    return {"first_review_overdue": sla["overdue_now"], "review_target_hours": target_hours, "shift_hours": shift_len,
            "handover": handover}


def worth_sending(items: list[dict[str, Any]], shift: dict[str, Any] | None) -> bool:
    return bool(items) or bool(shift and (shift["first_review_overdue"]
                                          or (shift["handover"] and shift["handover"]["due"])))


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).isoformat()


def compose(items: list[dict[str, Any]], now: datetime,
            shift: dict[str, Any] | None = None) -> tuple[str, str, dict[str, Any]]:
    """(subject, plain-text body, JSON payload) of the reminder; the text is in Bahasa Indonesia. `shift`
    (shift_state) adds the first-review backlog and the handover."""
    late = sum(i["deadline_state"] == "overdue" for i in items)
    soon = len(items) - late
    parts = [f"Batas 7 hari laporan Bawaslu: {late} terlambat, {soon} jatuh tempo dalam 48 jam"] if items else []
    handover = shift["handover"] if shift else None
    if shift and shift["first_review_overdue"]:
        parts.append(f"{shift['first_review_overdue']} pos belum ditinjau lewat {shift['review_target_hours']} jam")
    if handover and handover["due"]:
        parts.append("serah terima shift tertunda")
    subject = "[pantau] " + "; ".join(parts or ["tidak ada yang jatuh tempo"])
    lines = [subject, ""]
    for i in items:
        what = f"kasus #{i['referral_id']} ({i['status']})" if i["kind"] == "case" else "pelanggaran terkonfirmasi, belum ada kasus"
        lines.append(f"- {i['platform']}/{i['post_id']}: {what}; {i['label']}; batas {_iso(i['deadline_at'])}"
                     + (f"; {i['region']}" if i["region"] else "") + (f"; {i['office']}" if i["office"] else ""))
    if items:
        lines += ["", "Buka halaman Rujukan di aplikasi triase untuk menindaklanjuti."]
    if shift and shift["first_review_overdue"]:
        lines += ["", f"Tinjauan pertama: {shift['first_review_overdue']} pos belum ditinjau lebih dari "
                      f"{shift['review_target_hours']} jam sejak ditangkap; buka halaman Antrean."]
    if handover:
        lines += ["", f"Serah terima shift terakhir: {handover['hours_since']:.0f} jam lalu oleh {handover['by']}"
                      + (f" (lebih dari {shift['shift_hours']} jam: serahkan shift di halaman Serah terima)."
                         if handover["due"] else ".")]
    payload = {"event": "deadline_reminder", "generated_at": now.isoformat(), "overdue": late, "due_soon": soon,
               "items": [{**{k: v for k, v in i.items() if k not in ("deadline_at", "hours_left")},
                          "deadline_at": _iso(i["deadline_at"]),
                          "hours_left": round(i["hours_left"], 1) if i["hours_left"] is not None else None}
                         for i in items]}
    if shift:
        payload.update(first_review_overdue=shift["first_review_overdue"],
                       review_target_hours=shift["review_target_hours"],
                       handover=handover and {"last_at": _iso(handover["last_at"]), "by": handover["by"],
                                              "hours_since": round(handover["hours_since"], 1),
                                              "due": handover["due"]})
    return subject, "\n".join(lines) + "\n", payload


@task(retries=2, retry_delay_seconds=[1, 5])
def find_due(db: Path, now: datetime | None) -> list[dict[str, Any]]:
    return due_items(Store(db), now)


@task(retries=2, retry_delay_seconds=[1, 5])
def find_shift_state(db: Path, now: datetime) -> dict[str, Any]:
    return shift_state(Store(db), now)


@task(retries=2, retry_delay_seconds=[5, 30], task_run_name="notify-{channel}")
def send(channel: str, subject: str, body: str, payload: dict[str, Any]) -> str:
    config = NotifyConfig.from_env()
    if channel == "webhook":
        send_webhook(config.webhook, {"subject": subject, "text": body, **payload})
    else:
        send_email(config, subject, body)
    return channel


@flow(name="deadline_reminders", log_prints=True, timeout_seconds=15 * 60)
def deadline_reminders(db: Path, now: datetime | None = None) -> dict:
    """Notify the configured channels of the referrals due within 48 h or overdue; returns what was due and sent."""
    started = time.perf_counter()
    now = now or datetime.now(timezone.utc)
    items = find_due(Path(db), now)
    shift = find_shift_state(Path(db), now)
    handover_due = bool(shift["handover"] and shift["handover"]["due"])
    channels = NotifyConfig.from_env().channels
    sent: list[str] = []
    failed: dict[str, str] = {}
    if items and not channels:
        get_run_logger().warning("%d referral deadline(s) due but no notification channel configured "
                                 "(PANTAU_NOTIFY_WEBHOOK or PANTAU_SMTP_HOST/FROM/TO)", len(items))
    if worth_sending(items, shift):
        subject, body, payload = compose(items, now, shift)
        for channel in channels:
            state = send(channel, subject, body, payload, return_state=True)
            if state.is_completed():
                sent.append(channel)
            else:
                failed[channel] = str(state.result(raise_on_failure=False))
    summary = {"due": len(items), "overdue": sum(i["deadline_state"] == "overdue" for i in items),
               "first_review_overdue": shift["first_review_overdue"], "handover_due": handover_due,
               "sent": sent, "failed": failed}
    print(f"deadline_reminders: {summary['due']} due ({summary['overdue']} overdue), "
          f"{summary['first_review_overdue']} past the first-review target, handover due: {handover_due}; "
          f"sent via {', '.join(sent) or 'nothing'}" + (f", failed: {', '.join(failed)}" if failed else ""))
    publish("deadline-reminders", "deadline_reminders",
            {"due within 48 h or overdue": summary["due"], "overdue": summary["overdue"],
             f"not reviewed within {shift['review_target_hours']} h": summary["first_review_overdue"],
             "shift handover due": "yes" if handover_due else "no",
             "channels configured": ", ".join(channels) or "none", "sent via": ", ".join(sent) or "nothing"},
            {c: {"failed": 1} for c in failed}, time.perf_counter() - started)
    if failed:
        raise RuntimeError(f"notification failed on {', '.join(failed)}: {'; '.join(failed.values())}")
    return summary
