"""Signed session cookie, CSRF tokens and security headers for the triage app.

The secret comes from the environment (PANTAU_SECRET_KEY); without it a random
per-process secret is used, so sessions end when the app restarts. The cookie names a
server-side session (table `sessions`, see pantau.store.db.Store.start_session): a signature
alone never keeps a session alive once it was ended (logout, password change, removal).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass

SESSION_COOKIE = "pantau_session"
LOGIN_COOKIE = "pantau_login"
SESSION_MAX_AGE = 12 * 3600  # one shift

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def secret_from_env() -> bytes:
    value = os.environ.get("PANTAU_SECRET_KEY")
    if value:
        return value.encode("utf-8")
    return secrets.token_bytes(32)


@dataclass(frozen=True)
class Session:
    user: str
    csrf: str
    issued: int
    sid: str = ""  # the server-side session id (its SHA-256 is a row of `sessions` while the session lives)


class SessionSigner:
    def __init__(self, secret: bytes):
        self._secret = secret

    def _sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def dumps(self, user: str, sid: str) -> str:
        payload = {"u": user, "c": secrets.token_urlsafe(24), "t": int(time.time()), "s": sid}
        body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
        return f"{body}.{self._sign(body.encode())}"

    def login_token(self, nonce: str) -> str:
        """The login form's CSRF token for the nonce kept in the LOGIN_COOKIE."""
        return self._sign(b"login:" + nonce.encode())

    def loads(self, cookie: str | None) -> Session | None:
        if not cookie or "." not in cookie:
            return None
        body, sig = cookie.rsplit(".", 1)
        if not hmac.compare_digest(sig, self._sign(body.encode())):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(body.encode()))
            session = Session(
                user=str(payload["u"]), csrf=str(payload["c"]), issued=int(payload["t"]), sid=str(payload["s"])
            )
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - session.issued > SESSION_MAX_AGE or not session.sid:
            return None
        return session


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(session: Session | None, token: str | None) -> bool:
    return bool(session and token and hmac.compare_digest(session.csrf, token))


class LoginLimiter:
    """At most `max_failures` failed logins per (username, client address) within `window` seconds.

    Kept in memory: a restart forgets it, which only ever lets an attacker start over after a restart.
    """

    def __init__(self, max_failures: int = 5, window: float = 900.0):
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[tuple[str, str], list[float]] = {}

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def blocked(self, username: str, address: str, now: float | None = None) -> bool:
        return len(self._recent((username, address), now or time.time())) >= self.max_failures

    def failed(self, username: str, address: str, now: float | None = None) -> None:
        now = now or time.time()
        self._failures[(username, address)] = self._recent((username, address), now) + [now]

    def succeeded(self, username: str, address: str) -> None:
        self._failures.pop((username, address), None)
