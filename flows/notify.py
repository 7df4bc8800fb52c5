"""Notification hook: a webhook (JSON POST) and/or an e-mail over SMTP, configured only from the environment.

    PANTAU_NOTIFY_WEBHOOK   URL that receives the JSON message (POST)
    PANTAU_SMTP_HOST        SMTP server; with PANTAU_SMTP_FROM and PANTAU_SMTP_TO (comma-separated) enables e-mail
    PANTAU_SMTP_PORT        default 25
    PANTAU_SMTP_USER, PANTAU_SMTP_PASSWORD   optional login
    PANTAU_SMTP_STARTTLS    "1" to upgrade the connection with STARTTLS before logging in

The webhook URL and the SMTP password are secrets (a webhook URL usually carries a token): they are read from the
environment when a message is sent, never stored, never put in a log line, an artifact or an error message.
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Mapping

from pantau.settings import env_int


class NotifyError(RuntimeError):
    """A channel refused or could not be reached; the message names the channel, never its URL or password."""


@dataclass(frozen=True)
class NotifyConfig:
    webhook: str | None = field(default=None, repr=False)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    smtp_to: tuple[str, ...] = ()
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "NotifyConfig":
        env = os.environ if env is None else env
        port = env.get("PANTAU_SMTP_PORT", "").strip()
        try:
            smtp_port = int(port) if port else 25
        except ValueError:
            raise NotifyError(f"PANTAU_SMTP_PORT is not a number: {port!r}") from None
        return cls(
            webhook=env.get("PANTAU_NOTIFY_WEBHOOK") or None,
            smtp_host=env.get("PANTAU_SMTP_HOST") or None,
            smtp_port=smtp_port,
            smtp_from=env.get("PANTAU_SMTP_FROM") or None,
            smtp_to=tuple(a.strip() for a in env.get("PANTAU_SMTP_TO", "").split(",") if a.strip()),
            smtp_user=env.get("PANTAU_SMTP_USER") or None,
            smtp_password=env.get("PANTAU_SMTP_PASSWORD") or None,
            smtp_starttls=env.get("PANTAU_SMTP_STARTTLS", "") in ("1", "true", "yes"),
        )

    @property
    def channels(self) -> list[str]:
        """The configured channels, by name only (safe to log)."""
        out = ["webhook"] if self.webhook else []
        if self.smtp_host and self.smtp_from and self.smtp_to:
            out.append("smtp")
        return out


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - a redirect is an answer, not followed
        return None


def send_webhook(url: str, payload: Mapping[str, Any], timeout: float = 20.0) -> int:
    """POST `payload` as JSON; returns the HTTP status. The standard library client is used because it logs
    nothing (httpx logs every request URL at INFO); errors never carry the URL."""
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "pantau-notify"})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        raise NotifyError(f"webhook answered HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:
        raise NotifyError(f"webhook unreachable ({type(exc).__name__})") from None


def send_email(config: NotifyConfig, subject: str, body: str, timeout: float = 20.0) -> None:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = config.smtp_from
    msg["To"] = ", ".join(config.smtp_to)
    msg.set_content(body)
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=timeout) as smtp:
            if config.smtp_starttls:
                smtp.starttls()
            if config.smtp_user:
                smtp.login(config.smtp_user, config.smtp_password or "")
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        code = getattr(exc, "smtp_code", None)
        raise NotifyError(f"SMTP {config.smtp_host}:{config.smtp_port} failed ({type(exc).__name__}"
                          + (f" {code}" if code else "") + ")") from None


def notify(subject: str, body: str, payload: Mapping[str, Any], config: NotifyConfig | None = None) -> list[str]:
    """Send the message on every configured channel; returns the channels used. A failing channel raises
    NotifyError after the others were tried."""
    config = config or NotifyConfig.from_env()
    sent: list[str] = []
    errors: list[str] = []
    for channel in config.channels:
        try:
            if channel == "webhook":
                send_webhook(config.webhook, {"subject": subject, "text": body, **payload})
            else:
                send_email(config, subject, body)
            sent.append(channel)
        except NotifyError as exc:
            errors.append(str(exc))
    if errors:
        raise NotifyError("; ".join(errors) + (f" (sent via {', '.join(sent)})" if sent else ""))
    return sent


# -- a source failing run after run ------------------------------------------------------------------------------

FAILURES_ENV = "PANTAU_NOTIFY_FAILURES"
DEFAULT_FAILURES = 3
_FAILED = {"FAILED", "CRASHED"}
_FINAL = _FAILED | {"COMPLETED"}  # a cancelled run neither breaks nor extends a streak


def failure_threshold(env: Mapping[str, str] | None = None) -> int:
    """N of "notify when a source fails N runs in a row": PANTAU_NOTIFY_FAILURES, default 3, 0 = never."""
    try:
        return env_int(FAILURES_ENV, DEFAULT_FAILURES, minimum=0, env=env)
    except ValueError as exc:
        raise NotifyError(str(exc)) from None


def failure_streak(state_types: list[str]) -> int:
    """Failed runs in a row at the start of `state_types` (newest first); runs not finished, and cancelled runs,
    are skipped."""
    streak = 0
    for state in state_types:
        if state not in _FINAL:
            continue
        if state not in _FAILED:
            break
        streak += 1
    return streak


def source_failing_message(source: str, streak: int, error: str, run_name: str) -> tuple[str, str, dict]:
    subject = f"[pantau] sumber {source} gagal {streak} kali berturut-turut"
    body = (f"The monitor runs of source {source!r} failed {streak} times in a row.\n"
            f"Last run: {run_name}\nLast error: {error}\n\n"
            "Check the source (site down, blocked, changed layout, expired token) in the Prefect UI or with "
            f"`pantau crawl {source}`; posts are not being collected until it is fixed.")
    return subject, body, {"event": "source_failing", "source": source, "failed_runs": streak, "last_error": error,
                           "flow_run": run_name}


def notify_repeated_failures(flow: Any, flow_run: Any, state: Any) -> None:
    """Prefect `on_failure`/`on_crashed` hook of `monitor`: when this run makes its source's streak of failed runs
    reach N (then 2N, 3N...), send one message on the configured channels. Runs of the same deployment are compared
    (same flow and `source` parameter when run by hand). Never raises: a hook error must not hide the failure."""
    # heavy (Prefect's client): only a failed run's hook needs it; the app and the CLI import this module too
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId, FlowFilter, FlowFilterId
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.logging.loggers import flow_run_logger

    logger = flow_run_logger(flow_run, flow)
    try:
        n = failure_threshold()
        if n == 0 or not NotifyConfig.from_env().channels:
            return
        source = str(flow_run.parameters.get("source", "demo"))
        with get_client(sync_client=True) as client:
            kwargs: dict[str, Any] = {"flow_filter": FlowFilter(id=FlowFilterId(any_=[flow_run.flow_id]))}
            if flow_run.deployment_id:
                kwargs["deployment_filter"] = DeploymentFilter(id=DeploymentFilterId(any_=[flow_run.deployment_id]))
            runs = client.read_flow_runs(sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=200, **kwargs)
        earlier = [r.state_type.value if r.state_type else "" for r in runs
                   if r.id != flow_run.id and str(r.parameters.get("source", "demo")) == source]
        streak = failure_streak(["FAILED", *earlier])
        if streak < n or streak % n:
            return
        error = (state.message or state.name or "failed")[:500]
        sent = notify(*source_failing_message(source, streak, error, flow_run.name))
        logger.warning("source %s failed %d runs in a row: notified via %s", source, streak, ", ".join(sent))
    except Exception as exc:  # noqa: BLE001
        logger.error("failure notification not sent: %s", exc)
