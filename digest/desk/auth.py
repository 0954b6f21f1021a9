"""Who may use the desk: password hashes, the session secret, and the per-session CSRF token.

A password hash is one line, `scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>` (hashlib.scrypt,
a 32-byte key); `digest hash-password` prints one for the config's `desk.users`. Without users in
the config, $DIGEST_DESK_PASSWORD lets a single editor named "editor" in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import Request

from digest.errors import DigestError
from digest.settings.schema import Settings

log = logging.getLogger(__name__)
PASSWORD_ENV = "DIGEST_DESK_PASSWORD"
SINGLE_EDITOR = "editor"
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**14, 8, 1, 32
MIN_SECRET = 16


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of a password in the one-line format above."""
    if not password:
        raise DigestError("the password is empty")
    salt = salt or secrets.token_bytes(16)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    parts = ("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key))
    return "$".join(parts)


def verify_password(password: str, encoded: str) -> bool:
    """Whether the password matches the hash (compared in constant time)."""
    _scheme, n, r, p, salt, key = _parse(encoded)
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(key) or KEY_BYTES), key)


@dataclass(frozen=True)
class Credentials:
    """The desk's users: name -> password hash."""

    users: Mapping[str, str]

    def check(self, name: str, password: str) -> bool:
        """Whether name and password let someone in (unknown names cost a hash all the same)."""
        encoded = self.users.get(name)
        if encoded is None:
            verify_password(password, _DUMMY)
            return False
        return verify_password(password, encoded)


def credentials(settings: Settings, environ: Mapping[str, str]) -> Credentials:
    """The users from the config, or the single editor of $DIGEST_DESK_PASSWORD; never none."""
    users = {u.name: u.password_hash for u in settings.desk.users}
    for name, encoded in users.items():
        try:
            _parse(encoded)
        except DigestError as exc:
            raise DigestError(f"desk user '{name}': {exc}") from None
    password = environ.get(PASSWORD_ENV)
    if password and SINGLE_EDITOR in users:
        raise DigestError(
            f"desk user '{SINGLE_EDITOR}' is in the config and ${PASSWORD_ENV} is set"
        )
    if password:
        users[SINGLE_EDITOR] = hash_password(password)
    if not users:
        raise DigestError(
            f"no desk users: add desk.users to the config (see 'digest hash-password') "
            f"or set ${PASSWORD_ENV}"
        )
    return Credentials(users)


def session_secret(settings: Settings, environ: Mapping[str, str], dev: bool) -> str:
    """The key that signs session cookies: from the configured variable, or random with --dev."""
    name = settings.desk.secret_env
    value = environ.get(name, "")
    if len(value) >= MIN_SECRET:
        return value
    if value:
        raise DigestError(f"${name} is too short: use at least {MIN_SECRET} random characters")
    if dev:
        log.warning("dev mode: a random session secret; logins end when the desk stops")
        return secrets.token_urlsafe(32)
    raise DigestError(f"set ${name} to a long random secret for the desk's sessions (or use --dev)")


def current_user(request: Request, creds: Credentials) -> str | None:
    """The logged-in editor, if the session names one the desk still knows."""
    name = request.session.get("user")
    return name if isinstance(name, str) and name in creds.users else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; every form carries it."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, sent: object) -> bool:
    """Whether a form's token is the session's own."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token or not isinstance(sent, str):
        return False
    return hmac.compare_digest(sent.encode(), token.encode())


def log_in(request: Request, name: str) -> None:
    """Start a fresh session for the editor, with a new CSRF token."""
    request.session.clear()
    request.session["user"] = name
    request.session["csrf"] = secrets.token_urlsafe(32)


def _parse(encoded: str) -> tuple[str, int, int, int, bytes, bytes]:
    """Split a password hash into its parts; DigestError if it is not in the format."""
    parts = encoded.split("$")
    try:
        scheme, n, r, p, salt, key = parts
        if scheme != "scrypt":
            raise ValueError(scheme)
        return scheme, int(n), int(r), int(p), base64.b64decode(salt), base64.b64decode(key)
    except ValueError:
        raise DigestError("password hash is not 'scrypt$n$r$p$salt$key'") from None


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, size: int) -> bytes:
    try:
        return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=size)
    except ValueError as exc:
        raise DigestError(f"unusable scrypt parameters n={n} r={r} p={p}: {exc}") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_DUMMY = "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(b"0" * 16), "AA=="))
