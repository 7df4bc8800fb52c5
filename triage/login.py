"""Logging in and out (page group "masuk"): the login form with its own CSRF nonce, the rate limit, server-side
sessions, and the landing page of each role. The session signer and the login limiter are on `app.state`."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pantau.store.db import Store

from .deps import Who, allowed, get_store, one_connection, render
from .roles import LANDING
from .security import LOGIN_COOKIE, SESSION_COOKIE, SESSION_MAX_AGE, new_session_id

router = APIRouter()



@router.get("/masuk", response_class=HTMLResponse, name="login_form")
def login_form(request: Request, next: str = "/"):
    return login_page(request, next)


def login_page(request: Request, next: str, status: int = 200, error: str | None = None) -> HTMLResponse:
    # Login CSRF: a random nonce in a SameSite=Strict cookie, and its HMAC in the form.
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "login.html", status=status, next=_safe_next(next), error=error,
                      login_csrf=request.app.state.signer.login_token(nonce))
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@router.post("/masuk", name="login")
def login(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form()] = "",
):
    username = username.strip().lower()
    address = request.client.host if request.client else "?"
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or not hmac.compare_digest(request.app.state.signer.login_token(nonce), csrf_token):
        return login_page(request, next, 403,
                          "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
    if not username or not password:
        return login_page(request, next, 400,
                          "Nama pengguna dan kata sandi wajib diisi.")
    if request.app.state.limiter.blocked(username, address):
        store.audit(username, "login_blocked", address)
        return login_page(request, next, 429,
                          "Terlalu banyak percobaan gagal. Coba lagi dalam 15 menit.")
    user = store.authenticate(username, password)
    if user is None:
        request.app.state.limiter.failed(username, address)
        store.audit(username, "login_failed", address)
        return login_page(request, next, 401,
                          "Nama pengguna atau kata sandi salah.")
    request.app.state.limiter.succeeded(username, address)
    store.audit(user["username"], "login", address, {"role": user["role"]})
    target = _safe_next(next)
    response = RedirectResponse(target if target != "/" else LANDING[user["role"]], status_code=303)
    sid = new_session_id()
    store.start_session(user["username"], sid, max_age=SESSION_MAX_AGE)
    response.set_cookie(
        SESSION_COOKIE, request.app.state.signer.dumps(user["username"], sid), max_age=SESSION_MAX_AGE, httponly=True,
        samesite="strict", secure=request.url.scheme == "https",
    )
    return response


@router.post("/keluar", name="logout")
@one_connection
def logout(
    request: Request,
    who: Annotated[Who, Depends(allowed("logout"))],
    store: Annotated[Store, Depends(get_store)],
):
    session, user = who
    store.end_session(session.sid)  # the cookie is dead server-side, wherever a copy of it is kept
    store.audit(user["username"], "logout")
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", name="home")
@one_connection
def home(
    request: Request,
    who: Annotated[Who, Depends(allowed("home", post=False))],
    store: Annotated[Store, Depends(get_store)],
):
    _, user = who
    return RedirectResponse(LANDING[user["role"]], status_code=303)


def _safe_next(target: str) -> str:
    """Only same-site relative paths are allowed as a post-login redirect."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
