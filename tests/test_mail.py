"""MIME messages per format and SMTP sending against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import io
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pypdf import PdfReader

from digest.delivery.mail import Edition, Mailer, compose, sender_domain, smtp_password
from digest.delivery.recipients import Recipient
from digest.delivery.unsubscribe import Links
from digest.errors import DigestError, MailError
from digest.render import email, pdf
from digest.settings.schema import DeliveryConfig, SmtpConfig
from tests.issue_factory import make_issue, make_settings

NOW = datetime(2025, 1, 20, 5, 0, tzinfo=UTC)
SENDER = "Belarus Review <review@example.org>"


class Sink:
    """An aiosmtpd handler keeping every accepted message; it answers 550 for `refuse`."""

    def __init__(self, refuse: tuple[str, ...] = (), on_rcpt: Callable[[str], None] | None = None):
        self.refuse = refuse
        self.on_rcpt = on_rcpt
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Refuse listed addresses with 550; call the hook (a test's crash switch) first."""
        if self.on_rcpt:
            self.on_rcpt(address)
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        """Keep the envelope recipients and the parsed message."""
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def copies(self) -> dict[str, int]:
        """How many messages each envelope recipient received."""
        counts: dict[str, int] = {}
        for rcpts, _ in self.received:
            for address in rcpts:
                counts[address] = counts.get(address, 0) + 1
        return counts


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(handler: Sink, port: int | None = None, **kwargs) -> Controller:
    """A running aiosmtpd controller on 127.0.0.1, on `port` or a free one."""
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), **kwargs)
    controller.start()
    return controller


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    """A plain SMTP server (no TLS, no auth) that refuses gone@example.org."""
    handler = Sink(refuse=("gone@example.org",))
    controller = start_server(handler)
    yield handler, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def pdf_bytes(tmp_path_factory) -> bytes:
    """The fixture issue as a PDF, rendered once for this module."""
    return pdf.render(make_issue(), make_settings(tmp_path_factory.mktemp("pdf"))).content


@pytest.fixture
def edition(pdf_bytes) -> Edition:
    """The fixture issue rendered for mail with its PDF."""
    issue = make_issue()
    return Edition(
        week=issue.week,
        subject=issue.title,
        text=email.render_text(issue, make_settings(Path("."))),
        html=email.render(issue, make_settings(Path("."))).content,
        pdf=pdf_bytes,
        pdf_name="belarus-review-2025-01-20.pdf",
    )


def delivery(port: int = 25, **smtp) -> DeliveryConfig:
    """Delivery settings for the test server on 127.0.0.1."""
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5} | smtp
    return DeliveryConfig(
        sender=SENDER,
        reply_to="editors@example.org",
        list_unsubscribe="https://example.org/unsubscribe?list=review",
        smtp=SmtpConfig(**smtp),
    )


def parsed(msg: EmailMessage) -> EmailMessage:
    """A composed message as a receiver parses it from bytes."""
    return message_from_bytes(msg.as_bytes(), policy=policy.default)


def test_pdf_format_is_text_html_alternative_plus_the_pdf(edition):
    msg = parsed(compose(edition, Recipient("a@example.org", "Hanna", "pdf"), delivery(), NOW))
    assert msg.get_content_type() == "multipart/mixed"
    first, attachment = msg.get_payload()
    assert first.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in first.get_payload()] == ["text/plain", "text/html"]
    assert attachment.get_filename() == "belarus-review-2025-01-20.pdf"
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    assert len(reader.pages) >= 1
    assert "Belarus Review" in reader.pages[0].extract_text()


def test_html_format_is_an_alternative_whose_html_is_the_inlined_email(edition):
    msg = parsed(compose(edition, Recipient("a@example.org", "", "html"), delivery(), NOW))
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert plain.startswith("Belarus Review — January 20, 2025")
    assert 'style="' in html and "<script" not in html
    assert not any(p.get_filename() for p in msg.iter_attachments())


def test_text_format_is_plain_text_only(edition):
    msg = parsed(compose(edition, Recipient("a@example.org", "", "text"), delivery(), NOW))
    assert msg.get_content_type() == "text/plain" and not msg.is_multipart()
    assert msg.get_content_charset() == "utf-8"
    assert "Cichanoŭskaja" in msg.get_content()


