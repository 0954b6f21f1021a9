"""Who may use the desk: password hashes, the session secret, sessions, login throttling, CSRF.

A session lives in the database (digest/store/sessions.py); the signed cookie holds only its
random token, the CSRF token and a flash message, so logging out ends every copy of the cookie.
Failed logins are counted per user name and per client address: after `login_failures` of them
the desk refuses that name or address, even with the right password, for a back-off that doubles
with each further failure (up to an hour).

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
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.requests import Request

from digest.errors import DigestError
from digest.settings.schema import Settings
from digest.store import Store, sessions

log = logging.getLogger(__name__)
PASSWORD_ENV = "DIGEST_DESK_PASSWORD"
SINGLE_EDITOR = "editor"
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**14, 8, 1, 32
MIN_SECRET = 16
SESSION_HOURS = 12
MAX_BACKOFF = 3600.0  # seconds: the longest a name or address is refused
STATE_USER = "desk_user"  # where the session check leaves the request's user (request.state)


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
    """The logged-in editor, if the request's live session names one the desk still knows."""
    name = getattr(request.state, STATE_USER, None)
    return name if isinstance(name, str) and name in creds.users else None


def session_user(store: Store, session: Mapping[str, object]) -> str | None:
    """The user of the session the cookie names, looked up in the database (blocking)."""
    return sessions.user_of(store, session.get("sid"))


class Throttle:
    """Failed logins per key (a user name, a client address) and the back-off they earned."""

    def __init__(
        self,
        limit: int,
        backoff: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit, self.backoff, self.clock, self.max_keys = limit, backoff, clock, max_keys
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key: count, until
        self._lock = threading.Lock()

    def wait(self, keys: list[str]) -> float:
        """Seconds until every key may try again (0 when all may try now)."""
        now = self.clock()
        with self._lock:
            return max((self._failures.get(k, (0, 0.0))[1] - now for k in keys), default=0.0)

    def failed(self, keys: list[str]) -> None:
        """Count a wrong password against each key; from `limit` on, each starts a back-off."""
        now = self.clock()
        with self._lock:
            for key in keys:
                count = self._failures.pop(key, (0, 0.0))[0] + 1
                until = 0.0
                if count >= self.limit:
                    until = now + min(MAX_BACKOFF, self.backoff * 2 ** min(count - self.limit, 20))
                self._failures[key] = (count, until)
            while len(self._failures) > self.max_keys:  # forget the oldest, never grow unbounded
                self._failures.popitem(last=False)

    def succeeded(self, keys: list[str]) -> None:
        """Forget the failures of keys that just logged in."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def throttle_keys(name: str, address: str | None) -> list[str]:
    """The keys a login attempt is counted under: its user name and its client address."""
    return [f"user:{name.strip().lower()[:100]}", f"addr:{address or 'unknown'}"]


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


def log_in(request: Request, name: str, store: Store) -> None:
    """Start a fresh server-side session for the editor, with a new CSRF token (blocking)."""
    token = sessions.start(store, name, SESSION_HOURS)
    request.session.clear()
    request.session["sid"] = token
    request.session["csrf"] = secrets.token_urlsafe(32)


def log_out(request: Request, store: Store) -> None:
    """End the session in the database, so no copy of its cookie works any more (blocking)."""
    sessions.end(store, request.session.get("sid"))
    request.session.clear()


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
