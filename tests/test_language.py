"""Language identification limited to the region: Belarusian told from Russian and Ukrainian in
short texts, and py3langid's shared identifier left as it was."""

from __future__ import annotations

import py3langid
import pytest

from digest.extract.language import REGION_LANGUAGES, detect_language

SHORT = [  # headline-length texts, written for this test
    ("ru", "Минобороны объявило внезапную проверку боеготовности бригады под Борисовом"),
    ("ru", "Суд в Гомеле приговорил блогера к пяти годам колонии за комментарии"),
    ("ru", "Посол встретился с министром иностранных дел и обсудил визовые вопросы"),
    ("be", "Міністэрства абароны абвясціла раптоўную праверку баявой гатоўнасці брыгады"),
    ("be", "Суд у Гомелі асудзіў блогера на пяць гадоў калоніі за каментары ў сетцы"),
    ("be", "Праваабаронцы паведамілі пра новыя затрыманні ў Віцебску і Магілёве"),
    ("uk", "Міністерство оборони оголосило раптову перевірку боєготовності бригади"),
    ("pl", "Straż Graniczna zatrzymała na granicy kolejną grupę migrantów z Białorusi"),
    ("lt", "Lietuvos pasieniečiai pranešė apie naujus balionus iš Baltarusijos pusės"),
    ("en", "The defence ministry announced a snap combat readiness check of a brigade"),
]


@pytest.mark.parametrize(("language", "text"), SHORT)
def test_short_texts_get_their_language(language, text):
    assert detect_language(text) == language


# Openings of posts from our own labelled set that the unrestricted identifier reads as Serbian
# and Bulgarian.
MISREAD = [
    "🇺🇳 Спецдокладчица ООН по Беларуси призвала освободить",
    "Политик Николай Статкевич, которого в начале сентября",
]


@pytest.mark.parametrize("text", MISREAD)
def test_russian_openings_that_unrestricted_identification_misreads(text):
    assert py3langid.classify(text)[0] != "ru"
    assert detect_language(text) == "ru"


def test_every_answer_is_a_language_of_the_region():
    texts = [t for _, t in SHORT] + ["Das Verteidigungsministerium kündigte eine Übung an heute"]
    assert {detect_language(t) for t in texts} <= set(REGION_LANGUAGES)


def test_too_short_to_tell_is_none():
    assert detect_language("Минск, 14:30") is None


def test_the_shared_identifier_is_not_restricted():
    detect_language(SHORT[0][1])
    assert py3langid.classify("Das ist ein deutscher Satz über das Wetter von heute")[0] == "de"
