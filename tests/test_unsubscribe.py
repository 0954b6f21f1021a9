"""Unsubscribing end to end: per-recipient links in mail sent to aiosmtpd, the desk's endpoint
under uvicorn (a confirm page on GET, one-click POST), the command, and delivery skipping them."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
import uvicorn
from bs4 import BeautifulSoup

from digest.cli.main import main
from digest.delivery import unsubscribe as tokens
from digest.desk.app import create_app
from digest.errors import DigestError
from digest.settings.schema import Settings
from digest.store import Store, unsubscribes
from tests.conftest import UNSUBSCRIBE_SECRET
from tests.test_delivery import FIVE, configured, send, write_config
from tests.test_mail import Sink, start_server

ENDPOINT = "https://desk.example.org/unsubscribe"
DESK_ENV = {
    "DIGEST_DESK_SECRET": "d" * 40,
    "DIGEST_DESK_PASSWORD": "a desk password",
    "DIGEST_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET,
}


@pytest.fixture
def smtp():
    """A test SMTP server on 127.0.0.1; yields (handler, port)."""
    handler = Sink()
    controller = start_server(handler)
    yield handler, controller.port
    controller.stop()


def with_endpoint(settings: Settings, url: str | None = ENDPOINT) -> Settings:
    """The settings with the desk's public unsubscribe endpoint set (or not)."""
    delivery = settings.delivery.model_copy(update={"unsubscribe_url": url})
    return settings.model_copy(update={"delivery": delivery})


def received(handler: Sink) -> dict[str, object]:
    """Each envelope recipient's parsed message."""
    return {rcpts[0]: msg for rcpts, msg in handler.received}


def token_of(url: str) -> str:
    """The token an https or mailto unsubscribe link carries."""
    parts = urlsplit(url)
    if parts.scheme == "mailto":
        return unquote(parse_qs(parts.query)["subject"][0]).removeprefix("unsubscribe ")
    return parse_qs(parts.query)["t"][0]


def test_each_recipient_gets_their_own_link_in_headers_and_both_parts(smtp, tmp_path):
    handler, port = smtp
    settings = with_endpoint(configured(tmp_path, port))
    report = send(settings, Store(settings.database_url))
    assert report.sent == FIVE
    seen = set()
    for address, msg in received(handler).items():
        header = msg["List-Unsubscribe"]
        https, mailto = re.findall(r"<([^>]+)>", header)
        assert https.startswith(ENDPOINT + "?t=") and mailto.startswith("mailto:leave@example.org?")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = token_of(https)
        assert token_of(mailto) == token
        assert tokens.address_of(UNSUBSCRIBE_SECRET, token) == address
        seen.add(token)
        plain = msg.get_body(("plain",)).get_content()
        assert f"Unsubscribe: {https}" in plain
        if msg.get_content_type() != "text/plain":
            soup = BeautifulSoup(msg.get_body(("html",)).get_content(), "html.parser")
            link = soup.find("a", string="Unsubscribe")
            assert link is not None and link["href"] == https
        assert "unsubscribe.invalid" not in msg.as_string()
    assert len(seen) == len(FIVE)  # distinct per recipient


def test_mailto_only_declares_no_one_click(smtp, tmp_path):
    handler, port = smtp
    settings = configured(tmp_path, port)  # list_unsubscribe is a mailto: and no endpoint
    send(settings, Store(settings.database_url))
    msg = received(handler)["one@example.org"]
    [mailto] = re.findall(r"<([^>]+)>", msg["List-Unsubscribe"])
    assert mailto.startswith("mailto:leave@example.org?subject=unsubscribe%20")
    assert msg["List-Unsubscribe-Post"] is None
    assert f"Unsubscribe: {mailto}" in msg.get_body(("plain",)).get_content()


def test_a_missing_secret_stops_the_send_with_one_line(smtp, tmp_path, monkeypatch):
    handler, port = smtp
    monkeypatch.delenv("DIGEST_UNSUBSCRIBE_SECRET")
    settings = configured(tmp_path, port)
    with pytest.raises(DigestError, match=r"secret .* in \$DIGEST_UNSUBSCRIBE_SECRET"):
        send(settings, Store(settings.database_url))
    assert handler.received == []


def test_a_forged_token_names_nobody():
    token = tokens.token(UNSUBSCRIBE_SECRET, "one@example.org")
    assert tokens.address_of(UNSUBSCRIBE_SECRET, token) == "one@example.org"
    assert tokens.address_of("another secret of enough length", token) is None
    assert tokens.address_of(UNSUBSCRIBE_SECRET, token[:-2] + "xx") is None
    assert tokens.token(UNSUBSCRIBE_SECRET, "One@Example.org") == token


