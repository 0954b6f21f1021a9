"""The desk's Starlette app: server-side sessions, strict security headers on every answer, a Host
allow-list, Secure cookies behind https, routes and static CSS."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import PlainTextResponse
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

log = logging.getLogger(__name__)
HERE = package_path("digest.desk")
SESSION_COOKIE = "digest_desk"
SESSION_HOURS = auth.SESSION_HOURS
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
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

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # a bug: one line in the log, a plain 500 with the headers
            log.error("desk: %s %s failed: %s: %s", scope.get("method"), scope.get("path"),
                      type(exc).__name__, " ".join(str(exc).split())[:300])  # fmt: skip
            log.debug("desk: the failure in full", exc_info=True)
            if started:
                raise
            answer = PlainTextResponse("Internal error; the desk's log says more.", 500)
            await answer(scope, receive, send_with_headers)


class HostCheck:
    """Answers 400 to a request whose Host header is not one the desk is served as."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = {h.strip().lower().strip("[]") for h in allowed if h.strip()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass a request for an allowed host on; refuse any other."""
        if scope["type"] == "http" and "*" not in self.allowed:
            host = host_name(Headers(scope=scope).get("host", ""))
            if host not in self.allowed:
                answer = PlainTextResponse("Invalid Host header.", status_code=400)
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


def host_name(header: str) -> str | None:
    """The host of a Host header without its port ('[::1]:8750' gives '::1'); None if unusable."""
    try:
        return urlsplit(f"//{header.strip()}").hostname if header.strip() else None
    except ValueError:
        return None


class SecureCookies:
    """Marks every cookie Secure when the request came over https (or the config says always)."""

    def __init__(self, app: ASGIApp, always: bool = False) -> None:
        self.app = app
        self.always = always

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add `Secure` to the answer's cookies when they need it."""
        if scope["type"] != "http" or not (self.always or scope.get("scheme") == "https"):
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, v + b"; Secure" if k == b"set-cookie" and b"secure" not in v.lower() else v)
                    for k, v in message["headers"]
                ]
            await send(message)

        await self.app(scope, receive, send_secure)


class SessionUser:
    """Looks the session's user up in the database (off the event loop) for every page."""

    def __init__(self, app: ASGIApp, store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Leave the live session's user, or None, in request.state for the routes."""
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            session = scope.get("session") or {}
            user = await run_in_threadpool(auth.session_user, self.store, session)
            scope.setdefault("state", {})[auth.STATE_USER] = user
        await self.app(scope, receive, send)


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
    host: str | None = None,
) -> Starlette:
    """The desk for these settings (served as `host`); DigestError without users or a secret."""
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
    config = settings.desk
    hosts = [*LOCAL_HOSTS, *config.allowed_hosts, *([host] if host else [])]
    middleware = [Middleware(SecurityHeaders), Middleware(HostCheck, allowed=hosts)]
    if config.trusted_proxies:  # only they may say the client's address and scheme
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        trusted = list(config.trusted_proxies)
        middleware.append(Middleware(ProxyHeadersMiddleware, trusted_hosts=trusted))
    middleware += [
        Middleware(SecureCookies, always=config.secure_cookies),
        session,
        Middleware(SessionUser, store=store),
    ]
    app = Starlette(
        routes=[*routes.ROUTES, *unsubscribing.ROUTES, static],
        middleware=middleware,
        exception_handlers=routes.EXCEPTIONS,
        lifespan=lifespan,
    )
    app.state.desk = desk
    app.state.unsubscribe_secret = unsubscribing.signing_secret(settings.delivery, environ)
    app.state.throttle = auth.Throttle(config.login_failures, config.login_backoff_seconds)
    return app
