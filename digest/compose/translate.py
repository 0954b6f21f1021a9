"""Machine translation of the stories reported only in other languages (off unless configured).

With `translate:` set, a story whose reports are all in another language gets its lead translated
into the digest's language by a self-hosted LibreTranslate server (its /translate API) or by the
`llm:` chat endpoint. The translation is kept only when it carries the original's facts: every
number, no number or date the original does not give, and every name it prints found in the
original (across alphabets). Otherwise the story keeps waiting for the editor, and its note says
why. A kept one is marked as machine-translated in the draft."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import replace

from digest.compose.generate import unsupported_dates
from digest.compose.llm import chat
from digest.compose.names import name_key
from digest.compose.paragraph import first_person
from digest.errors import DigestError, LLMError
from digest.models import Story
from digest.settings.parts import TranslateConfig
from digest.settings.schema import Settings
from digest.weeks import MONTHS

log = logging.getLogger(__name__)
LANGUAGE_NAMES = {"ru": "Russian", "be": "Belarusian", "uk": "Ukrainian", "pl": "Polish",
                  "lt": "Lithuanian", "en": "English"}  # fmt: skip
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# Month names in the region's languages (stems), so a translated date can be checked.
_MONTH_STEMS = (
    ("январ", "студзен", "stycz", "sausio", "січн"),
    ("феврал", "лют", "luty", "lutego", "vasario"),
    ("март", "сакавік", "marz", "kovo", "берез"),
    ("апрел", "красавік", "kwie", "balandžio", "квіт"),
    ("ма[йя]", "травен", "травн", "maj", "gegužės"),
    ("июн", "чэрвен", "czerw", "birželio", "черв"),
    ("июл", "ліпен", "lip", "liepos", "лип"),
    ("август", "жнівен", "sierp", "rugpjūčio", "серп"),
    ("сентябр", "верас", "wrze", "rugsėjo", "верес"),
    ("октябр", "кастрычнік", "październik", "października", "spalio", "жовт"),
    ("ноябр", "лістапад", "listopad", "lapkričio"),
    ("декабр", "снежан", "grud", "gruodžio"),
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s+([^\W\d_]+)", re.U)


class TranslationError(DigestError):
    """A translation service that failed or answered with something that is not a translation."""


def translate_waiting(stories: list[Story], settings: Settings) -> list[Story]:
    """Each waiting story with a checked machine translation of its lead, where one holds."""
    if settings.translate is None:
        return stories
    return [_translated(s, settings) if s.waiting and s.paragraph else s for s in stories]


def _translated(story: Story, settings: Settings) -> Story:
    """The story with a faithful translation as its paragraph; else waiting, with the reason."""
    source = story.language or "auto"
    target = settings.digest.language
    try:
        text = translate(story.paragraph, source, target, settings)
    except (TranslationError, LLMError) as exc:
        log.warning("story %s: translation failed, it waits for the editor: %s", story.key, exc)
        return replace(story, paragraph_note=f"{story.paragraph_note}; translation failed: {exc}")
    problems = unfaithful(story.paragraph, text)
    if problems:
        note = f"{story.paragraph_note}; machine translation rejected: {problems}"
        return replace(story, paragraph_note=note)
    service = settings.translate.service if settings.translate else "?"
    note = f"machine-translated from {source} ({service}); numbers, dates and names checked"
    return replace(
        story, paragraph=text, language=None, waiting=False, translated=True, paragraph_note=note
    )


def translate(text: str, source: str, target: str, settings: Settings) -> str:
    """The text in the target language, from the configured service; one-line errors."""
    config = settings.translate
    if config is None:
        raise TranslationError("no translate: service is configured")
    if config.service == "chat":
        if settings.llm is None:
            raise TranslationError("translate.service is chat but no llm: endpoint is configured")
        return _by_chat(text, source, target, settings)
    return _by_libretranslate(text, source, target, config)


def _by_chat(text: str, source: str, target: str, settings: Settings) -> str:
    """A translation from the OpenAI-compatible chat endpoint."""
    assert settings.llm is not None
    names = (LANGUAGE_NAMES.get(source, source), LANGUAGE_NAMES.get(target, target))
    system = (
        f"Translate the user's {names[0]} news text into {names[1]}. Keep every name, number"
        " and date exactly; write in the third person and the past tense; add nothing."
        " Reply with the translation only."
    )
    messages = [{"role": "system", "content": system}, {"role": "user", "content": text}]
    return " ".join(chat(settings.llm, messages).split())


def _by_libretranslate(text: str, source: str, target: str, config: TranslateConfig) -> str:
    """A translation from a LibreTranslate server (POST {base_url}/translate)."""
    import httpx

    if not config.base_url:
        raise TranslationError("translate.base_url is needed for LibreTranslate")
    body = {"q": text, "source": source, "target": target, "format": "text"}
    if config.api_key_env:
        key = os.environ.get(config.api_key_env)
        if not key:
            raise TranslationError(f"the translation key variable {config.api_key_env} is not set")
        body["api_key"] = key
    url = config.base_url.rstrip("/") + "/translate"
    try:
        response = httpx.post(url, json=body, timeout=config.timeout)
    except httpx.HTTPError as exc:
        raise TranslationError(f"{url}: {type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        raise TranslationError(f"{url}: HTTP {response.status_code}: {response.text[:200]}")
    try:
        translated = response.json()["translatedText"]
    except (ValueError, KeyError, TypeError):
        raise TranslationError(f"{url}: the reply is not a LibreTranslate answer") from None
    if not isinstance(translated, str) or not translated.strip():
        raise TranslationError(f"{url}: the translation is empty")
    return " ".join(translated.split())


def unfaithful(original: str, translated: str) -> str:
    """What a translation loses or changes of the original ("" when its facts hold)."""
    problems = []
    had, has = _numbers(original), _numbers(translated)
    problems += [f"number {n} lost" for n in sorted(had - has)]
    problems += [f"number {n} added" for n in sorted(has - had)]
    problems += [f"date {d}" for d in unsupported_dates(translated, _as_english(original), set())]
    known = {name_key(w) for w in re.findall(r"[^\W\d_][\w’'-]*", original)}
    problems += [
        f"name {n}" for n in dict.fromkeys(_printed_names(translated)) if not _known(n, known)
    ]
    if first_person(translated):
        problems.append("first person outside quotes")
    return ", ".join(problems)


def _printed_names(text: str) -> list[str]:
    """Capitalised words inside sentences (a sentence's first word may be any word), months and
    weekdays aside: the names a translation prints."""
    calendar = {m.casefold() for m in MONTHS} | set(WEEKDAYS)
    names = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        words = re.findall(r"[^\W\d_][\w’'-]*", sentence)
        names += [w for w in words[1:] if w[0].isupper() and w.casefold() not in calendar]
    return names


def _numbers(text: str) -> set[str]:
    """The figures of a text, with decimal commas read as points."""
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}


def _as_english(text: str) -> str:
    """The text with "14 января" style dates also written "14 January", for the date check."""
    extra = []
    for day, word in _DAY_MONTH.findall(text):
        low = word.casefold()
        for month, stems in enumerate(_MONTH_STEMS, start=1):
            if any(re.match(stem, low) for stem in stems):
                extra.append(f"{day} {MONTHS[month - 1]}")
    return text + "\n" + " ".join(extra)


def _known(name: str, known: set[str]) -> bool:
    """Whether a printed name is in the original: the same key, or one inflection of it (an
    ending adds or drops letters at the end of the key)."""
    key = name_key(name)
    if key in known or len(key) <= 2:
        return True
    return any(len(k) >= 3 and (k.startswith(key) or key.startswith(k)) for k in known)
