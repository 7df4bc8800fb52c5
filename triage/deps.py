"""The dependencies every router of the triage app uses (FastAPI `Depends`): the store, the logged-in user allowed on a
route (login, role, CSRF), one database connection per request, and the page renderer. The app (`create_app`) puts
the store, `need`/`need_post` and `render` on `app.state`; routers reach them only through these functions."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Callable

from fastapi import Form, Request
from fastapi.responses import HTMLResponse

from pantau.store.db import Store

Who = tuple[Any, dict[str, Any]]  # (session, user row)


def get_store(request: Request) -> Store:
    return request.app.state.store


def allowed(route: str, *, post: bool = True) -> Callable[..., Who]:
    """A dependency: the (session, user) of a logged-in user whose role may use `route` (and, for a POST, whose form
    carries the session's CSRF token); else the app's 303 to the login page or 403."""
    if post:
        def dependency(request: Request, csrf_token: Annotated[str, Form()] = ""):
            return request.app.state.need_post(request, route, csrf_token)
    else:
        def dependency(request: Request):
            return request.app.state.need(request, route)
    return dependency


def one_connection(handler):
    """Run a (sync) route handler with one database connection for all its queries (the handler takes `store`)."""

    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        with kwargs["store"].session():
            return handler(*args, **kwargs)

    return wrapper


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """A page of the app (templates, navigation for the user in `_who`): create_app's renderer."""
    return request.app.state.render(request, name, status, **ctx)
