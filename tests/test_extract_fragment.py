"""A feed entry's or a post's own text: every block kept, whatever the markup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest.errors import DigestError
from digest.extract.article import extract
from digest.extract.fragment import fragment_paragraphs
from digest.models import Document

ONE = (
    "The regional court in Homiel sentenced two railway workers to three years for sharing "
    "train timetables with a foreign channel, their lawyers said on Thursday."
)


@pytest.mark.parametrize(
    ("markup", "paragraphs"),
    [
        (f"<p>{ONE}</p>", [ONE]),
        (ONE, [ONE]),
        (f"<div><p>{ONE}</p></div>", [ONE]),
        (f"  <div>\n  {ONE}\n</div>", [ONE]),
        (f"{ONE[:60]}\n{ONE[60:]}", [" ".join([ONE[:60], ONE[60:]]).replace("  ", " ")]),
        (f"{ONE}\n\nSecond paragraph of the report.", [ONE, "Second paragraph of the report."]),
        (
            f"<b>Minsk</b>: {ONE}<br><br>Later: more arrests.",
            [f"Minsk: {ONE}", "Later: more arrests."],
        ),
        (f"<p>{ONE}</p><p>The post Arrests appeared first on Example News.</p>", [ONE]),
        (f"<p>{ONE}</p><script>steal()</script><style>p{{}}</style>", [ONE]),
        (
            "<p>Tom &amp; Jerry &lt;3 fish and chips on the river bank today</p>",
            ["Tom & Jerry <3 fish and chips on the river bank today"],
        ),
        ("<p>📷</p>", []),
        ('<a href="https://t.me/x">t.me/x</a>', []),
    ],
)
def test_fragment_paragraphs(markup: str, paragraphs: list[str]) -> None:
    assert fragment_paragraphs(markup) == paragraphs


def _doc(content: str, own: bool) -> Document:
    meta = {"own_text": True} if own else {}
    stamp = datetime(2025, 1, 15, 9, tzinfo=UTC)
    return Document("s", "https://news.example.org/a", stamp, content, "text/html", meta=meta)


def test_an_entry_of_one_paragraph_is_extracted_but_a_page_still_needs_an_article() -> None:
    found = extract(_doc(f"<p>{ONE}</p>", own=True))
    assert found.text == ONE and found.language == "en"
    with pytest.raises(DigestError, match="no article text"):
        extract(_doc(f"<p>{ONE}</p>", own=False))  # a bare web page keeps the page rules
