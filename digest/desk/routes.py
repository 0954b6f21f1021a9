"""The desk's pages and changes: every page needs a login, every change a login and CSRF token."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from anyio import CapacityLimiter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from digest import pipeline as run
from digest.desk import auth
from digest.editorial import operations as editing
from digest.editorial.draft import load_draft, shifted_order
from digest.errors import DigestError
from digest.render import FORMATS
from digest.settings.schema import Settings
from digest.store import Store
from digest.store import editing as db
from digest.weeks import Week, parse_week


@dataclass(frozen=True)
class Desk:
    """What every request needs: settings, the store, the users, the threshold, the templates."""

    settings: Settings
    store: Store
    creds: auth.Credentials
    threshold: float
    templates: Jinja2Templates
    lock: threading.Lock  # one change at a time: a reorder reads, then writes


Action = Callable[[Desk, Week, str, FormData, str], str]


FIRST_YEAR, LAST_YEAR = 1970, 9000  # weeks the desk shows (history looks a few weeks back)
DRAFT_WORKERS = 4  # drafts and previews rendered at once; the rest queue, static files do not
_ITEM_ID = re.compile(r"^[1-9][0-9]{0,17}$")


def _desk(request: Request) -> Desk:
    return request.app.state.desk


async def _heavy(request: Request, func: Callable[..., Any], *args: Any) -> Any:
    """Run slow work (loading, rendering) in a worker thread of the desk's own small pool.

    Starlette's shared pool serves static files and session checks; drafts never fill it.
    """
    state = request.app.state
    limiter = getattr(state, "heavy", None)
    if limiter is None:
        limiter = state.heavy = CapacityLimiter(DRAFT_WORKERS)
    return await anyio.to_thread.run_sync(func, *args, limiter=limiter)


def _page(request: Request, name: str, status: int = 200, **context) -> Response:
    """A template with the session's CSRF token and user in its context."""
    desk = _desk(request)
    context |= {"csrf": auth.csrf_token(request), "user": auth.current_user(request, desk.creds)}
    context["title"] = desk.settings.digest.title
    return desk.templates.TemplateResponse(request, name, context, status_code=status)


def _to_login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