def test_headers_subject_ids_date_and_list_unsubscribe(edition):
    rcpt = Recipient("a@example.org", "Aleś Čytač", "html")
    links = Links("mailto:leave@example.org?subject=x", "https://desk.example.org/unsubscribe?t=x")
    msg = parsed(compose(edition, rcpt, delivery(), NOW, links))
    assert msg["Subject"] == "Belarus Review — January 20, 2025"
    assert msg["From"] == SENDER and msg["Reply-To"] == "editors@example.org"
    assert msg["To"].addresses[0].display_name == "Aleś Čytač"
    assert msg["Date"].datetime == NOW
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@example.org>")
    assert msg["List-Unsubscribe"] == (
        "<https://desk.example.org/unsubscribe?t=x>, <mailto:leave@example.org?subject=x>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    other = compose(edition, rcpt, delivery(), NOW)
    assert other["Message-ID"] != msg["Message-ID"]


def test_mailto_unsubscribe_has_no_one_click_header(edition):
    links = Links("mailto:leave@example.org?subject=unsubscribe%20x", None)
    msg = compose(edition, Recipient("a@example.org"), delivery(), NOW, links)
    assert msg["List-Unsubscribe"] == "<mailto:leave@example.org?subject=unsubscribe%20x>"
    assert msg["List-Unsubscribe-Post"] is None


def test_no_unsubscribe_configured_means_no_list_headers(edition):
    msg = compose(edition, Recipient("a@example.org"), delivery(), NOW)
    assert msg["List-Unsubscribe"] is None and msg["List-Unsubscribe-Post"] is None


def test_sender_without_an_address_is_refused():
    assert sender_domain("Review <News@Example.ORG>") == "example.org"
    with pytest.raises(DigestError, match="is not an email address"):
        sender_domain("Belarus Review")


def test_messages_reach_a_real_server_and_a_550_names_the_recipient(sink, edition):
    handler, port = sink
    with Mailer(delivery(port).smtp) as mailer:
        for address, fmt in (("a@example.org", "pdf"), ("b@example.org", "text")):
            mailer.send(compose(edition, Recipient(address, "", fmt), delivery(port), NOW), address)
        with pytest.raises(
            MailError, match=r"gone@example.org: refused by the server: 550 5\.1\.1"
        ):
            msg = compose(edition, Recipient("gone@example.org"), delivery(port), NOW)
            mailer.send(msg, "gone@example.org")
        mailer.send(
            compose(edition, Recipient("c@example.org"), delivery(port), NOW), "c@example.org"
        )
    assert handler.copies() == {"a@example.org": 1, "b@example.org": 1, "c@example.org": 1}
    rcpts, msg = handler.received[0]
    assert msg["Subject"] == "Belarus Review — January 20, 2025"
    attachment = next(msg.iter_attachments())
    assert PdfReader(io.BytesIO(attachment.get_content())).metadata is not None


def test_unreachable_server_is_one_fatal_line_and_not_retried(edition):
    port = free_port()
    mailer = Mailer(delivery(port).smtp)
    msg = compose(edition, Recipient("a@example.org"), delivery(port), NOW)
    with pytest.raises(MailError, match=rf"SMTP server 127.0.0.1:{port} unreachable") as first:
        mailer.send(msg, "a@example.org")
    assert first.value.fatal and "\n" not in str(first.value)
    with pytest.raises(MailError) as second:
        mailer.send(msg, "b@example.org")
    assert second.value is first.value


def test_missing_password_variable_is_named_and_nothing_is_sent(sink, edition):
    handler, port = sink
    smtp = delivery(port, username="review", password_env="DIGEST_TEST_NO_SUCH_VAR").smtp
    with pytest.raises(MailError, match="environment variable DIGEST_TEST_NO_SUCH_VAR is not set"):
        Mailer(smtp, environ={}).send(EmailMessage(), "a@example.org")
    assert handler.received == []
    assert smtp_password(smtp, {"DIGEST_TEST_NO_SUCH_VAR": "s3cret"}) == "s3cret"
    assert smtp_password(delivery().smtp, {}) is None


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """Accept the login review / s3cret only."""
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"review", b"s3cret")
    return AuthResult(success=ok, handled=False)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login_with_the_password_from_the_environment(
    certificate, edition, monkeypatch, security
):
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Sink()
    tls = {"tls_context": context, "require_starttls": True}
    implicit = {"ssl_context": context, "auth_require_tls": False}  # the socket is TLS already
    kwargs = tls if security == "starttls" else implicit
    controller = start_server(handler, authenticator=check_login, auth_required=True, **kwargs)
    try:
        config = delivery(controller.port, security=security, username="review")
        msg = compose(edition, Recipient("a@example.org", "", "html"), config, NOW)
        with Mailer(config.smtp, environ={"DIGEST_SMTP_PASSWORD": "s3cret"}) as mailer:
            mailer.send(msg, "a@example.org")
        with pytest.raises(MailError, match="refused the login as review: 535"):
            Mailer(config.smtp, environ={"DIGEST_SMTP_PASSWORD": "wrong"}).connect()
    finally:
        controller.stop()
    assert handler.copies() == {"a@example.org": 1}
