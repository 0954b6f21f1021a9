"""The boilerplate phrase rules: page furniture is recognised, article sentences are not."""

from digest.extract.boilerplate import furniture_hits, is_byline, is_menu_line, is_update_line


def test_furniture_in_several_languages_is_recognised():
    for line in (
        "Subscribe to our newsletter",
        "Читайте также:",
        "Czytaj też",
        "Share on Facebook",
    ):
        assert furniture_hits(line) >= 1, line


def test_ordinary_sentences_that_share_words_with_furniture_are_not():
    for line in (
        "The court ordered him to sign a pledge not to leave and to share his passwords.",
        "Минск и Москва договорились войти в состав совместной группировки.",
    ):
        assert furniture_hits(line) == 0, line


def test_menus_bylines_and_update_lines():
    assert is_menu_line("EN | BY | RU") and is_menu_line("1 / 8")
    assert not is_menu_line("Lukashenka met Putin in Sochi on Monday.")
    assert is_byline("By Anna Smith, January 16, 2025")
    assert is_update_line("Updated: January 17, 2025 10:15")
    assert not is_update_line("On January 17 the ministry updated its figures.")
