"""The link policy: outlets marked `link: false` are named, never linked, wherever a link hides.

A source's no-link addresses are its `domains` (hosts, or host/path prefixes such as a Telegram
channel `t.me/channel`) plus the host of its own location. The policy is applied to credits and,
at build time, to URLs written inside a story's paragraph: such a URL is dropped and the item
named in a warning.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from urllib.parse import urlsplit

from digest.models import Story
from digest.settings.schema import Settings, SourceConfig

log = logging.getLogger(__name__)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]", re.IGNORECASE)


def blocked_prefixes(settings: Settings) -> list[str]:
    """Every "host/path" prefix that may not be linked: domains and locations of link: false."""
    prefixes: list[str] = []
    for source in settings.sources:
        if source.link:
            continue
        prefixes += [_norm(d) for d in source.domains]
        prefixes += _location_prefixes(source)
    return [p for p in prefixes if p]


def link_allowed(url: str, source_id: str, settings: Settings) -> bool:
    """False for a non-http(s) URL, an item of a link: false source, or a URL it blocks."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if any(s.id == source_id and not s.link for s in settings.sources):
        return False
    target = _norm(f"{parts.hostname}{parts.path}")
    return not any(_covers(prefix, target) for prefix in blocked_prefixes(settings))


def scrub_text(text: str, settings: Settings) -> tuple[str, list[str]]:
    """The text with URLs on blocked prefixes removed, and the URLs that were removed."""
    removed: list[str] = []

    def drop(match: re.Match) -> str:
        url = match.group(0)
        full = url if "://" in url else f"https://{url}"
        if link_allowed(full, "", settings):
            return url
        removed.append(url)
        return ""

    cleaned = _URL.sub(drop, text)
    if removed:
        cleaned = re.sub(r"\(\s*\)|\[\s*\]", "", cleaned)
        cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).replace(" .", ".").replace(" ,", ",")
    return cleaned.strip(), removed


def enforce(stories: list[Story], settings: Settings) -> list[Story]:
    """Stories with blocked URLs dropped from their paragraphs; each drop is logged by item."""
    checked = []
    for story in stories:
        paragraph, removed = scrub_text(story.paragraph, settings)
        if removed:
            ids = ", ".join(str(i.id) for i in story.items)
            log.warning(
                "story %s (items %s): dropped %d link(s) to outlets marked link: false: %s",
                story.key, ids, len(removed), ", ".join(removed),
            )  # fmt: skip
            story = replace(story, paragraph=paragraph)
        checked.append(story)
    return checked


def _location_prefixes(source: SourceConfig) -> list[str]:
    """The source's own address: its host for feeds and pages, t.me/<channel> for Telegram."""
    if source.kind == "telegram":
        channel = source.location.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
        return [f"t.me/{channel.lower()}", f"t.me/s/{channel.lower()}"]
    host = urlsplit(source.location).hostname if "://" in source.location else None
    return [_norm(host)] if host else []


def _norm(value: str) -> str:
    """A host/path prefix lower-cased, without scheme, `www.` or a trailing slash."""
    value = re.sub(r"^[a-z]+://", "", value.strip().lower())
    return value.removeprefix("www.").rstrip("/")


def _covers(prefix: str, target: str) -> bool:
    """Whether a blocked prefix covers a target: same host or a subdomain, and the path prefix."""
    p_host, _, p_path = prefix.partition("/")
    t_host, _, t_path = target.partition("/")
    t_host = t_host.removeprefix("www.")
    if not (t_host == p_host or t_host.endswith("." + p_host)):
        return False
    return not p_path or t_path == p_path or t_path.startswith(p_path + "/")