async def login_page(request: Request) -> Response:
    """The login form."""
    return _page(request, "login.html", next=_safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    """Check the name and password; start a fresh session on success."""
    form = await request.form()
    target = _safe_next(form.get("next"))
    if not auth.csrf_ok(request, form.get("csrf")):
        return _page(request, "login.html", 403, next=target, error="The form expired; try again.")
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    throttle: auth.Throttle = request.app.state.throttle
    keys = auth.throttle_keys(name, request.client.host if request.client else None)
    wait = throttle.wait(keys)
    if wait > 0:  # refused before the password is even checked
        seconds = math.ceil(wait)
        error = f"Too many failed logins; try again in {seconds} seconds."
        answer = _page(request, "login.html", 429, next=target, error=error)
        answer.headers["Retry-After"] = str(seconds)
        return answer
    if not await run_in_threadpool(_desk(request).creds.check, name, password):
        throttle.failed(keys)
        return _page(request, "login.html", 401, next=target, error="Wrong name or password.")
    throttle.succeeded(keys)
    await run_in_threadpool(auth.log_in, request, name, _desk(request).store)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    """End the session (a POST with the CSRF token, so no page can log the editor out)."""
    form = await request.form()
    if not auth.csrf_ok(request, form.get("csrf")):
        return PlainTextResponse("Missing or stale CSRF token.", status_code=403)
    await run_in_threadpool(auth.log_out, request, _desk(request).store)
    return RedirectResponse("/login", status_code=303)


async def index(request: Request) -> Response:
    """The weeks that have items, newest first, with their state."""
    desk = _desk(request)
    if auth.current_user(request, desk.creds) is None:
        return _to_login(request)
    weeks = await _heavy(request, run.weeks_with_items, desk.settings, desk.store)
    states = await _heavy(request, lambda: [db.week_state(desk.store, w.label) for w in weeks])
    return _page(request, "index.html", states=states[::-1])


async def draft_page(request: Request) -> Response:
    """The week's draft: stories by section with their controls, left-out items, coverage, log."""
    desk = _desk(request)
    if auth.current_user(request, desk.creds) is None:
        return _to_login(request)
    week = _week(request)
    return await _draft_response(request, desk, week, flash=request.session.pop("flash", None))


async def preview(request: Request) -> Response:
    """The edited issue rendered as HTML or PDF into the response (nothing is written to out/)."""
    desk = _desk(request)
    if auth.current_user(request, desk.creds) is None:
        return _to_login(request)
    week, fmt = _week(request), request.path_params["fmt"]
    if fmt not in PREVIEWS:
        return PlainTextResponse(f"No preview as {fmt}.", status_code=404)
    issue = await _heavy(request, editing.edited_issue, desk.settings, desk.store, week)
    rendered = await _heavy(request, FORMATS[fmt], issue, desk.settings)
    headers = {"Content-Disposition": f'inline; filename="{week.label}{rendered.suffix}"'}
    return Response(rendered.content, media_type=rendered.media_type, headers=headers)


async def change(request: Request) -> Response:
    """Apply one change; refused without a login or the CSRF token, 409 on a DigestError."""
    desk = _desk(request)
    user = auth.current_user(request, desk.creds)
    if user is None:
        return PlainTextResponse("Log in first.", status_code=403)
    form = await request.form()
    if not auth.csrf_ok(request, form.get("csrf")):
        return PlainTextResponse("Missing or stale CSRF token; reload the page.", status_code=403)
    week, kind = _week(request), request.path_params.get("kind", "week")
    if kind not in ACTIONS:
        return PlainTextResponse(f"No such kind of thing to change: {kind[:40]!r}.", 404)
    action = ACTIONS[kind].get(request.path_params["action"])
    if action is None:
        return PlainTextResponse("No such action.", status_code=404)
    target = str(request.path_params.get("target", ""))
    if kind == "item" and not _ITEM_ID.match(target):
        return PlainTextResponse(f"Not an item id: {target[:40]!r}.", status_code=400)
    try:
        message = await run_in_threadpool(_locked, desk, action, week, target, form, user)
    except DigestError as exc:
        return await _draft_response(request, desk, week, error=str(exc), status=409)
    request.session["flash"] = message
    anchor = f"#story-{target}" if kind == "story" else ""
    return RedirectResponse(f"/week/{week.label}{anchor}", status_code=303)


def _locked(desk: Desk, action: Action, week: Week, target: str, form: FormData, who: str) -> str:
    with desk.lock:
        return action(desk, week, target, form, who)


async def _draft_response(
    request: Request, desk: Desk, week: Week, status: int = 200, **notes
) -> Response:
    draft = await _heavy(request, load_draft, desk.settings, desk.store, week, desk.threshold)
    choices = editing.section_choices(desk.settings)
    labels = {s.id: s.heading.capitalize() for s in desk.settings.sections}
    labels[editing.OFF_TOPIC] = "Off topic (leave out)"
    notes = {"flash": None, "error": None} | notes
    context = dict(draft=draft, choices=choices, labels=labels, **notes)
    return await _heavy(request, lambda: _page(request, "draft.html", status, **context))


def _move_story(desk: Desk, week: Week, key: str, form: FormData, who: str) -> str:
    section = str(form.get("section", ""))
    editing.move_story(desk.settings, desk.store, week, key, section, who)
    return f"Story {key} moved to {_heading(desk, section)}."


def _exclude_story(desk: Desk, week: Week, key: str, form: FormData, who: str) -> str:
    editing.exclude_story(desk.settings, desk.store, week, key, who)
    return f"Story {key} excluded; it is listed under “Left out” to take back."


def _edit(desk: Desk, week: Week, key: str, form: FormData, who: str) -> str:
    editing.edit_paragraph(
        desk.settings, desk.store, week, key, str(form.get("paragraph", "")), who
    )
    return f"Paragraph of story {key} saved."


def _shift(desk: Desk, week: Week, key: str, form: FormData, who: str) -> str:
    offset = -1 if form.get("direction") == "up" else 1
    editing.ensure_draft(desk.store, week.label)
    moved = shifted_order(editing.edited_issue(desk.settings, desk.store, week), key, offset)
    if moved is None:
        return f"Story {key} is already at the {'top' if offset < 0 else 'bottom'}."
    editing.reorder(desk.settings, desk.store, week, moved[0], moved[1], who)
    return f"Story {key} moved {'up' if offset < 0 else 'down'}."


def _move_item(desk: Desk, week: Week, item_id: str, form: FormData, who: str) -> str:
    section = str(form.get("section", ""))
    item = desk.store.get_item(int(item_id))
    editing.move_item(desk.settings, desk.store, int(item_id), section, who)
    if item is not None and item.excluded:
        editing.exclude_item(desk.settings, desk.store, int(item_id), who, excluded=False)
    return f"Item {item_id} put in {_heading(desk, section)}."


def _publish(desk: Desk, week: Week, _target: str, form: FormData, who: str) -> str:
    done = editing.publish(desk.settings, desk.store, week, who)
    return f"Published: {len(done.paths)} files written. {done.notice[0].upper()}{done.notice[1:]}."


def _reopen(desk: Desk, week: Week, _target: str, form: FormData, who: str) -> str:
    editing.reopen(desk.settings, desk.store, week, who, str(form.get("reason", "")))
    return f"The {week.label} issue is a draft again."


def _heading(desk: Desk, section: str) -> str:
    return next(
        (s.heading.capitalize() for s in desk.settings.sections if s.id == section), section
    )


def _week(request: Request) -> Week:
    """The week in the URL; _NotFound (404) unless it is an ISO week the desk can handle."""
    text = str(request.path_params["week"])[:40]
    try:
        week = parse_week(text)
        if not FIRST_YEAR <= week.year <= LAST_YEAR:  # 9999-W52 ends in a year no date holds
            raise DigestError(f"'{text}' is outside the weeks the desk can show")
        week.window(_desk(request).settings.zone)
    except DigestError as exc:
        raise _NotFound(str(exc)) from exc
    except (OverflowError, ValueError) as exc:
        raise _NotFound(f"'{text}' is outside the weeks the desk can show") from exc
    return week


def _safe_next(value: object) -> str:
    """Only a local path may follow a login (no open redirect)."""
    text = str(value or "")
    ok = text.startswith("/") and not text.startswith("//") and "\\" not in text
    return text if ok else "/"


class _NotFound(Exception):
    """A week in the URL that is not an ISO week."""


async def not_found(request: Request, exc: Exception) -> Response:
    """The answer to a bad week in the URL."""
    return PlainTextResponse(f"Not found: {exc}", status_code=404)


PREVIEWS = ("html", "pdf")
ACTIONS: dict[str, dict[str, Action]] = {
    "story": {"move": _move_story, "exclude": _exclude_story, "edit": _edit, "shift": _shift},
    "item": {"move": _move_item},
    "week": {"publish": _publish, "reopen": _reopen},
}
ROUTES = [
    Route("/", index),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/week/{week}", draft_page),
    Route("/week/{week}/preview.{fmt}", preview),
    Route("/week/{week}/{kind:str}/{target:str}/{action:str}", change, methods=["POST"]),
    Route("/week/{week}/{action:str}", change, methods=["POST"]),
]
EXCEPTIONS = {_NotFound: not_found}
