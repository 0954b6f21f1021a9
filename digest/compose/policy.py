"""The link policy: state and propaganda outlets are named, never linked, wherever a link hides.

The policy goes by each URL's own domain, whichever source brought the report: a URL is refused
when its host (or host/path) is on the shipped list of regime outlets (data/regime_outlets.yaml),
on `link_policy.forbid` in sources.yaml, or among the addresses of a source marked `link: false`
(its `domains`, hosts or host/path prefixes such as a Telegram channel `t.me/channel`, plus the
host of its own location), unless `link_policy.allow` lets it through. The policy is applied to
credits and, at build time, to URLs written inside a story's paragraph (such a URL is dropped and
the item named in a warning); `forbidden_links` is the last guard over the rendered files.
"""

from __future__ import annotations

import fnmatch
import html
import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from digest.errors import DigestError
from digest.models import Item, Story
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


@dataclass(frozen=True)
class LinkVerdict:
    """One link found in a built file: where, the URL, and whether the policy lets it stand."""

    file: str
    url: str
    allowed: bool
    reason: str


@lru_cache(maxsize=1)
def regime_outlets() -> tuple[str, ...]:
    """The shipped list of state and propaganda outlets' domains (data/regime_outlets.yaml)."""
    text = resources.files("digest").joinpath("data/regime_outlets.yaml").read_text("utf-8")
    groups = yaml.safe_load(text) or {}
    return tuple(_norm(str(d)) for entries in groups.values() for d in entries or ())


@lru_cache(maxsize=1)
def _regime_index() -> tuple[dict[str, int], tuple[tuple[int, str], ...]]:
    """The shipped list ready for lookup: bare hosts by host (their first place in the list),
    and the entries with a path or a glob, each with its place."""
    hosts: dict[str, int] = {}
    others = []
    for place, prefix in enumerate(regime_outlets()):
        if "/" in prefix or "*" in prefix:
            others.append((place, prefix))
        else:
            hosts.setdefault(prefix, place)
    return hosts, tuple(others)


def _regime_outlet_for(target: str) -> str | None:
    """The first entry of the shipped list that covers a normalised host/path, if any: bare
    hosts are looked up by the target's host and each parent domain, not scanned."""
    hosts, others = _regime_index()
    labels = target.partition("/")[0].removeprefix("www.").split(".")
    places = [hosts[h] for h in (".".join(labels[n:]) for n in range(len(labels))) if h in hosts]
    places += [place for place, prefix in others if _covers(prefix, target)]
    return regime_outlets()[min(places)] if places else None


