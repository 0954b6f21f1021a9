"""OPML 2.0, the feed readers' exchange format: read feeds from it, write the rss sources to it.

Reading uses defusedxml (an OPML file is untrusted input: no entity expansion, no external
references). Each `<outline>` with an `xmlUrl`, at any depth, is a feed; `text` or `title`
names it. Writing gives one `<outline type="rss">` per rss source; `link: false` and
`enabled: false` are kept in `digest:link` and `digest:enabled` attributes, so a round trip
neither starts linking a source that must not be linked nor starts reading a disabled one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from digest.errors import InputError

DIGEST_NS = "urn:digest:opml"  # our own attributes: digest:link
ET.register_namespace("digest", DIGEST_NS)


@dataclass(frozen=True)
class Feed:
    """One feed of an OPML file: its address, name, site, language and link policy."""

    xml_url: str
    name: str
    html_url: str | None = None
    language: str | None = None
    link: bool = True
    enabled: bool = True


def read_opml(path: Path) -> list[Feed]:
    """The feeds of an OPML file, in document order; InputError when it is not OPML."""
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        root = SafeET.parse(path).getroot()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except (ET.ParseError, DefusedXmlException) as exc:
        raise InputError(f"{path}: not a readable OPML file ({exc})") from exc
    if root.tag != "opml" or root.find("body") is None:
        raise InputError(f"{path}: not an OPML file (no <opml><body>)")
    feeds = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue
        if urlsplit(url).scheme not in ("http", "https"):
            raise InputError(f"{path}: feed address '{url}' is not http or https")
        name = (outline.get("title") or outline.get("text") or "").strip() or url
        link = _flag(outline.get(f"{{{DIGEST_NS}}}link"))
        enabled = _flag(outline.get(f"{{{DIGEST_NS}}}enabled"))
        language = (outline.get("language") or "").split("-")[0].lower() or None
        feeds.append(Feed(url, name, outline.get("htmlUrl") or None, language, link, enabled))
    return feeds


def write_opml(feeds: Sequence[Feed], title: str) -> str:
    """An OPML 2.0 document listing the feeds as `<outline type="rss">` elements."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.xml_url}
        if feed.html_url:
            attrs["htmlUrl"] = feed.html_url
        if feed.language:
            attrs["language"] = feed.language
        if not feed.link:
            attrs[f"{{{DIGEST_NS}}}link"] = "false"
        if not feed.enabled:
            attrs[f"{{{DIGEST_NS}}}enabled"] = "false"
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _flag(value: str | None) -> bool:
    """One of our true/false attributes: only an explicit "false" turns it off."""
    return (value or "true").strip().lower() != "false"


def site_of(feed_url: str) -> str | None:
    """The site a feed belongs to, guessed as its host's root page."""
    parts = urlsplit(feed_url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.netloc else None