@pytest.fixture
def desk(tmp_path, smtp) -> Iterator[tuple[str, Settings]]:
    """The desk under uvicorn on 127.0.0.1, sharing the delivery test's database."""
    settings = with_endpoint(configured(tmp_path, smtp[1]))
    app = create_app(settings, environ=DESK_ENV)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", settings
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def local(url: str, base: str) -> str:
    """A link from a message pointed at the desk under test instead of its public address."""
    return url.replace("https://desk.example.org", base)


def test_one_click_post_unsubscribes_and_the_next_delivery_skips_them(desk, smtp):
    base, settings = desk
    handler, _ = smtp
    store = Store(settings.database_url)
    send(settings, store)
    https = re.findall(r"<([^>]+)>", received(handler)["two@example.org"]["List-Unsubscribe"])[0]
    # What a mail client does for one-click (RFC 8058): POST the fixed body to the header's URL.
    answer = httpx.post(local(https, base), data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and "will get no further issues" in answer.text
    assert unsubscribes.unsubscribed(store) == {"two@example.org"}
    handler.received.clear()
    report = send(settings, store, force=True)
    assert "two@example.org" not in report.sent and report.unsubscribed == ["two@example.org"]
    assert "two@example.org" not in received(handler) and len(received(handler)) == 4
    assert "1 unsubscribed (skipped)" in report.summary()


def test_the_body_link_shows_a_confirm_page_and_changes_nothing_until_posted(desk, smtp):
    base, settings = desk
    handler, _ = smtp
    store = Store(settings.database_url)
    send(settings, store)
    plain = received(handler)["three@example.org"].get_body(("plain",)).get_content()
    link = re.search(r"Unsubscribe: (\S+)", plain).group(1)
    page = httpx.get(local(link, base))
    assert page.status_code == 200 and "three@example.org" in page.text
    assert unsubscribes.unsubscribed(store) == set()  # a GET (a link scanner) changes nothing
    form = BeautifulSoup(page.text, "html.parser").find("form")
    assert form["method"] == "post"
    fields = {i["name"]: i["value"] for i in form.find_all("input")}
    done = httpx.post(base + form["action"], data=fields)
    assert done.status_code == 200 and unsubscribes.unsubscribed(store) == {"three@example.org"}
    again = httpx.post(base + form["action"], data=fields)  # repeating it is harmless
    assert again.status_code == 200 and unsubscribes.unsubscribed(store) == {"three@example.org"}


def test_a_damaged_link_changes_nothing(desk):
    base, settings = desk
    forged = tokens.token("not the desk's secret at all!", "one@example.org")
    assert httpx.get(f"{base}/unsubscribe?t={forged}").status_code == 400
    assert httpx.post(f"{base}/unsubscribe?t={forged}").status_code == 400
    assert httpx.post(f"{base}/unsubscribe").status_code == 400
    assert unsubscribes.unsubscribed(Store(settings.database_url)) == set()


def test_the_command_unsubscribes_and_undoes(tmp_path, capsys):
    config = str(write_config(tmp_path, 2525))
    assert main(["unsubscribe", "-c", config, "Four@Example.org"]) == 0
    assert "four@example.org: unsubscribed" in capsys.readouterr().out
    assert main(["unsubscribe", "-c", config, "four@example.org"]) == 0
    assert "already unsubscribed" in capsys.readouterr().out
    store = Store(f"sqlite:///{tmp_path / 'digest.db'}")
    assert unsubscribes.unsubscribed(store) == {"four@example.org"}
    assert main(["unsubscribe", "-c", config, "--undo", "four@example.org"]) == 0
    assert "subscribed again" in capsys.readouterr().out
    assert unsubscribes.unsubscribed(store) == set()
    assert main(["unsubscribe", "-c", config, "not an address"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "digest: error: bad address 'not an address': expected name@domain or a valid token"
    ]
    assert main(["unsubscribe", "-c", config, "five@example"]) == 1
    assert "bad address 'five@example'" in capsys.readouterr().err


def test_the_command_takes_the_token_from_an_unsubscribe_mail(tmp_path, capsys):
    config = str(write_config(tmp_path, 2525))
    subject = "unsubscribe " + tokens.token(UNSUBSCRIBE_SECRET, "Five@example.org")
    assert main(["unsubscribe", "-c", config, subject]) == 0
    assert "five@example.org: unsubscribed" in capsys.readouterr().out
    forged = tokens.token("someone else's secret, long enough", "five@example.org")
    assert main(["unsubscribe", "-c", config, forged]) == 1


def test_the_unsubscribed_list_on_sqlite_and_postgresql(db_url):
    store = Store(db_url)
    assert unsubscribes.unsubscribe(store, " Anna@Example.ORG ", via="link") is True
    assert unsubscribes.unsubscribe(store, "anna@example.org", via="one-click") is False
    assert unsubscribes.unsubscribed(store) == {"anna@example.org"}
    assert unsubscribes.resubscribe(store, "ANNA@example.org") is True
    assert unsubscribes.resubscribe(store, "anna@example.org") is False
    assert unsubscribes.unsubscribed(store) == set()
    store.close()
