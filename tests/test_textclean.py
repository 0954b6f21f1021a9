"""Tests for digest.extract.plaintext: the seed dumps against their line labels, and each rule of
the
block scorer (labels, runs, headings, tail teasers, hard wraps, stoplists, Markdown)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from digest.extract.plaintext import (
    best_run,
    classify,
    clean_text,
    is_byline,
    markdown_paragraphs,
    split_blocks,
    stopwords,
)

ROOT = Path(__file__).resolve().parent.parent
LABELS = sorted((ROOT / "tests" / "fixtures" / "extract").glob("seed_*.expected.yaml"))
EN = stopwords("en")
PARAGRAPH = (
    "The regional court heard the case on Monday and the prosecutor asked for a prison term "
    "of three years, according to the lawyer who represented the accused man."
)


def _numbers(labels: list[str]) -> list[int]:
    """Line numbers from labels such as "3-10"."""
    spans = [str(label).partition("-") for label in labels]
    return [n for a, _, b in spans for n in range(int(a), int(b or a) + 1)]


@pytest.mark.parametrize("label_file", LABELS, ids=lambda p: p.stem)
def test_seed_article_lines_kept_and_boilerplate_dropped(label_file: Path):
    """Every line labelled article survives (as title or paragraph); no boilerplate line does."""
    spec = yaml.safe_load(label_file.read_text(encoding="utf-8"))
    lines = (ROOT / spec["source"]).read_text(encoding="utf-8").splitlines()
    page = clean_text("\n".join(lines))
    kept = [page.title, *page.paragraphs]
    for n in _numbers(spec["article_lines"]):
        assert any(lines[n - 1].lstrip(" •-").strip() == k for k in kept), n
    for n in _numbers(spec["boilerplate_lines"]):
        assert lines[n - 1].strip().lstrip("-• ") not in kept, n
    assert page.title == spec["title"]


def test_block_labels():
    """Terminators, bylines, furniture, captions, text and headings each get their label."""
    assert classify("Related articles", EN).kind == "end"
    assert classify("MORE NEWS", EN).kind == "end"
    assert classify("by Jane Roe March 1, 2025 3 min read", EN).kind == "byline"
    assert classify("Enter your email to subscribe", EN).kind == "bad"
    assert (
        classify("Troops at a parade in the capital. (JOHN DOE/AGENCY via Getty Images)", EN).kind
        == "bad"
    )
    assert classify(PARAGRAPH, EN).kind == "good"
    assert classify("Opposition leader meets foreign ministers in Brussels", EN).kind == "short"


def test_long_paragraph_with_one_furniture_word_stays_text_but_cookie_notice_goes():
    """One pattern hit does not sink a long paragraph; a long notice with two hits is furniture."""
    long = PARAGRAPH + " The newspaper said its subscribers had sent in questions for the judge."
    assert classify(long, EN).kind == "good"
    notice = (
        "We use cookies to improve your experience and to show relevant content. By continuing "
        "to use this site you agree to our privacy policy and to the way we store your data, "
        "which you can change at any time in the settings of your browser or on this page."
    )
    assert classify(notice, EN).kind == "bad"


def test_run_does_not_cross_an_end_line_and_a_box_costs_one_penalty():
    """A newsletter box inside the article keeps both halves; a terminator ends the article."""
    box = ["Get our daily email", "Enter your email address", "Subscribe", "* indicates required"]
    after = [PARAGRAPH + " More.", PARAGRAPH + " Last."]
    text = "\n".join([PARAGRAPH, PARAGRAPH + " Again.", *box, *after, "News Feed"])
    page = clean_text(text + "\n" + PARAGRAPH + " Elsewhere.")
    assert len(page.paragraphs) == 4 and not any("Elsewhere" in p for p in page.paragraphs)
    blocks = [classify(b, EN) for b in split_blocks(text)]
    assert best_run(blocks) == (0, 8)
    assert [b.kind for b in blocks[2:6]] == ["short", "bad", "bad", "bad"]


def test_headings_inside_kept_trailing_heading_and_tail_teaser_dropped():
    """A heading followed by text stays; a tail headline plus lone teaser goes unless the
    article uses subheadings throughout."""
    teaser = "President says troops will stay near the border for another year, officials said."
    plain = [PARAGRAPH, PARAGRAPH + " Two.", "Another story from the region today", teaser]
    assert clean_text("\n".join(plain)).paragraphs == (PARAGRAPH, PARAGRAPH + " Two.")
    with_heads = [PARAGRAPH, "What the court said", PARAGRAPH + " Two.", "What comes next", teaser]
    assert clean_text("\n".join(with_heads)).paragraphs == tuple(with_heads)
    ending = clean_text("\n".join([PARAGRAPH, PARAGRAPH + " B.", "Opinion and analysis"]))
    assert "Opinion and analysis" in ending.dropped and len(ending.paragraphs) == 2


def test_hard_wrapped_text_is_joined_into_paragraphs():
    """Lines wrapped at a fixed width become one block per blank-line paragraph."""
    words = (PARAGRAPH + " ") * 3
    wrapped = textwrap.fill(words, 70)
    blocks = split_blocks(wrapped + "\n\n" + wrapped)
    assert len(blocks) == 2 and blocks[0] == " ".join(words.split())
    assert split_blocks("One line.\nTwo line.\n") == ["One line.", "Two line."]


def test_stoplist_follows_the_language():
    """Russian text is text with the Russian stoplist, and reads as a name list without it."""
    ru = (
        "По словам представителя ведомства, очереди на границе выросли после того, как соседи "
        "закрыли часть пунктов."
    )
    assert classify(ru, stopwords("ru")).kind == "good"
    assert classify(ru, EN).kind != "good"
    assert stopwords("xx") == frozenset()


def test_byline_title_and_noise():
    """The headline above a byline is the title; noise with control characters is not text."""
    page = clean_text(f"Home\nCourt jails a blogger for five years\nBy Ann Lee\n{PARAGRAPH}")
    assert page.title == "Court jails a blogger for five years" and page.byline_lines == (
        "By Ann Lee",
    )
    assert not is_byline("By the end of the week the court had heard every witness in the case.")
    noise = "\x01".join(PARAGRAPH.split(" "))
    assert clean_text(noise).paragraphs == ()


def test_markdown_to_paragraphs():
    """Headings, items and paragraphs each become one plain paragraph; markup is removed."""
    md = "## Head\nText *with* **marks** and [a link](http://x.org)\ncontinued.\n\n- one\n- two\n"
    assert markdown_paragraphs(md) == [
        "Head",
        "Text with marks and a link continued.",
        "one",
        "two",
    ]
    assert markdown_paragraphs("```\ncode_line = 1\n```\n> quoted\n> text\n") == [
        "code_line = 1",
        "quoted text",
    ]


def test_link_lines_menu_rows_appeals_and_other_languages():
    """A 'Read also:' line is dropped without splitting the article; menu rows, donation appeals
    and Russian furniture are furniture; the headline nearest the date line is the title."""
    assert classify("Read also: Minsk and Moscow sign a new air defence deal", EN).kind == "link"
    assert classify("About us | Contacts | Advertising", EN).kind == "bad"
    assert classify("16.01.2025 14:05", EN).kind == "short"  # a date line is not a menu row
    appeal = "We rely on readers like you. Support us with a donation of any size today."
    assert classify(appeal, EN).kind == "bad"
    ru = stopwords("ru")
    assert classify("Читайте также", ru).kind == "end"
    assert classify("Подписывайтесь на наш канал, чтобы не пропустить новости", ru).kind == "bad"
    lines = ["EN | BY | RU", "Court jails a blogger in Hrodna", "14.03.2025 11:40", PARAGRAPH]
    middle = ["Read also: Another court case in Minsk", PARAGRAPH + " Two."]
    page = clean_text("\n".join(lines + middle))
    assert page.title == "Court jails a blogger in Hrodna"
    assert page.paragraphs == (PARAGRAPH, PARAGRAPH + " Two.")