def url_verdict(url: str, settings: Settings) -> tuple[bool, str]:
    """Whether the policy lets this URL be linked by its own domain, and why not if it does not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False, "not an http(s) URL"
    target = _norm(f"{parts.hostname}{parts.path}")
    if any(_covers(_norm(a), target) for a in settings.link_policy.allow):
        return True, "allowed by link_policy.allow"
    listed = _regime_outlet_for(target)
    if listed:
        return False, f"regime outlet ({listed})"
    for prefix in settings.link_policy.forbid:
        if _covers(_norm(prefix), target):
            return False, f"link_policy.forbid ({_norm(prefix)})"
    for prefix in blocked_prefixes(settings):
        if _covers(prefix, target):
            return False, f"a link: false source ({prefix})"
    return True, "allowed"


def link_allowed(url: str, source_id: str, settings: Settings) -> bool:
    """False for a non-http(s) URL, an item of a link: false source, or a URL the policy refuses."""
    if any(s.id == source_id and not s.link for s in settings.sources):
        return False
    return url_verdict(url, settings)[0]


_LINK = re.compile(r"https?://[^\s<>\"'()\[\]{}\\]+[^\s<>\"'()\[\]{}\\.,;:!?*]", re.IGNORECASE)
LINT_SUFFIXES = (".html", ".md", ".json", ".txt", ".eml")


def links_in(text: str) -> list[str]:
    """Every http(s) URL in a rendered text (HTML entities decoded first), in order, once each."""
    found: dict[str, None] = {}
    for m in _LINK.finditer(html.unescape(text)):
        found.setdefault(m.group(0), None)
    return list(found)


def forbidden_links(rendered: dict[str, str], settings: Settings) -> list[LinkVerdict]:
    """The links in rendered texts (name → text) that the policy refuses."""
    out = []
    for name, text in rendered.items():
        for url in links_in(text):
            allowed, reason = url_verdict(url, settings)
            if not allowed:
                out.append(LinkVerdict(name, url, allowed, reason))
    return out


def lint_folder(folder: Path, settings: Settings) -> list[LinkVerdict]:
    """Every link in the built files of one issue folder (HTML, Markdown, JSON, email), judged."""
    if not folder.is_dir():
        raise DigestError(f"no built issue in {folder}: run digest build for that week first")
    paths = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in LINT_SUFFIXES)
    verdicts = []
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".eml":
            text = _eml_text(text)
        for url in links_in(text):
            allowed, reason = url_verdict(url, settings)
            verdicts.append(LinkVerdict(str(path.relative_to(folder)), url, allowed, reason))
    return verdicts


def _eml_text(raw: str) -> str:
    """The decoded text of every part of an email message (quoted-printable or base64)."""
    import email
    from email import policy as email_policy

    message = email.message_from_string(raw, policy=email_policy.default)
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(str(part.get_content()))
    return "\n".join(parts) or raw


def scrub_text(text: str, settings: Settings) -> tuple[str, list[str]]:
    """The text with URLs on blocked prefixes removed, and the URLs that were removed."""
    removed: list[str] = []

    def drop(match: re.Match) -> str:
        url = match.group(0)
        full = url if "://" in url else f"https://{url}"
        if url_verdict(full, settings)[0]:
            return url
        removed.append(url)
        return ""

    cleaned = _URL.sub(drop, text)
    if removed:
        cleaned = re.sub(r"\(\s*\)|\[\s*\]", "", cleaned)
        cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).replace(" .", ".").replace(" ,", ",")
    return cleaned.strip(), removed


def enforce(stories: list[Story], settings: Settings) -> list[Story]:
    """Stories with refused URLs dropped from paragraphs, titles and the items they carry.

    A drop from a paragraph is logged by item; an item's own refused address is left out of the
    issue (it is named by its credit, never linked, and the store keeps it).
    """
    checked = []
    for story in stories:
        paragraph, removed = scrub_text(story.paragraph, settings)
        if removed:
            ids = ", ".join(str(i.id) for i in story.items)
            log.warning(
                "story %s (items %s): dropped %d link(s) the link policy refuses: %s",
                story.key, ids, len(removed), ", ".join(removed),
            )  # fmt: skip
            story = replace(story, paragraph=paragraph)
        title = scrub_text(story.title, settings)[0] if story.title else story.title
        items = tuple(_scrub_item(i, settings) for i in story.items)
        checked.append(replace(story, title=title, items=items))
    return checked


def _scrub_item(item: Item, settings: Settings) -> Item:
    """An item as an issue carries it (the JSON shows it): refused URLs gone, text and all."""
    url = item.url if item.url and link_allowed(item.url, item.source_id, settings) else None
    canonical = item.canonical_url if url else None
    text = scrub_text(item.text, settings)[0]
    title = scrub_text(item.title, settings)[0] if item.title else item.title
    return replace(item, url=url, canonical_url=canonical, text=text, title=title)


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
    """Whether a prefix covers a target: same host or a subdomain (a glob for `*`), and the path."""
    p_host, _, p_path = prefix.partition("/")
    t_host, _, t_path = target.partition("/")
    t_host = t_host.removeprefix("www.")
    if "*" in p_host:
        labels = t_host.split(".")
        suffixes = [".".join(labels[n:]) for n in range(len(labels) - 1)]
        if not any(fnmatch.fnmatchcase(s, p_host) for s in suffixes):
            return False
    elif not (t_host == p_host or t_host.endswith("." + p_host)):
        return False
    return not p_path or t_path == p_path or t_path.startswith(p_path + "/")
