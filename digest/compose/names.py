"""Names across spellings: fold Cyrillic, Łacinka and English transliterations to one Latin key.

"Lukashenka", "Lukashenko", "Łukašenka", "Лукашенко" and "Лукашэнка" all fold to the key
"lksnk": the word is transliterated to plain Latin, spelling digraphs are reduced to one letter
(sh, sz, š → s; kh, ch, č, g, h → h; ts, c → c), a "u" that closes a syllable becomes "v" (the
Belarusian ў), and the vowels after the first letter are dropped. Names whose spellings differ in
more than that (Tsikhanouskaya and the Russian Tikhanovskaya) are joined by a small table.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CYRILLIC_LATIN = (
    "a b v h g d e o e zh z i i i j k l m n o p r s t u u f kh ts ch sh shch - y - e u a"
)
_CYRILLIC = dict(
    zip("абвгґдеёєжзиіїйклмнопрстуўфхцчшщъыьэюя", _CYRILLIC_LATIN.split(), strict=True)
)
_LATIN_LETTERS = {"ł": "l", "ŭ": "u", "č": "ch", "ć": "c", "ß": "ss", "ø": "o", "æ": "e"}
_DIGRAPHS = (
    ("shch", "s"), ("sch", "s"), ("sz", "s"), ("sh", "s"), ("zh", "z"), ("rz", "z"),
    ("cz", "h"), ("kh", "h"), ("ch", "h"), ("dz", "d"), ("ts", "c"), ("tz", "c"),
    ("ph", "f"), ("x", "ks"), ("q", "k"), ("w", "v"), ("g", "h"),
)  # fmt: skip
_CLOSING_U = re.compile(r"(?<=[aeio])u(?=[^aeiouy]|$)")
_VOWELS = re.compile(r"[aeiouyj]+")
_REPEATS = re.compile(r"(.)\1+")

# Frequent names whose spellings differ beyond what the fold joins: canonical → variants.
VARIANTS: dict[str, tuple[str, ...]] = {
    "Tsikhanouskaya": ("Tikhanovskaya", "Tichanovskaja", "Tichanowska", "Тихановская"),
    "Tsikhanouski": ("Tikhanovsky", "Tikhanovskiy", "Tichanovskij", "Тихановский"),
    "Uladzimir": ("Vladimir", "Wladimir", "Włodzimierz", "Владимир"),
    "Mikalai": ("Nikolai", "Nikolay", "Mikola", "Николай"),
    "Viciebsk": ("Vitebsk", "Witebsk", "Витебск"),
    "Pyotr": ("Piotr", "Petr", "Pyatro", "Пётр", "Пятро"),
    "Aleh": ("Oleg", "Олег"),
    "Yury": ("Yuri", "Juryj", "Iouri", "Юрий", "Юрый"),
}

# Capitalised words that are not names (sentence openers, months, days, titles).
_NOT_NAMES = frozenset(
    """the a an on in at of for from to by with and or but if as it its this that these those
    there their they he she his her we our you your i is was were be has have had not no yes
    after before during since until while when where what which who whom why how also however
    meanwhile earlier later today yesterday tomorrow according some several many most all both
    one two three four five six seven eight nine ten first second third last next new over under
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december mr mrs ms dr president minister
    prime deputy head chief general colonel state secretary ministry committee office court
    in-absentia photo source read more""".split()
)
_WORD = re.compile(r"[^\W\d_](?:[\w’'-]*\w)?")


def name_key(word: str) -> str:
    """The Latin key of one word, equal across its transliterations (variants joined)."""
    key = _fold(word)
    return _variant_keys().get(key, key)


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """The transliteration fold of one word, before the variant table."""
    word = word.casefold().replace("’", "").replace("'", "")
    text = "".join(_CYRILLIC.get(ch, ch) for ch in word)
    text = "".join(_LATIN_LETTERS.get(ch, ch) for ch in text).replace("-", "")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())
    text = _CLOSING_U.sub("v", text)
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    if not text:
        return ""
    head = "a" if text[0] in "aeiouyj" else text[0]
    return _REPEATS.sub(r"\1", head + _VOWELS.sub("", text[1:]))


@lru_cache(maxsize=1)
def _variant_keys() -> dict[str, str]:
    """The fold of every variant spelling mapped to the fold of its canonical name."""
    table: dict[str, str] = {}
    for canonical, variants in VARIANTS.items():
        for variant in variants:
            table[_fold(variant)] = _fold(canonical)
    return table


def name_tokens(text: str) -> list[str]:
    """The name-like words of a text in order: capitalised, not a common word, not seen lower.

    A word opening a sentence is taken unless it is a common word: names often open sentences
    ("Viasna says ..."), and a stray "Talks" costs the similarity models little.
    """
    words = _WORD.findall(text)
    lower = {w.casefold() for w in words if w[0].islower()}
    found = []
    for word in words:
        folded = word.casefold()
        if not word[0].isupper() or len(word) < 3 or folded in _NOT_NAMES or folded in lower:
            continue
        if word.isupper() and not _is_acronym(word):
            continue
        found.append(word)
    return found


def _is_acronym(word: str) -> bool:
    """Whether a word is an all-capitals acronym of three letters or more (OSCE, KGB, ISW)."""
    return word.isupper() and 3 <= len(word) <= 6


def name_keys(text: str) -> set[str]:
    """The set of name keys of a text: the names it mentions, whatever the spelling."""
    return {k for k in (name_key(w) for w in name_tokens(text)) if len(k) >= 2}


def fold_names(text: str) -> str:
    """The text with each name-like word replaced by "n_<key>", so spellings meet in a model."""
    names = set(name_tokens(text))
    return _WORD.sub(lambda m: f"n_{name_key(m[0])}" if m[0] in names else m[0], text)


def same_name(a: str, b: str) -> bool:
    """Whether two words or multi-word names are spellings of one name (every word matches)."""
    left, right = a.split(), b.split()
    return len(left) == len(right) and all(
        name_key(x) == name_key(y) for x, y in zip(left, right, strict=True)
    )
