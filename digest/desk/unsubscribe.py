"""The unsubscribe endpoint: no login, the signed token in the link says whose address it is.

GET shows a page with one button (a POST form), so a mail scanner that follows links changes
nothing; POST marks the address off, whether it comes from that button or from a mail client's
one-click request (RFC 8058: a POST with the body "List-Unsubscribe=One-Click" to the URL of the
List-Unsubscribe header). Repeating it is harmless. A forged or damaged token changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from digest.delivery import unsubscribe as tokens
from digest.store import unsubscribes

PATH = "/unsubscribe"


def signing_secret(settings_delivery, environ: Mapping[str, str]) -> str | None:
    """The secret that signs the links, or None when delivery or its secret is not set up."""
    if settings_delivery is None:
        return None
    value = environ.get(settings_delivery.unsubscribe_secret_env, "")
    return value if len(value) >= 16 else None


def _render(request: Request, status: int, **context: object) -> Response:
    """The unsubscribe page in one of its states (confirm, done, refused)."""
    desk = request.app.state.desk
    context |= {"title": desk.settings.digest.title, "user": None, "csrf": ""}
    return desk.templates.TemplateResponse(request, "unsubscribe.html", context, status_code=status)


def _address(request: Request, value: str) -> str | None:
    """Whose link this is, or None (forged, damaged or unsigned)."""
    secret = request.app.state.unsubscribe_secret
    return tokens.address_of(secret, value) if secret and value else None


async def confirm_page(request: Request) -> Response:
    """GET: say which address the link is for and offer the button; nothing is changed."""
    if not request.app.state.unsubscribe_secret:
        return _render(request, 503, state="off")
    token = request.query_params.get("t", "")
    address = _address(request, token)
    if address is None:
        return _render(request, 400, state="bad")
    return _render(request, 200, state="confirm", address=address, token=token)


async def unsubscribe(request: Request) -> Response:
    """POST (the button or a one-click request): mark the address off every future issue."""
    if not request.app.state.unsubscribe_secret:
        return _render(request, 503, state="off")
    form = await request.form()
    token = request.query_params.get("t") or str(form.get("t", ""))
    address = _address(request, token)
    if address is None:
        return _render(request, 400, state="bad")
    via = "one-click" if form.get("List-Unsubscribe") == "One-Click" else "link"
    store = request.app.state.desk.store
    await run_in_threadpool(unsubscribes.unsubscribe, store, address, via)
    return _render(request, 200, state="done", address=address)


ROUTES = [
    Route(PATH, confirm_page, methods=["GET"]),
    Route(PATH, unsubscribe, methods=["POST"]),
]
