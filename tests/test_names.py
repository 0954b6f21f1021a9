"""Names across spellings: one key for every transliteration of a name, names found in text."""

import pytest

from digest.compose.names import fold_names, name_key, name_keys, name_tokens, same_name

SPELLINGS = [
    ("Lukashenka", "Lukashenko", "Łukašenka", "Лукашенко", "Лукашэнка", "Łukaszenka"),
    ("Tsikhanouskaya", "Tikhanovskaya", "Cichanoŭskaja", "Тихановская", "Ціханоўская"),
    ("Aliaksandr", "Alexander", "Aleksandr", "Александр", "Аляксандр"),
    ("Halouchanka", "Golovchenko", "Галоўчанка", "Головченко"),
    ("Hrodna", "Grodno", "Гродна", "Гродно"),
    ("Bialiatski", "Belyatsky", "Bialacki", "Бяляцкі", "Беляцкий"),
    ("Valfovich", "Volfovich", "Вольфович"),
    ("Viciebsk", "Vitebsk", "Vitsebsk", "Віцебск"),
]


@pytest.mark.parametrize("spellings", SPELLINGS, ids=lambda s: s[0])
def test_every_spelling_of_a_name_has_one_key(spellings):
    assert len({name_key(s) for s in spellings}) == 1


def test_different_names_keep_different_keys():
    keys = [name_key(n) for n in ("Lukashenka", "Tsikhanouskaya", "Putin", "Minsk", "Brest")]
    assert len(set(keys)) == len(keys)
    assert name_key("Lukashevich") != name_key("Lukashenka")


def test_name_tokens_skip_common_words_and_words_seen_in_lower_case():
    text = "The ministry said Lukashenka met the OSCE envoy in Minsk. Meeting: the meeting ran."
    assert name_tokens(text) == ["Lukashenka", "OSCE", "Minsk"]


def test_reports_in_two_scripts_share_name_keys():
    english = "Vladimir Putin and Aliaksandr Lukashenka spoke by telephone."
    russian = "Лукашенко и Путин провели телефонный разговор."
    assert {name_key("Putin"), name_key("Lukashenka")} <= name_keys(english) & name_keys(russian)


def test_fold_names_rewrites_only_names():
    assert fold_names("The talks in Hrodna ended.") == f"The talks in n_{name_key('Hrodna')} ended."
    assert same_name("Sviatlana Tsikhanouskaya", "Svetlana Tikhanovskaya")
    assert not same_name("Sviatlana Tsikhanouskaya", "Maria Kalesnikava")
