"""Stories: one per event, with its dated paragraph and credited sources."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from digest.config import Settings
from digest.models import Credit, Item, Story

MAX_WORDS = 180
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]?\s+(?=[A-Z\"“«‘(А-ЯЁІЎ])")


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
    for para in re.split(r"\n\s*\n|\n", text):
        out.extend(s.strip() for s in _SENTENCE_END.split(para.strip()) if s.strip())
    return out


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
