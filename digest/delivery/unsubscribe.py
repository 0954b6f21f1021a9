"""Per-recipient unsubscribe links: a signed token naming the address, in the body and headers.

The token is the recipient's address signed with a secret from the environment
(`delivery.unsubscribe_secret_env`, by default DIGEST_UNSUBSCRIBE_SECRET) by itsdangerous, so the
desk's endpoint can tell whose link was followed without a login, and nobody can forge one for
another address. The same address always gets the same token (no time in it), so a link in an
old issue still works. `List-Unsubscribe` carries the mailto: address with the token in its
subject and, when `delivery.unsubscribe_url` names the desk's public https endpoint, that URL
with the token; only then is `List-Unsubscribe-Post` (RFC 8058 one-click) declared.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer

from digest.errors import DigestError
from digest.settings.schema import DeliveryConfig

SALT = "digest-unsubscribe"
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class Links:
    """One recipient's unsubscribe addresses: mailto: and https: (either may be missing)."""

    mailto: str | None
    https: str | None

    @property
    def body(self) -> str | None:
        """The link for the message body: the web page if there is one, else the mailto:."""
        return self.https or self.mailto

    @property
    def header(self) -> str | None:
        """The List-Unsubscribe value: each address in angle brackets, https first."""
        parts = [f"<{u}>" for u in (self.https, self.mailto) if u]
        return ", ".join(parts) or None


def configured(delivery: DeliveryConfig) -> bool:
    """Whether the delivery offers any way to unsubscribe (a mailbox or an endpoint)."""
    return bool(_mailto_base(delivery) or _https_base(delivery))


def secret(delivery: DeliveryConfig, environ: Mapping[str, str] | None = None) -> str:
    """The signing secret from its environment variable; DigestError naming it when unset."""
    value = (os.environ if environ is None else environ).get(delivery.unsubscribe_secret_env, "")
    if len(value) < 16:
        raise DigestError(
            f"unsubscribe links need a secret of at least 16 characters in "
            f"${delivery.unsubscribe_secret_env}"
        )
    return value


def token(secret_value: str, address: str) -> str:
    """The recipient's token: their lower-cased address, signed (URL-safe, no padding)."""
    return URLSafeSerializer(secret_value, salt=SALT).dumps(address.strip().lower())


def address_of(secret_value: str, value: str) -> str | None:
    """The address a token was made for, or None when the token is forged or damaged."""
    try:
        found = URLSafeSerializer(secret_value, salt=SALT).loads(value)
    except BadSignature:
        return None
    return found if isinstance(found, str) and "@" in found else None


def links(delivery: DeliveryConfig, secret_value: str, address: str) -> Links:
    """The recipient's mailto: and https: unsubscribe links, each carrying their token."""
    mark = token(secret_value, address)
    mailto = _mailto_base(delivery)
    https = _https_base(delivery)
    subject = quote(f"unsubscribe {mark}")
    return Links(
        mailto=f"{mailto}{_joiner(mailto)}subject={subject}" if mailto else None,
        https=f"{https}{_joiner(https)}t={quote(mark)}" if https else None,
    )


def _mailto_base(delivery: DeliveryConfig) -> str | None:
    """The configured mailto: address, if any."""
    value = (delivery.list_unsubscribe or "").strip()
    return value if value.lower().startswith("mailto:") else None


def _https_base(delivery: DeliveryConfig) -> str | None:
    """The desk's public https endpoint: `unsubscribe_url`, or an https `list_unsubscribe`."""
    for value in (delivery.unsubscribe_url, delivery.list_unsubscribe):
        if value and value.strip().lower().startswith("https://"):
            return value.strip()
    return None


def _joiner(url: str) -> str:
    """The character that adds a query parameter to `url`."""
    return "&" if "?" in url else "?"
