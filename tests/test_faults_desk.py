"""Attacks on the desk: stolen cookies after logout, password guessing, plain-http cookies, forged
Host headers, bad ids in URLs, and a flood of slow drafts that must not stall static files.

Starlette's TestClient where it is enough; a real uvicorn on 127.0.0.1 for the concurrency case.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from starlette.testclient import TestClient

from digest.desk import routes
from digest.desk.app import create_app
from digest.settings.schema import DeskConfig
from tests.desk_fixture import WEEK, load_week

PASSWORD = "correct horse battery"
ENV = {"DIGEST_DESK_SECRET": "s" * 40, "DIGEST_DESK_PASSWORD": PASSWORD}
DRAFT = f"/week/{WEEK.label}"
LOCAL = "http://127.0.0.1"
HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options")


def desk_settings(settings, **desk):
    """The test settings with these desk options."""
    return settings.model_copy(update={"desk": DeskConfig(**desk)})


@pytest.fixture
def store(settings):
    """The fixture week in the settings' store."""
    return load_week(settings)


@pytest.fixture
def app(settings, store):
    """A desk whose single editor's password comes from the environment."""
    return create_app(settings, environ=ENV, threshold=0.6)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """A browser-like client of the desk on 127.0.0.1."""
    with TestClient(app, base_url=LOCAL) as c:
        yield c


def csrf_of(client, path: str = "/login") -> str:
    """The CSRF token the page at `path` hands to its forms."""
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def log_in(client, password: str = PASSWORD, name: str = "editor"):
    """Log in through the form, as a browser would."""
    form = {"csrf": csrf_of(client), "name": name, "password": password, "next": DRAFT}
    return client.post("/login", data=form, follow_redirects=False)


# -- sessions end at logout -------------------------------------------------------------------


