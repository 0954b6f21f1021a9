"""The dated paragraph: date phrases, word limits, trimming, and every sentence traced to a source.

Provenance rule checked here: remove the added date phrase from the first sentence and give it
back its capital; remove a closing "…" from a cut sentence; what is left appears verbatim in the
item the sentence is credited to.
"""

from datetime import date

import pytest

from digest.compose.paragraph import (
    MAX_WORDS,
    MIN_WORDS,
    Sentence,
    compose,
    date_phrase,
    find_day,
    find_span,
    split_sentences,
    trim,
)

FACTS = [  # one report's sentences, our own wording of the staff exercise of January 14-16, 2025
    "The Belarusian defence ministry said a joint staff exercise of the Regional Group of Forces"
    " took place in Minsk.",
    "Officers of Belarus and Russia practised one scenario for deploying the group from stationary"
    " command posts.",
    "The ministry linked the exercise to the preparation of the Zapad-2025 strategic drills.",
    "Those drills are planned in Belarus for September 2025.",
]


@pytest.mark.parametrize(
    ("start", "end", "phrase"),
    [
        (date(2025, 1, 16), None, "On January 16,"),
        (date(2025, 1, 14), date(2025, 1, 16), "From January 14 to 16,"),
        (date(2025, 1, 30), date(2025, 2, 2), "From January 30 to February 2,"),
        (date(2024, 12, 30), date(2025, 1, 2), "From December 30, 2024 to January 2, 2025,"),
    ],
)
def test_date_phrases_for_a_day_and_for_spans(start, end, phrase):
    assert date_phrase(start, end) == phrase


def test_spans_and_days_named_in_the_text_are_found_near_the_report_date():
    day = date(2025, 1, 16)
    assert find_span("held from January 14 to 16 in Minsk", day) == (date(2025, 1, 14), day)
    assert find_span("held January 14-16", day) == (date(2025, 1, 14), day)
    assert find_span("from March 1 to 3", day) is None  # not near the report: not this event
    assert find_day("met on Feb. 12, the paper said", date(2025, 2, 16)) == date(2025, 2, 12)
    assert find_day("on 9 January", day) == date(2025, 1, 9) and find_day("in March", day) is None


def offers(*reports: list[str]) -> list[list[Sentence]]:
    return [[Sentence(s, n) for s in sentences] for n, sentences in enumerate(reports)]


def traced(paragraph, sources: list[str]) -> None:
    """Assert the provenance rule for every sentence of a paragraph."""
    pieces = split_sentences(paragraph.text)
    assert len(pieces) == len(paragraph.sources)
    phrase = date_phrase(paragraph.start, paragraph.end) + " "
    for n, (piece, src) in enumerate(zip(pieces, paragraph.sources, strict=True)):
        if n == 0 and piece.startswith(phrase):
            piece = piece[len(phrase) :]
            piece = piece[:1].upper() + piece[1:]
        assert piece.removesuffix("…") in sources[src], piece


def test_the_paragraph_opens_with_the_date_and_every_sentence_is_traced():
    other = "Russian and Belarusian commanders met in Minsk. The staff training lasted three days."
    got = compose(offers(FACTS, split_sentences(other)), date(2025, 1, 16))
    assert got.text.startswith("On January 16, the Belarusian defence ministry said")
    assert len(got.text.split()) <= MAX_WORDS
    traced(got, [" ".join(FACTS), other])
    assert 1 in got.sources  # the best report had under 80 words: the other one filled in


def test_a_span_named_in_the_report_becomes_the_date_phrase():
    first = "From January 14 to 16, officers of both armies trained in Minsk, the ministry said."
    got = compose(offers([first, *FACTS]), date(2025, 1, 16))
    assert got.text.startswith(first) and (got.start, got.end) == (date(2025, 1, 14), got.end)


LONG = [  # a long report of many distinct facts, in our own words
    "The border committee said guards stopped a convoy of nine lorries at Kamenny Log.",
    "Drivers waited eleven hours before customs officers inspected the cargo.",
    "Two trailers carried timber declared as furniture parts, inspectors found.",
    "A Lithuanian haulier filed a complaint about the delay with the embassy.",
    "Queues at Benyakoni grew to forty cars by the evening of the same day.",
    "Officials in Vilnius described the checks as deliberate pressure on carriers.",
    "A spokesman for the committee denied that any order to slow traffic existed.",
    "Polish crossings at Terespol worked normally throughout the weekend.",
    "Local residents reported drones flying over the customs terminal at night.",
    "The committee promised to publish waiting times online every hour.",
    "Freight associations asked Brussels to raise the issue with Minsk.",
    "Prices of imported fruit in Hrodna shops rose by a tenth within a week.",
]


def test_a_long_report_gives_whole_sentences_within_130_words():
    long = LONG
    got = compose(offers(long), date(2025, 1, 16))
    assert MIN_WORDS <= len(got.text.split()) <= MAX_WORDS and got.text.endswith(".")
    traced(got, [" ".join(long)])


def test_a_single_overlong_sentence_is_cut_at_a_comma_and_marked():
    sentence = "The court listed the charges, " * 60 + "and closed the case."
    got = compose(offers([sentence]), date(2025, 1, 10))
    assert got.text.endswith("…") and len(got.text.split()) <= MAX_WORDS
    traced(got, [sentence])


def test_a_short_report_gives_a_short_paragraph_rather_than_invented_words():
    # Fewer than 60 words in all the reports: the paragraph is all of them, under the minimum.
    short = ["Lithuania's Seimas voted to denounce the double taxation treaty with Belarus."]
    got = compose(offers(short), date(2025, 1, 14))
    assert got.text == "On January 14, Lithuania's Seimas voted to denounce the double taxation" \
        " treaty with Belarus."  # fmt: skip
    assert len(got.text.split()) < MIN_WORDS


def test_trim_removes_datelines_and_relative_days_only():
    assert trim("MINSK, Jan 16 (Reuters) - The ministry said so.") == "The ministry said so."
    assert trim("On Tuesday, the court ruled.") == "The court ruled."
    assert trim("Minsk said on Tuesday it would reply.") == "Minsk said on Tuesday it would reply."


def test_a_weekday_without_a_comma_gives_way_to_the_date_phrase():
    got = trim("On Tuesday the general staffs opened a drill.")
    assert got == "The general staffs opened a drill."
    assert trim("Today marks a year since the vote.") == "Today marks a year since the vote."


def test_a_single_capital_article_is_lowered_but_acronyms_stay():
    from digest.compose.paragraph import _lower_first

    assert _lower_first("A decree fixed the date.") == "a decree fixed the date."
    assert _lower_first("US officials said so.") == "US officials said so."
