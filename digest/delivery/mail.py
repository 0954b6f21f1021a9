"""The mail itself: one MIME message per recipient in their format, and the SMTP connection.

Formats: "pdf" is the text and HTML alternative with the PDF attached (multipart/mixed), "html"
is multipart/alternative of text and HTML, "text" is plain text only. The SMTP password is read
from the environment variable the config names, never from the config file itself.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from html import escape

from digest.delivery.recipients import Recipient
from digest.delivery.unsubscribe import ONE_CLICK, Links
from digest.errors import DigestError, MailError
from digest.render.email import UNSUBSCRIBE_MARK
from digest.settings.schema import DeliveryConfig, SmtpConfig


@dataclass(frozen=True)
class Edition:
    """One issue rendered once for all its recipients: subject, parts and the PDF file name."""

    week: str
    subject: str
    text: str
    html: str
    pdf: bytes | None = None
    pdf_name: str = "issue.pdf"


def sender_domain(sender: str) -> str:
    """The domain of the sender address, for Message-IDs; DigestError if there is none."""
    address = parseaddr(sender)[1]
    if "@" not in address:
        raise DigestError(f"delivery sender '{sender}' is not an email address")
    return address.rpartition("@")[2].lower()


def compose(
    edition: Edition,
    recipient: Recipient,
    delivery: DeliveryConfig,
    now: datetime,
    unsubscribe: Links | None = None,
) -> EmailMessage:
    """The message for one recipient in their format, with their own unsubscribe link."""
    msg = EmailMessage()
    msg["Subject"] = edition.subject
    msg["From"] = delivery.sender
    msg["To"] = formataddr((recipient.name, recipient.address))
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(idstring=edition.week, domain=sender_domain(delivery.sender))
    if delivery.reply_to:
        msg["Reply-To"] = delivery.reply_to
    _list_headers(msg, unsubscribe)
    link = unsubscribe.body if unsubscribe else None
    msg.set_content(_with_link(edition.text, link, html=False), subtype="plain", charset="utf-8")
    if recipient.format in ("html", "pdf"):
        html_part = _with_link(edition.html, link, html=True)
        msg.add_alternative(html_part, subtype="html", charset="utf-8")
    if recipient.format == "pdf":
        if edition.pdf is None:
            raise DigestError(f"{recipient.address} wants the PDF but none was rendered")
        msg.add_attachment(
            edition.pdf, maintype="application", subtype="pdf", filename=edition.pdf_name
        )
    return msg


def _list_headers(msg: EmailMessage, links: Links | None) -> None:
    """List-Unsubscribe (mailto and https, per recipient); one-click only with the https one."""
    if links is None or links.header is None:
        return
    msg["List-Unsubscribe"] = links.header
    if links.https:
        msg["List-Unsubscribe-Post"] = ONE_CLICK


def _with_link(part: str, link: str | None, *, html: bool) -> str:
    """A rendered part with the recipient's unsubscribe link put where the mark stands."""
    if UNSUBSCRIBE_MARK not in part:
        return part
    if link is None:
        raise DigestError("the issue was rendered with an unsubscribe link but none was made")
    return part.replace(UNSUBSCRIBE_MARK, escape(link, quote=True) if html else link)


def smtp_password(smtp: SmtpConfig, environ: Mapping[str, str] | None = None) -> str | None:
    """The SMTP password from its environment variable; None when no login is configured."""
    if not smtp.username:
        return None
    value = (os.environ if environ is None else environ).get(smtp.password_env)
    if not value:
        raise MailError(
            f"SMTP login as {smtp.username}: environment variable {smtp.password_env} is not set",
            fatal=True,
        )
    return value


class Mailer:
    """An SMTP connection opened on first use and kept for the whole list; close() ends it."""

    def __init__(self, smtp: SmtpConfig, environ: Mapping[str, str] | None = None) -> None:
        self.smtp = smtp
        self.environ = environ
        self._conn: smtplib.SMTP | None = None
        self._broken: MailError | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def where(self) -> str:
        """The server as host:port, for messages."""
        return f"{self.smtp.host}:{self.smtp.port}"

    def connect(self) -> smtplib.SMTP:
        """The open connection, opening (TLS, login) it first; a fatal MailError if it cannot."""
        if self._broken is not None:
            raise self._broken
        if self._conn is None:
            try:
                self._conn = self._open(smtp_password(self.smtp, self.environ))
            except MailError as exc:
                self._broken = exc
                raise
        return self._conn

    def _open(self, password: str | None) -> smtplib.SMTP:
        """Connect, secure and log in as configured, translating every failure to one line."""
        smtp, context = self.smtp, ssl.create_default_context()
        try:
            conn: smtplib.SMTP
            if smtp.security == "ssl":
                conn = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
            else:
                conn = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
            if smtp.security == "starttls":
                conn.starttls(context=context)
            if smtp.username and password is not None:  # a password comes only with a username
                conn.login(smtp.username, password)
            return conn
        except smtplib.SMTPAuthenticationError as exc:
            reply = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            raise MailError(
                f"SMTP server {self.where} refused the login as {smtp.username}: {reply}",
                fatal=True,
            ) from exc
        except smtplib.SMTPException as exc:
            raise MailError(f"SMTP server {self.where}: {_reason(exc)}", fatal=True) from exc
        except OSError as exc:
            raise MailError(
                f"SMTP server {self.where} unreachable: {_reason(exc)}", fatal=True
            ) from exc

    def send(self, msg: EmailMessage, address: str) -> None:
        """Send one message to one address; MailError (fatal when the connection is gone)."""
        conn = self.connect()
        try:
            conn.send_message(msg, to_addrs=[address])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients.get(address, (0, b""))
            raise MailError(f"{address}: refused by the server: {code} {_text(reply)}") from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise MailError(f"{address}: {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._conn = None
            self._broken = MailError(f"SMTP server {self.where} lost: {_reason(exc)}", fatal=True)
            raise self._broken from exc

    def close(self) -> None:
        """Say QUIT if the connection is open; a server already gone is not an error here."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()


def _text(reply: bytes | str) -> str:
    """An SMTP reply as one line of text."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def _reason(exc: BaseException) -> str:
    """An exception as a short one-line reason."""
    return " ".join(str(exc).split()) or type(exc).__name__
