"""The desk's Starlette app: signed-cookie sessions, strict security headers, routes, static CSS."""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import jinja2
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from digest import pipeline as run
from digest.desk import auth, routes
from digest.desk import unsubscribe as unsubscribing
from digest.editorial.draft import review_threshold
from digest.resources import package_path
from digest.settings.schema import Settings

HERE = package_path("digest.desk")
SESSION_COOKIE = "digest_desk"
SESSION_HOURS = 12
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """Adds the desk's security headers to every response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers when the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def templates() -> Jinja2Templates:
    """The desk's own Jinja2 templates, autoescaped, with undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def create_app(
    settings: Settings,
    *,
    dev: bool = False,
    environ: Mapping[str, str] | None = None,
    threshold: float | None = None,
) -> Starlette:
    """The desk for these settings; DigestError if it has no users or no session secret."""
    environ = os.environ if environ is None else environ
    creds = auth.credentials(settings, environ)
    secret = auth.session_secret(settings, environ, dev)
    store = run.open_store(settings)
    limit = review_threshold(settings) if threshold is None else threshold
    desk = routes.Desk(settings, store, creds, limit, templates(), threading.Lock())

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    session = Middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
    )
    static = Mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app = Starlette(
        routes=[*routes.ROUTES, *unsubscribing.ROUTES, static],
        middleware=[Middleware(SecurityHeaders), session],
        exception_handlers=routes.EXCEPTIONS,
        lifespan=lifespan,
    )
    app.state.desk = desk
    app.state.unsubscribe_secret = unsubscribing.signing_secret(settings.delivery, environ)
    return app
