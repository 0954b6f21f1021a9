"""Extraction: clean text, title, publication date (and how it was found) and language of one
Document, whatever its type (plain-text dump, Markdown, HTML) and encoding."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import trafilatura
import yaml

from digest.errors import DigestError
from digest.extract import dates
from digest.extract import plaintext as textclean
from digest.extract.fragment import fragment_paragraphs
from digest.extract.language import detect_language
from digest.fetch import charset
from digest.models import Document, Extracted

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I)


def extract(doc: Document, reference: datetime | None = None) -> Extracted:
    """Clean text, title, publication date (with method and note) and language of one Document."""
    reference = _aware(reference or doc.fetched_at)
    kind = doc.content_type.split(";")[0].strip().lower()
    text = decode(doc.content, _declared_charset(doc))
    if kind == "text/html" and doc.meta.get("own_text"):
        title, paragraphs, byline, found, author = _from_fragment(text)
    elif kind == "text/html":
        title, paragraphs, byline, found, author = _from_html(text, doc, reference)
    elif kind == "text/markdown":
        title, paragraphs, byline, found, author = _from_markdown(text, reference)
    elif kind == "text/plain":
        title, paragraphs, byline, found, author = _from_plain(text)
    else:
        raise DigestError(f"{_where(doc)}: cannot extract content of type '{doc.content_type}'")
    if not paragraphs:
        raise DigestError(f"{_where(doc)}: no article text could be extracted ({kind})")
    if doc.published:
        found = dates.FoundDate(_aware(doc.published), "meta", "given by the source")
    found = found or dates.find_date(byline, paragraphs, reference)
    body = "\n\n".join(paragraphs)
    return Extracted(
        title=doc.title or title,
        text=body,
        published=found.published,
        date_method=found.method,
        date_note=found.note,
        language=detect_language(body),
        author=doc.author or author or _author(byline),
    )


def _where(doc: Document) -> str:
    """How to name a document in an error message: its URL, its file, or its source."""
    return doc.url or doc.path or f"a document of source '{doc.source_id}'"


def _aware(moment: datetime) -> datetime:
    """A timezone-aware datetime; a naive one is taken to be UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _declared_charset(doc: Document) -> str | None:
    """The charset the source or the page declares: meta, content type, then <meta charset>."""
    declared = doc.meta.get("charset")
    m = re.search(r"charset=([\w:.-]+)", doc.content_type, re.I)
    if not declared and m:
        declared = m.group(1)
    if not declared and isinstance(doc.content, bytes):
        found = _DECLARED.search(doc.content[:4096])
        declared = found.group(1).decode("ascii") if found else None
    return declared


def decode(content: str | bytes, declared: str | None = None) -> str:
    """Text from raw bytes: BOM, the declared charset, UTF-8, or sniffed cp1251 and the like.

    The same decoder as for fetched pages (digest.fetch.charset), so a file and a download of
    the same page read the same; binary bytes are a DigestError.
    """
    if isinstance(content, str):
        return content
    return charset.decode(content, f"text/plain; charset={declared}" if declared else None)[0]


def _from_plain(text: str):
    """A plain-text dump through the cleaner."""
    page = textclean.clean_text(text, _guess_language(text))
    return page.title, list(page.paragraphs), list(page.byline_lines), None, None


def _from_fragment(markup: str):
    """A feed entry's or a channel post's own text: every block is the report (no page chrome)."""
    lines = fragment_paragraphs(markup)
    byline = [x for x in lines[:2] if textclean.is_byline(x)]
    return None, [x for x in lines if x not in byline], byline, None, None


def _guess_language(text: str) -> str | None:
    """The language of a whole dump (boilerplate included), to pick the cleaner's stoplist."""
    return detect_language(text[:5000])


