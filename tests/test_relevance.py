"""The topic filter: Belarus in any of its spellings is on topic; other news is not."""

from __future__ import annotations

import pytest

from digest.label.topic import BELARUS, Topic, fold, is_relevant, on_topic, relevance, word_key


def test_fold_removes_marks_and_reads_belarusian_letters_as_russian() -> None:
    assert fold("Łukašenka") == "lukasenka"
    assert fold("Мінск") == fold("Минск") == "минск"
    assert fold("Ціханоўская") == "циханоуская"
    assert fold("Cichanoŭskaja") == "cichanouskaja"


@pytest.mark.parametrize(
    "title",
    [
        "Belarusian athletes barred from the games",
        "Belarusians queue at the border",
        "Lukashenka signs a decree on pensions",
        "Lukashenko's visit to Beijing",
        "Łukašenka pryznačyŭ novaha premjera",
        "Лукашенко провёл совещание",
        "Лукашэнка сустрэўся з паслом",
        "В Беларуси выросли цены",
        "Белоруссия и Россия подписали соглашение",
        "Tsikhanouskaya addresses the Bundestag",
        "Тихановская выступила в Сейме",
        "Ціханоўская сустрэлася з міністрам",
        "Протест у Мінску",
        "Concert cancelled in Minsk",
    ],
)
def test_a_title_mention_in_any_spelling_is_enough(title: str) -> None:
    assert is_relevant("A short body without any names.", title, BELARUS)


def test_two_mentions_in_the_body_are_enough_without_a_title() -> None:
    body = "Officials in Minsk said on Monday that the Belarusian border would stay closed."
    result = relevance(body, None, BELARUS)
    assert result.relevant
    assert result.matched == ("minsk", "belarusian")


def test_one_passing_mention_in_a_long_foreign_story_is_not_enough() -> None:
    body = (
        "The Portuguese parliament debated the budget for a third day. Ministers defended "
        "the tax plan, and a delegation that had earlier visited Belarus was not discussed."
    )
    result = relevance(body, "Lisbon budget debate drags on", BELARUS)
    assert not result.relevant
    assert result.score == 1


def test_unrelated_news_is_off_topic() -> None:
    assert not is_relevant("Rain is expected over Bavaria all weekend.", "Weather", BELARUS)
    assert relevance("", None, BELARUS).score == 0


def test_stems_match_only_at_word_starts() -> None:
    # "Dominsky" contains "minsk" but is another word.
    assert relevance("Dominsky and Aminskaya met.", None, BELARUS).score == 0


def test_a_custom_topic_with_whole_word_and_stem_terms() -> None:
    topic = Topic(name="baltic", terms=("riga", "latvi*"), threshold=1)
    assert is_relevant("Talks in Riga ended.", None, topic)
    assert is_relevant("The Latvian minister spoke.", None, topic)
    assert not is_relevant("Rigatoni for dinner.", None, topic)


@pytest.mark.parametrize(
    "forms",
    [
        ("Лукашенко", "Лукашенку", "Лукашенкой", "Лукашэнка", "Лукашэнкі", "Лукашэнкам"),
        ("Минск", "Минске", "Мінск", "Мінску"),
        ("Могилёв", "Могилеве", "Магілёў", "Магілёве"),
        ("Витебск", "Витебске", "Віцебск", "Віцебску"),
        ("Тихановская", "Тихановской", "Ціханоўская", "Ціханоўскай"),
    ],
)
def test_russian_and_belarusian_inflections_fold_to_one_key(forms) -> None:
    assert len({word_key(w) for w in forms}) == 1


def test_different_words_keep_different_keys() -> None:
    keys = [word_key(w) for w in ("Лукашенко", "Минск", "Могилёв", "Литва", "Польша", "Гомель")]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    "body",
    [
        "Встреча с Лукашенкой продлилась три часа, а затем Лукашенко уехал в Гродно.",
        "Сустрэча з Лукашэнкам доўжылася тры гадзіны, потым Лукашэнка паехаў у Гродна.",
        "У Магілёве і Віцебску затрымалі яшчэ восем чалавек.",
    ],
)
def test_inflected_cyrillic_mentions_count(body) -> None:
    assert relevance(body, None, BELARUS).score >= 2
    assert is_relevant(body, None, BELARUS)


def test_the_country_in_every_case_matches_its_term() -> None:
    for word in ("Беларусь", "Беларуси", "Беларусі", "Беларуссю", "Белоруссия", "беларусаў"):
        assert relevance(word, None, BELARUS).score == 1, word


def test_one_mention_is_enough_when_the_model_is_sure_of_a_section() -> None:
    body = (
        "On March 5, the Belarusian Ministry of Defense launched a snap combat readiness check "
        "of the 120th brigade; units moved to training grounds and set up field camps."
    )
    found = relevance(body, None, BELARUS)
    assert found.score == 1 and not found.relevant
    assert on_topic(found, "military", 0.9, focused=False)
    assert not on_topic(found, "military", 0.4, focused=False)  # an unsure model: not enough
    assert not on_topic(found, "off_topic", 0.99, focused=False)
    nothing = relevance("Rain over Bavaria all weekend.", None, BELARUS)
    assert not on_topic(nothing, "military", 0.99, focused=False)
    assert on_topic(nothing, "military", 0.2, focused=True)
