"""The topic filter: does an article concern the digest's subject (Belarus), and by which words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# Letters that do not lose their marks under Unicode decomposition, or that differ
# between Belarusian and Russian spellings of the same name (Мінск / Минск).
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "і": "и", "ї": "и", "ё": "е"})


@dataclass(frozen=True)
class Topic:
    """A subject as terms: `stem*` matches any word starting so, a plain term a whole word."""

    name: str
    terms: tuple[str, ...]
    title_weight: int = 3  # a title mention counts this many text mentions
    threshold: int = 2  # a score at least this is relevant

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """One regex over the folded terms, each starting at a word boundary."""
        alternatives = []
        for term in sorted({fold(t) for t in self.terms}, key=len, reverse=True):
            stem = re.escape(term.rstrip("*"))
            alternatives.append(stem + r"\w*" if term.endswith("*") else stem + r"(?!\w)")
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")")


@dataclass(frozen=True)
class Relevance:
    """How strongly a text concerns a topic: the score and the words that matched."""

    relevant: bool
    score: int
    matched: tuple[str, ...]  # the distinct matched words, folded, in order of appearance


def fold(text: str) -> str:
    """Lower-case text without diacritics, with Belarusian і/ў read as Russian и/у."""
    text = text.casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FOLD)


def relevance(text: str, title: str | None, topic: Topic) -> Relevance:
    """Score a text against a topic: mentions in the text plus weighted mentions in the title."""
    in_text = topic.pattern.findall(fold(text or ""))
    in_title = topic.pattern.findall(fold(title or ""))
    score = len(in_text) + topic.title_weight * len(in_title)
    matched = tuple(dict.fromkeys(in_title + in_text))
    return Relevance(score >= topic.threshold, score, matched)


def is_relevant(text: str, title: str | None, topic: Topic) -> bool:
    """Whether an article concerns the topic enough to keep (see relevance() for the why)."""
    return relevance(text, title, topic).relevant


# The Belarus Review's subject: the country, its capital and regions, its ruler and its
# opposition leader, in English, Belarusian Łacinka, Belarusian and Russian Cyrillic.
BELARUS = Topic(
    name="belarus",
    terms=(
        "belarus*",
        "belorus*",
        "byelorus*",
        "bielarus*",
        "беларус*",
        "белорус*",
        "lukashenk*",
        "lukasenk*",
        "лукашенк*",
        "лукашэнк*",
        "minsk*",
        "miensk*",
        "минск*",
        "tsikhanousk*",
        "tsikhanovsk*",
        "tikhanovsk*",
        "cichanousk*",
        "тихановск*",
        "циханоуск*",
        "hrodn*",
        "grodn*",
        "гродн*",
        "homiel*",
        "gomel*",
        "гомел*",
        "homel*",
        "mahiliou*",
        "mogilev*",
        "магилеу*",
        "могилев*",
        "vitsebsk*",
        "vitebsk*",
        "витебск*",
        "вицебск*",
        "astravets*",
        "ostrovets*",
        "viasna",
        "вясна",
    ),
)
DEFAULT_TOPIC = BELARUS
