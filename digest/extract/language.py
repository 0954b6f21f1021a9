"""Which language a text is in, among the languages of the region the review covers.

py3langid knows 97 languages; unrestricted it sends short Russian texts to Bulgarian, Serbian or
Macedonian. The identifier here is limited to the languages the review's sources publish in, so
that it tells Belarusian from Russian and Ukrainian in short texts too."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

REGION_LANGUAGES = ("be", "ru", "uk", "en", "pl", "lt")
MIN_LANGUAGE_LETTERS = 40  # fewer letters than this is too short to tell the language


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """An identifier of our own (py3langid's shared one is left alone), restricted to the region."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(REGION_LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of a text among REGION_LANGUAGES, or None when it is too short to tell."""
    if sum(c.isalpha() for c in text[:2000]) < MIN_LANGUAGE_LETTERS:
        return None
    return str(_identifier().classify(text[:1500])[0])