def _from_html(html: str, doc: Document, reference: datetime):
    """Main text and metadata of an HTML page through trafilatura, tuned for precision."""
    params = {
        "max_date": reference.date().isoformat(),
        "original_date": True,
        "extensive_search": False,
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    }
    result = _trafilatura(html, doc, params, precision=True)
    if result is None or not (result.text or "").strip():
        # Short pages can fall below the precision threshold: ask once more, for recall, and
        # take what it finds only if it reads like an article, not a notice or a menu.
        result = _trafilatura(html, doc, params, precision=False)
        if result is not None and len((result.text or "").split()) < MIN_RECALL_WORDS:
            result = None
    if result is None or not (result.text or "").strip():
        raise DigestError(f"{_where(doc)}: no article text could be extracted (text/html)")
    lines = [re.sub(r"^[-•]\s+", "", " ".join(x.split())) for x in result.text.splitlines()]
    lines = [x for x in lines if x and x != result.title]
    byline = [x for x in lines[:3] if textclean.is_byline(x)]
    paragraphs = [x for x in lines if x not in byline]
    return result.title, paragraphs, byline, _meta_date(result.date, reference), result.author


MIN_RECALL_WORDS = 30  # what recall mode must find to count as an article


def _trafilatura(html: str, doc: Document, params: dict, precision: bool):
    """trafilatura's extraction in precision or recall mode; unparsable HTML is a DigestError."""
    try:
        return trafilatura.bare_extraction(
            html,
            url=doc.url,
            with_metadata=True,
            favor_precision=precision,
            favor_recall=not precision,
            include_comments=False,
            date_extraction_params=params,
        )
    except (ValueError, TypeError) as exc:
        raise DigestError(f"{_where(doc)}: the HTML cannot be parsed ({exc})") from exc


def _meta_date(value: str | None, reference: datetime) -> dates.FoundDate | None:
    """The page-metadata date as a FoundDate, unless it is missing or after the reference."""
    moment = parse_datetime(value) if value else None
    if moment is None or moment > reference:
        return None
    note = "from the page metadata"
    if moment.time() == datetime.min.time() and moment.utcoffset() == timedelta(0):
        moment = moment.replace(hour=12)
        note += f"; {dates.NO_TIME}"
    return dates.FoundDate(moment, "meta", note)


def _from_markdown(text: str, reference: datetime):
    """Markdown: front matter read for title and date, markup turned into plain paragraphs."""
    front, body = split_front_matter(text)
    paragraphs = textclean.markdown_paragraphs(body)
    heading = paragraphs.pop(0) if paragraphs and body.lstrip().startswith("# ") else None
    title = front.get("title") or heading
    found = _front_date(front, reference)
    byline = [x for x in paragraphs[:3] if textclean.is_byline(x)]
    author = front.get("author")
    return title, [x for x in paragraphs if x not in byline], byline, found, author


def split_front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter (between --- lines at the top) as a dict, and the rest of the text."""
    m = re.match(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", text, re.S)
    if not m:
        return {}, text
    try:
        front = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DigestError(f"invalid YAML front matter: {str(exc).splitlines()[0]}") from exc
    if not isinstance(front, dict):
        raise DigestError("the front matter is not a mapping of fields")
    return front, text[m.end() :]


def _front_date(front: dict, reference: datetime) -> dates.FoundDate | None:
    """The date field of front matter (date, published, pubDate) as a FoundDate."""
    value = next((front[k] for k in ("date", "published", "pubDate") if front.get(k)), None)
    if isinstance(value, datetime):
        return dates.FoundDate(_aware(value), "meta", "from the front matter")
    if isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, 12, tzinfo=UTC)
        return dates.FoundDate(moment, "meta", f"from the front matter; {dates.NO_TIME}")
    parsed = parse_datetime(str(value)) if value else None
    if value and parsed is None:
        raise DigestError(f"front matter date '{value}' is not an ISO date")
    return _meta_date(str(value), reference) if parsed else None


def _author(byline: list[str]) -> str | None:
    """The name in a 'by NAME …' byline line, if there is one."""
    for line in byline:
        m = re.match(r"(?i:by)\s+((?:[A-ZА-ЯЁІЎ][\w.’'-]+\s?){1,4})", line)
        words = m.group(1).split() if m else []
        name = [
            w
            for w in words[
                : next(
                    (i for i, w in enumerate(words) if w.lower().strip(".") in dates.MONTHS), None
                )
            ]
        ]
        if name:
            return " ".join(name)
    return None


def parse_datetime(value: str) -> datetime | None:
    """An ISO date or datetime string as an aware datetime (UTC when no zone), or None."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return _aware(moment)
