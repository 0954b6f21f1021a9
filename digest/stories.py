"""Stories: one per event, with its dated paragraph and credited sources."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from digest.config import Settings
from digest.models import Credit, Item, Story

MAX_WORDS = 180
_BREAK = re.compile(r"[.!?…][\"”’»)]?\s+(?=[A-Z\"“«‘(А-ЯЁІЎŁŠŽČ0-9])")
_ABBREVIATIONS = frozenset(
    "u.s u.k u.n e.u mr mrs ms dr st gen lt col maj sgt capt adm prof jr sr no vs etc approx"
    " jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def stories_from_items(items: list[Item], settings: Settings) -> list[Story]:
    """One story per item: a past issue's paragraph as written, an article's lead sentences."""
    return [story_from_item(item, settings) for item in items if item.section]


def story_from_item(item: Item, settings: Settings) -> Story:
    """The story of a single item."""
    paragraph = item.text if item.origin == "past_issue" else lead(item.text)
    return Story(
        section=item.section or "",
        date=item.published.astimezone(settings.zone).date() if item.published else None,
        paragraph=paragraph,
        items=(item,),
        credits=(credit(item, settings),),
        title=item.title,
        score=item.section_score,
        sentence_sources=tuple(0 for _ in split_sentences(paragraph)),
    )


def lead(text: str, max_words: int = MAX_WORDS) -> str:
    """The article's opening sentences, whole, up to max_words (at least one sentence)."""
    chosen: list[str] = []
    words = 0
    for sentence in split_sentences(text):
        n = len(sentence.split())
        if chosen and words + n > max_words:
            break
        chosen.append(sentence)
        words += n
    return " ".join(chosen)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text (paragraph breaks are sentence breaks)."""
    out: list[str] = []
    for para in re.split(r"\n+", text):
        start = 0
        for m in _BREAK.finditer(para):
            if _is_abbreviation(para[start : m.start() + 1]):
                continue
            out.append(para[start : m.end()].strip())
            start = m.end()
        out.append(para[start:].strip())
    return [s for s in out if s]


def _is_abbreviation(text: str) -> bool:
    """Whether text ends in an abbreviation or an initial ("U.S.", "Gen.", "A.") not a sentence."""
    word = text.rsplit(None, 1)[-1] if text.split() else ""
    word = word.lstrip("“\"(«‘").rstrip(".").casefold()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def credit(item: Item, settings: Settings) -> Credit:
    """How a story credits an item's outlet: always named, linked only where policy allows."""
    source = settings.source(item.source_id) if item.source_id in settings.source_ids else None
    name = item.outlet or (source.name if source else item.source_id)
    url = item.url if item.url and link_allowed(item.url, item.source_id, settings) else None
    return Credit(name=name, url=url)


def link_allowed(url: str, source_id: str, settings: Settings) -> bool:
    """False when the item's source, or any source whose domains the URL is on, says link: false."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host or urlsplit(url).scheme not in ("http", "https"):
        return False
    for source in settings.sources:
        if source.id == source_id and not source.link:
            return False
        domains = {d.lower().removeprefix("www.") for d in source.domains}
        if not source.link and any(host == d or host.endswith("." + d) for d in domains):
            return False
    return True
