"""The subscribers: from the config and/or a CSV file, each checked; a bad one is named and skipped.

The CSV has a header row naming the columns `address,name,format` (name and format may be left
out or empty; the format defaults to html). Blank lines and lines starting with "#" are ignored.
A line with a bad address, an unknown format or an address already listed gives a one-line
problem naming the file and line; that recipient is skipped and everyone else still gets a copy.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from digest.errors import DigestError
from digest.settings.schema import DeliveryConfig, Settings

FORMATS = ("pdf", "html", "text")
DEFAULT_FORMAT = "html"
COLUMNS = ("address", "name", "format")


@dataclass(frozen=True)
class Recipient:
    """One subscriber: the address, a display name, the format wanted and where it was listed."""

    address: str
    name: str = ""
    format: str = DEFAULT_FORMAT
    origin: str = ""  # "config recipient 2" or "subscribers.csv:7"

    @property
    def key(self) -> str:
        """The address as the delivery log keys it: the domain lower-cased."""
        return address_key(self.address)


@dataclass(frozen=True)
class Rejected:
    """A listed recipient that will not be mailed, and the one-line reason naming where it is."""

    recipient: Recipient
    reason: str  # "subscribers.csv:7: bad address 'x@'"

    @property
    def log_key(self) -> str:
        """What the delivery log records it under: the address as written, else its origin."""
        return self.recipient.address.strip() or self.recipient.origin


def address_key(address: str) -> str:
    """An address with its domain lower-cased (the local part is kept as written)."""
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def address_problem(address: str) -> str | None:
    """Why an address cannot be mailed (email-validator's syntax check), or None when it can."""
    from email_validator import EmailNotValidError, validate_email

    text = address.strip()
    if "@" not in text:
        return f"bad address '{text}': expected name@domain"
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        return f"bad address '{text}': {reason[:1].lower()}{reason[1:]}"
    return None


def format_problem(value: str) -> str | None:
    """Why a format name is not one we send, or None."""
    if value in FORMATS:
        return None
    return f"unknown format '{value}' (expected: {', '.join(FORMATS)})"


def check(recipient: Recipient) -> str | None:
    """The first problem with a recipient, as "origin: problem", or None."""
    problem = address_problem(recipient.address) or format_problem(recipient.format)
    return f"{recipient.origin}: {problem}" if problem else None


def from_config(delivery: DeliveryConfig, config_file: Path | None = None) -> list[Recipient]:
    """The recipients written in the config, each labelled "file:line" (else its position)."""
    from digest.settings.loading import line_index

    lines = line_index(config_file) if config_file else {}
    found = []
    for n, r in enumerate(delivery.recipients, start=1):
        line = lines.get(("delivery", "recipients", n - 1))
        origin = f"{config_file.name}:{line}" if config_file and line else f"config recipient {n}"
        found.append(Recipient(r.address.strip(), r.name.strip(), r.format, origin))
    return found


def from_csv(path: Path) -> list[Recipient]:
    """The recipients of a CSV file, each labelled "file:line"; DigestError if it is unreadable."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(_csv_rows(handle, path))
    except FileNotFoundError as exc:
        raise DigestError(f"{path}: recipients file not found") from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DigestError(f"{path}: cannot read recipients file ({exc})") from exc


def _csv_rows(handle, path: Path) -> Iterable[Recipient]:
    """Rows of an open CSV file as recipients; the header must name the address column."""
    reader = csv.reader(handle)
    header = [h.strip().lower() for h in next(reader, [])]
    if "address" not in header or not set(header) <= set(COLUMNS):
        raise DigestError(f"{path}:1: the header must name the columns {','.join(COLUMNS)}")
    for row in reader:
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        yield Recipient(
            address=cells.get("address", ""),
            name=cells.get("name", ""),
            format=cells.get("format", "").lower() or DEFAULT_FORMAT,
            origin=f"{path.name}:{reader.line_num}",
        )


def load_recipients(settings: Settings) -> tuple[list[Recipient], list[Rejected]]:
    """Every usable recipient (config first, then the CSV) and a one-line problem per bad one."""
    delivery = settings.delivery
    if delivery is None:
        raise DigestError("delivery is not configured: add a 'delivery:' section to the config")
    listed = from_config(delivery, settings.config_file)
    if delivery.recipients_csv:
        listed += from_csv(settings.path(delivery.recipients_csv))
    return screen(listed)


def screen(listed: Iterable[Recipient]) -> tuple[list[Recipient], list[Rejected]]:
    """Split recipients into the usable ones and problems (bad address, format, duplicate)."""
    good: list[Recipient] = []
    problems: list[Rejected] = []
    seen: dict[str, str] = {}
    for recipient in listed:
        problem = check(recipient)
        if problem is None and recipient.key.lower() in seen:
            first = seen[recipient.key.lower()]
            problem = f"{recipient.origin}: '{recipient.address}' is already listed at {first}"
        if problem:
            problems.append(Rejected(recipient, problem))
            continue
        seen[recipient.key.lower()] = recipient.origin
        good.append(recipient)
    return good, problems
