"""The topic filter: does an article concern the digest's subject (Belarus), and by which words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

# Letters that do not lose their marks under Unicode decomposition, or that differ
# between Belarusian and Russian spellings of the same name (Мінск / Минск).
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "і": "и", "ї": "и", "ё": "е"})
MODEL_BACKED_CONFIDENCE = 0.6  # a section label this sure makes one mention of the topic enough


# Belarusian letters read as Russian ones for stemming: і и, ў в (Магілёў / Могилёв,
# Ціханоўская / Тихановская), э е; ц and дз soften to т and д before a soft vowel
# (Віцебск / Витебск, Дзмітрый / Дмитрий).
_BE_LETTERS = re.compile(r"[іўэ]")
_BE_MAP = str.maketrans({"і": "и", "ў": "в", "э": "е"})
_BE_SOFT = ((re.compile(r"дз(?=[ьіеёюя])"), "д"), (re.compile(r"ц(?=[ьіеёюя])"), "т"))
# Spellings that differ by vowel reduction (akanye) or by soft signs fold together on the stem.
_COARSE = str.maketrans({"о": "а", "я": "а", "е": "а", "ы": "и", "й": "и", "ь": None, "щ": "ш"})
# Belarusian case endings the Russian stemmer does not know, rewritten to their Russian form.
_BE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("скага", "ского"), ("скаму", "скому"), ("скай", "ской"), ("ага", "ого"),
    ("аў", "ов"), ("еў", "ев"), ("ай", "ой"), ("ссю", "сью"),
)  # fmt: skip
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """The Snowball stemmer for Russian (PyStemmer), which Belarusian words go through as well."""
    import Stemmer

    return Stemmer.Stemmer("russian")


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """One key for the inflections and the Belarusian and Russian spellings of a Cyrillic word:
    Лукашенко, Лукашенку, Лукашэнка and Лукашэнкі all give the same key."""
    w = _letters(word)
    stem = _coarse(_stemmer().stemWord(w))
    # a place name's -ов/-ев is its stem, not a case ending: Могилёв and Могилеве meet
    return stem[:-2] if len(stem) > 5 and stem.endswith("ав") else stem


def _letters(word: str) -> str:
    """A Cyrillic word in Russian letters: Belarusian letters, softenings and endings mapped."""
    w = unicodedata.normalize("NFC", word).casefold().replace("ё", "е")
    w = re.sub(r"['’ʼ]", "", w)
    if _BE_LETTERS.search(word.casefold()):
        for pattern, hard in _BE_SOFT:
            w = pattern.sub(hard, w)
        ending = next((e for e in _BE_ENDINGS if len(w) > 5 and w.endswith(e[0])), None)
        if ending:
            w = w[: -len(ending[0])] + ending[1]
        w = w.translate(_BE_MAP)
    return w


def _coarse(stem: str) -> str:
    """A stem with reduced vowels and soft signs folded, so both languages' spellings meet."""
    return stem.replace("шч", "ш").translate(_COARSE)


def _prefix_key(prefix: str) -> str:
    """A `stem*` term's Cyrillic stem folded as word keys are, without stemming it again."""
    w = prefix.casefold().replace("ё", "е")
    if _BE_LETTERS.search(w):
        for pattern, hard in _BE_SOFT:
            w = pattern.sub(hard, w)
        w = w.translate(_BE_MAP)
    return _coarse(w)


@dataclass(frozen=True)
class Topic:
    """A subject as terms: `stem*` matches any word starting so, a plain term a whole word;
    Cyrillic terms match every inflection and both Belarusian and Russian spellings."""

    name: str
    terms: tuple[str, ...]
    title_weight: int = 3  # a title mention counts this many text mentions
    threshold: int = 2  # a score at least this is relevant

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """One regex over the folded Latin terms, each starting at a word boundary."""
        alternatives = []
        latin = [t for t in self.terms if not _CYRILLIC.search(t)]
        for term in sorted({fold(t) for t in latin}, key=len, reverse=True):
            stem = re.escape(term.rstrip("*"))
            alternatives.append(stem + r"\w*" if term.endswith("*") else stem + r"(?!\w)")
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives or ["(?!)"]) + ")")

    @cached_property
    def cyrillic(self) -> tuple[tuple[str, ...], frozenset[str]]:
        """The Cyrillic terms as folded prefixes (`stem*`) and as word keys (whole words)."""
        terms = [t for t in self.terms if _CYRILLIC.search(t)]
        prefixes = tuple(_prefix_key(t.rstrip("*")) for t in terms if t.endswith("*"))
        words = frozenset(word_key(t) for t in terms if not t.endswith("*"))
        return prefixes, words

    def mentions(self, text: str) -> list[str]:
        """The words of a text that name the topic, folded, in order of appearance."""
        found = [(m.start(), m.group()) for m in self.pattern.finditer(fold(text))]
        prefixes, words = self.cyrillic
        if prefixes or words:
            for m in _WORD.finditer(text):
                if _CYRILLIC.search(m.group()):
                    key = word_key(m.group())
                    whole = _coarse(_letters(m.group()))
                    if key in words or key.startswith(prefixes) or whole.startswith(prefixes):
                        found.append((m.start(), fold(m.group())))
        return [word for _, word in sorted(found)]


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
    in_text = topic.mentions(text or "")
    in_title = topic.mentions(title or "")
    score = len(in_text) + topic.title_weight * len(in_title)
    matched = tuple(dict.fromkeys(in_title + in_text))
    return Relevance(score >= topic.threshold, score, matched)


def is_relevant(text: str, title: str | None, topic: Topic) -> bool:
    """Whether an article concerns the topic enough to keep (see relevance() for the why)."""
    return relevance(text, title, topic).relevant


def on_topic(found: Relevance, label: str, confidence: float, focused: bool) -> bool:
    """The model's label and the topic's words together: off_topic never is; a focused outlet's
    items always are; otherwise enough mentions, or one mention backed by a confident section
    label (a short report that names the country once is still about it)."""
    if label == "off_topic":
        return False
    if focused or found.relevant:
        return True
    return found.score >= 1 and confidence >= MODEL_BACKED_CONFIDENCE


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
