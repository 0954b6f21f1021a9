"""Turning fetched bytes into text: BOM, declared charset, <meta>, then a utf-8/Cyrillic sniff."""

from __future__ import annotations

import codecs
import re

from digest.errors import BinaryContentError

# UTF-32 first: the UTF-32-LE BOM (FF FE 00 00) begins with the UTF-16-LE one (FF FE).
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Media types whose body is text even though they are not text/*.
TEXT_TYPES = frozenset(
    {
        "application/xml",
        "application/xhtml+xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/feed+json",
        "application/json",
        "application/javascript",
        "application/xml-dtd",
    }
)
# Wide encodings: their text is full of NUL bytes, so they are read only when named (or when
# an XML declaration's first bytes show them, XML 1.0 appendix F).
_WIDE = ("utf-16", "utf-32")
_XML_WIDE = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
# Cyrillic single-byte charsets: which one a body is in is left to the detector.
CYRILLIC = ("cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic")
# Labels that say nothing about the body; the bytes are sniffed instead.
UNLABELLED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
# Single-byte legacy charsets: a body in them is almost never valid multi-byte UTF-8.
_SINGLE_BYTE = ("cp125", "iso8859", "koi8", "cp866", "mac-", "latin", "ascii")
_HEAD = 4096
_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def media_type(content_type: str | None) -> str:
    """The lower-case media type of a Content-Type header, without its parameters."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_text_type(content_type: str | None) -> bool:
    """Whether a Content-Type may carry text (text/*, XML, JSON, or no useful label)."""
    kind = media_type(content_type)
    return (
        kind.startswith("text/")
        or kind in TEXT_TYPES
        or kind in UNLABELLED
        or kind.endswith("+xml")
        or kind.endswith("-external-parsed-entity")  # text/ and application/ XML entities
    )


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a body to (text, encoding); raise BinaryContentError for binary bytes."""
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace"), encoding
    wide = _wide(body, content_type)
    if wide:
        return body.decode(wide, errors="replace"), wide
    if b"\x00" in body[:_HEAD] or b"\x00" in body[-_HEAD:]:
        raise BinaryContentError("binary content (NUL bytes in the body)")
    declared = _known(_declared(body, content_type))
    utf8 = _valid_utf8(body)
    if utf8 and (declared is None or declared == "utf-8" or _single_byte(declared)):
        return body.decode("utf-8"), "utf-8"
    if declared and declared != "utf-8":
        if declared == "cp1252" and _sniff_single_byte(body) == "cp1251":
            declared = _cyrillic(body)  # Cyrillic labelled Latin-1: high bytes run as whole words
        return body.decode(declared, errors="replace"), declared
    encoding = _sniff_single_byte(body)
    if encoding == "cp1251":
        encoding = _cyrillic(body)
    return body.decode(encoding, errors="replace"), encoding


def _wide(body: bytes, content_type: str | None) -> str | None:
    """The UTF-16/32 codec a BOM-less body is in, when its header or XML start says so."""
    match = _HEADER_CHARSET.search(content_type or "")
    name = _known(match.group(1)) if match else None
    if name is None:
        return next((enc for start, enc in _XML_WIDE if body.startswith(start)), None)
    if not name.startswith(_WIDE):
        return None
    if name in _WIDE:  # no byte order named and no BOM: big-endian (RFC 2781), unless the
        size = 2 if name == "utf-16" else 4  # first character is plainly ASCII little-endian
        first = body[:size]
        little = len(first) == size and first[0] != 0 and not any(first[1:])
        return f"{name}-le" if little else f"{name}-be"
    return name


def _cyrillic(body: bytes) -> str:
    """Which Cyrillic single-byte charset a body is in (cp1251 unless the detector is sure)."""
    from charset_normalizer import from_bytes

    best = from_bytes(body[:65536], cp_isolation=list(CYRILLIC)).best()
    if best is None:
        return "cp1251"
    return codecs.lookup(best.encoding).name


def _declared(body: bytes, content_type: str | None) -> str | None:
    """The charset named by the header, else by <meta>, else by the XML declaration."""
    match = _HEADER_CHARSET.search(content_type or "")
    if match:
        return match.group(1)
    head = body[:_HEAD]
    found = _META.search(head) or _XML_DECL.search(head)
    return found.group(1).decode("ascii") if found else None


def _known(label: str | None) -> str | None:
    """The Python codec name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    # Browsers read latin-1 and ascii labels as windows-1252; so do we.
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def _single_byte(name: str) -> bool:
    """Whether a codec is one of the legacy single-byte charsets often used mislabelled."""
    return name.startswith(_SINGLE_BYTE)


def _valid_utf8(body: bytes) -> bool:
    """Whether the bytes decode as strict UTF-8."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sniff_single_byte(body: bytes) -> str:
    """cp1251 when high bytes come in runs (whole Cyrillic words), else windows-1252.

    Both charsets put letters at 0xC0-0xFF; Cyrillic words are made of them end to end,
    while Western text has one accented letter among ASCII ones.
    """
    high = [i for i, b in enumerate(body) if b >= 0xC0]
    if not high:
        return "cp1252"
    size = len(body)
    paired = sum(
        1 for i in high if (i > 0 and body[i - 1] >= 0x80) or (i + 1 < size and body[i + 1] >= 0x80)
    )
    return "cp1251" if paired >= 0.5 * len(high) else "cp1252"