def test_a_cookie_copied_before_logout_no_longer_works_after_it(app, client, store):
    assert log_in(client).status_code == 303
    stolen = dict(client.cookies)
    token = csrf_of(client, DRAFT)
    form = {"csrf": token}
    assert client.post("/logout", data=form, follow_redirects=False).status_code == 303
    with TestClient(app, base_url=LOCAL, cookies=stolen) as thief:
        page = thief.get(DRAFT, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        move = thief.post(f"{DRAFT}/story/i2/move", data={"section": "political", "csrf": token})
        assert move.status_code == 403
    assert store.get_item(2).section_override is None


def test_the_session_table_keeps_no_token_and_each_login_is_its_own(app, client, store):
    from sqlalchemy import select

    from digest.store.tables import desk_sessions

    log_in(client)
    with TestClient(app, base_url=LOCAL) as other:
        log_in(other)
        with store.engine.connect() as conn:
            rows = conn.execute(select(desk_sessions)).mappings().all()
        assert len(rows) == 2 and {r["user"] for r in rows} == {"editor"}
        cookie = client.cookies.get("digest_desk")
        assert all(r["token_hash"] not in cookie for r in rows)
        other.post("/logout", data={"csrf": csrf_of(other, DRAFT)})
        assert client.get(DRAFT, follow_redirects=False).status_code == 200  # still logged in
        assert other.get(DRAFT, follow_redirects=False).status_code == 303


# -- login throttling -------------------------------------------------------------------------


def test_sixty_wrong_passwords_then_the_right_one_is_still_refused(app, client):
    clock = [1000.0]
    app.state.throttle.clock = lambda: clock[0]
    answers = [log_in(client, password=f"guess {n}").status_code for n in range(60)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
    right = log_in(client)
    assert right.status_code == 429
    assert re.search(r"Too many failed logins; try again in \d+ seconds\.", right.text)
    assert int(right.headers["retry-after"]) > 0
    assert client.get(DRAFT, follow_redirects=False).status_code == 303
    clock[0] += 3600 + 1  # the back-off has run out: the editor gets in
    assert log_in(client).status_code == 303


def test_throttling_counts_per_address_across_names_and_per_name_across_addresses(settings, store):
    app = create_app(desk_settings(settings, login_failures=3), environ=ENV, threshold=0.6)
    with TestClient(app, base_url=LOCAL, client=("10.0.0.5", 5000)) as guesser:
        for n in range(3):
            assert log_in(guesser, password="x", name=f"user{n}").status_code == 401
        assert log_in(guesser).status_code == 429  # this address is held back, any name
    with TestClient(app, base_url=LOCAL, client=("10.0.0.6", 5000)) as elsewhere:
        assert log_in(elsewhere).status_code == 303  # another address is not
        for _ in range(3):
            assert log_in(elsewhere, password="x", name="anna").status_code == 401
    with TestClient(app, base_url=LOCAL, client=("10.0.0.7", 5000)) as third:
        assert log_in(third, password="x", name="anna").status_code == 429  # nor is the name


# -- Secure cookies behind https --------------------------------------------------------------


def test_cookies_are_secure_over_https_and_by_setting_but_not_on_plain_local_http(settings, store):
    with TestClient(create_app(settings, environ=ENV), base_url=LOCAL) as plain:
        assert "secure" not in plain.get("/login").headers["set-cookie"].lower()
    with TestClient(create_app(settings, environ=ENV), base_url="https://127.0.0.1") as tls:
        assert "; secure" in tls.get("/login").headers["set-cookie"].lower()
    always = create_app(desk_settings(settings, secure_cookies=True), environ=ENV)
    with TestClient(always, base_url=LOCAL) as c:
        assert "; secure" in c.get("/login").headers["set-cookie"].lower()


def test_forwarded_proto_counts_only_from_a_configured_proxy(settings, store):
    https = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    with TestClient(create_app(settings, environ=ENV), base_url=LOCAL) as direct:
        assert "secure" not in direct.get("/login", headers=https).headers["set-cookie"].lower()
    proxied = desk_settings(settings, trusted_proxies=["10.0.0.1"], login_failures=1)
    app = create_app(proxied, environ=ENV)
    with TestClient(app, base_url=LOCAL, client=("10.0.0.1", 4000)) as via_proxy:
        assert "; secure" in via_proxy.get("/login", headers=https).headers["set-cookie"].lower()
        form = {"csrf": csrf_of(via_proxy), "name": "nobody", "password": "x", "next": "/"}
        assert via_proxy.post("/login", data=form, headers=https).status_code == 401
        form |= {"name": "editor", "password": PASSWORD}
        assert via_proxy.post("/login", data=form, headers=https).status_code == 429
        other = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.10"}
        answer = via_proxy.post("/login", data=form, headers=other, follow_redirects=False)
        assert answer.status_code == 303  # another client behind the same proxy is not held


# -- Host allow-list --------------------------------------------------------------------------


def test_a_forged_host_header_is_refused_with_the_security_headers(settings, store, client):
    answer = client.get("/login", headers={"host": "evil.example"})
    assert answer.status_code == 400 and answer.text == "Invalid Host header."
    assert all(name in answer.headers for name in HEADERS)
    for host in ("127.0.0.1:8750", "localhost", "[::1]:8750"):
        assert client.get("/login", headers={"host": host}).status_code == 200, host
    named = create_app(desk_settings(settings, allowed_hosts=["desk.example.org"]), environ=ENV)
    with TestClient(named, base_url="http://desk.example.org") as c:
        assert c.get("/login").status_code == 200
        assert c.get("/login", headers={"host": "other.example.org"}).status_code == 400
    served_as = create_app(settings, environ=ENV, host="192.0.2.10")
    with TestClient(served_as, base_url="http://192.0.2.10:8750") as c:
        assert c.get("/login").status_code == 200


# -- bad ids: 404/400, the headers kept, no traceback -------------------------------------------


BAD = [
    ("get", "/week/9999-W52", 404),
    ("get", "/week/0001-W01", 404),
    ("get", "/week/2025-W99", 404),
    ("get", "/week/not-a-week", 404),
    ("get", "/week/9999-W52/preview.html", 404),
    ("get", f"{DRAFT}/preview.exe", 404),
    ("post", f"{DRAFT}/item/abc/move", 400),
    ("post", f"{DRAFT}/item/-1/move", 400),
    ("post", f"{DRAFT}/item/99999999999999999999999/move", 400),
    ("post", f"{DRAFT}/gadget/i2/move", 404),
    ("post", f"{DRAFT}/story/i2/explode", 404),
    ("post", "/week/9999-W52/publish", 404),
]


@pytest.mark.parametrize(("method", "path", "status"), BAD)
def test_a_bad_id_gets_a_plain_answer_with_the_headers_and_no_traceback(
    client, caplog, method, path, status
):
    log_in(client)
    token = csrf_of(client, DRAFT)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        if method == "get":
            answer = client.get(path)
        else:
            answer = client.post(path, data={"csrf": token, "section": "political"})
    assert answer.status_code == status, answer.text
    assert all(name in answer.headers for name in HEADERS)
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


def test_an_unexpected_failure_is_a_500_with_the_headers_and_one_log_line(
    client, caplog, monkeypatch
):
    log_in(client)

    def broken(*_args):
        raise RuntimeError("the draft\nbroke")

    monkeypatch.setattr(routes, "load_draft", broken)
    with caplog.at_level(logging.ERROR):
        answer = client.get(DRAFT)
    assert answer.status_code == 500 and all(name in answer.headers for name in HEADERS)
    assert "Traceback" not in answer.text
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [f"desk: GET {DRAFT} failed: RuntimeError: the draft broke"]


# -- drafts off the event loop ----------------------------------------------------------------

SLOW_DRAFTS = 45  # more than Starlette's shared pool of 40 threads


@pytest.fixture
def served(app) -> Iterator[str]:
    """The desk under uvicorn in a thread on a socket of 127.0.0.1 bound before it starts."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def test_a_static_file_is_served_promptly_while_slow_drafts_are_in_flight(served, monkeypatch):
    release, entered = threading.Event(), threading.Semaphore(0)
    real = routes.load_draft

    def slow_draft(*args):
        entered.release()
        release.wait(120)  # held until the static file has been fetched
        return real(*args)

    monkeypatch.setattr(routes, "load_draft", slow_draft)
    with httpx.Client(base_url=served, timeout=60) as browser:
        form = {"csrf": csrf_of(browser), "name": "editor", "password": PASSWORD, "next": "/"}
        assert browser.post("/login", data=form).status_code in (200, 303)
        cookies = dict(browser.cookies)

    def fetch_draft(_n: int) -> int:
        with httpx.Client(base_url=served, cookies=cookies, timeout=180) as c:
            return c.get(DRAFT).status_code

    with ThreadPoolExecutor(SLOW_DRAFTS) as pool:
        drafts = [pool.submit(fetch_draft, n) for n in range(SLOW_DRAFTS)]
        try:
            for _ in range(routes.DRAFT_WORKERS):  # the draft workers are all busy now
                assert entered.acquire(timeout=60)
            started = time.monotonic()
            css = httpx.get(f"{served}/static/desk.css", timeout=10)
            waited = time.monotonic() - started
        finally:
            release.set()
        statuses = [d.result(timeout=180) for d in drafts]
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert waited < 5, f"the static file waited {waited:.1f} s behind the drafts"
    assert statuses == [200] * SLOW_DRAFTS
