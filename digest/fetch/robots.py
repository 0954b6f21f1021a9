"""robots.txt for page fetching: loaded once per host, read as RFC 9309 says (by protego:
the longest matching rule wins, `*` and `$` wildcards, Allow beside Disallow)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from digest.errors import DigestError

# load(robots_url) -> (status, text); raises DigestError when the host cannot be reached.
Loader = Callable[[str], tuple[int, str]]


@dataclass(frozen=True)
class _Rules:
    """One host's verdict: a parser, or a blanket answer with the reason for it."""

    parser: Protego | None
    allow_all: bool
    reason: str = ""


class RobotsPolicy:
    """Answers whether a page may be fetched, loading each host's robots.txt only once."""

    def __init__(self, load: Loader, user_agent: str) -> None:
        """Keep the loader (the fetcher's own request path) and the agent to match rules for."""
        self._load = load
        self._agent = user_agent
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def refusal(self, url: str) -> str | None:
        """None when `url` may be fetched, else the reason it may not."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        rules = self._rules_for(origin)
        if rules.parser is None:
            return None if rules.allow_all else rules.reason
        if rules.parser.can_fetch(url, self._agent):
            return None
        return f"disallowed by {origin}/robots.txt"

    def _rules_for(self, origin: str) -> _Rules:
        """The cached rules of one origin, loading them under a per-origin lock."""
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._rules:
                self._rules[origin] = self._fetch_rules(origin)
            return self._rules[origin]

    def _fetch_rules(self, origin: str) -> _Rules:
        """2xx: parse; 4xx: everything allowed; 5xx or unreachable: nothing allowed."""
        robots = f"{origin}/robots.txt"
        try:
            status, text = self._load(robots)
        except DigestError as exc:
            return _Rules(None, False, f"{robots} could not be read ({exc}); not crawling the host")
        if 400 <= status < 500:
            return _Rules(None, True)
        if status >= 500:
            return _Rules(None, False, f"{robots} answered HTTP {status}; not crawling the host")
        return _Rules(Protego.parse(text), False)
